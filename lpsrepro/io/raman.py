"""Raman spectra: two-column text exports (Renishaw WiRE and the like) and NetCDF series → xarray.

A WiRE "txt" export is two columns, Raman shift (cm⁻¹) and intensity, often in
*decreasing* shift order, sometimes after a ``#Wave #Intensity`` title line.
The reader accepts either order (one scan, strictly monotonic), sorts it to
increasing shift, and refuses repeated or non-monotonic shifts, NaN and
negative intensities with the file and line named.

DataArray convention: name ``intensity`` (units ``counts``), dimension
``raman_shift`` (units ``1/cm``), attributes ``source_file`` and the file's
``key = value`` header entries.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from lpsrepro.errors import InputFileError
from lpsrepro.fileio import write_text
from lpsrepro.io import read_netcdf
from lpsrepro.io.xrd import check_axis, check_counts, read_two_column


def spectrum_array(shift_per_cm, intensity, **attrs) -> xr.DataArray:
    """Wrap a Raman spectrum as a DataArray with named dimension and units."""
    return xr.DataArray(np.asarray(intensity, dtype=float), dims="raman_shift", name="intensity",
                        coords={"raman_shift": ("raman_shift", np.asarray(shift_per_cm, dtype=float),
                                                {"units": "1/cm", "long_name": "Raman shift"})},
                        attrs={"units": "counts", "long_name": "Raman intensity", **attrs})


def read_raman_txt(path: str | Path) -> xr.DataArray:
    """Read a two-column Raman export (shift in cm⁻¹, intensity in counts), in either order."""
    path = Path(path)
    x, y, header, lines = read_two_column(path, x_name="Raman shift (1/cm)", y_name="intensity")
    check_axis(path, x, lines, name="raman_shift", allow_decreasing=True)
    check_counts(path, y, lines, name="intensity")
    order = np.argsort(x)
    return spectrum_array(x[order], y[order], source_file=str(path), **header)


def write_raman_txt(target: str | Path, spectrum: xr.DataArray, *, header: dict[str, str]) -> Path:
    """Write a spectrum like a WiRE export (decreasing shift) with ``# key = value`` header lines."""
    lines = [f"# {key} = {value}" for key, value in header.items()]
    lines.append("#Wave\t#Intensity")
    x, y = spectrum["raman_shift"].values[::-1], spectrum.values[::-1]
    lines += [f"{a:.2f}\t{b:.0f}" for a, b in zip(x, y)]
    write_text(target, "\n".join(lines) + "\n")
    return Path(target)


def read_raman_series(path: str | Path) -> xr.DataArray:
    """Read a NetCDF series: variable ``intensity`` over (``reaction_time`` or ``sample``, ``raman_shift``)."""
    path = Path(path)
    ds = read_netcdf(path)
    if "intensity" not in ds or "raman_shift" not in ds["intensity"].dims or ds["intensity"].ndim != 2:
        raise InputFileError(path, "variable missing or of the wrong shape", field="intensity",
                             expected="intensity over (reaction_time or sample, raman_shift)")
    da = ds["intensity"].copy()
    x = da["raman_shift"].values
    check_axis(path, x, np.arange(1, x.size + 1), name="raman_shift")
    check_counts(path, da.values, None, name="intensity")
    da.attrs.update(ds.attrs)
    da.attrs["source_file"] = str(path)
    return da
