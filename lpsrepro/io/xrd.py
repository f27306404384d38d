"""Powder XRD patterns: instrument files, two-column ``.xy`` exports and NetCDF series → xarray.

:func:`read_xrd_pattern` is the one entry for a single pattern. It detects
the format from the file's content (:func:`lpsrepro.io.safety.sniff_format`),
not its extension, and reads

* plain two-column text (``.xy``, ``.txt``, ``.csv``; 2θ in degrees, counts),
* PANalytical ``.xrdml`` (XML; the ``<dataPoints>`` of each ``<scan>``),
* Bruker DIFFRAC ``.brml`` (zip of XML; ``Experiment0/RawData*.xml``,
  ``<Datum>`` rows, 2θ column located from ``<ScanAxisInfo>``),
* Rigaku SmartLab ``.rasx`` (zip; ``Data*/Profile*.txt`` with the wavelength
  in ``MesurementConditions*.xml``),
* a NetCDF series written by lpsrepro (pick one pattern with ``scan=``).

A file with several scans needs ``scan=`` (0-based index); the error lists
the scans the file holds. Bruker binary ``.raw`` and other recognised
formats are refused by name with the export that works. The formats are
small, documented XML/zip layouts; a parser on the standard library is
used rather than xylib-py (no wheels for current Pythons) or xrayutilities
(no .brml/.rasx, heavy dependencies).

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
import xml.etree.ElementTree as ET
import zipfile
import zlib
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
_NON_FINITE = re.compile(r"^[+-]?(nan|inf|infinity)$", re.IGNORECASE)


def read_two_column(path: str | Path, *, x_name: str, y_name: str,
                    max_bytes: int | None = None) -> tuple[np.ndarray, np.ndarray, dict, np.ndarray]:
    """Parse a two-column text file with optional comment lines.

    Returns x, y, the ``key = value`` pairs of the comment lines, and the
    1-based line number of each data row (for error messages).

    Columns are separated by blanks, tabs, semicolons or commas. Decimal
    commas (``1200,00 100`` or ``1200,00;100``) are read as decimals when
    the columns are separated by blanks or semicolons; a file that mixes
    comma separators with a varying number of fields is refused. A UTF-8
    BOM is removed first (it must not hide a header line). ``nan``/``inf``
    and a file cut inside its last number are refused, naming the line.
    """
    from lpsrepro.io import safety

    path = Path(path)
    what = f"a two-column text file ({x_name}, {y_name})"
    safety.check_file(path, what=what, kind="text", max_bytes=max_bytes)
    fmt = safety.sniff_format(path)
    if fmt != "text":
        raise safety.unsupported(path, fmt, technique=what, export_hint=(
            "a two-column text export; instrument files are read by lpsrepro.io.xrd.read_xrd_pattern "
            "(.xrdml, .brml, .rasx), lpsrepro.io.raman.read_raman_spectrum (.wdf) and the NetCDF series readers"))
    text = safety.read_text(path, what=what, max_bytes=max_bytes)
    header: dict[str, str] = {}
    rows: list[list[str]] = []
    lines: list[int] = []
    comma_fields = None  # number of fields of a comma-separated file (must stay the same)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(_COMMENT):
            match = _KEY_VALUE.match(line)
            if match and not rows:
                header[match.group(1).strip()] = match.group(2)
            continue
        if re.search(r"[\s;]", line) and any(re.fullmatch(r"[+-]?\d+(,\d{3})+\.\d*", f)
                                              for f in re.split(r"[\s;]+", line)):
            raise InputFileError(path, f"'{line[:40]}' mixes commas and points inside a number (thousands "
                                 "separators?)", line=number, expected="plain numbers, one decimal separator")
        if re.search(r"[\s;]", line):
            fields = [f for f in re.split(r"[\s;]+", line) if f]
            if safety.split_decimal_comma(fields):
                fields = [f.replace(",", ".") for f in fields]
            elif any("," in f for f in fields):
                fields = [f for f in _SPLIT.split(line) if f]
        else:
            fields = [f for f in line.split(",") if f]
            if comma_fields is None and len(fields) > 2 and rows:
                comma_fields = len(fields)
            if comma_fields is not None and len(fields) != comma_fields:
                raise InputFileError(path, f"data row has {len(fields)} comma-separated fields, the rows before "
                                     f"{comma_fields}", line=number, expected="one field separator throughout "
                                     "(decimal commas need blanks or semicolons between columns)")
        if len(fields) < 2:
            raise InputFileError(path, f"data row has {len(fields)} field", line=number,
                                 expected=f"two numbers: {x_name} and {y_name}")
        if not (safety.is_number(fields[0]) and safety.is_number(fields[1])):
            if not rows and not any(safety.is_number(f) for f in fields[:2]):
                continue  # a column-title line before the data (e.g. "2Theta Intensity") is allowed
            for name, field in ((x_name, fields[0]), (y_name, fields[1])):
                if _NON_FINITE.match(field):
                    raise InputFileError(path, f"{name} is not a finite number ({field[:20]})", line=number,
                                         field=name, expected="finite numbers")
            raise InputFileError(path, f"'{fields[0][:30]} {fields[1][:30]}' is not two numbers", line=number,
                                 expected=f"{x_name} and {y_name} as finite numbers")
        rows.append(fields)
        lines.append(number)
    if safety.last_row_cut(text, rows):
        raise InputFileError(path, "the file ends inside its last row (no final line break and the last "
                             "numbers are printed shorter than the rows before): it was cut short",
                             line=lines[-1], expected="the complete export")
    if len(rows) < MIN_POINTS:
        raise InputFileError(path, f"only {len(rows)} data rows", expected=f"at least {MIN_POINTS} points")
    xs = np.array([float(r[0]) for r in rows])
    ys = np.array([float(r[1]) for r in rows])
    for name, values in ((x_name, xs), (y_name, ys)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InputFileError(path, f"{name} overflows to infinity", line=lines[bad[0]], field=name,
                                 expected="finite numbers")
    return xs, ys, header, np.array(lines)


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


def read_xy(path: str | Path, *, wavelength_angstrom: float = CU_KA1_ANGSTROM,
            max_bytes: int | None = None) -> xr.DataArray:
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
    max_bytes : int, optional
        Size cap (default :data:`lpsrepro.io.safety.MAX_BYTES` ``["text"]``).

    Returns
    -------
    xarray.DataArray
        See the module docstring.
    """
    path = Path(path)
    x, y, header, lines = read_two_column(path, x_name="2theta (degree)", y_name="counts", max_bytes=max_bytes)
    stated = header.pop("wavelength_angstrom", None)
    return _checked_pattern(path, x, y, lines, stated, wavelength_angstrom, source_format="xy", **header)


def _checked_pattern(path: Path, x, y, lines, stated, wavelength_angstrom: float, **attrs) -> xr.DataArray:
    """Validate a pattern read from any format and wrap it (one path for all formats)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size != y.size:
        raise InputFileError(path, f"{x.size} angles but {y.size} intensities", field="counts",
                             expected="one intensity per 2theta step")
    if x.size < MIN_POINTS:
        raise InputFileError(path, f"only {x.size} data points", expected=f"at least {MIN_POINTS} points")
    lines = np.arange(1, x.size + 1) if lines is None else lines
    check_axis(path, x, lines, name="2theta")
    check_counts(path, y, lines)
    if x.min() < 0 or x.max() > 180:
        raise InputFileError(path, f"2theta runs from {x.min():g} to {x.max():g}", field="2theta",
                             expected="angles in degrees between 0 and 180")
    wl, source = resolve_wavelength(path, stated, wavelength_angstrom)
    return pattern_array(x, y, wavelength_angstrom=wl, wavelength_from=source, source_file=str(path), **attrs)


def write_xy(target: str | Path, pattern: xr.DataArray, *, header: dict[str, str]) -> Path:
    """Write a pattern as a two-column ``.xy`` file with ``# key = value`` header lines (atomically)."""
    lines = [f"# {key} = {value}" for key, value in header.items()]
    lines.append("# columns: 2theta_degree counts")
    x, y = pattern["two_theta"].values, pattern.values
    lines += [f"{a:.3f} {b:.0f}" for a, b in zip(x, y)]
    write_text(target, "\n".join(lines) + "\n")
    return Path(target)


def read_xrd_series(path: str | Path, *, wavelength_angstrom: float = CU_KA1_ANGSTROM,
                    max_bytes: int | None = None) -> xr.DataArray:
    """Read a NetCDF series of patterns: variable ``counts`` over (``reaction_time`` or ``sample``, ``two_theta``)."""
    path = Path(path)
    ds = read_netcdf(path, max_bytes=max_bytes)
    if "counts" not in ds:
        raise InputFileError(path, "variable missing", field="counts",
                             expected="counts over (reaction_time or sample, two_theta)")
    da = ds["counts"]
    if "two_theta" not in da.dims or da.ndim != 2 or "two_theta" not in da.coords:
        raise InputFileError(path, f"counts has dimensions {da.dims}", field="counts",
                             expected="two dimensions, one of them two_theta")
    x = da["two_theta"].values
    check_axis(path, x, np.arange(1, x.size + 1), name="2theta")
    check_counts(path, da.values, None)
    wl, source = resolve_wavelength(path, ds.attrs.get("wavelength_angstrom"), wavelength_angstrom)
    da = da.copy()
    da.attrs.update({k: v for k, v in ds.attrs.items() if k != "wavelength_angstrom"})
    da.attrs.update(wavelength_angstrom=wl, wavelength_from=source, source_file=str(path),
                    source_format="netcdf-series")
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


# --------------------------------------------------------------------------- instrument files
#: What to export when a format is not read.
_EXPORT_HINT = ("a PANalytical .xrdml, Bruker .brml, Rigaku .rasx or a two-column .xy/.txt file; "
                "export the scan as .xy (2theta in degrees, counts) from the instrument software")


def read_xrd_pattern(path: str | Path, *, wavelength_angstrom: float = CU_KA1_ANGSTROM, scan: int | None = None,
                     max_bytes: int | None = None) -> xr.DataArray:
    """Read one powder pattern from any supported file, detecting the format from the content.

    Parameters
    ----------
    path : path
        ``.xy``/``.txt``/``.csv``, PANalytical ``.xrdml``, Bruker ``.brml``,
        Rigaku ``.rasx`` or an lpsrepro NetCDF series (see the module docstring).
    wavelength_angstrom : float
        The wavelength the reference patterns are computed for (Å). A file
        stating another Kα1 wavelength is refused (see :func:`resolve_wavelength`).
    scan : int, optional
        0-based index of the scan in a file that holds several (a NetCDF
        series, a multi-range .xrdml/.brml/.rasx). Required when there are
        several; the error lists them.
    max_bytes : int, optional
        Size cap (default :data:`lpsrepro.io.safety.MAX_BYTES`).

    Returns
    -------
    xarray.DataArray
        ``counts`` over ``two_theta`` (degree), attributes ``wavelength_angstrom``,
        ``wavelength_from``, ``source_file``, ``source_format`` and ``scan``.

    Raises
    ------
    InputFileError
        An unsupported format (named, with the export that works), a
        malformed file, several scans without ``scan=``, a wrong wavelength.
    """
    from lpsrepro.io import safety

    path = Path(path)
    safety.check_file(path, what="a powder XRD pattern", kind="zip", max_bytes=max_bytes)
    fmt = safety.sniff_format(path)
    if fmt == "text":
        if scan not in (None, 0):
            raise InputFileError(path, f"scan={scan} asked, but a two-column file holds one scan", field="scan",
                                 expected="scan=None or 0")
        return read_xy(path, wavelength_angstrom=wavelength_angstrom, max_bytes=max_bytes)
    if fmt == "netcdf4":
        series = read_xrd_series(path, wavelength_angstrom=wavelength_angstrom, max_bytes=max_bytes)
        dim = [d for d in series.dims if d != "two_theta"][0]
        labels = [f"{i}: {dim} = {v}" for i, v in enumerate(series[dim].values)] if dim in series.coords else \
            [str(i) for i in range(series.sizes[dim])]
        index = _pick(path, scan, labels, what="pattern")
        pattern = series.isel({dim: index}).drop_vars(dim, errors="ignore")
        pattern.attrs.update(source_format="netcdf-series", scan=index)
        return pattern
    readers = {"panalytical-xrdml": _xrdml_scans, "bruker-brml": _brml_scans, "rigaku-rasx": _rasx_scans}
    if fmt not in readers:
        raise safety.unsupported(path, fmt, technique="a powder XRD pattern", export_hint=_EXPORT_HINT)
    try:
        scans = readers[fmt](path)
    except InputFileError:
        raise
    except (ET.ParseError, zipfile.BadZipFile, KeyError, ValueError, IndexError, OSError, EOFError,
            UnicodeDecodeError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise InputFileError(path, f"this looks like a {safety.FORMAT_NAMES[fmt]} file but could not be read "
                             f"({type(exc).__name__}: {exc})", expected=_EXPORT_HINT) from None
    if not scans:
        raise InputFileError(path, "the file holds no scan data", expected=_EXPORT_HINT)
    index = _pick(path, scan, [s["label"] for s in scans], what="scan")
    chosen = scans[index]
    return _checked_pattern(path, chosen["two_theta"], chosen["counts"], None, chosen["wavelength"],
                            wavelength_angstrom, source_format=fmt, scan=index, scan_label=chosen["label"],
                            counts_unit_in_file=chosen.get("unit", "counts"))


def _pick(path: Path, index: int | None, labels: list[str], *, what: str) -> int:
    """The chosen entry of a multi-scan file; refuse a missing or invalid choice listing what the file holds."""
    listing = "; ".join(labels[:20]) + (" ..." if len(labels) > 20 else "")
    plural = what if len(labels) == 1 else {"spectrum": "spectra"}.get(what, what + "s")
    if index is None:
        if len(labels) == 1:
            return 0
        raise InputFileError(path, f"the file holds {len(labels)} {plural} ({listing})", field=what,
                             expected=f"the {what} to use, e.g. {what}=0")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= int(index) < len(labels):
        raise InputFileError(path, f"{what}={index!r} does not exist; the file holds {len(labels)} {plural} "
                             f"({listing})", field=what, expected=f"an index from 0 to {len(labels) - 1}")
    return int(index)


def _zip_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """One member of a zip container, refusing a decompressed size above the cap before inflating."""
    from lpsrepro.io.safety import MAX_UNZIPPED_BYTES

    info = archive.getinfo(name)
    if info.file_size > MAX_UNZIPPED_BYTES:
        raise InputFileError(path, f"member {name} declares {info.file_size / 2**20:.0f} MB uncompressed, "
                             f"more than the cap of {MAX_UNZIPPED_BYTES / 2**20:.0f} MB", expected="a genuine export")
    with archive.open(info) as handle:
        data = handle.read(MAX_UNZIPPED_BYTES + 1)
    if len(data) > MAX_UNZIPPED_BYTES:
        raise InputFileError(path, f"member {name} inflates beyond the cap", expected="a genuine export")
    return data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _floats(text: str | None, path: Path, what: str) -> np.ndarray:
    if text is None or not text.strip():
        raise InputFileError(path, f"{what} is empty", field=what)
    parts = text.split()
    if not all(_is_finite_number(p) for p in parts):
        bad = next(p for p in parts if not _is_finite_number(p))
        raise InputFileError(path, f"'{bad[:30]}' in {what} is not a finite number", field=what)
    return np.array(parts, dtype=float)


def _is_finite_number(text: str) -> bool:
    from lpsrepro.io.safety import is_number

    return is_number(text)


def _xrdml_scans(path: Path) -> list[dict]:
    """PANalytical .xrdml: every ``<scan>``'s 2θ axis (start/end or listed) and intensities."""
    root = ET.fromstring(path.read_bytes())
    wavelength = None
    for element in root.iter():
        if _local(element.tag) == "kAlpha1" and element.text:
            wavelength = element.text.strip()
            break
    scans = []
    for number, scan_element in enumerate(e for e in root.iter() if _local(e.tag) == "scan"):
        points = next((e for e in scan_element.iter() if _local(e.tag) == "dataPoints"), None)
        if points is None:
            continue
        counts_element = next((e for e in points if _local(e.tag) in ("intensities", "counts")), None)
        if counts_element is None:
            raise InputFileError(path, f"scan {number} has no <intensities> or <counts>", field="dataPoints")
        counts = _floats(counts_element.text, path, "intensities")
        axis = next((e for e in points if _local(e.tag) == "positions" and e.get("axis") == "2Theta"), None)
        if axis is None:
            raise InputFileError(path, f"scan {number} has no 2Theta positions", field="positions",
                                 expected="a 2theta scan (not an omega rocking curve or a map)")
        listed = next((e for e in axis if _local(e.tag) == "listPositions"), None)
        if listed is not None:
            two_theta = _floats(listed.text, path, "listPositions")
        else:
            start = next((e for e in axis if _local(e.tag) == "startPosition"), None)
            end = next((e for e in axis if _local(e.tag) == "endPosition"), None)
            if start is None or end is None:
                raise InputFileError(path, f"scan {number} has no start/end position", field="positions")
            lo, hi = _floats(start.text, path, "startPosition")[0], _floats(end.text, path, "endPosition")[0]
            two_theta = np.linspace(lo, hi, counts.size)
        unit = counts_element.get("unit", "counts")
        fixed = {}                       # the other axes' positions during this scan (omega, phi, x, y, …)
        for e in points:
            common = next((c for c in e if _local(c.tag) == "commonPosition"), None)
            if _local(e.tag) == "positions" and e.get("axis") != "2Theta" and common is not None and common.text:
                fixed[f"{e.get('axis')} ({e.get('unit', '')})".replace(" ()", "")] = common.text.strip()
        scans.append({"two_theta": two_theta, "counts": counts, "wavelength": wavelength, "unit": unit,
                      "label": f"{number}: 2theta {two_theta[0]:.2f}-{two_theta[-1]:.2f} deg", "fixed": fixed})
    # a mesh or a series repeats the 2θ range: the label then also names the axes that differ between scans
    varying = [axis for axis in dict.fromkeys(a for scan in scans for a in scan["fixed"])
               if len({scan["fixed"].get(axis) for scan in scans}) > 1]
    for scan in scans:
        scan["label"] += "".join(f", {axis} {scan['fixed'].get(axis, '?')}" for axis in varying)
    return scans


def _brml_scans(path: Path) -> list[dict]:
    """Bruker .brml: each ``RawData*.xml`` member; 2θ column from the ``ScanAxisInfo`` order, counts last."""
    scans = []
    with zipfile.ZipFile(path) as archive:
        members = sorted(n for n in archive.namelist() if re.search(r"RawData\d*\.xml$", n))
        for member in members:
            root = ET.fromstring(_zip_member(archive, member, path))
            axes = [e.get("AxisId") or e.get("AxisName") for e in root.iter()
                    if _local(e.tag) == "ScanAxisInfo" and _local_parent_is_scan_axes(root, e)]
            if "TwoTheta" not in axes:
                raise InputFileError(path, f"{member} has no TwoTheta scan axis (axes: {', '.join(map(str, axes))})",
                                     field="ScanAxisInfo", expected="a 2theta or 2theta-omega scan")
            column = 2 + axes.index("TwoTheta")  # Datum rows: time, flag, one value per scan axis, ..., counts
            rows = [e.text for e in root.iter() if _local(e.tag) == "Datum"]
            if not rows:
                continue
            table = []
            for row_number, row in enumerate(rows, start=1):
                fields = (row or "").split(",")
                if len(fields) < column + 2 or not all(_is_finite_number(f) for f in fields):
                    raise InputFileError(path, f"{member}: Datum {row_number} '{(row or '')[:60]}' is not a row of "
                                         "finite numbers", field="Datum")
                table.append((float(fields[column]), float(fields[-1])))
            data = np.array(table)
            wavelength = None
            for element in root.iter():
                if _local(element.tag) in ("WaveLengthAlpha1", "WaveLength") and element.get("Value"):
                    wavelength = element.get("Value")
                    break
            scans.append({"two_theta": data[:, 0], "counts": data[:, 1], "wavelength": wavelength,
                          "label": f"{member}: 2theta {data[0, 0]:.2f}-{data[-1, 0]:.2f} deg"})
    return scans


def _local_parent_is_scan_axes(root, element) -> bool:
    """Only the ``<ScanAxes>`` list counts (the same axes are repeated in a V4 compatibility block)."""
    for parent in root.iter():
        if _local(parent.tag) == "ScanAxes" and element in list(parent):
            return True
    return False


def _rasx_scans(path: Path) -> list[dict]:
    """Rigaku .rasx: ``Data*/Profile*.txt`` (2θ, counts, attenuation) with ``MesurementConditions*.xml``."""
    scans = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        profiles = sorted(n for n in names if re.search(r"Profile\d*\.txt$", n))
        for member in profiles:
            text = _zip_member(archive, member, path).decode("utf-8-sig", errors="strict")
            rows = []
            for row_number, line in enumerate(text.splitlines(), start=1):
                fields = line.split()
                if not fields:
                    continue
                if len(fields) < 2 or not all(_is_finite_number(f) for f in fields):
                    raise InputFileError(path, f"{member}, row {row_number}: '{line[:60]}' is not numbers",
                                         field=member)
                scale = float(fields[2]) if len(fields) > 2 else 1.0  # third column: attenuator factor
                rows.append((float(fields[0]), float(fields[1]) * scale))
            if not rows:
                continue
            data = np.array(rows)
            conditions = member.replace("Profile", "MesurementConditions").replace(".txt", ".xml")
            wavelength = None
            if conditions in names:
                root = ET.fromstring(_zip_member(archive, conditions, path))
                wavelength = next((e.text.strip() for e in root.iter()
                                   if _local(e.tag) == "WavelengthKalpha1" and e.text), None)
            scans.append({"two_theta": data[:, 0], "counts": data[:, 1], "wavelength": wavelength,
                          "label": f"{member}: 2theta {data[0, 0]:.2f}-{data[-1, 0]:.2f} deg"})
    return scans
