"""Raman spectra: Renishaw .wdf, Horiba LabSpec and WiRE text exports, NetCDF series → xarray.

:func:`read_raman_spectrum` is the one entry for a single spectrum; it
detects the format from the content and reads

* Renishaw WiRE ``.wdf`` (binary; read with renishawWiRE, a small
  numpy-only reader, in a child process with a time limit; single spectra,
  line scans, maps and time series — pick one with ``spectrum=``),
* Horiba LabSpec text exports (``#Key=\tvalue`` header; one spectrum in two
  columns, or several as a table whose first row holds the shifts and whose
  rows start with the position — pick one with ``spectrum=``),
* two-column WiRE/other text exports (shift, intensity),
* a NetCDF series written by lpsrepro (``spectrum=`` index).

The spectral axis must be a Raman shift in cm⁻¹ (a ``.wdf`` or LabSpec file
whose axis is in nm or eV is refused with the unit named).

A WiRE "txt" export is two columns, Raman shift (cm⁻¹) and intensity, often in
*decreasing* shift order, sometimes after a ``#Wave #Intensity`` title line.
The reader accepts either order (one scan, strictly monotonic), sorts it to
increasing shift, and refuses repeated or non-monotonic shifts and NaN or
infinite intensities with the file and line named. Negative intensities
(the spectrometer software subtracts the CCD dark level) are kept and
counted in the attribute ``negative_intensities``.

DataArray convention: name ``intensity`` (units ``counts``), dimension
``raman_shift`` (units ``1/cm``), attributes ``source_file`` and the file's
``key = value`` header entries.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from lpsrepro.errors import InputFileError
from lpsrepro.fileio import write_text
from lpsrepro.io import read_netcdf
from lpsrepro.io.xrd import MIN_POINTS, check_axis, check_counts, read_two_column


def spectrum_array(shift_per_cm, intensity, **attrs) -> xr.DataArray:
    """Wrap a Raman spectrum as a DataArray with named dimension and units."""
    return xr.DataArray(np.asarray(intensity, dtype=float), dims="raman_shift", name="intensity",
                        coords={"raman_shift": ("raman_shift", np.asarray(shift_per_cm, dtype=float),
                                                {"units": "1/cm", "long_name": "Raman shift"})},
                        attrs={"units": "counts", "long_name": "Raman intensity", **attrs})


def read_raman_txt(path: str | Path, *, max_bytes: int | None = None) -> xr.DataArray:
    """Read a two-column Raman export (shift in cm⁻¹, intensity in counts), in either order."""
    path = Path(path)
    x, y, header, lines = read_two_column(path, x_name="Raman shift (1/cm)", y_name="intensity", max_bytes=max_bytes)
    return _checked_spectrum(path, x, y, lines, source_format="text", **header)


def _checked_spectrum(path: Path, x, y, lines, **attrs) -> xr.DataArray:
    """Validate a spectrum from any format (monotonic shift in either order, finite non-negative counts); sort it."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size != y.size or x.size < MIN_POINTS:
        raise InputFileError(path, f"{x.size} shifts and {y.size} intensities", field="intensity",
                             expected=f"one intensity per shift, at least {MIN_POINTS} points")
    lines = np.arange(1, x.size + 1) if lines is None else lines
    check_axis(path, x, lines, name="raman_shift", allow_decreasing=True)
    # Spectrometer software subtracts the CCD dark level, so real spectra dip slightly below zero:
    # negative intensities are kept (and flagged), NaN/inf are refused.
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise InputFileError(path, f"intensity is not a finite number ({y[bad[0]]:g})", line=int(lines[bad[0]]),
                             field="intensity", expected="finite intensities")
    attrs.setdefault("negative_intensities", int(np.count_nonzero(y < 0)))
    order = np.argsort(x)
    return spectrum_array(x[order], y[order], source_file=str(path), **attrs)


def write_raman_txt(target: str | Path, spectrum: xr.DataArray, *, header: dict[str, str]) -> Path:
    """Write a spectrum like a WiRE export (decreasing shift) with ``# key = value`` header lines."""
    lines = [f"# {key} = {value}" for key, value in header.items()]
    lines.append("#Wave\t#Intensity")
    x, y = spectrum["raman_shift"].values[::-1], spectrum.values[::-1]
    lines += [f"{a:.2f}\t{b:.0f}" for a, b in zip(x, y)]
    write_text(target, "\n".join(lines) + "\n")
    return Path(target)


def read_raman_series(path: str | Path, *, max_bytes: int | None = None) -> xr.DataArray:
    """Read a NetCDF series: variable ``intensity`` over (``reaction_time`` or ``sample``, ``raman_shift``)."""
    path = Path(path)
    ds = read_netcdf(path, max_bytes=max_bytes)
    if ("intensity" not in ds or "raman_shift" not in ds["intensity"].dims or ds["intensity"].ndim != 2
            or "raman_shift" not in ds["intensity"].coords):
        raise InputFileError(path, "variable missing or of the wrong shape", field="intensity",
                             expected="intensity over (reaction_time or sample, raman_shift)")
    da = ds["intensity"].copy()
    x = da["raman_shift"].values
    check_axis(path, x, np.arange(1, x.size + 1), name="raman_shift")
    check_counts(path, da.values, None, name="intensity")
    da.attrs.update(ds.attrs)
    da.attrs["source_file"] = str(path)
    da.attrs["source_format"] = "netcdf-series"
    return da


# --------------------------------------------------------------------------- instrument files
_EXPORT_HINT = ("a Renishaw .wdf, a LabSpec or WiRE text export (Raman shift in 1/cm, intensity) or a "
                "two-column .txt; export the spectrum as text from the instrument software")
_LABSPEC_KEY = re.compile(r"^#\s*([^=]+?)\s*=\s*(.*?)\s*$")


def read_raman_spectrum(path: str | Path, *, spectrum: int | None = None,
                        max_bytes: int | None = None, timeout_s: float | None = None) -> xr.DataArray:
    """Read one Raman spectrum from any supported file, detecting the format from the content.

    Parameters
    ----------
    path : path
        Renishaw ``.wdf``, LabSpec/WiRE text export, two-column text or an
        lpsrepro NetCDF series (see the module docstring).
    spectrum : int, optional
        0-based index of the spectrum in a file that holds several (map,
        line scan, time series, LabSpec table, NetCDF series); required then,
        and the error lists what the file holds.
    max_bytes : int, optional
        Size cap (default :data:`lpsrepro.io.safety.MAX_BYTES`).
    timeout_s : float, optional
        Time limit for the .wdf library (default 60 s, ``LPSREPRO_READ_TIMEOUT_S``).

    Returns
    -------
    xarray.DataArray
        ``intensity`` (counts) over ``raman_shift`` (1/cm, increasing), with
        ``source_file``, ``source_format``, ``spectrum`` and what the file
        states (e.g. ``laser_wavelength_nm``).
    """
    from lpsrepro.io import safety
    from lpsrepro.io.xrd import _pick

    path = Path(path)
    safety.check_file(path, what="a Raman spectrum", kind="binary", max_bytes=max_bytes)
    fmt = safety.sniff_format(path)
    if fmt == "renishaw-wdf":
        data = safety.run_with_timeout(_wdf_contents, str(path), path=path, what="a Renishaw .wdf file",
                                       seconds=timeout_s)
        if data["unit"] not in ("1/cm", "RamanShift"):
            raise InputFileError(path, f"the spectral axis is in {data['unit']}", field="xlist_unit",
                                 expected="a Raman shift in 1/cm (export the spectrum in Raman shift)")
        spectra = np.asarray(data["spectra"], dtype=float).reshape(-1, np.asarray(data["x"]).size)
        index = _pick(path, spectrum, [str(i) for i in range(spectra.shape[0])],
                      what="spectrum")
        attrs = {"laser_wavelength_nm": float(data["laser"]), "title": data["title"]} if np.isfinite(data["laser"]) \
            else {"title": data["title"]}
        return _checked_spectrum(path, data["x"], spectra[index], None, source_format=fmt, spectrum=index, **attrs)
    if fmt == "netcdf4":
        series = read_raman_series(path, max_bytes=max_bytes)
        dim = [d for d in series.dims if d != "raman_shift"][0]
        labels = [f"{i}: {dim} = {v}" for i, v in enumerate(series[dim].values)] if dim in series.coords else \
            [str(i) for i in range(series.sizes[dim])]
        index = _pick(path, spectrum, labels, what="spectrum")
        out = series.isel({dim: index}).drop_vars(dim, errors="ignore")
        out.attrs.update(spectrum=index)
        return out
    if fmt != "text":
        raise safety.unsupported(path, fmt, technique="a Raman spectrum", export_hint=_EXPORT_HINT)
    text = safety.read_text(path, what="a Raman spectrum", max_bytes=max_bytes)
    table = _labspec_table(path, text)
    if table is None:
        if spectrum not in (None, 0):
            raise InputFileError(path, f"spectrum={spectrum} asked, but the file holds one spectrum",
                                 field="spectrum", expected="spectrum=None or 0")
        out = read_raman_txt(path, max_bytes=max_bytes)
        header = _labspec_header(text)
        if header:
            out.attrs["source_format"] = "labspec-text"
            out.attrs.update(header)
        return out
    shifts, positions, rows, lines, header = table
    index = _pick(path, spectrum, [f"{i}: position {p:g}" for i, p in enumerate(positions)], what="spectrum")
    return _checked_spectrum(path, shifts, rows[index], None, source_format="labspec-text-table", spectrum=index,
                             position=float(positions[index]), **header)


def _wdf_contents(path: str) -> dict:
    """Read a .wdf with renishawWiRE (in the child process) into plain arrays."""
    import contextlib
    import io

    from renishawWiRE import WDFReader

    with contextlib.redirect_stdout(io.StringIO()):
        reader = WDFReader(path)
    try:
        unit = str(getattr(reader.xlist_unit, "name", reader.xlist_unit))
        unit = "1/cm" if unit in ("RamanShift", "1/cm") else unit
        x = np.asarray(reader.xdata, dtype=float)
        spectra = np.asarray(reader.spectra, dtype=float)
        labels = [str(i) for i in range(max(1, spectra.size // max(1, x.size)))]
        laser = float(reader.laser_length) if reader.laser_length else float("nan")
        return {"x": x, "spectra": spectra, "unit": unit, "labels": labels, "laser": laser,
                "title": str(reader.title)}
    finally:
        with contextlib.suppress(Exception):
            reader.close()


def _labspec_header(text: str) -> dict[str, object]:
    """The facts a LabSpec export states in its ``#Key=\tvalue`` header (laser, instrument, acquisition)."""
    header: dict[str, object] = {}
    for line in text.splitlines()[:200]:
        if not line.startswith("#"):
            break
        match = _LABSPEC_KEY.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2)
        if key.startswith("Laser (nm)"):
            try:
                header["laser_wavelength_nm"] = float(value)
            except ValueError:
                pass
        elif key == "Instrument":
            header["instrument"] = value
        elif key.startswith("AxisUnit[1]") and value:
            header["axis_unit_in_file"] = value
    return header


def _labspec_table(path: Path, text: str):
    """A LabSpec multi-spectrum table (first row: blank + shifts; rows: position + intensities), else None."""
    from lpsrepro.io import safety

    data_lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if len(data_lines) < 2 or not data_lines[0][1].startswith(("\t", " ")):
        return None
    header = _labspec_header(text)
    unit = str(header.get("axis_unit_in_file", "1/cm"))
    if unit not in ("1/cm", "cm-1", "cm-¹"):
        raise InputFileError(path, f"the spectral axis is in {unit}", field="AxisUnit[1]",
                             expected="a Raman shift in 1/cm (export the spectra in Raman shift)")
    shift_fields = data_lines[0][1].split()
    if not all(safety.is_number(f) for f in shift_fields):
        raise InputFileError(path, "the first row of the table is not a row of shifts", line=data_lines[0][0],
                             expected="a LabSpec table: shifts in the first row, then position and intensities")
    shifts = np.array(shift_fields, dtype=float)
    positions, rows, lines = [], [], []
    for number, line in data_lines[1:]:
        fields = line.split()
        if len(fields) != shifts.size + 1 or not all(safety.is_number(f) for f in fields):
            raise InputFileError(path, f"row has {len(fields)} fields or a non-number", line=number,
                                 expected=f"a position and {shifts.size} intensities")
        positions.append(float(fields[0]))
        rows.append(np.array(fields[1:], dtype=float))
        lines.append(number)
    if safety.last_row_cut(text, [line.split() for _, line in data_lines[1:]]):
        raise InputFileError(path, "the file ends inside its last row: it was cut short", line=lines[-1],
                             expected="the complete export")
    return shifts, np.array(positions), rows, lines, header
