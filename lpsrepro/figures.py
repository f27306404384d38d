"""Saving figure panels and describing them in ``figures/manifest.json``.

A notebook calls :func:`save` with a matplotlib Figure and the paper's panel
name ("Fig. 3d"). The PNG and PDF are written whole or not at all, and the
cell output carries a machine-readable note (MIME type
:data:`FIGURE_MIMETYPE`) from which the build writes the manifest. Panels the
paper has but no notebook rebuilds come from ``data/paper/panels.yaml``, with
their status (``not_rebuildable`` for schemes and photos, with the reason).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

from lpsrepro import paths
from lpsrepro.errors import InputFileError
from lpsrepro.fileio import atomic_path
from lpsrepro.registry import ProgrammingError, lookup
from lpsrepro.registry import loader as registry_loader

FIGURE_MIMETYPE = "application/vnd.lpsrepro.figure+json"
_STEM = re.compile(r"^[a-z0-9][a-z0-9_]*$")
#: Metadata that keeps PNG/PDF bytes free of dates and versions: no creation date, no
#: creator/producer (which carry the matplotlib version), no PNG "Software" chunk.
_METADATA = {"png": {"Software": None},
             "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}
#: Fixed time for anything a writer stamps anyway (fontTools' font ``head.modified`` of the fonts
#: embedded in PDFs, matplotlib's dates): 1 Jan 1980, the ZIP epoch, as reproducible-builds.org suggests.
SOURCE_DATE_EPOCH = "315532800"


#: Environment variable naming the folder :func:`save` writes into. Only the build sets it
#: (to its staging folder, which it publishes into figures/ when every notebook succeeded);
#: the tests set it to a temporary folder.
FIGURES_DIR_ENV = "LPSREPRO_FIGURES_DIR"
#: Where figures go when a notebook runs outside the build (JupyterLab, papermill by hand):
#: never figures/, whose files change only through `lpsrepro build`. Ignored by git.
SCRATCH_FIGURES = paths.ROOT / "build" / "interactive-figures"


def output_dir() -> Path:
    """Folder that :func:`save` writes into: ``$LPSREPRO_FIGURES_DIR``, else :data:`SCRATCH_FIGURES`.

    An interactive run therefore never rewrites the committed ``figures/``; the
    build sets the variable to its staging folder and publishes from there.
    """
    return Path(os.environ.get(FIGURES_DIR_ENV) or SCRATCH_FIGURES)


@contextlib.contextmanager
def _fixed_source_date() -> Any:
    """Set ``SOURCE_DATE_EPOCH`` while saving (unless the caller set one), then restore it."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None:
        os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def save(fig, panel: str, stem: str, caption: str, *, dpi: int = 200) -> dict[str, Any]:
    """Write ``fig`` as ``<stem>.png`` and ``<stem>.pdf`` and announce it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The panel, as returned by one of the ``lpsrepro.plots`` functions.
    panel : str
        The paper's own name of the panel, e.g. ``"Fig. 3d"`` or ``"Fig. S4"``;
        it must be listed in ``data/paper/panels.yaml``.
    stem : str
        File name without extension (lower case, digits and underscores).
    caption : str
        One sentence saying what the panel shows.
    dpi : int
        Resolution of the PNG.

    The files go to :func:`output_dir` (the build's staging folder, or a
    scratch folder when the notebook runs by hand). Their bytes depend only on
    the figure: no dates, no software versions (see :data:`_METADATA`).

    Returns
    -------
    dict
        The manifest note that was displayed.
    """
    # panel and stem are typed in the notebook's code: a wrong one is that notebook's bug
    lookup(panel_registry(), panel, "panel", "data/paper/panels.yaml")
    if not _STEM.match(stem):
        raise ProgrammingError(f"stem {stem!r} is not a file name of lower-case letters, digits and underscores")
    out = output_dir()
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for ext in ("png", "pdf"):
        target = out / f"{stem}.{ext}"
        with atomic_path(target) as tmp, _fixed_source_date():
            fig.savefig(tmp, format=ext, dpi=dpi, metadata=dict(_METADATA[ext]), bbox_inches="tight")
        files.append(f"figures/{stem}.{ext}")
    note = {"panel": panel, "files": files, "caption": " ".join(caption.split())}
    _announce(note)
    return note


def _announce(note: dict[str, Any]) -> None:
    text = f"figure {note['panel']}: " + ", ".join(note["files"])
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": text, FIGURE_MIMETYPE: note}, raw=True)
    else:
        print(text)


def notes_from_notebook(nb) -> list[dict[str, Any]]:
    """All figure notes displayed by an executed notebook."""
    return [dict(out["data"][FIGURE_MIMETYPE]) for cell in nb.cells
            for out in cell.get("outputs", []) if FIGURE_MIMETYPE in out.get("data", {})]


@registry_loader("the panel registry", "panels", dict)
def _load_panels(path: Path, panels: dict) -> dict[str, dict[str, Any]]:
    for name, entry in panels.items():
        if entry.get("status") == "not_rebuildable" and not entry.get("reason"):
            raise InputFileError(path, "a panel that is not rebuildable needs a reason",
                                 field=f"{name}.reason")
    return panels


def panel_registry(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The paper's panels: caption, notebook and (optionally) status/reason."""
    return dict(_load_panels(path or paths.PANELS_REGISTRY))


def manifest(notes_by_notebook: dict[str, list[dict[str, Any]]], *,
             panels_path: Path | None = None) -> dict[str, Any]:
    """Build ``figures/manifest.json``: every paper panel, rebuilt or not.

    Parameters
    ----------
    notes_by_notebook : dict
        ``{"notebooks/32_membrane.ipynb": [note, ...]}`` as collected by
        :func:`notes_from_notebook`.
    """
    panels = panel_registry(panels_path)
    out: dict[str, Any] = {}
    for name, entry in panels.items():
        out[name] = {"caption": " ".join(str(entry.get("caption", "")).split())}
        if entry.get("status") == "not_rebuildable":
            out[name].update(status="not_rebuildable", reason=" ".join(entry["reason"].split()))
        else:
            out[name].update(status="not_attempted", notebook=entry.get("notebook"))
    for notebook, notes in notes_by_notebook.items():
        for note in notes:
            item = out[note["panel"]]
            if item.get("status") == "rebuilt" and item["notebook"] == notebook:
                item["files"] = sorted(set(item["files"]) | set(note["files"]))
                continue
            if item.get("status") == "rebuilt":
                raise ProgrammingError(f"panel {note['panel']!r} must be rebuilt by one notebook only "
                                       f"(also by {item['notebook']})")
            item.update(status="rebuilt", notebook=notebook, files=list(note["files"]),
                        rebuilt_as=note["caption"])
    return out
