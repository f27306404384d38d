"""The Explore dashboard's cache (lpsrepro.explore): keyed by parameters, data files and code."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from lpsrepro import explore
from lpsrepro.errors import ParameterError
from lpsrepro.sections import membrane


def test_cache_key_follows_the_data_file_and_the_parameters(tmp_path):
    params = membrane.Params.from_ledger()
    data = tmp_path / "eis.z"
    data.write_bytes(open(params.eis_file, "rb").read())
    p1 = params.replace(eis_file=str(data))
    key = explore.cache_key(p1)
    assert explore.cache_key(p1) == key                                  # deterministic
    data.write_bytes(data.read_bytes() + b"\n")
    assert explore.cache_key(p1) != key                                  # one more byte in the data
    assert explore.cache_key(dataclasses.replace(p1, lead_squares=2.0)) != explore.cache_key(p1)


def test_load_computes_once_then_reads_the_cache(tmp_path, monkeypatch):
    calls = []

    def fake_compute(name, params):
        calls.append(name)
        return {"defaults": {"thickness_nm": 550.0}}

    monkeypatch.setattr(explore, "_compute", fake_compute)
    first = explore.load("membrane", cache_dir=tmp_path, progress=None)
    second = explore.load("membrane", cache_dir=tmp_path, progress=None)
    assert first == second == {"defaults": {"thickness_nm": 550.0}} and calls == ["membrane"]
    (entry,) = tmp_path.glob("membrane-*.pkl")
    assert pickle.loads(entry.read_bytes()) == first
    assert explore.load("performance", cache_dir=tmp_path, compute=False) is None


def test_unknown_section_is_refused_with_the_known_ones():
    with pytest.raises(ParameterError, match="nanoparticles, membrane, performance"):
        explore.load("kinetics", compute=False)


def test_dashboard_shows_a_failing_section_and_keeps_the_others(tmp_path, monkeypatch):
    def fake_load(name, cache_dir=None):
        if name == "performance":
            raise OSError("disk full")
        return {"defaults": membrane.explore_defaults.__name__}

    monkeypatch.setattr(explore, "load", fake_load)
    monkeypatch.setattr(explore, "section_widget", lambda name, data: __import__("ipywidgets").HTML(name))
    page = explore.dashboard(["membrane", "performance"])
    texts = [block.children[1].value for block in page.children]
    assert texts[0] == "membrane" and "OSError: disk full" in texts[1]


def test_membrane_widget_from_cached_defaults_has_no_static_image(monkeypatch):
    """The dashboard's widgets come from the cached numbers alone, without the static copy."""
    import lpsrepro.widgets

    shown = []
    monkeypatch.setattr(lpsrepro.widgets, "display", lambda *objs: shown.append(objs))
    defaults = {"thickness_nm": 550.0, "conductivity_s_per_cm": 7e-5, "relative_permittivity": 30.0,
                "electrode_diameter_mm": 2.0, "f_max_hz": 1e6, "interface_q_f_per_cm2": 1e-5, "interface_alpha": 0.9}
    panel = explore.section_widget("membrane", {"defaults": defaults})
    *sliders, _out, status = panel.children
    # a ledger-bound slider sits in an HBox beside its sensitivity gauge
    descriptions = [(s.children[0] if hasattr(s, "children") else s).description for s in sliders]
    assert descriptions[0] == "thickness (nm)" and len(sliders) == 5
    assert "ASR" in status.value
    assert len(shown) == 1                     # the live figure only, no static image beside it
    shown.clear()
    lpsrepro.widgets.explorer({"x": sliders[0]}, lambda ax, x: "x")
    assert len(shown) == 2                     # outside the dashboard: the live figure and the static one


def test_first_views_are_stored_once_and_replayed_without_drawing(monkeypatch):
    """The dashboard's cache holds each explorer's first view; built from it, no explorer draws at start."""
    import lpsrepro.widgets
    from lpsrepro.widgets import FirstViews, explorer, first_views, linear_slider

    defaults = {"thickness_nm": 550.0, "conductivity_s_per_cm": 7e-5, "relative_permittivity": 30.0,
                "electrode_diameter_mm": 2.0, "f_max_hz": 1e6, "interface_q_f_per_cm2": 1e-5, "interface_alpha": 0.9}
    stored = explore.first_views_of("membrane", {"defaults": defaults})
    ((key, (bundle, status)),) = stored.items()
    assert bundle["image/png"].startswith("iVBORw0KGgo") and "ASR" in status      # a base64 PNG, the status line

    shown, calls = [], []
    monkeypatch.setattr(lpsrepro.widgets, "display", lambda *objs: shown.append(objs))

    def draw(ax, x):
        calls.append(x)
        return f"x = {x:.3g}"

    def build(views, start=1.0):
        with first_views(views):
            return explorer({"x": linear_slider("x (1)", start, 0.0, 2.0, 0.1)}, draw, static=False)

    views = FirstViews()
    build(views)
    assert calls == [1.0] and len(views.stored) == 1                   # drawn once and stored
    panel = build(FirstViews(views.stored))
    assert calls == [1.0]                                             # replayed: not drawn again
    assert shown[-1][0]._repr_mimebundle_() == next(iter(views.stored.values()))[0]
    assert panel.children[-1].value == "<small>x = 1</small>"
    panel.children[0].value = 1.5                                     # a move draws live
    assert calls == [1.0, 1.5] and panel.children[-1].value == "<small>x = 1.5</small>"
    build(FirstViews(views.stored), start=0.5)                        # another start value: not the stored view
    assert calls == [1.0, 1.5, 0.5]


def test_serve_starts_voila_at_once_when_every_section_is_cached(tmp_path, monkeypatch):
    """Checking the entries' keys before serving would import every section (seconds): only a missing entry
    is computed first; Voilà gets a preheated kernel."""
    import subprocess

    prepared, started = [], []

    class FakeVoila:
        def __init__(self, cmd, cwd=None):
            started.append(cmd)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(explore, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(explore, "prepare", lambda **kw: prepared.append(True))
    monkeypatch.setattr(subprocess, "Popen", FakeVoila)
    assert explore.serve(open_browser=False) == 0 and prepared == [True]       # nothing cached: computed first
    for name in explore.SECTIONS:
        (tmp_path / f"{name}-0123456789abcdef.pkl").write_bytes(b"")
    prepared.clear()
    assert explore.serve(open_browser=False) == 0 and prepared == []           # all cached: Voilà at once
    assert "--preheat_kernel=True" in started[-1] and "--no-browser" in started[-1]
    assert started[-1][-len(explore.VOILA_OPTIONS) - 1:-1] == list(explore.VOILA_OPTIONS)


def test_first_view_imports_leave_out_the_slow_modules():
    """The modules a cold dashboard imports (each section, the widgets, the panels' plot modules) do not
    import scipy.stats (~0.3 s), scipy.signal (~0.06 s), matplotlib.figure (~0.25 s) or pint (~0.15 s):
    only the analyses, drawings and conversions that use them do (benchmarks/explore.py). A fresh interpreter, so that other tests' imports do not count."""
    from fresh_interpreter import run_fresh

    out = run_fresh("import sys\nfrom lpsrepro import explore\n"
                    "for name in explore.SECTIONS:\n    explore._section_module(name)\n"
                    "import lpsrepro.widgets, lpsrepro.plots.particles, lpsrepro.plots.impedance, lpsrepro.plots.performance\n"
                    "assert 'lpsrepro.models.kinetics' in sys.modules and 'lpsrepro.analysis.cycling' in sys.modules\n"
                    "print(sorted(m for m in ('scipy.stats', 'scipy.signal', 'matplotlib.figure', 'pint') if m in sys.modules))")
    assert out.strip() == "[]"


def test_voila_page_links_nothing_outside_the_server(tmp_path):
    """Voilà's "lab" page links Font Awesome from cdn.jsdelivr.net (its own bundle already holds Font
    Awesome 5 with the fonts); where a network drops packets the page waits for those loads until the TCP
    timeout. The dashboard's template leaves them out: the served page names no other host, and the
    template's static files (inherited from "lab") are served."""
    import json
    import os
    import re
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    notebook = tmp_path / "page.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# page"]}],
                                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = [o for o in explore.VOILA_OPTIONS if not o.startswith("--preheat_kernel")]
    cmd = [sys.executable, "-m", "lpsrepro.explore", "--voila", str(notebook), f"--port={port}",
           "--Voila.ip=127.0.0.1", "--no-browser", *options]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = tmp_path / "voila.log"
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                html = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read().decode()
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(f"Voilà stopped: {log.read_text()[-2000:]}") from None
                assert time.monotonic() < deadline, "Voilà did not serve the page within 60 s"
                time.sleep(0.25)
        assert "<h1" in html and "page" in html
        outside = re.findall(r'<(?:link|script)[^>]*(?:href|src)="((?:https?:)?//[^"]*)"', html)
        assert outside == [], f"the page loads from other hosts: {outside}"
        style = re.search(r'src="(/voila/templates/lpsrepro/static/voila-style\.js[^"]*)"', html)
        assert style, "the template's own copy of Voilà's style bundle (with Font Awesome) is not linked"
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}{style.group(1)}", timeout=30).status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_passes_sigterm_on_to_voila(tmp_path, monkeypatch):
    """A SIGTERM to ``python -m lpsrepro.explore --serve`` would end it alone and leave Voilà and its kernels
    running (as benchmarks/explore.py's stop did): it is passed on to Voilà, and the handler is put back."""
    import os
    import signal
    import subprocess

    events = []

    class FakeVoila:
        def __init__(self, cmd, cwd=None):
            pass

        def terminate(self):
            events.append("terminate")

        def wait(self, timeout=None):
            os.kill(os.getpid(), signal.SIGTERM)          # the stop arrives while serve waits for Voilà
            events.append("waited")
            return 0

    for name in explore.SECTIONS:
        (tmp_path / f"{name}-0123456789abcdef.pkl").write_bytes(b"")
    monkeypatch.setattr(explore, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(subprocess, "Popen", FakeVoila)
    def not_passed_on(signum, frame):                     # stands for the default action (ending pytest)
        events.append("not passed on")

    previous = signal.signal(signal.SIGTERM, not_passed_on)
    try:
        assert explore.serve(open_browser=False) == 0
        assert events == ["terminate", "waited"]
        assert signal.getsignal(signal.SIGTERM) is not_passed_on
    finally:
        signal.signal(signal.SIGTERM, previous)
