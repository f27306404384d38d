"""Notebook conventions: one parameters cell, parseable by papermill, defaults from the ledger."""

import ast
import re

import nbformat
import pytest

from lpsrepro import ledger, paths
from lpsrepro.build import default_notebooks, notebook_parameters

NOTEBOOKS = default_notebooks()
# more specific suffixes first: the first match wins
UNIT_OF_SUFFIX = {"_nm_per_min": "nm/min", "_mg_cm2": "mg/cm**2", "_g_cm3": "g/cm**3", "_uah_cm2": "uA*h/cm**2", "_wh_kg": "W*h/kg", "_ua_cm2": "uA/cm**2",
                  "_um": "um", "_mm": "mm", "_nm": "nm", "_hz": "Hz", "_cm2": "cm**2", "_v": "V",
                  "_min": "min", "_h": "h", "_ohm_m": "ohm*m", "_deg": "degree"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_file_name_carries_the_paper_section(path):
    assert re.match(r"^3\d[a-z]?_[a-z0-9_]+\.ipynb$", path.name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_first_and_fully_parsed(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    assigned = [node.targets[0].id for node in ast.parse(tagged[0].source).body if isinstance(node, ast.Assign)]
    assert list(notebook_parameters(path)) == assigned, "papermill could not parse every parameter line"
    for node in ast.parse(tagged[0].source).body:  # plain literal defaults only
        assert isinstance(node, ast.Assign)
        ast.literal_eval(node.value)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_defaults_named_after_an_assumption_equal_the_ledger(path):
    for name, info in notebook_parameters(path).items():
        match = re.search(r"assumption ([a-z0-9_]+\.[a-z0-9_]+)", info["help"])
        if not match:
            continue
        unit = next((u for suffix, u in UNIT_OF_SUFFIX.items() if name.endswith(suffix)), "dimensionless")
        assert float(info["default"]) == pytest.approx(ledger.value(match.group(1), unit)), name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_with_outputs_and_an_explore_section(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "commit the notebook executed (make reproduce)"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert sum(len(c.outputs) for c in code) > len(code) // 2
    assert any(c.cell_type == "markdown" and "Explore" in c.source for c in nb.cells)
    assert "papermill" not in nb.metadata, "timings are stripped by the build"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_saved_figure_is_also_shown_as_an_image(path):
    from lpsrepro.figures import notes_from_notebook

    nb = nbformat.read(path, as_version=4)
    images = sum("image/png" in out.get("data", {}) for c in nb.cells for out in c.get("outputs", []))
    assert images >= len(notes_from_notebook(nb)) > 0, "display(fig) must show a PNG, not only <Figure ...>"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_do_not_depend_on_where_the_repository_is(path):
    # nbval compares text outputs on every machine: an absolute path in them breaks a fresh clone
    text = path.read_text()
    assert str(paths.ROOT) not in text, f"{path.name} prints an absolute path of this checkout"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_shows_no_warning_or_error_output(path):
    # a warning printed by a plot (e.g. an empty legend) is a defect a reader sees: none may be committed
    nb = nbformat.read(path, as_version=4)
    shown = [(i, out.get("text", "")[:120]) for i, cell in enumerate(nb.cells) for out in cell.get("outputs", [])
             if out.get("name") == "stderr" or out.get("output_type") == "error"]
    assert not shown, f"{path.name}: cells {shown}"
