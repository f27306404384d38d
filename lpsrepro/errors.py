"""Errors that a user can fix, with messages that say how.

Every error raised for bad input derives from :class:`LpsreproError`. The
command line and the build print such errors as one clear message instead
of a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class LpsreproError(Exception):
    """Base class of the errors caused by input (files, parameters, units)."""


class ParameterError(LpsreproError, ValueError):
    """A notebook or function parameter has a value it cannot take.

    Parameters
    ----------
    name : str
        The parameter's name as the user typed it (e.g. ``thickness_nm``).
    value : object
        The offending value.
    expected : str
        What would have been accepted, in words (e.g. ``"a positive film
        thickness in nm, such as 550"``).
    """

    def __init__(self, name: str, value: object, expected: str):
        self.name, self.value, self.expected = name, value, expected
        super().__init__(f"parameter {name} = {value!r} is not valid: expected {expected}.")


class InputFileError(LpsreproError, ValueError):
    """A data file is missing, empty or malformed.

    The message names the file and, where it applies, the line (1-based) or
    the field, and what was expected there.
    """

    def __init__(self, path: str | Path, problem: str, *, line: int | None = None,
                 field: str | None = None, expected: str | None = None):
        self.path, self.problem, self.line, self.field, self.expected = (
            Path(path), problem, line, field, expected)
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field '{field}'"
        message = f"{where}: {problem}"
        if expected:
            message += f" (expected {expected})"
        super().__init__(message)
