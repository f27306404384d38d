"""A variant build on a real instrument file: each claim says whether it came from the user's file."""

from __future__ import annotations

import json
from pathlib import Path

from lpsrepro import claims
from lpsrepro.cli import main
from lpsrepro.sections import membrane

DATA = Path(__file__).resolve().parent / "data"


def test_variant_build_attributes_each_claim_to_its_own_inputs(tmp_path, capsys):
    """impedance.py's Gamry example as the membrane's spectrum: the ASR and σ are the user's, the
    thickness (measured from the bundled cross-section image) stays a bundled stand-in."""
    spectrum = DATA / "exampleDataGamry.DTA"
    assert main(["build", "32_membrane", "-q", "-o", str(tmp_path), "-p", "eis_file", str(spectrum)]) == 0
    doc = json.loads((tmp_path / "figures" / "claims.json").read_text())
    by_id = {c["id"]: c for c in doc["claims"]}
    # the thickness the bundled stand-ins give, from the section itself (not from committed outputs)
    bundled = membrane.run(membrane.Params.from_ledger()).numbers()["membrane_thickness"]
    reference = {"membrane_thickness": claims.make_record("membrane_thickness", bundled.value, bundled.unit,
                                                          bundled.uncertainty)}

    thickness = by_id["membrane_thickness"]
    assert thickness["data"] == "bundled stand-in" and "comparison" not in thickness
    assert thickness["reproduced"]["value"] == reference["membrane_thickness"]["value"]  # not from the user's file
    for cid in ("membrane_asr", "membrane_conductivity"):
        assert by_id[cid]["data"] == "your data", cid
        assert by_id[cid]["inputs"] == [{"parameter": "eis_file", "file": "exampleDataGamry.DTA"}]
        assert by_id[cid]["status"] != "reproduced"   # the user's sample is never graded as a reproduction
    assert by_id["membrane_conductivity"]["bundled_inputs"][0]["parameter"] == "cross_section_file"
    assert by_id["pellet_conductivity_250C"]["data"] is None   # not run in this build
    assert doc["inputs"][0]["claims"] == ["membrane_asr", "membrane_conductivity"]

    text = (tmp_path / "figures" / "REPORT.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith("| `membrane_thickness`"))
    assert row.endswith("| ✅ reproduced | bundled stand-in |")
    row = next(line for line in text.splitlines() if line.startswith("| `membrane_asr`"))
    assert "| your data (`exampleDataGamry.DTA`) |" in row and "✅" not in row
    assert "`exampleDataGamry.DTA` (SHA-256 `" in text and "→ `membrane_asr`, `membrane_conductivity`" in text
    assert "Your data: 2 of " in capsys.readouterr().out
