"""Claims registry, tolerance rule, comparison and the claims.json document."""

import textwrap

import pytest

from lpsrepro import claims
from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.registry import ProgrammingError


def write_registry(tmp_path, body):
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n" + textwrap.indent(textwrap.dedent(body), "  "))
    claims._load_registry.cache_clear()
    return path


def entry(cid, published, tolerance=""):
    return f"""
    - id: {cid}
      source: test
      statement: a number
      notebook: notebooks/x.ipynb
      published: {published}
    """ + (f"  tolerance: {tolerance}\n" if tolerance else "")


def test_tolerance_is_half_a_unit_of_the_last_printed_digit():
    reg = claims.registry()
    assert reg["membrane_conductivity"].atol == pytest.approx(0.05e-5)
    assert reg["membrane_asr"].atol == pytest.approx(0.05)
    assert reg["li_s_loading_400whkg_30um"].atol == pytest.approx(0.5)
    assert reg["li3au_plateau_voltage"].atol == pytest.approx(0.005)  # "0.10" keeps its trailing zero


def test_every_published_claim_has_a_pint_unit_and_a_notebook():
    reg = claims.registry()
    assert len(reg) >= 35
    for claim in reg.values():
        assert claim.notebook.startswith("notebooks/") and claim.notebook.endswith(".ipynb")


@pytest.mark.parametrize("relation,value,reproduced,status", [
    ("=", "6.7e-5", 6.74e-5, "reproduced"),
    ("=", "6.7e-5", 6.76e-5, "deviates"),
    ("<=", "50", 49.0, "reproduced"),
    ("<=", "50", 50.4, "reproduced"),   # within the printed precision of the bound
    ("<=", "50", 51.0, "deviates"),
    (">", "1", 1.7, "reproduced"),
    (">", "1", 0.2, "deviates"),
])
def test_relations(tmp_path, relation, value, reproduced, status):
    path = write_registry(tmp_path, entry("x", f'{{value: "{value}", unit: S/cm, relation: "{relation}"}}'))
    rec = claims.make_record("x", reproduced, "S/cm", registry_path=path)
    assert claims.compare(claims.registry(path)["x"], rec)["status"] == status


def test_range_and_rtol(tmp_path):
    path = write_registry(tmp_path, entry("r", '{low: "460", high: "480", unit: 1/cm, relation: range}')
                          + entry("a", '{value: "550", unit: nm, relation: "~"}', '{rtol: 0.02, reason: about}'))
    reg = claims.registry(path)
    assert claims.compare(reg["r"], claims.make_record("r", 470, "1/cm", registry_path=path))["status"] == "reproduced"
    assert claims.compare(reg["r"], claims.make_record("r", 490, "1/cm", registry_path=path))["status"] == "deviates"
    assert claims.compare(reg["a"], claims.make_record("a", 560, "nm", registry_path=path))["status"] == "reproduced"
    assert claims.compare(reg["a"], claims.make_record("a", 570, "nm", registry_path=path))["status"] == "deviates"


def test_units_are_converted_and_slips_refused():
    rec = claims.make_record("membrane_conductivity", 6.7e-3, "S/m")
    assert rec["value"] == pytest.approx(6.7e-5) and rec["unit"] == "S/cm"
    with pytest.raises(ParameterError, match="unit convertible to S/cm"):
        claims.make_record("membrane_conductivity", 0.82, "ohm*cm**2")


def test_unknown_id_and_non_finite_values_are_refused():
    with pytest.raises(ProgrammingError, match="claim_id"):
        claims.make_record("no_such_claim", 1.0, "nm")
    with pytest.raises(ParameterError, match="finite"):
        claims.make_record("membrane_thickness", float("nan"), "nm")


def test_registry_demands_quoted_values_and_reasons(tmp_path):
    path = write_registry(tmp_path, entry("x", "{value: 6.7, unit: nm, relation: '='}"))
    with pytest.raises(InputFileError, match="quoted strings"):
        claims.registry(path)
    path = write_registry(tmp_path, entry("y", '{value: "6.7", unit: nm, relation: "="}', "{rtol: 0.1}"))
    with pytest.raises(InputFileError, match="needs a written reason"):
        claims.registry(path)
    path = write_registry(tmp_path, entry("z", '{value: "6.7", unit: parsecs_per_fortnight, relation: "="}'))
    with pytest.raises(ParameterError, match="unit"):
        claims.registry(path)


def test_document_lists_every_claim_once_and_refuses_duplicates():
    rec = claims.make_record("membrane_asr", 0.82, "ohm*cm**2", 0.001)
    doc = claims.claims_document([rec])
    ids = [c["id"] for c in doc["claims"]]
    assert ids == list(claims.registry()) and len(set(ids)) == len(ids)
    assert doc["summary"]["reproduced"] == 1 and doc["summary"]["not_attempted"] == len(ids) - 1
    with pytest.raises(ProgrammingError, match="recorded twice"):
        claims.claims_document([rec, rec])


def test_record_prints_one_deterministic_line(capsys):
    claims.record("membrane_asr", 0.819712345, "ohm*cm**2", 0.000751)
    assert capsys.readouterr().out == "claim membrane_asr = 0.8197 ± 0.00075 ohm*cm**2\n"


# --------------------------------------------------------------------------- kinds, implied targets, summary
def test_a_prediction_sits_beside_the_reproduction_and_is_compared_apart():
    rep = claims.make_record("membrane_asr", 0.82, "ohm*cm**2")
    pred = claims.make_record("membrane_asr", 0.95, "ohm*cm**2", 0.02, kind="independent_prediction",
                              note="from literature σ")
    assert "kind" not in rep and pred["kind"] == "independent_prediction"
    doc = claims.claims_document([rep, pred])
    entry = next(e for e in doc["claims"] if e["id"] == "membrane_asr")
    assert entry["status"] == "reproduced" and entry["reproduced"]["value"] == 0.82
    assert entry["independent_prediction"]["status"] == "deviates"
    assert entry["independent_prediction"]["predicted"] == {"value": 0.95, "unit": "ohm*cm**2", "uncertainty": 0.02}
    assert entry["independent_prediction"]["method"] == "from literature σ"
    assert doc["summary"]["predictions"] == 1 and doc["summary"]["predictions_agree"] == 0
    with pytest.raises(ProgrammingError, match="independent prediction was recorded twice"):
        claims.claims_document([rep, pred, pred])
    with pytest.raises(ProgrammingError, match="kind"):
        claims.make_record("membrane_asr", 0.82, "ohm*cm**2", kind="guess")


def test_a_prediction_alone_leaves_the_reproduction_not_attempted():
    pred = claims.make_record("membrane_asr", 0.8, "ohm*cm**2", kind="independent_prediction")
    entry = next(e for e in claims.claims_document([pred])["claims"] if e["id"] == "membrane_asr")
    assert entry["status"] == "not_attempted" and entry["independent_prediction"]["status"] == "reproduced"


def test_prediction_line_says_prediction(capsys):
    claims.record("membrane_asr", 0.8, "ohm*cm**2", kind="independent_prediction")
    assert capsys.readouterr().out == "prediction membrane_asr = 0.8 ohm*cm**2\n"


def test_failed_quality_prediction_keeps_its_reason():
    pred = claims.make_record("membrane_asr", float("nan"), "ohm*cm**2", kind="independent_prediction",
                              failed_quality="no literature value for the area")
    entry = next(e for e in claims.claims_document([pred])["claims"] if e["id"] == "membrane_asr")
    assert entry["independent_prediction"] == {"status": "failed_quality",
                                               "failed_quality": "no literature value for the area", "quality": {}}


def three_reproduced():
    return [claims.make_record("membrane_asr", 0.82, "ohm*cm**2"),
            claims.make_record("membrane_conductivity", 6.7e-5, "S/cm"),
            claims.make_record("membrane_thickness", 550, "nm")]


def test_summary_splits_reproduced_into_calibrated_implied_and_not_calibrated():
    doc = claims.claims_document(three_reproduced(), calibrated={"membrane_conductivity": "σ set"},
                                 implied={"membrane_asr": "thickness / σ"})
    s = doc["summary"]
    assert (s["reproduced"], s["reproduced_calibrated"], s["reproduced_implied"], s["reproduced_not_calibrated"]) \
        == (3, 1, 1, 1)
    assert s["reproduced"] + s["deviates"] + s["failed_quality"] + s["not_attempted"] == len(doc["claims"])
    text = doc["summary_text"]
    assert text.startswith(f"3 of {len(doc['claims'])} published numbers reproduced from the simulated stand-ins "
                           "(1 of them from stand-ins calibrated to that number ◆, 1 implied by a calibrated number, "
                           "1 from data not calibrated to that number)")
    assert "Independent tests of the paper: none" in text
    entry = next(e for e in doc["claims"] if e["id"] == "membrane_asr")
    assert entry["stand_in_implies_it"] == "thickness / σ" and entry["stand_in_calibrated_to_it"] is None
    with pytest.raises(ProgrammingError, match="not both"):
        claims.claims_document([], calibrated={"membrane_asr": "a"}, implied={"membrane_asr": "b"})
    with pytest.raises(ProgrammingError, match="implied target"):
        claims.claims_document([], implied={"no_such": "b"})


def test_summary_counts_predictions_that_agree():
    recs = three_reproduced() + [
        claims.make_record("membrane_asr", 0.8, "ohm*cm**2", kind="independent_prediction"),
        claims.make_record("membrane_thickness", 900, "nm", kind="independent_prediction")]
    text = claims.claims_document(recs)["summary_text"]
    assert ("Independent tests of the paper: 2 numbers predicted from cited literature inputs, nothing tuned to the "
            "paper; 1 agree, 1 deviate.") in text


def test_declared_targets_collects_every_generator():
    declared = claims.declared_targets()
    import lpsrepro.simulate

    assert set(declared) == {"calibrated", "implied"}
    assert lpsrepro.simulate.calibration_targets().items() <= declared["calibrated"].items()
    assert set(declared["implied"]) <= set(claims.registry())
    assert not set(declared["calibrated"]) & set(declared["implied"])


def test_user_data_document_says_your_data_and_drops_stand_in_calibration():
    inputs = [{"parameter": "eis_file", "file": "mine.z", "sha256": "ab" * 32}]
    doc = claims.claims_document(three_reproduced(), calibrated={"membrane_conductivity": "σ set"}, inputs=inputs)
    assert doc["data"] == "your data" and doc["inputs"] == inputs
    entry = next(e for e in doc["claims"] if e["id"] == "membrane_conductivity")
    assert entry["stand_in_calibrated_to_it"] is None and entry["comparison"] == "your sample vs the paper's"
    assert doc["summary_text"].startswith("Your data: 3 of ")
    assert "stand-in" not in doc["summary_text"]
    assert claims.claims_document([])["data"] == "simulated stand-ins"


def test_sensitivity_interval_goes_into_claims_json():
    sens = {"claims": {"membrane_asr": {"unit": "ohm*cm**2", "p05": 0.7, "p95": 0.9,
                                        "drivers": [{"assumption": "membrane.lead_resistance"}]},
                       "membrane_conductivity": {"unit": "S/m", "p05": 7e-3, "p95": 8e-3, "drivers": []}}}
    doc = claims.claims_document([], sensitivity=sens)
    by_id = {e["id"]: e for e in doc["claims"]}
    assert by_id["membrane_asr"]["sensitivity"] == {"p05": 0.7, "p95": 0.9, "unit": "ohm*cm**2",
                                                    "published_inside": True, "moved_by_ledger": True,
                                                    "moved_most_by": ["membrane.lead_resistance"]}
    cond = by_id["membrane_conductivity"]["sensitivity"]
    assert cond["unit"] == "S/cm" and cond["p05"] == pytest.approx(7e-5) and cond["published_inside"] is False
    assert "sensitivity" not in by_id["membrane_thickness"]
    assert "sensitivity" not in claims.claims_document([], sensitivity={})["claims"][0]


def test_a_number_the_ledger_does_not_move_is_inside_when_it_is_reproduced():
    # 552 nm is within the 2 % tolerance of "about 550 nm": inside; 600 nm is not
    for value, inside in ((552.0, True), (600.0, False)):
        sens = {"claims": {"membrane_thickness": {"unit": "nm", "p05": value, "p95": value, "drivers": []}}}
        block = {e["id"]: e for e in claims.claims_document([], sensitivity=sens)["claims"]}["membrane_thickness"]["sensitivity"]
        assert block["moved_by_ledger"] is False and block["moved_most_by"] == []
        assert block["published_inside"] is inside


def test_a_sensitivity_interval_of_another_number_is_withheld():
    """A cached sweep whose central value is not the reproduced number ran on other code or data."""
    item = {"id": "membrane_asr", "reproduced": {"value": 0.82, "unit": "ohm*cm**2"}}
    same = {"central": 0.8201, "unit": "ohm*cm**2"}
    other = {"central": 0.91, "unit": "ohm*cm**2"}
    assert claims.sensitivity_mismatch(item, same) == ""
    assert "central 0.91, reproduced 0.82" in claims.sensitivity_mismatch(item, other)
    assert claims.sensitivity_mismatch(item, {"central": 820.0, "unit": "mohm*cm**2"}) == ""
    assert "unit" in claims.sensitivity_mismatch(item, {"central": 1.0, "unit": "V"})
