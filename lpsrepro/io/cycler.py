"""Galvanostatic cycler data: CSV exports, BioLogic ``.mpr``/``.mpt``, Neware ``.nda``/``.ndax`` → xarray.

The format is detected from the content (:func:`lpsrepro.io.safety.sniff_format`).
Instrument files are mapped to the Dataset below through an explicit table
of column names per format, :data:`COLUMN_MAP` — never by a substring guess
(BioLogic's ``z cycle`` and ``half cycle`` are *not* the cycle counter; only
``cycle number`` is). A file whose columns do not match its format's table
is refused, naming the columns found and those expected. Arbin ``.res``
(an MS Access database) is recognised and refused with the export that works.

==================  ==============  ==================  ==============  ==============  ======
format              time            current             voltage         cycle           step
==================  ==============  ==================  ==============  ==============  ======
BioLogic .mpr/.mpt  ``time/s``      ``I/mA``, ``<I>/mA``  ``Ewe/V``     ``cycle number``  ``Ns``
                                                                        (else ``half cycle``
                                                                        // 2 + 1)
Neware .nda/.ndax   ``Time`` (s,    ``Current(mA)``     ``Voltage`` (V) ``Cycle``       ``Step``
                    per step; summed
                    over steps)
CSV (lpsrepro)      see below
==================  ==============  ==================  ==============  ==============  ======

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

import json
import re
from pathlib import Path

import numpy as np
import xarray as xr

from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.fileio import atomic_path
from lpsrepro import units

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


def read_cycler(path: str | Path, *, current_sign: int = 1, check_sign: bool = True,
                max_bytes: int | None = None, timeout_s: float | None = None) -> xr.Dataset:
    """Read a cycler export (CSV with units in the header, BioLogic ``.mpr``/``.mpt``, Neware ``.nda``/``.ndax``).

    Parameters
    ----------
    path : path
        ``.csv`` / ``.txt`` (see the module docstring), BioLogic EC-Lab
        ``.mpr`` (binary, read with galvani) or ``.mpt`` (text export), Neware
        ``.nda``/``.ndax`` (read with NewareNDA). Detected from the content.
    current_sign : {1, -1}
        Multiply the current by this before use: ``-1`` for an export that
        counts cathodic current as positive.
    check_sign : bool
        Refuse data whose voltage moves against the current (see
        :func:`check_current_sign`).
    max_bytes : int, optional
        Size cap (default :data:`lpsrepro.io.safety.MAX_BYTES`).
    timeout_s : float, optional
        Time limit for galvani / NewareNDA (default 60 s).

    Raises
    ------
    InputFileError
        See the module docstring; the message names the file, the line and the column.
    """
    from lpsrepro.io import safety

    path = Path(path)
    if isinstance(current_sign, bool) or current_sign not in (1, -1):
        raise ParameterError("current_sign", current_sign, "1 or -1")
    what = "a cycler export (.csv, BioLogic .mpr/.mpt or Neware .nda/.ndax)"
    safety.check_file(path, what=what, kind="binary", max_bytes=max_bytes)
    fmt = safety.sniff_format(path)
    if fmt == "biologic-mpr":
        ds = _read_mpr(path, timeout_s)
    elif fmt in ("neware-nda", "neware-ndax"):
        ds = _read_neware(path, fmt, timeout_s)
    elif fmt == "biologic-mpt":
        ds = _read_mpt(path, max_bytes)
    elif fmt == "text":
        ds = _read_csv(path, max_bytes)
    else:
        raise safety.unsupported(path, fmt, technique="cycler data",
                                 export_hint="a BioLogic .mpr/.mpt, Neware .nda/.ndax, or a CSV with columns "
                                 "'time/s,current/mA,voltage/V' (for Arbin: export the test as CSV from MITS Pro)")
    for name in ("time", "current", "voltage"):
        values = ds[name].values
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InputFileError(path, f"{name} is not finite at record {bad[0] + 1} (after unit conversion)",
                                 field=name, expected=f"finite values in {_CANONICAL_UNIT[name]}")
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
    factor = float(units.registry().Quantity(1.0, "A").to(current_unit).magnitude)
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


def _read_csv(path: Path, max_bytes: int | None = None) -> xr.Dataset:
    from lpsrepro.io import safety

    text = safety.read_text(path, what="a cycler CSV export", max_bytes=max_bytes)
    lines = text.splitlines()
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
            quantity = units.registry().Quantity(1.0, unit)
        except Exception:
            raise InputFileError(path, f"unknown unit '{unit}'", line=header_index + 1, field=raw_names[index],
                                 expected=f"a unit of {name} such as {_CANONICAL_UNIT[name]}") from None
        if quantity.dimensionality != units.registry().Quantity(1.0, _CANONICAL_UNIT[name]).dimensionality:
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
    data_rows = [[f.strip() for f in line.split(",")] for line in lines[header_index + 1:]
                 if line.strip() and not line.lstrip().startswith("#")]
    if safety.last_row_cut(text, data_rows):
        raise InputFileError(path, "the file ends inside its last row: it was cut short", line=len(lines),
                             expected="the complete export")
    ds = cycler_dataset(np.asarray(numeric["time"]) * factors["time"], np.asarray(numeric["current"]) * factors["current"],
                        np.asarray(numeric["voltage"]) * factors["voltage"],
                        cycle=numeric.get("cycle"), step=numeric.get("step"), step_type=step_type,
                        source_file=str(path), instrument="csv", **attrs)
    ds.attrs["_first_data_line"] = first_data_line
    ds.attrs["source_format"] = "csv"
    return ds


def _number(path: Path, text: str, line: int, column: str, *, integer: bool) -> float:
    from lpsrepro.io.safety import is_number

    try:
        if not is_number(text):
            raise ValueError(text)
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


# --------------------------------------------------------------------------- instrument files
#: Column names per instrument format → Dataset variable. Each entry lists the accepted names in order of
#: preference; a name is matched exactly, never as a substring. ``None`` = optional and absent is fine.
COLUMN_MAP: dict[str, dict[str, tuple[str, ...]]] = {
    "biologic": {"time": ("time/s",), "current": ("I/mA", "<I>/mA"), "voltage": ("Ewe/V", "<Ewe>/V"),
                 "cycle": ("cycle number",), "step": ("Ns",)},
    "neware": {"time": ("Time",), "current": ("Current(mA)",), "voltage": ("Voltage",),
               "cycle": ("Cycle",), "step": ("Step",), "step_type": ("Status",)},
}
#: Unit of each mapped column (converted to s, A, V).
_COLUMN_FACTOR = {"I/mA": 1e-3, "<I>/mA": 1e-3, "Current(mA)": 1e-3}
_REQUIRED = ("time", "current", "voltage")


def _map_columns(path: Path, names: tuple[str, ...] | list[str], fmt: str) -> dict[str, str]:
    """The column used for each variable, from :data:`COLUMN_MAP`; refuse a layout that does not match."""
    table = COLUMN_MAP[fmt]
    chosen = {}
    for variable, candidates in table.items():
        column = next((c for c in candidates if c in names), None)
        if column is None and variable in _REQUIRED:
            raise InputFileError(path, f"no {variable} column; the file has: {', '.join(names)}", field=variable,
                                 expected=f"one of {', '.join(candidates)} (the {fmt} column names, "
                                          "see lpsrepro.io.cycler.COLUMN_MAP)")
        if column is not None:
            chosen[variable] = column
    return chosen


def _dataset_from_columns(path: Path, columns: dict[str, np.ndarray], chosen: dict[str, str], *, instrument: str,
                          time_s: np.ndarray | None = None) -> xr.Dataset:
    values = {v: np.asarray(columns[c]) for v, c in chosen.items()}
    for variable in ("time", "current", "voltage", "cycle", "step"):
        if variable in values:
            array = values[variable]
            if array.dtype.kind not in "fiu":
                raise InputFileError(path, f"column {chosen[variable]} holds {array.dtype} values", field=chosen[variable],
                                     expected="numbers")
            values[variable] = array.astype(float)
    current = values["current"] * _COLUMN_FACTOR.get(chosen["current"], 1.0)
    time = values["time"] if time_s is None else time_s
    for variable in ("cycle", "step"):
        if variable in values and not np.all(np.isfinite(values[variable]) & (values[variable] == np.round(values[variable]))):
            raise InputFileError(path, f"column {chosen[variable]} holds non-integers", field=chosen[variable],
                                 expected="whole numbers")
    if time.size < 2:
        raise InputFileError(path, "fewer than two records", expected="a recorded test")
    return cycler_dataset(time, current, values["voltage"], cycle=values.get("cycle"), step=values.get("step"),
                          step_type=values.get("step_type"), source_file=str(path), instrument=instrument,
                          column_map=json.dumps(chosen))


def _mpr_table(path: str) -> dict[str, np.ndarray]:
    """All columns of a BioLogic .mpr (runs in the child process; galvani)."""
    from galvani import BioLogic

    data = BioLogic.MPRfile(path).data
    return {name: np.asarray(data[name]) for name in (data.dtype.names or ())}


def _read_mpr(path: Path, timeout_s: float | None = None) -> xr.Dataset:
    from lpsrepro.io import safety

    columns = safety.run_with_timeout(_mpr_table, str(path), path=path, what="a BioLogic EC-Lab .mpr file",
                                      seconds=timeout_s)
    chosen = _map_columns(path, list(columns), "biologic")
    if "cycle" not in chosen and "half cycle" in columns and np.unique(columns["half cycle"]).size > 1:
        # EC-Lab's "half cycle" counts every charge/discharge switch from 0: two half cycles make one cycle.
        # ("z cycle" is the impedance-loop counter and is never used.)
        columns["cycle (half cycle // 2)"] = np.asarray(columns["half cycle"], dtype=int) // 2 + 1
        chosen["cycle"] = "cycle (half cycle // 2)"
    ds = _dataset_from_columns(path, columns, chosen, instrument="biologic-mpr")
    ds.attrs.update(current_column=chosen["current"], cycle_column=chosen.get("cycle", "none"),
                    source_format="biologic-mpr")
    return ds


def _read_mpt(path: Path, max_bytes: int | None = None) -> xr.Dataset:
    """BioLogic EC-Lab text export: ``Nb header lines : N``, then tab-separated columns (decimal comma allowed)."""
    from lpsrepro.io import safety

    text = safety.read_text(path, what="a BioLogic .mpt export", max_bytes=max_bytes)
    lines = text.splitlines()
    header_lines = None
    for line in lines[:5]:
        if line.lower().startswith("nb header lines"):
            value = line.split(":", 1)[-1].strip()
            header_lines = int(value) if value.isdigit() else None
    if header_lines is None or not 1 <= header_lines <= len(lines):
        raise InputFileError(path, "no valid 'Nb header lines : N' line", line=2, expected="an EC-Lab ASCII export")
    names = [n.strip() for n in lines[header_lines - 1].split("\t")]
    names = [n for n in names if n]
    chosen = _map_columns(path, names, "biologic")
    rows = []
    for number, line in enumerate(lines[header_lines:], start=header_lines + 1):
        if not line.strip():
            continue
        fields = [f.strip().replace(",", ".") for f in line.split("\t")]
        if len(fields) < len(names):
            raise InputFileError(path, f"the row has {len(fields)} fields, the header {len(names)}", line=number)
        for name in chosen.values():
            field = fields[names.index(name)]
            if not safety.is_number(field):
                raise InputFileError(path, f"'{field}' is not a finite number", line=number, field=name)
        rows.append(fields)
    if safety.last_row_cut(text, rows):
        raise InputFileError(path, "the file ends inside its last row: it was cut short", line=len(lines),
                             expected="the complete export")
    columns = {name: np.array([float(r[names.index(name)]) for r in rows]) for name in chosen.values()}
    ds = _dataset_from_columns(path, columns, chosen, instrument="biologic-mpt")
    ds.attrs.update(source_format="biologic-mpt", _first_data_line=header_lines + 1)
    return ds


def _neware_table(path: str) -> dict[str, np.ndarray]:
    """All columns of a Neware .nda/.ndax (runs in the child process; NewareNDA)."""
    import contextlib
    import io
    import logging

    import NewareNDA

    logging.getLogger("NewareNDA").setLevel(logging.ERROR)
    with contextlib.redirect_stdout(io.StringIO()):
        frame = NewareNDA.read(path)
    return {str(name): frame[name].to_numpy() for name in frame.columns if name != "Timestamp"}


def _read_neware(path: Path, fmt: str, timeout_s: float | None = None) -> xr.Dataset:
    from lpsrepro.io import safety

    columns = safety.run_with_timeout(_neware_table, str(path), path=path, what=f"a {safety.FORMAT_NAMES[fmt]} file",
                                      seconds=timeout_s)
    chosen = _map_columns(path, list(columns), "neware")
    step_time = np.asarray(columns[chosen["time"]], dtype=float)
    step = np.asarray(columns[chosen.get("step", chosen["time"])], dtype=float)
    total = step_time_to_test_time(step_time, step)
    ds = _dataset_from_columns(path, columns, chosen, instrument=fmt, time_s=total)
    ds.attrs["source_format"] = fmt
    return ds


def step_time_to_test_time(step_time_s: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Test time (s) from a step time that restarts at every step (Neware's ``Time`` column).

    Each step's clock starts where the previous step's ended, so the test
    time is the step time plus the durations of all earlier steps.
    """
    step_time_s, step = np.asarray(step_time_s, dtype=float), np.asarray(step)
    total = step_time_s.copy()
    offset = 0.0
    for i in range(1, step_time_s.size):
        if step[i] != step[i - 1] or step_time_s[i] < step_time_s[i - 1]:
            offset += step_time_s[i - 1]
        total[i] = step_time_s[i] + offset
    return total


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
