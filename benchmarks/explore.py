"""Benchmark: where the Explore dashboard's start time goes (issue 13; goal: ready in 5 s).

Run:  .venv/bin/python benchmarks/explore.py [--no-browser]

Prints, each measured from cold (a new process or kernel):

1. ``serve``: ``python -m lpsrepro.explore --serve`` until Voilà's port answers (cache check + Voilà start);
2. ``kernel``: a new ipykernel until it answers (what Voilà starts per page view);
3. inside that kernel, the dashboard cell step by step: imports, each section's cache load and its
   widget (the first draws), and the whole cell;
3b. ``imports``: the dashboard cell once more in a fresh interpreter under ``python -X importtime``, and
   the cumulative import time of the heavy libraries it pulls in (``-`` when the cell does not import one:
   scipy.stats and scipy.signal are kept off the first view). ``-X importtime`` does not time modules
   loaded through ``importlib.import_module`` (the sections; scipy's submodules reached as attributes,
   ``from scipy import stats``): such a library is shown as ``imported``, without a time;
4. ``page``: a headless chromium (Debian's, via Playwright) from the request of the page until every
   section's block and slider is shown — the number a reader waits for: first view requested as soon
   as the port answers (so ``serve`` + this is the time from ``make explore`` to a usable page), and a
   later view (``--wait`` s later, when Voilà's preheated kernel is ready) (skipped with
   ``--no-browser`` or when chromium / Playwright are missing).

The cache (``build/explore-cache/``) is filled first and not counted. Wall times on a shared machine
vary by tens of percent: compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The dashboard cell of notebooks/explore.ipynb, cut into timed steps (run inside a fresh kernel).
KERNEL_CODE = r"""
import json as _json, time as _time
_laps, _t = [], _time.perf_counter()
def _lap(name):
    global _t
    now = _time.perf_counter(); _laps.append((name, now - _t)); _t = now
_start = _time.perf_counter()
import ipywidgets
_lap("import ipywidgets")
from lpsrepro import explore
_lap("import lpsrepro.explore")
_blocks = []
for _name in explore.SECTIONS:
    _data = explore.load(_name, compute=False)
    _lap(f"{_name}: cache load (imports included)")
    _blocks.append(explore.section_widget(_name, _data))
    _lap(f"{_name}: widget and first draw")
_laps.append(("whole dashboard cell", _time.perf_counter() - _start))
print("LAPS" + _json.dumps(_laps))
"""


#: Libraries whose import time the ``imports`` step lists (the largest of a cold dashboard, and the two
#: that only the analyses need).
HEAVY_IMPORTS = ("ipywidgets", "xarray", "pandas", "scipy.optimize", "pint", "lpsrepro.units", "matplotlib.figure",
                 "scipy.integrate", "scipy.stats", "scipy.signal")


def import_times(names=HEAVY_IMPORTS) -> tuple[dict[str, float | str | None], float]:
    """Cumulative import time (s) of each of ``names`` in the dashboard cell (``None``: not imported;
    ``"imported"``: imported where ``-X importtime`` does not time it), and the cell's wall time, in a
    fresh interpreter under ``-X importtime`` (which adds ~10 %)."""
    import re

    code = ("import time, sys\n_t = time.perf_counter()\nimport ipywidgets\nfrom lpsrepro import explore\n"
            "explore.dashboard()\nprint(f'CELL {time.perf_counter() - _t}', file=sys.stderr)\n"
            f"print('LOADED', *[m for m in {tuple(names)!r} if m in sys.modules], file=sys.stderr)")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT / "notebooks", env=env,
                         capture_output=True, text=True, check=True).stderr
    timed = {m.group(2).strip(): int(m.group(1)) / 1e6
             for m in re.finditer(r"^import time:\s+\d+ \|\s+(\d+) \|(.*)$", err, flags=re.M)}
    loaded = set(re.search(r"^LOADED(.*)$", err, flags=re.M).group(1).split())
    cell = float(re.search(r"^CELL (\S+)", err, flags=re.M).group(1))
    return {name: timed.get(name, "imported") if name in loaded else None for name in names}, cell


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def kernel_laps() -> list[tuple[str, float]]:
    """Start a kernel (timed), run the dashboard cell in steps (timed inside), shut it down."""
    from jupyter_client.manager import start_new_kernel

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"), env=env)
    laps = [("kernel start (until it answers)", time.perf_counter() - start)]
    try:
        out = []
        kc.execute_interactive(KERNEL_CODE, timeout=300,
                               output_hook=lambda msg: out.append(msg["content"].get("text", "")
                                                                  if msg["msg_type"] == "stream" else ""))
        text = "".join(out)
        if "LAPS" not in text:
            raise RuntimeError(f"the dashboard cell did not finish: {text[-1000:]}")
        laps += [tuple(x) for x in json.loads(text.split("LAPS", 1)[1].splitlines()[0])]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return laps


def serve_seconds(port: int) -> tuple[float, subprocess.Popen]:
    """``python -m lpsrepro.explore --serve`` until Voilà's port answers; returns the still running server."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               JUPYTER_RUNTIME_DIR=tempfile.mkdtemp(prefix="explore-bench-"))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "lpsrepro.explore", "--serve", "--no-browser", f"--port={port}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not _wait_port(port):
        _stop(proc)
        raise RuntimeError("the dashboard's server did not answer within 120 s")
    return time.perf_counter() - start, proc


def page_seconds(url: str, n_sections: int) -> float | None:
    """A headless chromium: request of the page → every section's header and a slider shown."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(chromium).exists():
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless", "--disable-gpu"])
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(url, timeout=120_000)
        page.wait_for_function(f"() => document.querySelectorAll('h3').length >= {n_sections} && "
                               "document.querySelectorAll('.widget-slider').length > 0", timeout=120_000)
        seconds = time.perf_counter() - start
        nav = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; "
                            "return [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd, n.loadEventEnd]; }")
        browser.close()
    print(f"    (browser: first byte {nav[0] / 1e3:.2f} s, page received {nav[1] / 1e3:.2f} s, DOM ready "
          f"{nav[2] / 1e3:.2f} s, loaded {nav[3] / 1e3:.2f} s, widgets shown {seconds:.2f} s)")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the end-to-end page time")
    parser.add_argument("--wait", type=float, default=20.0, help="seconds before the later view (default 20)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from lpsrepro import explore

    explore.prepare(progress=None)                     # the cache is filled once, not counted
    for name, seconds in kernel_laps():
        print(f"{name:<45} {seconds:6.2f} s")
    imports, cell = import_times()
    print(f"{'imports: dashboard cell under -X importtime':<45} {cell:6.2f} s")
    for name, seconds in imports.items():
        shown = "     -" if seconds is None else seconds if isinstance(seconds, str) else f"{seconds:6.2f} s"
        print(f"    {'import ' + name:<41} {shown}")
    port = _free_port()
    seconds, proc = serve_seconds(port)
    print(f"{'serve: command until the port answers':<45} {seconds:6.2f} s")
    try:
        if not args.no_browser:
            page = page_seconds(f"http://127.0.0.1:{port}/", len(explore.SECTIONS))
            if page is None:
                print("page: skipped (no chromium or Playwright)")
            else:
                print(f"{'page, first view: request until shown':<45} {page:6.2f} s")
                print(f"{'make explore until the first view is shown':<45} {seconds + page:6.2f} s")
                time.sleep(args.wait)
                later = page_seconds(f"http://127.0.0.1:{port}/", len(explore.SECTIONS))
                print(f"{'page, later view: request until shown':<45} {later:6.2f} s")
    finally:
        _stop(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
