"""Readers and writers: bundled formats and real instrument files → xarray.

One module per technique (``lpsrepro.io.impedance``, ...), with one entry
per technique that detects the format from the content:
:func:`lpsrepro.io.xrd.read_xrd_pattern`, :func:`lpsrepro.io.raman.read_raman_spectrum`,
:func:`lpsrepro.io.impedance.read_impedance`, :func:`lpsrepro.io.cycler.read_cycler`.
Readers validate what they read and raise :class:`lpsrepro.errors.InputFileError`
naming the file, the line or field, and what was expected — never another
exception type. Size caps, format sniffing, text decoding and time limits
around format libraries are in :mod:`lpsrepro.io.safety`. Writers write whole files or
nothing (``lpsrepro.fileio``) and refuse to write into data/raw unless called
by ``lpsrepro simulate``.

Every bundled stand-in carries its provenance in its own metadata; the
attribute names are collected here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import xarray as xr

from lpsrepro import __version__
from lpsrepro.errors import InputFileError
from lpsrepro.fileio import atomic_path

#: Value of the ``provenance`` attribute of every bundled stand-in.
SIMULATED = "simulated stand-in"


def provenance_attrs(*, model: str, parameters: dict[str, Any], seed: int | None,
                     description: str) -> dict[str, str]:
    """The metadata that labels a file as a simulated stand-in.

    Parameters are stored as a JSON string (netCDF attributes cannot nest).
    """
    return {
        "provenance": SIMULATED,
        "description": " ".join(description.split()),
        "model": model,
        "model_parameters": json.dumps(parameters, sort_keys=True),
        "seed": "none" if seed is None else str(seed),
        "generator": f"lpsrepro {__version__} (lpsrepro simulate)",
        "paper": "Wu et al., J. Am. Ceram. Soc. 105 (2022) 7344, doi:10.1111/jace.18728",
        "note": "The paper's raw data were not published; this file was made by a documented "
                "forward model (see data/README.md), not measured.",
    }


def write_netcdf(ds: xr.Dataset, target: str | Path) -> Path:
    """Write a Dataset as NetCDF4 (h5netcdf engine) atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")
    return target


#: Largest in-memory size (bytes) a NetCDF file may declare for its variables (compressed files can declare GBs).
MAX_NETCDF_DECLARED_BYTES = 1024 * 2**20


def _load_netcdf(path: str, max_declared: int) -> xr.Dataset:
    """Open lazily, refuse oversized declarations and non-real numbers, then load (runs in a child process)."""
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        declared = sum(int(v.size) * v.dtype.itemsize for v in ds.variables.values())
        if declared > max_declared:
            raise InputFileError(path, f"the file declares {declared / 2**20:.0f} MB of data, more than the cap of "
                                 f"{max_declared / 2**20:.0f} MB", expected="a NetCDF file of the size it declares")
        return ds.load()


def read_netcdf(path: str | Path, *, max_bytes: int | None = None, timeout_s: float | None = None,
                max_declared_bytes: int = MAX_NETCDF_DECLARED_BYTES) -> xr.Dataset:
    """Read a NetCDF4 file fully into memory (the file is closed on return).

    The read runs in a forked child process with a time limit
    (:func:`lpsrepro.io.safety.run_with_timeout`): h5netcdf can loop on a
    corrupted file. The file size is capped (``max_bytes``, see
    :data:`lpsrepro.io.safety.MAX_BYTES`) and so is the size its variables
    declare (``max_declared_bytes``), checked before anything is loaded.
    Data variables and coordinates must be real numbers (no complex,
    boolean, text or object arrays).

    Raises
    ------
    InputFileError
        For every failure, naming the file and the cause.
    """
    from lpsrepro.io import safety

    path = Path(path)
    what = "a NetCDF4 file written by lpsrepro (or of the same layout)"
    safety.check_file(path, what=what, kind="netcdf", max_bytes=max_bytes)
    fmt = safety.sniff_format(path)
    if fmt not in ("netcdf4",):
        raise InputFileError(path, f"this is not a NetCDF4 file (it looks like a {safety.FORMAT_NAMES.get(fmt, fmt)})",
                             expected=what)
    ds = safety.run_with_timeout(_load_netcdf, str(path), max_declared_bytes, path=path, what=what, seconds=timeout_s)
    for name, variable in ds.variables.items():
        if variable.dtype.kind not in "fiu":
            raise InputFileError(path, f"variable holds {variable.dtype} values", field=str(name),
                                 expected="real numbers (not complex, boolean or text)")
    return ds
