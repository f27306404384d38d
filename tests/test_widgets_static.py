"""The static view of the Explore sections: an image of the initial state beside the live widget.

A reader who opens a notebook without running it (GitHub, nbviewer, JupyterLab before Run All)
must see each Explore section's figure: :func:`lpsrepro.widgets.explorer` displays a PNG of its
initial state next to the widget, and the widget state saved at execution renders in the
nbconvert/nbviewer HTML with the pinned widget manager.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from lpsrepro import paths
from lpsrepro.widgets import HTML_MANAGER_URL, HTML_MANAGER_VERSION, notebook_html

EXPLORE_CELL = """\
from lpsrepro.widgets import explorer, log_slider, static_images

def draw(ax, x):
    ax.plot([0, 1], [0, x])
    return f"slope {x:.3g}"

explorer({"x": log_slider("slope (1)", 1.0, 0.1, 10.0)}, draw)
"""


def _png_outputs(cell) -> int:
    return sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


@pytest.fixture(scope="module")
def executed():
    """A two-explorer notebook executed headless (as papermill and the build do), widget state stored."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(EXPLORE_CELL),
                nbformat.v4.new_code_cell("with static_images(False):\n    w = explorer({'x': log_slider('x (1)', 1.0, 0.1, 10.0)}, draw)\nw")]
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True).execute()
    return nb


def test_explorer_shows_a_static_image_by_default_and_not_in_a_dashboard(executed):
    assert _png_outputs(executed.cells[0]) == 1
    assert "slope 1" in "".join(o.get("data", {}).get("text/html", "") for o in executed.cells[0].outputs)
    assert _png_outputs(executed.cells[1]) == 0


def test_html_holds_the_static_image_and_the_widget_state_with_a_pinned_manager(executed):
    html = notebook_html(executed)
    assert html.count("data:image/png;base64,") >= 1
    assert '<script type="application/vnd.jupyter.widget-state+json">' in html
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    # the live figure (in the Output widget) is in the saved state too, so nbviewer can render it
    assert any(m["model_name"] == "OutputModel" and m["state"].get("outputs") for m in state.values())
    assert HTML_MANAGER_URL in html and f"@{HTML_MANAGER_VERSION}/" in HTML_MANAGER_URL
    assert "html-manager@*" not in html


def _explore_cells(nb):
    """The code cells under each '## Explore' heading (up to the next heading)."""
    cells, inside = [], False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"^#+ ", cell.source, re.M):
            inside = bool(re.search(r"^#+ Explore", cell.source, re.M))
        elif inside and cell.cell_type == "code":
            cells.append(cell)
    return cells


STATIC_MARK = "Initial state (static image"


@pytest.mark.parametrize("path", sorted(paths.NOTEBOOKS.glob("[0-9]*.ipynb")), ids=lambda p: p.name)
def test_committed_notebooks_show_every_explorer_statically(path):
    """One static image per explorer (each explorer owns one Output widget in the saved state).

    Outputs are rebuilt by the build: this checks the committed, executed notebooks.
    """
    nb = nbformat.read(path, as_version=4)
    cells = _explore_cells(nb)
    if not cells:
        pytest.skip(f"{path.name} has no Explore section")
    static = [c for c in cells for o in c.get("outputs", []) if STATIC_MARK in o.get("data", {}).get("text/html", "")]
    assert sum(_png_outputs(c) for c in cells) >= len(static) >= 1, \
        f"{path.name}: its Explore section shows no static image when opened without a kernel"
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    assert state, f"{path.name}: no saved widget state"
    explorers = sum(m["model_name"] == "OutputModel" for m in state.values())
    assert len(static) == explorers, f"{path.name}: {explorers} explorers but {len(static)} static images"


def test_explorer_outside_a_kernel_prints_nothing(capsys):
    """Outside a kernel (``python -m lpsrepro.explore`` filling the dashboard's cache) no figure text is printed."""
    from lpsrepro.widgets import FirstViews, explorer, first_views, linear_slider

    def draw(ax, x):
        ax.plot([0, 1], [0, x])
        return f"slope {x:.3g}"

    slider = linear_slider("x (1)", 1.0, 0.0, 2.0, 0.1)
    panel = explorer({"x": slider}, draw)                       # static image on: not printed either
    views = FirstViews()
    with first_views(views):
        explorer({"x": linear_slider("x (1)", 1.0, 0.0, 2.0, 0.1)}, draw, static=False)
    slider.value = 1.5                                          # a redraw
    assert capsys.readouterr().out == ""
    assert panel.children[-1].value == "<small>slope 1.5</small>"    # the status still follows the control
    assert len(views.stored) == 1 and "image/png" in next(iter(views.stored.values()))[0]


def test_widgets_module_does_not_import_matplotlib():
    """The dashboard's first view shows stored images: importing the widgets must not import matplotlib."""
    from fresh_interpreter import run_fresh

    run_fresh("import sys, lpsrepro.widgets, lpsrepro.plots.style\n"
              "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
              "from lpsrepro.plots.style import new_figure\n"
              "assert type(new_figure(1, 1)).__name__ == 'Figure'\n")
