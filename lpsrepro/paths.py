"""Where the compendium's files live.

All paths are resolved from the repository root, so that the package works
the same from a notebook (whose working directory is ``notebooks/``), from the
command line and from the tests.
"""

from __future__ import annotations

from pathlib import Path

#: The repository root (the folder holding pyproject.toml).
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
PAPER = DATA / "paper"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"

CLAIMS_REGISTRY = PAPER / "claims.yaml"
ASSUMPTIONS = PAPER / "assumptions.yaml"
PANELS_REGISTRY = PAPER / "panels.yaml"


def resolve(path: str | Path, *, base: Path | None = None) -> Path:
    """Return ``path`` as an absolute path.

    Relative paths are taken relative to ``base`` (default: the current
    working directory, which papermill sets to the notebook's folder).
    """
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    return ((base or Path.cwd()) / path).resolve()
