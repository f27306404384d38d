"""Checks for notebook parameters, run right after the ``parameters`` cell.

Each check returns the (converted) value or raises :class:`ParameterError`
naming the parameter and what it expects, so that a papermill run with a
mistyped value stops at once with one clear line.
"""

from __future__ import annotations

import math
from pathlib import Path

from lpsrepro import paths
from lpsrepro.errors import InputFileError, ParameterError


def positive(name: str, value, unit: str, example: float) -> float:
    """A finite number > 0, e.g. a thickness in nm."""
    number = _number(name, value, f"a positive number in {unit}, such as {example}")
    if not number > 0:
        raise ParameterError(name, value, f"a positive number in {unit}, such as {example}")
    return number


def in_range(name: str, value, low: float, high: float, unit: str, *,
             inclusive: bool = True) -> float:
    """A finite number within ``[low, high]`` (or the open interval)."""
    expected = f"a number in {unit} between {low} and {high}"
    number = _number(name, value, expected)
    ok = low <= number <= high if inclusive else low < number < high
    if not ok:
        raise ParameterError(name, value, expected)
    return number


def optional_positive(name: str, value, unit: str, example: float) -> float | None:
    """``None`` or a positive number."""
    return None if value is None else positive(name, value, unit, example)


def existing_file(name: str, value, *, base: Path | None = None) -> Path:
    """A path to an existing, non-empty file (relative paths from ``base`` or the cwd)."""
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ParameterError(name, value, "a path to a data file")
    path = paths.resolve(value, base=base)
    if not path.exists():
        raise InputFileError(path, f"file not found (parameter {name})",
                             expected="an existing file; relative paths start from the notebook's folder")
    if not path.is_file():
        raise InputFileError(path, f"is a folder, not a file (parameter {name})")
    if path.stat().st_size == 0:
        raise InputFileError(path, f"the file is empty (parameter {name})")
    return path


def _number(name: str, value, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(name, value, expected)
    if not math.isfinite(value):
        raise ParameterError(name, value, expected)
    return float(value)
