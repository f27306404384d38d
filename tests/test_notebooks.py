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


# --------------------------------------------------------------------------- thin notebooks (issue 11)
# A notebook code cell reads parameters, runs a section, draws a panel, records a number or displays
# something: read → run → plot → record. Anything else (a function, a loop over data, a formula, a model
# evaluated outside a section) belongs in lpsrepro/sections/, where it is tested and a sweep can call it.
# The parameters cell is exempt: it holds plain literals only (checked above).
MAX_CELL_LINES = 24
#: What a notebook may import from lpsrepro: the section layer and the report/display helpers. The technique
#: layers (models, analysis, io), the ledger and the generators are reached through a section only.
NOTEBOOK_MAY_IMPORT = ("lpsrepro.sections", "lpsrepro.plots", "lpsrepro.claims", "lpsrepro.figures",
                       "lpsrepro.widgets", "lpsrepro.sweep", "lpsrepro.explore", "lpsrepro.consistency",
                       "lpsrepro.params")
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult)


def _is_text(node):
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr)


def _is_unit_scale(node):
    """A power of ten (1e3, 1000, 1e-6): multiplying by it only changes the unit a number is shown in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value > 0:
        import math

        return float(math.log10(node.value)).is_integer()
    return False


def _literal_sequence(node):
    return isinstance(node, (ast.Tuple, ast.List))


def cell_offences(source):
    """What in a code cell is not read/run/plot/record/display, as short sentences (empty when the cell is thin)."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    tree = ast.parse(code)
    found = []
    lines = [line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) > MAX_CELL_LINES:
        found.append(f"{len(lines)} code lines (at most {MAX_CELL_LINES})")
    for node in ast.walk(tree):
        where = f"line {node.iter.lineno if isinstance(node, ast.comprehension) else getattr(node, 'lineno', '?')}"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            found.append(f"{where}: defines a {type(node).__name__.lower().replace('asyncfunctiondef', 'function')}")
        elif isinstance(node, ast.While):
            found.append(f"{where}: a while loop")
        elif isinstance(node, (ast.For, ast.comprehension)) and not _literal_sequence(node.iter):
            # a loop over a tuple of panels written in the cell is one call per panel; over data it is analysis
            found.append(f"{where}: a loop over {ast.unparse(node.iter)}")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC):
            if isinstance(node.op, (ast.Add, ast.Mod)) and (_is_text(node.left) or _is_text(node.right)):
                continue                                  # joining or formatting text
            if isinstance(node.op, (ast.Mult, ast.Div)) and (_is_unit_scale(node.left) or _is_unit_scale(node.right)):
                continue                                  # a number shown in another unit
            found.append(f"{where}: a formula {ast.unparse(node)}")
        elif isinstance(node, ast.Compare) and any(isinstance(c, ast.Constant) and isinstance(c.value, (int, float))
                                                   and not isinstance(c.value, bool)
                                                   for c in [node.left, *node.comparators]):
            found.append(f"{where}: a typed threshold {ast.unparse(node)}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [f"{node.module}.{a.name}" for a in node.names])
            for name in names:
                if (name or "").startswith("lpsrepro") and not name.startswith(NOTEBOOK_MAY_IMPORT):
                    found.append(f"{where}: imports {name} (call it from a section)")
    return found


def test_cell_offences_sees_each_kind_and_passes_a_thin_cell():
    thin = ('from lpsrepro.sections import membrane, record_all\nresult = membrane.run(params)\n'
            'print(f"{result.asr * 1e3:.1f} mOhm")\nfor name in ("a", "b"):\n    display(fig(name))\n'
            'print("x" + text)\nif result.film is not None:\n    record_all(result)')
    assert cell_offences(thin) == []
    kinds = {"def f(x):\n    return x": "defines a function", "class A:\n    pass": "defines a class",
             "f(lambda x: x)": "defines a lambda", "while True:\n    break": "while loop",
             "for x in result.samples:\n    print(x)": "loop over result.samples",
             "y = [n for n in cycles if n > 1]": "loop over cycles", "m = loading * area": "formula loading * area",
             "print(f'{a / b:.2f}')": "formula a / b", "if target == 400.0:\n    pass": "typed threshold",
             "from lpsrepro.models import effective_medium": "imports lpsrepro.models.effective_medium",
             "import lpsrepro.simulate.membrane": "imports lpsrepro.simulate.membrane",
             "from lpsrepro.ledger import value": "imports lpsrepro.ledger",
             "\n".join(f"x{i} = {i}" for i in range(MAX_CELL_LINES + 1)): "code lines"}
    for source, kind in kinds.items():
        assert any(kind in offence for offence in cell_offences(source)), (source, cell_offences(source))


def notebook_cell_offences(path):
    nb = nbformat.read(path, as_version=4)
    return {i: found for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and "parameters" not in cell.metadata.get("tags", []) and (found := cell_offences(cell.source))}


#: Notebooks whose cells still carry logic, with the owner's fix (cell numbers count every cell, markdown
#: too, from 0). Strict: the test fails once a notebook is thin, so that its entry is removed here.
THICK_NOTEBOOKS = {
}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=THICK_NOTEBOOKS[p.name]))
                                  if p.name in THICK_NOTEBOOKS else p
                                  for p in sorted((paths.ROOT / "notebooks").glob("*.ipynb"))],
                         ids=lambda p: p.name)
def test_every_code_cell_only_reads_runs_plots_records_or_displays(path):
    found = notebook_cell_offences(path)
    assert not found, f"{path.name}: " + "; ".join(f"cell {i}: {', '.join(o)}" for i, o in found.items())
