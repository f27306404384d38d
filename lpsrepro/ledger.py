"""The assumptions ledger: every model input that the paper does not state.

``data/paper/assumptions.yaml`` lists, for each assumption, its value, unit,
source or justification and the claims it affects. Forward models and
notebooks read their defaults from here; widgets vary them.

Examples
--------
>>> from lpsrepro import ledger
>>> ledger.value("membrane.electrode_diameter", "mm")
2.0
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from lpsrepro import paths
from lpsrepro.errors import InputFileError
from lpsrepro.registry import loader as registry_loader
from lpsrepro.registry import lookup
from lpsrepro.units import convert, parse_unit

_REQUIRED = ("value", "unit", "justification", "affects")


@dataclass(frozen=True)
class Assumption:
    """One entry of the ledger."""

    key: str
    value: float | str
    unit: str
    justification: str
    affects: tuple[str, ...]
    source: str = ""
    range: tuple[float, float] | None = None
    notes: str = field(default="", compare=False)

    def to(self, unit: str) -> float:
        """The value converted to ``unit`` (a pint-parsable string)."""
        return convert(float(self.value), self.unit, unit, what=self.key)


@registry_loader("the assumptions ledger", "assumptions", dict)
def _load(path: Path, entries: dict) -> dict[str, Assumption]:
    ledger = {}
    for key, entry in entries.items():
        missing = [name for name in _REQUIRED if name not in (entry or {})]
        if missing:
            raise InputFileError(path, "entry is incomplete", field=f"{key}.{missing[0]}",
                                 expected="value, unit, justification and affects")
        parse_unit(entry["unit"], what=f"{key}.unit")
        rng = entry.get("range")
        ledger[key] = Assumption(
            key=key, value=entry["value"], unit=entry["unit"],
            justification=" ".join(str(entry["justification"]).split()),
            affects=tuple(entry["affects"]), source=str(entry.get("source", "")),
            range=tuple(rng) if rng else None, notes=str(entry.get("notes", "")))
    return ledger


def entries(prefix: str = "", *, path: Path | None = None) -> list[Assumption]:
    """All assumptions whose key starts with ``prefix`` (e.g. ``"membrane."``)."""
    return [a for k, a in _load(path or paths.ASSUMPTIONS).items() if k.startswith(prefix)]


def get(key: str, *, path: Path | None = None) -> Assumption:
    """One assumption by key.

    The keys are the code's (sections' ``LEDGER`` mappings, generators): an unknown key is a
    bug of the caller and raises :class:`lpsrepro.registry.ProgrammingError` listing the known keys.
    """
    return lookup(_load(path or paths.ASSUMPTIONS), key, "assumption", "data/paper/assumptions.yaml")


def value(key: str, unit: str, *, path: Path | None = None) -> float:
    """The value of assumption ``key`` expressed in ``unit``."""
    return get(key, path=path).to(unit)


def table(prefix: str = "") -> str:
    """A plain-text table of the assumptions under ``prefix``, for notebooks."""
    rows = [(a.key, f"{a.value} {a.unit}", a.source or "assumption") for a in entries(prefix)]
    width = [max(len(r[i]) for r in rows) for i in range(2)] if rows else [0, 0]
    return "\n".join(f"{k:<{width[0]}}  {v:<{width[1]}}  {s}" for k, v, s in rows)


def digest(*, path: Path | None = None) -> str:
    """SHA-256 of the ledger file's bytes: identifies the assumptions a result was computed with."""
    return hashlib.sha256(Path(path or paths.ASSUMPTIONS).read_bytes()).hexdigest()
