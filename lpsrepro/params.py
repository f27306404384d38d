"""Checks for notebook parameters, run right after the ``parameters`` cell.

Each check returns the (converted) value or raises :class:`ParameterError`
naming the parameter and what it expects, so that a papermill run with a
mistyped value stops at once with one clear line.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lpsrepro import paths
from lpsrepro.errors import InputFileError, LpsreproError, ParameterError
from lpsrepro.units import written_unit


def positive(name: str, value, unit: str | None = None, example: float = 1.0) -> float:
    """A finite number > 0, e.g. a thickness in nm.

    Parameters
    ----------
    name : str
        The parameter's name, as the user types it (``"thickness_nm"``).
    value
        The value to check.
    unit : str, optional
        The unit as the message writes it; default: the one the name states
        (:func:`lpsrepro.units.written_unit`, ``"nm"`` for ``thickness_nm``). Give it only for a
        name that states none (``"fit_start[0]"``).
    example : float
        A typical value, quoted in the message.
    """
    expected = f"a positive number in {_unit(name, unit)}, such as {example}"
    number = _number(name, value, expected)
    if not number > 0:
        raise ParameterError(name, value, expected)
    return number


def in_range(name: str, value, low: float, high: float, unit: str | None = None, *,
             inclusive: bool = True) -> float:
    """A finite number within ``[low, high]`` (or the open interval); ``unit`` as for :func:`positive`."""
    expected = f"a number in {_unit(name, unit)} between {low} and {high}"
    number = _number(name, value, expected)
    ok = low <= number <= high if inclusive else low < number < high
    if not ok:
        raise ParameterError(name, value, expected)
    return number


def optional_positive(name: str, value, unit: str | None = None, example: float = 1.0) -> float | None:
    """``None`` or a positive number (as :func:`positive`)."""
    return None if value is None else positive(name, value, unit, example)


def _unit(name: str, unit: str | None) -> str:
    """The unit a message writes: the one given, else the one the parameter's name states."""
    return unit if unit is not None else written_unit(name)


def existing_file(name: str, value, *, base: Path | None = None,
                  relative_to: str = "the notebook's folder") -> Path:
    """A path to an existing, non-empty regular file (relative paths from ``base`` or the cwd).

    ``relative_to`` names, in the user's words, where relative paths start (for the message).
    """
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ParameterError(name, _short(value), "a path to a data file")
    path = paths.resolve(value, base=base)
    if not path.exists():
        raise InputFileError(path, f"file not found (parameter {name})",
                             expected=f"an existing file; relative paths start from {relative_to}")
    if path.is_dir():
        raise InputFileError(path, f"is a folder, not a file (parameter {name})")
    if not path.is_file():
        raise InputFileError(path, f"is not a regular file (a device or a pipe; parameter {name})")
    if path.stat().st_size == 0:
        raise InputFileError(path, f"the file is empty (parameter {name})")
    return path


def _number(name: str, value, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(name, value, expected)
    if not math.isfinite(value):
        raise ParameterError(name, value, expected)
    return float(value)


# --------------------------------------------------------------------------- command-line parameters
# One declared type, unit and range per notebook parameter, checked before any notebook runs, so that no
# TypeError, OverflowError or ZeroDivisionError can reach a cell (whatever the user types after -p).

#: Bounds for numbers that have no declared range: far wider than any physical input of the compendium
#: (frequencies up to 1e12 Hz, solubilities down to 1e-12), narrow enough that no product or quotient of
#: two such numbers overflows or divides by a denormal.
MAX_MAGNITUDE = 1e12
MIN_MAGNITUDE = 1e-12
_ASSUMPTION = re.compile(r"\((?:assumption|ledger entry) ([A-Za-z0-9_.]+)\)")


@dataclass(frozen=True)
class ParameterSpec:
    """What a notebook parameter accepts: derived from its default and its comment.

    ``kind`` is the type of the default (``bool``, ``int``, ``float``, ``str``,
    ``file`` for names ending ``_file``, ``list``, ``dict`` or ``any`` for a
    ``None`` default). ``low``/``high`` come from the assumptions ledger's
    ``range`` when the comment says ``(assumption KEY)``, converted to the
    parameter's unit; otherwise numbers must be finite and of ordinary
    magnitude (:data:`MAX_MAGNITUDE`, :data:`MIN_MAGNITUDE`).
    """

    name: str
    kind: str
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    range_source: str = ""

    def describe(self) -> str:
        """The accepted values in words, e.g. ``a number from 0.5 to 6 (ledger range of ...)``."""
        words = {"bool": "True or False", "int": "a whole number", "float": "a number", "str": "a text",
                 "file": "a path to an existing file", "list": "a list such as " + _json(self.default),
                 "dict": "a mapping such as " + _json(self.default), "any": "a value"}[self.kind]
        if self.kind in ("int", "float") and self.low is not None:
            words += f" from {self.low:g} to {self.high:g} ({self.range_source})"
        elif self.kind in ("int", "float"):
            words += f" of magnitude at most {MAX_MAGNITUDE:g}"
        if self.kind == "file" and self.name.endswith("_files"):
            words = "a list of paths to existing files"
        return words + (f" — {self.help}" if self.help else "")


def _json(value) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def spec_of(name: str, default: Any, help_text: str = "", *, ledger_path: Path | None = None) -> ParameterSpec:
    """The :class:`ParameterSpec` of one notebook parameter (see papermill's ``inspect_notebook``)."""
    if name.endswith(("_file", "_files")):
        kind = "file"
    elif default is None:
        kind = "any"
    else:
        kind = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}.get(
            type(default), "any")
    low = high = None
    source = ""
    match = _ASSUMPTION.search(help_text or "")
    if match and kind in ("int", "float"):
        from lpsrepro import ledger

        try:
            entry = ledger.get(match.group(1), path=ledger_path)
        except LpsreproError:
            entry = None
        if entry is not None and entry.range is not None:
            factor = _unit_factor(default, entry.value)
            low, high = sorted((float(entry.range[0]) * factor, float(entry.range[1]) * factor))
            source = f"range of assumption {entry.key} in data/paper/assumptions.yaml"
    return ParameterSpec(name, kind, default, help_text or "", low, high, source)


def _unit_factor(default, ledger_value) -> float:
    """Factor from the ledger's unit to the parameter's: the power of ten between default and ledger value.

    A parameter documented as an assumption defaults to the ledger value, possibly in another
    decimal unit (mm vs m); anything but a power of ten means the same unit.
    """
    try:
        ratio = float(default) / float(ledger_value)
    except (TypeError, ValueError, ZeroDivisionError):
        return 1.0
    if ratio > 0 and math.isfinite(ratio):
        exponent = round(math.log10(ratio))
        if abs(ratio / 10.0 ** exponent - 1) < 1e-9:
            return 10.0 ** exponent
    return 1.0


def parse_text(text: str) -> Any:
    """Parse a ``-p`` value: number, True/False/None, a JSON or YAML list/mapping, else the text itself.

    ``'[1, 2]'``, ``'{"PS4": [422, 8]}'`` and ``'[a.xy, b.xy]'`` (YAML flow style) become a list or
    a mapping, as papermill's ``-y``; anything else is read as papermill's ``-p`` does.
    """
    for convert in (int, float):
        try:
            return convert(text)
        except (ValueError, OverflowError):
            pass
    named = {"True": True, "False": False, "None": None, "true": True, "false": False, "null": None}
    if text in named:
        return named[text]
    if text.strip().startswith(("[", "{")):
        try:
            return json.loads(text)
        except ValueError:
            pass
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ParameterError("value", text, f"a list or mapping in JSON or YAML ({str(exc).splitlines()[0]})") \
                from None
    return text


def load_parameter_file(path: str | Path) -> dict[str, Any]:
    """Read ``-f params.yaml``: a YAML (or JSON) mapping of parameter name → value."""
    import yaml

    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise InputFileError(path, "parameter file not found", expected="a YAML file of NAME: VALUE lines")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"is not valid YAML ({str(exc).splitlines()[0]})") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict) or not all(isinstance(k, str) for k in doc):
        raise InputFileError(path, "is not a mapping of parameter names to values",
                             expected="lines such as 'thickness_nm: 550'")
    return doc


def check_value(spec: ParameterSpec, value: Any, *, base: Path | None = None) -> Any:
    """Return ``value`` checked against ``spec`` (file paths made absolute from ``base``, default cwd).

    Raises :class:`ParameterError` (or :class:`InputFileError` for a file) naming the parameter,
    the value and what it accepts.
    """
    def refuse():
        raise ParameterError(spec.name, _short(value), spec.describe())

    if spec.kind == "file":
        if spec.name.endswith("_files"):
            if not isinstance(value, list) or not value:
                refuse()
            return [str(_existing_regular_file(spec.name, v, base)) for v in value]
        return str(_existing_regular_file(spec.name, value, base))
    if spec.kind == "any":
        return _check_any(spec, value)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            refuse()
        return value
    if spec.kind in ("int", "float"):
        return _check_number(spec, value, integer=spec.kind == "int")
    if spec.kind == "str":
        if not isinstance(value, str):
            refuse()
        return value
    if spec.kind == "list":
        if not isinstance(value, list) or not value:
            refuse()
        template = spec.default[0] if spec.default else None
        return [_check_like(spec, template, v) for v in value]
    if spec.kind == "dict":
        if not isinstance(value, dict) or not value:
            refuse()
        template = next(iter(spec.default.values())) if spec.default else None
        return {str(k): _check_like(spec, template, v) for k, v in value.items()}
    return value  # pragma: no cover


def _short(value) -> Any:
    text = repr(value)
    return value if len(text) <= 60 else text[:57] + "..."


def _check_number(spec: ParameterSpec, value, *, integer: bool):
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if not ok or isinstance(value, bool):
        raise ParameterError(spec.name, _short(value), spec.describe())
    try:
        number = float(value)
    except OverflowError:
        raise ParameterError(spec.name, _short(value), spec.describe()) from None
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE or 0 < abs(number) < MIN_MAGNITUDE:
        raise ParameterError(spec.name, _short(value), spec.describe())
    if spec.low is not None and not spec.low <= number <= spec.high:
        raise ParameterError(spec.name, _short(value), spec.describe())
    return value if integer else float(value) if isinstance(value, float) else value


def _check_like(spec: ParameterSpec, template, value):
    """Check one element of a list/dict parameter against the default's first element."""
    inner = ParameterSpec(spec.name, "any", None)
    if isinstance(template, bool):
        inner = ParameterSpec(spec.name, "bool", template)
    elif isinstance(template, int):
        inner = ParameterSpec(spec.name, "int", template)
    elif isinstance(template, float):
        inner = ParameterSpec(spec.name, "float", template)
    elif isinstance(template, str):
        inner = ParameterSpec(spec.name, "str", template)
    elif isinstance(template, list):
        inner = ParameterSpec(spec.name, "list", template)
    try:
        return check_value(inner, value)
    except ParameterError:
        raise ParameterError(spec.name, _short(value), "elements like those of " + spec.describe()) from None


def _check_any(spec: ParameterSpec, value):
    """A ``None``-default parameter: None, a text, or a finite number of ordinary magnitude."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float)):
        return _check_number(ParameterSpec(spec.name, "float", None, spec.help), value, integer=False)
    if isinstance(value, list):
        return [_check_any(spec, v) for v in value]
    if isinstance(value, dict):
        return {str(k): _check_any(spec, v) for k, v in value.items()}
    raise ParameterError(spec.name, _short(value), "None, a text or a number" + (f" — {spec.help}" if spec.help else ""))


def _existing_regular_file(name: str, value, base: Path | None) -> Path:
    return existing_file(name, value, base=base, relative_to="the folder you run lpsrepro in")
