"""Structural checks of the honest-data rule (DESIGN.md).

- Analyses, readers and models never see published values or the stand-ins' model parameters:
  they do not import lpsrepro.claims, lpsrepro.consistency or lpsrepro.simulate.
- Every published value a generator uses to make data is declared in its CALIBRATION_TARGETS,
  so the report can say which reproductions are circular.
- Layers (issue 11): technique code (models, io, analysis) imports no section layer and no ledger;
  notebooks and sections never import lpsrepro.simulate; models, plots and notebooks never read the
  ledger (sections do, in Params.from_ledger); plots evaluate no forward model (they draw Results).
- Tests mirror the package: tests/<name>/ exists only for lpsrepro/<name>/ (or lpsrepro/<name>.py) and
  its files import it; test file names are unique across tests/.
"""

import ast
import importlib
import pkgutil
import re

import pytest

import lpsrepro.simulate
from lpsrepro import claims, ledger, paths
from lpsrepro.registry import ProgrammingError

FORBIDDEN = ("lpsrepro.claims", "lpsrepro.consistency", "lpsrepro.simulate")
#: Technique code knows nothing of the paper's sections (docs/ARCHITECTURE.md, "Package layout"): it imports
#: neither the section layers nor the ledger (sections turn ledger entries into its inputs).
SECTION_SIDE = ("lpsrepro.sections", "lpsrepro.plots", "lpsrepro.ledger", "lpsrepro.sweep", "lpsrepro.explore",
                "lpsrepro.widgets", "lpsrepro.build", "lpsrepro.report")
ANALYSIS_SIDE = sorted(p for folder in ("analysis", "io", "models")
                       for p in (paths.ROOT / "lpsrepro" / folder).glob("*.py"))


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize("path", ANALYSIS_SIDE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_analysis_side_never_imports_published_values_or_generators(path):
    for name in imported_modules(path):
        assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", ANALYSIS_SIDE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_technique_code_never_imports_the_section_layers_or_the_ledger(path):
    # models/, io/, analysis/ are split by technique and reused by every section: a dependency the other way
    # would make a technique module know one paper section (and a cycle the day that section calls it)
    for name in imported_modules(path):
        assert not name.startswith(SECTION_SIDE), f"{path.parent.name}/{path.name} imports {name}"


GENERATOR_MODULES = [name for _, name, _ in pkgutil.iter_modules(lpsrepro.simulate.__path__)
                     if name != "instruments"]


@pytest.mark.parametrize("name", GENERATOR_MODULES)
def test_published_values_used_by_a_generator_are_declared(name):
    module = importlib.import_module(f"lpsrepro.simulate.{name}")
    code = (paths.ROOT / "lpsrepro" / "simulate" / f"{name}.py").read_text()
    for mapping in ("CALIBRATION_TARGETS", "IMPLIED_TARGETS"):  # the declarations themselves are not uses
        if re.search(rf"^{mapping}\b[^=]*= {{", code, re.M):
            head, tail = re.split(rf"^{mapping}\b[^=]*= {{", code, maxsplit=1, flags=re.M)
            code = head + tail.split("\n}\n", 1)[1]
    used = {cid for cid in claims.registry() if re.search(rf"[\"']{cid}[\"']", code)}
    declared = set(module.CALIBRATION_TARGETS) | set(getattr(module, "IMPLIED_TARGETS", {}))
    assert used <= declared, f"{name} uses published {sorted(used - declared)} without declaring them"
    assert declared <= set(claims.registry())


def test_report_flags_calibrated_claims():
    doc = claims.claims_document([], calibrated={"membrane_asr": "how"})
    entry = next(e for e in doc["claims"] if e["id"] == "membrane_asr")
    assert entry["stand_in_calibrated_to_it"] == "how"
    # a generator declaring an id the registry lacks is a bug of that generator, not the user's input
    with pytest.raises(ProgrammingError, match="calibration target"):
        claims.claims_document([], calibrated={"no_such_claim": "how"})


# --------------------------------------------------------------------------- ledger entries tuned to the paper
# The rule. A ledger entry is *tuned to the paper* when one sentence of its justification has both
#   (1) a tuning phrase — "so that", "so as to", "chosen so/to", "calibrated to", "the calibration keeps",
#       "to match", "fitted to", "tuned to" — i.e. the value was picked for what it makes the data do, and
#   (2) a published observation as the aim — a claim id of data/paper/claims.yaml, a published value with its
#       unit as printed there ("65 min", "18-nm"), or words that point at the paper ("the paper's", "published",
#       "as Fig. S6 shows", "the paper states/reports/shows").
# Such an entry's value was chosen so that the stand-ins agree with the paper. Every claim it feeds (its
# `affects` list) is then computed from an input that was tuned to the paper, so none of them is independent
# evidence: each must be declared by a generator, in CALIBRATION_TARGETS (the entry was chosen for it) or
# IMPLIED_TARGETS (it follows from the tuned value by construction). A value chosen for an instrumental reason
# ("so that the strongest reflection reaches ~1500 counts") has no published aim and is not concerned.
TUNING = re.compile(r"\b(so that|so as to|chosen (?:so|to)|calibrated to|the calibration keeps|to match|"
                    r"fitted to|tuned to)\b", re.I)
PAPER_WORDS = re.compile(r"(the paper'?s?\b|\bpublished\b|\bFig\.\s*S?\d+[a-z]?\s+shows?\b|"
                         r"\bthe paper (?:states|reports|shows|reads)\b)", re.I)
ABBREVIATIONS = ("Fig.", "Figs.", "ref.", "refs.", "e.g.", "i.e.", "cf.", "Eq.", "vs.", "ca.", "al.", "approx.")
UNIT_FORMS = {"1/cm": r"(?:cm-1|cm⁻¹|1/cm)", "ohm*cm**2": r"(?:Ω\s?cm²|ohm\s?cm2?)", "percent": r"(?:%|percent)"}


def sentences(text):
    """Split at '. ', '; ' or '! ' but not after an abbreviation such as 'Fig.'."""
    out, start = [], 0
    for match in re.finditer(r"[.;!]\s+", text):
        before = text[start:match.end()].rstrip()
        if any(before.endswith(a) for a in ABBREVIATIONS):
            continue
        out.append(text[start:match.end()].strip())
        start = match.end()
    return out + [text[start:].strip()] if text[start:].strip() else out


def published_value_patterns(registry):
    patterns = []
    for claim in registry.values():
        unit = UNIT_FORMS.get(claim.unit, re.escape(claim.unit))
        for printed in (claim.value, claim.low, claim.high):
            if printed is not None and claim.unit not in ("dimensionless", ""):
                patterns.append(re.compile(rf"(?<![\d.]){re.escape(printed)}[\s-]?{unit}\b"))
    return patterns


def tuned_sentence(justification, registry, patterns):
    """The first sentence that tunes the entry to a published observation, or None."""
    for sentence in sentences(justification):
        if not TUNING.search(sentence):
            continue
        if (PAPER_WORDS.search(sentence) or any(re.search(rf"\b{cid}\b", sentence) for cid in registry)
                or any(p.search(sentence) for p in patterns)):
            return sentence
    return None


def test_the_tuning_rule_tells_a_published_aim_from_an_instrumental_one():
    reg = claims.registry()
    pats = published_value_patterns(reg)
    assert tuned_sentence("Taken at the lower end, so that Li2S is left after 65 min as Fig. S6 shows.", reg, pats)
    assert tuned_sentence("12 nm/min, so that at the first sample (50 min) no Li2S is detectable.", reg, pats)
    assert tuned_sentence("The calibration keeps the intercept at the paper's value.", reg, pats)
    assert tuned_sentence("Chosen so that membrane_asr comes out right.", reg, pats)
    assert not tuned_sentence("Chosen so that the strongest reflection reaches ~1500 counts.", reg, pats)
    assert not tuned_sentence("Typical of milled powders (Fig. 2 shows them). No published rate.", reg, pats)
    assert sentences("As Fig. S6 shows, it is. Next one; third") == ["As Fig. S6 shows, it is.", "Next one;", "third"]


def test_every_claim_fed_by_a_ledger_entry_tuned_to_the_paper_is_declared():
    reg = claims.registry()
    pats = published_value_patterns(reg)
    declared = claims.declared_targets()
    known = set(declared["calibrated"]) | set(declared["implied"])
    missing = {}
    for entry in ledger.entries():
        sentence = tuned_sentence(entry.justification, reg, pats)
        if sentence:
            undeclared = [cid for cid in entry.affects if cid in reg and cid not in known]
            if undeclared:
                missing[entry.key] = (undeclared, sentence)
    assert not missing, "ledger entries tuned to the paper feed claims that no generator declares in " \
        "CALIBRATION_TARGETS or IMPLIED_TARGETS:\n" + "\n".join(
            f"  {key}: {ids} — because: {sentence!r}" for key, (ids, sentence) in missing.items())


def test_implied_targets_are_claim_ids_and_not_also_calibration_targets():
    declared = claims.declared_targets()
    assert set(declared["implied"]) <= set(claims.registry())
    assert not set(declared["implied"]) & set(declared["calibrated"])


# --------------------------------------------------------------------------- layers (issue 11)
# models/, io/, analysis/ are split by technique; sections/, simulate/, plots/ and the notebooks by paper
# section (docs/ARCHITECTURE.md, "Package layout"). The checks below keep each layer to its job.
PACKAGE = paths.ROOT / "lpsrepro"


def modules_in(folder):
    return sorted((PACKAGE / folder).glob("*.py"))


def notebook_code(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    # IPython magics and shell escapes are not Python: blank them so that ast can parse the rest
    return "\n".join("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                               for line in cell.source.splitlines())
                     for cell in nb.cells if cell.cell_type == "code")


def imports_of_source(source):
    """(module, names) of every import in ``source``; ``names`` is () for ``import x``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, tuple(alias.name for alias in node.names)


def imports_module(source, prefix):
    """Whether ``source`` imports ``prefix`` or anything below it (``from lpsrepro import simulate`` too)."""
    parent, _, leaf = prefix.rpartition(".")
    for module, names in imports_of_source(source):
        if module == prefix or module.startswith(prefix + "."):
            return True
        if module == parent and leaf in names:
            return True
    return False


def test_imports_module_sees_every_spelling():
    assert imports_module("import lpsrepro.simulate.reaction_kinetics", "lpsrepro.simulate")
    assert imports_module("from lpsrepro import simulate", "lpsrepro.simulate")
    assert imports_module("def f():\n    from lpsrepro.simulate import membrane", "lpsrepro.simulate")
    assert not imports_module("from lpsrepro import sections", "lpsrepro.simulate")


NOTEBOOKS = sorted(paths.ROOT.glob("notebooks/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_never_import_the_generators(path):
    # a notebook reads data files; what the stand-ins were made from it must not see
    assert not imports_module(notebook_code(path), "lpsrepro.simulate"), f"{path.name} imports lpsrepro.simulate"


@pytest.mark.parametrize("path", modules_in("sections"), ids=lambda p: f"sections/{p.name}")
def test_sections_never_import_the_generators(path):
    # a section runs the paper's analysis on files (the sweep engine calls it on any data)
    assert not imports_module(path.read_text(encoding="utf-8"), "lpsrepro.simulate"), path.name


@pytest.mark.parametrize("path", modules_in("models"), ids=lambda p: f"models/{p.name}")
def test_models_never_read_the_ledger(path):
    # sections turn ledger entries into parameters (Params.from_ledger); physics takes numbers
    assert not imports_module(path.read_text(encoding="utf-8"), "lpsrepro.ledger"), path.name


@pytest.mark.parametrize("path", modules_in("plots"), ids=lambda p: f"plots/{p.name}")
def test_plots_never_read_the_ledger_or_the_generators(path):
    # a panel draws a Result: what went into it (ledger values, the stand-ins' parameters) is the section's business
    source = path.read_text(encoding="utf-8")
    for layer in ("lpsrepro.ledger", "lpsrepro.simulate"):
        assert not imports_module(source, layer), f"plots/{path.name} imports {layer}"


@pytest.mark.parametrize("path", [p for p in modules_in("sections") if p.name != "__init__.py"], ids=lambda p: f"sections/{p.name}")
def test_sections_read_the_ledger(path):
    # the other half of the rule: the section is where ledger entries become inputs (Params.from_ledger)
    source = path.read_text(encoding="utf-8")
    assert imports_module(source, "lpsrepro.ledger"), f"sections/{path.name} does not read the ledger"
    assert re.search(r"def from_ledger\(", source), f"sections/{path.name} has no Params.from_ledger"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_never_read_the_ledger(path):
    # a notebook's defaults are plain literals (tests/test_notebooks.py); the ledger is read by Params.from_ledger
    assert not imports_module(notebook_code(path), "lpsrepro.ledger"), f"{path.name} imports lpsrepro.ledger"


# --------------------------------------------------------------------------- tests mirror the package
TESTS = paths.ROOT / "tests"
#: Folders of tests/ that hold no tests of a package folder: fixtures.
NOT_MIRRORED = {"data", "__pycache__"}


def test_every_test_folder_mirrors_a_package_folder_or_module():
    # tests/models/test_xrd.py tests lpsrepro/models/xrd.py; tests/build/ tests lpsrepro/build.py
    for folder in (d for d in TESTS.iterdir() if d.is_dir() and d.name not in NOT_MIRRORED):
        assert (PACKAGE / folder.name).is_dir() or (PACKAGE / f"{folder.name}.py").is_file(), \
            f"tests/{folder.name}/ has no lpsrepro/{folder.name}/ or lpsrepro/{folder.name}.py to mirror"


def test_every_test_folder_is_collected():
    # pytest skips folders matching norecursedirs; its default holds "build", which silently skipped
    # tests/build/ for a session (its tests never ran in `make test`)
    import fnmatch
    import tomllib

    config = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    patterns = config.get("norecursedirs")
    assert patterns is not None, "pyproject.toml must set norecursedirs: pytest's default skips tests/build/"
    for folder in (d for d in TESTS.rglob("*") if d.is_dir() and "data" not in d.relative_to(TESTS).parts
                   and d.name != "__pycache__"):
        assert not any(fnmatch.fnmatch(folder.name, pattern) for pattern in patterns), \
            f"tests/{folder.relative_to(TESTS)} matches norecursedirs {patterns}: its tests would never run"


def test_test_file_names_are_unique_across_the_tree():
    # pytest's default (prepend) import mode imports test files by basename: two alike collide
    seen = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        if "data" in path.relative_to(TESTS).parts:
            continue
        seen.setdefault(path.name, []).append(path.relative_to(TESTS).as_posix())
    assert not {name: where for name, where in seen.items() if len(where) > 1}


@pytest.mark.parametrize("path", sorted(p for d in TESTS.iterdir() if d.is_dir() and d.name not in NOT_MIRRORED
                                        for p in d.glob("test_*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_test_under_a_package_folder_tests_that_package(path):
    target = f"lpsrepro.{path.parent.name}"
    assert imports_module(path.read_text(encoding="utf-8"), target), \
        f"tests/{path.parent.name}/{path.name} imports nothing of {target}: move it to the folder of what it tests"


#: Names from lpsrepro.models that a plot may use, and why each is not a forward model of the data.
#: (Classes are always allowed: they are the types of the Results a panel draws.)
PLOT_MAY_USE_FROM_MODELS = {
    "area_specific_resistance_ohm_cm2": "unit helper R·A, to label an axis in Ω cm²",
    "phase_label": "the display name of a crystal phase",
    "sticks": "reference reflections of a phase from its crystal structure (a lookup), drawn as markers",
}
#: Plot modules whose forward models are being moved into sections/ (issue 11) by their owners right now.
PLOTS_PENDING = {
}


def forward_model_uses(source):
    """Names from lpsrepro.models.* that ``source`` imports or reaches as ``module.name``, minus the allowed."""
    tree = ast.parse(source)
    used, module_aliases = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lpsrepro.models"):
            for alias in node.names:
                if node.module == "lpsrepro.models":          # from lpsrepro.models import xrd
                    module_aliases.add(alias.asname or alias.name)
                else:
                    used.add(alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("lpsrepro.models"):
                    module_aliases.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in module_aliases:
            used.add(node.attr)
    return {name for name in used if not name[:1].isupper() and name not in PLOT_MAY_USE_FROM_MODELS}


def test_forward_model_uses_sees_both_spellings():
    assert forward_model_uses("from lpsrepro.models.xrd import phase_profile, Phase") == {"phase_profile"}
    assert forward_model_uses("from lpsrepro.models import xrd\nxrd.phase_profile(1)\nxrd.sticks('a')") \
        == {"phase_profile"}
    assert forward_model_uses("import lpsrepro.models.energy as em\nem.loading_for_energy_mg_cm2()") \
        == {"loading_for_energy_mg_cm2"}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(reason=PLOTS_PENDING[p.name]))
                                  if p.name in PLOTS_PENDING else p for p in modules_in("plots")],
                         ids=lambda p: f"plots/{p.name}")
def test_plots_evaluate_no_forward_model(path):
    # a panel draws a Result that a section computed; a model evaluated inside a plot is a second computation
    uses = forward_model_uses(path.read_text(encoding="utf-8"))
    assert not uses, f"plots/{path.name} evaluates models' {sorted(uses)}: compute it in sections/, draw the Result"
