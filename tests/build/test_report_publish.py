"""`lpsrepro report` publishes claims.json, manifest.json and REPORT.md as one set: old or new, never torn."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import buildproject  # noqa: E402

from lpsrepro import build as build_mod  # noqa: E402
from lpsrepro import paths, publish  # noqa: E402

NAMES = ("claims.json", "manifest.json", "REPORT.md")


@pytest.fixture
def project(tmp_path):
    project = build_mod.Project.at(buildproject.make(tmp_path / "p"))
    for name in NAMES:
        (project.figures_dir / name).write_text(f"old {name}\n")
    return project


def contents(project):
    return {name: (project.figures_dir / name).read_text() for name in NAMES}


def test_report_writes_the_three_files(project):
    doc = build_mod.refresh_from_committed(echo=lambda _: None, project=project)
    assert json.loads((project.figures_dir / "claims.json").read_text()) == doc
    assert (project.figures_dir / "REPORT.md").read_text().startswith("# Reproduction report")
    assert not list((project.root / "build").glob(".staging-*"))


def test_an_error_inside_the_set_puts_the_old_set_back(project):
    old = contents(project)

    def interrupt():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_mod.refresh_from_committed(echo=lambda _: None, project=project, pause=interrupt)
    assert contents(project) == old and not (project.root / "build" / publish.JOURNAL).exists()


def test_a_report_killed_inside_the_set_is_rolled_back_by_the_next_one(project):
    old = contents(project)
    script = ("import os, signal, sys\nfrom lpsrepro import build\n"
              f"p = build.Project.at({str(project.root)!r})\n"
              "build.refresh_from_committed(echo=lambda _: None, project=p,\n"
              "                             pause=lambda: os.kill(os.getpid(), signal.SIGKILL))\n")
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(paths.ROOT)},
                          capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    torn = contents(project)
    assert torn != old and sum(torn[n] == old[n] for n in NAMES) == 2   # killed after one rename of three
    assert (project.root / "build" / publish.JOURNAL).exists()
    lines = []
    build_mod.refresh_from_committed(echo=lines.append, project=project)
    assert "rolled back the outputs that an interrupted build had half published" in lines
    new = contents(project)
    assert all(new[n] != old[n] for n in NAMES) and json.loads(new["claims.json"])["claims"]
