"""Readers and writers: bundled formats and real instrument files → xarray.

One module per technique (``lpsrepro.io.impedance``, ...). Readers validate
what they read and raise :class:`lpsrepro.errors.InputFileError` naming the
file, the line or field, and what was expected. Writers write whole files or
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


def read_netcdf(path: str | Path) -> xr.Dataset:
    """Read a NetCDF file fully into memory (the file is closed on return)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return ds.load()
    except (OSError, ValueError) as exc:
        raise InputFileError(path, f"is not a readable NetCDF4 file ({exc})") from None
