"""``figures/REPORT.md``: the reproduction report.

Sections: summary; published vs reproduced (every claim, with status and
deviation; with the assumption-sensitivity interval when a cached sensitivity
result exists, see :mod:`lpsrepro.sweep`); independent predictions; quality
gates that failed; the figure gallery by paper panel; consistency of the paper
(computed by :mod:`lpsrepro.consistency`). The text is deterministic — no
dates, no timings — so that the committed report changes only when a result
does.

A variant build on the user's own files (``inputs``, see :func:`input_files`)
is reported as "your data" with each file's name and SHA-256, its numbers set
beside the paper's as a comparison of two samples; it is never called a
stand-in. The attribution is per claim (:mod:`lpsrepro.provenance`): a column
*data* says "your data (`file`)" for the numbers computed from the user's files
(and names any bundled file they still used), or "bundled stand-in" for the
others, which keep their reproduction status; each of the user's files lists
the claims computed from it.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Any

from lpsrepro import consistency, paths
from lpsrepro.claims import sensitivity_entry, sensitivity_mismatch, summary_text
from lpsrepro.fileio import write_text
from lpsrepro.units import format_number

_STATUS_MARK = {"reproduced": "✅ reproduced", "deviates": "⚠️ deviates",
                "failed_quality": "⛔ failed quality gate", "not_attempted": "· not attempted"}
#: Status words for the user's own data: their sample set beside the paper's, not a reproduction.
_USER_MARK = {"reproduced": "= same as the paper's", "deviates": "≠ differs from the paper's",
              "failed_quality": "⛔ failed quality gate", "not_attempted": "· not measured"}
_PREDICTION_MARK = {"reproduced": "✅ agrees", "deviates": "⚠️ disagrees",
                    "failed_quality": "⛔ failed quality gate"}


def sha256_of(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex (identifies the user's input in the report)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(parameters: dict[str, Any], *, base: Path | None = None) -> list[dict[str, Any]]:
    """The user's own data files among a build's parameters → ``[{"parameter", "file", "sha256"}]``
    (and ``"index"``, the file's place, for a list parameter).

    A parameter counts as a data file when its value (a string, or each string of a list/tuple)
    names an existing file, resolved from ``base`` (default: the working directory). The
    compendium's own files (under ``data/``: the stand-ins of ``data/raw``, the literature tables of
    ``data/literature``) are not the user's data and are left out, so that a variant which only
    changes a number (a thickness, an area) is still reported as stand-in data.
    """
    found = []
    for name in sorted(parameters):
        values = parameters[name]
        listed = isinstance(values, (list, tuple))
        for index, value in enumerate(values if listed else [values]):
            if not isinstance(value, (str, Path)) or not str(value).strip():
                continue
            path = paths.resolve(value, base=base)
            if not path.is_file() or path.resolve().is_relative_to(paths.DATA.resolve()):
                continue
            # a file of a list parameter carries its place in the list (per-claim provenance needs it)
            found.append({"parameter": name, "file": path.name, "sha256": sha256_of(path),
                          **({"index": index} if listed else {})})
    return found


def _made_by(notebook: str | None) -> str:
    """Where a claim is computed: its notebook (a link from figures/) and the section module it calls."""
    if not notebook:
        return ""
    from lpsrepro.sections import module_stem

    module = f"sections/{module_stem(notebook)}.py"
    return f"<br>[{Path(notebook).stem.split('_')[0]}](../{notebook}) · [`{module}`](../lpsrepro/{module})"


#: Numbers of the report's tables: 4 significant digits (``digits=`` to change), plain from 0.01 up to 1e5,
#: else a short exponent (0.82, 550, 6.741e-5); empty when missing (:func:`lpsrepro.units.format_number`).
_fmt = partial(format_number, digits=4, notation="compact", trim=True, missing="")


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
        text += f" ± {_fmt(rep['uncertainty'], digits=2)}"
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
    return f"±{_fmt(tol['atol'], digits=3)}" if "atol" in tol else f"±{100 * tol['rtol']:.3g} %"


def _summary_text(claims_doc: dict[str, Any]) -> str:
    if "summary_text" in claims_doc:
        return claims_doc["summary_text"]
    return summary_text(claims_doc)  # a claims.json written before summary_text existed


def _header(claims_doc: dict[str, Any], variant: dict[str, Any] | None,
            inputs: list[dict[str, str]]) -> list[str]:
    lines = ["# Reproduction report — Wu et al., J. Am. Ceram. Soc. 105 (2022) 7344", ""]
    if variant:
        params = ", ".join(f"{k} = {v!r}" for k, v in variant["parameters"].items())
        lines += [f"> **Variant build** of `{variant['notebook']}` with {params}. "
                  "These are not the compendium's reference results.", ""]
    lines += ["Written by `lpsrepro build` from the executed notebooks; do not edit by hand.", ""]
    if inputs:
        per_claim = any("claims" in i for i in inputs)
        lines += ["**Your data.** " + ("Your files, and the numbers computed from each (column *data* of the "
                                       "table says where every number comes from):" if per_claim else
                                       "The numbers below were measured from your files:"), ""]
        lines += [f"- `{i['parameter']}" + (f"[{i['index']}]" if "index" in i else "") + f"`: `{i['file']}` "
                  f"(SHA-256 `{i['sha256']}`)" + _fed(i) for i in inputs]
        lines += ["", "The paper's values are shown beside yours for reference: they describe the paper's "
                  "samples, so *same* or *differs* compares two samples — it neither confirms nor refutes the "
                  "paper, and your numbers are not graded as reproductions.", ""]
        if per_claim:
            lines += ["Numbers marked *bundled stand-in* were not computed from your files: they come from the "
                      "compendium's simulated stand-in data (see `data/README.md`) and keep their reproduction "
                      "status.", ""]
    else:
        lines += [
            "**Data are simulated stand-ins.** The authors did not publish their measurements; every analysed "
            "file was made by a documented forward model (see `data/README.md`) and says so in its own "
            "metadata. A *reproduced* number therefore shows that the paper's analysis, run on data that behave "
            "like the paper's, returns the paper's number — and that the same code is ready for real "
            "measurements.", ""]
    lines += [f"**Summary:** {_summary_text(claims_doc)}", ""]
    return lines


def _fed(item: dict[str, Any]) -> str:
    """' → claim, claim' for a user file of a per-claim attributed build (nothing for older documents)."""
    if "claims" not in item:
        return ""
    if not item["claims"]:
        return " → no recorded number (it is drawn in the figures only)"
    return " → " + ", ".join(f"`{c}`" for c in item["claims"])


def _provenance(entry: dict[str, Any]) -> str:
    """The *data* cell: 'your data (`my.z`)', '… + bundled stand-in `x.tif`', 'bundled stand-in' or ''."""
    if entry.get("data") == "your data":
        text = "your data (" + ", ".join(f"`{i['file']}`" for i in entry.get("inputs", [])) + ")"
        bundled = entry.get("bundled_inputs") or []
        if bundled:
            text += " + bundled stand-in " + ", ".join(f"`{b['file']}` ({b['parameter']})" for b in bundled)
        return text
    return entry.get("data") or ""


def render(claims_doc: dict[str, Any], manifest_doc: dict[str, Any],
           variant: dict[str, Any] | None = None, *, inputs: list[dict[str, str]] | None = None,
           sensitivity: dict[str, Any] | None = None) -> str:
    """The report as Markdown text.

    ``inputs`` (default: ``claims_doc["inputs"]``) lists the user's files of a variant build
    (:func:`input_files`): the report then speaks of "your data". ``sensitivity`` (default: the
    cached result of :func:`lpsrepro.sweep.load_sensitivity`, if any) adds each claim's 5–95 %
    interval under the ledger's ranges and whether the published value lies inside.
    """
    if inputs is None:
        inputs = claims_doc.get("inputs") or []
    user_data = bool(inputs)
    if sensitivity is None and not user_data:
        from lpsrepro import sweep

        sensitivity = sweep.load_sensitivity()
    intervals = (sensitivity or {}).get("claims", {})
    marks = _USER_MARK if user_data else _STATUS_MARK
    # a per-claim attributed build (lpsrepro.provenance): each claim says whose data it comes from
    per_claim = user_data and any("data" in e for e in claims_doc["claims"])
    flagged = any(e.get("stand_in_calibrated_to_it") or e.get("stand_in_implies_it") for e in claims_doc["claims"])
    lines = _header(claims_doc, variant, inputs)
    lines += [
        "## Published vs " + ("your data" if user_data else "reproduced"),
        "",
        "Tolerance: half a unit of the last printed digit unless the registry gives a reason for another "
        "(`data/paper/claims.yaml`). Deviation = (" + ("yours" if user_data else "reproduced")
        + " − published) / published, for equalities."
        + ("" if user_data and not flagged else " ◆ = the stand-in data were calibrated to this published number; "
           "◇ = it follows by construction from a calibrated number (how: see the lists below the table)."),
        "",
    ]
    head = ["claim", "where", "published", "measured" if per_claim else "yours" if user_data else "reproduced", "tolerance", "deviation",
            "status"] + (["data"] if per_claim else [])
    if intervals:
        head += ["5–95 % under the ledger's ranges", "published inside?"]
        lines[-1:-1] = ["The interval is that of the reproduced number when every assumption of the ledger "
                        "moves over its range (Latin-hypercube sample, `lpsrepro.sweep.sensitivity`); "
                        "\"published inside?\" says whether the paper's value lies in it.", ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for entry in claims_doc["claims"]:
        dev = "" if entry["deviation"] is None else f"{100 * entry['deviation']:+.2g} %"
        mark = " ◆" if entry.get("stand_in_calibrated_to_it") else " ◇" if entry.get("stand_in_implies_it") else ""
        entry_marks = (_USER_MARK if entry.get("data") == "your data" else _STATUS_MARK) if per_claim else marks
        row = [f"`{entry['id']}`{mark} — {_cell(entry['statement'])}",
               _cell(entry["source"]) + _made_by(entry.get("notebook")), _published(entry),
               _reproduced(entry), _tolerance(entry), dev, entry_marks[entry["status"]]]
        if per_claim:
            row.append(_cell(_provenance(entry)))
        if intervals:
            row += _interval_cells(entry, intervals.get(entry["id"]))
        lines.append("| " + " | ".join(row) + " |")
    for key, title in (("stand_in_calibrated_to_it", "**◆ Calibration targets of the stand-in data** (from the "
                        "generators' `CALIBRATION_TARGETS`):"),
                       ("stand_in_implies_it", "**◇ Implied by calibrated numbers** (from the generators' "
                        "`IMPLIED_TARGETS`):")):
        flagged = [e for e in claims_doc["claims"] if e.get(key)]
        if flagged:
            lines += ["", title, ""] + [f"- `{e['id']}`: {e[key]}" for e in flagged]
    failed = [e for e in claims_doc["claims"] if e["status"] == "failed_quality"]
    if failed:
        lines += ["", "**⛔ Quality gates that failed** (the number is not compared with the paper):", ""]
        lines += [f"- `{e['id']}`: {e['failed_quality']}{_quality_text(e.get('quality'))}" for e in failed]
    notes = [e for e in claims_doc["claims"] if e.get("note")]
    if notes:
        lines += ["", "Notes of the registry:", ""] + [f"- `{e['id']}`: {e['note']}" for e in notes]
    lines += _predictions(claims_doc)
    if intervals or (sensitivity or {}).get("stale"):
        lines += _tornado_section(sensitivity, claims_doc)

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


def _quality_text(quality: dict[str, float] | None) -> str:
    # a figure the analysis could not compute (null in claims.json, nan) says nothing: left out
    shown = {k: v for k, v in (quality or {}).items() if v is not None and v == v}
    if not shown:
        return ""
    return " (" + ", ".join(f"{k} = {_fmt(v, digits=3)}" for k, v in sorted(shown.items())) + ")"


def _interval_cells(entry: dict[str, Any], interval: dict[str, Any] | None) -> list[str]:
    """The two sensitivity cells of a claim's row: its interval under the ledger's ranges and whether the
    published value lies inside. A cache whose central value is not the reproduced number (the code
    changed since it was computed) is not shown as an interval."""
    if not interval or interval.get("p05") is None:
        return ["", ""]
    mismatch = sensitivity_mismatch(entry, interval)
    if mismatch:
        return [f"stale cache ({mismatch}): `make sensitivity`", ""]
    block = entry.get("sensitivity") or sensitivity_entry(entry, interval)
    if not block.get("moved_by_ledger", True):
        return ["not moved by the ledger", "yes" if block["published_inside"] else "no"]
    text = f"{_fmt(block['p05'], digits=3)} – {_fmt(block['p95'], digits=3)} {_unit(block['unit'])}".rstrip()
    if interval.get("interval") == "one-at-a-time span":
        text += " (one-at-a-time span)"
    return [text, "yes" if block["published_inside"] else "no"]


def _predictions(claims_doc: dict[str, Any]) -> list[str]:
    """The independent predictions, in a table of their own: they are a different kind of evidence."""
    rows = [e for e in claims_doc["claims"] if e.get("independent_prediction")]
    lines = ["", "## Independent predictions", ""]
    if not rows:
        return lines + ["None yet: no published number is predicted from cited literature inputs alone. Every "
                        "reproduced number above comes from data made to resemble the paper, so the report holds "
                        "no independent test of the paper's claims.", ""]
    lines += ["Numbers predicted from cited literature inputs, with nothing tuned to the paper, compared with the "
              "published value with the same tolerance as above. These, not the reproductions, test the paper.", "",
              "| claim | published | predicted | deviation | agreement | from |", "|---|---|---|---|---|---|"]
    for e in rows:
        pred = e["independent_prediction"]
        shown = _reproduced({"reproduced": pred.get("predicted")})
        dev = "" if pred.get("deviation") is None else f"{100 * pred['deviation']:+.2g} %"
        how = pred.get("failed_quality") or pred.get("method", "")
        lines.append(f"| `{e['id']}` — {_cell(e['statement'])} | {_published(e)} | {shown} | {dev} | "
                     f"{_PREDICTION_MARK[pred['status']]} | {_cell(how)}{_made_by(e.get('notebook'))} |")
    return lines


def _tornado_section(sensitivity: dict[str, Any], claims_doc: dict[str, Any] | None = None) -> list[str]:
    """One sensitivity table (and tornado figure) per section of the cached sensitivity, whichever
    sections it holds: each number's central value, its interval, whether the published value lies
    inside, and the assumptions that move it most; then the stale caches that were left out."""
    from lpsrepro.errors import LpsreproError

    by_id = {e["id"]: e for e in (claims_doc or {}).get("claims", [])}
    lines = ["", "## Which assumptions move the numbers", "",
             "One-at-a-time over each ledger entry's range, and a global screening over all of them together "
             "(SALib); the tornado figures show, per section, how far each assumption moves each number. An "
             "assumption that the section's analysis stage reads (its fits: `Params.PREPARED_FROM`) is moved "
             "one at a time only and is not in the interval. Computed by `lpsrepro.sweep.sensitivity`, cached in "
             "`figures/sensitivity/`; `make sensitivity` refreshes every section.", ""]
    numbers = {**{cid: c for cid, c in (sensitivity.get("claims") or {}).items()},
               **{f"{cid}.predicted": c for cid, c in (sensitivity.get("predictions") or {}).items()}}
    for section, info in sorted((sensitivity.get("sections") or {}).items()):
        lines += [f"### {section}", ""]
        method = {"morris": "Morris screening (μ*)", "sobol": "Sobol indices (total)"}.get(info.get("method"),
                                                                                        info.get("method") or "")
        ranked = "one-at-a-time swing" if info.get("ranked_by") == "swing" else method
        lines += [f"{info.get('points', '?')} evaluations; drivers ranked by {ranked}."]
        if info.get("one_at_a_time_only"):
            lines[-1] += (" One at a time only (analysis stage, not in the interval): "
                          + ", ".join(f"`{k}`" for k in info["one_at_a_time_only"]) + ".")
        lines += ["", "| number | central | interval | published inside? | moved most by |", "|---|---|---|---|---|"]
        rows = sorted((cid, c) for cid, c in numbers.items() if c.get("section") == section)
        seen = set()
        for cid, claim in rows:
            name = cid if claim.get("kind") != "independent_prediction" else f"{claim.get('claim_id', cid)} (predicted)"
            if name in seen:
                continue
            seen.add(name)
            unit = _unit(claim.get("unit") or "")
            central = f"{_fmt(claim.get('central'), digits=4)} {unit}".rstrip() if claim.get("central") is not None else ""
            if claim.get("p05") is None:   # every point NaN: the number failed its quality gate (or run failed)
                interval = (f"no value at any of the {claim.get('failed_points', '?')} points (quality gate "
                            "failed or run failed)")
            elif claim["p05"] == claim["p95"]:
                interval = "not moved"
            else:
                interval = f"{_fmt(claim['p05'], digits=3)} – {_fmt(claim['p95'], digits=3)} {unit}".rstrip()
                if claim.get("interval") == "one-at-a-time span":
                    interval += " (one-at-a-time span)"
            entry = by_id.get(claim.get("claim_id", cid))
            inside = ""
            if entry is not None and entry.get("published") and claim.get("p05") is not None:
                try:
                    block = sensitivity_entry(entry, claim)
                    inside = "yes" if block["published_inside"] else "no"
                except (LpsreproError, KeyError, TypeError):
                    inside = ""
            drivers = ", ".join(f"`{d['assumption']}`" + (" (1-at-a-time)" if d.get("analysis") else "")
                                for d in (claim.get("drivers") or [])[:3])
            drivers = drivers or ("—" if claim.get("p05") is None else "nothing in the ledger's ranges")
            lines.append(f"| `{name}` | {central} | {interval} | {inside} | {drivers} |")
        lines.append("")
        if info.get("figure"):
            lines += [f"![tornado {section}]({Path(info['figure']).name})", ""]
    for section in sorted(sensitivity.get("stale") or []):
        reasons = (sensitivity.get("stale_reasons") or {}).get(section) or ["computed from other inputs"]
        lines += [f"### {section}", "", f"Cached sensitivity left out, stale: {'; '.join(reasons[:3])}. Refresh: "
                  f"`lpsrepro sweep {section} --sensitivity morris` (or `make sensitivity`).", ""]
    return lines


def write_report(target: Path, claims_doc: dict[str, Any], manifest_doc: dict[str, Any],
                 variant: dict[str, Any] | None = None, *, inputs: list[dict[str, str]] | None = None,
                 sensitivity: dict[str, Any] | None = None) -> None:
    """Write :func:`render`'s text to ``target`` atomically (keywords: see :func:`render`)."""
    write_text(target, render(claims_doc, manifest_doc, variant, inputs=inputs, sensitivity=sensitivity))


def compose(claims_doc: dict[str, Any], manifest_doc: dict[str, Any], target: Path, *,
            variant: dict[str, Any] | None = None, parameters: dict[str, Any] | None = None,
            base: Path | None = None) -> list[dict[str, str]]:
    """Write REPORT.md for a build; with ``parameters``, detect the user's files among them.

    Returns the user's input files (:func:`input_files`), which the caller also passes to
    :func:`lpsrepro.claims.claims_document` (``inputs=...``) so that claims.json says the same.
    """
    inputs = input_files(parameters or {}, base=base)
    write_report(target, claims_doc, manifest_doc, variant, inputs=inputs)
    return inputs
