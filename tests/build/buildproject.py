"""A tiny project of fake notebooks for the build's tests (seconds per build, not the real 80 s).

Three notebooks, each reading different inputs, so that a change of one kind of input
must re-run exactly the notebooks that read it:

* ``10_alpha``: reads ``data/alpha.txt``, ledger entry ``demo.alpha``, imports ``helper_alpha``;
* ``20_beta``: reads ``data/beta.txt``, ledger entry ``demo.beta``, imports ``helper_beta``;
* ``30_gamma``: lists ``data/`` and reads every ``*.csv`` in it, no ledger.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from lpsrepro import paths

LEDGER = """assumptions:
  demo.alpha:
    value: 2.0
    unit: mm
    justification: test value
    affects: []
  demo.beta:
    value: 3.0
    unit: mm
    justification: test value
    affects: []
"""

_FIGURE = """import os, pathlib
def save(name, text):
    folder = pathlib.Path(os.environ.get("LPSREPRO_FIGURES_DIR", "."))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
"""


def _notebook(parameters: str, body: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


NOTEBOOKS = {
    "10_alpha": _notebook(
        'data_file = "../data/alpha.txt"  # input\nscale = 1.0  # a factor',
        "from pathlib import Path\nimport helper_alpha\nfrom lpsrepro import ledger\n"
        "x = float(Path(data_file).read_text()) * scale\n"
        "a = ledger.value('demo.alpha', 'mm', path=Path('../data/paper/assumptions.yaml').resolve())\n"
        "result = helper_alpha.combine(x, a)\nprint('alpha', result)\n"
        "helper_alpha.save('alpha.png', str(result))"),
    "20_beta": _notebook(
        'data_file = "../data/beta.txt"  # input',
        "from pathlib import Path\nimport helper_beta\nfrom lpsrepro import ledger\n"
        "x = float(Path(data_file).read_text())\n"
        "b = ledger.value('demo.beta', 'mm', path=Path('../data/paper/assumptions.yaml').resolve())\n"
        "result = helper_beta.combine(x, b)\nprint('beta', result)\nhelper_beta.save('beta.png', str(result))"),
    "30_gamma": _notebook(
        'folder = "../data"  # input folder',
        "from pathlib import Path\nimport helper_beta\n"
        "total = sum(float(p.read_text()) for p in sorted(Path(folder).glob('*.csv')))\n"
        "print('gamma', total)\nhelper_beta.save('gamma.png', str(total))"),
}

HELPERS = {
    "helper_alpha.py": _FIGURE + "def combine(x, a):\n    return x + a\n",
    "helper_beta.py": _FIGURE + "def combine(x, b):\n    return x * b\n",
}


def make(root: Path) -> Path:
    """Create the project under ``root`` and return ``root``."""
    root = Path(root)
    (root / "notebooks").mkdir(parents=True)
    (root / "data" / "paper").mkdir(parents=True)
    (root / "figures").mkdir()
    for name, nb in NOTEBOOKS.items():
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    for name, text in HELPERS.items():
        (root / "notebooks" / name).write_text(text)
    (root / "data" / "alpha.txt").write_text("1.5")
    (root / "data" / "beta.txt").write_text("4")
    (root / "data" / "one.csv").write_text("10")
    (root / "data" / "paper" / "assumptions.yaml").write_text(LEDGER)
    shutil.copyfile(paths.ROOT / "requirements-lock.txt", root / "requirements-lock.txt")
    return root


def outputs(folder: Path) -> dict[str, bytes]:
    """Every published file (notebooks and figures) of a build output folder, by relative path."""
    folder = Path(folder)
    found = {}
    for sub in ("notebooks", "figures"):
        for path in sorted((folder / sub).glob("*")):
            if path.is_file() and path.suffix in (".ipynb", ".png", ".json", ".md"):
                found[f"{sub}/{path.name}"] = path.read_bytes()
    return found
