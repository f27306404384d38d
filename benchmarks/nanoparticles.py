"""Benchmark of §3.1: model solve, one Explore update, image analysis per image.

Run:  .venv/bin/python benchmarks/nanoparticles.py
Prints medians; the Explore update (drawing a precomputed grid point) must stay well under 200 ms.
"""

from __future__ import annotations


import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from _timing import median_ms  # benchmarks/_timing.py, found beside this script

from lpsrepro import paths
from lpsrepro.analysis.particles import fit_normal, segment_particles
from lpsrepro.io.images import read_sem_image
from lpsrepro.models import nucleation
from lpsrepro.plots.particles import draw_width_map
from lpsrepro.sections import nanoparticles as section
from lpsrepro.simulate.nanoparticles import calibrated_parameters


if __name__ == "__main__":
    # the generator's calibrated inputs: a representative point for timing the solver (the notebook fits its own)
    params = calibrated_parameters("li2s")
    print(f"model solve (nano-Li2S, calibrated): {median_ms(lambda: nucleation.simulate_precipitation(params)):.0f} ms")
    grid = {"supply_rates_per_s": [params.supply_rate_per_s], "solubilities_mol_per_m3": [params.solubility_mol_per_m3],
            "results": {(params.supply_rate_per_s, params.solubility_mol_per_m3):
                        section.distribution_curve(nucleation.simulate_precipitation(params), span="explore")}}

    def update():
        fig = Figure(figsize=(5, 4.2))
        FigureCanvasAgg(fig)
        draw_width_map(fig.add_subplot(), grid, params.supply_rate_per_s, params.solubility_mol_per_m3)
        fig.canvas.draw()

    print(f"Explore update (precomputed grid point, drawing): {median_ms(update):.0f} ms")
    for name, d_min in (("nano_li2s_sem.tif", 6.0), ("lps_precursor_sem.tif", 15.0), ("lps_naph_sem.tif", 15.0)):
        img = read_sem_image(paths.RAW / name)
        ms = median_ms(lambda: fit_normal(segment_particles(img, min_diameter_nm=d_min).diameters_nm))
        print(f"image analysis {name}: {ms:.0f} ms")
