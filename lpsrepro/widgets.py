"""Small helpers for the notebooks' "Explore" sections (ipywidgets 8).

:func:`explorer` binds sliders to a drawing function without ``interact``:
the figure is drawn once when the widget is built and again on every change,
into an ``Output`` widget. Labels use ``description_width: initial`` so that
they are never cut (the unit in brackets stays visible).
:func:`grid_slider` steps exactly through precomputed model results, so that
every step lands on a new result and changes the figure. A slider bound to an assumption of the
ledger (a field of its section's ``Params.LEDGER``) gets, beside it, the ledger's range with a marker at
its value and the claims the cached sensitivity says it moves (:mod:`lpsrepro.slider_sensitivity`).
Executed headless (papermill, nbval) the notebook
finishes at once — there is no event loop waiting for input — and the
drawing lands in the saved widget state, not in the cell's outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

import ipywidgets as widgets
from IPython.display import display as _ipython_display

from lpsrepro.plots.style import RC, enable_inline_figures


#: Whether :func:`explorer` also displays a static image of its initial state (see there).
_STATIC_IMAGES: ContextVar[bool] = ContextVar("static_images", default=True)


#: The section whose ``Params.LEDGER`` names the explorers' controls, when set by :func:`sensitivity_of`.
_SECTION: ContextVar[str | None] = ContextVar("sensitivity_section", default=None)


@contextmanager
def sensitivity_of(section: str | None):
    """Within the block, explorers built with ``section=None`` read their controls as fields of ``section``.

    ``section`` is a module name of :mod:`lpsrepro.sections` (``"performance"``); ``None`` turns the
    sensitivity text off. The dashboard (:mod:`lpsrepro.explore`) sets it around each section's widget.
    """
    token = _SECTION.set(section or "")
    try:
        yield
    finally:
        _SECTION.reset(token)


def _section_of(section: str | None, draw) -> str | None:
    """The section an explorer's controls belong to: given, set by :func:`sensitivity_of`, or the module
    ``draw`` was defined in when that is a section module (``lpsrepro.sections.performance``)."""
    if section is not None:
        return section or None
    chosen = _SECTION.get()
    if chosen is not None:
        return chosen or None
    module = getattr(draw, "__module__", "") or ""
    prefix = "lpsrepro.sections."
    return module[len(prefix):] if module.startswith(prefix) and "." not in module[len(prefix):] else None


def sensitivity_widgets(section: str | None, controls: dict[str, widgets.ValueWidget], *,
                        directory=None) -> dict[str, widgets.HTML]:
    """One ``HTML`` per control bound to the ledger, kept up to date with the control's value.

    Never raises: a section without ``Params.LEDGER``, a missing or stale cache, or an unexpected
    error gives a one-line text instead (the widget must work without the sensitivity).
    """
    if not section:
        return {}
    from lpsrepro.slider_sensitivity import SectionSensitivity

    try:
        sens = SectionSensitivity(section, directory=directory)
    except Exception:                     # noqa: BLE001 -- the sensitivity is an aid, never a failure
        return {}
    found = {}
    for name, control in controls.items():
        def text(value, name=name):
            try:
                return sens.html(name, value)
            except Exception as exc:      # noqa: BLE001 -- as above
                return f"<small>sensitivity unavailable for {name}: {type(exc).__name__}</small>"

        first = text(control.value)
        if first is None:
            continue
        box = widgets.HTML(first, layout={"margin": "0 0 0 1em"})
        control.observe(lambda change, box=box, text=text: setattr(box, "value", text(change["new"]) or ""),
                        names="value")
        found[name] = box
    return found


@contextmanager
def static_images(enabled: bool):
    """Within the block, explorers built with ``static=None`` show (or omit) their static image.

    The Voilà dashboard (:mod:`lpsrepro.explore`) omits them: there the live widget is always rendered.
    """
    token = _STATIC_IMAGES.set(bool(enabled))
    try:
        yield
    finally:
        _STATIC_IMAGES.reset(token)


#: Significant digits of a slider's start value and ends. They are saved in the notebook's widget
#: state: a fitted start value carries last bits that differ between CPUs (docs/ARCHITECTURE.md,
#: "Determinism"), and no slider is read to more than four digits.
SLIDER_DIGITS = 4


def meaningful(x: float, digits: int = SLIDER_DIGITS) -> float:
    """``x`` rounded to ``digits`` significant digits (what a slider shows and saves)."""
    return float(f"{float(x):.{digits}g}")


def log_slider(description: str, value: float, low: float, high: float, *, readout_format: str = ".3g",
               steps_per_decade: int = 20) -> widgets.FloatLogSlider:
    """A logarithmic slider from ``low`` to ``high`` (positive numbers)."""
    import math

    value, low, high = meaningful(value), meaningful(low), meaningful(high)
    return widgets.FloatLogSlider(value=value, base=10, min=round(math.log10(low), 6), max=round(math.log10(high), 6),
                                  step=1.0 / steps_per_decade, description=description,
                                  readout_format=readout_format, continuous_update=False,
                                  style={"description_width": "initial"}, layout={"width": "36em"})


def linear_slider(description: str, value: float, low: float, high: float, step: float, *,
                  readout_format: str = ".3g") -> widgets.FloatSlider:
    """A linear slider."""
    value, low, high = meaningful(value), meaningful(low), meaningful(high)
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


#: Resolution of the PNG that IPython shows of a ``Figure`` (as :func:`lpsrepro.plots.style.enable_inline_figures`
#: registers it), used for the stored first views so that they match the live redraws.
INLINE_DPI = 110


def png_bundle(fig) -> dict[str, str]:
    """The MIME bundle IPython displays for ``fig`` (``image/png`` base64 and ``text/plain``), made without a kernel."""
    from IPython.core.pylabtools import print_figure

    return {"image/png": print_figure(fig, fmt="png", base64=True, dpi=INLINE_DPI), "text/plain": repr(fig)}


class _Bundle:
    """A stored figure's MIME bundle, displayed as IPython would display the figure itself."""

    def __init__(self, bundle: dict[str, str]):
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):
        return dict(self.bundle)

    def __repr__(self) -> str:            # what display() prints outside a kernel: the figure's own text
        return self.bundle.get("text/plain", "<figure>")


class FirstViews:
    """The first view (PNG bundle and status line) of each explorer built under :func:`first_views`.

    ``stored`` maps a key — the explorer's rank in the block, its controls' start values and its
    figure size — to ``(bundle, status)``. An explorer whose key is stored displays it instead of
    drawing (the dashboard keeps them in its cache: its first draws cost a second or more); one
    whose key is missing draws and stores it. The drawing is a pure function of the controls'
    values (and of the data and code the dashboard's cache key covers), so a stored view is the
    one the explorer would draw.
    """

    def __init__(self, stored: dict | None = None):
        self.stored = dict(stored or {})
        self._count = 0

    def key(self, controls, figsize) -> str:
        self._count += 1
        values = tuple((name, repr(control.value)) for name, control in controls.items())
        return repr((self._count, values, tuple(float(x) for x in figsize)))


_FIRST_VIEWS: ContextVar[FirstViews | None] = ContextVar("first_views", default=None)


@contextmanager
def first_views(views: FirstViews | None):
    """Within the block, explorers take their first view from ``views`` (or draw and store it there)."""
    token = _FIRST_VIEWS.set(views)
    try:
        yield views
    finally:
        _FIRST_VIEWS.reset(token)


def _in_kernel() -> bool:
    """Whether an IPython kernel runs this code (Jupyter, Voilà, papermill): only there does a display reach
    a page or an ``Output`` widget."""
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def display(*objs) -> None:
    """IPython's ``display`` of ``objs`` when a kernel runs; nothing otherwise.

    Outside a kernel (``python -m lpsrepro.explore`` filling the dashboard's cache, a script) IPython's
    ``display`` prints each object's text to the terminal (``<Figure size 500x420 with 1 Axes>``), and
    there is no page for it to reach.
    """
    if _in_kernel():
        _ipython_display(*objs)


def explorer(controls: dict[str, widgets.ValueWidget], draw: Callable[..., str | None], *,
             figsize: tuple[float, float] = (5.0, 4.2), static: bool | None = None,
             section: str | None = None) -> widgets.Widget:
    """A panel of controls and a figure redrawn by ``draw(ax, **values)`` on every change.

    Parameters
    ----------
    controls
        Widgets by the keyword name ``draw`` takes; each change of one redraws the figure.
    draw
        ``draw(ax, **values)`` draws into a fresh matplotlib axes and may return a short text,
        shown under the figure (the status line: write it from the same result the figure draws).
    figsize
        Figure size in inches.
    static
        Also display the initial state at once as a plain PNG with its text (default). A reader
        of the saved notebook on GitHub or nbviewer, or in JupyterLab before running it (which
        does not render saved widget state, jupyterlab#15361), then sees the model's figure
        beside the widget's text placeholder instead of nothing. ``None``: as set by
        :func:`static_images` (on unless a dashboard turned it off).
    section
        The section (module name in :mod:`lpsrepro.sections`) whose ``Params.LEDGER`` names the
        controls: each control that is a ledger-bound field gets the range gauge and the claims it
        moves beside it. ``None``: as set by :func:`sensitivity_of`, else the section module
        ``draw`` is defined in, else none; ``""``: none.

    Returns
    -------
    ipywidgets.VBox
        The controls (a ledger-bound one in an ``HBox`` with its sensitivity ``HTML``), the
        figure's ``Output`` and the status ``HTML``, in that order.

    Notes
    -----
    The time an update takes is measured by ``benchmarks/widgets.py`` and the browser tests,
    not shown here, so that the saved widget state is the same at every build.
    """
    out = widgets.Output()
    status = widgets.HTML()

    def render():
        # matplotlib is imported here, at the first drawing, not with this module: the dashboard's first
        # view shows stored images (FirstViews) and must not wait for it (0.25-0.5 s)
        import matplotlib as mpl
        from matplotlib.figure import Figure

        enable_inline_figures()
        values = {name: control.value for name, control in controls.items()}
        with mpl.rc_context(RC):
            fig = Figure(figsize=figsize, layout="constrained")
            text = draw(fig.add_subplot(), **values)
        return fig, f"<small>{text or ''}</small>"

    def update(_change=None):
        fig, text = render()
        with out:
            if _in_kernel():                # outside one, clear_output prints terminal escape codes
                out.clear_output(wait=True)
            display(fig)
        status.value = text

    for control in controls.values():
        control.observe(update, names="value")
    views = _FIRST_VIEWS.get()
    if views is None:
        fig, text = render()
    else:                                   # a stored first view (the dashboard's cache) or drawn and stored
        key = views.key(controls, figsize)
        if key not in views.stored:
            drawn, drawn_text = render()
            views.stored[key] = (png_bundle(drawn), drawn_text)
        bundle, text = views.stored[key]
        fig = _Bundle(bundle)
    with out:
        display(fig)
    status.value = text
    if static is None:
        static = _STATIC_IMAGES.get()
    if static:
        from IPython.display import HTML

        # the same figure object as the live one's first drawing: the two views cannot disagree
        display(HTML("<small>Initial state (static image; the live widget below redraws it):</small>"), fig,
                HTML(text))
    beside = sensitivity_widgets(_section_of(section, draw), controls)
    rows = [widgets.HBox([control, beside[name]]) if name in beside else control for name, control in controls.items()]
    return widgets.VBox([*rows, out, status])


#: Version of ``@jupyter-widgets/html-manager`` that the HTML pages of the notebooks load to render
#: the saved widget state (nbconvert's default is ``*``, i.e. whatever npm holds at reading time).
#: The 1.0 line renders the ipywidgets 8 models of the lock (ipywidgets 8.1.9, jupyterlab-manager 5.0.16).
HTML_MANAGER_VERSION = "1.0.15"
HTML_MANAGER_URL = f"https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@{HTML_MANAGER_VERSION}/dist/embed-amd.js"


def html_exporter():
    """An nbconvert ``HTMLExporter`` (lab template) that renders the saved widget state with the pinned
    widget manager (:data:`HTML_MANAGER_URL`), as nbviewer shows a notebook.

    Equivalent command line::

        jupyter nbconvert --to html --HTMLExporter.widget_renderer_url=<HTML_MANAGER_URL> NB.ipynb
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(widget_renderer_url=HTML_MANAGER_URL, html_manager_semver_range=HTML_MANAGER_VERSION)


def notebook_html(notebook) -> str:
    """The HTML page of an executed notebook (a path or an ``nbformat`` node), widgets included."""
    import nbformat

    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(str(notebook), as_version=4)
    body, _resources = html_exporter().from_notebook_node(notebook)
    return body
