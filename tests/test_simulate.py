"""`lpsrepro simulate` regenerates data/raw exactly, and every file says it is simulated."""

import json

import pytest
import tifffile
import xarray as xr

from lpsrepro import paths, simulate
from lpsrepro.io import SIMULATED, read_netcdf


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw")
    files = simulate.run(out, progress=lambda _: None)
    return out, files


def test_every_committed_raw_file_is_regenerated(regenerated):
    out, files = regenerated
    committed = sorted(p.name for p in paths.RAW.iterdir() if not p.name.startswith("."))
    assert sorted(f.name for f in files) == committed


def test_text_and_tiff_files_are_identical_byte_for_byte(regenerated):
    out, files = regenerated
    for f in files:
        if f.suffix in (".z", ".csv", ".xy", ".tif", ".txt"):
            assert f.read_bytes() == (paths.RAW / f.name).read_bytes(), f"{f.name} differs from data/raw"


def test_netcdf_files_have_identical_contents(regenerated):
    # HDF5 containers are not byte-reproducible; their data and attributes are.
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
                meta = json.loads(tif.pages[0].description)
            assert meta["provenance"] == SIMULATED and "seed" in meta
        elif f.suffix in (".z", ".csv", ".xy", ".txt"):
            head = f.read_text(encoding="utf-8")[:4000]
            assert f"provenance = {SIMULATED}" in head or f"provenance: {SIMULATED}" in head, f.name


def test_simulate_refuses_unknown_generator(tmp_path):
    with pytest.raises(ValueError, match="generator"):
        simulate.run(tmp_path, only=["no_such_thing"])
