"""The build: fresh outputs equal the committed ones; failures keep previous outputs."""

import json
import re

import pytest

from lpsrepro import build as build_mod
from lpsrepro import paths
from lpsrepro.cli import main
from lpsrepro.errors import ParameterError


def quiet_build(*args, **kwargs):
    return build_mod.build(*args, echo=lambda _: None, progress_bar=False, **kwargs)


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    """A complete build into a temporary folder, seeded with the checkout's build cache when there is one.

    Seeding does not weaken the test: each cached notebook is reused only if the cache's own
    check finds every input it read (source, data, modules, ledger entries, lock) unchanged.
    """
    import shutil

    out = tmp_path_factory.mktemp("build")
    cache = paths.ROOT / "build" / "cache"
    if cache.is_dir():
        shutil.copytree(cache, out / ".lpsrepro-build" / "cache")
    quiet_build(output_dir=out)
    return out


def test_committed_claims_and_manifest_are_what_the_build_writes_now(fresh_build):
    for name in ("claims.json", "manifest.json"):
        fresh = json.loads((fresh_build / "figures" / name).read_text())
        committed = json.loads((paths.FIGURES / name).read_text())
        assert fresh == committed, f"figures/{name} is stale: run `make reproduce` and commit the result"


def test_committed_report_is_current(fresh_build):
    assert (fresh_build / "figures" / "REPORT.md").read_text() == (paths.FIGURES / "REPORT.md").read_text()


def test_every_manifest_file_exists(fresh_build):
    manifest = json.loads((fresh_build / "figures" / "manifest.json").read_text())
    rebuilt = {k: v for k, v in manifest.items() if v["status"] == "rebuilt"}
    assert "Fig. 3d" in rebuilt and "Fig. 3c" in rebuilt
    for entry in rebuilt.values():
        for f in entry["files"]:
            assert (fresh_build / f).is_file() and (paths.ROOT / f).is_file(), f


def test_membrane_claims_are_reproduced(fresh_build):
    claims = {c["id"]: c for c in json.loads((fresh_build / "figures" / "claims.json").read_text())["claims"]}
    for cid in ("membrane_thickness", "membrane_asr", "membrane_conductivity"):
        assert claims[cid]["status"] in ("reproduced", "deviates")
        assert claims[cid]["reproduced"]["uncertainty"] > 0


def test_bad_parameter_stops_the_build_and_keeps_previous_outputs(tmp_path):
    sentinel = tmp_path / "figures" / "claims.json"
    sentinel.parent.mkdir()
    sentinel.write_text("previous")
    with pytest.raises(build_mod.NotebookFailed, match=r"32_membrane.ipynb failed in cell \d+.*thickness_nm = -5"
                       ) as info:
        quiet_build(["notebooks/32_membrane.ipynb"], {"thickness_nm": -5}, output_dir=tmp_path)
    assert info.value.user_error
    assert sentinel.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lpsrepro-build", "figures"]
    assert [p.name for p in (tmp_path / ".lpsrepro-build").iterdir()] == ["lock"]  # staging removed
    assert [p.name for p in sentinel.parent.iterdir()] == ["claims.json"]


def test_unknown_parameter_is_refused_before_running():
    with pytest.raises(ParameterError, match="thicknes_nm.*it has: .*thickness_nm"):
        quiet_build(["32_membrane"], {"thicknes_nm": 500})


def test_cli_reports_a_user_mistake_in_one_message(tmp_path, capsys):
    status = main(["build", "32_membrane", "-q", "-o", str(tmp_path), "-p", "thickness_nm", "-5"])
    err = capsys.readouterr().err
    assert status == 2
    assert "error: notebooks/32_membrane.ipynb failed in cell" in err
    assert "expected a positive number in nm" in err
    assert "Traceback" not in err


def test_cli_params_lists_every_parameter(capsys):
    assert main(["params", "32_membrane"]) == 0
    out = capsys.readouterr().out
    for name in build_mod.notebook_parameters(paths.NOTEBOOKS / "32_membrane.ipynb"):
        assert f"  {name} = " in out


def test_cli_unknown_notebook(capsys):
    assert main(["params", "99_nothing"]) == 2
    assert "one of the notebooks in notebooks/" in capsys.readouterr().err


@pytest.mark.parametrize("text,value", [("-5", -5), ("1e-5", 1e-5), ("None", None), ("True", True),
                                        ("my.z", "my.z"), ("550.0", 550.0)])
def test_parameter_values_are_parsed_like_papermill(text, value):
    assert build_mod.parse_parameter_value(text) == value


def test_committed_notebooks_carry_no_random_widget_ids_or_timings():
    import nbformat

    for path in build_mod.default_notebooks():
        nb = nbformat.read(path, as_version=4)
        text = path.read_text()
        assert not re.search(r'"model_id": "[0-9a-f]{32}"', text), f"{path.name}: random widget ids"
        assert nbformat.writes(build_mod._strip_volatile_metadata(nb)) == nbformat.writes(nb)
