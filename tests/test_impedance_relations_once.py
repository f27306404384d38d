"""Issue 11: each impedance relation is typed once (lpsrepro.models.impedance); plots hold no forward model."""

import ast
import re

import pytest

from lpsrepro import paths

PKG = paths.ROOT / "lpsrepro"
#: Files whose callers must use lpsrepro.models.impedance instead of typing the relations again.
CALLERS = ["analysis/impedance.py", "plots/impedance.py", "sections/membrane.py", "models/effective_medium.py"]
#: Patterns of the relations typed inline: π d²/4, L·1e-7 / (…), 1 / (2π R C).
TYPED = {"disc area": re.compile(r"pi\s*\*\s*\(?[\w.]*diameter"),
         "sigma = L/(R A)": re.compile(r"thickness_\w+\s*\*\s*1e-7\s*/"),
         "apex 1/(2 pi R C)": re.compile(r"1\.0\s*/\s*\(\s*2\s*\*\s*(np|math)\.pi\s*\*\s*[\w.]*resistance")}


@pytest.mark.parametrize("name", CALLERS)
def test_callers_do_not_retype_the_relations(name):
    code = "\n".join(line.split("#")[0] for line in (PKG / name).read_text(encoding="utf-8").splitlines())
    for relation, pattern in TYPED.items():
        assert not pattern.search(code), f"{name} types {relation}; call lpsrepro.models.impedance"


def test_plots_import_no_forward_model():
    tree = ast.parse((PKG / "plots" / "impedance.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "lpsrepro.models.impedance" for alias in node.names}
    assert not {n for n in imported if n.endswith("_impedance_ohm")}, imported
