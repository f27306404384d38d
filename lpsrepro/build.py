"""``lpsrepro build``: execute the notebooks and write figures, claims and report.

How a build runs
----------------
1. Every notebook (``notebooks/NN_*.ipynb``, in order) is executed by
   papermill with the project's own kernel, its working directory set to
   ``notebooks/`` (so the default data paths resolve) and its figures
   redirected to a staging folder (``LPSREPRO_FIGURES_DIR``).
2. If a notebook fails, the build stops, names the notebook and the cell,
   prints the error (one line for a user mistake, the traceback's tail for a
   bug), saves the failed notebook under ``build/failed/`` for inspection,
   deletes the staging folder — and leaves every previous output untouched.
3. When all notebooks succeeded, the claim records and figure notes are read
   from the executed notebooks (``lpsrepro.claims``, ``lpsrepro.figures``),
   ``claims.json``, ``manifest.json`` and ``REPORT.md`` are composed, and only
   then is everything moved into place, file by file with atomic renames.

A default build (no parameters) writes into the repository: executed notebooks
back into ``notebooks/`` (GitHub shows their outputs) and the rest into
``figures/``. A build with parameters (``-p NAME VALUE``) writes into
``build/custom/`` unless ``--output-dir`` says otherwise, so that a variant
never overwrites the paper's reproduction.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from lpsrepro import claims as claims_mod
from lpsrepro import figures as figures_mod
from lpsrepro import paths
from lpsrepro.errors import LpsreproError, ParameterError
from lpsrepro.fileio import write_json

#: Limits that turn a hung kernel into an error naming the cell, instead of a silent wait.
CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120
#: Exceptions raised inside a notebook that are the user's to fix: shown as one line.
USER_ERRORS = {"ParameterError", "InputFileError", "LpsreproError", "FileNotFoundError"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookFailed(LpsreproError):
    """A notebook raised an error; the message names it, the cell and the error.

    ``user_error`` is true when the error is one the user can fix (a bad
    parameter or input file) rather than a bug.
    """

    def __init__(self, message: str, *, user_error: bool):
        super().__init__(message)
        self.user_error = user_error


@dataclass
class BuildResult:
    """What a build wrote."""

    output_dir: Path
    notebooks: list[Path]
    seconds: dict[str, float] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)


def default_notebooks() -> list[Path]:
    """The paper-section notebooks, in section order (file names start with digits)."""
    return sorted(p for p in paths.NOTEBOOKS.glob("[0-9]*.ipynb"))


def resolve_notebook(name: str | Path) -> Path:
    """Accept ``notebooks/32_membrane.ipynb``, ``32_membrane.ipynb`` or ``32_membrane``."""
    candidates = [Path(name), paths.NOTEBOOKS / Path(name).name, paths.NOTEBOOKS / f"{Path(name).name}.ipynb"]
    for path in candidates:
        if path.is_file() and path.suffix == ".ipynb":
            return path.resolve()
    known = ", ".join(p.name for p in default_notebooks())
    raise ParameterError("notebook", str(name), f"one of the notebooks in notebooks/: {known}")


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The notebook's parameters (name → default, inferred type, help comment), via papermill."""
    import papermill

    return dict(papermill.inspect_notebook(str(notebook)))


def parse_parameter_value(text: str) -> Any:
    """Parse a ``-p`` value like papermill does: int, float, True/False/None, else str."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"True": True, "False": False, "None": None, "true": True, "false": False}.get(text, text)


def check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Refuse parameter names that the notebook does not declare."""
    declared = notebook_parameters(notebook)
    for name in parameters:
        if name not in declared:
            raise ParameterError(name, parameters[name],
                                 f"a parameter of {notebook.name}; it has: " + ", ".join(declared))


def _strip_volatile_metadata(nb):
    """Make a rebuilt notebook differ from the previous one only where a result changed.

    Removes papermill's timings and replaces the random ids of ipywidgets models
    (in the saved widget state and in the widget-view outputs) by ids numbered in
    creation order. Returns the cleaned notebook node.
    """
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    saved = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    state = saved.get("state", {})
    if not state:
        return nb
    order = _widget_ids_in_reading_order(nb, state)
    labels = {model_id: f"lpsrepro{i:024d}" for i, model_id in enumerate(order)}
    any_id = re.compile("|".join(re.escape(m) for m in sorted(labels, key=len, reverse=True)))
    text = any_id.sub(lambda match: labels[match.group(0)], json.dumps(nb))  # one pass: no chained renames
    clean = nbformat.from_dict(json.loads(text))
    widgets_state = clean.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    widgets_state["state"] = dict(sorted(widgets_state["state"].items()))
    return clean


_MODEL_REF = re.compile(r"IPY_MODEL_([^\"]+)")


def _widget_ids_in_reading_order(nb, state: dict) -> list[str]:
    """Widget model ids ordered by a walk from the displayed widgets through their references.

    The ids themselves are random, and so is the order of the saved state; the
    structure is not. Numbering models in the order a reader meets them gives
    the same labels at every build.
    """
    roots = [out["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for cell in nb.cells for out in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    order: list[str] = []
    queue = [r for r in roots if r in state]
    while queue:
        model_id = queue.pop(0)
        if model_id in order:
            continue
        order.append(model_id)
        queue.extend(ref for ref in _MODEL_REF.findall(json.dumps(state[model_id], sort_keys=True))
                     if ref in state and ref not in order)
    rest = sorted((m for m in state if m not in order), key=lambda m: json.dumps(state[m], sort_keys=True))
    return order + rest


def _display_name(notebook: Path) -> str:
    return str(notebook.relative_to(paths.ROOT) if notebook.is_relative_to(paths.ROOT) else notebook)


def _keep_failed(notebook: Path, output: Path) -> str:
    """Copy a failed notebook to build/failed/ and say so."""
    failed = paths.ROOT / "build" / "failed" / notebook.name
    failed.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        shutil.copyfile(output, failed)
        return f"\nThe executed notebook is saved in {failed.relative_to(paths.ROOT)}; no output of this build was kept."
    return "\nNo output of this build was kept."


def _execute(notebook: Path, output: Path, parameters: dict[str, Any], figures_dir: Path,
             progress_bar: bool) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    previous = os.environ.get(figures_mod.FIGURES_DIR_ENV)
    os.environ[figures_mod.FIGURES_DIR_ENV] = str(figures_dir)
    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=parameters or None,
                                   kernel_name="python3", cwd=str(notebook.parent),
                                   progress_bar=progress_bar, log_output=False,
                                   execution_timeout=CELL_TIMEOUT_S, start_timeout=KERNEL_START_TIMEOUT_S)
    except PapermillExecutionError as exc:
        message = f"{_display_name(notebook)} failed in cell {exc.cell_index + 1} " \
                  f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}"
        if exc.ename not in USER_ERRORS:
            tail = "\n".join(_ANSI.sub("", line) for line in exc.traceback[-6:])
            message += f"\n--- end of the traceback ---\n{tail}"
        raise NotebookFailed(message + _keep_failed(notebook, output), user_error=exc.ename in USER_ERRORS) from None
    except (TimeoutError, RuntimeError) as exc:  # a cell over CELL_TIMEOUT_S, a dead or silent kernel
        message = f"{_display_name(notebook)} did not finish: {type(exc).__name__}: {exc}"
        raise NotebookFailed(message + _keep_failed(notebook, output), user_error=False) from None
    finally:
        if previous is None:
            os.environ.pop(figures_mod.FIGURES_DIR_ENV, None)
        else:
            os.environ[figures_mod.FIGURES_DIR_ENV] = previous
    nbformat.write(_strip_volatile_metadata(nbformat.read(output, as_version=4)), output)


def collect(notebook_files: dict[str, Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read claims and figure notes from executed notebooks → (claims.json, manifest.json).

    ``notebook_files`` maps the notebook's repository name
    (``notebooks/32_membrane.ipynb``) to the executed file to read.
    """
    records, notes = [], {}
    for name, path in notebook_files.items():
        nb = nbformat.read(path, as_version=4)
        records.extend(claims_mod.records_from_notebook(nb))
        notes[name] = figures_mod.notes_from_notebook(nb)
    from lpsrepro.simulate import calibration_targets

    return (claims_mod.claims_document(records, calibrated=calibration_targets()),
            figures_mod.manifest(notes))


def build(notebooks: list[str | Path] | None = None, parameters: dict[str, Any] | None = None, *,
          output_dir: str | Path | None = None, echo: Callable[[str], None] = print,
          progress_bar: bool = True) -> BuildResult:
    """Execute notebooks and write figures, claims.json, manifest.json and REPORT.md.

    Parameters
    ----------
    notebooks : list, optional
        Notebooks to execute (default: all). Others keep their committed outputs,
        which are still collected into the claims and the manifest.
    parameters : dict, optional
        papermill parameters; only with a single notebook.
    output_dir : path, optional
        Where to write. Default: the repository itself without parameters,
        ``build/custom`` with parameters.
    """
    from lpsrepro.report import write_report

    parameters = dict(parameters or {})
    selected = [resolve_notebook(n) for n in notebooks] if notebooks else default_notebooks()
    if not selected:
        raise ParameterError("notebooks", "notebooks/", "at least one notebook named NN_*.ipynb")
    if parameters:
        if len(selected) != 1:
            raise ParameterError("-p", parameters, "one notebook to build when parameters are given")
        check_parameters(selected[0], parameters)
    if output_dir is None:
        output_dir = paths.ROOT / "build" / "custom" if parameters else paths.ROOT
    output_dir = Path(output_dir).resolve()
    in_repository = output_dir == paths.ROOT.resolve()
    notebooks_out = paths.NOTEBOOKS if in_repository else output_dir / "notebooks"
    figures_out = paths.FIGURES if in_repository else output_dir / "figures"

    result = BuildResult(output_dir=output_dir, notebooks=selected)
    staging_parent = paths.ROOT if in_repository else output_dir
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-staging-", dir=staging_parent))
    try:
        (staging / "figures").mkdir()
        (staging / "notebooks").mkdir()
        for i, notebook in enumerate(selected, start=1):
            echo(f"[{i}/{len(selected)}] {notebook.name}")
            start = time.perf_counter()
            _execute(notebook, staging / "notebooks" / notebook.name, parameters, staging / "figures", progress_bar)
            result.seconds[notebook.name] = time.perf_counter() - start
            echo(f"      done in {result.seconds[notebook.name]:.1f} s")

        # Claims and manifest come from every notebook: fresh ones from staging, the rest as committed.
        sources = {f"notebooks/{nb.name}": nb for nb in default_notebooks()} if in_repository else {}
        sources.update({f"notebooks/{nb.name}": staging / "notebooks" / nb.name for nb in selected})
        claims_doc, manifest_doc = collect(sources)
        write_json(staging / "figures" / "claims.json", claims_doc)
        write_json(staging / "figures" / "manifest.json", manifest_doc)
        write_report(staging / "figures" / "REPORT.md", claims_doc, manifest_doc,
                     variant=None if not parameters else {"notebook": selected[0].name, "parameters": parameters})
        _publish(staging, notebooks_out, figures_out, prune=in_repository and notebooks is None, manifest=manifest_doc)
        result.claims = claims_doc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = result.claims.get("summary", {})
    echo("claims: " + ", ".join(f"{v} {k}" for k, v in summary.items()) + f"  →  {figures_out / 'claims.json'}")
    return result


def _publish(staging: Path, notebooks_out: Path, figures_out: Path, *, prune: bool,
             manifest: dict[str, Any]) -> None:
    """Move staged files into place (atomic rename per file); optionally drop stale figures."""
    notebooks_out.mkdir(parents=True, exist_ok=True)
    figures_out.mkdir(parents=True, exist_ok=True)
    for path in sorted((staging / "figures").iterdir()):
        os.replace(path, figures_out / path.name)
    for path in sorted((staging / "notebooks").iterdir()):
        os.replace(path, notebooks_out / path.name)
    if prune:
        listed = {Path(f).name for entry in manifest.values() for f in entry.get("files", [])}
        for path in figures_out.glob("*.p[dn][fg]"):
            if path.name not in listed:
                path.unlink()


def refresh_from_committed(echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Rewrite claims.json, manifest.json and REPORT.md from the committed notebooks, executing nothing."""
    from lpsrepro.report import write_report

    claims_doc, manifest_doc = collect({f"notebooks/{nb.name}": nb for nb in default_notebooks()})
    write_json(paths.FIGURES / "claims.json", claims_doc)
    write_json(paths.FIGURES / "manifest.json", manifest_doc)
    write_report(paths.FIGURES / "REPORT.md", claims_doc, manifest_doc, variant=None)
    echo("claims: " + ", ".join(f"{v} {k}" for k, v in claims_doc["summary"].items()))
    return claims_doc


__all__ = ["build", "collect", "refresh_from_committed", "notebook_parameters", "parse_parameter_value",
           "resolve_notebook", "default_notebooks", "NotebookFailed", "BuildResult"]
