"""The Explore dashboard: every section's Explore widgets on one page, from cached results.

``notebooks/explore.ipynb`` calls :func:`dashboard`; Voilà serves it as an app (``make explore``,
``lpsrepro explore``). Running the analyses that the widgets start from takes tens of seconds
(§3.1's size fits and its model grid most of all), so the inputs of each section's widgets are
computed once by :func:`prepare` and kept in ``build/explore-cache/``; the dashboard then starts
in a few seconds, and at once when Voilà's preheated kernel (:data:`VOILA_OPTIONS`) has drawn it
before the page is requested (``benchmarks/explore.py`` measures where the start time goes).
Each section's widgets are built under :func:`lpsrepro.widgets.sensitivity_of`, so a slider bound
to the assumptions ledger shows its range and the claims it moves (:mod:`lpsrepro.slider_sensitivity`).

A cache entry is keyed by a SHA-256 of (a) the section's parameters — the defaults of
``Params.from_ledger()``, i.e. the bundled data files and the assumptions ledger —, (b) the bytes
of every data file those parameters name, and (c) the source of the ``lpsrepro`` package. Any
change of data, ledger or code therefore leads to a recomputation, never to stale widgets.
The entries are pickles written by this module into the repository's own ``build/`` folder, and
only read from there (a pickle from elsewhere must never be loaded).

The page works without internet. Voilà 0.5's "lab" page template links Font Awesome 5 stylesheets
from cdn.jsdelivr.net, although its own bundle (``voila-style.js``, served by Voilà) holds the same
Font Awesome 5 with its fonts. Where a network silently drops packets (a firewall, some CI runners)
those stylesheets in the page's head hold its first paint and its ``load`` event until the TCP
timeout; offline they fail at once. Voilà has no option to leave them out, so the dashboard is served
with its own template, ``share/jupyter/voila/templates/lpsrepro/`` (``--template=lpsrepro`` in
:data:`VOILA_OPTIONS`): the "lab" template (``conf.json``: ``base_template``) whose ``notebook_css``
block drops exactly those two links. Voilà finds templates only on the Jupyter data path, so
:func:`voila_command` runs Voilà through :func:`run_voila`, which puts the repository's
``share/jupyter`` first on ``JUPYTER_PATH``. (On Binder, where Jupyter Server's Voilà extension
renders ``/voila/render/notebooks/explore.ipynb`` with its default template, the links remain;
Binder has internet.)

Sections and what is cached (each section's own fast entry point draws the widgets):

``membrane`` (§3.2, notebook 32)
    :func:`lpsrepro.sections.membrane.explore_defaults` of the measured result: a dict of floats;
    the widget evaluates :func:`~lpsrepro.sections.membrane.model_view` live (< 10 ms).
``performance`` (§3.3, notebook 33)
    The :class:`~lpsrepro.sections.performance.PerformanceResult` and the cell model's start values;
    :func:`lpsrepro.sections.performance.explore` draws from the models live.
``nanoparticles`` (§3.1, notebook 31a)
    The solved :class:`~lpsrepro.sections.nanoparticles.ExploreGrid` around the fitted model (one
    solution takes 0.1–0.5 s: the sliders step through the precomputed grid).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from lpsrepro import paths

#: Where :func:`prepare` keeps the cached inputs (inside the repository's ignored ``build/``).
CACHE_DIR = paths.ROOT / "build" / "explore-cache"

#: Section name → (paper section, title) in the dashboard's order.
SECTIONS = {
    "nanoparticles": ("§3.1", "Nanoparticles: supply rate and ripening → size distribution"),
    "membrane": ("§3.2", "Membrane: why a 1-MHz sweep hides the bulk arc"),
    "performance": ("§3.3", "Performance: membrane thickness, Li–S stack, Li inventory of the LiFePO4 cell"),
}


def _section_module(name: str):
    import importlib

    if name not in SECTIONS:
        from lpsrepro.errors import ParameterError

        raise ParameterError("section", name, "one of " + ", ".join(SECTIONS))
    return importlib.import_module(f"lpsrepro.sections.{name}")


def _package_digest() -> bytes:
    """SHA-256 over the package's Python sources (sorted by path), so code changes invalidate."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.digest()


def cache_key(params) -> str:
    """The cache key of a section's ``params``: its values, the files it names, the package source."""
    h = hashlib.sha256(repr(params).encode())
    for f in fields(params):
        value = getattr(params, f.name)
        candidates = value if isinstance(value, (tuple, list)) else (value,)
        for v in candidates:
            if isinstance(v, str) and v and Path(v).is_file():
                h.update(Path(v).read_bytes())
    h.update(_package_digest())
    return h.hexdigest()[:16]


def _compute(name: str, params):
    """What the section's widgets start from (the slow part, done once), with their first views."""
    data = _inputs(name, params)
    data["first_views"] = first_views_of(name, data)
    return data


def _inputs(name: str, params):
    section = _section_module(name)
    if name == "nanoparticles":
        base = nanoparticles_base(params)
        return {"grid": section.explore_grid(base), "start": (base.supply_rate_per_s, base.solubility_mol_per_m3)}
    result = section.run(params)
    if name == "membrane":
        return {"defaults": section.explore_defaults(result)}
    if name == "performance":
        return {"result": result, "model_inputs": section.cell_model_inputs(result)}
    raise AssertionError(name)           # unreachable: _section_module checked the name


def first_views_of(name: str, data) -> dict:
    """The first view (PNG and status line) of each explorer of section ``name``, drawn once for the cache.

    A dashboard built from the cache then shows them without drawing (about a second of its start on
    two cores, ``benchmarks/explore.py``). Empty when the widget cannot be built here: the dashboard
    then draws, and shows the error.
    """
    from lpsrepro.widgets import FirstViews

    views = FirstViews()
    try:
        section_widget(name, data, views=views)
    except Exception:                   # noqa: BLE001 -- the dashboard draws instead, and reports it
        return {}
    return views.stored


def nanoparticles_base(p):
    """The model inputs §3.1's Explore grid is centred on, as ``ModelStudy.explore_base`` chooses them.

    Only the part of :func:`lpsrepro.sections.nanoparticles.run` they need (the size fit of the
    nano-Li₂S image, else of the LPS image, and the model fitted to it; without a fit the ledger's
    inputs at the fit's start values), composed of the section's own functions: about a third of
    the full run, which also sizes the other images and fits the pellets' spectra.
    """
    from lpsrepro.sections import nanoparticles as section

    min_d = {"li2s": p.li2s_min_diameter_nm, "lps": p.lps_min_diameter_nm}
    files = {"li2s": p.li2s_image_file, "lps": p.lps_image_file}
    for name in ("li2s", "lps"):
        sizing = section.size_sample(name, files[name], min_diameter_nm=min_d[name], pixel_size_nm=p.pixel_size_nm,
                                     data_bar_rows=p.data_bar_rows, min_coverage=p.min_coverage,
                                     min_foreground_measured=p.min_foreground_measured)
        if sizing.usable:
            fit, _why = section.fit_model(sizing, section.precipitation_parameters(p, name), p.fit_start)
            if fit is not None:
                return fit.parameters
    return section.precipitation_parameters(p, "li2s").with_(supply_rate_per_s=10.0 ** p.fit_start[0],
                                                             nucleation_prefactor_per_m3_s=10.0 ** p.fit_start[1])


def load(name: str, *, cache_dir: Path | None = None, compute: bool = True,
         progress: Callable[[str], None] | None = None):
    """The cached Explore inputs of section ``name``, computed (and cached) when missing.

    Returns ``None`` when the entry is missing and ``compute`` is false.
    """
    cache_dir = Path(cache_dir or CACHE_DIR)
    params = _section_module(name).Params.from_ledger()
    path = cache_dir / f"{name}-{cache_key(params)}.pkl"
    if path.is_file():
        with path.open("rb") as fh:
            return pickle.load(fh)         # written by prepare() below, in this repository's build/
    if not compute:
        return None
    if progress:
        progress(f"{name}: running the analysis once (its result is cached in {cache_dir})")
    data = _compute(name, params)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"{name}-*.pkl"):
        old.unlink(missing_ok=True)        # one entry per section: the current one
    # a name of this process's own: two kernels (a preheated one and a page's) may fill it at once
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return data


def prepare(names=None, *, cache_dir: Path | None = None, progress: Callable[[str], None] | None = print) -> dict:
    """Fill the cache for ``names`` (default: every section); returns seconds taken per section."""
    taken = {}
    for name in names or SECTIONS:
        start = time.monotonic()
        load(name, cache_dir=cache_dir, progress=progress)
        taken[name] = time.monotonic() - start
    return taken


def section_widget(name: str, data, *, views=None):
    """The Explore widget of section ``name`` from its cached inputs (no static image: app view).

    The explorers' first views come from ``views`` (a :class:`lpsrepro.widgets.FirstViews`), by
    default from the cache entry's ``"first_views"``; a view missing there is drawn.
    """
    from lpsrepro.widgets import FirstViews, first_views, sensitivity_of, static_images

    section = _section_module(name)
    if views is None:
        views = FirstViews(data.get("first_views") if isinstance(data, dict) else None)
    with static_images(False), sensitivity_of(name), first_views(views):
        if name == "membrane":
            from lpsrepro.plots.impedance import membrane_model_explorer

            return membrane_model_explorer(data["defaults"], section.model_view)
        if name == "performance":
            return section.explore(data["result"], data["model_inputs"])
        return nanoparticles_explorer(data["grid"], *data["start"])


def nanoparticles_explorer(grid, supply_rate_per_s: float, solubility_mol_per_m3: float):
    """§3.1's Explore widget (as in notebook 31a): two grid sliders through the solved model, starting at
    the grid points nearest the fitted supply rate (1/s) and solubility (mol/m³)."""
    from lpsrepro.plots.particles import draw_model_distribution
    from lpsrepro.widgets import explorer, grid_slider

    controls = {"supply_rate_per_s": grid_slider("supply rate k (1/s)", grid.supply_rates_per_s, supply_rate_per_s,
                                                 fmt="{:.3g}"),
                "solubility_mol_per_m3": grid_slider("solubility C∞ (mol/m³)", grid.solubilities_mol_per_m3,
                                                     solubility_mol_per_m3,
                                                     fmt="{:.1e}")}

    def draw(ax, supply_rate_per_s, solubility_mol_per_m3):
        return draw_model_distribution(ax, grid.nearest(supply_rate_per_s, solubility_mol_per_m3),
                                       status=f"k = {supply_rate_per_s:.3g} 1/s, C∞ = {solubility_mol_per_m3:.1e} mol/m³")

    return explorer(controls, draw, section="nanoparticles")


def dashboard(names=None, *, cache_dir: Path | None = None):
    """The dashboard: one titled block per section, each with its Explore widget.

    A section whose analysis fails shows its error in its block; the others still appear.
    """
    import ipywidgets as widgets

    blocks = []
    for name in names or SECTIONS:
        number, title = SECTIONS[name]
        header = widgets.HTML(f"<h3>{number} {title}</h3>")
        try:
            body = section_widget(name, load(name, cache_dir=cache_dir))
        except Exception as exc:            # noqa: BLE001 -- one section's failure must not blank the page
            body = widgets.HTML(f"<pre>{name}: {type(exc).__name__}: {exc}</pre>")
        blocks.append(widgets.VBox([header, body]))
    return widgets.VBox(blocks)


#: The repository's Jupyter data directory: Voilà finds the dashboard's page template there
#: (``voila/templates/lpsrepro``), as it finds its own under ``<prefix>/share/jupyter``.
JUPYTER_DATA_DIR = paths.ROOT / "share" / "jupyter"

#: Voilà's options for the dashboard. ``preheat_kernel`` keeps one kernel (``pool_size``) that has already
#: executed the notebook, so that a page view gets a dashboard that is drawn already instead of waiting for
#: a kernel to start and run every section's imports and first draws (about 6 s of the 7 s a cold view
#: takes; ``benchmarks/explore.py``); the pool refills itself after each view. ``template=lpsrepro`` is
#: Voilà's "lab" page without its Font Awesome links to cdn.jsdelivr.net (see the module's docstring:
#: the page works without internet, and does not wait for a CDN that a firewall silences).
VOILA_OPTIONS = ("--preheat_kernel=True", "--pool_size=1", "--template=lpsrepro")


def voila_command(*, port: int = 8866, ip: str = "127.0.0.1", open_browser: bool = False, extra_args=()) -> list[str]:
    """The command that serves ``notebooks/explore.ipynb`` with Voilà (run it from the repository root).

    It runs Voilà through :func:`run_voila`, which puts :data:`JUPYTER_DATA_DIR` on Voilà's template path.
    """
    import sys

    return [sys.executable, "-m", "lpsrepro.explore", "--voila", str(paths.NOTEBOOKS / "explore.ipynb"),
            f"--port={port}", f"--Voila.ip={ip}", *VOILA_OPTIONS, *([] if open_browser else ["--no-browser"]),
            *extra_args]


def run_voila(args) -> int:
    """Run Voilà in this process with ``args`` (its command-line arguments), the repository's templates found.

    Voilà looks for templates in the Jupyter data directories only (``jupyter --paths``, extended by the
    environment variable ``JUPYTER_PATH``); :data:`JUPYTER_DATA_DIR` is put first on that path here, so
    that ``--template=lpsrepro`` is found without installing anything. Returns when Voilà stops.
    """
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(JUPYTER_DATA_DIR), *([previous] if previous else [])])
    from voila.app import main as voila_main

    voila_main(list(args))
    return 0


def cache_filled(names=None, *, cache_dir: Path | None = None) -> bool:
    """Whether every section in ``names`` has a cache entry (of any key: a cheap look, no imports).

    An entry of an older key is replaced by the dashboard's own :func:`load` when it is shown.
    """
    cache_dir = Path(cache_dir or CACHE_DIR)
    return all(any(cache_dir.glob(f"{name}-*.pkl")) for name in names or SECTIONS)


def serve(*, port: int = 8866, ip: str = "127.0.0.1", open_browser: bool = True, extra_args=()) -> int:
    """Serve ``notebooks/explore.ipynb`` with Voilà until Ctrl-C; returns the exit status.

    When a section has no cache entry yet, its analysis is run first (tens of seconds, once). When
    every section has one, Voilà starts at once: checking the entries' keys here would import every
    section (seconds), and the dashboard's kernel checks them anyway, recomputing a stale one.
    Voilà's standalone server has no root check, so nothing like ``--allow-root`` is needed in a
    container; ``ip="0.0.0.0"`` serves beyond this machine. A SIGTERM to this process (a container's
    or a service manager's stop, ``benchmarks/explore.py``) is passed on to Voilà, which shuts its
    kernels down; this process returns when Voilà has stopped.
    """
    import signal
    import subprocess
    import sys
    import threading

    if not cache_filled():
        prepare(progress=lambda message: print(message, file=sys.stderr))
    cmd = voila_command(port=port, ip=ip, open_browser=open_browser, extra_args=extra_args)
    print(f"Explore dashboard on http://{ip}:{port}/ (Ctrl-C stops it)", file=sys.stderr)
    proc = subprocess.Popen(cmd, cwd=paths.ROOT)
    # SIGTERM's default action would end this process alone and leave Voilà and its kernels running
    # (Ctrl-C reaches the whole process group, SIGTERM only this process): pass it on
    forward = threading.current_thread() is threading.main_thread()
    if forward:
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:           # Voilà got the same SIGINT: let it shut down, then one line
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        print("Explore dashboard stopped", file=sys.stderr)
        return 130
    finally:
        if forward:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def main(argv=None) -> int:
    """``python -m lpsrepro.explore [--serve] [SECTION ...]``: fill the cache (and serve the dashboard).

    ``python -m lpsrepro.explore --voila ARGS...`` runs Voilà with ``ARGS`` (:func:`run_voila`; the
    command :func:`voila_command` builds).
    """
    import argparse
    import sys

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--voila"]:
        return run_voila(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m lpsrepro.explore", description=__doc__.split("\n")[0])
    parser.add_argument("sections", nargs="*", help="default: every section (" + ", ".join(SECTIONS) + ")")
    parser.add_argument("--serve", action="store_true", help="then serve the dashboard with Voilà")
    parser.add_argument("--port", type=int, default=8866, help="port of the dashboard (default 8866)")
    parser.add_argument("--ip", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)
    if args.serve:
        return serve(port=args.port, ip=args.ip, open_browser=not args.no_browser)
    taken = prepare(args.sections or None)
    for name, seconds in taken.items():
        print(f"{name}: ready ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
