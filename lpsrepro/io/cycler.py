"""Galvanostatic cycler data: CSV exports and BioLogic ``.mpr`` files → xarray.

Dataset convention
------------------
Dimension ``record`` (one row of the export, in the order recorded) with
coordinate ``time`` (s) and variables ``current`` (A; **positive = anodic at the
working electrode**, i.e. charge of a cathode, de-lithiation), ``voltage`` (V,
working vs counter electrode), and where the file has them ``cycle``, ``step``
(integers) and ``step_type`` (text). Attributes: ``source_file``,
``instrument`` and the ``key = value`` lines of a CSV header (e.g. the
provenance of a stand-in, ``electrode_area_cm2``, ``active_mass_mg``).

CSV layout
----------
Optional ``# key = value`` header lines, then one line of column names with
their units, ``name/unit`` (BioLogic style, ``I/mA``) or ``name (unit)``, then
comma-separated numbers. Recognised names: time (``time``, ``t``, ``test time``),
current (``current``, ``I``), voltage (``voltage``, ``Ewe``, ``U``, ``E``,
``potential``), and optionally ``cycle``, ``step`` (or ``Ns``), ``step_type``.
Any unit pint knows is accepted (``s``, ``min``, ``h``; ``A``, ``mA``, ``uA``;
``V``, ``mV``) and converted.

What is refused, with the file, line and column named
-----------------------------------------------------
A missing column; a column without a unit or with a unit of the wrong kind; a
value that carries its own unit (``25 uA`` — mixed units in one column); a
value that is not a number; time running backwards; and a sign convention
opposite to the one above (:func:`check_current_sign`: on a battery, a
positive current raises the voltage — if most current steps do the opposite,
the export counts current the other way round; pass ``current_sign=-1``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.fileio import atomic_path
from lpsrepro.units import ureg

_ALIASES = {
    "time": ("time", "t", "test time", "test_time", "elapsed time"),
    "current": ("current", "i"),
    "voltage": ("voltage", "ewe", "u", "e", "potential", "cell voltage"),
    "cycle": ("cycle", "cycle number", "cycle index", "cycle_index"),
    "step": ("step", "ns", "step index", "step_index"),
    "step_type": ("step_type", "step type", "mode"),
}
_DIMENSION = {"time": "[time]", "current": "[current]", "voltage": "[electric_potential]"}
_CANONICAL_UNIT = {"time": "s", "current": "A", "voltage": "V"}
_LONG_NAME = {"time": "time since the start of the test", "current": "current (positive = anodic at the working electrode)",
              "voltage": "cell voltage (working vs counter electrode)"}
_HEADER_SPLIT = re.compile(r"^\s*(?P<name>[^/(]+?)\s*(?:/\s*(?P<unit1>.+?)|\((?P<unit2>[^)]*)\))?\s*$")
_HAS_LETTERS = re.compile(r"[A-Za-zµ%]")
#: Voltage change (V) below which a current step tells nothing about the sign convention.
_SIGN_MIN_DELTA_V = 0.005


# --------------------------------------------------------------------------- public API
def cycler_dataset(time_s, current_a, voltage_v, *, cycle=None, step=None, step_type=None, **attrs) -> xr.Dataset:
    """Wrap cycler columns as a Dataset (see the module docstring)."""
    data = {"current": ("record", np.asarray(current_a, dtype=float), {"units": "A", "long_name": _LONG_NAME["current"]}),
            "voltage": ("record", np.asarray(voltage_v, dtype=float), {"units": "V", "long_name": _LONG_NAME["voltage"]})}
    if cycle is not None:
        data["cycle"] = ("record", np.asarray(cycle, dtype=int), {"units": "dimensionless", "long_name": "cycle number"})
    if step is not None:
        data["step"] = ("record", np.asarray(step, dtype=int), {"units": "dimensionless", "long_name": "step number"})
    if step_type is not None:
        data["step_type"] = ("record", np.asarray(step_type, dtype=str), {"units": "dimensionless", "long_name": "step type"})
    return xr.Dataset(data, coords={"time": ("record", np.asarray(time_s, dtype=float),
                                             {"units": "s", "long_name": _LONG_NAME["time"]})}, attrs=attrs)


def read_cycler(path: str | Path, *, current_sign: int = 1, check_sign: bool = True) -> xr.Dataset:
    """Read a cycler export (CSV with units in the header, or BioLogic ``.mpr``).

    Parameters
    ----------
    path : path
        ``.csv`` / ``.txt`` (see the module docstring) or ``.mpr`` (BioLogic
        EC-Lab binary, read with galvani).
    current_sign : {1, -1}
        Multiply the current by this before use: ``-1`` for an export that
        counts cathodic current as positive.
    check_sign : bool
        Refuse data whose voltage moves against the current (see
        :func:`check_current_sign`).

    Raises
    ------
    InputFileError
        See the module docstring; the message names the file, the line and the column.
    """
    path = Path(path)
    if current_sign not in (1, -1):
        raise ParameterError("current_sign", current_sign, "1 or -1")
    if not path.is_file():
        raise InputFileError(path, "file not found", expected="a cycler export (.csv or BioLogic .mpr)")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty", expected="a cycler export")
    suffix = path.suffix.lower()
    if suffix == ".mpr":
        ds = _read_mpr(path)
    elif suffix in (".csv", ".txt"):
        ds = _read_csv(path)
    else:
        raise InputFileError(path, f"unknown cycler file type '{path.suffix}'", expected="a .csv export or a BioLogic .mpr file")
    if current_sign == -1:
        ds["current"] = -ds["current"]
        ds.attrs["current_sign_applied"] = "-1"
    _check_time(path, ds["time"].values, first_data_line=int(ds.attrs.pop("_first_data_line", 0)) or None)
    if check_sign:
        check_current_sign(ds, path=path)
    return ds


def check_current_sign(ds: xr.Dataset, *, path: str | Path = "data") -> None:
    """Refuse data whose current sign is opposite to the convention (positive = anodic).

    In every constant-current step of a battery the voltage moves with the
    current: up on charge (positive current), down on discharge. The check
    looks at each step whose voltage changes by more than 5 mV; if more of them
    move against the current than with it, the file counts current the other
    way round.
    """
    agree = disagree = 0
    for start, stop in _current_runs(ds):
        current = ds["current"].values[start:stop]
        voltage = ds["voltage"].values[start:stop]
        delta = voltage[-1] - voltage[0]
        if abs(delta) < _SIGN_MIN_DELTA_V:
            continue
        if np.sign(delta) == np.sign(np.median(current)):
            agree += 1
        else:
            disagree += 1
    if disagree > agree:
        raise InputFileError(path, f"the current sign is opposite to the expected convention: in {disagree} of "
                             f"{agree + disagree} current steps the voltage moves against the current",
                             field="current",
                             expected="positive current = anodic at the working electrode (charge raises the "
                                      "voltage); read the file with current_sign=-1")


def write_cycler_csv(target: str | Path, ds: xr.Dataset, *, header: dict[str, str], current_unit: str = "uA",
                     time_decimals: int = 1, current_decimals: int = 4, voltage_decimals: int = 5) -> Path:
    """Write a cycler Dataset as CSV with a ``# key = value`` header (atomically, fixed number formats)."""
    target = Path(target)
    factor = float(ureg.Quantity(1.0, "A").to(current_unit).magnitude)
    columns = ["time/s"]
    names = [n for n in ("cycle", "step", "step_type") if n in ds]
    columns += names + [f"current/{current_unit}", "voltage/V"]
    lines = [f"# {key} = {' '.join(str(value).split())}" for key, value in header.items()]
    lines.append(",".join(columns))
    time = ds["time"].values
    current = ds["current"].values * factor
    voltage = ds["voltage"].values
    extra = [ds[n].values for n in names]
    for i in range(time.size):
        fields = [f"{time[i]:.{time_decimals}f}"] + [str(col[i]) for col in extra]
        fields += [f"{current[i]:.{current_decimals}f}", f"{voltage[i]:.{voltage_decimals}f}"]
        lines.append(",".join(fields))
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return target


# --------------------------------------------------------------------------- CSV
def _canonical(name: str) -> str | None:
    key = " ".join(name.strip().lower().replace("_", " ").split())
    for canonical, aliases in _ALIASES.items():
        if key in {a.replace("_", " ") for a in aliases}:
            return canonical
    return None


def _read_csv(path: Path) -> xr.Dataset:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    attrs: dict[str, str] = {}
    header_index = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").partition("=")
            if sep:
                attrs[key.strip()] = value.strip()
            continue
        header_index = i
        break
    if header_index is None:
        raise InputFileError(path, "no column header line", expected="a line of column names such as "
                             "'time/s,current/uA,voltage/V'")
    raw_names = [c.strip() for c in lines[header_index].split(",")]
    columns: dict[str, tuple[int, str | None]] = {}
    for index, raw in enumerate(raw_names):
        match = _HEADER_SPLIT.match(raw)
        name = match.group("name") if match else raw
        unit = (match.group("unit1") or match.group("unit2")) if match else None
        canonical = _canonical(name)
        if canonical and canonical not in columns:
            columns[canonical] = (index, unit.strip() if unit else None)
    for required in ("time", "current", "voltage"):
        if required not in columns:
            raise InputFileError(path, f"column '{required}' is missing (found: {', '.join(raw_names)})",
                                 line=header_index + 1, field=required,
                                 expected="columns time, current and voltage with units, e.g. "
                                          "'time/s,current/uA,voltage/V'")
    factors = {}
    for name in ("time", "current", "voltage"):
        index, unit = columns[name]
        if not unit:
            raise InputFileError(path, "the column has no unit", line=header_index + 1, field=raw_names[index],
                                 expected=f"the unit after a slash, e.g. '{name}/{_CANONICAL_UNIT[name]}'")
        try:
            quantity = ureg.Quantity(1.0, unit)
        except Exception:
            raise InputFileError(path, f"unknown unit '{unit}'", line=header_index + 1, field=raw_names[index],
                                 expected=f"a unit of {name} such as {_CANONICAL_UNIT[name]}") from None
        if quantity.dimensionality != ureg.Quantity(1.0, _CANONICAL_UNIT[name]).dimensionality:
            raise InputFileError(path, f"unit '{unit}' is not a unit of {name}", line=header_index + 1,
                                 field=raw_names[index], expected=f"a unit of {name} such as {_CANONICAL_UNIT[name]}")
        factors[name] = float(quantity.to(_CANONICAL_UNIT[name]).magnitude)

    numeric = {name: [] for name in ("time", "current", "voltage", "cycle", "step") if name in columns}
    step_type = [] if "step_type" in columns else None
    first_data_line = header_index + 2
    for number, line in enumerate(lines[header_index + 1:], start=header_index + 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < len(raw_names):
            raise InputFileError(path, f"the row has {len(fields)} fields, the header {len(raw_names)}",
                                 line=number, expected=",".join(raw_names))
        for name, values in numeric.items():
            index = columns[name][0]
            values.append(_number(path, fields[index], number, raw_names[index], integer=name in ("cycle", "step")))
        if step_type is not None:
            step_type.append(fields[columns["step_type"][0]])
    if len(numeric["time"]) < 2:
        raise InputFileError(path, "fewer than two data rows", expected="a recorded test")
    ds = cycler_dataset(np.asarray(numeric["time"]) * factors["time"], np.asarray(numeric["current"]) * factors["current"],
                        np.asarray(numeric["voltage"]) * factors["voltage"],
                        cycle=numeric.get("cycle"), step=numeric.get("step"), step_type=step_type,
                        source_file=str(path), instrument="csv", **attrs)
    ds.attrs["_first_data_line"] = first_data_line
    return ds


def _number(path: Path, text: str, line: int, column: str, *, integer: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        if _HAS_LETTERS.search(text) and re.search(r"\d", text):
            raise InputFileError(path, f"mixed units: the value '{text}' carries its own unit", line=line,
                                 field=column, expected="plain numbers, with the column's unit given once in the header") from None
        raise InputFileError(path, f"'{text}' is not a number", line=line, field=column) from None
    if not np.isfinite(value):
        raise InputFileError(path, f"'{text}' is not a finite number", line=line, field=column)
    if integer and value != int(value):
        raise InputFileError(path, f"'{text}' is not a whole number", line=line, field=column)
    return value


def _check_time(path: Path, time: np.ndarray, *, first_data_line: int | None) -> None:
    steps = np.diff(time)
    if np.any(steps < 0):
        i = int(np.argmax(steps < 0)) + 1
        line = first_data_line + i if first_data_line else None
        raise InputFileError(path, f"time runs backwards ({time[i - 1]:g} s then {time[i]:g} s, record {i + 1})",
                             line=line, field="time", expected="non-decreasing time, as recorded")


# --------------------------------------------------------------------------- BioLogic .mpr
def _read_mpr(path: Path) -> xr.Dataset:
    from galvani import BioLogic

    try:
        mpr = BioLogic.MPRfile(str(path))
    except Exception as exc:  # galvani raises ValueError/NotImplementedError/struct errors on bad files
        raise InputFileError(path, f"could not be read as a BioLogic .mpr file ({type(exc).__name__}: {exc})",
                             expected="an EC-Lab .mpr file") from None
    data = mpr.data
    names = data.dtype.names
    needed = {"time": "time/s", "voltage": "Ewe/V"}
    for canonical, column in needed.items():
        if column not in names:
            raise InputFileError(path, f"column '{column}' is missing", field=column,
                                 expected="an EC-Lab file with time/s and Ewe/V")
    current_column = next((c for c in ("I/mA", "control/mA", "<I>/mA") if c in names), None)
    if current_column is None:
        raise InputFileError(path, "no current column", field="I/mA", expected="I/mA or <I>/mA")
    cycle_column = next((c for c in ("cycle number", "z cycle", "half cycle") if c in names), None)
    return cycler_dataset(data["time/s"], np.asarray(data[current_column], dtype=float) * 1e-3, data["Ewe/V"],
                          cycle=data[cycle_column] if cycle_column else None,
                          step=data["Ns"] if "Ns" in names else None,
                          source_file=str(path), instrument="biologic-mpr",
                          current_column=current_column, cycle_column=cycle_column or "none")


# --------------------------------------------------------------------------- helpers
def _current_runs(ds: xr.Dataset, *, min_records: int = 3) -> list[tuple[int, int]]:
    """Index ranges ``[start, stop)`` of consecutive records with current of one sign and a step number."""
    current = ds["current"].values
    sign = np.sign(np.where(np.abs(current) > 1e-12, current, 0.0))
    key = sign if "step" not in ds else sign * 1e6 + ds["step"].values
    if "cycle" in ds:
        key = key + 1e9 * ds["cycle"].values
    runs = []
    start = 0
    for i in range(1, current.size + 1):
        if i == current.size or key[i] != key[start]:
            if sign[start] != 0 and i - start >= min_records:
                runs.append((start, i))
            start = i
    return runs


def current_runs(ds: xr.Dataset, *, min_records: int = 3) -> list[tuple[int, int]]:
    """Public form of the run finder (used by the analysis)."""
    return _current_runs(ds, min_records=min_records)
