"""Per-claim provenance: the sections' declarations (Params.FILES_OF) and lpsrepro.provenance.attribute."""

from __future__ import annotations

import pytest

from lpsrepro import build, claims, paths, provenance, report

#: File parameters that feed figures only (no recorded number): a new file parameter must be either
#: declared for the claims it feeds in its section's Params.FILES_OF or added here, so that none is forgotten.
FIGURES_ONLY = {"31a_nanoparticles.ipynb": {"naph_image_file"},                     # Fig. S7
                "31b_reaction_kinetics.ipynb": {"naph_xrd_file",                   # Fig. S8
                                                "nano_li2s_raman_file", "commercial_li2s_raman_file"}}  # Fig. S1


def _file_parameters(values):
    def names_file(v):
        return isinstance(v, str) and v.startswith("../data/")
    return {k for k, v in values.items() if any(names_file(x) for x in (v if isinstance(v, list) else [v]))}


def test_every_claim_is_declared_with_parameters_of_its_own_notebook():
    declared, registry = provenance.claim_inputs(), claims.registry()
    assert set(declared) == set(registry)
    for notebook in {c.notebook for c in registry.values()}:   # each in its own notebook's section
        assert set(provenance.files_of(notebook)) == {cid for cid, c in registry.items() if c.notebook == notebook}
    by_notebook: dict[str, set[str]] = {}
    for cid, groups in declared.items():
        values = provenance.notebook_values(paths.ROOT / registry[cid].notebook, {})
        names = {provenance.split_entry(n)[0] for group in groups for n in group}
        assert names <= set(values), f"{cid}: {sorted(names - set(values))} not parameters of {registry[cid].notebook}"
        by_notebook.setdefault(registry[cid].notebook, set()).update(names)
    for notebook, names in by_notebook.items():
        values = provenance.notebook_values(paths.ROOT / notebook, {})
        name = notebook.split("/")[-1]
        assert _file_parameters(values) - names == FIGURES_ONLY.get(name, set()), notebook


@pytest.mark.parametrize("files_of", [{"membrane_asr": "eis_file"}, {"membrane_asr": ("eis_fil",)},
                                      {"membrane_asr": ("eis_file[x]",)}, {"membrane_asr": (("thickness_nm", 3),)}])
def test_a_bad_declaration_is_refused_at_import_naming_the_claim(files_of):
    from dataclasses import dataclass

    from lpsrepro.sections import SectionParams

    with pytest.raises(TypeError, match="FILES_OF.*membrane_asr"):
        @dataclass(frozen=True)
        class Params(SectionParams):
            eis_file: str = "a.z"
            thickness_nm: float | None = None
            FILES_OF = files_of


def test_the_declaration_lives_beside_the_parameters():
    from lpsrepro.sections import membrane

    assert provenance.files_of("notebooks/32_membrane.ipynb") == {
        cid: tuple(e if isinstance(e, tuple) else (e,) for e in entries)
        for cid, entries in membrane.Params.FILES_OF.items()}
    assert provenance.files_of("notebooks/32_membrane.ipynb")["membrane_conductivity"] == (
        ("eis_file",), ("thickness_nm", "cross_section_file"))


def test_first_set_parameter_of_a_group_is_the_input():
    groups = (("eis_file",), ("thickness_nm", "cross_section_file"))
    assert provenance.used_parameters(groups, {"eis_file": "a.z", "thickness_nm": None,
                                               "cross_section_file": "x.tif"}) == ["eis_file", "cross_section_file"]
    assert provenance.used_parameters(groups, {"eis_file": "a.z", "thickness_nm": 600.0,
                                               "cross_section_file": "x.tif"}) == ["eis_file", "thickness_nm"]


def _documents(records, inputs):
    targets = {"calibrated": {"membrane_thickness": "set to 550 nm"}, "implied": {}}
    return (claims.claims_document(records, **targets, inputs=inputs, sensitivity={}),
            claims.claims_document(records, **targets, sensitivity={}))


def test_only_numbers_from_the_users_files_are_your_data(tmp_path):
    mine = tmp_path / "my_film.z"
    mine.write_text("1 2 3\n")
    cross_section = next(paths.RAW.glob("membrane_*cross_section*.tif"))
    inputs = report.input_files({"eis_file": str(mine)})
    records = [claims.make_record("membrane_thickness", 552.0, "nm", 11.0),
               claims.make_record("membrane_asr", 1.7, "ohm*cm**2", 0.1),
               claims.make_record("membrane_conductivity", 3.2e-5, "S/cm", 0.2e-5),
               claims.make_record("pellet_conductivity_250C", 3.87e-5, "S/cm")]
    values = {"eis_file": str(mine), "cross_section_file": str(cross_section), "thickness_nm": None}
    doc = provenance.attribute(*_documents(records, inputs), notebook="notebooks/32_membrane.ipynb",
                               values=values, inputs=inputs, base=paths.NOTEBOOKS)
    by_id = {c["id"]: c for c in doc["claims"]}
    # the thickness comes from the bundled cross-section: a stand-in, with its status and calibration mark
    assert by_id["membrane_thickness"]["data"] == "bundled stand-in"
    assert by_id["membrane_thickness"]["status"] == "reproduced"
    assert by_id["membrane_thickness"]["stand_in_calibrated_to_it"] and "comparison" not in by_id["membrane_thickness"]
    assert by_id["membrane_asr"]["data"] == "your data" and by_id["membrane_asr"]["comparison"]
    assert by_id["membrane_asr"]["inputs"] == [{"parameter": "eis_file", "file": "my_film.z"}]
    # σ = thickness / ASR: the user's spectrum and the bundled image, and it says so
    assert by_id["membrane_conductivity"]["bundled_inputs"] == [{"parameter": "cross_section_file",
                                                                 "file": cross_section.name}]
    # a claim of another notebook (its committed stand-in result) is never the user's
    assert by_id["pellet_conductivity_250C"]["data"] == "bundled stand-in"
    assert doc["inputs"][0]["claims"] == ["membrane_asr", "membrane_conductivity"]
    assert doc["summary_your_data"]["deviates"] == 2
    assert doc["summary_text"].startswith("Your data: 2 of ") and "2 measured (0 equal" in doc["summary_text"] and "The other 2 numbers come from the bundled" in \
        doc["summary_text"]

    text = report.render(doc, {}, {"notebook": "32_membrane.ipynb", "parameters": {"eis_file": str(mine)}})
    rows = {line.split("`")[1]: line for line in text.splitlines() if line.startswith("| `")}
    assert rows["membrane_thickness"].endswith("| ✅ reproduced | bundled stand-in |")
    assert rows["membrane_asr"].endswith("| ≠ differs from the paper's | your data (`my_film.z`) |")
    assert f"+ bundled stand-in `{cross_section.name}` (cross_section_file)" in rows["membrane_conductivity"]
    assert "`my_film.z` (SHA-256 `" in text and "→ `membrane_asr`, `membrane_conductivity`" in text


def test_a_given_thickness_replaces_the_bundled_image(tmp_path):
    mine = tmp_path / "my_film.z"
    mine.write_text("1 2 3\n")
    inputs = report.input_files({"eis_file": str(mine)})
    records = [claims.make_record("membrane_conductivity", 3.2e-5, "S/cm", 0.2e-5)]
    values = {"eis_file": str(mine), "cross_section_file": "../data/raw/x.tif", "thickness_nm": 800.0}
    doc = provenance.attribute(*_documents(records, inputs), notebook="notebooks/32_membrane.ipynb",
                               values=values, inputs=inputs, base=paths.NOTEBOOKS)
    entry = next(c for c in doc["claims"] if c["id"] == "membrane_conductivity")
    assert entry["data"] == "your data" and "bundled_inputs" not in entry


def test_a_file_that_feeds_no_number_is_said_so(tmp_path):
    mine = tmp_path / "s8.xy"
    mine.write_text("10 1\n")
    inputs = report.input_files({"naph_xrd_file": str(mine)})
    records = [claims.make_record("li2s_nano_size_from_xrd", 18.0, "nm")]
    doc = provenance.attribute(*_documents(records, inputs), notebook="notebooks/31b_reaction_kinetics.ipynb",
                               values={"naph_xrd_file": str(mine), "nano_li2s_xrd_file": "../data/raw/x.xy"},
                               inputs=inputs, base=paths.NOTEBOOKS)
    assert doc["inputs"][0]["claims"] == [] and doc["summary_your_data"]["deviates"] == 0
    assert "→ no recorded number (it is drawn in the figures only)" in report.render(doc, {})


def test_notebook_values_are_the_defaults_with_the_overrides():
    values = provenance.notebook_values(paths.NOTEBOOKS / "32_membrane.ipynb", {"thickness_nm": 800.0})
    assert values["eis_file"].endswith(".z") and values["thickness_nm"] == 800.0
    assert build.notebook_parameters(paths.NOTEBOOKS / "32_membrane.ipynb")["thickness_nm"]["default"] == "None"


def test_a_claim_of_one_file_of_a_list_is_yours_only_when_that_file_is(tmp_path):
    """li2s_observed_dual_50min reads the first dual-route pattern only (dual_xrd_files[0])."""
    first, second = tmp_path / "d50.xy", tmp_path / "d140.xy"
    for path in (first, second):
        path.write_text("10 1\n")
    bundled = sorted(str(p) for p in paths.RAW.glob("xrd_dual_*.xy"))
    records = [claims.make_record("li2s_observed_dual_50min", 0, "dimensionless")]
    for files, mine in (([str(first), str(second)], "d50.xy"), ([bundled[0], str(second)], None)):
        inputs = report.input_files({"dual_xrd_files": files})
        assert [i["index"] for i in inputs] == ([0, 1] if mine else [1])
        doc = provenance.attribute(*_documents(records, inputs), notebook="notebooks/31b_reaction_kinetics.ipynb",
                                   values={"dual_xrd_files": files}, inputs=inputs, base=paths.NOTEBOOKS)
        entry = doc["claims"][[c["id"] for c in doc["claims"]].index("li2s_observed_dual_50min")]
        if mine:
            assert entry["data"] == "your data" and entry["inputs"] == [{"parameter": "dual_xrd_files", "file": mine}]
            assert doc["inputs"][1]["claims"] == []   # the 140-min pattern feeds no recorded number
        else:
            assert entry["data"] == "bundled stand-in"
    text = report.render(doc, {})
    assert "- `dual_xrd_files[1]`: `d140.xy`" in text
