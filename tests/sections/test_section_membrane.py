"""§3.2 section layer (lpsrepro.sections.membrane): params → run → Result.numbers()."""

import pickle

import numpy as np
import pytest

from lpsrepro import claims, ledger
from lpsrepro.errors import ParameterError
from lpsrepro.sections import membrane
from lpsrepro.units import field_unit


@pytest.fixture(scope="module")
def default_result():
    return membrane.run(membrane.Params.from_ledger())


def test_from_ledger_takes_every_mapped_field_from_the_ledger():
    p = membrane.Params.from_ledger()
    for name, key in membrane.Params.LEDGER.items():
        assert getattr(p, name) == pytest.approx(ledger.value(key, field_unit(name))), name
    # the plain defaults of the dataclass are the ledger's values too
    assert membrane.Params() == p


def test_bad_parameters_are_refused_by_name():
    p = membrane.Params.from_ledger()
    with pytest.raises(ParameterError, match="circuit"):
        p.replace(circuit="RC")
    with pytest.raises(ParameterError, match="electrode_diameter_mm"):
        p.replace(electrode_diameter_mm=-1)
    with pytest.raises(ParameterError, match="line_fit_max_hz"):
        p.replace(line_fit_min_hz=1e5, line_fit_max_hz=1e4)
    with pytest.raises(ParameterError, match="one of the section's parameters"):
        p.replace(thickness=500)


def test_stand_in_numbers_pass_the_gate_and_carry_the_budget(default_result):
    r = default_result
    numbers = r.numbers()
    assert set(numbers) == {"membrane_thickness", "membrane_asr", "membrane_conductivity"}
    asr = numbers["membrane_asr"]
    assert not asr.failed_quality
    # the electrode area (±0.05 mm on 2 mm: 5 %) dominates the ASR's uncertainty, not the fit
    assert asr.uncertainty == pytest.approx(0.05 * asr.value, rel=0.02)
    assert "upper bound" in asr.note and "lower bound" in numbers["membrane_conductivity"].note
    sigma = numbers["membrane_conductivity"]
    assert sigma.value == pytest.approx(r.thickness_nm * 1e-7 / asr.value)
    assert r.film_conductivity_s_per_cm > sigma.value     # lead-corrected σ is the larger one
    assert r.data_label == "data (simulated stand-in)"
    assert r.line is not None and r.line.resistance_ohm == pytest.approx(r.intercept.resistance_ohm, rel=0.01)


def test_result_and_params_are_picklable(default_result):
    clone = pickle.loads(pickle.dumps(default_result))
    assert clone.numbers()["membrane_asr"].value == default_result.numbers()["membrane_asr"].value


def test_wrong_spectrum_is_failed_quality_not_reproduced(real_data):
    r = membrane.run(membrane.Params.from_ledger().replace(eis_file=str(real_data / "Circuit1_EIS_1.z")))
    assert not r.passed
    assert r.data_label == "data: Circuit1_EIS_1.z"      # a user's file is never called a stand-in
    for claim_id in ("membrane_asr", "membrane_conductivity"):
        number = r.numbers()[claim_id]
        rec = claims.make_record(claim_id, **{k: v for k, v in number.record_kwargs().items()})
        assert claims.compare(claims.registry()[claim_id], rec)["status"] == "failed_quality"
    assert "FAILED" in r.fit_text() and "NOT compared" in r.asr_text()


def test_given_thickness_skips_the_image_and_its_claim(real_data):
    r = membrane.run(membrane.Params.from_ledger().replace(thickness_nm=800.0, cross_section_file="missing.tif"))
    assert r.film is None and "membrane_thickness" not in r.numbers()
    assert r.thickness_std_nm == pytest.approx(0.02 * 800)


def test_line_band_without_points_does_not_stop_the_section():
    r = membrane.run(membrane.Params.from_ledger().replace(line_fit_min_hz=1e7, line_fit_max_hz=1e8))
    assert r.line is None and "band" in r.line_problem and "not made" in r.cross_check_text()


def test_explore_area_changes_raw_resistance_not_asr(default_result):
    d = membrane.explore_defaults(default_result)
    # the slider is the section's field (ledger membrane.electrode_diameter), at the measured value
    assert d["electrode_diameter_mm"] == default_result.params.electrode_diameter_mm
    small = membrane.model_view(**d)
    assert small.area_cm2 == pytest.approx(default_result.area_cm2)
    big = membrane.model_view(**{**d, "electrode_diameter_mm": 2 * d["electrode_diameter_mm"]})   # 4 × the area
    assert big.asr_ohm_cm2 == pytest.approx(small.asr_ohm_cm2)
    assert big.resistance_ohm == pytest.approx(small.resistance_ohm / 4)
    assert big.status() != small.status()
    np.testing.assert_allclose(big.z_seen_ohm_cm2, small.z_seen_ohm_cm2, rtol=1e-9)
    # the area itself (the earlier call form) gives the same view; both or neither is refused
    fixed = {k: v for k, v in d.items() if k != "electrode_diameter_mm"}
    same = membrane.model_view(**fixed, area_cm2=small.area_cm2)
    assert same.resistance_ohm == pytest.approx(small.resistance_ohm)
    with pytest.raises(ParameterError, match="electrode_diameter_mm"):
        membrane.model_view(**d, area_cm2=small.area_cm2)
    with pytest.raises(ParameterError, match="electrode_diameter_mm"):
        membrane.model_view(**fixed)


def test_notebook_defaults_equal_the_section_defaults():
    import ast

    import nbformat

    from lpsrepro import paths
    nb = nbformat.read(paths.NOTEBOOKS / "32_membrane.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    defaults = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body}
    p = membrane.Params.from_ledger()
    for name, value in defaults.items():
        if name.endswith("_file"):
            continue
        assert value == (pytest.approx(getattr(p, name)) if isinstance(value, float) else getattr(p, name)), name


def test_relative_differences_never_print_a_negative_zero():
    assert membrane._percent(1.0 - 1e-12, 1.0) == "+0.0 %"
    assert membrane._percent(0.97, 1.0) == "-3.0 %"


def test_the_other_film_circuit_is_shown_beside_the_chosen_one(default_result):
    assert default_result.alternative.fit.circuit == "L0-p(R1,CPE2)-CPE1"
    assert "other film circuit" in default_result.cross_check_text()


def test_the_sweep_of_a_multi_sweep_file_is_chosen_by_parameter():
    # issue 9: a file holding several sweeps is analysed sweep by sweep, chosen by eis_spectrum
    with pytest.raises(ParameterError, match="eis_spectrum"):
        membrane.Params.from_ledger().replace(eis_spectrum=-1)
    with pytest.raises(ParameterError, match="eis_spectrum"):
        membrane.Params.from_ledger().replace(eis_spectrum="first")
    assert membrane.Params.from_ledger().replace(eis_spectrum=0).eis_spectrum == 0
