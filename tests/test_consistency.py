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
