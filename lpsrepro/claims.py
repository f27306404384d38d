"""Published numbers, reproduced numbers, and their comparison.

The registry ``data/paper/claims.yaml`` lists every number of the paper's
results: its value *as printed* (a string, so that the reported precision is
kept), unit, relation and place in the paper. It is the only place where
published values enter the compendium, and this module is the only reader
that compares them with reproduced numbers.

Notebooks call :func:`record`. It prints one deterministic line (checked by
nbval) and attaches a machine-readable copy of the record to the cell output
under the MIME type :data:`CLAIM_MIMETYPE`. The build collects these records
from the executed notebooks (:func:`records_from_notebook`); no side files and
no extra library are needed, and a notebook run by hand in JupyterLab carries
its records in the same way. (scrapbook does the same with ``glue`` but is
unmaintained since 2022.)

Tolerance rule
--------------
By default a published value is matched to half a unit of its last reported
digit (``"6.7e-5"`` → ±0.05e-5, ``"5"`` → ±0.5). A claim may instead give an
explicit ``rtol`` with a written ``reason`` (e.g. a value the paper states as
"about"). Inequalities (``<``, ``<=``, ``>``, ``>=``) hold when the reproduced
value satisfies them within the same tolerance; ``range`` claims hold when the
value lies in ``[low, high]`` widened by it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lpsrepro import paths
from lpsrepro.errors import InputFileError, LpsreproError, ParameterError
from lpsrepro.registry import ProgrammingError, lookup, require_known
from lpsrepro.registry import loader as registry_loader
from lpsrepro.units import convert, parse_unit

CLAIM_MIMETYPE = "application/vnd.lpsrepro.claim+json"
RELATIONS = ("=", "~", "<", "<=", ">", ">=", "range")
STATUSES = ("reproduced", "deviates", "failed_quality", "not_attempted")
#: What a record is. A *reproduction* is the paper's analysis run on data (the bundled stand-ins
#: or the user's files); an *independent prediction* is a number computed from cited literature
#: inputs, with nothing tuned to the paper: only the latter is evidence for the paper's claim.
KINDS = ("reproduction", "independent_prediction")
#: Significant digits kept for reproduced values and uncertainties: enough for any
#: comparison with the paper, few enough to be identical across machines.
VALUE_DIGITS, UNCERTAINTY_DIGITS = 4, 2


@dataclass(frozen=True)
class PublishedClaim:
    """One published number, as the registry states it."""

    id: str
    source: str
    statement: str
    notebook: str
    unit: str
    relation: str
    value: str | None = None          # as printed, e.g. "6.7e-5"
    low: str | None = None            # for relation "range"
    high: str | None = None
    rtol: float | None = None
    tolerance_reason: str = ""
    note: str = ""
    explicit_atol: float | None = None   # an absolute tolerance with a written reason (registry unit)

    @property
    def atol(self) -> float:
        """The explicit absolute tolerance, or half a unit of the last reported digit of the printed value(s)."""
        if self.explicit_atol is not None:
            return self.explicit_atol
        printed = [s for s in (self.value, self.low, self.high) if s is not None]
        return max(_half_unit_of_last_digit(s) for s in printed)

    def tolerance(self) -> dict[str, Any]:
        if self.rtol is not None:
            return {"rtol": self.rtol, "rule": self.tolerance_reason}
        if self.explicit_atol is not None:
            return {"atol": self.explicit_atol, "rule": self.tolerance_reason}
        return {"atol": _round_sig(self.atol, 3),
                "rule": "half a unit of the last reported digit"}

    def allowed_deviation(self, reference: float) -> float:
        return abs(reference) * self.rtol if self.rtol is not None else self.atol


def _is_printed_number(printed: str) -> bool:
    """Whether ``printed`` is a finite number as a paper prints it ("0.10", "6.7e-5")."""
    try:
        return Decimal(printed).is_finite()
    except (InvalidOperation, TypeError):
        return False


def _half_unit_of_last_digit(printed: str) -> float:
    # the registry's loader refused every value that is not a printed number (InputFileError naming the field)
    if not _is_printed_number(printed):
        raise ProgrammingError(f"published value {printed!r} is not a printed number; the loader should have refused it")
    return 0.5 * 10.0 ** int(Decimal(printed).as_tuple().exponent)


def _round_sig(x: float | None, digits: int) -> float | None:
    if x is None or x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{digits}g}")


# --------------------------------------------------------------------------- registry
@registry_loader("the claims registry", "claims", list, required=False)
def _load_registry(path: Path, entries: list) -> dict[str, PublishedClaim]:
    registry: dict[str, PublishedClaim] = {}
    for i, entry in enumerate(entries):
        cid = entry.get("id", f"#{i}")
        published = entry.get("published") or {}
        relation = published.get("relation", "=")
        if relation not in RELATIONS:
            raise InputFileError(path, "unknown relation", field=f"{cid}.published.relation",
                                 expected=" ".join(RELATIONS))
        parse_unit(published.get("unit", ""), what=f"{cid}.published.unit")
        for key in ("value", "low", "high"):
            if key in published and not isinstance(published[key], str):
                raise InputFileError(path, "published numbers must be quoted strings, to keep the "
                                     "printed precision", field=f"{cid}.published.{key}")
            if key in published and not _is_printed_number(published[key]):
                raise InputFileError(path, "not a number as printed in the paper (digits, a point, an "
                                     "exponent: \"6.7e-5\")", field=f"{cid}.published.{key}")
        if relation == "range" and not ("low" in published and "high" in published):
            raise InputFileError(path, "a range needs low and high", field=f"{cid}.published")
        tol = entry.get("tolerance") or {}
        if ("rtol" in tol or "atol" in tol) and not tol.get("reason"):
            raise InputFileError(path, "an explicit tolerance needs a written reason",
                                 field=f"{cid}.tolerance.reason")
        if "rtol" in tol and "atol" in tol:
            raise InputFileError(path, "give either rtol or atol, not both", field=f"{cid}.tolerance")
        atol = tol.get("atol")
        if atol is not None and not (isinstance(atol, (int, float)) and not isinstance(atol, bool)
                                     and math.isfinite(atol) and atol > 0):
            raise InputFileError(path, "must be a positive number in the claim's unit",
                                 field=f"{cid}.tolerance.atol")
        if cid in registry:
            raise InputFileError(path, "duplicate claim id", field=cid)
        registry[cid] = PublishedClaim(
            id=cid, source=entry["source"], statement=" ".join(entry["statement"].split()),
            notebook=entry["notebook"], unit=published["unit"], relation=relation,
            value=published.get("value"), low=published.get("low"), high=published.get("high"),
            rtol=tol.get("rtol"), tolerance_reason=" ".join(str(tol.get("reason", "")).split()),
            note=" ".join(str(entry.get("note", "")).split()),
            explicit_atol=float(atol) if atol is not None else None)
    return registry


def registry(path: Path | None = None) -> dict[str, PublishedClaim]:
    """All published claims, keyed by id, in the order of the registry."""
    return dict(_load_registry(path or paths.CLAIMS_REGISTRY))


# --------------------------------------------------------------------------- recording
def record(claim_id: str, value: float, unit: str, uncertainty: float | None = None,
           *, note: str = "", failed_quality: str | None = None,
           quality: dict[str, float] | None = None, kind: str = "reproduction",
           registry_path: Path | None = None) -> None:
    """Record a reproduced number from a notebook.

    Parameters
    ----------
    claim_id : str
        Id of the claim in ``data/paper/claims.yaml``.
    value : float
        The reproduced number, in ``unit``.
    unit : str
        pint-parsable unit of ``value``; converted to the registry's unit (a
        unit of another dimension is refused: that is a unit slip).
    uncertainty : float, optional
        One standard uncertainty of ``value``, in ``unit``.
    note : str, optional
        One short sentence on how the number was obtained.
    failed_quality : str, optional
        Why the measurement did not pass its analysis's quality gate (e.g.
        "Rwp 33 % > 15 %: the reference phases do not explain the pattern").
        Such a record is never compared with the paper: its status is
        ``failed_quality`` with this reason.
    quality : dict, optional
        The quality figures of the measurement (name → number, e.g.
        ``{"rwp_percent": 8.1}``), carried into ``claims.json``.
    kind : {"reproduction", "independent_prediction"}
        ``"reproduction"`` (default): the paper's analysis applied to data.
        ``"independent_prediction"``: the number is predicted from cited
        literature inputs (say which in ``note``), nothing of it tuned to the
        paper — e.g. an alloy-layer thickness from the phases' crystal
        volumes. One claim may have one record of each kind; ``claims.json``
        carries the prediction beside the reproduction and compares each with
        the paper separately, and the summary counts predictions apart.

    The record (see :func:`make_record`) is displayed as one text line plus
    its machine-readable copy; nothing is returned, so that a notebook cell
    ending with ``record(...)`` shows the line only once.
    """
    _show(make_record(claim_id, value, unit, uncertainty, note=note, failed_quality=failed_quality,
                      quality=quality, kind=kind, registry_path=registry_path))


def make_record(claim_id: str, value: float, unit: str, uncertainty: float | None = None,
                *, note: str = "", failed_quality: str | None = None,
                quality: dict[str, float] | None = None, kind: str = "reproduction",
                registry_path: Path | None = None) -> dict[str, Any]:
    """Validate and normalise a record (unit converted, digits rounded); see :func:`record`.

    A reproduction's record has no ``kind`` key (records written before kinds existed read the
    same); an independent prediction's has ``"kind": "independent_prediction"``.
    """
    # an unknown id or kind is the calling notebook's bug, not the user's input
    claim = lookup(registry(registry_path), claim_id, "claim_id", "data/paper/claims.yaml")
    if kind not in KINDS:
        raise ProgrammingError(f"{claim_id} kind {kind!r} is not one of " + ", ".join(KINDS))
    tag = {} if kind == "reproduction" else {"kind": kind}
    value = float(value)
    if failed_quality:
        # A measurement that failed its gate may have no meaningful value at all (nan).
        return {"id": claim_id, **tag,
                "value": _round_sig(value, VALUE_DIGITS) if math.isfinite(value) else None,
                "unit": claim.unit, "uncertainty": None, "note": note,
                "failed_quality": " ".join(str(failed_quality).split()),
                "quality": {k: _round_sig(float(v), 3) for k, v in (quality or {}).items()}}
    if not math.isfinite(value):
        raise ParameterError(claim_id, value, "a finite number")
    converted = convert(value, unit, claim.unit, what=claim_id)
    unc = None
    if uncertainty is not None:
        if not uncertainty >= 0:
            raise ParameterError(f"{claim_id} uncertainty", uncertainty, "a non-negative number")
        unc = abs(convert(uncertainty, unit, claim.unit, what=claim_id) - convert(0.0, unit, claim.unit))
    rec = {"id": claim_id, **tag, "value": _round_sig(converted, VALUE_DIGITS), "unit": claim.unit,
           "uncertainty": _round_sig(unc, UNCERTAINTY_DIGITS), "note": note}
    if quality:
        rec["quality"] = {k: _round_sig(float(v), 3) for k, v in quality.items()}
    return rec


def format_record(rec: dict[str, Any]) -> str:
    """The deterministic one-line text of a record."""
    what = "prediction" if rec.get("kind") == "independent_prediction" else "claim"
    if rec.get("failed_quality"):
        return f"{what} {rec['id']} not recorded (failed quality gate): {rec['failed_quality']}"
    text = f"{what} {rec['id']} = {rec['value']:.{VALUE_DIGITS}g}"
    if rec.get("uncertainty") is not None:
        text += f" ± {rec['uncertainty']:.{UNCERTAINTY_DIGITS}g}"
    return text + f" {rec['unit']}"


def _show(rec: dict[str, Any]) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": format_record(rec), CLAIM_MIMETYPE: rec}, raw=True)
    else:
        print(format_record(rec))


def records_from_notebook(nb) -> list[dict[str, Any]]:
    """All claim records displayed by an executed notebook (an nbformat node)."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if CLAIM_MIMETYPE in data:
                found.append(dict(data[CLAIM_MIMETYPE]))
    return found


# --------------------------------------------------------------------------- comparison
def compare(claim: PublishedClaim, rec: dict[str, Any] | None) -> dict[str, Any]:
    """Compare one record with its published claim.

    Returns the claim's entry of ``figures/claims.json`` (see DESIGN.md).
    """
    published: dict[str, Any] = {"unit": claim.unit, "relation": claim.relation}
    if claim.value is not None:
        published["value"] = float(claim.value)
    if claim.relation == "range":
        published["low"], published["high"] = float(claim.low), float(claim.high)
    entry: dict[str, Any] = {
        "id": claim.id, "source": claim.source, "statement": claim.statement,
        "notebook": claim.notebook, "published": published, "reproduced": None,
        "tolerance": claim.tolerance(), "status": "not_attempted", "deviation": None}
    if claim.note:
        entry["note"] = claim.note
    if rec is None:
        return entry
    if rec.get("failed_quality"):
        entry["status"] = "failed_quality"
        entry["failed_quality"] = rec["failed_quality"]
        entry["quality"] = rec.get("quality", {})
        return entry
    value = rec["value"]
    if rec.get("quality"):
        entry["quality"] = rec["quality"]
    entry["reproduced"] = {"value": value, "unit": rec["unit"], "uncertainty": rec.get("uncertainty")}
    if rec.get("note"):
        entry["method"] = rec["note"]
    entry["status"] = "reproduced" if _holds(claim, value) else "deviates"
    if claim.relation in ("=", "~") and float(claim.value) != 0:  # a ratio means nothing for bounds
        entry["deviation"] = _round_sig((value - float(claim.value)) / float(claim.value), 3)
    return entry


def _holds(claim: PublishedClaim, value: float) -> bool:
    rel = claim.relation
    if rel == "range":
        slack = claim.allowed_deviation(max(abs(float(claim.low)), abs(float(claim.high))))
        return float(claim.low) - slack <= value <= float(claim.high) + slack
    ref = float(claim.value)
    slack = claim.allowed_deviation(ref)
    if rel in ("=", "~"):
        return abs(value - ref) <= slack * (1 + 1e-9)
    if rel in ("<", "<="):
        return value <= ref + slack
    if rel in (">", ">="):
        return value >= ref - slack if rel == ">=" else value > ref - slack
    raise AssertionError(rel)  # registry loading has checked the relation


def _prediction_entry(claim: PublishedClaim, rec: dict[str, Any]) -> dict[str, Any]:
    """The ``independent_prediction`` block of a claim: the prediction compared with the paper."""
    compared = compare(claim, rec)
    block: dict[str, Any] = {"status": compared["status"]}
    for key in ("reproduced", "deviation", "method", "failed_quality", "quality"):
        if compared.get(key) is not None:
            block["predicted" if key == "reproduced" else key] = compared[key]
    return block


def declared_targets() -> dict[str, dict[str, str]]:
    """What the stand-in generators declare: ``{"calibrated": {...}, "implied": {...}}``.

    Every module of :mod:`lpsrepro.simulate` may declare two mappings of claim id → how:

    ``CALIBRATION_TARGETS``
        published numbers that the stand-in data were made to match (a model input chosen or fitted so
        that the data give that number);
    ``IMPLIED_TARGETS``
        published numbers that follow *by construction* from calibrated ones (a ratio of two
        calibrated conductivities, a phase left over by mass balance from a calibrated rate): not
        targets themselves, but no more independent of the paper than they are.

    A claim declared both ways is an error (it is one or the other). Pass the result to
    :func:`claims_document` as keywords: ``claims_document(records, **declared_targets())``.
    """
    import importlib
    import pkgutil

    import lpsrepro.simulate as simulate   # here, not at the top: the generators import claims (a cycle)

    calibrated: dict[str, str] = {}
    implied: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(simulate.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{simulate.__name__}.{info.name}")
        calibrated.update(getattr(module, "CALIBRATION_TARGETS", {}))
        implied.update(getattr(module, "IMPLIED_TARGETS", {}))
    return {"calibrated": calibrated, "implied": implied}


def claims_document(records: list[dict[str, Any]], *, calibrated: dict[str, str] | None = None,
                    implied: dict[str, str] | None = None, inputs: list[dict[str, Any]] | None = None,
                    sensitivity: dict[str, Any] | None = None, registry_path: Path | None = None) -> dict:
    """Build ``figures/claims.json`` from the collected records.

    Every published claim appears exactly once, in registry order; claims
    without a record are ``not_attempted``. A record for an unknown id, or two
    records of one id *and kind*, is an error (a notebook bug, not something to
    hide). An independent prediction (``kind="independent_prediction"``)
    appears in its claim's entry as ``"independent_prediction": {"predicted":
    {...}, "status": ..., "deviation": ...}``, compared with the paper apart
    from the reproduction.

    ``calibrated`` maps claim ids to how the stand-in data were made to match
    them, ``implied`` those that follow by construction from calibrated ones
    (see :func:`declared_targets`); such entries get
    ``"stand_in_calibrated_to_it"`` / ``"stand_in_implies_it"`` and are counted
    apart in the summary.

    ``inputs`` (a variant build on the user's own files, see
    :func:`lpsrepro.report.input_files`) lists ``{"parameter", "file",
    "sha256"}`` of those files. The document then says ``"data": "your data"``,
    the stand-ins' calibration declarations are dropped (they describe the
    bundled files, not the user's), and each measured number is set beside the
    paper's value as a comparison of two samples (``"comparison": "your sample
    vs the paper's"``), not as a reproduction.

    ``sensitivity`` (default: the cached result of :func:`lpsrepro.sweep.load_sensitivity`, if any;
    ``{}`` for none) gives each claim it covers ``"sensitivity": {"p05", "p95", "unit",
    "published_inside", "moved_most_by"}``: the number's 5–95 % interval when the ledger's
    assumptions move over their ranges, and the assumptions that move it most.
    """
    claims = registry(registry_path)
    by_kind: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
    # records come from the notebooks' own claims.record calls: a bad one is a bug of that notebook
    for rec in records:
        lookup(claims, rec["id"], "claim_id", "data/paper/claims.yaml")
        kind = rec.get("kind", "reproduction")
        if kind not in KINDS:
            raise ProgrammingError(f"{rec['id']} kind {kind!r} is not one of " + ", ".join(KINDS))
        if rec["id"] in by_kind[kind]:
            raise ProgrammingError(f"claim_id {rec['id']!r} is recorded once only per kind "
                                   f"(its {kind.replace('_', ' ')} was recorded twice)")
        by_kind[kind][rec["id"]] = rec
    user_data = bool(inputs)
    calibrated = {} if user_data else dict(calibrated or {})
    implied = {} if user_data else dict(implied or {})
    # the generators' CALIBRATION_TARGETS / IMPLIED declarations: a wrong one is a bug of that module
    for what, mapping in (("calibration target", calibrated), ("implied target", implied)):
        require_known(mapping, claims, what, "data/paper/claims.yaml")
    both = sorted(set(calibrated) & set(implied))
    if both:
        raise ProgrammingError(f"implied target {both[0]!r} must be declared either as a calibration target "
                               "or as implied by one, not both")
    if sensitivity is None and not user_data:
        from lpsrepro import sweep   # dask and xarray: only a build that writes claims.json needs them

        sensitivity = sweep.load_sensitivity() or {}
    intervals = {} if user_data else (sensitivity or {}).get("claims", {})
    items = []
    for cid, claim in claims.items():
        item = compare(claim, by_kind["reproduction"].get(cid))
        item["stand_in_calibrated_to_it"] = calibrated.get(cid)
        if cid in implied:
            item["stand_in_implies_it"] = implied[cid]
        if user_data and item["status"] != "not_attempted":
            item["comparison"] = "your sample vs the paper's"
        if cid in intervals and intervals[cid].get("p05") is not None:
            mismatch = sensitivity_mismatch(item, intervals[cid])
            if mismatch:     # the cached sweep is of other code or data: its interval is not this number's
                item["sensitivity_withheld"] = f"stale cache ({mismatch}): make sensitivity"
            else:
                item["sensitivity"] = sensitivity_entry(item, intervals[cid])
        if cid in by_kind["independent_prediction"]:
            item["independent_prediction"] = _prediction_entry(claim, by_kind["independent_prediction"][cid])
        items.append(item)
    doc: dict[str, Any] = {"paper": "doi:10.1111/jace.18728"}
    if user_data:
        doc["data"] = "your data"
        doc["inputs"] = [dict(i) for i in inputs]
    else:
        doc["data"] = "simulated stand-ins"
    doc["summary"] = summarise(items)
    doc["summary_text"] = summary_text({"summary": doc["summary"], "data": doc["data"], "claims": items})
    doc["claims"] = items
    return doc


def published_inside(published: dict[str, Any], low: float, high: float, slack: float = 0.0) -> bool:
    """Whether a published value (or bound, or range) is reachable inside ``[low, high]``.

    ``slack`` is the claim's tolerance (in its unit): an interval that misses the published value by
    less than the tolerance of the comparison still reaches it (a number the ledger does not move
    has ``low == high``; it is "inside" exactly when it is reproduced).
    """
    low, high = low - slack, high + slack
    rel = published["relation"]
    if rel == "range":
        return published["low"] <= high and published["high"] >= low
    if rel in ("<", "<="):
        return low <= published["value"]
    if rel in (">", ">="):
        return high >= published["value"]
    return low <= published["value"] <= high


def sensitivity_mismatch(item: dict[str, Any], interval: dict[str, Any]) -> str:
    """Empty when a cached sensitivity's central value is the claim's reproduced number, else what differs.

    Both are rounded to 4 significant digits (:data:`VALUE_DIGITS`), so they may differ by one unit of
    the 4th after a unit conversion; a larger difference means the sweep ran on other code or data.
    """
    reproduced = item.get("reproduced") or {}
    if reproduced.get("value") is None or interval.get("central") is None \
            or interval.get("kind") == "independent_prediction":
        return ""
    try:
        central = convert(interval["central"], interval["unit"], reproduced["unit"], what=item["id"])
    except LpsreproError:
        return f"unit {interval['unit']} vs {reproduced['unit']}"
    if math.isclose(central, reproduced["value"], rel_tol=1e-3, abs_tol=0.0):
        return ""
    return f"central {central:.4g}, reproduced {reproduced['value']:.4g} {reproduced['unit']}"


def sensitivity_entry(item: dict[str, Any], interval: dict[str, Any]) -> dict[str, Any]:
    """A claim's ``sensitivity`` block of claims.json from a cached sensitivity result."""
    low, high = interval["p05"], interval["p95"]
    unit = interval.get("unit", item["published"]["unit"])
    if unit != item["published"]["unit"]:  # the section's unit; compare in the registry's
        low, high = (convert(v, unit, item["published"]["unit"], what=item["id"]) for v in (low, high))
        low, high = _round_sig(low, VALUE_DIGITS), _round_sig(high, VALUE_DIGITS)
    tol = item.get("tolerance") or {}
    reference = item["published"].get("value", item["published"].get("high", 0.0))
    slack = tol["atol"] if "atol" in tol else abs(reference) * tol.get("rtol", 0.0)
    return {"p05": low, "p95": high, "unit": item["published"]["unit"],
            "published_inside": published_inside(item["published"], low, high, slack),
            "moved_by_ledger": bool(low != high),
            "moved_most_by": [d["assumption"] for d in interval.get("drivers", [])[:3]] if low != high else []}


def summarise(items: list[dict[str, Any]]) -> dict[str, int]:
    """Counts for the summary (all integers; the categories are explained in :func:`summary_text`).

    ``reproduced`` + ``deviates`` + ``failed_quality`` + ``not_attempted`` = number of published
    claims. The reproduced ones split into ``reproduced_calibrated`` (◆, the stand-ins were made to
    match), ``reproduced_implied`` (follow by construction from a calibrated number) and
    ``reproduced_not_calibrated`` (the rest). Independent predictions are counted apart:
    ``predictions`` in all, of which ``predictions_agree`` agree with the paper.
    """
    summary = {status: sum(1 for i in items if i["status"] == status) for status in STATUSES}
    reproduced = [i for i in items if i["status"] == "reproduced"]
    summary["reproduced_calibrated"] = sum(1 for i in reproduced if i.get("stand_in_calibrated_to_it"))
    summary["reproduced_implied"] = sum(1 for i in reproduced if i.get("stand_in_implies_it"))
    summary["reproduced_not_calibrated"] = (len(reproduced) - summary["reproduced_calibrated"]
                                            - summary["reproduced_implied"])
    predictions = [i["independent_prediction"] for i in items if i.get("independent_prediction")]
    summary["predictions"] = len(predictions)
    summary["predictions_agree"] = sum(1 for p in predictions if p["status"] == "reproduced")
    summary["predictions_deviate"] = sum(1 for p in predictions if p["status"] == "deviates")
    summary["predictions_failed_quality"] = sum(1 for p in predictions if p["status"] == "failed_quality")
    return summary


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def summary_text(doc: dict[str, Any]) -> str:
    """The summary in words, one paragraph (the build prints it; REPORT.md starts with it).

    Two kinds of evidence are never added up: numbers reproduced from data, and independent
    predictions from literature inputs. For the bundled stand-ins, the reproduced count is split
    *inside* its own sentence into calibrated (◆), implied and not-calibrated parts, so that no
    part reads as a further category of the paper's claims.
    """
    s = doc["summary"]
    total = len(doc["claims"])
    user_data = doc.get("data") == "your data"
    if user_data:
        text = (f"Your data: {s['reproduced'] + s['deviates']} of {total} published numbers measured from "
                f"your files, {s['reproduced']} of them equal to the paper's value within its printed "
                f"precision and {s['deviates']} different; ")
    else:
        parts = []
        if s["reproduced_calibrated"]:
            parts.append(f"{s['reproduced_calibrated']} of them from stand-ins calibrated to that number ◆")
        if s["reproduced_implied"]:
            parts.append(f"{s['reproduced_implied']} implied by a calibrated number")
        parts.append(f"{s['reproduced_not_calibrated']}{'' if parts else ' of them'} from data not calibrated "
                     "to that number")
        text = (f"{s['reproduced']} of {total} published numbers reproduced from the simulated stand-ins "
                f"({', '.join(parts)}); {s['deviates']} deviate; ")
    text += f"{s['failed_quality']} failed a quality gate; {s['not_attempted']} not attempted."
    if s["predictions"]:
        extra = [f"{s['predictions_deviate']} deviate"] if s["predictions_deviate"] else []
        if s["predictions_failed_quality"]:
            extra.append(f"{s['predictions_failed_quality']} failed a quality gate")
        text += (f" Independent tests of the paper: {_plural(s['predictions'], 'number')} predicted from cited "
                 f"literature inputs, nothing tuned to the paper; {s['predictions_agree']} agree"
                 + (f", {', '.join(extra)}" if extra else "") + ".")
    elif not user_data:
        text += (" Independent tests of the paper: none (no number was predicted from literature inputs "
                 "alone; a reproduction from stand-ins tests the analysis chain, not the paper's claim).")
    return text
