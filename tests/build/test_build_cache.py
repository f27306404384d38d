"""The incremental build: exactly the notebooks whose inputs changed re-run, and the result equals a forced build.

Runs on a tiny project of fake notebooks (tests/build/buildproject.py): seconds per build.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import buildproject  # noqa: E402

from lpsrepro import build as build_mod  # noqa: E402


def run(project, **kwargs):
    lines = []
    result = build_mod.build(project=project, echo=lines.append, **kwargs)
    return set(result.seconds), lines


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = buildproject.make(tmp_path_factory.mktemp("proj") / "p")
    project = build_mod.Project.at(root)
    ran, _ = run(project)
    assert ran == {"10_alpha.ipynb", "20_beta.ipynb", "30_gamma.ipynb"}
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


CHANGES = [  # (what changes, how, the notebooks that must re-run)
    ("nothing", lambda r: None, set()),
    ("data file read by one notebook", lambda r: (r / "data" / "alpha.txt").write_text("2.5"), {"10_alpha.ipynb"}),
    ("file added to a listed folder", lambda r: (r / "data" / "two.csv").write_text("5"), {"30_gamma.ipynb"}),
    ("ledger value read by one notebook",
     lambda r: edit(r / "data" / "paper" / "assumptions.yaml", "value: 3.0", "value: 3.5"), {"20_beta.ipynb"}),
    ("ledger value read by no notebook",
     lambda r: (r / "data" / "paper" / "assumptions.yaml").write_text(
         (r / "data" / "paper" / "assumptions.yaml").read_text()
         + "  demo.unused:\n    value: 1\n    unit: mm\n    justification: x\n    affects: []\n"), set()),
    ("function of a module imported by one notebook",
     lambda r: edit(r / "notebooks" / "helper_alpha.py", "return x + a", "return x + 2 * a"), {"10_alpha.ipynb"}),
    ("a notebook cell", lambda r: edit(r / "notebooks" / "30_gamma.ipynb", "print('gamma', total)",
                                       "print('gamma total', total)"), {"30_gamma.ipynb"}),
    ("the lock file", lambda r: edit(r / "requirements-lock.txt", "numpy==", "# a comment\nnumpy=="),
     {"10_alpha.ipynb", "20_beta.ipynb", "30_gamma.ipynb"}),
]


@pytest.mark.parametrize("what,change,expected", CHANGES, ids=[c[0] for c in CHANGES])
def test_exactly_the_dependent_notebooks_rerun(project, what, change, expected):
    change(project.root)
    dry = []
    build_mod.build(project=project, echo=dry.append, dry_run=True)
    assert {line.split()[2] for line in dry if line.startswith("would run")} == expected, dry
    ran, _ = run(project)
    assert ran == expected, what
    ran, lines = run(project)
    assert ran == set() and "outputs are up to date" in lines


def test_incremental_outputs_equal_a_forced_build(tmp_path):
    """After all the changes above, each followed by an incremental build, the published outputs equal
    those of a forced build from scratch.

    Its own project (not the module's, which the tests above change in an order that pytest's
    ordering plugins or xdist may not keep), so that the result does not depend on test order.
    """
    project = build_mod.Project.at(buildproject.make(tmp_path / "p"))
    run(project)
    for _, change, _ in CHANGES:
        change(project.root)
        run(project)
    forced = tmp_path / "forced"
    ran, _ = run(project, force=True, output_dir=forced)
    assert len(ran) == 3
    incremental = buildproject.outputs(project.root)
    assert incremental == buildproject.outputs(forced)
    assert "figures/alpha.png" in incremental and b"gamma total" in incremental["notebooks/30_gamma.ipynb"]


def test_dry_run_says_why(project):
    (project.root / "data" / "beta.txt").write_text("7")
    lines = []
    build_mod.build(project=project, echo=lines.append, dry_run=True)
    assert any(line.startswith("would run: 20_beta.ipynb (file data/beta.txt changed") for line in lines), lines
    assert "up to date: 10_alpha.ipynb" in lines
    lines = []
    build_mod.build(project=project, echo=lines.append, dry_run=True, force=True)
    assert sum(line.startswith("would run") for line in lines) == 3
