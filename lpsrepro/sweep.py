"""Parameter sweeps and assumption sensitivity of a paper section, on dask.distributed.

A section module (:mod:`lpsrepro.sections`) turns ``Params`` into a ``Result`` with a pure
``run``; this module evaluates that ``run`` over many parameter sets without a notebook kernel:

:func:`run_sweep`
    over a grid (one dimension per swept parameter) or a Latin-hypercube sample (one ``sample``
    dimension), on a dask.distributed cluster — a :class:`~distributed.LocalCluster` sized to the
    machine by default, or an existing scheduler (``scheduler="tcp://host:8786"``, e.g. one started
    by dask-jobqueue on an HPC system). Cheap points are batched into tasks so that the scheduler's
    per-task overhead (a few ms) stays far below 5 % of a task's time. A section with the fast path
    (``prepare`` and ``Params.PREPARED_FROM``, see :mod:`lpsrepro.sections`) is prepared once per
    distinct combination of the swept PREPARED_FROM values — a task on a worker whose result every
    batch of that group takes as an input (the central point's, computed anyway, is scattered to all
    workers) — and each point then costs only ``run(q, prepared=...)``. Each finished task is written
    as a NetCDF part next to the output, so that a killed sweep, run again with the same arguments,
    resumes without recomputing any finished point; the parts are merged into one NetCDF file at
    the end: one variable per number of ``Result.numbers()`` with its unit, the ledger's SHA-256 and
    the code's commit in the attributes. With ``output="FILE.zarr"`` (a sweep larger than memory)
    each finished task is one region write into a Zarr store instead, and the grid is assembled
    chunk by chunk (dask).
:func:`sensitivity`
    one-at-a-time over every ledger entry of ``Params.LEDGER`` that has a range, a global Morris
    screening (or Sobol indices) over all of them together (SALib: Herman & Usher, J. Open Source
    Softw. 2 (2017) 97, doi:10.21105/joss.00097; Iwanaga et al., Socio-Environ. Syst. Model. 4
    (2022) 18155, doi:10.18174/sesmo.18155), and each number's 5–95 % interval over a
    Latin-hypercube sample of the ledger's ranges (an analysis-stage assumption, read by ``prepare``,
    gets the one-at-a-time ends only). The result is cached as JSON (and a tornado figure) under
    ``figures/sensitivity/``, where :mod:`lpsrepro.report` finds it, keyed to what determines it
    (:func:`cache_key`: the section's parameters, its ledger entries, its data files), so that a ledger
    edit elsewhere leaves it valid. :func:`refresh_all` (``lpsrepro sweep all --sensitivity morris``,
    ``make sensitivity``) recomputes every section that has ranged ledger entries.

A bad grid — unknown parameter, value outside the ledger's range (unless ``allow_outside``), unit of
the wrong dimension — is refused with one :class:`~lpsrepro.errors.ParameterError` before any work.

References
----------
Morris, M. D. Factorial sampling plans for preliminary computational experiments. Technometrics 33
(1991) 161. Campolongo, F.; Cariboni, J.; Saltelli, A. An effective screening design for sensitivity
analysis of large models. Environ. Model. Softw. 22 (2007) 1509 (μ*). Saltelli, A. et al. Variance
based sensitivity analysis of model output. Comput. Phys. Commun. 181 (2010) 259. McKay, M. D.;
Beckman, R. J.; Conover, W. J. A comparison of three methods for selecting values of input variables
in the analysis of output from a computer code. Technometrics 21 (1979) 239 (Latin hypercube).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import xarray as xr

from lpsrepro import __version__, ledger, paths
from lpsrepro.errors import LpsreproError, ParameterError
from lpsrepro.fileio import write_json, write_text
from lpsrepro.sections import module_stem
from lpsrepro.units import convert, field_unit

#: Where :func:`sensitivity` caches its results and tornado figures (read by the report).
SENSITIVITY_DIR = paths.FIGURES / "sensitivity"
#: A task should run about this long: the scheduler's few ms per task are then < 1 % of it.
TARGET_TASK_S = 1.0
#: Format of the parts folder; a resume refuses parts of another format.
PARTS_FORMAT = 2   # 2: batches never span two groups of the fast path


# --------------------------------------------------------------------------- sections and parameters
def resolve_section(section: str | ModuleType) -> ModuleType:
    """The section module: a module, a dotted module name, or a section/notebook name.

    ``"membrane"``, ``"32_membrane"`` and ``"notebooks/32_membrane.ipynb"`` all name
    :mod:`lpsrepro.sections.membrane`; ``"31b_reaction_kinetics"`` tries ``reaction_kinetics`` and then
    ``kinetics``. A dotted name (``"mypackage.mysection"``) is imported as it is.
    """
    if isinstance(section, ModuleType):
        module = section
    else:
        text = str(section)
        if "." in text and "/" not in text and not text.endswith(".ipynb"):
            candidates = [text]
        else:
            stem = module_stem(text)
            candidates = [f"lpsrepro.sections.{stem}", f"lpsrepro.sections.{stem.split('_')[-1]}"]
            if text.isidentifier():  # last: a module of that name on the path (a user's own section)
                candidates.append(text)
        module = None
        for name in candidates:
            try:
                module = importlib.import_module(name)
                break
            except ModuleNotFoundError as exc:
                if exc.name != name:  # the module exists but one of its imports is missing: a real error
                    raise
        if module is None:
            import pkgutil

            import lpsrepro.sections as sections

            known = sorted(m.name for m in pkgutil.iter_modules(sections.__path__))
            raise ParameterError("section", text, "one of the section modules: " + (", ".join(known) or "none yet"))
    for attribute in ("Params", "run"):
        if not hasattr(module, attribute):
            raise ParameterError("section", module.__name__, f"a section module with {attribute} "
                                 "(see lpsrepro.sections)")
    return module


@dataclass(frozen=True)
class Knob:
    """One numeric field of a section's ``Params`` that a sweep may vary."""

    name: str
    unit: str
    default: float
    ledger_key: str | None = None
    range: tuple[float, float] | None = None   # the ledger's range, in ``unit``


def knobs(section: str | ModuleType) -> dict[str, Knob]:
    """Every numeric field of the section's ``Params``, with unit, default and ledger range."""
    module = resolve_section(section)
    defaults = module.Params.from_ledger()
    mapping = getattr(module.Params, "LEDGER", {}) or {}
    found: dict[str, Knob] = {}
    for field in dataclasses.fields(defaults):
        value = getattr(defaults, field.name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        key = mapping.get(field.name)
        assumption = ledger.get(key) if key else None
        try:   # the unit is the one the field's name states (a ledger field's is checked at import)
            unit = field_unit(field.name) or "dimensionless"
        except ParameterError:
            continue   # a name that states no unit cannot be swept with one (tests/test_units.py lists them)
        if assumption is not None:
            try:  # the contract: the field's unit is the one from_ledger converts the ledger value to
                low_high = tuple(convert(float(v), assumption.unit, unit, what=key)
                                 for v in assumption.range) if assumption.range else None
            except LpsreproError:
                raise ParameterError(f"{module.__name__}.Params.{field.name}", key,
                                     f"a ledger entry in a unit convertible to the field's unit {unit!r} "
                                     f"(the ledger says {assumption.unit!r})") from None
        else:
            low_high = None
        found[field.name] = Knob(field.name, unit, float(value), key,
                                 tuple(sorted(low_high)) if low_high else None)
    return found


# --------------------------------------------------------------------------- grids
def parse_grid(text: str) -> tuple[str, tuple]:
    """``"NAME=START:STOP:N"`` or ``"NAME=START:STOP:N:UNIT"`` (the command line's ``--grid``)."""
    name, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or len(parts) not in (3, 4):
        raise ParameterError("--grid", text, "NAME=START:STOP:N or NAME=START:STOP:N:UNIT, e.g. "
                             "membrane_thickness_um=0.5:30:60")
    try:
        start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise ParameterError("--grid", text, "numbers for START and STOP and a whole number N") from None
    return name.strip(), (start, stop, count) + ((parts[3].strip(),) if len(parts) == 4 else ())


def _axis_values(name: str, spec: Any, knob: Knob, problems: list[str]) -> tuple[np.ndarray, str] | None:
    """Values of one grid entry in the field's own unit; problems are appended, not raised."""
    unit = knob.unit
    if isinstance(spec, dict):
        values, unit = spec.get("values"), spec.get("unit", knob.unit)
    elif isinstance(spec, tuple) and len(spec) in (3, 4) and not isinstance(spec[2], str):
        start, stop, count = spec[:3]
        unit = spec[3] if len(spec) == 4 else knob.unit
        if int(count) != count or count < 1:
            problems.append(f"{name}: N = {count!r} is not a positive whole number")
            return None
        values = np.linspace(float(start), float(stop), int(count))
    elif isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], str):
        values, unit = spec
    else:
        values = spec
    try:
        values = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        problems.append(f"{name}: {spec!r} is not a list of numbers or (START, STOP, N)")
        return None
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        problems.append(f"{name}: {spec!r} is not a non-empty list of finite numbers")
        return None
    try:
        values = np.array([convert(v, unit, knob.unit, what=name) for v in values])
    except LpsreproError:
        problems.append(f"{name}: unit {unit!r} cannot be converted to the parameter's unit {knob.unit!r}")
        return None
    return values, knob.unit


def _check_range(name: str, values: np.ndarray, knob: Knob, allow_outside: bool, problems: list[str]) -> None:
    if knob.range is None or allow_outside:
        return
    low, high = knob.range
    slack = 1e-9 * max(abs(low), abs(high), 1e-300)
    outside = values[(values < low - slack) | (values > high + slack)]
    if outside.size:
        problems.append(f"{name}: {outside[0]:g} {knob.unit} lies outside the ledger's range "
                        f"[{low:g}, {high:g}] {knob.unit} of {knob.ledger_key} (allow_outside / --allow-outside "
                        "to sweep beyond it)")


def _refuse(problems: list[str], known: dict[str, Knob]) -> None:
    if problems:
        raise ParameterError("grid", "; ".join(p.split(":")[0] for p in problems),
                             "a sweep the section can run — " + "; ".join(problems))


def _unknown(names, known: dict[str, Knob]) -> list[str]:
    listing = ", ".join(f"{k.name} [{k.unit}]" for k in known.values())
    return [f"{n}: not a numeric parameter of the section (known: {listing})" for n in names if n not in known]


def plan_points(section: str | ModuleType, grid: dict[str, Any] | None = None,
                sample: tuple[str, int] | None = None, *, allow_outside: bool = False,
                seed: int = 0) -> tuple[list[Knob], np.ndarray, dict[str, np.ndarray] | None]:
    """Validate a sweep and list its points → (knobs, points[n, k], grid axes or None).

    ``grid`` maps field names to values: ``(START, STOP, N)`` or ``(START, STOP, N, UNIT)``, a list
    or array (in the field's unit), ``(values, UNIT)`` or ``{"values": ..., "unit": ...}``. With
    ``sample=("latin", N)`` the grid gives bounds instead — ``(LOW, HIGH)``, ``(LOW, HIGH, N)``
    (N ignored), or ``None`` for the ledger's range — and N points of a Latin hypercube are drawn
    (SALib, seeded). Everything is checked before anything runs; all problems are given at once.
    """
    known = knobs(section)
    grid = dict(grid or {})
    problems = _unknown(grid, known)
    if not grid and sample is None:
        problems.append("grid: empty (give at least one NAME=START:STOP:N)")
    chosen = [known[n] for n in grid if n in known]  # the unknown ones are listed; check the rest too
    if sample is None:
        axes: dict[str, np.ndarray] = {}
        for knob in chosen:
            got = _axis_values(knob.name, grid[knob.name], knob, problems)
            if got is not None:
                _check_range(knob.name, got[0], knob, allow_outside, problems)
                axes[knob.name] = got[0]
        _refuse(problems, known)
        mesh = np.meshgrid(*axes.values(), indexing="ij")
        points = np.stack([m.ravel() for m in mesh], axis=-1) if mesh else np.zeros((1, 0))
        return chosen, points, axes
    method, count = sample
    if method != "latin" or int(count) != count or count < 1:
        raise ParameterError("sample", sample, "('latin', N) with N a positive whole number")
    if not grid:  # no names: every ledger parameter with a range
        chosen = [k for k in known.values() if k.range is not None]
        grid = {k.name: None for k in chosen}
    bounds = []
    for knob in chosen:
        spec = grid[knob.name]
        if spec is None:
            if knob.range is None:
                problems.append(f"{knob.name}: no range in the ledger; give (LOW, HIGH)")
                continue
            bounds.append(knob.range)
            continue
        spec = tuple(spec) if isinstance(spec, (list, tuple)) else spec
        if isinstance(spec, tuple) and len(spec) == 4:
            spec = (spec[0], spec[1], spec[3])
        elif isinstance(spec, tuple) and len(spec) == 3 and not isinstance(spec[2], str):
            spec = spec[:2]
        if isinstance(spec, tuple) and len(spec) == 3:
            got = _axis_values(knob.name, ([spec[0], spec[1]], spec[2]), knob, problems)
        else:
            got = _axis_values(knob.name, spec, knob, problems)
        if got is None:
            continue
        if got[0].size != 2 or not got[0][0] < got[0][1]:
            problems.append(f"{knob.name}: bounds {spec!r} are not (LOW, HIGH) with LOW < HIGH")
            continue
        _check_range(knob.name, got[0], knob, allow_outside, problems)
        bounds.append(tuple(got[0]))
    _refuse(problems, known)
    return chosen, latin_points(bounds, int(count), seed=seed), None


def latin_points(bounds: list[tuple[float, float]], count: int, *, seed: int = 0) -> np.ndarray:
    """``count`` Latin-hypercube points inside ``bounds`` (SALib's ``latin.sample``), shape (count, k)."""
    from SALib.sample import latin

    problem = {"num_vars": len(bounds), "names": [f"x{i}" for i in range(len(bounds))],
               "bounds": [list(b) for b in bounds]}
    return np.asarray(latin.sample(problem, count, seed=seed), dtype=float)


# --------------------------------------------------------------------------- evaluation
#: Suffix of an independent prediction's name in a sweep (``li2au_plateau_voltage.predicted``): a section's
#: ``Result.predictions()`` (from literature inputs) are kept apart from its measured ``numbers()``.
PREDICTED = ".predicted"


def _numbers_of(result) -> dict[str, tuple[float, str, float | None, str]]:
    """``{name: (value, unit, uncertainty, failed_quality)}`` of ``result.numbers()`` and, as
    ``<id>.predicted``, of ``result.predictions()`` where the section has them."""
    out = {}
    predictions = getattr(result, "predictions", None)
    for suffix, numbers in (("", result.numbers()), (PREDICTED, predictions() if predictions else {})):
        for cid, number in numbers.items():
            value = float(number.value) if number.value is not None else math.nan
            unc = None if number.uncertainty is None else float(number.uncertainty)
            out[cid + suffix] = (value, number.unit, unc, number.failed_quality or "")
    return out


def _values(names: list[str], kinds: list[type], row) -> dict[str, Any]:
    """One point's field values: an ``int`` field gets a whole number, every other one a float."""
    return {n: (int(round(v)) if k is int else float(v)) for n, k, v in zip(names, kinds, row)}


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


#: ``run_batch``'s ``prepared`` when the section has no fast path (``run(params)`` per point).
NOT_PREPARED = None


def prepare_group(payload: bytes, names: list[str], kinds: list[type], row: list[float]) -> tuple[Any, str]:
    """The section's ``prepare`` for one group of points (one combination of ``PREPARED_FROM`` values),
    on a worker → ``(prepared, "")``, or ``(None, "Type: message")`` when it raised: every point of the
    group is then flagged as failed with that message, and the other groups go on."""
    import cloudpickle

    _run, prepare, base = cloudpickle.loads(payload)
    try:
        return prepare(base.replace(**_values(names, kinds, row))), ""
    except Exception as exc:  # noqa: BLE001 - reported per point, never hidden
        return None, _error_text(exc)


def run_batch(payload: bytes, names: list[str], kinds: list[type], rows: list[list[float]],
              prepared: tuple[Any, str] | None = NOT_PREPARED) -> list:
    """Evaluate a batch of points on a worker → per point ``(numbers, error)``.

    ``payload`` is the cloudpickled ``(run, prepare, base_params)``. ``prepared`` is the result of
    :func:`prepare_group` for the group these points belong to (the fast path: ``run(q,
    prepared=...)``), or ``None`` for a section without ``prepare``. A point that fails (bad physics at
    an extreme value, a refused input) gives ``(None, "Type: message")`` instead of killing the sweep;
    the Dataset flags it and its attributes say how many failed and why.
    """
    import cloudpickle

    run, _prepare, base = cloudpickle.loads(payload)
    if prepared is not NOT_PREPARED and prepared[1]:
        return [(None, prepared[1]) for _ in rows]
    out = []
    for row in rows:
        try:
            params = base.replace(**_values(names, kinds, row))
            result = run(params) if prepared is NOT_PREPARED else run(params, prepared=prepared[0])
            out.append((_numbers_of(result), ""))
        except Exception as exc:  # noqa: BLE001 - reported per point, never hidden
            out.append((None, _error_text(exc)))
    return out


def has_fast_path(module: ModuleType) -> bool:
    """Whether the section splits its slow part off into ``prepare`` (see :mod:`lpsrepro.sections`)."""
    return callable(getattr(module, "prepare", None))


def prepared_from(module: ModuleType) -> frozenset[str]:
    """The fields whose values ``module.prepare`` depends on (``Params.PREPARED_FROM``); empty for a
    section without the fast path (see :mod:`lpsrepro.sections`)."""
    if not has_fast_path(module):
        return frozenset()
    return frozenset(getattr(module.Params, "PREPARED_FROM", frozenset()) or frozenset())


def _payload(module: ModuleType, base) -> bytes:
    import cloudpickle

    if not module.__name__.startswith("lpsrepro."):
        # A section outside the package (a user's module, a test's fake) may not be importable on the
        # workers: send its code along.
        cloudpickle.register_pickle_by_value(sys.modules[module.__name__])
    try:
        prepare = getattr(module, "prepare", None) if has_fast_path(module) else None
        return cloudpickle.dumps((module.run, prepare, base))
    finally:
        if not module.__name__.startswith("lpsrepro."):
            cloudpickle.unregister_pickle_by_value(sys.modules[module.__name__])


class _InProcess:
    """The executor for ``scheduler="synchronous"``: same code path, no cluster (tests, debugging)."""

    n_workers = 1

    def put(self, value):
        return value

    def submit(self, function, *args):
        return function(*args)

    def map_batches(self, function, batches):
        for index, args in batches:
            yield index, function(*args)


class _Dask:
    def __init__(self, client):
        self.client = client
        self.n_workers = max(1, sum(client.nthreads().values()))  # task slots of the cluster

    def put(self, value):
        """``value`` (computed here) on every worker: a prepared object shared by many tasks."""
        return self.client.scatter(value, broadcast=True, hash=False)

    def submit(self, function, *args):
        """``function(*args)`` as one task on a worker; its future, passed to later tasks, is fetched
        once by each worker that runs one of them and kept there while the future is referenced."""
        return self.client.submit(function, *args, pure=False, key=f"lpsrepro-prepare-" + _random_key())

    def map_batches(self, function, batches):
        from distributed import as_completed

        futures = {}
        for index, args in batches:
            futures[self.client.submit(function, *args, pure=False,
                                       key=f"lpsrepro-sweep-{index}-" + _random_key())] = index
        for future in as_completed(futures):
            index = futures.pop(future)
            yield index, future.result()


def _random_key() -> str:
    return hashlib.sha1(os.urandom(8)).hexdigest()[:8]


def default_workers() -> int:
    """Workers of the default LocalCluster: one single-threaded process per usable core."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def executor(scheduler: str | None = None, n_workers: int | None = None) -> Iterator[Any]:
    """``None``: a LocalCluster (one single-threaded worker process per core, or ``n_workers``);
    ``"synchronous"``: in this process; anything else: the address of a running dask scheduler."""
    if scheduler == "synchronous":
        yield _InProcess()
        return
    import logging

    from distributed import Client, LocalCluster

    if scheduler is None:
        # Single-threaded processes: the section code holds the GIL (numpy, scipy fits), so threads
        # would not scale; processes do.
        with LocalCluster(n_workers=n_workers or default_workers(), threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                Client(cluster) as client:
            yield _Dask(client)
    else:
        with Client(scheduler) as client:
            yield _Dask(client)


# --------------------------------------------------------------------------- provenance
def code_commit() -> str:
    """The repository's git commit (with ``+dirty`` when files outside the generated ``figures/`` differ), or the
    package version."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!figures"], cwd=paths.ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return f"lpsrepro {__version__} (no git)"


# --------------------------------------------------------------------------- the sweep
def _signature(section: str, names: list[str], points: np.ndarray, base_repr: str,
               grouped_by: list[str] = ()) -> str:
    """Identity of a sweep's parts: a resume mixes in only parts of the same sweep (and batch layout)."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"section": section, "names": names, "base": base_repr, "grouped_by": list(grouped_by),
                              "ledger": ledger.digest(), "format": PARTS_FORMAT}).encode())
    digest.update(np.ascontiguousarray(points, dtype="<f8").tobytes())
    return digest.hexdigest()


def _encode(results: list, units: dict[str, str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """A finished batch as arrays: ``{cid, cid__u, cid__fq, point_failed}`` (one entry per point) and the
    errors of its failed points."""
    n = len(results)
    data: dict[str, np.ndarray] = {"point_failed": np.zeros(n, dtype="i1")}
    errors = []
    for cid in units:
        data[cid] = np.full(n, np.nan)
        data[f"{cid}__u"] = np.full(n, np.nan)
        data[f"{cid}__fq"] = np.zeros(n, dtype="i1")
    for i, (numbers, error) in enumerate(results):
        if numbers is None:
            data["point_failed"][i] = 1
            errors.append(error)
            continue
        for cid, unit in units.items():
            if cid not in numbers:
                continue
            value, got_unit, unc, failed = numbers[cid]
            if failed:
                data[f"{cid}__fq"][i] = 1
                continue
            scale = 1.0 if got_unit == unit else None
            data[cid][i] = value if scale else convert(value, got_unit, unit, what=cid)
            if unc is not None:
                data[f"{cid}__u"][i] = unc if scale else abs(convert(unc, got_unit, unit, what=cid)
                                                             - convert(0.0, got_unit, unit))
    return data, errors


def _refuse_other_sweep(output: Path, where: Path) -> None:
    raise ParameterError("output", str(output),
                         f"a file name whose unfinished parts ({where}) belong to the same sweep; they belong to "
                         "another sweep (other grid, section or ledger): remove them or choose another output")


class _NetcdfParts:
    """Finished batches as small NetCDF files in ``<output>.parts/`` (or a temporary folder), merged at
    the end: the resume mechanism of a NetCDF output."""

    def __init__(self, folder: Path, output: Path | None = None):
        self.folder, self.output = folder, output

    def begin(self, signature: str, batch_size: int, n_points: int) -> int:
        """Create or reuse the folder → the batch size (a resumed sweep keeps its own)."""
        manifest = self.folder / "sweep.json"
        if manifest.is_file():
            info = json.loads(manifest.read_text())
            if info.get("signature") != signature:
                _refuse_other_sweep(self.output or self.folder, self.folder)
            return int(info["batch_size"])
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("part-*"):
            stale.unlink()
        write_json(manifest, {"signature": signature, "batch_size": batch_size, "n_points": n_points,
                              "format": PARTS_FORMAT})
        return batch_size

    def layout(self, batches: list[tuple[int, list[int]]], units: dict[str, str]) -> None:
        pass

    def done(self) -> set[int]:
        return {int(p.stem.split("-")[1]) for p in self.folder.glob("part-*.nc")}

    def write(self, index: int, indices: list[int], results: list, units: dict[str, str]) -> None:
        """One finished batch as a NetCDF file (atomic: a killed write leaves no part)."""
        data, errors = _encode(results, units)
        ds = xr.Dataset({k: ("point", v) for k, v in data.items()},
                        coords={"point": np.asarray(indices, dtype="i8")}, attrs={"errors": json.dumps(errors)})
        path = self.folder / f"part-{index:06d}.nc"
        tmp = path.with_suffix(".tmp")
        ds.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)

    def flat(self) -> tuple[xr.Dataset, list[str]]:
        """Every finished point, sorted by point index, and the errors."""
        frames, errors = [], []
        for path in sorted(self.folder.glob("part-*.nc")):
            with xr.open_dataset(path, engine="h5netcdf") as one:
                frames.append(one.load())
                errors += json.loads(one.attrs.get("errors", "[]"))
        flat = (xr.concat(frames, dim="point", combine_attrs="drop").sortby("point") if frames
                else xr.Dataset(coords={"point": np.zeros(0, dtype="i8")}))
        return flat, errors

    def save(self, ds: xr.Dataset) -> xr.Dataset:
        tmp = self.output.with_name(self.output.name + ".tmp")
        ds.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, self.output)
        return ds

    def finish(self) -> None:
        for part in self.folder.glob("*"):
            part.unlink()
        self.folder.rmdir()


class _ZarrParts:
    """A Zarr output (``-o FILE.zarr``) for sweeps larger than memory.

    While the sweep runs, ``<output>.partial.zarr`` holds every number along one ``point`` dimension in
    the order of the batches (chunks of one batch), the original index of each point (``point_index``),
    and which batches are finished (``batch_done``, written after the batch's values): each finished
    task is one region write, and a killed sweep resumes from ``batch_done``. At the end the points are
    put back in grid order chunk by chunk (dask, never all in memory) into ``output``.
    """

    def __init__(self, output: Path):
        self.output = output
        self.path = output.with_name(output.name + ".partial.zarr")
        self.group = None

    def begin(self, signature: str, batch_size: int, n_points: int) -> int:
        import zarr

        if self.path.exists():
            group = zarr.open_group(str(self.path), mode="a")
            if group.attrs.get("signature") != signature:
                _refuse_other_sweep(self.output, self.path)
            self.group = group
            return int(group.attrs["batch_size"])
        self.group = zarr.open_group(str(self.path), mode="w")
        self.group.attrs.update({"signature": signature, "batch_size": batch_size, "n_points": n_points,
                                 "format": PARTS_FORMAT, "errors": []})
        return batch_size

    def layout(self, batches: list[tuple[int, list[int]]], units: dict[str, str]) -> None:
        """Offsets of the batches along ``point``; the arrays are created on the first call."""
        self.offsets, start = {}, 0
        for i, indices in batches:
            self.offsets[i] = start
            start += len(indices)
        if "batch_done" in self.group:
            return
        n, chunk = start, max(1, max((len(ix) for _, ix in batches), default=1))

        def array(name, dtype, fill, dim="point", size=n, chunks=chunk):
            return self.group.create_array(name, shape=(size,), chunks=(chunks,), dtype=dtype, fill_value=fill,
                                           dimension_names=(dim,))
        for cid in units:
            array(cid, "f8", np.nan)
            array(f"{cid}__u", "f8", np.nan)
            array(f"{cid}__fq", "i1", 0)
        array("point_failed", "i1", 0)
        array("point_index", "i8", -1)[:] = np.concatenate([np.asarray(ix, dtype="i8") for _, ix in batches]) \
            if batches else np.zeros(0, dtype="i8")
        array("batch_done", "i1", 0, dim="batch", size=len(batches), chunks=max(1, min(len(batches), 4096)))

    def done(self) -> set[int]:
        return set(np.flatnonzero(self.group["batch_done"][:]).tolist()) if "batch_done" in self.group else set()

    def write(self, index: int, indices: list[int], results: list, units: dict[str, str]) -> None:
        data, errors = _encode(results, units)
        region = slice(self.offsets[index], self.offsets[index] + len(indices))
        for name, values in data.items():
            self.group[name][region] = values
        if errors:
            self.group.attrs["errors"] = list(self.group.attrs.get("errors", [])) + errors[:10]
        self.group["batch_done"][index] = 1       # last: a batch counts as done once its values are in

    def flat(self) -> tuple[xr.Dataset, list[str]]:
        """Every point, lazily (dask) and in point order."""
        import dask.array as da

        order = np.argsort(self.group["point_index"][:], kind="stable")
        names = [k for k in self.group.array_keys() if k not in ("point_index", "batch_done")]
        flat = xr.Dataset({k: ("point", da.from_zarr(self.group[k])[order]) for k in names},
                          coords={"point": np.arange(len(order))})
        return flat, list(self.group.attrs.get("errors", []))

    def save(self, ds: xr.Dataset) -> xr.Dataset:
        import shutil

        tmp = self.output.with_name(self.output.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        # Zarr wants uniform chunks: about 2**20 values (8 MiB of float64) per chunk over the sweep's dims.
        per_dim = max(1, int(round(2 ** (20 / max(1, len(ds.dims))))))
        # Zarr format 2 with consolidated metadata: what xarray opens without a warning and every zarr reads.
        ds.chunk({d: min(size, per_dim) for d, size in ds.sizes.items()}).to_zarr(
            tmp, mode="w", zarr_format=2, consolidated=True)
        if self.output.exists():
            shutil.rmtree(self.output)
        os.replace(tmp, self.output)
        return xr.open_zarr(self.output)

    def finish(self) -> None:
        import shutil

        shutil.rmtree(self.path)


def run_sweep(section: str | ModuleType, grid: dict[str, Any] | None = None, *,
              sample: tuple[str, int] | None = None, scheduler: str | None = None,
              output: str | Path | None = None, base: dict[str, Any] | None = None,
              allow_outside: bool = False, seed: int = 0, n_workers: int | None = None,
              batch_size: int | None = None, progress: bool | Callable[[int, int], None] = True,
              points: tuple[list[str], np.ndarray] | None = None) -> xr.Dataset:
    """Evaluate ``section.run`` over a grid or a Latin-hypercube sample.

    Parameters
    ----------
    section : str or module
        A section (``"membrane"``, ``"32_membrane"``) or a module following :mod:`lpsrepro.sections`.
    grid : dict
        Field name → values (see :func:`plan_points`); with ``sample``, field name → bounds.
    sample : ("latin", N), optional
        Draw N Latin-hypercube points (seeded by ``seed``) instead of a full grid.
    scheduler : str, optional
        ``None``: a LocalCluster with one single-threaded worker per core (or ``n_workers``);
        an address (``"tcp://10.0.0.1:8786"``): an existing dask scheduler;
        ``"synchronous"``: in this process.
    output : path, optional
        NetCDF file to write. Finished batches are kept in ``<output>.parts/`` while the sweep runs;
        calling again with the same arguments resumes from them.
    base : dict, optional
        Overrides of ``Params.from_ledger()`` held fixed over the sweep (e.g. a data file).
    allow_outside : bool
        Allow values outside the ledger's range.
    batch_size : int, optional
        Points per task; default: enough for about :data:`TARGET_TASK_S` per task, measured on the
        central point, and at least four tasks per worker.
    progress : bool or callable
        A progress bar with ETA on stderr (tqdm), or ``callback(done_points, total_points)``.
    points : (names, array), optional
        An explicit list of points (used by :func:`sensitivity`); replaces ``grid``/``sample``.

    Returns
    -------
    xarray.Dataset
        Dimensions: one per grid parameter (coordinates with ``units``), or ``sample`` (the sampled
        parameters as variables along it). One variable per claim id of ``Result.numbers()`` with
        ``units``; ``<id>_uncertainty`` where the section gives one, ``<id>_failed_quality`` (1 where
        the number failed its quality gate: the value is then NaN), ``point_failed`` (1 where
        ``run`` raised). Attributes: section, ledger SHA-256, code commit, lpsrepro version, sample,
        seed, failed points and the first error.
    """
    module = resolve_section(section)
    if points is not None:
        names, matrix = points
        known = knobs(module)
        _refuse(_unknown(names, known), known)
        chosen, axes = [known[n] for n in names], None
        matrix = np.asarray(matrix, dtype=float).reshape(-1, len(names))
    else:
        chosen, matrix, axes = plan_points(module, grid, sample, allow_outside=allow_outside, seed=seed)
    names = [k.name for k in chosen]
    defaults = module.Params.from_ledger()
    base_params = defaults.replace(**(base or {}))
    kinds = [type(getattr(defaults, n)) for n in names]
    fast = has_fast_path(module)
    # The fast path: points that agree on the swept PREPARED_FROM fields share one prepare.
    group_columns = [j for j, n in enumerate(names) if n in prepared_from(module)] if fast else []
    group_names = [names[j] for j in group_columns]
    group_kinds = [kinds[j] for j in group_columns]

    # The central point: names and units of the numbers, and the time of one point (for batching).
    # CPU time, not wall time: on a loaded machine the wall time of one point overstates its work and
    # would make the batches too small. With the fast path only run's time counts (prepare is amortised).
    central_prepared = module.prepare(base_params) if fast else None
    start = time.thread_time()
    central = _numbers_of(module.run(base_params, prepared=central_prepared) if fast else module.run(base_params))
    seconds_per_point = max(time.thread_time() - start, 1e-4)
    units = {cid: unit for cid, (_, unit, _, _) in central.items()}
    central_group = tuple(_values(group_names, group_kinds,
                                  [getattr(base_params, n) for n in group_names]).values())

    n_points = len(matrix)
    groups = _groups(matrix, group_columns, group_names, group_kinds)
    payload = _payload(module, base_params)
    with executor(scheduler, n_workers) as pool, contextlib.ExitStack() as stack:
        if batch_size is None:
            per_task = max(1, math.ceil(TARGET_TASK_S / seconds_per_point))
            batch_size = max(1, min(per_task, math.ceil(n_points / (4 * pool.n_workers))))
        if output:
            output = Path(output)
            store = (_ZarrParts(output) if output.suffix == ".zarr" else
                     _NetcdfParts(output.with_name(output.name + ".parts"), output))
            signature = _signature(module.__name__, names, matrix, repr(base_params),
                                   group_names if fast else ["(no fast path)"])
            batch_size = store.begin(signature, batch_size, n_points)
        else:  # nothing to resume: the parts live only as long as the sweep
            import tempfile

            store = _NetcdfParts(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lpsrepro-sweep-"))))
        # Batches never span two groups, so that each task needs one prepared object.
        batches, group_of = [], {}
        for key, indices in groups.items():
            for s in range(0, len(indices), batch_size):
                group_of[len(batches)] = key
                batches.append((len(batches), indices[s:s + batch_size]))
        store.layout(batches, units)
        done = store.done()
        index_of = dict(batches)
        tracker = _Progress(progress, n_points, sum(len(index_of[i]) for i in done if i in index_of))
        pending = [(i, idx) for i, idx in batches if i not in done]
        handles: dict[tuple, Any] = {}
        left: dict[tuple, int] = {}
        if fast:  # one prepare per group that still has work: the central one is reused, the others are tasks
            for i, _idx in pending:
                key = group_of[i]
                left[key] = left.get(key, 0) + 1
                if key not in handles:
                    handles[key] = (pool.put((central_prepared, "")) if key == central_group else
                                    pool.submit(prepare_group, payload, group_names, group_kinds, list(key)))
        work = ((i, (payload, names, kinds, matrix[idx].tolist()) + ((handles[group_of[i]],) if fast else ()))
                for i, idx in pending)
        for i, out in pool.map_batches(run_batch, work):
            store.write(i, index_of[i], out, units)
            tracker.update(len(out))
            if fast:
                left[group_of[i]] -= 1
                if not left[group_of[i]]:
                    handles.pop(group_of[i])  # the group is finished: its prepared object may go
        tracker.close()
        flat, errors = store.flat()
        ds = _assemble(module, chosen, matrix, axes, units, central, flat, errors, sample=sample, seed=seed)
        ds.attrs["prepare_groups"] = len(groups) if fast else 0   # 0: no fast path (run whole per point)
        ds.attrs["batch_size"] = batch_size
        if output:
            ds = store.save(ds)
            store.finish()
    return ds


def _groups(matrix: np.ndarray, columns: list[int], names: list[str], kinds: list[type]) -> dict[tuple, list[int]]:
    """Point indices by their values of the ``columns`` (the swept PREPARED_FROM fields), in order of first
    appearance; one group of every point when there are none."""
    groups: dict[tuple, list[int]] = {}
    for i, row in enumerate(matrix):
        key = tuple(_values(names, kinds, row[columns]).values()) if columns else ()
        groups.setdefault(key, []).append(i)
    return groups


class _Progress:
    def __init__(self, progress, total: int, already: int):
        self.callback = progress if callable(progress) else None
        self.done, self.total = already, total
        self.bar = None
        if progress is True:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, initial=already, unit="point", desc="sweep", file=sys.stderr,
                            smoothing=0.1)
        self._emit(0)

    def _emit(self, n: int) -> None:
        self.done += n
        if self.bar is not None and n:
            self.bar.update(n)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def update(self, n: int) -> None:
        self._emit(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _assemble(module, chosen, matrix, axes, units, central, flat, errors, *, sample, seed):
    """The sweep's Dataset from the flat table of finished points (numpy, or dask for a Zarr output:
    then it stays lazy, and the grid is built chunk by chunk when it is written)."""
    n = len(matrix)
    if flat.sizes.get("point", 0) != n:
        raise RuntimeError(f"sweep incomplete: {flat.sizes.get('point', 0)} of {n} points")
    data_vars: dict[str, Any] = {}
    if axes is not None:
        shape = tuple(len(v) for v in axes.values()) or (1,)
        dims = tuple(axes) or ("point",)
        reshape = (lambda a: a.reshape(shape)) if axes else (lambda a: a)
        coords = {k.name: (k.name, axes[k.name], _knob_attrs(k)) for k in chosen}
    else:
        dims, reshape = ("sample",), (lambda a: a)
        coords = {"sample": np.arange(n)}
        for j, k in enumerate(chosen):
            data_vars[k.name] = (("sample",), matrix[:, j], _knob_attrs(k))
    for cid, unit in units.items():
        # .data: a numpy array, or a dask array that stays lazy (the any() below reads it chunk by chunk)
        data_vars[cid] = (dims, reshape(flat[cid].data), {"units": unit, "long_name": cid})
        unc = flat[f"{cid}__u"].data
        if bool(np.isfinite(unc).any()):
            data_vars[f"{cid}_uncertainty"] = (dims, reshape(unc), {"units": unit,
                                                                  "long_name": f"standard uncertainty of {cid}"})
        fq = flat[f"{cid}__fq"].data
        if bool(fq.any()):
            data_vars[f"{cid}_failed_quality"] = (dims, reshape(fq), {
                "long_name": f"1 where {cid} failed its quality gate (value NaN)", "units": "1"})
    data_vars["point_failed"] = (dims, reshape(flat["point_failed"].data),
                                 {"long_name": "1 where the section's run raised an error", "units": "1"})
    failed = int(flat["point_failed"].sum())
    attrs = {"title": f"parameter sweep of {module.__name__}", "section": module.__name__,
             "ledger_sha256": ledger.digest(), "code_commit": code_commit(), "lpsrepro_version": __version__,
             "sample": "grid" if axes is not None else f"{sample[0]} hypercube, {n} points (SALib)"
             if sample else "explicit points", "seed": seed, "n_points": n, "failed_points": failed,
             "first_error": next((e for e in errors if e), ""),
             "central_values": json.dumps({cid: v[0] for cid, v in central.items()}),
             "provenance": "computed by lpsrepro.sweep from the section's run; the data it reads say whether "
                           "they are simulated stand-ins or measurements"}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _knob_attrs(k: Knob) -> dict[str, Any]:
    attrs: dict[str, Any] = {"units": k.unit, "long_name": k.name}
    if k.ledger_key:
        attrs["ledger_key"] = k.ledger_key
    if k.range:
        attrs["ledger_range"] = list(k.range)
    return attrs


# --------------------------------------------------------------------------- sensitivity
# The cache of a sensitivity result is keyed to what determines it — not to the whole ledger, so that an
# edit of another section's entry leaves it fresh:
#   the section's Params.from_ledger() values (file names relative to the repository),
#   the ledger entries of its LEDGER fields (value, unit, range),
#   the contents (SHA-256) of the data files its params name;
# and, checked apart because it needs a run (cache_problems(check_central=True), the committed-cache test),
# the cached central values against the section's current numbers: a code change that moves a number.
def _jsonable(value: Any) -> Any:
    """A field value as JSON: paths inside the repository relative to it (the same on every checkout)."""
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        try:
            return Path(value).resolve().relative_to(paths.ROOT.resolve()).as_posix()
        except ValueError:
            return value
    if isinstance(value, float):
        return float(repr(value)) if math.isfinite(value) else repr(value)
    if value is None or isinstance(value, (bool, int)):
        return value
    return repr(value)


def _data_files(params) -> dict[str, str]:
    """``{field (or field[i]): path}`` of every existing file named by a string field of ``params``."""
    found = {}
    for field in dataclasses.fields(params):
        value = getattr(params, field.name)
        items = list(enumerate(value)) if isinstance(value, (tuple, list)) else [(None, value)]
        for i, item in items:
            if isinstance(item, (str, Path)) and str(item) and Path(item).is_file():
                found[field.name if i is None else f"{field.name}[{i}]"] = str(item)
    return found


def cache_key(section: str | ModuleType) -> dict[str, Any]:
    """What a section's sensitivity is computed from → ``{"params", "ledger", "files"}`` (JSON)."""
    from lpsrepro import buildcache

    module = resolve_section(section)
    params = module.Params.from_ledger()
    entries = {}
    for field, key in sorted((getattr(module.Params, "LEDGER", {}) or {}).items()):
        entry = ledger.get(key)
        entries[key] = {"value": _jsonable(entry.value), "unit": entry.unit,
                        "range": _jsonable(list(entry.range)) if entry.range else None}
    files = {field: {"path": _jsonable(path), "sha256": buildcache.file_hash(Path(path))}
             for field, path in sorted(_data_files(params).items())}
    return {"params": {f.name: _jsonable(getattr(params, f.name)) for f in dataclasses.fields(params)},
            "ledger": entries, "files": files}


def _digest(key: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def refresh_command(section: str) -> str:
    """The one command that recomputes a section's cached sensitivity."""
    return f"lpsrepro sweep {section} --sensitivity morris"


def cache_problems(doc: dict[str, Any], *, check_central: bool = False) -> list[str]:
    """Why a cached sensitivity result no longer describes its section (empty: it does).

    Compares the cache's key with the section's current one (:func:`cache_key`, cheap) and names what
    changed; with ``check_central``, also runs the section once at the ledger's central values and
    compares its numbers with the cached central values (to their 4 cached digits).
    """
    section = doc.get("section", "?")
    if "cache_key" not in doc:
        return [f"{section}: cached without a cache key (an older format)"]
    try:
        module = resolve_section(doc.get("module") or section)
        now = cache_key(module)
    except Exception as exc:  # noqa: BLE001 - a cache of a section that no longer loads is stale, with the reason
        return [f"{section}: the section does not load ({_error_text(exc)})"]
    old = doc["cache_key"]
    problems = []
    for part, what in (("params", "parameter default"), ("ledger", "ledger entry"), ("files", "data file")):
        before, after = old.get(part, {}), now[part]
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                problems.append(f"{section}: {what} {name} changed "
                                f"({_short(before.get(name))} → {_short(after.get(name))})")
    if check_central and not problems:
        base = module.Params.from_ledger()
        result = module.run(base, prepared=module.prepare(base)) if has_fast_path(module) else module.run(base)
        for cid, (value, unit, _, _) in _numbers_of(result).items():
            cached = doc["claims"].get(cid)
            if cached is None:
                problems.append(f"{section}: {cid} is a number of the section but not in the cache")
            elif cached["unit"] != unit or cached["central"] != _r(value):
                problems.append(f"{section}: {cid} is {_r(value)} {unit} at the central values, the cache says "
                                f"{cached['central']} {cached['unit']} (the code changed)")
        gone = set(doc["claims"]) - set(_numbers_of(result))
        problems += [f"{section}: {cid} is in the cache but no longer a number of the section" for cid in sorted(gone)]
    return problems


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True) if value is not None else "absent"
    return text if len(text) <= 80 else text[:77] + "..."


def sensitivity(section: str | ModuleType, *, method: str = "morris", trajectories: int = 8, levels: int = 4,
                sobol_n: int = 64, interval_points: int = 64, scheduler: str | None = None, seed: int = 0,
                n_workers: int | None = None, write: bool = True, directory: Path | None = None,
                progress: bool | Callable[[int, int], None] = True) -> dict[str, Any]:
    """Which assumptions move each number of a section, and how far.

    Over every field of ``Params.LEDGER`` whose ledger entry has a range:

    - one-at-a-time: each assumption at the low and high end of its range, the others central
      (the tornado figure);
    - global: Morris elementary effects (μ*, σ; ``trajectories`` trajectories on ``levels`` levels)
      or, with ``method="sobol"``, first-order and total Sobol indices (``sobol_n`` base samples),
      all assumptions varying together (SALib);
    - each number's 5–95 % interval over ``interval_points`` Latin-hypercube points of the ranges
      (uniform inside each range: the ledger gives ranges, not distributions).

    A ranged field that the section's ``prepare`` reads (``Params.PREPARED_FROM``: an analysis-stage
    assumption, e.g. a fit setting) costs one ``prepare`` per value: it gets the one-at-a-time ends only
    (two prepares) and is left out of the global design and the interval, which then cover the other
    assumptions (``"interval_over"``); its entry in ``"assumptions"`` and its drivers say
    ``"analysis-stage assumption: one-at-a-time only"``, and the drivers are then ranked by their
    one-at-a-time swing (``"ranked_by"``). When every ranged field is of that kind, the interval is the
    span of the one-at-a-time ends (``"interval": "one-at-a-time span"``).

    Returns (and with ``write`` caches as ``<directory>/<section>.json`` plus
    ``tornado_<section>.png``) ``{"section", "cache_key", "assumptions": {...}, "claims": {id:
    {"unit", "central", "p05", "p95", "interval", "n", "drivers": [...]}}}``; ``drivers`` lists the
    assumptions by decreasing global effect, each with its one-at-a-time low/high values. The cache is
    fresh while :func:`cache_problems` finds nothing (:func:`cache_key`: the section's parameters, its
    ledger entries and its data files).
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    module = resolve_section(section)
    short = module.__name__.rsplit(".", 1)[-1]
    ranged = [k for k in knobs(module).values() if k.ledger_key and k.range and k.range[0] < k.range[1]]
    if not ranged:
        raise ParameterError("section", module.__name__, "a section with ledger parameters that have ranges")
    key = cache_key(module)   # before the work: what the result is computed from
    names = [k.name for k in ranged]
    centre = np.array([k.default for k in ranged])
    # An assumption that the section's prepare reads (its analysis stage: fits, image thresholds) costs a
    # prepare per value: two (its range's ends) one at a time, but one per point in a global design.
    # Those get the one-at-a-time ends only; the global analysis and the interval cover the others.
    staged = prepared_from(module)
    oat_only = [k for k in ranged if k.name in staged]
    varied = [k for k in ranged if k.name not in staged]
    columns = [names.index(k.name) for k in varied]
    oat = []
    for j, k in enumerate(ranged):
        for end in k.range:
            row = centre.copy()
            row[j] = end
            oat.append(row)

    def full(rows: np.ndarray) -> np.ndarray:
        """Rows over the varied assumptions → rows over all (the one-at-a-time-only ones central)."""
        out = np.tile(centre, (len(rows), 1))
        out[:, columns] = rows
        return out

    problem = {"num_vars": len(varied), "names": [k.name for k in varied], "bounds": [list(k.range) for k in varied]}
    if method not in ("morris", "sobol"):
        raise ParameterError("method", method, "morris or sobol")
    if not varied:
        glob, lhs = np.zeros((0, 0)), np.zeros((0, 0))
    elif method == "morris":
        glob = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    else:
        glob = sobol_sample.sample(problem, sobol_n, calc_second_order=False, seed=seed)
    if varied:
        lhs = latin_points([k.range for k in varied], interval_points, seed=seed)
    matrix = np.vstack([np.array(oat)] + ([full(glob), full(lhs)] if varied else []))
    ds = run_sweep(module, points=(names, matrix), scheduler=scheduler, n_workers=n_workers, progress=progress)
    n_oat, n_glob = len(oat), len(glob)
    central = json.loads(ds.attrs["central_values"])
    only_text = "analysis-stage assumption: one-at-a-time only"
    # The global measure ranks the drivers when every assumption has one; with one-at-a-time-only
    # assumptions in the section, the one-at-a-time swing (which all have) ranks them.
    rank_key = "swing" if oat_only else ("mu_star" if method == "morris" else "ST")
    out_claims: dict[str, Any] = {}
    for cid in central:
        y = ds[cid].values
        unit = ds[cid].attrs["units"]
        y_glob, y_lhs = y[n_oat:n_oat + n_glob], y[n_oat + n_glob:]
        effects = (_global_effects(method, problem, glob, y_glob, morris_analyze, sobol_analyze, levels)
                   if varied else {})
        drivers = []
        for j, k in enumerate(ranged):
            low, high = y[2 * j], y[2 * j + 1]
            drivers.append({"assumption": k.ledger_key, "parameter": k.name, "range": list(k.range),
                            "unit": k.unit, "value_at_low": _r(low), "value_at_high": _r(high),
                            "swing": _r(abs(high - low)) if np.isfinite(high - low) else None,
                            **({"analysis": only_text} if k in oat_only else {}),
                            **effects.get(k.name, {})})
        drivers.sort(key=lambda d: (-(d.get(rank_key) or 0.0), -(d["swing"] or 0.0), d["parameter"]))
        if varied:
            finite = y_lhs[np.isfinite(y_lhs)]
            low, high = (np.percentile(finite, 5), np.percentile(finite, 95)) if finite.size else (None, None)
            interval = "5-95 % of a Latin-hypercube sample"
        else:  # nothing varies together: the span of the one-at-a-time ends (and the central value)
            finite = np.append(y[:n_oat], central[cid])
            finite = finite[np.isfinite(finite)]
            low, high = (finite.min(), finite.max()) if finite.size else (None, None)
            interval = "one-at-a-time span"
        predicted = cid.endswith(PREDICTED)
        out_claims[cid] = {"section": short, "claim_id": cid[:-len(PREDICTED)] if predicted else cid,
                           "kind": "independent_prediction" if predicted else "reproduction",
                           "unit": unit, "central": _r(central[cid]),
                           "p05": _r(low) if low is not None else None,
                           "p95": _r(high) if high is not None else None,
                           "interval": interval,
                           "n": int(finite.size), "failed_points": int(np.sum(~np.isfinite(y))),
                           # a driver that moves the number, or at one of whose ends the number has no value
                           # (e.g. a target that cannot be reached): both are worth telling the reader
                           "drivers": [d for d in drivers if (d.get(rank_key) or d["swing"]
                                                              or d["value_at_low"] is None
                                                              or d["value_at_high"] is None)]}
    result = {"section": short, "module": module.__name__, "method": method, "seed": seed,
              "ledger_sha256": ds.attrs["ledger_sha256"], "code_commit": ds.attrs["code_commit"],
              "cache_key": key, "cache_sha256": _digest(key),
              "points": int(len(matrix)), "failed_points": int(ds.attrs["failed_points"]),
              "prepare_groups": int(ds.attrs.get("prepare_groups", 0)), "ranked_by": rank_key,
              "interval_over": [k.ledger_key for k in varied],
              "assumptions": {k.name: {"ledger_key": k.ledger_key, "range": list(k.range), "unit": k.unit,
                                       "central": k.default,
                                       "analysis": only_text if k in oat_only else
                                       f"one-at-a-time and global ({method}), in the interval"}
                              for k in ranged},
              "claims": out_claims}
    if write:
        folder = Path(directory or SENSITIVITY_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        figure = tornado_figure(result)
        result["figure"] = f"tornado_{short}.png"
        from lpsrepro.fileio import atomic_path

        with atomic_path(folder / result["figure"]) as tmp:
            figure.savefig(tmp, format="png", dpi=110, metadata={"Software": None})
        write_json(folder / f"{short}.json", result)
    return result


def _r(x) -> float | None:
    """Rounded to 4 significant digits: enough for a report, identical across machines."""
    x = float(x)
    return float(f"{x:.4g}") if math.isfinite(x) else None


def _global_effects(method, problem, x, y, morris_analyze, sobol_analyze, levels) -> dict[str, dict]:
    ok = np.isfinite(y)
    if not np.all(ok) or np.ptp(y) == 0:
        # SALib's estimators need every point; a constant output has no effects to rank.
        return {name: ({"mu_star": 0.0, "sigma": 0.0} if method == "morris" else {"S1": 0.0, "ST": 0.0})
                for name in problem["names"]} if np.all(ok) else {}
    if method == "morris":
        res = morris_analyze.analyze(problem, x, y, num_levels=levels, print_to_console=False)
        return {n: {"mu_star": _r(res["mu_star"][i]), "sigma": _r(res["sigma"][i])}
                for i, n in enumerate(problem["names"])}
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, print_to_console=False)
    return {n: {"S1": _r(res["S1"][i]), "ST": _r(res["ST"][i])} for i, n in enumerate(problem["names"])}


def tornado_figure(result: dict[str, Any], *, top: int = 6):
    """One tornado panel per number: the one-at-a-time swing of its top assumptions, in % of central."""
    from matplotlib.figure import Figure

    claims = [(cid, c) for cid, c in sorted(result["claims"].items()) if c["drivers"] and c["central"]]
    count = max(1, len(claims))
    cols = 2 if count > 1 else 1
    rows = math.ceil(count / cols)
    fig = Figure(figsize=(5.2 * cols, 0.45 * top * rows + 0.9 * rows), layout="constrained")
    for n, (cid, claim) in enumerate(claims):
        ax = fig.add_subplot(rows, cols, n + 1)
        drivers = sorted(claim["drivers"], key=lambda d: -(d["swing"] or 0.0))[:top][::-1]
        centre = claim["central"]
        for i, d in enumerate(drivers):
            for value, colour in ((d["value_at_low"], "#4477aa"), (d["value_at_high"], "#cc6677")):
                if value is not None:
                    ax.barh(i, 100 * (value - centre) / abs(centre), color=colour, height=0.6)
        ax.set_yticks(range(len(drivers)), [d["assumption"] for d in drivers], fontsize=7)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"{cid} (central {centre:.4g} {claim['unit']})", fontsize=8)
        ax.set_xlabel("change at the range's low (blue) / high (red) end, %", fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
    if not claims:
        fig.text(0.5, 0.5, "no number moves over the ledger's ranges", ha="center")
    fig.suptitle(f"Assumption sensitivity of {result['section']} (one at a time)", fontsize=9)
    return fig


def load_sensitivity(directory: Path | None = None) -> dict[str, Any] | None:
    """The cached sensitivity results (all sections), or ``None`` when none was computed.

    → ``{"claims": {id: {..., "section"}}, "sections": {name: {"figure": "sensitivity/…png", ...}}}``.
    A stale cache — its section's parameters, ledger entries or data files changed since
    (:func:`cache_problems`) — is skipped (its intervals would describe other inputs) and listed under
    ``"stale"`` with the reasons under ``"stale_reasons"``.
    """
    folder = Path(directory or SENSITIVITY_DIR)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        return None
    merged: dict[str, Any] = {"claims": {}, "predictions": {}, "sections": {}, "stale": [], "stale_reasons": {}}
    predictions: dict[str, Any] = {}
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        problems = cache_problems(doc)
        if problems:
            merged["stale"].append(doc.get("section", path.stem))
            merged["stale_reasons"][doc.get("section", path.stem)] = problems
            continue
        merged["sections"][doc["section"]] = {
            "figure": f"{folder.name}/{doc['figure']}" if doc.get("figure") else None,
            "method": doc.get("method"), "points": doc.get("points"),
            "interval_over": doc.get("interval_over"), "ranked_by": doc.get("ranked_by"),
            "one_at_a_time_only": sorted(a["ledger_key"] for a in doc.get("assumptions", {}).values()
                                         if a.get("analysis", "").endswith("one-at-a-time only"))}
        for cid, claim in doc["claims"].items():
            if claim.get("kind") == "independent_prediction" or cid.endswith(PREDICTED):
                predictions[claim.get("claim_id", cid.removesuffix(PREDICTED))] = claim
            else:
                merged["claims"][cid] = claim
    merged["predictions"] = predictions
    # A claim the sections only predict (no measured number of it, e.g. the 400 Wh/kg loadings) is listed
    # under its own id too, so that the report's interval column covers it; its "kind" says what it is.
    for cid, claim in predictions.items():
        merged["claims"].setdefault(cid, claim)
    return merged if merged["claims"] or merged["stale"] else None


def sensitivity_summary(section: str, result: Any = None, *, directory: Path | None = None) -> tuple[str, Any]:
    """For a section notebook's last cell: the cached sensitivity as text lines and its tornado figure.

    Reads ``<directory>/<section>.json`` (no computation, so a papermill run stays fast) →
    ``(text, Figure or None)``; the text says how to compute it when there is no cache, or that the cache
    was computed with another ledger. Numbers are printed to 3 significant digits (deterministic).

    ``result`` is the notebook's section result (its ``numbers()``). A cached interval belongs to the
    inputs the sweep ran on — the bundled files and the ledger's central values; when this run's number
    differs from the cache's central value (your own files, other parameters, changed code), that
    claim's line says so instead of showing an interval of other data
    (:func:`lpsrepro.claims.sensitivity_mismatch`, the rule REPORT.md applies).
    """
    folder = Path(directory or SENSITIVITY_DIR)
    short = module_stem(str(section)).rsplit(".", 1)[-1]
    path = folder / f"{short}.json"
    if not path.is_file():
        return (f"no cached sensitivity for {short}: run `{refresh_command(short)}`", None)
    doc = json.loads(path.read_text(encoding="utf-8"))
    problems = cache_problems(doc)
    if problems:
        return (f"the cached sensitivity of {short} is stale ({'; '.join(problems[:3])}): rerun "
                f"`{refresh_command(short)}`", None)
    lines = [f"{'number':<44} {'central':>9} {'5 %':>9} {'95 %':>9}  unit  moved most by"]
    reached, other_inputs = [], []
    live = result.numbers() if result is not None else {}
    for cid, claim in sorted(doc["claims"].items()):
        if claim.get("p05") is None:
            continue
        differs = _live_mismatch(cid, claim, live)
        if differs:
            other_inputs.append(f"{cid}: {differs}")
            continue
        drivers = ", ".join(d["assumption"] for d in claim["drivers"][:3]) or "nothing in the ledger's ranges"
        lines.append(f"{cid:<44} {claim['central']:>9.3g} {claim['p05']:>9.3g} {claim['p95']:>9.3g}  "
                     f"{claim['unit']}  {drivers}")
        reached += _published_reached(cid, claim)
    staged = sorted(a["ledger_key"] for a in doc.get("assumptions", {}).values()
                    if a.get("analysis", "").endswith("one-at-a-time only"))
    if staged:
        lines += ["", "analysis-stage assumptions (read by the section's fits: one at a time only, not in the "
                  "interval): " + ", ".join(staged)]
    if reached:
        lines += ["", "published value reached when one assumption moves within its range (one at a time):"]
        lines += reached
    if other_inputs:
        lines += ["", "not shown: the cache was computed for other inputs than this run's (its central value is "
                  f"not this run's number); `{refresh_command(short)}` computes it for the ledger's defaults:"]
        lines += other_inputs
    return "\n".join(lines), tornado_figure(doc)


def _live_mismatch(claim_id: str, cached: dict[str, Any], live: dict[str, Any]) -> str:
    """Empty when this run's number of ``claim_id`` is the cached central value (or was not measured
    here), else what differs, in the words of :func:`lpsrepro.claims.sensitivity_mismatch`."""
    from lpsrepro.claims import sensitivity_mismatch

    number = live.get(claim_id)
    if number is None:
        return ""
    item = {"id": claim_id, "reproduced": {"value": number.value, "unit": number.unit}}
    return sensitivity_mismatch(item, {"central": cached.get("central"), "unit": cached.get("unit", number.unit),
                                      "kind": cached.get("kind")})


def _published_reached(cid: str, claim: dict[str, Any]) -> list[str]:
    """Lines naming each assumption whose one-at-a-time span reaches the paper's value of a claim
    that the central value misses (the comparison with the published value happens only here)."""
    from lpsrepro import claims as registry_module

    published = registry_module.registry().get(claim.get("claim_id", cid.removesuffix(PREDICTED)))
    if published is None or published.relation not in ("=", "~") or published.value is None:
        return []
    try:
        target = convert(float(published.value), published.unit, claim["unit"], what=cid)
        atol = abs(convert(float(published.value) + published.atol, published.unit, claim["unit"], what=cid) - target)
    except LpsreproError:
        return []
    if claim["central"] is None or abs(claim["central"] - target) <= atol:
        return []                       # already there at the central values
    out = []
    for d in claim["drivers"]:
        ends = [v for v in (d["value_at_low"], d["value_at_high"]) if v is not None]
        if len(ends) == 2 and min(ends + [claim["central"]]) <= target <= max(ends + [claim["central"]]):
            out.append(f"  {cid}: paper {published.value} {published.unit}, central {claim['central']:.3g}; "
                       f"reached by {d['assumption']} within [{d['range'][0]:g}, {d['range'][1]:g}] {d['unit']} "
                       f"({d['value_at_low']:.3g} to {d['value_at_high']:.3g})")
    return out


# --------------------------------------------------------------------------- command line
def add_parser(subparsers) -> None:
    """The ``lpsrepro sweep`` subcommand (the CLI calls :func:`main` with the parsed arguments)."""
    parser = subparsers.add_parser(
        "sweep", help="run a section over a parameter grid or sample on dask.distributed → NetCDF",
        description="Evaluate a paper section's run over a grid (--grid, one per parameter) or a Latin-hypercube "
                    "sample (--sample latin N), on a LocalCluster or an existing dask scheduler; or, with "
                    "--sensitivity, rank the ledger's assumptions by how far they move each number.")
    _arguments(parser)
    parser.set_defaults(sweep_main=main_from_args)


def _arguments(parser) -> None:
    parser.add_argument("section", help="section name, e.g. membrane, 32_membrane, 33_performance; 'all' with "
                        "--sensitivity: every section with ranged ledger entries")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=START:STOP:N[:UNIT]",
                        help="a swept parameter (repeat for more); with --sample, START:STOP are bounds")
    parser.add_argument("--sample", nargs=2, metavar=("latin", "N"), help="a Latin-hypercube sample of N points")
    parser.add_argument("--scheduler", help="address of a running dask scheduler (default: a LocalCluster; "
                        "'synchronous': in this process)")
    parser.add_argument("--workers", type=int, help="workers of the LocalCluster (default: one per core)")
    parser.add_argument("-o", "--output", help="file to write: NetCDF (.nc, default build/sweeps/SECTION.nc) or, "
                        "for sweeps larger than memory, Zarr (.zarr: chunked writes)")
    parser.add_argument("--allow-outside", action="store_true", help="allow values outside the ledger's ranges")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    parser.add_argument("--list", action="store_true", help="list the section's parameters and ranges, run nothing")
    parser.add_argument("--sensitivity", choices=("morris", "sobol"),
                        help="assumption sensitivity of every number instead of a sweep")
    parser.add_argument("--only-stale", action="store_true",
                        help="with 'all --sensitivity': recompute only the sections whose cache is stale")


def main(argv: list[str] | None = None) -> int:
    """``lpsrepro sweep ...`` as a function (``python -m lpsrepro.sweep ...`` works too)."""
    import argparse

    parser = argparse.ArgumentParser(prog="lpsrepro sweep", description=__doc__.split("\n\n")[0])
    _arguments(parser)
    return main_from_args(parser.parse_args(argv))


def sections_with_ranges() -> list[str]:
    """Every section module of :mod:`lpsrepro.sections` with at least one ranged ledger field (the ones
    a sensitivity describes), by name."""
    import pkgutil

    import lpsrepro.sections as sections

    found = []
    for info in sorted(pkgutil.iter_modules(sections.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"lpsrepro.sections.{info.name}")
        if not all(hasattr(module, a) for a in ("Params", "run")) or not hasattr(module.Params, "from_ledger"):
            continue
        if any(k.ledger_key and k.range and k.range[0] < k.range[1] for k in knobs(module).values()):
            found.append(info.name)
    return found


def refresh_all(*, method: str = "morris", only_stale: bool = False, scheduler: str | None = None,
                n_workers: int | None = None, seed: int = 0, directory: Path | None = None,
                sections: list[str] | None = None, out=None) -> dict[str, float]:
    """Recompute the cached sensitivity of every section with ranged ledger fields (``make sensitivity``).

    ``only_stale`` skips a section whose cache is fresh (:func:`cache_problems`, central values included).
    Progress goes to ``out`` (default stderr): one line per section, a progress bar while it runs, and its
    wall time. Returns ``{section: seconds}`` of the sections recomputed.
    """
    out = out or sys.stderr
    folder = Path(directory or SENSITIVITY_DIR)
    names = sections or sections_with_ranges()
    times = {}
    for n, name in enumerate(names, 1):
        cached = folder / f"{name}.json"
        if only_stale and cached.is_file():
            problems = cache_problems(json.loads(cached.read_text(encoding="utf-8")), check_central=True)
            if not problems:
                print(f"[{n}/{len(names)}] {name}: cache fresh, skipped", file=out, flush=True)
                continue
            print(f"[{n}/{len(names)}] {name}: stale ({problems[0]})", file=out, flush=True)
        print(f"[{n}/{len(names)}] {name}: computing its {method} sensitivity ...", file=out, flush=True)
        start = time.perf_counter()
        result = sensitivity(name, method=method, scheduler=scheduler, n_workers=n_workers, seed=seed,
                             directory=folder)
        times[name] = time.perf_counter() - start
        print(f"[{n}/{len(names)}] {name}: {result['points']} points, {result['prepare_groups']} prepares, "
              f"{result['failed_points']} failed, {times[name]:.0f} s → {folder / (name + '.json')}", file=out,
              flush=True)
    return times


def main_from_args(args) -> int:
    if args.section == "all":
        if not args.sensitivity:
            raise ParameterError("section", "all", "a single section for a sweep ('all' only with --sensitivity)")
        refresh_all(method=args.sensitivity, only_stale=args.only_stale, scheduler=args.scheduler,
                    n_workers=args.workers, seed=args.seed)
        return 0
    if args.list:
        for k in knobs(args.section).values():
            rng = f"[{k.range[0]:g}, {k.range[1]:g}]" if k.range else "no range"
            print(f"{k.name:<34} {k.default:<12g} {k.unit:<14} {k.ledger_key or '(not from the ledger)'} {rng}")
        return 0
    if args.sensitivity:
        result = sensitivity(args.section, method=args.sensitivity, scheduler=args.scheduler,
                             n_workers=args.workers, seed=args.seed)
        print(f"sensitivity of {result['section']}: {result['points']} points → "
              f"{SENSITIVITY_DIR / (result['section'] + '.json')}")
        return 0
    grid = dict(parse_grid(g) for g in args.grid)
    sample = None
    if args.sample:
        if args.sample[0] != "latin" or not args.sample[1].isdigit():
            raise ParameterError("--sample", " ".join(args.sample), "latin N, e.g. --sample latin 200")
        sample = ("latin", int(args.sample[1]))
        grid = {name: spec[:2] + spec[3:] for name, spec in grid.items()}
    module = resolve_section(args.section)
    output = Path(args.output) if args.output else paths.ROOT / "build" / "sweeps" / \
        f"{module.__name__.rsplit('.', 1)[-1]}.nc"
    output.parent.mkdir(parents=True, exist_ok=True)
    ds = run_sweep(module, grid, sample=sample, scheduler=args.scheduler, output=output,
                   allow_outside=args.allow_outside, seed=args.seed, n_workers=args.workers)
    print(f"{ds.attrs['n_points']} points ({ds.attrs['failed_points']} failed) → {output}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    from lpsrepro.errors import LpsreproError as _Error

    try:
        raise SystemExit(main())
    except _Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
