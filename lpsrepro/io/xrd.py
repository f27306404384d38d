"""Powder XRD patterns: two-column ``.xy`` exports and NetCDF series → xarray.

A diffractometer's plain export (Bruker DIFFRAC.EVA "xy", many others) is two
columns, 2θ in degrees and counts, optionally after comment lines. lpsrepro
writes the same format with ``# key = value`` comment lines that carry the
wavelength and, for stand-ins, the provenance. Series (one pattern per
reaction time or sample) are NetCDF files with dimensions
(``reaction_time`` or ``sample``, ``two_theta``).

Every reader validates what it reads — 2θ strictly increasing (no repeats),
counts finite and non-negative, a known wavelength — and raises
:class:`~lpsrepro.errors.InputFileError` naming the file, the line or field,
and what was expected.

DataArray convention: name ``counts`` (units ``counts``), dimension
``two_theta`` (units ``degree``), attributes ``wavelength_angstrom``,
``wavelength_from`` (``"file"`` or ``"parameter"``), ``source_file`` and the
file's own ``key = value`` header entries (e.g. ``provenance``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.fileio import write_text
from lpsrepro.io import read_netcdf
from lpsrepro.models.xrd import CU_KA1_ANGSTROM, same_wavelength

_COMMENT = ("#", ";", "'", "!")
_KEY_VALUE = re.compile(r"^[#;'!]\s*([A-Za-z_][\w .()-]*?)\s*[=:]\s*(.+?)\s*$")
_SPLIT = re.compile(r"[\s,;]+")
MIN_POINTS = 10


def read_two_column(path: str | Path, *, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray, dict, np.ndarray]:
    """Parse a two-column text file with optional comment lines.

    Returns x, y, the ``key = value`` pairs of the comment lines, and the
    1-based line number of each data row (for error messages).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found", expected=f"a two-column text file ({x_name}, {y_name})")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty", expected=f"two columns: {x_name}, {y_name}")
    header: dict[str, str] = {}
    xs, ys, lines = [], [], []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(_COMMENT):
            match = _KEY_VALUE.match(line)
            if match and not xs:
                header[match.group(1).strip()] = match.group(2)
            continue
        fields = [f for f in _SPLIT.split(line) if f]
        if len(fields) < 2:
            raise InputFileError(path, f"data row has {len(fields)} field", line=number,
                                 expected=f"two numbers: {x_name} and {y_name}")
        try:
            x, y = float(fields[0]), float(fields[1])
        except ValueError:
            if not xs:  # a column-title line before the data (e.g. "2Theta Intensity") is allowed
                continue
            raise InputFileError(path, f"'{fields[0]} {fields[1]}' is not two numbers", line=number,
                                 expected=f"{x_name} and {y_name} as numbers") from None
        xs.append(x)
        ys.append(y)
        lines.append(number)
    if len(xs) < MIN_POINTS:
        raise InputFileError(path, f"only {len(xs)} data rows", expected=f"at least {MIN_POINTS} points")
    return np.array(xs), np.array(ys), header, np.array(lines)


def check_axis(path: Path, x: np.ndarray, lines: np.ndarray, *, name: str, allow_decreasing: bool = False) -> None:
    """Refuse NaN, repeated or non-monotonic abscissae, naming the first bad line."""
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        raise InputFileError(path, f"{name} is not a finite number", line=int(lines[bad[0]]), field=name)
    step = np.diff(x)
    if allow_decreasing and step.size and step[0] < 0:
        step = -step
    repeated = np.flatnonzero(step == 0)
    if repeated.size:
        i = repeated[0] + 1
        raise InputFileError(path, f"{name} = {x[i]:g} appears twice (lines {lines[i - 1]} and {lines[i]})",
                             line=int(lines[i]), field=name, expected=f"each {name} once, in increasing order")
    backwards = np.flatnonzero(step < 0)
    if backwards.size:
        i = backwards[0] + 1
        raise InputFileError(path, f"{name} goes back from {x[i - 1]:g} to {x[i]:g}", line=int(lines[i]),
                             field=name, expected=f"{name} strictly increasing (one scan, not several)")


def check_counts(path: Path, y: np.ndarray, lines: np.ndarray | None, *, name: str = "counts") -> None:
    """Refuse NaN, infinite or negative intensities, naming the first bad line."""
    for problem, mask in (("is not a finite number", ~np.isfinite(y)), ("is negative", np.isfinite(y) & (y < 0))):
        bad = np.flatnonzero(mask)
        if bad.size:
            line = None if lines is None else int(lines.flat[bad[0]])
            raise InputFileError(path, f"{name} {problem} ({y.flat[bad[0]]:g})", line=line, field=name,
                                 expected="non-negative counts (a raw, not background-subtracted, pattern)")


def resolve_wavelength(path: Path, stated: str | float | None, expected_angstrom: float) -> tuple[float, str]:
    """The pattern's wavelength: the file's if it states one (must equal ``expected``), else ``expected``."""
    if stated is None:
        return float(expected_angstrom), "parameter"
    try:
        value = float(stated)
    except (TypeError, ValueError):
        raise InputFileError(path, f"wavelength '{stated}' is not a number", field="wavelength_angstrom",
                             expected="a wavelength in Å, e.g. 1.540598") from None
    if not same_wavelength(value, expected_angstrom):
        raise InputFileError(path, f"the pattern was measured at {value:g} Å but the reference patterns are "
                             f"computed for {expected_angstrom:g} Å", field="wavelength_angstrom",
                             expected="the wavelength of the reference sticks; set the notebook parameter "
                             "wavelength_angstrom to the file's wavelength")
    return value, "file"


def pattern_array(two_theta_deg, counts, **attrs) -> xr.DataArray:
    """Wrap a pattern as a DataArray with named dimension and units."""
    return xr.DataArray(np.asarray(counts, dtype=float), dims="two_theta", name="counts",
                        coords={"two_theta": ("two_theta", np.asarray(two_theta_deg, dtype=float),
                                              {"units": "degree", "long_name": "2θ"})},
                        attrs={"units": "counts", "long_name": "diffracted intensity", **attrs})


def read_xy(path: str | Path, *, wavelength_angstrom: float = CU_KA1_ANGSTROM) -> xr.DataArray:
    """Read a two-column powder pattern (2θ in degrees, counts).

    Parameters
    ----------
    path : path
        ``.xy`` / ``.txt`` / ``.csv`` with two columns; comment lines start
        with ``#``, ``;``, ``'`` or ``!``; ``# wavelength_angstrom = ...`` in the
        header states the wavelength.
    wavelength_angstrom : float
        The wavelength the reference patterns are computed for. A file that
        states another wavelength is refused; a file that states none is
        taken to be measured at this one.

    Returns
    -------
    xarray.DataArray
        See the module docstring.
    """
    path = Path(path)
    x, y, header, lines = read_two_column(path, x_name="2theta (degree)", y_name="counts")
    check_axis(path, x, lines, name="2theta")
    check_counts(path, y, lines)
    if x.min() < 0 or x.max() > 180:
        raise InputFileError(path, f"2theta runs from {x.min():g} to {x.max():g}", field="2theta",
                             expected="angles in degrees between 0 and 180")
    stated = header.pop("wavelength_angstrom", None)
    wl, source = resolve_wavelength(path, stated, wavelength_angstrom)
    return pattern_array(x, y, wavelength_angstrom=wl, wavelength_from=source, source_file=str(path), **header)


def write_xy(target: str | Path, pattern: xr.DataArray, *, header: dict[str, str]) -> Path:
    """Write a pattern as a two-column ``.xy`` file with ``# key = value`` header lines (atomically)."""
    lines = [f"# {key} = {value}" for key, value in header.items()]
    lines.append("# columns: 2theta_degree counts")
    x, y = pattern["two_theta"].values, pattern.values
    lines += [f"{a:.3f} {b:.0f}" for a, b in zip(x, y)]
    write_text(target, "\n".join(lines) + "\n")
    return Path(target)


def read_xrd_series(path: str | Path, *, wavelength_angstrom: float = CU_KA1_ANGSTROM) -> xr.DataArray:
    """Read a NetCDF series of patterns: variable ``counts`` over (``reaction_time`` or ``sample``, ``two_theta``)."""
    path = Path(path)
    ds = read_netcdf(path)
    if "counts" not in ds:
        raise InputFileError(path, "variable missing", field="counts",
                             expected="counts over (reaction_time or sample, two_theta)")
    da = ds["counts"]
    if "two_theta" not in da.dims or da.ndim != 2:
        raise InputFileError(path, f"counts has dimensions {da.dims}", field="counts",
                             expected="two dimensions, one of them two_theta")
    x = da["two_theta"].values
    check_axis(path, x, np.arange(1, x.size + 1), name="2theta")
    check_counts(path, da.values, None)
    wl, source = resolve_wavelength(path, ds.attrs.get("wavelength_angstrom"), wavelength_angstrom)
    da = da.copy()
    da.attrs.update({k: v for k, v in ds.attrs.items() if k != "wavelength_angstrom"})
    da.attrs.update(wavelength_angstrom=wl, wavelength_from=source, source_file=str(path))
    return da


def check_wavelength(pattern: xr.DataArray, sticks_wavelength_angstrom: float, *, what: str = "pattern") -> None:
    """Refuse to fit a pattern with references computed for another wavelength."""
    wl = pattern.attrs.get("wavelength_angstrom")
    if wl is None:
        raise ParameterError(what, pattern.attrs.get("source_file", "pattern"),
                             "a pattern with its wavelength_angstrom attribute (read it with lpsrepro.io.xrd)")
    if not same_wavelength(float(wl), sticks_wavelength_angstrom):
        raise InputFileError(pattern.attrs.get("source_file", what),
                             f"measured at {float(wl):g} Å, references computed for {sticks_wavelength_angstrom:g} Å",
                             field="wavelength_angstrom", expected="the same wavelength for data and references")
