"""The consistency checks of the paper's own numbers compute what they say."""

import pytest

from lpsrepro import consistency


def test_membrane_conductivity_check():
    check = consistency.membrane_conductivity_from_asr()
    # 550e-7 cm / 0.8 Ω cm² = 6.875e-5 S/cm; the ASR that gives 6.7e-5 is 0.8209 Ω cm²
    assert "6.87e-05 S/cm" in check.computation
    assert "0.821 Ω cm²" in check.computation
    assert check.verdict == "consistent within rounding"


def test_all_checks_run_and_give_a_known_verdict():
    for check in consistency.run_all():
        assert check.verdict in consistency.VERDICTS
        assert check.computation and check.title


def test_membrane_numbers_behind_the_check():
    assert 550e-7 / 0.8 == pytest.approx(6.875e-5)
    assert 550e-7 / 6.7e-5 == pytest.approx(0.82090, rel=1e-4)


def test_li_plating_faraday_check():
    check = consistency.li_plating_faraday()
    assert "22.35 µAh/cm² per Li/Au" in check.computation and "Li2Au needs 44.7, Li3Au 67.0" in check.computation
    assert "Li2.07Au" in check.computation and "Li1.62Au" in check.computation
    assert check.verdict == "inconsistent"


def test_au_layer_growth_check():
    check = consistency.au_layer_growth()
    assert "310 nm" in check.computation and "410 nm" in check.computation
    assert check.verdict == "inconsistent"   # 320 nm is above the dense upper bound


def test_energy_density_and_plateau_spacing_checks():
    check = consistency.energy_density_membrane_thickness()
    assert "30 µm → 5.39 mg/cm²" in check.computation and "L = 30 µm: 0.650 mWh/mg, 2.58 mg/cm²" in check.computation
    spacing = consistency.lfp_plateau_spacing()
    assert "= 0.19 V" in spacing.computation and "= 0.13 V" in spacing.computation
    assert spacing.verdict == "inconsistent"
