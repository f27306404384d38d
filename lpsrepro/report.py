"""``figures/REPORT.md``: the reproduction report.

Sections: summary; published vs reproduced (every claim, with status and
deviation); the figure gallery by paper panel; consistency of the paper
(computed by :mod:`lpsrepro.consistency`). The text is deterministic — no
dates, no timings — so that the committed report changes only when a result
does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lpsrepro import consistency
from lpsrepro.fileio import write_text

_STATUS_MARK = {"reproduced": "✅ reproduced", "deviates": "⚠️ deviates",
                "failed_quality": "⛔ failed quality gate", "not_attempted": "· not attempted"}


def _fmt(value: float | None, digits: int = 4) -> str:
    """Compact number: 0.82, 550, 6.741e-5 (scientific below 0.01 and from 1e5)."""
    if value is None:
        return ""
    if value != 0 and not 1e-2 <= abs(value) < 1e5:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{value:.{digits}g}"


def _published(entry: dict[str, Any]) -> str:
    pub = entry["published"]
    if pub["relation"] == "range":
        return f"{_fmt(pub['low'])}–{_fmt(pub['high'])} {_unit(pub['unit'])}".rstrip()
    rel = "" if pub["relation"] == "=" else pub["relation"] + " "
    return f"{rel}{_fmt(pub['value'])} {_unit(pub['unit'])}".rstrip()


def _reproduced(entry: dict[str, Any]) -> str:
    rep = entry["reproduced"]
    if rep is None:
        return "—"
    text = _fmt(rep["value"])
    if rep.get("uncertainty") is not None:
        text += f" ± {_fmt(rep['uncertainty'], 2)}"
    return f"{text} {_unit(rep['unit'])}".rstrip()


_UNIT_TEXT = [("dimensionless", ""), ("percent", "%"), ("ohm", "Ω"), ("**2", "²"), ("**3", "³"), ("*", "·"),
              ("uA", "µA"), ("um", "µm")]


def _unit(unit: str) -> str:
    """Unit text for people, in the registry's own order: 'ohm*cm**2' → 'Ω·cm²', 'uA*h/cm**2' → 'µA·h/cm²'."""
    for old, new in _UNIT_TEXT:
        unit = unit.replace(old, new)
    return unit


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def _tolerance(entry: dict[str, Any]) -> str:
    tol = entry["tolerance"]
    return f"±{_fmt(tol['atol'], 3)}" if "atol" in tol else f"±{100 * tol['rtol']:.3g} %"


def render(claims_doc: dict[str, Any], manifest_doc: dict[str, Any],
           variant: dict[str, Any] | None = None) -> str:
    """The report as Markdown text."""
    summary = claims_doc["summary"]
    lines = ["# Reproduction report — Wu et al., J. Am. Ceram. Soc. 105 (2022) 7344", ""]
    if variant:
        params = ", ".join(f"{k} = {v!r}" for k, v in variant["parameters"].items())
        lines += [f"> **Variant build** of `{variant['notebook']}` with {params}. "
                  "These are not the compendium's reference results.", ""]
    lines += [
        "Written by `lpsrepro build` from the executed notebooks; do not edit by hand.",
        "",
        "**Data are simulated stand-ins.** The authors did not publish their measurements; every analysed file was "
        "made by a documented forward model (see `data/README.md`) and says so in its own metadata. A "
        "*reproduced* number therefore shows that the paper's analysis, run on data that behave like the "
        "paper's, returns the paper's number — and that the same code is ready for real measurements.",
        "",
        f"**Summary:** {summary['reproduced']} reproduced, {summary['deviates']} deviate, "
        f"{summary['not_attempted']} not attempted (of {len(claims_doc['claims'])} published numbers). "
        f"Of the reproduced numbers, {summary['reproduced_without_calibration']} come from stand-ins that were "
        "not made to match that number; the others (marked ◆) were calibration targets of the stand-ins, so "
        "their reproduction tests the analysis chain, not the paper's claim.",
        "",
        "## Published vs reproduced",
        "",
        "Tolerance: half a unit of the last printed digit unless the registry gives a reason for another "
        "(`data/paper/claims.yaml`). Deviation = (reproduced − published) / published, for equalities. "
        "◆ = the stand-in data were calibrated to this published number (how: see the list below the table).",
        "",
        "| claim | where | published | reproduced | tolerance | deviation | status |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in claims_doc["claims"]:
        dev = "" if entry["deviation"] is None else f"{100 * entry['deviation']:+.2g} %"
        mark = " ◆" if entry.get("stand_in_calibrated_to_it") else ""
        lines.append(f"| `{entry['id']}`{mark} — {_cell(entry['statement'])} | {_cell(entry['source'])} | "
                     f"{_published(entry)} | {_reproduced(entry)} | {_tolerance(entry)} | {dev} | "
                     f"{_STATUS_MARK[entry['status']]} |")
    calibrated = [e for e in claims_doc["claims"] if e.get("stand_in_calibrated_to_it")]
    if calibrated:
        lines += ["", "**◆ Calibration targets of the stand-in data** (from the generators' "
                  "`CALIBRATION_TARGETS`):", ""]
        lines += [f"- `{e['id']}`: {e['stand_in_calibrated_to_it']}" for e in calibrated]
    notes = [e for e in claims_doc["claims"] if e.get("note")]
    if notes:
        lines += ["", "Notes of the registry:", ""] + [f"- `{e['id']}`: {e['note']}" for e in notes]

    lines += ["", "## Figures by paper panel", ""]
    for panel, entry in manifest_doc.items():
        status = entry["status"]
        if status == "rebuilt":
            pngs = [f for f in entry["files"] if f.endswith(".png")]
            lines += [f"### {panel} — {entry['caption']}", "",
                      f"Rebuilt by `{entry['notebook']}`: {entry['rebuilt_as']}", ""]
            lines += [f"![{panel}]({Path(f).name})" for f in pngs] + [""]
        elif status == "not_rebuildable":
            lines += [f"### {panel} — {entry['caption']}", "", f"Not rebuildable: {entry['reason']}.", ""]
        else:
            lines += [f"### {panel} — {entry['caption']}", "",
                      f"Not attempted yet (planned in `{entry.get('notebook')}`).", ""]

    lines += ["## Consistency of the paper", "",
              "Each check below is computed from the published numbers by `lpsrepro.consistency`.", ""]
    for check in consistency.run_all():
        lines += [f"### {check.title}", "", f"{check.computation}", "", f"Verdict: **{check.verdict}**. {check.comment}", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_report(target: Path, claims_doc: dict[str, Any], manifest_doc: dict[str, Any],
                 variant: dict[str, Any] | None = None) -> None:
    """Write :func:`render`'s text to ``target`` atomically."""
    write_text(target, render(claims_doc, manifest_doc, variant))
