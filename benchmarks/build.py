"""Benchmark of the build, side by side: plain sequential papermill, `lpsrepro build --force`, a no-op
build, and a rebuild after one data file changed; wall times, ratios, peak memory of all processes.

Run:  .venv/bin/python benchmarks/build.py
Works on a copy of the repository in a temporary folder (data, notebooks, package), so the checkout is
not touched. Goals (issue 12, 2 cores): force >= 1.5x faster than sequential papermill, no-op <= 2 s,
peak memory of a full parallel build <= 1 GB (Binder gives 1-2 GB).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


from lpsrepro.build import tree_rss_bytes  # noqa: E402  (the build's own memory measure)


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float, int]:
    """Wall time (s), peak memory of the whole process tree (MiB, sampled every 0.1 s), exit status."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_bytes(proc))
        time.sleep(0.1)
    return time.perf_counter() - start, peak / 2**20, proc.returncode


def copy_project(dest: Path) -> Path:
    for name in ("lpsrepro", "notebooks", "data", "figures"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ("pyproject.toml", "requirements-lock.txt"):
        shutil.copyfile(ROOT / name, dest / name)
    return dest


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="lpsrepro-bench-"))
    try:
        project = copy_project(work / "repo")
        env = dict(os.environ, PYTHONPATH=str(project))
        env.pop("LPSREPRO_FIGURES_DIR", None)
        notebooks = sorted((project / "notebooks").glob("[0-9]*.ipynb"))
        rows = []
        # 1. plain sequential papermill over the same notebooks
        papermill_env = dict(env, LPSREPRO_FIGURES_DIR=str(work / "pm-figures"))
        code = ("import sys, papermill\n"
                "for nb in sys.argv[1:]:\n"
                "    papermill.execute_notebook(nb, nb + '.out.ipynb', kernel_name='python3', cwd='notebooks',"
                " progress_bar=False)\n")
        rows.append(("plain sequential papermill", *timed([sys.executable, "-c", code, *map(str, notebooks)],
                                                         project, papermill_env)))
        for nb in notebooks:
            Path(str(nb) + ".out.ipynb").unlink(missing_ok=True)
        build = [sys.executable, "-m", "lpsrepro", "build", "-q"]
        rows.append(("lpsrepro build --force", *timed(build + ["--force"], project, env)))
        rows.append(("lpsrepro build (no-op)", *timed(build, project, env)))
        data = project / "data" / "raw" / "membrane_550nm_eis.z"
        data.write_text(data.read_text().replace("\n", "\r\n", 1))  # one data file changed (its bytes)
        rows.append(("after one data file changed", *timed(build, project, env)))
        base = rows[0][1]
        print(f"{'':32s} {'wall s':>8s} {'vs papermill':>13s} {'peak MiB (all processes)':>26s}  status")
        for name, seconds, peak, status in rows:
            print(f"{name:32s} {seconds:8.1f} {base / seconds:12.2f}x {peak:26.0f}  {'ok' if status == 0 else status}")
        print(f"cores: {len(os.sched_getaffinity(0))}, load average before/after: {os.getloadavg()[0]:.1f}")
        force, noop = rows[1][1], rows[2][1]
        print(f"goals: force >= 1.5x papermill: {'met' if base / force >= 1.5 else 'NOT met'}; "
              f"no-op <= 2 s: {'met' if noop <= 2 else 'NOT met'}; "
              f"peak <= 1 GB: {'met' if rows[1][2] <= 1024 else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
