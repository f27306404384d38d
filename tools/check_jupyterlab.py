"""Check notebooks' Explore widgets in JupyterLab (and the Voilà dashboard) in a real headless browser.

A thin front end to the browser tests of the suite (``tests/test_browser.py``), which ``make test``
runs too: for each notebook named, JupyterLab opens it, runs all cells, moves **every** slider of
its Explore section one step and checks that the figure and the status text change, that no cell
shows an error and the console logs none; screenshots go to ``build/screenshots/`` and the
slider-to-redraw latencies are printed. ``explore`` checks the Voilà dashboard the same way.

Needs Debian's chromium (``apt-get install chromium``) and Playwright (in the lock; never run
``playwright install``). Run:

    python tools/check_jupyterlab.py notebooks/32_membrane.ipynb [notebooks/33_performance.ipynb ...]
    python tools/check_jupyterlab.py explore
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="+", help="notebook paths or names (32_membrane), or 'explore'")
    args = parser.parse_args()
    selectors = []
    for target in args.targets:
        stem = Path(target).stem
        selectors.append("voila" if stem == "explore" else stem)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-s", "-q",
           str(ROOT / "tests" / "test_browser.py"), "-k", " or ".join(selectors)]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
