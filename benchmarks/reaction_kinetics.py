"""Benchmark of §3.1: whole-pattern quantification of a 20-pattern series, the section's fast path, one Explore update.

Run:  .venv/bin/python benchmarks/reaction_kinetics.py
Prints the wall time of quantifying 20 patterns (the bundled 10 analysed twice), of the section's ``prepare`` (every
pattern and spectrum read, fitted and gated) and of ``run(q, prepared=...)`` for a changed kinetic assumption (the
goal: well under 1 s, so that a sweep over the ledger's ranges costs one ``prepare``), and the median compute time of
one widget update (model only, and model + drawing); the goal for the update is ≤ 50 ms of compute.
"""

from __future__ import annotations

import glob
import statistics
import time

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lpsrepro import paths
from lpsrepro.analysis import xrd as ax
from lpsrepro.io.xrd import read_xy
from lpsrepro.plots.reaction_kinetics import explore_draw
from lpsrepro.sections import reaction_kinetics as section

UVW = (0.004, -0.002, 0.0025)
PHASES = ["beta-Li3PS4", "Li2S", "Li4P2S6"]


def series_seconds(n: int = 20) -> float:
    files = sorted(glob.glob(str(paths.RAW / "xrd_*min.xy")))
    files = (files * (n // len(files) + 1))[:n]
    ax.fit_pattern(read_xy(files[0]), PHASES, caglioti_uvw=UVW)  # warm the stick cache (pymatgen, once per phase)
    start = time.perf_counter()
    for f in files:
        ax.fit_pattern(read_xy(f), PHASES, caglioti_uvw=UVW, initial_sizes_nm={"Li2S": 20 if "dual" in f else 100})
    return time.perf_counter() - start


def fast_path_seconds(repeats: int = 5):
    """Wall time of ``prepare``, the median of ``run(q, prepared=...)`` over kinetic assumptions at their range
    ends, and the central result (for the Explore benchmark)."""
    p = section.Params.from_ledger()
    start = time.perf_counter()
    prepared = section.prepare(p)
    prepare_s = time.perf_counter() - start
    changes = [{"commercial_li2s_median_nm": 30000.0}, {"commercial_li2s_gsd": 3.0}, {"nano_li2s_relative_sd": 0.4},
               {"target_conversion": 0.999}, {}]
    times = []
    for change in changes[:repeats]:
        start = time.perf_counter()
        section.run(p.replace(**change), prepared=prepared)
        times.append(time.perf_counter() - start)
    return prepare_s, statistics.median(times), section.run(p, prepared=prepared)


def widget_ms(result) -> tuple[float, float]:
    """Median time of one Explore update: the model (:func:`~lpsrepro.sections.reaction_kinetics.explore`) alone,
    and the model + drawing (:func:`~lpsrepro.plots.reaction_kinetics.explore_draw`), over sizes 18 nm–15 µm."""
    basis = section.explore_basis(result)
    draw = explore_draw(basis)
    rate = result.explore_start()["rate"]
    compute, total = [], []
    for d in [18, 40, 200, 1000, 15000] * 4:
        t0 = time.perf_counter()
        section.explore(basis, diameter_nm=d, rate=rate, time_min=50.0)
        compute.append(1e3 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        fig = Figure(figsize=(9, 3))
        FigureCanvasAgg(fig)
        draw(fig.add_subplot(), diameter_nm=d, rate=rate, time_min=50.0)
        fig.canvas.draw()
        total.append(1e3 * (time.perf_counter() - t0))
    return statistics.median(compute), statistics.median(total)


if __name__ == "__main__":
    print(f"31b_reaction_kinetics: 20-pattern quantification {series_seconds():.1f} s")
    prepare_s, run_s, central = fast_path_seconds()
    print(f"31b_reaction_kinetics: prepare {prepare_s:.1f} s, run(q, prepared=...) {1e3 * run_s:.0f} ms (median)")
    model_ms, draw_ms = widget_ms(central)
    print(f"31b_reaction_kinetics Explore: model {model_ms:.1f} ms, model + drawing {draw_ms:.0f} ms (median per update)")
