"""REPORT.md: summary wording, user data, predictions, failed gates, sensitivity columns."""

from lpsrepro import claims, report


def doc_with(records, **kw):
    return claims.claims_document(records, **kw)


def test_stand_in_report_counts_without_a_fourth_category():
    recs = [claims.make_record("membrane_asr", 0.82, "ohm*cm**2"),
            claims.make_record("membrane_conductivity", 6.7e-5, "S/cm")]
    text = report.render(doc_with(recs, implied={"membrane_asr": "550 nm / σ"}), {}, sensitivity={})
    summary = next(line for line in text.splitlines() if line.startswith("**Summary:**"))
    assert "2 of" in summary and "(1 implied by a calibrated number, 1 from data not calibrated" in summary
    assert "reproduced_without_calibration" not in text
    assert "**Data are simulated stand-ins.**" in text and "◇ Implied by calibrated numbers" in text
    assert "| `membrane_asr` ◇ —" in text
    assert "## Independent predictions" in text and "None yet" in text


def test_failed_quality_reason_is_shown():
    rec = claims.make_record("membrane_asr", float("nan"), "ohm*cm**2", failed_quality="residuals 20 % > 2 %",
                             quality={"residual_percent": 20.04})
    text = report.render(doc_with([rec]), {}, sensitivity={})
    assert "⛔ failed quality gate" in text
    assert "- `membrane_asr`: residuals 20 % > 2 % (residual_percent = 20)" in text


def test_prediction_table():
    recs = [claims.make_record("membrane_asr", 0.8, "ohm*cm**2", 0.05, kind="independent_prediction",
                               note="σ of β-Li3PS4 from ref.")]
    text = report.render(doc_with(recs), {}, sensitivity={})
    row = next(line for line in text.splitlines() if line.startswith("| `membrane_asr` —") and "agrees" in line)
    assert "0.8 ± 0.05 Ω·cm²" in row and "σ of β-Li3PS4 from ref." in row


def test_user_data_report_names_files_and_hashes_and_never_says_stand_in(tmp_path):
    mine = tmp_path / "my_membrane.z"
    mine.write_bytes(b"ZPlot data\n1 2 3\n")
    inputs = report.input_files({"eis_file": str(mine), "thickness_nm": 600, "missing": "nope.z",
                                 "xrd_files": [str(mine)]})
    assert [i["parameter"] for i in inputs] == ["eis_file", "xrd_files"]
    assert inputs[0]["sha256"] == report.sha256_of(mine) and len(inputs[0]["sha256"]) == 64
    recs = [claims.make_record("membrane_asr", 1.3, "ohm*cm**2")]
    doc = doc_with(recs, calibrated={"membrane_asr": "set"}, inputs=inputs)
    text = report.render(doc, {}, variant={"notebook": "32_membrane.ipynb", "parameters": {"eis_file": str(mine)}})
    assert "**Your data.**" in text and "`my_membrane.z` (SHA-256 `" in text
    # (the consistency section below speaks of the compendium's own stand-ins, which is right)
    assert "stand-in" not in text.split("## Figures by paper panel")[0].lower()
    assert "≠ differs from the paper's" in text and "✅" not in text and "◆" not in text


def test_bundled_files_are_not_your_data():
    from lpsrepro import paths

    bundled = next(p for p in sorted(paths.RAW.rglob("*")) if p.is_file())
    assert report.input_files({"f": str(bundled)}) == []
    literature = next(p for p in sorted((paths.DATA / "literature").glob("*.csv")))
    assert report.input_files({"membranes_file": str(literature)}) == []


def test_compose_writes_the_report_and_returns_the_inputs(tmp_path):
    mine = tmp_path / "a.xy"
    mine.write_text("10 1\n")
    target = tmp_path / "REPORT.md"
    inputs = report.compose(doc_with([]), {}, target, parameters={"xrd_file": str(mine)})
    assert inputs[0]["file"] == "a.xy" and "**Your data.**" in target.read_text()


def test_quality_figures_that_could_not_be_computed_are_left_out():
    rec = claims.make_record("dual_route_completion_time", float("nan"), "min", failed_quality="no nano-Li2S size",
                             quality={"delta_aicc_jander": 21.2, "size_range_low_min": float("nan")})
    text = report.render(doc_with([rec]), {}, sensitivity={})
    assert "- `dual_route_completion_time`: no nano-Li2S size (delta_aicc_jander = 21.2)" in text


def test_each_claim_row_names_its_notebook_and_the_section_module_that_computes_it():
    """Issue 11's newcomer walk: from a REPORT.md row to the code in one hop, for every section notebook."""
    from lpsrepro import paths

    for nb in sorted(paths.NOTEBOOKS.glob("3*.ipynb")):
        cell = report._made_by(f"notebooks/{nb.name}")
        module = cell.split("`")[1]
        assert f"(../notebooks/{nb.name})" in cell and (paths.ROOT / "lpsrepro" / module).is_file(), cell
        assert f"(../lpsrepro/{module})" in cell, "the module is a link from figures/REPORT.md"
    assert report._made_by(None) == ""


def test_each_prediction_row_names_its_notebook_and_section_module():
    """A newcomer reading the predictions table reaches the code in one hop too (the published
    REPORT.md: every prediction row holds the link of the notebook that records it)."""
    from lpsrepro import paths

    text = (paths.FIGURES / "REPORT.md").read_text(encoding="utf-8")
    table = text.split("## Independent predictions", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert rows, "no prediction rows"
    for row in rows:
        assert "(../notebooks/3" in row and "(../lpsrepro/sections/" in row, row
