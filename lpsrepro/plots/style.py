"""Shared look of all figure panels.

Panels are built on ``matplotlib.figure.Figure`` objects (not pyplot), so
that a notebook shows exactly the figures it displays and nothing leaks
between cells. Sizes follow a journal column layout: 3.4 in for one column,
7.0 in for two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ONE_COLUMN_IN = 3.4
TWO_COLUMN_IN = 7.0

RC = {
    "font.size": 8.5,
    "axes.labelsize": 8.5,
    "axes.titlesize": 9,
    "legend.fontsize": 7.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.2,
    "lines.markersize": 4,
    "savefig.dpi": 200,
    "pdf.fonttype": 42,       # editable text in the PDF
    "svg.fonttype": "none",
    "svg.hashsalt": "lpsrepro",  # fixed element ids in SVG output (default: random per run)
}

#: Colours (Okabe–Ito, readable by colour-blind readers).
DATA = "#0072B2"
FIT = "#D55E00"
ACCENT = "#009E73"
GREY = "#7f7f7f"


def enable_inline_figures() -> None:
    """Let IPython show ``Figure`` objects as PNG (in cells and in widget outputs).

    Panels are plain ``Figure`` objects, not pyplot figures, so the inline
    backend's formatters are not registered until something asks for them;
    without this, ``display(fig)`` shows only ``<Figure size ...>``. Does
    nothing outside IPython; safe to call repeatedly.
    """
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is not None:
        select_figure_formats(shell, {"png"}, dpi=110)


def new_figure(width_in: float, height_in: float, **kwargs) -> Figure:
    """A Figure with the compendium's style applied to everything drawn on it."""
    # matplotlib is imported at the first figure, not with this module: lpsrepro.widgets imports RC from
    # here, and the Explore dashboard's first view (stored images) must not wait for matplotlib (0.25-0.5 s)
    import matplotlib as mpl
    from matplotlib.figure import Figure

    enable_inline_figures()
    with mpl.rc_context(RC):
        fig = Figure(figsize=(width_in, height_in), layout="constrained", **kwargs)
    return fig


def styled(fn):
    """Decorator: run a panel function inside the compendium's rc context."""
    import functools

    import matplotlib as mpl

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(RC):
            return fn(*args, **kwargs)

    return wrapper


def panel_label(ax, label: str) -> None:
    """Bold panel letter in the top-left corner, outside the axes."""
    ax.text(-0.02, 1.02, label, transform=ax.transAxes, ha="right", va="bottom", fontweight="bold")
