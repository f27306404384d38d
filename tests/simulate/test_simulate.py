"""`lpsrepro simulate` regenerates data/raw exactly, and every file says it is simulated.

tests/test_determinism.py runs this file again under a second numpy CPU feature set.
"""

import pytest
import tifffile
import xarray as xr

from lpsrepro import paths, simulate
from lpsrepro.io import SIMULATED, read_netcdf
from lpsrepro.io.images import parse_description


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw")
    files = simulate.run(out, progress=lambda _: None)
    return out, files


def test_every_committed_raw_file_is_regenerated(regenerated):
    out, files = regenerated
    committed = sorted(p.name for p in paths.RAW.iterdir() if not p.name.startswith("."))
    assert sorted(f.name for f in files) == committed


def test_every_file_is_identical_byte_for_byte(regenerated):
    # the determinism policy (docs/ARCHITECTURE.md): every file of data/raw, NetCDF included
    # (h5py's pinned HDF5 writes no timestamps), is the same byte for byte on every machine
    out, files = regenerated
    differ = [f.name for f in files if f.read_bytes() != (paths.RAW / f.name).read_bytes()]
    assert not differ, f"{differ} differ from data/raw (run `lpsrepro simulate` and see which numbers moved)"


def test_netcdf_files_have_identical_contents(regenerated):
    # the same check on the contents, for a readable message when the bytes differ
    out, files = regenerated
    for f in files:
        if f.suffix == ".nc":
            xr.testing.assert_identical(read_netcdf(f), read_netcdf(paths.RAW / f.name))


def test_every_raw_file_declares_its_provenance():
    for f in paths.RAW.iterdir():
        if f.suffix == ".nc":
            attrs = read_netcdf(f).attrs
            assert attrs["provenance"] == SIMULATED and attrs["seed"] and attrs["model"]
        elif f.suffix == ".tif":
            with tifffile.TiffFile(f) as tif:
                meta = parse_description(tif.pages[0].description)
            assert meta["provenance"] == SIMULATED and "seed" in meta
        elif f.suffix in (".z", ".csv", ".xy", ".txt"):
            head = f.read_text(encoding="utf-8")[:4000]
            assert f"provenance = {SIMULATED}" in head or f"provenance: {SIMULATED}" in head, f.name


def test_simulate_refuses_unknown_generator(tmp_path):
    with pytest.raises(ValueError, match="generator"):
        simulate.run(tmp_path, only=["no_such_thing"])


# --------------------------------------------------------------------------- the destination is an argument
def test_run_needs_an_explicit_destination():
    import inspect

    assert inspect.signature(simulate.run).parameters["into"].default is inspect.Parameter.empty


def test_generators_get_no_permission_from_the_environment(tmp_path, monkeypatch):
    import os

    seen = {}

    def probe(out_dir):
        seen["env"] = {k for k in os.environ if k.startswith("LPSREPRO_ALLOW")}
        seen["out_dir"] = out_dir
        path = out_dir / "probe.txt"
        path.write_text("x")
        return [path]

    monkeypatch.setattr(simulate, "GENERATORS", {"probe": probe})
    files = simulate.run(tmp_path / "raw", progress=lambda _: None)
    assert seen["env"] == set() and files == [tmp_path / "raw" / "probe.txt"]
    assert paths.RAW.resolve() not in seen["out_dir"].resolve().parents   # staging is outside data/raw
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]          # no staging folder left behind


def test_a_failing_generator_leaves_the_previous_files(tmp_path, monkeypatch):
    into = tmp_path / "raw"
    into.mkdir()
    (into / "a.txt").write_text("old")

    def first(out_dir):
        (out_dir / "a.txt").write_text("new")
        return [out_dir / "a.txt"]

    def broken(out_dir):
        raise RuntimeError("generator bug")

    monkeypatch.setattr(simulate, "GENERATORS", {"first": first, "broken": broken})
    with pytest.raises(RuntimeError, match="generator bug"):
        simulate.run(into, progress=lambda _: None)
    assert (into / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


@pytest.mark.parametrize("stem", ["nano_li2s_sem", "lps_precursor_sem", "lps_naph_sem"])
def test_particle_stand_ins_are_close_packed(stem):
    # paper Fig. 1e/1f show close-packed layers: the stand-ins must not be sparse monolayers (issue 10)
    import json

    from lpsrepro.io.images import read_sem_image

    model = json.loads(read_sem_image(paths.RAW / f"{stem}.tif").attrs["model_parameters"])
    assert model["projected_coverage"] >= 0.75
    assert model["particles_placed"] >= 300          # more than the paper's histograms hold
