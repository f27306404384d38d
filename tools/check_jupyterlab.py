"""Check a notebook's Explore widgets in JupyterLab in a real headless browser.

What Binder users do, automated: start JupyterLab from .venv, open the notebook,
run all cells, move one slider of the Explore section, and check that the
widget's figure and status text change; screenshots go to build/browser/.

Not part of `make test` (it needs a browser that pip cannot install). Requires
Debian's chromium (`apt-get install chromium`) and Playwright in any Python
(`pip install playwright==1.65.2`; never `playwright install`, which downloads
a browser). Run:

    python tools/check_jupyterlab.py notebooks/32_membrane.ipynb [--slider 2]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--slider", type=int, default=2, help="index of the slider to move (0-based)")
    args = parser.parse_args()
    out = ROOT / "build" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    lab = subprocess.Popen([str(ROOT / ".venv" / "bin" / "jupyter"), "lab", "--no-browser", f"--port={port}",
                            "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={ROOT}",
                            "--ServerApp.allow_root=True"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(6)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/lab/tree/{args.notebook.as_posix()}?reset")  # ?reset: no restored tabs
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            time.sleep(3)
            page.get_by_role("menuitem", name="Run").click()
            page.get_by_text("Run All Cells", exact=True).click()
            page.wait_for_selector(".widget-slider", timeout=180_000)
            time.sleep(3)
            slider = page.locator(".widget-slider").nth(args.slider)
            # the explorer that owns this slider: its innermost enclosing box with a status line
            panel = slider.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')]"
                                   "[.//div[contains(@class, 'widget-html-content')]][1]")
            status = panel.locator(".widget-html-content").last
            slider.scroll_into_view_if_needed()
            before = status.inner_text()
            panel.screenshot(path=str(out / "before.png"))
            slider.locator(".noUi-handle").focus()
            for _ in range(20):
                page.keyboard.press("ArrowRight")
            time.sleep(3)
            after = status.inner_text()
            panel.screenshot(path=str(out / "after.png"))
            images = panel.locator("img").count()
            errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count()
            browser.close()
    finally:
        lab.terminate()
        lab.wait(timeout=20)
    print(f"status before: {before}\nstatus after:  {after}\nimages in the widget: {images}; "
          f"stderr outputs: {errors}; screenshots in {out}")
    ok = before != after and images > 0 and errors == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
