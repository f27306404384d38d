"""Impedance spectra: read instrument files into xarray, write ZPlot files.

The reader is a thin, validating layer over impedance.py's instrument readers
(``impedance.preprocessing.readFile``): the notebooks read the bundled
stand-in through exactly the path a user's own measurement takes.

Dataset convention
------------------
dimension ``frequency`` (Hz, in the order measured), variables ``z_real`` and
``z_imag`` (ohm; ``z_imag`` is negative for capacitive behaviour). Attributes:
``source_file``, ``instrument``, and whatever the file says about itself
(ZPlot's ``Surface Area``, user comments such as the provenance of a stand-in).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr
from impedance import preprocessing

from lpsrepro.errors import InputFileError
from lpsrepro.fileio import atomic_path
from lpsrepro.io import read_netcdf

#: File extension → instrument name of impedance.preprocessing.readFile.
INSTRUMENT_BY_SUFFIX = {".z": "zplot", ".mpt": "biologic", ".dta": "gamry", ".csv": "csv"}
#: Instruments that impedance.py reads.
INSTRUMENTS = ("zplot", "gamry", "autolab", "parstat", "versastudio", "powersuite",
               "biologic", "chinstruments", "csv")
_ZPLOT_SPLIT = re.compile(r"\t|, ")
_ZPLOT_COLUMNS = ("Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)", "GD", "Err", "Range")


def impedance_dataset(frequency_hz, z_ohm, **attrs) -> xr.Dataset:
    """Wrap a spectrum as an xarray Dataset with named dimension and units."""
    z = np.asarray(z_ohm, dtype=complex)
    return xr.Dataset(
        {"z_real": ("frequency", z.real, {"units": "ohm", "long_name": "Z′, real part of impedance"}),
         "z_imag": ("frequency", z.imag, {"units": "ohm", "long_name": "Z″, imaginary part of impedance"})},
        coords={"frequency": ("frequency", np.asarray(frequency_hz, dtype=float),
                              {"units": "Hz", "long_name": "frequency"})},
        attrs=attrs)


def complex_impedance(ds: xr.Dataset) -> np.ndarray:
    """``Z' + jZ''`` of a spectrum Dataset, as a complex array in ohm."""
    return ds["z_real"].values + 1j * ds["z_imag"].values


def read_impedance(path: str | Path, instrument: str | None = None) -> xr.Dataset:
    """Read an impedance spectrum from an instrument file or a NetCDF stand-in.

    Parameters
    ----------
    path : path
        ZPlot ``.z``, BioLogic ``.mpt``, Gamry ``.DTA``, three-column CSV
        (frequency, Z', Z'' in Hz and ohm, no header), other formats that
        impedance.py reads (give ``instrument``), or a NetCDF file written by
        lpsrepro (``.nc``).
    instrument : str, optional
        One of :data:`INSTRUMENTS`; inferred from the extension when omitted.

    Returns
    -------
    xarray.Dataset
        See the module docstring.

    Raises
    ------
    InputFileError
        Missing or empty file, unknown format, a malformed data row (the
        message gives its line number), non-positive or repeated frequencies,
        NaN impedances.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found", expected="an impedance spectrum file")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty", expected="an impedance spectrum")
    if path.suffix.lower() == ".nc":
        ds = read_netcdf(path)
        for name in ("z_real", "z_imag"):
            if name not in ds:
                raise InputFileError(path, "variable missing", field=name,
                                     expected="z_real and z_imag in ohm over dimension 'frequency'")
        ds.attrs["source_file"] = str(path)
        _check_spectrum(path, ds["frequency"].values, complex_impedance(ds))
        return ds
    instrument = instrument or INSTRUMENT_BY_SUFFIX.get(path.suffix.lower())
    if instrument not in INSTRUMENTS:
        raise InputFileError(path, f"cannot tell the instrument format (instrument={instrument!r})",
                             expected="a .z, .mpt, .DTA, .csv or .nc file, or instrument= one of "
                             + ", ".join(INSTRUMENTS))
    attrs = {}
    if instrument == "zplot":
        attrs = _check_zplot(path)
    try:
        frequency, z = preprocessing.readFile(str(path), instrument=None if instrument == "csv" else instrument)
    except Exception as exc:  # impedance.py raises bare IndexError/ValueError on bad files
        raise InputFileError(path, f"could not be read as a {instrument} file ({type(exc).__name__}: {exc})",
                             expected=f"the {instrument} export format") from None
    _check_spectrum(path, frequency, z)
    return impedance_dataset(frequency, z, source_file=str(path), instrument=instrument, **attrs)


def _check_spectrum(path: Path, frequency, z) -> None:
    frequency, z = np.asarray(frequency, dtype=float), np.asarray(z, dtype=complex)
    if frequency.size < 3:
        raise InputFileError(path, f"only {frequency.size} data points", expected="a sweep of several frequencies")
    if not np.all(np.isfinite(frequency)) or np.any(frequency <= 0):
        raise InputFileError(path, "frequencies must be positive numbers", field="frequency")
    if np.unique(frequency).size != frequency.size:
        raise InputFileError(path, "a frequency appears twice", field="frequency",
                             expected="one point per frequency")
    if not np.all(np.isfinite(z)):
        raise InputFileError(path, "impedance contains NaN or infinite values", field="Z")


def _check_zplot(path: Path) -> dict[str, str]:
    """Validate the data rows of a ZPlot file, line by line; return header facts."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    start = next((i for i, line in enumerate(lines) if "End Comments" in line), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if "Freq(Hz)" in line), None)
    if start is None:
        raise InputFileError(path, "no 'End Comments' or 'Freq(Hz)' line: this is not a ZPlot file",
                             expected="a Scribner ZPlot .z export")
    rows = 0
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        fields = _ZPLOT_SPLIT.split(line.strip())
        if len(fields) < 6:
            raise InputFileError(path, f"data row has {len(fields)} fields", line=number,
                                 expected="tab-separated " + ", ".join(_ZPLOT_COLUMNS))
        for name, text in zip(_ZPLOT_COLUMNS, fields[:6]):
            try:
                float(text)
            except ValueError:
                raise InputFileError(path, f"'{text}' is not a number", line=number, field=name) from None
        rows += 1
    if rows == 0:
        raise InputFileError(path, "no data rows after the header", expected="at least three frequencies")
    attrs = {}
    comments, in_comments = [], False
    for line in lines[:start]:
        stripped = line.strip()
        if stripped.startswith("Begin User Comments"):
            in_comments = True
        elif stripped.startswith("End User Comments"):
            in_comments = False
        elif in_comments:
            comments.append(stripped)
        elif stripped.startswith("Surface Area:"):
            attrs["surface_area_cm2_in_file"] = stripped.split(":", 1)[1].strip()
    if comments:
        attrs["user_comments"] = "\n".join(comments)
        for comment in comments:
            key, sep, value = comment.partition("=")
            if sep and key.strip() == "provenance":
                attrs["provenance"] = value.strip()
    return attrs


def write_zplot(target: str | Path, frequency_hz, z_ohm, *, elapsed_s, amplitude_v: float,
                area_cm2: float, comments: list[str]) -> Path:
    """Write a spectrum as a Scribner ZPlot ``.z`` text file (atomically).

    The layout follows ZPlot 3.x exports (header, ``End Comments``, then
    tab-separated rows ``Freq(Hz) Ampl Bias Time(Sec) Z'(a) Z''(b) GD Err
    Range``), so that impedance.py's ZPlot reader and other ZPlot-aware tools
    read it. ``comments`` go to the user-comment block (one ``key = value`` per
    line, e.g. the provenance of a stand-in).
    """
    frequency = np.asarray(frequency_hz, dtype=float)
    z = np.asarray(z_ohm, dtype=complex)
    header = ["ZPLOT2 ASCII",
              "  Measured Data, ZPlot:       3.2c",
              "  Experiment Type:            Sweep Frequency, Control Voltage",
              f"  Begin User Comments:        {len(comments)}",
              *[f"    {c}" for c in comments],
              f"  End User Comments:          {len(comments)}",
              "  Begin Information:          Cell Information",
              f"    Surface Area:             {area_cm2:.6g}",
              "  End Information:            Cell Information",
              f"  Data Points:                {frequency.size}",
              "  " + "\t".join(_ZPLOT_COLUMNS),
              "End Comments"]
    rows = [f"{f:.6E}\t{amplitude_v:.4E}\t{0:.4E}\t{t:.6E}\t{zz.real:.6E}\t{zz.imag:.6E}\t{0:.4E}\t0\t3"
            for f, t, zz in zip(frequency, np.asarray(elapsed_s, dtype=float), z)]
    target = Path(target)
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(header + rows) + "\n", encoding="utf-8", newline="\n")
    return target
