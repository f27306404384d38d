"""``lpsrepro build``: execute the notebooks and write figures, claims and report.

How a build runs
----------------
1. Under a lock (one build at a time per output folder), a publish that an
   earlier, killed build left half done is rolled back and the staging
   folders of dead builds are removed (:mod:`lpsrepro.publish`).
2. Each notebook is compared with its cached result (:mod:`lpsrepro.buildcache`):
   its source, parameters, the lock file, and every file, module and
   ledger/registry entry that its last run read. Notebooks whose inputs are
   unchanged are not run; ``--force`` runs them all, ``--dry-run`` says why
   each would run.
3. The others run in parallel worker processes (``concurrent.futures``, as
   many as cores by default), each with its own kernel, its working
   directory ``notebooks/``, its figures in a staging folder, and a kernel
   extension that records what the notebook reads (:mod:`lpsrepro._kernel_deps`).
   A failure names the notebook and the cell, saves the failed notebook under
   ``build/failed/``, and leaves every previous output untouched. Ctrl-C stops
   the workers and their kernels within seconds.
4. The output set (executed notebooks, figures, ``claims.json``,
   ``manifest.json``, ``REPORT.md``) is composed from the cache and the files
   that differ are published as one set (a journal makes it all old or all new).

A default build (no parameters) writes into the repository: executed notebooks
back into ``notebooks/`` (GitHub shows their outputs) and the rest into
``figures/``. A build with parameters (``-p NAME VALUE``) writes into
``build/custom/`` unless ``--output-dir`` says otherwise, so that a variant
never overwrites the paper's reproduction.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Heavy modules (nbformat, papermill, the claims and figures layers) are imported where they are used,
# so that a build with nothing to do starts and ends in well under a second.
from lpsrepro import paths
from lpsrepro.errors import LpsreproError, ParameterError
from lpsrepro.fileio import write_json

#: Limits that turn a hung kernel into an error naming the cell, instead of a silent wait.
CELL_TIMEOUT_S = 600
KERNEL_START_TIMEOUT_S = 120
#: Seconds to wait between two renames of the publish step (for the kill-at-any-point tests only).
PUBLISH_PAUSE_ENV = "LPSREPRO_TEST_PUBLISH_PAUSE_S"
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


def default_notebooks(project: Project | None = None) -> list[Path]:
    """The paper-section notebooks, in section order (file names start with digits)."""
    folder = project.notebooks_dir if project else paths.NOTEBOOKS
    return sorted(p for p in folder.glob("[0-9]*.ipynb"))


def resolve_notebook(name: str | Path, project: Project | None = None) -> Path:
    """Accept ``notebooks/32_membrane.ipynb``, ``32_membrane.ipynb`` or ``32_membrane``."""
    folder = project.notebooks_dir if project else paths.NOTEBOOKS
    candidates = [Path(name), folder / Path(name).name, folder / f"{Path(name).name}.ipynb"]
    for path in candidates:
        if path.is_file() and path.suffix == ".ipynb":
            return path.resolve()
    known = ", ".join(p.name for p in default_notebooks(project))
    raise ParameterError("notebook", str(name), f"one of the notebooks in notebooks/: {known}")


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The notebook's parameters (name → default, inferred type, help comment), via papermill."""
    path = Path(notebook).resolve()
    stat = path.stat()
    return dict(_inspect(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=16)
def _inspect(path: str, mtime_ns: int, size: int) -> dict[str, dict[str, Any]]:
    import papermill

    return dict(papermill.inspect_notebook(path))


def parse_parameter_value(text: str) -> Any:
    """Parse a ``-p`` value: int, float, True/False/None, a JSON/YAML list or mapping, else str."""
    from lpsrepro.params import parse_text

    return parse_text(text)


def check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Refuse parameter names that the notebook does not declare, and values it cannot take."""
    validate_parameters(notebook, parameters)


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
        if cell.get("outputs"):
            cell.outputs = _merge_streams(cell.outputs)
    saved = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    state = saved.get("state", {})
    if not state:
        return nb
    order = _widget_ids_in_reading_order(nb, state)
    labels = {model_id: f"lpsrepro{i:024d}" for i, model_id in enumerate(order)}
    any_id = re.compile("|".join(re.escape(m) for m in sorted(labels, key=len, reverse=True)))
    text = any_id.sub(lambda match: labels[match.group(0)], json.dumps(nb))  # one pass: no chained renames
    import nbformat

    clean = nbformat.from_dict(json.loads(text))
    widgets_state = clean.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    widgets_state["state"] = dict(sorted(widgets_state["state"].items()))
    return clean


def _merge_streams(outputs):
    """Join consecutive chunks of one stream: how a print is split into messages varies between runs."""
    merged = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")):
            merged[-1]["text"] = "".join(merged[-1]["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


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


def _display_name(notebook: Path, project: Project | None = None) -> str:
    root = project.root if project else paths.ROOT
    return str(notebook.relative_to(root) if notebook.is_relative_to(root) else notebook)


def _keep_failed(notebook: Path, output: Path, project: Project | None = None) -> str:
    """Copy a failed notebook to build/failed/ and say so."""
    root = project.root if project else paths.ROOT
    failed = root / "build" / "failed" / notebook.name
    failed.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        shutil.copyfile(output, failed)
        return f"\nThe executed notebook is saved in {failed.relative_to(root)}; no output of this build was kept."
    return "\nNo output of this build was kept."


def collect(notebook_files: dict[str, Path], *, inputs: list[dict[str, str]] | None = None,
            variant: dict[str, Any] | None = None, base: Path | None = None
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read claims and figure notes from executed notebooks → (claims.json, manifest.json).

    ``notebook_files`` maps the notebook's repository name
    (``notebooks/32_membrane.ipynb``) to the executed file to read; ``inputs`` lists the user's own
    data files of a variant build (:func:`lpsrepro.report.input_files`), and ``variant``
    (``{"notebook": "32_membrane.ipynb", "parameters": {...}}``) the build that used them. Each claim
    is then attributed on its own (:func:`lpsrepro.provenance.attribute`): "your data" with the files
    it was computed from, set beside the paper's value as a comparison of two samples, or "bundled
    stand-in" (with the stand-ins' status and calibration marks) when none of its inputs is the
    user's. ``base`` is the folder the notebook's own relative paths start from (default:
    ``notebooks/``).
    """
    import nbformat

    from lpsrepro import claims as claims_mod
    from lpsrepro import figures as figures_mod

    records, notes = [], {}
    for name, path in notebook_files.items():
        nb = nbformat.read(path, as_version=4)
        records.extend(claims_mod.records_from_notebook(nb))
        notes[name] = figures_mod.notes_from_notebook(nb)
    targets = claims_mod.declared_targets()
    manifest = figures_mod.manifest(notes)
    if not inputs:
        return claims_mod.claims_document(records, **targets), manifest
    user_doc = claims_mod.claims_document(records, **targets, inputs=inputs)
    executed = notebook_files.get(f"notebooks/{variant['notebook']}") if variant else None
    if executed is None:  # no notebook to attribute the claims to: every number is the user's
        return user_doc, manifest
    from lpsrepro import provenance

    values = provenance.notebook_values(executed, variant["parameters"])
    doc = provenance.attribute(user_doc, claims_mod.claims_document(records, **targets),
                               notebook=f"notebooks/{variant['notebook']}", values=values, inputs=inputs,
                               base=base or paths.NOTEBOOKS)
    return doc, manifest


@dataclass(frozen=True)
class Project:
    """The folders a build reads and writes (the repository by default; a temporary copy in tests)."""

    root: Path
    notebooks_dir: Path
    figures_dir: Path
    lock_file: Path

    @classmethod
    def default(cls) -> Project:
        return cls(paths.ROOT, paths.NOTEBOOKS, paths.FIGURES, paths.ROOT / "requirements-lock.txt")

    @classmethod
    def at(cls, root: str | Path) -> Project:
        root = Path(root).resolve()
        return cls(root, root / "notebooks", root / "figures", root / "requirements-lock.txt")


def summary_line(summary: dict[str, int], text: str | None = None) -> str:
    """``33 reproduced (4 of them from data not calibrated to that number), 3 deviates, ...``.

    ``text`` (claims.json's ``summary_text``, which also counts implied numbers and predictions)
    is used when there is one.
    """
    if text:
        return text
    parts = []
    for status, count in summary.items():
        if status == "reproduced_without_calibration":
            continue
        text = f"{count} {status.replace('_', ' ')}"
        if status == "reproduced" and summary.get("reproduced_without_calibration"):
            text += f" ({summary['reproduced_without_calibration']} of them from data not calibrated to that number)"
        parts.append(text)
    return ", ".join(parts)


def default_jobs() -> int:
    """As many workers as cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- one notebook, in a worker
#: Kernel options: record dependencies (IPython extension) and keep the kernel's own log (such as
#: "Kernel is running over TCP without encryption", harmless for a kernel bound to localhost) out of
#: the terminal: the kernel logs errors only, into the build's per-notebook log file.
KERNEL_ARGUMENTS = ["--IPKernelApp.extensions=['lpsrepro._kernel_deps']", "--IPKernelApp.log_level=ERROR"]


def _worker_init() -> None:
    """Set up a worker process: Ctrl-C is the build's to handle; die with the build."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # Linux: PR_SET_PDEATHSIG, so that a SIGKILLed build leaves no orphan worker
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover
        pass


def _run_notebook(job: dict[str, Any]) -> dict[str, Any]:
    """Execute one notebook into ``job['out']`` (a worker's task; returns a picklable summary)."""
    import resource

    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from lpsrepro import figures as figures_mod

    notebook, out = Path(job["notebook"]), Path(job["out"])
    (out / "figures").mkdir(parents=True, exist_ok=True)
    log = os.open(out / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)  # the worker's and the kernel's messages go to the log, not to the terminal
    os.dup2(log, 2)
    os.close(log)
    os.environ.update({figures_mod.FIGURES_DIR_ENV: str(out / "figures"), "LPSREPRO_DEPS_FILE": str(out / "deps.jsonl"),
                       "LPSREPRO_PROJECT_ROOT": job["root"], "JUPYTER_RUNTIME_DIR": job["runtime"],
                       "PYDEVD_DISABLE_FILE_VALIDATION": "1", "TMPDIR": job["runtime"]})
    # jupyter_client writes the connection file (it holds the kernel's signing key) with mkstemp, and the
    # kernel its own temporary files under TMPDIR: both in the build's runtime folder, removed even after a kill.
    import tempfile

    tempfile.tempdir = job["runtime"]
    # Parallel notebooks share the cores: each kernel's numerical libraries get their share of threads
    # (oversubscribed BLAS/OpenMP threads would cancel the gain of running notebooks side by side).
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(job["threads"]))
    output = out / "notebook.ipynb"
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=job["parameters"] or None,
                                   kernel_name="python3", cwd=str(notebook.parent), progress_bar=False,
                                   log_output=False, execution_timeout=CELL_TIMEOUT_S,
                                   start_timeout=KERNEL_START_TIMEOUT_S, extra_arguments=KERNEL_ARGUMENTS)
    except PapermillExecutionError as exc:
        message = f"{job['display']} failed in cell {exc.cell_index + 1} " \
                  f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}"
        if exc.ename not in USER_ERRORS:
            tail = "\n".join(_ANSI.sub("", line) for line in exc.traceback[-6:])
            message += f"\n--- end of the traceback ---\n{tail}"
        return {"ok": False, "message": message, "user_error": exc.ename in USER_ERRORS}
    except (TimeoutError, RuntimeError) as exc:  # a cell over CELL_TIMEOUT_S, a dead or silent kernel
        return {"ok": False, "message": f"{job['display']} did not finish: {type(exc).__name__}: {exc}",
                "user_error": False}
    nbformat.write(_strip_volatile_metadata(nbformat.read(output, as_version=4)), output)
    return {"ok": True, "seconds": time.perf_counter() - start,
            "kernel_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def tree_rss_bytes(process) -> int:
    """Resident memory of a ``psutil.Process`` and all its children, in bytes (those that end while
    being read are skipped). Used by the build's memory sampler and by ``benchmarks/build.py``."""
    import psutil

    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


class _MemorySampler(threading.Thread):
    """Peak resident memory of this process and all its descendants (kernels included)."""

    def __init__(self, interval: float = 0.2):
        super().__init__(daemon=True)
        self.interval, self.peak, self._stop_event = interval, 0, threading.Event()

    def start(self) -> None:
        import psutil  # imported here, in the calling thread: never an import running in two threads

        self._psutil = psutil
        super().start()

    def run(self) -> None:
        me = self._psutil.Process()
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_bytes(me))
            self._stop_event.wait(self.interval)

    def stop(self) -> float:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=2)
        return self.peak / 2**20


def _stop_children(grace_s: float = 2.0) -> None:
    """Terminate every descendant (workers, kernels), then kill what is left after ``grace_s``."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for proc in children:
        try:
            proc.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace_s)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace_s)


def _execute_all(jobs: list[dict[str, Any]], n_workers: int, echo: Callable[[str], None],
                 on_started: Callable[[], None] | None = None) -> dict[str, dict]:
    """Run notebooks in parallel worker processes (``concurrent.futures``); results by notebook name.

    Every job runs to its end even when another fails, so that each failure is reported. Ctrl-C
    (KeyboardInterrupt) stops the workers and their kernels within seconds, then propagates.
    """
    import multiprocessing

    results: dict[str, dict] = {}
    if not jobs:
        return results
    # fork: workers start in milliseconds and never re-import the caller's __main__ (forkserver/spawn
    # would). Forking is safe only while this process has no other thread: with the fork context the
    # executor starts all its workers at the first submit, before its own manager thread, and the
    # memory sampler is started only after that (a fork taken while a thread holds a lock deadlocks).
    context = multiprocessing.get_context("fork")
    executor = ProcessPoolExecutor(max_workers=min(n_workers, len(jobs)), mp_context=context,
                                   initializer=_worker_init)
    try:
        futures = {executor.submit(_run_notebook, job): job for job in jobs}
        if on_started is not None:
            on_started()
        for n, future in enumerate(as_completed(futures), start=1):
            job = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                result = {"ok": False, "message": f"{job['display']}: its worker process died "
                          f"(out of memory?); see {job['out']}/kernel.log", "user_error": False}
            results[job["name"]] = result
            state = (f"done in {result['seconds']:.0f} s, kernel peak {result['kernel_peak_mib']:.0f} MiB"
                     if result["ok"] else "FAILED")
            echo(f"[{n}/{len(jobs)}] {job['name']}: {state}")
        executor.shutdown(wait=True)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        _stop_children()
        raise
    return results


# --------------------------------------------------------------------------- the build
def build(notebooks: list[str | Path] | None = None, parameters: dict[str, Any] | None = None, *,
          output_dir: str | Path | None = None, echo: Callable[[str], None] = print,
          progress_bar: bool = False, force: bool = False, dry_run: bool = False, jobs: int | None = None,
          parameter_base: str | Path | None = None, project: Project | None = None,
          _publish_pause: Callable[[], None] | None = None) -> BuildResult:
    """Execute the notebooks whose inputs changed; publish notebooks, figures, claims.json, manifest.json, REPORT.md.

    Parameters
    ----------
    notebooks : list, optional
        Notebooks to build (default: all). Others keep their committed outputs,
        which are still collected into the claims and the manifest.
    parameters : dict, optional
        papermill parameters; only with a single notebook. Checked before
        anything runs (:func:`lpsrepro.params.check_value`); relative file paths
        are taken from ``parameter_base`` (default: the current folder).
    output_dir : path, optional
        Where to write. Default: the repository itself without parameters,
        ``build/custom`` with parameters.
    force : bool
        Run every selected notebook, whatever the cache says.
    dry_run : bool
        Only say which notebooks would run and why; change nothing.
    jobs : int, optional
        Notebooks run at once (default: the number of cores).
    progress_bar : bool
        Ignored (kept for compatibility): notebooks run in worker processes and
        progress is reported per notebook.
    """
    from lpsrepro import buildcache, publish

    project = project or Project.default()
    parameters = dict(parameters or {})
    selected = [resolve_notebook(n, project) for n in notebooks] if notebooks else default_notebooks(project)
    if not selected:
        raise ParameterError("notebooks", str(project.notebooks_dir), "at least one notebook named NN_*.ipynb")
    if parameters:
        if len(selected) != 1:
            raise ParameterError("-p", parameters, "one notebook to build when parameters are given")
        parameters = validate_parameters(selected[0], parameters, base=parameter_base)
    if output_dir is None:
        output_dir = project.root / "build" / "custom" if parameters else project.root
    output_dir = Path(output_dir).resolve()
    in_repository = output_dir == project.root.resolve()
    notebooks_out = project.notebooks_dir if in_repository else output_dir / "notebooks"
    figures_out = project.figures_dir if in_repository else output_dir / "figures"
    state_dir = project.root / "build" if in_repository else output_dir / ".lpsrepro-build"
    result = BuildResult(output_dir=output_dir, notebooks=selected)

    with publish.BuildLock(state_dir):
        if publish.recover(state_dir):
            echo("rolled back the outputs that an interrupted build had half published")
        publish.remove_debris(state_dir)
        registries = buildcache._RegistryReader()
        plan = []
        for notebook in selected:
            static = buildcache.static_inputs(notebook, parameters, project.lock_file)
            record = _read_record(state_dir / "cache" / notebook.stem)
            fresh = buildcache.Freshness(False, ["--force"]) if force else \
                buildcache.check(record, static, project.root, registries)
            plan.append((notebook, static, fresh))
        if dry_run:
            for notebook, _, fresh in plan:
                echo(f"up to date: {notebook.name}" if fresh.fresh else
                     f"would run: {notebook.name} ({'; '.join(fresh.reasons[:4])}"
                     + (f"; and {len(fresh.reasons) - 4} more" if len(fresh.reasons) > 4 else "") + ")")
            return result

        staging = state_dir / f".staging-{os.getpid()}"
        runtime = state_dir / f".run-{os.getpid()}"
        sampler = _MemorySampler()  # started once the workers are forked
        try:
            shutil.rmtree(staging, ignore_errors=True)
            runtime.mkdir(parents=True, exist_ok=True)
            todo = [(nb, static) for nb, static, fresh in plan if not fresh.fresh]
            for nb, _, fresh in plan:
                if fresh.fresh:
                    echo(f"up to date: {nb.name}")
            n_workers = jobs or default_jobs()
            if todo:
                echo(f"running {len(todo)} notebook(s) on {min(n_workers, len(todo))} worker(s): "
                     + ", ".join(nb.name for nb, _ in todo))
            job_list = [{"notebook": str(nb), "name": nb.name, "display": _display_name(nb, project),
                         "out": str(staging / nb.stem), "parameters": parameters, "root": str(project.root),
                         "runtime": str(runtime),
                         "threads": max(1, default_jobs() // max(1, min(n_workers, len(todo))))} for nb, _ in todo]
            outcomes = _execute_all(job_list, n_workers, echo, on_started=sampler.start)
            failures = [(job, outcomes[job["name"]]) for job in job_list if not outcomes[job["name"]]["ok"]]
            if failures:
                messages = []
                for job, outcome in failures:
                    messages.append(outcome["message"] + _keep_failed(Path(job["notebook"]),
                                                                     Path(job["out"]) / "notebook.ipynb", project))
                raise NotebookFailed("\n".join(messages), user_error=all(o["user_error"] for _, o in failures))
            for nb, static in todo:
                result.seconds[nb.name] = outcomes[nb.name]["seconds"]
                _store_in_cache(staging / nb.stem, state_dir / "cache" / nb.stem, static, registries)
            claims_doc = _compose_and_publish(
                project, selected, state_dir, staging / "out", notebooks_out, figures_out,
                in_repository=in_repository, prune=in_repository and notebooks is None,
                variant=None if not parameters else {"notebook": selected[0].name, "parameters": parameters},
                echo=echo, pause=_publish_pause)
            result.claims = claims_doc
        finally:
            peak = sampler.stop()
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(runtime, ignore_errors=True)
    summary = result.claims.get("summary", {})
    if todo:
        echo(f"peak memory of the build and its kernels: {peak:.0f} MiB")
    if summary:
        report = figures_out / "REPORT.md"
        shown = report.relative_to(Path.cwd()) if report.is_relative_to(Path.cwd()) else report
        echo(f"claims: {summary_line(summary, result.claims.get('summary_text'))} Details in {shown}")
    return result


def validate_parameters(notebook: Path, parameters: dict[str, Any], *, base: str | Path | None = None
                        ) -> dict[str, Any]:
    """Check every parameter against the notebook's declaration before anything runs.

    Unknown names are refused with the list of known ones; each value is checked
    against :func:`lpsrepro.params.spec_of` (the default's type, the ledger range
    for ``(assumption KEY)`` parameters); file paths become absolute, relative
    paths being taken from ``base`` (default: the current folder).
    """
    from lpsrepro import params as params_mod

    declared = notebook_parameters(notebook)
    base = Path(base).resolve() if base else Path.cwd()
    checked = {}
    for name, value in parameters.items():
        if name not in declared:
            raise ParameterError(name, value, f"a parameter of {notebook.name}; it has: " + ", ".join(declared))
        info = declared[name]
        default = _literal(info.get("default"))
        spec = params_mod.spec_of(name, default, info.get("help") or "")
        checked[name] = params_mod.check_value(spec, value, base=base)
    return checked


def _literal(text: Any) -> Any:
    """papermill reports defaults as source text: read it as a Python literal (None if it is not one)."""
    import ast

    if not isinstance(text, str):
        return text
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def _read_record(cache_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((cache_dir / "record.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not record.get("complete") or not (cache_dir / "notebook.ipynb").is_file():
        return None
    return record


def _store_in_cache(run_dir: Path, cache_dir: Path, static: dict[str, str], registries) -> None:
    """Hash what the run recorded and swap its results into the cache (one rename)."""
    from lpsrepro import buildcache

    records = buildcache.read_deps(run_dir / "deps.jsonl")
    record = {"static": static, "deps": buildcache.hash_deps(records or [], registries),
              "complete": records is not None}
    write_json(run_dir / "record.json", record)
    for name in ("deps.jsonl",):
        (run_dir / name).unlink(missing_ok=True)
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    old = cache_dir.with_name(f"{cache_dir.name}.old-{os.getpid()}")
    if cache_dir.exists():
        os.replace(cache_dir, old)
    os.replace(run_dir, cache_dir)
    shutil.rmtree(old, ignore_errors=True)


def _compose_and_publish(project: Project, selected: list[Path], state_dir: Path, out: Path,
                         notebooks_out: Path, figures_out: Path, *, in_repository: bool, prune: bool,
                         variant: dict | None, echo: Callable[[str], None], pause) -> dict[str, Any]:
    """Assemble the output set from the cache and publish what differs, as one set."""
    from lpsrepro import buildcache, publish

    cached = {nb.name: state_dir / "cache" / nb.stem for nb in selected}
    sources = {f"notebooks/{nb.name}": nb for nb in default_notebooks(project)} if in_repository else {}
    sources.update({f"notebooks/{name}": folder / "notebook.ipynb" for name, folder in cached.items()})
    key = _composition_key(project, sources, variant, prune)
    published_file = state_dir / ("published.json" if in_repository else "published-output.json")
    try:
        published = json.loads(published_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        published = {}
    if published.get("key") == key and all(buildcache.file_hash(t) == h for t, h in published.get("files", {}).items()):
        echo("outputs are up to date")
        return json.loads((figures_out / "claims.json").read_text(encoding="utf-8"))

    from lpsrepro.report import write_report

    (out / "figures").mkdir(parents=True, exist_ok=True)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    wanted: dict[Path, Path] = {}
    for name, folder in cached.items():
        wanted[out / "notebooks" / name] = notebooks_out / name
        shutil.copyfile(folder / "notebook.ipynb", out / "notebooks" / name)
        for fig in sorted((folder / "figures").iterdir()):
            shutil.copyfile(fig, out / "figures" / fig.name)
            wanted[out / "figures" / fig.name] = figures_out / fig.name
    from lpsrepro.report import input_files

    inputs = input_files(variant["parameters"]) if variant else None
    claims_doc, manifest_doc = collect(sources, inputs=inputs, variant=variant, base=project.notebooks_dir)
    write_json(out / "figures" / "claims.json", claims_doc)
    write_json(out / "figures" / "manifest.json", manifest_doc)
    write_report(out / "figures" / "REPORT.md", claims_doc, manifest_doc, variant=variant,
                 inputs=claims_doc.get("inputs") or inputs)
    for name in ("claims.json", "manifest.json", "REPORT.md"):
        wanted[out / "figures" / name] = figures_out / name
    changed = {staged: target for staged, target in wanted.items()
               if buildcache.file_hash(staged) != buildcache.file_hash(target) and not _pdf_noise(staged, target)}
    deletions = []
    if prune:
        listed = {Path(f).name for entry in manifest_doc.values() for f in entry.get("files", [])}
        deletions = [p for p in sorted(figures_out.glob("*.p[dn][fg]")) if p.name not in listed]
    if pause is None and os.environ.get(PUBLISH_PAUSE_ENV):  # tests: widen the publish to kill a build inside it
        pause = functools.partial(time.sleep, float(os.environ[PUBLISH_PAUSE_ENV]))
    if changed or deletions:
        publish.publish(state_dir, changed, deletions, pause=pause)
        echo(f"published {len(changed)} changed file(s)" + (f", removed {len(deletions)}" if deletions else ""))
    else:
        echo("outputs are up to date")
    write_json(published_file, {"key": key, "files": {str(t): buildcache.file_hash(t) for t in wanted.values()}})
    return claims_doc


def _pdf_noise(staged: Path, target: Path) -> bool:
    """Whether a figure's new PDF differs from the published one only below what it draws.

    A PDF stores coordinates to 10⁻⁶ pt, so a fitted curve whose parameters differ in their last bits
    between CPUs (numpy's SIMD code paths; docs/ARCHITECTURE.md, "Determinism") rewrites the file
    although nothing visible changed. The PNG beside it, rendered from the same figure, is the test:
    when its pixels are byte-identical and the published PDF exists, the PDF is kept as it is, so
    that a rebuild on another machine changes a committed figure only where a result changed.
    """
    if staged.suffix != ".pdf" or not target.exists():
        return False
    from lpsrepro import buildcache

    png_staged, png_target = staged.with_suffix(".png"), target.with_suffix(".png")
    return (png_staged.exists() and png_target.exists()
            and buildcache.file_hash(png_staged) == buildcache.file_hash(png_target))


def _composition_key(project: Project, sources: dict[str, Path], variant, prune: bool) -> str:
    """Hash of everything claims.json, manifest.json and REPORT.md are composed from."""
    from lpsrepro import buildcache

    parts = {name: buildcache.file_hash(path) for name, path in sorted(sources.items())}
    for path in [*sorted(Path(paths.PAPER).glob("*.yaml")), *sorted((paths.FIGURES / "sensitivity").glob("*.json"))]:
        parts[str(path)] = buildcache.file_hash(path)   # the registry, the ledger, the cached sensitivity
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        parts[str(path)] = buildcache.file_hash(path)
    parts["variant"] = json.dumps(variant, sort_keys=True, default=str)
    parts["prune"] = str(prune)
    parts["environment"] = buildcache.environment_hash(project.lock_file)
    return buildcache.sha256_bytes(json.dumps(parts, sort_keys=True).encode())


def refresh_from_committed(echo: Callable[[str], None] = print, *, project: Project | None = None,
                           pause=None) -> dict[str, Any]:
    """Rewrite claims.json, manifest.json and REPORT.md from the committed notebooks, executing nothing.

    The three files are staged, then published as one set by the build's journalled
    :func:`lpsrepro.publish.publish` under the build's lock: a report interrupted at any point
    (even killed) leaves either the old three files or the new three, never a mix — the next
    build or report rolls a half-published set back. ``pause`` (tests only) is called between
    two renames of the set.
    """
    from lpsrepro import buildcache, publish
    from lpsrepro.report import write_report

    project = project or Project.default()
    state_dir = project.root / "build"
    state_dir.mkdir(parents=True, exist_ok=True)
    with publish.BuildLock(state_dir):
        if publish.recover(state_dir):
            echo("rolled back the outputs that an interrupted build had half published")
        publish.remove_debris(state_dir)
        claims_doc, manifest_doc = collect({f"notebooks/{nb.name}": nb for nb in default_notebooks(project)},
                                           base=project.notebooks_dir)
        staging = state_dir / f".staging-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            write_json(staging / "claims.json", claims_doc)
            write_json(staging / "manifest.json", manifest_doc)
            write_report(staging / "REPORT.md", claims_doc, manifest_doc, variant=None)
            changed = {staging / name: project.figures_dir / name for name in ("claims.json", "manifest.json", "REPORT.md")
                       if buildcache.file_hash(staging / name) != buildcache.file_hash(project.figures_dir / name)}
            if changed:
                project.figures_dir.mkdir(parents=True, exist_ok=True)
                publish.publish(state_dir, changed, pause=pause)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    echo("claims: " + ", ".join(f"{v} {k}" for k, v in claims_doc["summary"].items()))
    return claims_doc


__all__ = ["build", "collect", "refresh_from_committed", "notebook_parameters", "parse_parameter_value",
           "resolve_notebook", "default_notebooks", "NotebookFailed", "BuildResult"]
