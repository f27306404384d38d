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


def read_impedance(path: str | Path, instrument: str | None = None, *, spectrum: int | None = None,
                   allow_incomplete: bool = False, max_bytes: int | None = None,
                   timeout_s: float | None = None) -> xr.Dataset:
    """Read an impedance spectrum from an instrument file or a NetCDF stand-in.

    Parameters
    ----------
    path : path
        ZPlot ``.z``, BioLogic ``.mpr`` (binary, read with galvani) or ``.mpt``,
        Gamry ``.DTA``, three-column CSV (frequency, Z', Z'' in Hz and ohm,
        no header), other formats that impedance.py reads (give
        ``instrument``), or a NetCDF file written by lpsrepro (``.nc``). The
        format is detected from the content where it can be (NetCDF, .mpr,
        .mpt, ZPlot, Gamry); other recognised formats are refused by name.
    instrument : str, optional
        One of :data:`INSTRUMENTS`; inferred from the content or the extension when omitted.
    spectrum : int, optional
        0-based index of the sweep in a file that holds several (a BioLogic
        PEIS loop, a series of sweeps): required then; the error lists the sweeps.
    allow_incomplete : bool
        Accept a ZPlot file holding fewer points than its header announces
        (a sweep stopped early); the attribute ``incomplete_sweep`` records it.
        By default such a file is refused: it may have been cut short.
    max_bytes : int, optional
        Size cap (default :data:`lpsrepro.io.safety.MAX_BYTES`).
    timeout_s : float, optional
        Time limit for galvani / h5netcdf (default 60 s).

    Returns
    -------
    xarray.Dataset
        See the module docstring; attributes include ``source_format`` and ``spectrum``.

    Raises
    ------
    InputFileError
        Missing or empty file, unsupported format, a malformed data row (the
        message gives its line number), a ZPlot file with fewer points than
        its header announces, a cut last row, non-positive or repeated
        frequencies within one sweep, NaN impedances.
    """
    from lpsrepro.io import safety

    path = Path(path)
    what = "an impedance spectrum file"
    safety.check_file(path, what=what, kind="binary", max_bytes=max_bytes)
    fmt = safety.sniff_format(path)
    if fmt == "netcdf4" or (fmt != "text" and path.suffix.lower() == ".nc"):
        ds = read_netcdf(path, max_bytes=max_bytes, timeout_s=timeout_s)
        for name in ("z_real", "z_imag"):
            if name not in ds or "frequency" not in ds[name].dims or ds[name].ndim != 1:
                raise InputFileError(path, "variable missing or of the wrong shape", field=name,
                                     expected="z_real and z_imag in ohm over dimension 'frequency'")
        if "frequency" not in ds.coords:
            raise InputFileError(path, "coordinate missing", field="frequency", expected="frequencies in Hz")
        ds.attrs["source_file"] = str(path)
        ds.attrs["source_format"] = "netcdf"
        _check_spectrum(path, ds["frequency"].values, complex_impedance(ds))
        return ds
    if fmt == "biologic-mpr":
        columns = safety.run_with_timeout(_mpr_columns, str(path), path=path, what="a BioLogic .mpr file",
                                          seconds=timeout_s)
        return _from_columns(path, columns, spectrum, instrument="biologic", source_format=fmt)
    if fmt not in ("text", "zplot", "gamry", "biologic-mpt"):
        raise safety.unsupported(path, fmt, technique="an impedance spectrum",
                                 export_hint="a ZPlot .z, BioLogic .mpr/.mpt, Gamry .DTA or a CSV of frequency (Hz), "
                                 "Z' and Z'' (ohm)")
    text = safety.read_text(path, what=what, max_bytes=max_bytes)
    detected = {"zplot": "zplot", "gamry": "gamry", "biologic-mpt": "biologic"}.get(fmt)
    instrument = instrument or detected or INSTRUMENT_BY_SUFFIX.get(path.suffix.lower())
    if instrument not in INSTRUMENTS:
        raise InputFileError(path, f"cannot tell the instrument format (instrument={instrument!r})",
                             expected="a .z, .mpr, .mpt, .DTA, .csv or .nc file, or instrument= one of "
                             + ", ".join(INSTRUMENTS))
    attrs = {}
    if instrument == "zplot":
        attrs = _check_zplot(path, text, allow_incomplete=allow_incomplete)
    elif instrument == "csv":
        _check_csv(path, text)
    try:
        frequency, z = preprocessing.readFile(str(path), instrument=None if instrument == "csv" else instrument)
    except Exception as exc:  # impedance.py raises bare IndexError/ValueError on bad files
        raise InputFileError(path, f"could not be read as a {instrument} file ({type(exc).__name__}: {exc})",
                             expected=f"the {instrument} export format") from None
    columns = {"frequency": np.asarray(frequency, dtype=float), "z": np.asarray(z, dtype=complex)}
    return _from_columns(path, columns, spectrum, instrument=instrument, source_format=fmt if detected else
                         instrument, **attrs)


def _mpr_columns(path: str) -> dict:
    """Frequency and impedance columns of a BioLogic .mpr (runs in the child process; galvani)."""
    from galvani import BioLogic

    mpr = BioLogic.MPRfile(path)
    names = mpr.data.dtype.names or ()
    needed = ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm")
    missing = [c for c in needed if c not in names]
    if missing:
        raise InputFileError(path, f"this .mpr holds no impedance data (columns: {', '.join(names)})",
                             field=missing[0], expected="a PEIS/GEIS file with freq/Hz, Re(Z)/Ohm and -Im(Z)/Ohm; "
                             "for cycling data use lpsrepro.io.cycler.read_cycler")
    data = mpr.data
    frequency = np.asarray(data["freq/Hz"], dtype=float)
    if np.any(frequency > 0) and np.any(frequency == 0):
        # a modulo-bat / multi-technique file: rows of the other techniques carry freq = 0; keep the impedance rows
        data = data[frequency > 0]
    out = {"frequency": np.asarray(data["freq/Hz"], dtype=float),
           "z": np.asarray(data["Re(Z)/Ohm"], dtype=float) - 1j * np.asarray(data["-Im(Z)/Ohm"], dtype=float)}
    for name in ("z cycle", "cycle number"):
        if name in names:
            out["sweep_column"] = np.asarray(data[name], dtype=float)
            break
    return out


def sweeps(frequency: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges ``[start, stop)`` of the frequency sweeps in a record of several.

    A sweep runs in one direction (usually high → low); a new one starts
    where the frequency jumps back against that direction.
    """
    frequency = np.asarray(frequency, dtype=float)
    if frequency.size < 2:
        return [(0, frequency.size)]
    direction = np.sign(frequency[1] - frequency[0]) or -1.0
    starts = [0]
    for i in range(1, frequency.size):
        step = frequency[i] - frequency[i - 1]
        if np.sign(step) == -direction and i - starts[-1] > 1:
            starts.append(i)
    return [(a, b) for a, b in zip(starts, starts[1:] + [frequency.size])]


def _from_columns(path: Path, columns: dict, spectrum: int | None, *, instrument: str, source_format: str,
                  **attrs) -> xr.Dataset:
    """Split a record into sweeps, pick one, validate and wrap it."""
    from lpsrepro.io.xrd import _pick

    frequency, z = columns["frequency"], columns["z"]
    if frequency.size == 0:
        raise InputFileError(path, "the file holds no data points", expected="a frequency sweep")
    if "sweep_column" in columns and np.unique(columns["sweep_column"]).size > 1:
        labels_values = columns["sweep_column"]
        ranges = []
        for value in dict.fromkeys(labels_values.tolist()):
            index = np.flatnonzero(labels_values == value)
            ranges.append((int(index[0]), int(index[-1]) + 1))
    else:
        ranges = sweeps(frequency) if np.unique(frequency).size != frequency.size else [(0, frequency.size)]
    labels = [f"{i}: {b - a} points, {frequency[a]:.3g}-{frequency[b - 1]:.3g} Hz" for i, (a, b) in enumerate(ranges)]
    index = _pick(path, spectrum, labels, what="spectrum")
    a, b = ranges[index]
    _check_spectrum(path, frequency[a:b], z[a:b])
    return impedance_dataset(frequency[a:b], z[a:b], source_file=str(path), instrument=instrument,
                             source_format=source_format, spectrum=index, spectra_in_file=len(ranges), **attrs)


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


def _check_csv(path: Path, text: str) -> None:
    """Validate a headerless CSV (frequency, Z', Z''): numbers only, no cut last row."""
    from lpsrepro.io import safety

    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 3 or not all(safety.is_number(f) for f in fields[:3]):
            raise InputFileError(path, f"'{line.strip()[:60]}' is not three numbers", line=number,
                                 expected="frequency (Hz), Z' and Z'' (ohm), comma-separated, no header")
        rows.append(fields[:3])
    if safety.last_row_cut(text, rows):
        raise InputFileError(path, "the file ends inside its last row: it was cut short", line=len(rows),
                             expected="the complete export")


def _check_zplot(path: Path, text: str | None = None, *, allow_incomplete: bool = False) -> dict[str, str]:
    """Validate the data rows of a ZPlot file, line by line; return header facts."""
    from lpsrepro.io import safety

    if text is None:
        text = safety.read_text(path, what="a ZPlot .z file")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "End Comments" in line), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if "Freq(Hz)" in line), None)
    if start is None:
        raise InputFileError(path, "no 'End Comments' or 'Freq(Hz)' line: this is not a ZPlot file",
                             expected="a Scribner ZPlot .z export")
    rows = []
    for number, line in enumerate(lines[start + 1:], start=start + 2):
        if not line.strip():
            continue
        fields = _ZPLOT_SPLIT.split(line.strip())
        if len(fields) < 6:
            raise InputFileError(path, f"data row has {len(fields)} fields", line=number,
                                 expected="tab-separated " + ", ".join(_ZPLOT_COLUMNS))
        for name, field in zip(_ZPLOT_COLUMNS, fields[:6]):
            if not safety.is_number(field.strip()):
                raise InputFileError(path, f"'{field}' is not a number (or not finite)", line=number, field=name)
        rows.append([f.strip() for f in fields])
    if not rows:
        raise InputFileError(path, "no data rows after the header", expected="at least three frequencies")
    if safety.last_row_cut(text, rows):
        raise InputFileError(path, "the file ends inside its last row: it was cut short", line=len(lines),
                             expected="the complete export")
    announced = next((line.split(":", 1)[1].strip() for line in lines[:start]
                      if line.strip().startswith("Data Points:")), None)
    if announced is not None:
        if not announced.isdigit():
            raise InputFileError(path, f"'Data Points: {announced}' is not a whole number", field="Data Points")
        if int(announced) < len(rows) or (int(announced) > len(rows) and not allow_incomplete):
            raise InputFileError(path, f"the header announces {announced} data points but the file holds "
                                 f"{len(rows)}", field="Data Points",
                                 expected=f"the complete export; for a sweep stopped early on purpose, change "
                                          f"the header line to 'Data Points: {len(rows)}' (from Python: "
                                          "read_impedance(..., allow_incomplete=True))")
    attrs = {}
    if announced is not None and int(announced) != len(rows):
        attrs["incomplete_sweep"] = f"{len(rows)} of {announced} announced points"
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
