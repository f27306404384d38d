"""Shared test set-up.

Figures saved while tests run (including nbval's re-execution of the notebooks)
go to a temporary folder, never into figures/: the committed figures change only
through `lpsrepro build`. The folder is removed when the session ends (one per
pytest-xdist worker), so test runs leave nothing in TMPDIR.
"""

import os
import pathlib
import shutil
import tempfile

import matplotlib
import pytest

matplotlib.use("Agg")

_FIGURES_DIR = None


def pytest_configure(config):
    global _FIGURES_DIR
    _FIGURES_DIR = tempfile.mkdtemp(prefix="lpsrepro-test-figures-")
    os.environ["LPSREPRO_FIGURES_DIR"] = _FIGURES_DIR


def pytest_unconfigure(config):
    if _FIGURES_DIR:
        shutil.rmtree(_FIGURES_DIR, ignore_errors=True)


@pytest.fixture
def real_data():
    """Folder of real instrument files copied from public repositories (tests/data/SOURCES.md)."""
    return pathlib.Path(__file__).parent / "tests" / "data"
