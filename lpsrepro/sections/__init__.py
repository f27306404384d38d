"""The paper-section layer: one module per paper section, between the technique code and the notebooks.

Technique code (``models/``, ``io/``, ``analysis/``) knows physics and file formats but nothing of
this paper's sections; a notebook knows the paper's story but holds no logic. A section module
composes the technique functions into what one paper section measures, and is the one place where
entries of the assumptions ledger become model inputs.

Contract of every section module ``lpsrepro.sections.<name>`` (``<name>`` matches the notebook,
e.g. ``membrane`` for ``notebooks/32_membrane.ipynb``):

``Params``
    A frozen dataclass (subclass of :class:`SectionParams`) of plain values only: numbers in the
    unit named by the field (``thickness_nm``), strings, file paths as ``str``, tuples. Its
    docstring documents every field with its unit and, where it comes from the ledger, the ledger
    key. ``Params.from_ledger()`` builds the defaults (bundled data files, ledger values);
    ``params.replace(**overrides)`` returns a validated copy with a notebook's or sweep's values.
    The class attribute ``LEDGER: dict[str, str]`` maps each field whose default comes from the
    assumptions ledger to its ledger key (e.g. ``{"electrode_diameter_mm":
    "membrane.electrode_diameter"}``): a parameter sweep takes the field's range from there.
    A field's unit is the one its name states, read by the one function
    :func:`lpsrepro.units.field_unit` (``from_ledger`` converts each ledger value to it, the sweep
    varies the field in it); a ``LEDGER`` field whose name states no unit (nor a pure number) is
    refused when the module is imported.
    The class attribute ``FILES_OF: dict[str, tuple]`` maps each claim id the section records to
    the file parameters its number is computed from (the fields, which are also the notebook's
    parameters): ``"name"`` (every file of that parameter), ``"name[i]"`` (the i-th file of a list
    parameter, ``[-1]`` the last), or a tuple of names, of which the first whose value is not None is
    used (``("thickness_nm", "cross_section_file")``: a thickness given as a number replaces the image
    it is otherwise measured from). An empty tuple: computed from no data file. A variant build on the
    user's files reads it to say, per claim, "your data" or "bundled stand-in"
    (:mod:`lpsrepro.provenance`).
``run(params) -> Result``
    Pure: it reads the data files named in ``params`` and nothing else (no ledger reads inside,
    no writing, no global state, no display), so that a notebook, a widget and a parameter sweep on
    dask.distributed call the same function. ``params`` and the result are picklable.
``Result``
    A frozen dataclass holding what the section's panels draw and what its notebook records.
    ``result.numbers()`` returns ``{claim_id: Number}``: every number the section records, which
    the notebook passes to :func:`lpsrepro.claims.record` and a sweep collects into a Dataset.
    A section that also *predicts* published numbers from literature inputs (not from the
    stand-ins) returns them from ``result.predictions()`` in the same form; they are recorded
    with ``kind="independent_prediction"`` and counted apart in the report.

``prepare(params) -> Prepared`` and ``Params.PREPARED_FROM`` (optional: the fast path of ``run``)
    A section whose ``run`` spends its time reading and fitting measurements (seconds to minutes)
    splits that part off: ``prepare`` does the work that depends only on the fields named in the
    class attribute ``Params.PREPARED_FROM: frozenset[str]`` (data files, analysis settings, and any
    ledger field the fits themselves use), and returns a picklable object; ``run(params,
    prepared=...)`` then skips that work. The contract, tested for every section: ``run(p,
    prepared=prepare(p)) == run(p)``, and for ``q = p.replace(**changes)`` where no changed field is
    in ``PREPARED_FROM``, ``run(q, prepared=prepare(p)) == run(q)``. A parameter sweep calls
    ``prepare`` once per distinct combination of ``PREPARED_FROM`` values and ``run(q, prepared=…)``
    for every point; a widget does the same. A section without ``prepare`` is run whole per point.

A notebook then reads: parameters cell → ``params = Params.from_ledger().replace(...)`` →
``result = run(params)`` → one plot call per panel → ``record`` each of ``result.numbers()``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Number:
    """One number a section measures, with what the claims report needs to judge it.

    ``value`` and ``uncertainty`` (one standard uncertainty) are in ``unit`` (pint-parsable).
    ``failed_quality`` is empty when the measurement passed its analysis's quality gate, and
    otherwise says why not (the number is then shown but never compared with the paper).
    ``quality`` holds the figures the gate looked at (e.g. ``{"rwp_percent": 8.1}``).
    """

    value: float
    unit: str
    uncertainty: float | None = None
    note: str = ""
    failed_quality: str = ""
    quality: tuple[tuple[str, float], ...] = ()

    def record_kwargs(self) -> dict:
        """Keyword arguments for :func:`lpsrepro.claims.record` (after the claim id)."""
        return {"value": self.value, "unit": self.unit, "uncertainty": self.uncertainty,
                "note": self.note, "failed_quality": self.failed_quality or None,
                "quality": dict(self.quality) or None}


def module_stem(notebook: str) -> str:
    """The section module's name for a notebook: ``"notebooks/31b_reaction_kinetics.ipynb"`` →
    ``"reaction_kinetics"`` (the notebook's stem without its paper-section number)."""
    from pathlib import Path

    return re.sub(r"^\d+[a-z]?_", "", Path(str(notebook)).stem)


#: One entry of ``Params.FILES_OF``: a parameter name, or one file of a list parameter (``dual_xrd_files[0]``).
FILE_ENTRY = re.compile(r"^([A-Za-z_]\w*)(?:\[(-?\d+)\])?$")


class SectionParams:
    """Mixin for the ``Params`` dataclass of a section: a checked ``replace``, and declarations
    checked when the section is imported (``LEDGER`` fields state their unit, ``FILES_OF`` names fields)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        from lpsrepro.errors import ParameterError
        from lpsrepro.units import field_unit

        fields = set(getattr(cls, "__annotations__", {}))
        for name in getattr(cls, "LEDGER", {}) or {}:
            try:
                field_unit(name)
            except ParameterError as exc:   # a programming slip, not a user's: said at import
                raise TypeError(f"{cls.__module__}.Params.LEDGER: field {name!r} states no unit in its name "
                                f"({exc})") from None
        for claim_id, entries in (getattr(cls, "FILES_OF", {}) or {}).items():
            if not isinstance(entries, tuple):
                raise TypeError(f"{cls.__module__}.Params.FILES_OF[{claim_id!r}] must be a tuple of parameter "
                                f"names, not {entries!r}")
            for entry in entries:
                for name in entry if isinstance(entry, tuple) else (entry,):
                    match = FILE_ENTRY.match(name) if isinstance(name, str) else None
                    if not match or match.group(1) not in fields:
                        raise TypeError(f"{cls.__module__}.Params.FILES_OF[{claim_id!r}]: {name!r} is not a field "
                                        "of Params (a name, or name[index] of a list parameter)")

    def replace(self, **overrides):
        """A copy with ``overrides`` applied; an unknown name is refused with the known ones."""
        from lpsrepro.errors import ParameterError

        names = [f.name for f in dataclasses.fields(self)]
        for name in overrides:
            if name not in names:
                raise ParameterError(name, overrides[name], "one of the section's parameters: "
                                     + ", ".join(names))
        return dataclasses.replace(self, **overrides)


def record_all(result) -> None:
    """Record every number of a section result in the claims report.

    ``result.numbers()`` are recorded as reproductions; ``result.predictions()``, where the
    section has them, as independent predictions.
    """
    from lpsrepro import claims

    for claim_id, number in result.numbers().items():
        claims.record(claim_id, **number.record_kwargs())
    predictions = getattr(result, "predictions", None)
    for claim_id, number in (predictions() if predictions else {}).items():
        claims.record(claim_id, **number.record_kwargs(), kind="independent_prediction")
