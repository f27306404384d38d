"""Structural checks of the honest-data rule (DESIGN.md).

- Analyses, readers and models never see published values or the stand-ins' model parameters:
  they do not import lpsrepro.claims, lpsrepro.consistency or lpsrepro.simulate.
- Every published value a generator uses to make data is declared in its CALIBRATION_TARGETS,
  so the report can say which reproductions are circular.
"""

import ast
import importlib
import pkgutil
import re

import pytest

import lpsrepro.simulate
from lpsrepro import claims, paths

FORBIDDEN = ("lpsrepro.claims", "lpsrepro.consistency", "lpsrepro.simulate")
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


GENERATOR_MODULES = [name for _, name, _ in pkgutil.iter_modules(lpsrepro.simulate.__path__)
                     if name != "instruments"]


@pytest.mark.parametrize("name", GENERATOR_MODULES)
def test_published_values_used_by_a_generator_are_declared(name):
    module = importlib.import_module(f"lpsrepro.simulate.{name}")
    source = (paths.ROOT / "lpsrepro" / "simulate" / f"{name}.py").read_text()
    code = source.split("CALIBRATION_TARGETS = {", 1)[0] + source.split("CALIBRATION_TARGETS = {", 1)[1].split("\n}\n", 1)[1]
    used = {cid for cid in claims.registry() if re.search(rf"[\"']{cid}[\"']", code)}
    declared = set(module.CALIBRATION_TARGETS)
    assert used <= declared, f"{name} uses published {sorted(used - declared)} without declaring them"
    assert declared <= set(claims.registry())


def test_report_flags_calibrated_claims():
    doc = claims.claims_document([], calibrated={"membrane_asr": "how"})
    entry = next(e for e in doc["claims"] if e["id"] == "membrane_asr")
    assert entry["stand_in_calibrated_to_it"] == "how"
    with pytest.raises(ValueError, match="calibration target"):
        claims.claims_document([], calibrated={"no_such_claim": "how"})
