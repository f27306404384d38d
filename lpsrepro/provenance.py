"""Per-claim provenance of a variant build: which recorded number came from the user's files.

A variant build (``lpsrepro build 32_membrane -p eis_file my.z``) runs one notebook with the user's
parameters; the rest of its numbers, and every number of the other notebooks, still come from the
bundled simulated stand-ins (e.g. the membrane thickness, measured from the bundled cross-section
image when only the impedance file is the user's). Calling all of them "your data" would be wrong
in both directions, so each claim is attributed on its own:

* each section declares, per claim, the parameters of its notebook that name the measurement files
  its number is computed from, beside those parameters: ``Params.FILES_OF`` in
  ``lpsrepro/sections/<notebook>.py`` (e.g. :attr:`lpsrepro.sections.membrane.Params.FILES_OF`),
  collected by :func:`claim_inputs`;
* the build knows the values of those parameters (the notebook's defaults, overridden by the
  variant's) and which of them are the user's files (:func:`lpsrepro.report.input_files`);
* :func:`attribute` then gives every claim ``"data": "your data"`` (with the user's files it was
  computed from, and any bundled file it still used) or ``"data": "bundled stand-in"``; only the
  former are set beside the paper's value as a comparison of two samples, the latter keep their
  stand-in status and calibration marks.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

from lpsrepro import paths
from lpsrepro.sections import FILE_ENTRY as _ENTRY, module_stem

YOUR_DATA, STAND_IN = "your data", "bundled stand-in"
#: Where the declarations live, as claims.json of a variant build says.
DECLARED_IN = "per claim (Params.FILES_OF of lpsrepro/sections/<notebook>.py)"


def files_of(notebook: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The declaration of one notebook's section, ``Params.FILES_OF``, as input groups.

    Each entry becomes a group of names of which the first not None is used: ``"eis_file"`` →
    ``("eis_file",)``, ``("thickness_nm", "cross_section_file")`` stays. The section module is the
    notebook's (:func:`lpsrepro.sections.module_stem`); its import has checked the names.
    """
    module = importlib.import_module(f"lpsrepro.sections.{module_stem(notebook)}")
    declared = getattr(module.Params, "FILES_OF", {}) or {}
    return {cid: tuple(entry if isinstance(entry, tuple) else (entry,) for entry in entries)
            for cid, entries in declared.items()}


def claim_inputs() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Claim id → its input groups (each a tuple of parameter names, of which the first not None is
    used), over the sections of every notebook of the claims registry."""
    from lpsrepro.claims import registry

    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for notebook in sorted({claim.notebook for claim in registry().values()}):
        out.update(files_of(notebook))
    return out


def notebook_values(notebook: Path, overrides: dict[str, Any]) -> dict[str, Any]:
    """The parameter values a notebook ran with: its ``parameters`` cell's defaults, then ``overrides``.

    Defaults are papermill's source text of each value (``'"../data/raw/x.z"'``), read as Python
    literals; a default that is not a literal is left out (it names no file).
    """
    from lpsrepro.build import notebook_parameters

    values: dict[str, Any] = {}
    for name, info in notebook_parameters(notebook).items():
        try:
            values[name] = ast.literal_eval(str(info.get("default")))
        except (ValueError, SyntaxError):
            continue
    values.update(overrides)
    return values


def split_entry(entry: str) -> tuple[str, int | None]:
    """``"dual_xrd_files[0]"`` → ``("dual_xrd_files", 0)``; ``"eis_file"`` → ``("eis_file", None)``."""
    name, index = _ENTRY.match(entry).groups()
    return name, None if index is None else int(index)


def used_parameters(groups: tuple[tuple[str, ...], ...], values: dict[str, Any]) -> list[str]:
    """The inputs (``name`` or ``name[index]``) a claim was computed from, given the values its notebook ran with."""
    used = []
    for names in groups:
        chosen = next((n for n in names if values.get(split_entry(n)[0]) is not None), None)
        if chosen is not None:
            used.append(chosen)
    return used


def _selected(entry: str, values: dict[str, Any]) -> tuple[str, Any, int | None]:
    """(parameter, the value the entry names, its 0-based index in a list parameter or None)."""
    name, index = split_entry(entry)
    value = values.get(name)
    if index is None:
        return name, value, None
    if not isinstance(value, (list, tuple)) or not value:
        return name, None, None
    index %= len(value)   # [-1]: the last file of the list the notebook ran with
    return name, value[index], index


def _bundled(name: str, value: Any, base: Path) -> list[dict[str, str]]:
    """Bundled files named by a parameter value (a string or a list of them): ``[{"parameter", "file"}]``."""
    out = []
    for item in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(item, str) and item.strip():
            path = paths.resolve(item, base=base)
            if path.is_file():
                out.append({"parameter": name, "file": path.name})
    return out


def attribute(user_doc: dict[str, Any], stand_in_doc: dict[str, Any], *, notebook: str,
              values: dict[str, Any], inputs: list[dict[str, str]], base: Path,
              declared: dict[str, tuple[tuple[str, ...], ...]] | None = None) -> dict[str, Any]:
    """Merge the two readings of one build's records into a claims document with per-claim provenance.

    Parameters
    ----------
    user_doc, stand_in_doc : dict
        :func:`lpsrepro.claims.claims_document` of the same records, with ``inputs=`` (every number
        compared as "your sample vs the paper's") and with the stand-ins' declared targets.
    notebook : str
        The notebook the variant ran, as the registry names it (``notebooks/32_membrane.ipynb``):
        claims of other notebooks are bundled stand-ins.
    values : dict
        The parameter values it ran with (:func:`notebook_values`).
    inputs : list of dict
        The user's files, ``{"parameter", "file", "sha256"}`` (:func:`lpsrepro.report.input_files`).
    base : Path
        Folder that relative paths of ``values`` start from (the notebook's).
    declared : dict, optional
        :func:`claim_inputs` (default: the notebook section's ``Params.FILES_OF``, :func:`files_of`).

    Returns
    -------
    dict
        ``user_doc`` whose claims carry ``"data"`` (``"your data"``, ``"bundled stand-in"``, or ``None``
        when not measured), ``"inputs"`` (the user's files of that number) and ``"bundled_inputs"``
        (bundled files it still used); a stand-in claim is taken from ``stand_in_doc``. The summary
        is recounted, with ``"summary_your_data"`` for the user's numbers alone; ``"inputs"`` lists
        each file with the claims computed from it (``"claims"``).
    """
    from lpsrepro.claims import summarise

    declared = files_of(notebook) if declared is None else declared
    fed: dict[int, list[str]] = {id(i): [] for i in inputs}
    items = []
    for user_item, stand_in_item in zip(user_doc["claims"], stand_in_doc["claims"], strict=True):
        cid = user_item["id"]
        used = used_parameters(declared.get(cid, ()), values) if user_item["notebook"] == notebook else []
        mine, others = [], []
        for entry in used:
            name, value, index = _selected(entry, values)
            files = [f for f in inputs if f["parameter"] == name and (index is None or f.get("index") == index)]
            if files:
                mine += [f for f in files if f not in mine]
            else:
                others += _bundled(name, value, base)
        if mine:
            item = dict(user_item, data=YOUR_DATA, inputs=[{"parameter": f["parameter"], "file": f["file"]}
                                                            for f in mine])
            if others:
                item["bundled_inputs"] = others
            for f in mine:
                fed[id(f)].append(cid)
        else:
            item = dict(stand_in_item, data=None if stand_in_item["status"] == "not_attempted" else STAND_IN)
        items.append(item)
    doc = dict(user_doc, claims=items, provenance=DECLARED_IN)
    doc["inputs"] = [dict(i, claims=fed[id(i)]) for i in inputs]
    doc["summary"] = summarise(items)
    yours = [i for i in items if i["data"] == YOUR_DATA]
    rest = [i for i in items if i["data"] != YOUR_DATA]
    doc["summary_your_data"] = summarise(yours)
    doc["summary_text"] = _summary_text(doc["summary_your_data"], len(items), rest)
    return doc


def _summary_text(mine: dict[str, int], total: int, rest: list[dict[str, Any]]) -> str:
    """The summary in words: the user's numbers first, then what still came from the stand-ins."""
    from lpsrepro.claims import summarise

    measured = mine["reproduced"] + mine["deviates"]
    text = (f"Your data: {measured + mine['failed_quality']} of {total} published numbers come from your files: "
            f"{measured} measured ({mine['reproduced']} equal to the paper's value within its printed precision, "
            f"{mine['deviates']} different), {mine['failed_quality']} failed a quality gate.")
    attempted = [i for i in rest if i["status"] != "not_attempted"]
    if attempted:
        s = summarise(attempted)
        text += (f" The other {_plural(len(attempted), 'number comes', 'numbers come')} from the bundled simulated "
                 f"stand-ins, not from your files: {s['reproduced']} reproduced, {s['deviates']} deviate, "
                 f"{s['failed_quality']} failed a quality gate.")
    missing = len(rest) - len(attempted)
    if missing:
        text += f" {missing} not attempted in this build."
    return text


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
