"""Benchmark: wall time and peak memory (whole process tree: build + kernels) of `lpsrepro build`.

Run:  .venv/bin/python benchmarks/build.py [--output-dir DIR]
Builds into a temporary folder by default, so the repository is not touched. Binder gives
1-2 GB of memory: the peak printed here must stay well below that.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

import psutil


def tree_rss_bytes(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output-dir", default=None)
    args = parser.parse_args()
    out = args.output_dir or tempfile.mkdtemp(prefix="lpsrepro-bench-")
    start = time.perf_counter()
    proc = psutil.Popen([sys.executable, "-m", "lpsrepro", "build", "-q", "-o", out],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_bytes(proc))
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    print(f"lpsrepro build: {status}, wall time {elapsed:.1f} s, peak memory of the process tree "
          f"{peak / 2**20:.0f} MiB (sampled every 0.1 s) -> {out}")


if __name__ == "__main__":
    main()
