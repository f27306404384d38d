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


def test_au_layer_growth_check_uses_crystal_volumes():
    check = consistency.au_layer_growth()
    # dense layer from the Li15Au4 cell (× 0.97): 251 nm (245–258 over the DFT scale range); Li3Au 326 nm;
    # additive molar volumes 310 nm (the old, no-contraction estimate)
    assert "dense layer of 251 nm (245–258 nm)" in check.computation
    assert "Li3Au film would be 326 nm" in check.computation and "would give 310 nm" in check.computation
    assert "+69 nm (21 % of the layer)" in check.computation
    assert check.verdict == "inconsistent"   # 320 nm is more than a dense alloy of that charge


def test_lfp_faraday_ce_audit_reports_both_readings():
    check = consistency.lfp_faraday_ce()
    # 37.5 / 22.35 = 1.68; 45.9 mAh/g × 0.5 mg/cm² = 22.95 µAh/cm²; 22.95 / 37.5 = 61.2 %
    assert "Li1.68Au" in check.computation and "45.9 / 75 mAh/g = 61.2 %" in check.computation
    # reading B: 22.95 / 0.849 = 27.0 µAh/cm²; (37.5 + 27.0) / 22.35 = 2.89
    assert "27.0 µAh/cm²" in check.computation and "Li2.89Au" in check.computation
    assert check.verdict == "inconsistent"
    assert 22.95 / 37.5 == pytest.approx(0.612, abs=1e-3) and 37.5 / 0.5 == 75


def test_energy_density_band_places_the_published_loadings():
    check = consistency.energy_density_band()
    assert "1 µm needs 1.88 mg/cm²" in check.computation
    assert "sulfur_utilisation = 0.852" in check.computation
    assert check.verdict == "consistent"


def test_energy_density_and_plateau_spacing_checks():
    check = consistency.energy_density_membrane_thickness()
    assert "30 µm → 5.39 mg/cm²" in check.computation and "L = 30 µm: 0.650 mWh/mg, 2.58 mg/cm²" in check.computation
    spacing = consistency.lfp_plateau_spacing()
    assert "= 0.19 V" in spacing.computation and "= 0.13 V" in spacing.computation
    # against the de-alloying potentials (0.30 − 0.15 = 0.15 V, 'near 0.3' good to ±0.05 V) the spacing is consistent
    assert "a spacing of 0.15 V" in spacing.computation
    assert spacing.verdict == "consistent within rounding"


def test_section_33_checks_are_selected_by_name_and_hold_no_typed_published_values():
    import ast
    import inspect

    from lpsrepro import claims

    assert consistency.lfp_faraday_ce in consistency.PERFORMANCE_CHECKS
    assert consistency.membrane_conductivity_from_asr not in consistency.PERFORMANCE_CHECKS
    published = set()
    for claim in claims.registry().values():
        for v in (claim.value, getattr(claim, "low", None), getattr(claim, "high", None)):
            try:
                published.add(float(v))
            except (TypeError, ValueError):
                pass
    from lpsrepro import ledger

    # the paper's inputs that sit in the ledger ("source: paper ...", e.g. 65 µA/cm², 400 Wh/kg, 37.5 µAh/cm²)
    published |= {float(a.value) for a in ledger.entries() if (a.source or "").startswith("paper")
                  and isinstance(a.value, (int, float))}
    published -= {0.0, 1.0, 2.0, 3.0, 10.0, 100.0}      # small counts and unit factors are not paper values
    assert {65.0, 400.0, 37.5} <= published
    numbers = {node.value for node in ast.walk(ast.parse(inspect.getsource(consistency)))
               if isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
               and not isinstance(node.value, bool)}
    assert not {float(n) for n in numbers} & published
    assert "0.06 V wider" not in inspect.getsource(consistency)


def test_p2s6_raman_assignment_is_checked_from_charge_balance():
    # P2S6(2-) is P(V) (no P–P bond), P2S6(4-) is P(IV) (the ethane-like dimer with one)
    assert consistency.phosphorus_oxidation_state("P2S6[-2]") == 5
    assert consistency.phosphorus_oxidation_state("P2S6[-4]") == 4
    assert consistency.phosphorus_oxidation_state("PS4[-3]") == 5
    check = consistency.raman_p2s6_assignment()
    assert check.verdict == "inconsistent" and "P2S6(4−)" in check.comment
    assert consistency.raman_p2s6_assignment in consistency.CHECKS
