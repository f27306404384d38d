"""Issue 11: the consistency checks are computed, not typed — not in their numbers, not in their sentences.

tests/test_consistency.py pins the arithmetic and keeps published values out of the numeric constants of
lpsrepro/consistency.py. This file extends the rule to the text: a published value with its unit written
inside a sentence ("the 0.10-V plateau") is a number that stays when the registry changes; and a sentence
that explains a verdict must follow the verdict when the published numbers change.
"""

import ast
import dataclasses
import inspect
import re

import pytest

from lpsrepro import claims, consistency

#: The units the paper's numbers carry, as the checks print them.
UNIT = r"(?:V|mg/cm²|µAh/cm²|nm|µm|%|S/cm|Wh/kg|mAh/g|Ω cm²|min|cm⁻¹|s)"


def sentence_strings(module):
    """Every string literal of ``module`` (f-string text parts included), without docstrings."""
    tree = ast.parse(inspect.getsource(module))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def typed_quantities(texts):
    """Numbers written with a unit in ``texts`` ("0.10-V", "46.3 µAh/cm²"), as floats."""
    found = set()
    for text in texts:
        for match in re.finditer(rf"(?<![\w.{{]|[±−+])(\d+(?:\.\d+)?)\s?-?(?:{UNIT})(?![\w/])", text):
            found.add(float(match.group(1)))
    return found


def test_typed_quantities_sees_a_number_with_its_unit_only():
    assert typed_quantities(["the 0.10-V plateau", "vs 46.3 µAh/cm² and", "at 85 nm"]) == {0.10, 46.3, 85.0}
    assert typed_quantities(["ref. 43", "Fig. 4b", "§3.3", "(2017) 18111", "±{x:.2f} V"]) == set()


def test_no_published_value_is_typed_in_a_sentence_of_the_checks():
    published = {float(c.value) for c in claims.registry().values() if re.fullmatch(r"[\d.]+", str(c.value))}
    published |= set(consistency.FIG4B_TEXT_THICKNESSES_UM) | {consistency.FIG4B_CAPTION_THICKNESS_UM}
    typed = typed_quantities(sentence_strings(consistency)) & published
    assert not typed, f"consistency.py types the paper's {sorted(typed)} in its text: format them from the registry"


def _registry_with(**values):
    """A function returning the claims registry with some published values replaced (as printed strings)."""
    real = claims.registry()
    return lambda: {cid: dataclasses.replace(c, value=values[cid]) if cid in values else c for cid, c in real.items()}


def test_a_sentence_follows_its_verdict_when_the_published_numbers_change(monkeypatch):
    # as published: σ = 6.7e-5 agrees with 550 nm / 0.8 Ω cm² only within rounding, and the comment says why
    check = consistency.membrane_conductivity_from_asr()
    assert check.verdict == "consistent within rounding" and "reconciles all three" in check.comment
    # a paper that printed σ = 9e-5 S/cm: no rounding of the ASR reconciles it, and the comment must not say so
    monkeypatch.setattr(consistency.claims, "registry", _registry_with(membrane_conductivity="9.0e-5"))
    check = consistency.membrane_conductivity_from_asr()
    assert check.verdict == "inconsistent" and "reconciles" not in check.comment and "9.0e-5" in check.comment


def test_faraday_checks_follow_the_charge(monkeypatch):
    # 80 µAh/cm² on 85 nm Au is Li3.58Au: Faraday's law then allows Li3Au, and the check says so in its own words
    monkeypatch.setattr(consistency.claims, "registry", _registry_with(li_plating_capacity="80"))
    check = consistency.li_plating_faraday()
    assert check.verdict == "consistent" and "does not contradict" in check.comment
    assert "80 µAh/cm²" in check.title and "46.3" not in check.title + check.comment


def test_as_text_prints_what_the_notebook_loop_printed(capsys):
    for check in consistency.run_all(consistency.PERFORMANCE_CHECKS):
        print(f"{check.title}\n  {check.computation}\n  verdict: {check.verdict}\n  {check.comment}\n")
    looped = capsys.readouterr().out
    print(consistency.as_text(consistency.PERFORMANCE_CHECKS))
    assert capsys.readouterr().out == looped
