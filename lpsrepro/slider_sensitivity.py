"""What a slider bound to an assumption of the ledger means for the claims (issue 13).

Beside each Explore slider whose control is a field of its section's ``Params.LEDGER`` (for example
``sulfur_fraction`` → ``energy.sulfur_fraction``), :func:`lpsrepro.widgets.explorer` shows the text
that :func:`slider_html` returns:

- a gauge of the ledger's range (low–high, in the field's unit) with a marker where the slider's
  value sits, and a warning when the value leaves the range (the cached sensitivity does not cover
  it there);
- ``moves:`` the claims that the cached sensitivity (``figures/sensitivity/<section>.json``, written
  by :func:`lpsrepro.sweep.sensitivity`) finds moved by this assumption: for each, the relative
  change at the range's two ends, one at a time with every other assumption at its ledger value,
  and an estimate at the slider's value, interpolated linearly between the one-at-a-time points
  (low end, ledger value, high end). The estimate is a reading of the cache, not a run of the
  section; it is marked ``≈``.

Everything here is a pure function of plain values and the cached JSON (no widgets, no display), so
that it is tested without a browser. A missing or stale cache gives one line saying so, never an
error. Numbers are printed to two or three significant digits (the cache's one-at-a-time values are
themselves rounded to four), so that the saved widget state is the same on every CPU.

References
----------
Saltelli, A. et al. *Global Sensitivity Analysis. The Primer.* Wiley (2008), ch. 1 (one-at-a-time
ranges as a first reading of a model's sensitivity, and why they miss interactions).
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from pathlib import Path

#: Suffix of a section's independent predictions in the cache (as :data:`lpsrepro.sweep.PREDICTED`).
PREDICTED = ".predicted"

#: A range whose ends are more than this factor apart (both positive) is drawn on a log scale.
LOG_GAUGE_RATIO = 20.0


@dataclass(frozen=True)
class Move:
    """How one claim moves over an assumption's range, one at a time (values in the claim's ``unit``)."""

    claim_id: str
    unit: str
    central: float
    at_low: float | None
    at_high: float | None
    predicted: bool = False

    def relative(self, value: float | None) -> float | None:
        """``value`` as a change relative to ``central`` (1 = +100 %); ``None`` when undefined."""
        if value is None or not math.isfinite(value) or not self.central:
            return None
        return (value - self.central) / abs(self.central)


def sensitivity_directory() -> Path:
    """Where :func:`lpsrepro.sweep.sensitivity` caches its results (``figures/sensitivity/``)."""
    from lpsrepro import paths

    return paths.FIGURES / "sensitivity"


def load_section(section: str, *, directory: Path | None = None) -> tuple[dict | None, str]:
    """The cached sensitivity of ``section`` → ``(document, "")``, or ``(None, one line why not)``.

    The cache is used only while its ``ledger_sha256`` is the ledger's current one (otherwise its
    ranges and values describe other assumptions), as :func:`lpsrepro.sweep.load_sensitivity` does.
    """
    folder = Path(directory) if directory is not None else sensitivity_directory()
    path = folder / f"{section}.json"
    command = f"`lpsrepro sweep {section} --sensitivity morris`"
    if not path.is_file():
        return None, f"no cached sensitivity of {section}: {command} computes it"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"the cached sensitivity {path.name} is unreadable ({type(exc).__name__}): {command} rewrites it"
    from lpsrepro import ledger

    if doc.get("ledger_sha256") != ledger.digest():
        return None, f"the cached sensitivity of {section} was computed with another assumptions ledger: rerun {command}"
    return doc, ""


def moves_of(doc: dict, parameter: str) -> list[Move]:
    """The claims of a cached sensitivity ``doc`` that list ``parameter`` among their drivers.

    Ordered by the larger of the two relative changes at the range's ends, largest first (then by id).
    """
    found = []
    for cid, claim in (doc.get("claims") or {}).items():
        for driver in claim.get("drivers") or ():
            if driver.get("parameter") != parameter or claim.get("central") is None:
                continue
            predicted = claim.get("kind") == "independent_prediction" or cid.endswith(PREDICTED)
            found.append(Move(claim.get("claim_id", cid.removesuffix(PREDICTED)), claim.get("unit", ""),
                              float(claim["central"]), _float(driver.get("value_at_low")),
                              _float(driver.get("value_at_high")), predicted))

    def size(move: Move) -> float:
        changes = [abs(r) for r in (move.relative(move.at_low), move.relative(move.at_high)) if r is not None]
        return max(changes, default=0.0)

    return sorted(found, key=lambda m: (-size(m), m.claim_id, m.predicted))


def _float(x) -> float | None:
    return None if x is None else float(x)


def interpolate(x: float, points: list[tuple[float, float | None]]) -> float | None:
    """Piecewise-linear value at ``x`` through ``points`` ``(x_i, y_i)``; ``None`` outside them or at a gap.

    Points with equal ``x`` (a ledger value at an end of its range) keep the first one.
    """
    pts = sorted({px: py for px, py in reversed(points)}.items())
    if not pts or x < pts[0][0] or x > pts[-1][0]:
        return None
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= x <= x1:
            if y0 is None or y1 is None:
                return None
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return pts[0][1]                       # a single point, x on it


def position(value: float, low: float, high: float) -> float:
    """Where ``value`` sits in ``[low, high]`` as a fraction (0 at ``low``, 1 at ``high``; outside: <0, >1).

    On a log scale when both ends are positive and more than :data:`LOG_GAUGE_RATIO` apart (a
    range of decades, e.g. a solubility of 1e-6 to 1e-2 mol/m³), linear otherwise.
    """
    if high == low:
        return 0.5
    if low > 0 and high / low > LOG_GAUGE_RATIO and value > 0:
        return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    return (value - low) / (high - low)


def fmt_number(x: float) -> str:
    """Three significant digits, as the report prints (``0.35``, ``2.1e-05``)."""
    return f"{x:.3g}"


def fmt_unit(unit: str) -> str:
    """A pint unit string for reading (``uA*h/cm**2`` → ``uA h/cm²``; ``dimensionless`` → ``""``)."""
    if unit in ("", "dimensionless", "1"):
        return ""
    return unit.replace("**2", "²").replace("**3", "³").replace("*", " ").replace("degree", "°")


def fmt_percent(r: float) -> str:
    """A relative change as a signed percentage to two significant digits (``+54 %``, ``−3.2 %``, ``±0 %``)."""
    p = 100.0 * r
    if abs(p) < 0.05:
        return "±0 %"
    rounded = float(f"{abs(p):.2g}")
    text = f"{rounded:.0f}" if rounded >= 10 else f"{rounded:g}"
    return ("+" if p > 0 else "−") + text + " %"


def gauge_html(value: float, low: float, high: float, unit: str) -> str:
    """A small bar of the range ``[low, high]`` with a marker at ``value`` (HTML, no script).

    The marker is drawn at the range's end, in red, when the value lies outside.
    """
    where = position(value, low, high)
    inside = 0.0 <= where <= 1.0
    left = 100.0 * min(max(where, 0.0), 1.0)
    colour = "#1f77b4" if inside else "#d62728"
    u = fmt_unit(unit)
    u = f" {u}" if u else ""
    return ('<span style="display:inline-block;position:relative;width:10em;height:0.7em;background:#e6e6e6;'
            'border-radius:0.35em;vertical-align:middle;margin:0 0.4em" '
            f'title="ledger range {fmt_number(low)}–{fmt_number(high)}{html.escape(u)}">'
            f'<span style="position:absolute;left:calc({left:.1f}% - 0.3em);top:-0.15em;width:0.6em;height:1em;'
            f'border-radius:0.3em;background:{colour}"></span></span>')


def slider_html(value: float, *, ledger_key: str, unit: str, low: float | None, high: float | None,
                ledger_value: float | None, moves: list[Move] | None, missing: str = "", top: int = 3) -> str:
    """The text beside one slider bound to the ledger entry ``ledger_key`` (HTML).

    Parameters
    ----------
    value
        The slider's current value, in ``unit`` (the section field's unit).
    ledger_key, unit
        The ledger entry and the field's unit (pint string).
    low, high
        The ledger's range in ``unit``; ``None`` when the entry gives none.
    ledger_value
        The ledger's value in ``unit`` (the point the one-at-a-time ends are taken around).
    moves
        :func:`moves_of` for this field, or ``None`` when no usable cache exists (``missing`` says why).
    top
        How many claims to name; the rest are counted.

    Returns
    -------
    str
        Two short lines: the range with the gauge (or a warning) and ``moves: …``.
    """
    u = fmt_unit(unit)
    us = f" {u}" if u else ""
    key = html.escape(ledger_key)
    if low is None or high is None:
        where = (f"<b>{key}</b>: the ledger gives no range"
                 + (f" (its value {fmt_number(ledger_value)}{html.escape(us)})" if ledger_value is not None else ""))
        inside = True
    else:
        lo, hi = min(low, high), max(low, high)
        inside = lo <= value <= hi
        where = (f"<b>{key}</b> {fmt_number(lo)}{gauge_html(value, lo, hi, unit)}{fmt_number(hi)}{html.escape(us)}")
        if not inside:
            where += (f' <span style="color:#d62728">⚠ {fmt_number(value)}{html.escape(us)} is outside the ledger\'s '
                      "range: the cached sensitivity does not reach it</span>")
    if moves is None:
        return f"<small>{where}<br>{html.escape(missing or 'no cached sensitivity')}</small>"
    if not moves:
        # lpsrepro.sweep.sensitivity leaves out a driver whose run at a range end gave no finite number
        # (e.g. a Li–S loading that no longer reaches 400 Wh/kg): "none listed" is not "no effect"
        return (f"<small>{where}<br>moves: no claim listed by the cached sensitivity (it omits an assumption "
                "whose runs at a range end gave no number)</small>")
    parts = []
    points_x = [low, ledger_value, high]
    for move in moves[:top]:
        name = html.escape(move.claim_id) + (" (predicted)" if move.predicted else "")
        ends = ", ".join(f"{fmt_percent(r) if r is not None else 'failed'} at {fmt_number(end)}" if end is not None
                         else (fmt_percent(r) if r is not None else "failed")
                         for r, end in ((move.relative(move.at_low), low), (move.relative(move.at_high), high)))
        here = None
        if inside and None not in points_x:
            here = move.relative(interpolate(value, list(zip(points_x, [move.at_low, move.central, move.at_high]))))
        here_text = f" ≈{fmt_percent(here)} here," if here is not None else ""
        parts.append(f"{name}{here_text} {ends}")
    more = len(moves) - top
    tail = f"; and {more} more" if more > 0 else ""
    return f"<small>{where}<br>moves: " + "; ".join(parts) + tail + "</small>"


class SectionSensitivity:
    """The widget side for one section: which controls are ledger-bound, and their text.

    Built once per explorer (reads the cache and the section's ``Params`` once); :meth:`html` is then
    a cheap pure call per slider move. ``directory`` defaults to ``figures/sensitivity/``.
    """

    def __init__(self, section: str, *, directory: Path | None = None):
        self.section = section
        self.doc, self.missing = load_section(section, directory=directory)
        self._knobs = None

    def ledger_key(self, name: str) -> str | None:
        """The ledger key of control ``name`` (a field of the section's ``Params.LEDGER``), else ``None``."""
        import importlib

        params = importlib.import_module(f"lpsrepro.sections.{self.section}").Params
        return (getattr(params, "LEDGER", None) or {}).get(name)

    def _knob(self, name: str):
        if self._knobs is None:
            from lpsrepro.sweep import knobs

            self._knobs = knobs(self.section)
        return self._knobs.get(name)

    def html(self, name: str, value: float) -> str | None:
        """The text beside control ``name`` at ``value``; ``None`` when it is not bound to the ledger."""
        key = self.ledger_key(name)
        if key is None:
            return None
        entry = (self.doc or {}).get("assumptions", {}).get(name)
        if entry is not None:                       # the range and unit the cache was computed over
            low, high = entry["range"]
            unit, central = entry["unit"], entry["central"]
        else:                                       # no cache, or the entry has no range: the ledger itself
            knob = self._knob(name)
            low, high = knob.range if knob and knob.range else (None, None)
            unit, central = (knob.unit, knob.default) if knob else ("", None)
        moves = moves_of(self.doc, name) if self.doc is not None else None
        return slider_html(float(value), ledger_key=key, unit=unit, low=low, high=high, ledger_value=central,
                           moves=moves, missing=self.missing)
