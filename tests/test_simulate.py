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
