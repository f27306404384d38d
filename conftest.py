"""Shared test set-up.

Figures saved while tests run (including nbval's re-execution of the notebooks)
go to a temporary folder, never into figures/: the committed figures change only
through `lpsrepro build`.
"""

import os
import tempfile

import matplotlib

matplotlib.use("Agg")


def pytest_configure(config):
    os.environ["LPSREPRO_FIGURES_DIR"] = tempfile.mkdtemp(prefix="lpsrepro-test-figures-")


import pathlib

import pytest


@pytest.fixture
def real_data():
    """Folder of real instrument files copied from public repositories (tests/data/SOURCES.md)."""
    return pathlib.Path(__file__).parent / "tests" / "data"
