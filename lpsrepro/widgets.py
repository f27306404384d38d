"""Small helpers for the notebooks' "Explore" sections (ipywidgets 8).

:func:`explorer` binds sliders to a drawing function without ``interact``:
the figure is drawn once when the widget is built and again on every change,
into an ``Output`` widget. Labels use ``description_width: initial`` so that
they are never cut (the unit in brackets stays visible).
:func:`grid_slider` steps exactly through precomputed model results, so that
every step lands on a new result and changes the figure. Executed headless (papermill, nbval) the notebook
finishes at once — there is no event loop waiting for input — and the
drawing lands in the saved widget state, not in the cell's outputs.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
from IPython.display import display

from lpsrepro.plots.style import RC, enable_inline_figures


def log_slider(description: str, value: float, low: float, high: float, *, readout_format: str = ".3g",
               steps_per_decade: int = 20) -> widgets.FloatLogSlider:
    """A logarithmic slider from ``low`` to ``high`` (positive numbers)."""
    import math

    return widgets.FloatLogSlider(value=value, base=10, min=math.log10(low), max=math.log10(high),
                                  step=1.0 / steps_per_decade, description=description,
                                  readout_format=readout_format, continuous_update=False,
                                  style={"description_width": "initial"}, layout={"width": "36em"})


def linear_slider(description: str, value: float, low: float, high: float, step: float, *,
                  readout_format: str = ".3g") -> widgets.FloatSlider:
    """A linear slider."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               readout_format=readout_format, continuous_update=False,
                               style={"description_width": "initial"}, layout={"width": "36em"})


def grid_slider(description: str, values, value: float, *, fmt: str = "{:.3g}") -> widgets.SelectionSlider:
    """A slider over precomputed values: each step is one grid point (none is swallowed).

    The readout is ``fmt`` of the value, in the unit the description names; use the same ``fmt``
    in the status text so that both show one number.
    """
    values = [float(v) for v in values]
    nearest = min(values, key=lambda v: abs(v - value))
    return widgets.SelectionSlider(options=[(fmt.format(v), v) for v in values], value=nearest,
                                   description=description, continuous_update=False,
                                   style={"description_width": "initial"}, layout={"width": "36em"})


def explorer(controls: dict[str, widgets.ValueWidget], draw: Callable[..., str | None], *,
             figsize: tuple[float, float] = (5.0, 4.2), static: bool = False) -> widgets.Widget:
    """A panel of controls and a figure redrawn by ``draw(ax, **values)`` on every change.

    ``draw`` may return a short text, shown under the figure. (The time an
    update takes is measured by ``benchmarks/widgets.py``, not shown here, so
    that the saved widget state is the same at every build.) With ``static=True``
    the initial state is also displayed at once as a plain image with its text,
    so that a reader of the saved notebook (GitHub, nbviewer, JupyterLab before
    running) sees the model's figure even where widgets are not rendered.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    enable_inline_figures()
    out = widgets.Output()
    status = widgets.HTML()

    def update(_change=None):
        values = {name: control.value for name, control in controls.items()}
        with mpl.rc_context(RC):
            fig = Figure(figsize=figsize, layout="constrained")
            text = draw(fig.add_subplot(), **values)
        with out:
            out.clear_output(wait=True)
            display(fig)
        status.value = f"<small>{text or ''}</small>"

    for control in controls.values():
        control.observe(update, names="value")
    update()
    if static:
        from IPython.display import HTML

        values = {name: control.value for name, control in controls.items()}
        with mpl.rc_context(RC):
            fig = Figure(figsize=figsize, layout="constrained")
            text = draw(fig.add_subplot(), **values)
        display(HTML("<small>Initial state (static image; the sliders below redraw it):</small>"), fig,
                HTML(f"<small>{text or ''}</small>"))
    return widgets.VBox([*controls.values(), out, status])
