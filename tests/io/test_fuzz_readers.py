"""Property-based fuzzing of every reader of lpsrepro.io (issue 15), seeded from bundled and real files.

Contract, for any byte string a user could hand a reader: it either returns
data that pass validation (finite values, monotonic axes where required,
dims and units present, sizes as declared) or raises
:class:`~lpsrepro.errors.InputFileError` naming the file — nothing else —
within a time and memory bound.

The normal test run uses a small, deterministic budget (a few cases per
reader, under 20 s in all). ``make fuzz`` sets ``LPSREPRO_FUZZ_EXAMPLES``
(≥ 1,000 cases per reader) and ``LPSREPRO_FUZZ_REPORT`` (a JSON file that
receives the table: cases, returned data, refused, outside the contract).
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lpsrepro.errors import InputFileError
from lpsrepro.io.cycler import read_cycler
from lpsrepro.io.impedance import read_impedance
from lpsrepro.io.literature import read_membrane_table
from lpsrepro.io.raman import read_raman_series, read_raman_spectrum, read_raman_txt
from lpsrepro.io.xrd import read_xrd_pattern, read_xrd_series, read_xy

ROOT = Path(__file__).parents[2]
RAW, REAL = ROOT / "data" / "raw", ROOT / "tests" / "data"
EXAMPLES = int(os.environ.get("LPSREPRO_FUZZ_EXAMPLES", "15"))
LONG = EXAMPLES > 50
#: Seconds one read may take (the NetCDF/galvani/NewareNDA time limit is lowered to 5 s for the fuzz).
TIME_BOUND_S = 20.0
#: Peak resident memory (MB) the test process and its children may reach.
MEMORY_BOUND_MB = 3000
OUTCOMES: dict[str, Counter] = {}


# --------------------------------------------------------------------------- validation of returned data
def _axis_ok(da, dim, *, nonnegative=False):
    assert isinstance(da, xr.DataArray) and dim in da.dims
    assert da.attrs.get("units") and da[dim].attrs.get("units"), "units missing"
    assert da.attrs.get("source_format") and da.attrs.get("source_file"), "provenance attrs missing"
    values, x = np.asarray(da.values, dtype=float), np.asarray(da[dim].values, dtype=float)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(x))
    assert np.all(np.diff(x) > 0), "axis not strictly increasing"
    assert x.size >= 10 and values.shape[-1] == x.size
    if nonnegative:
        assert np.all(values >= 0)


def _impedance_ok(ds):
    assert isinstance(ds, xr.Dataset) and ds["z_real"].dims == ("frequency",)
    assert ds["z_real"].attrs["units"] == "ohm" and ds["frequency"].attrs["units"] == "Hz"
    f = ds["frequency"].values
    assert np.all(np.isfinite(f)) and np.all(f > 0) and np.unique(f).size == f.size and f.size >= 3
    assert np.all(np.isfinite(ds["z_real"].values)) and np.all(np.isfinite(ds["z_imag"].values))
    assert ds.attrs.get("source_format")


def _cycler_ok(ds):
    assert isinstance(ds, xr.Dataset) and ds["current"].dims == ("record",)
    for name, unit in (("time", "s"), ("current", "A"), ("voltage", "V")):
        assert ds[name].attrs["units"] == unit and np.all(np.isfinite(ds[name].values))
    assert np.all(np.diff(ds["time"].values) >= 0) and ds.sizes["record"] >= 2
    assert ds.attrs.get("source_format")


def _table_ok(df):
    assert isinstance(df, pd.DataFrame) and df.attrs["units"]
    for column in df.attrs["units"]:
        values = df[column].to_numpy(dtype=float)
        assert np.all(np.isnan(values) | (np.isfinite(values) & (values >= 0)))


def _series_ok(dim, *, nonnegative):
    def check(da):
        assert da.ndim == 2 and dim in da.dims and da.attrs.get("source_format") == "netcdf-series"
        assert np.all(np.isfinite(da.values)) and np.all(np.diff(da[dim].values) > 0)
        if nonnegative:
            assert np.all(da.values >= 0)
    return check


def _seeds(*names):
    return [p for p in (Path(n) for n in names) if p.is_file()]


READERS = {
    "read_xy": (read_xy, lambda da: _axis_ok(da, "two_theta", nonnegative=True),
                _seeds(RAW / "xrd_nano_li2s.xy", RAW / "xrd_dual_0050min.xy")),
    "read_xrd_pattern": (lambda p: read_xrd_pattern(p, scan=0), lambda da: _axis_ok(da, "two_theta", nonnegative=True),
                         _seeds(REAL / "xrd/XRD-918-16_10.xrdml", REAL / "xrd/TwoTheta_scan_powder.rasx",
                                RAW / "xrd_naph_route_050min.xy", RAW / "xrd_dual_series.nc",
                                *([REAL / "xrd/23-012-AG_2thomegascan_long.brml"] if LONG else []))),
    "read_xrd_series": (read_xrd_series, _series_ok("two_theta", nonnegative=True), _seeds(RAW / "xrd_dual_series.nc")),
    "read_raman_txt": (read_raman_txt, lambda da: _axis_ok(da, "raman_shift"),
                       _seeds(RAW / "raman_nano_li2s.txt", REAL / "raman/RENISHAW_1D_Si.txt")),
    "read_raman_spectrum": (lambda p: read_raman_spectrum(p, spectrum=0), lambda da: _axis_ok(da, "raman_shift"),
                            _seeds(REAL / "raman/Si-Ref-532 nm.wdf", REAL / "raman/LabRAM_spectrum_wn.txt",
                                   RAW / "raman_dual_series.nc", RAW / "raman_commercial_li2s.txt")),
    "read_raman_series": (read_raman_series, _series_ok("raman_shift", nonnegative=True),
                          _seeds(RAW / "raman_dual_series.nc")),
    "read_impedance": (lambda p: read_impedance(p, spectrum=0), _impedance_ok,
                       _seeds(RAW / "membrane_550nm_eis.z", RAW / "membrane_550nm_eis.nc", REAL / "exampleData.csv",
                              REAL / "exampleDataBioLogic.mpt", REAL / "exampleDataGamry.DTA",
                              REAL / "Circuit1_EIS_1.z")),
    "read_cycler": (lambda p: read_cycler(p, check_sign=False), _cycler_ok,
                    _seeds(RAW / "li_plating_au_65uA.csv", REAL / "cycler/123456789012_Unit27_Example_Data_File.ndax",
                           REAL / "exampleDataBioLogic.mpt",
                           *([REAL / "cycler/new_nda_file.nda"] if LONG else []))),
    "read_membrane_table": (read_membrane_table, _table_ok, _seeds(ROOT / "data/literature/sulfide_membranes.csv")),
}


# --------------------------------------------------------------------------- mutations
_TOKENS = [b"nan", b"NaN", b"inf", b"-inf", b"1e309", b"-1e400", b"9" * 400, b"", b"\xef\xbb\xbf", b"\r\n",
           b",", b";", b"\t", b"\x00", b"\xff\xfe", b"true", b"1,5", b"-0", b"1e-320", b"\n\n", b"#", b"\xe9"]


@st.composite
def mutated(draw, seeds):
    seed = draw(st.sampled_from(seeds))
    data = bytearray(seed.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "zero", "insert", "delete", "token", "dup_line",
                                     "swap_lines", "bom", "crlf", "decimal_comma", "random", "empty"]))
        n = len(data)
        pos = draw(st.integers(0, max(n - 1, 0)))
        if kind == "truncate":
            data = data[:pos]
        elif kind == "flip" and n:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "zero" and n:
            length = draw(st.integers(1, 2048))
            data[pos:pos + length] = bytes(min(length, n - pos))
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[pos:pos + draw(st.integers(1, 256))]
        elif kind == "token":
            end = pos
            while end < n and data[end:end + 1] not in (b" ", b"\t", b",", b"\n", b";"):
                end += 1
            data[pos:end] = draw(st.sampled_from(_TOKENS))
        elif kind in ("dup_line", "swap_lines"):
            lines = bytes(data).split(b"\n")
            if len(lines) > 2:
                i = draw(st.integers(0, len(lines) - 2))
                if kind == "dup_line":
                    lines.insert(i, lines[i])
                else:
                    lines[i], lines[i + 1] = lines[i + 1], lines[i]
                data = bytearray(b"\n".join(lines))
        elif kind == "bom":
            data[0:0] = b"\xef\xbb\xbf"
        elif kind == "crlf":
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
        elif kind == "decimal_comma":
            data = bytearray(bytes(data).replace(b".", b",", draw(st.integers(1, 50))))
        elif kind == "random":
            data = bytearray(draw(st.binary(min_size=0, max_size=4096)))
        elif kind == "empty":
            data = bytearray()
    return seed.suffix, bytes(data)


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _check_contract(name, reader, validate, path: Path) -> str:
    start = time.monotonic()
    try:
        result = reader(path)
    except InputFileError as exc:
        outcome = "refused"
        assert path.name in str(exc), f"{name}: the error does not name the file: {exc}"
    else:
        outcome = "data"
        validate(result)
    elapsed = time.monotonic() - start
    assert elapsed < TIME_BOUND_S, f"{name} took {elapsed:.1f} s"
    assert _peak_rss_mb() < MEMORY_BOUND_MB, f"{name}: peak memory {_peak_rss_mb():.0f} MB"
    return outcome


@pytest.fixture(autouse=True)
def _short_library_timeout(monkeypatch):
    monkeypatch.setenv("LPSREPRO_READ_TIMEOUT_S", "5")


@pytest.mark.parametrize("name", list(READERS))
def test_reader_fuzz_contract(name, tmp_path_factory):
    reader, validate, seeds = READERS[name]
    assert seeds, f"no seed file for {name}"
    folder = tmp_path_factory.mktemp(name)
    counter = OUTCOMES.setdefault(name, Counter())

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG, database=None,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(case=mutated(seeds))
    def run(case):
        suffix, data = case
        path = folder / f"fuzzed{suffix}"
        path.write_bytes(data)
        try:
            counter[_check_contract(name, reader, validate, path)] += 1
        except BaseException:
            counter["outside"] += 1
            raise
        counter["cases"] += 1

    run()
    report = os.environ.get("LPSREPRO_FUZZ_REPORT")
    if report:
        existing = json.loads(Path(report).read_text()) if Path(report).is_file() else {}
        existing[name] = dict(counter)
        Path(report).write_text(json.dumps(existing, indent=1, sort_keys=True) + "\n")


def test_seed_files_pass_the_contract_unmutated():
    """The seeds themselves are read (not refused): the fuzz starts from valid files."""
    for name, (reader, validate, seeds) in READERS.items():
        for seed in seeds:
            assert _check_contract(name, reader, validate, seed) == "data", (name, seed)
