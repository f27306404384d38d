"""Benchmark of the sweep engine (issue 13): scaling over dask.distributed workers.

Run:  .venv/bin/python benchmarks/sweep.py [--section membrane --section performance] [--points 200] [--work-ms 50]

For each section's ``run`` (default: the test suite's fake section spending ``--work-ms`` of CPU per point,
then the real §3.2 ``membrane`` section swept over the electrode diameter and the §3.3 ``performance``
section swept over the cathode's sulfur fraction; ``--knob`` overrides the swept parameter) it prints, for LocalClusters of 1 and 2 single-threaded workers:
points per second (and per worker), the speed-up of 2 workers over 1 (goal ≥ 1.8 on a 2-core machine
for ≥ 200 points), the scheduler's overhead per task measured with empty tasks and as a share of task
time (goal < 5 %), the projection to 64 workers from these two numbers, the peak memory (max RSS) per
worker, and the largest sweep the 2-worker machine finishes in 10 minutes.

For the §3.1 sections (``nanoparticles``, ``reaction_kinetics``: seconds to a minute per ``run``, spent
reading and fitting measurements) it measures the fast path when the section has ``prepare``
(``--fast-path``, on by default): the CPU time of ``prepare`` and of ``run(q, prepared=...)``, the points
per second per worker with one prepare amortised over the sweep, and a LocalCluster sweep over a ranged
parameter that ``prepare`` does not read (one prepare for the whole sweep), with 1 and 2 workers. A
section without ``prepare`` is reported as such (its whole ``run`` per point is then the cost).

On a shared, loaded machine wall times are noisy; the CPU time per point is printed beside them, so that
a speed-up below the goal can be told apart from a machine whose other jobs took the second core.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the fake section

from lpsrepro import sweep  # noqa: E402


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_seconds() -> float:
    return time.process_time()


def measure(section: str, n_workers: int, points: int, work_ms: float, knob: str) -> dict:
    from distributed import Client, LocalCluster, get_task_stream

    module = sweep.resolve_section(section)
    k = sweep.knobs(module)[knob]
    low, high = k.range or (k.default * 0.5, k.default * 1.5)
    base = {"work_ms": work_ms} if "work_ms" in sweep.knobs(module) else {}
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.run(lambda: None)  # workers up and connected
        # Scheduler overhead per task: round trip of many empty tasks, per task.
        empties = 400
        start = time.perf_counter()
        client.gather(client.map(lambda i: i, range(empties), pure=False))
        overhead_s = (time.perf_counter() - start) / empties * n_workers
        cpu_before = sum(client.run(_cpu_seconds).values())
        start = time.perf_counter()
        with get_task_stream(client) as stream:
            ds = sweep.run_sweep(module, {knob: (low, high, points)}, base=base,
                                 scheduler=cluster.scheduler_address, progress=False)
        wall = time.perf_counter() - start
        cpu = sum(client.run(_cpu_seconds).values()) - cpu_before
        # Per task: time on the worker (compute) vs. the gap between tasks on the same worker (scheduling).
        computes = [s["stop"] - s["start"] for task in stream.data for s in task["startstops"]
                    if s["action"] == "compute"]
        rss = max(client.run(_max_rss_mb).values())
    batch = int(ds.attrs["batch_size"])
    tasks = math.ceil(points / batch)
    return {"workers": n_workers, "points": points, "wall_s": wall, "points_per_s": points / wall,
            "cpu_s_per_point": cpu / points, "batch": batch, "tasks": tasks,
            "task_s": cpu / tasks, "overhead_s": overhead_s,
            "task_wall_s": float(np.mean(computes)) if computes else math.nan,
            "idle_share": 1 - sum(computes) / (wall * n_workers) if computes else math.nan, "max_rss_mb": rss,
            "failed": int(ds.attrs["failed_points"]), "values": ds[next(iter(ds.data_vars))].values}


#: The §3.1 sections, whose run is slow: measured through their fast path (when they have one).
FAST_PATH_SECTIONS = ("nanoparticles", "reaction_kinetics")


def fast_path_knob(module) -> str | None:
    """A ranged ledger parameter of the section that its ``prepare`` does not read (a sweep over it needs
    one prepare), or ``None``."""
    staged = sweep.prepared_from(module)
    for k in sweep.knobs(module).values():
        if k.ledger_key and k.range and k.range[0] < k.range[1] and k.name not in staged:
            return k.name
    return None


def fast_path_report(section: str, points: int) -> None:
    """CPU time of prepare and of run with the prepared object; points/s per worker with prepare
    amortised over ``points``; a measured LocalCluster sweep with 1 and 2 workers."""
    module = sweep.resolve_section(section)
    print(f"\n== {section}: fast path")
    if not hasattr(module, "prepare"):
        print("no prepare(): the section runs whole per point (fast path not measured)")
        return
    params = module.Params.from_ledger()
    start = time.thread_time()
    prepared = module.prepare(params)
    prepare_s = time.thread_time() - start
    start = time.thread_time()
    module.run(params, prepared=prepared)
    run_s = max(time.thread_time() - start, 1e-6)
    start = time.thread_time()
    module.run(params)
    whole_s = time.thread_time() - start
    amortised = points / (prepare_s + points * run_s)
    print(f"CPU: prepare {prepare_s:.2f} s, run with prepared {1e3 * run_s:.1f} ms, run whole {whole_s:.2f} s; "
          f"PREPARED_FROM: {', '.join(sorted(sweep.prepared_from(module))) or '(none)'}")
    print(f"one worker, {points} points with one prepare: {amortised:.1f} points/s "
          f"(whole run per point: {1 / whole_s:.2f} points/s, {amortised * whole_s:.0f}× slower)")
    knob = fast_path_knob(module)
    if knob is None:
        print("every ranged ledger parameter is read by prepare: no one-prepare sweep to measure")
        return
    results = [measure(section, n, points, 0.0, knob) for n in (1, 2)]
    for r in results:
        print(f"{r['workers']} worker(s), {points} points over {knob}: {r['wall_s']:.1f} s = {r['points_per_s']:.1f} "
              f"points/s ({r['points_per_s'] / r['workers']:.1f} per worker, start-up and the central prepare included); "
              f"inside the tasks {r['batch'] / r['task_wall_s']:.1f} points/s per worker ({r['tasks']} tasks of "
              f"{r['batch']} points); peak memory {r['max_rss_mb']:.0f} MB per worker; failed points {r['failed']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--section", action="append", help="a section (repeat for more); default: "
                        + ", ".join(DEFAULT_KNOBS))
    parser.add_argument("--knob", help="the parameter swept (default: per section, see DEFAULT_KNOBS)")
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--work-ms", type=float, default=50.0, help="CPU time per point of the fake section")
    parser.add_argument("--fast-path", action="append", metavar="SECTION",
                        help="a section whose fast path (prepare) to measure (repeat; default: "
                             + ", ".join(FAST_PATH_SECTIONS) + "; 'none' for none)")
    args = parser.parse_args(argv)
    for section in args.section or list(DEFAULT_KNOBS):
        knob = args.knob or DEFAULT_KNOBS.get(section)
        if knob is None:
            parser.error(f"--knob is needed for section {section}")
        report(section, knob, args.points, args.work_ms)
    for section in args.fast_path or FAST_PATH_SECTIONS:
        if section != "none":
            fast_path_report(section, args.points)
    return 0


#: The parameter each section is swept over (a ledger entry with a range, so the sweep is a plausible one).
DEFAULT_KNOBS = {"fake_section": "interface_cpe_alpha", "membrane": "electrode_diameter_mm",
                 "performance": "sulfur_fraction"}


def report(section: str, knob: str, points: int, work_ms: float) -> None:
    """Measure one section with 1 and 2 workers and print the figures of the module docstring."""
    print(f"\n== {section}: {points} points over {knob}")
    print(f"machine: {len(os.sched_getaffinity(0))} usable cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (shared with other jobs: wall times are noisy)")
    results = [measure(section, n, points, work_ms, knob) for n in (1, 2)]
    assert np.array_equal(results[0]["values"], results[1]["values"], equal_nan=True)
    for r in results:
        print(f"{r['workers']} worker(s): {r['points']} points in {r['wall_s']:.1f} s = {r['points_per_s']:.1f} "
              f"points/s ({r['points_per_s'] / r['workers']:.1f} per worker); CPU {1e3 * r['cpu_s_per_point']:.0f} ms/point; "
              f"{r['tasks']} tasks of {r['batch']} points ({r['task_s']:.2f} s CPU each); "
              f"peak memory {r['max_rss_mb']:.0f} MB per worker; failed points {r['failed']}")
    one, two = results
    speedup = two["points_per_s"] / one["points_per_s"]
    print(f"speed-up 2 vs 1 worker: {speedup:.2f}× (goal ≥ 1.8×)")
    share = two["overhead_s"] / two["task_wall_s"]
    print(f"scheduler overhead: {1e3 * two['overhead_s']:.1f} ms per empty task = {100 * share:.2f} % of a "
          f"task's wall time ({two['task_wall_s']:.2f} s) (goal < 5 %); workers idle "
          f"{100 * two['idle_share']:.1f} % of the sweep's wall time (start-up, central point, assembly included)")
    # 64 workers, from CPU times (not this loaded machine's wall times): each worker finishes a task every
    # task_s + overhead_s; the scheduler hands out at most workers/overhead_s empty tasks per second.
    scheduler_tasks_per_s = two["workers"] / two["overhead_s"]
    task_rate = min(64 / (two["task_s"] + two["overhead_s"]), scheduler_tasks_per_s)
    projected = task_rate * two["batch"]
    ideal = 64 / two["cpu_s_per_point"]
    print(f"projection, 64 workers: {projected:.0f} points/s = {projected / ideal:.0%} of 64 × 1/(CPU time per "
          f"point), from the per-task CPU time and the scheduler's {1e3 * two['overhead_s']:.0f} ms per task "
          f"(scheduler limit {scheduler_tasks_per_s:.0f} tasks/s)")
    print(f"largest sweep in 10 minutes on this machine (2 workers): ~{int(600 * two['points_per_s'])} points")


if __name__ == "__main__":
    raise SystemExit(main())
