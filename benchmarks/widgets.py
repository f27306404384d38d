"""Benchmark: compute time of one "Explore" update per notebook (model only, and model + drawing).

Run:  .venv/bin/python benchmarks/widgets.py
Prints the median over repeated updates; the goal is well under 100 ms of compute per update.
"""

from __future__ import annotations


import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from _timing import median_ms  # benchmarks/_timing.py, found beside this script

from lpsrepro import ledger
from lpsrepro.models.impedance import blocking_film_cell_impedance_ohm
from lpsrepro.plots.impedance import draw_membrane_model_nyquist


def membrane_case():
    values = dict(thickness_nm=550.0, conductivity_s_per_cm=6.7e-5, relative_permittivity=30.0,
                  area_cm2=0.0314, interface_q_f_per_cm2=ledger.value("membrane.interface_cpe_q", "F/cm**2"),
                  interface_alpha=ledger.value("membrane.interface_cpe_alpha", ""))
    f = np.logspace(9, -1, 500)

    def model():
        blocking_film_cell_impedance_ohm(f, **values)

    def draw():
        fig = Figure(figsize=(5, 4.2))
        FigureCanvasAgg(fig)
        draw_membrane_model_nyquist(fig.add_subplot(), f_max_hz=1e6, **values)
        fig.canvas.draw()  # render, as the widget does when it displays the figure

    return model, draw


if __name__ == "__main__":
    model, draw = membrane_case()
    print(f"32_membrane Explore: model {median_ms(model, 30):.2f} ms, model + drawing {median_ms(draw, 10):.1f} ms "
          "(median per update)")
