"""The contract every section module keeps (lpsrepro/sections/__init__.py), checked without running anything.

Notebooks, widgets and the sweep engine call every section the same way; a section that drifts from the
contract breaks them all at once. What running a section returns is tested per section (tests/sections/).
"""

import dataclasses
import importlib
import inspect
import pkgutil
import typing

import pytest

import lpsrepro.sections
from lpsrepro import ledger
from lpsrepro.sections import SectionParams

SECTIONS = [name for _, name, _ in pkgutil.iter_modules(lpsrepro.sections.__path__)]


@pytest.fixture(params=SECTIONS)
def section(request):
    return importlib.import_module(f"lpsrepro.sections.{request.param}")


def test_every_notebook_has_its_section_module_and_back():
    # a section module is named like its notebook without the paper-section number (32_membrane → membrane)
    from lpsrepro import paths

    notebooks = {p.stem.split("_", 1)[1] for p in paths.ROOT.glob("notebooks/3*_*.ipynb")}
    assert notebooks == set(SECTIONS)


def test_params_is_a_frozen_dataclass_of_the_section_mixin_with_its_ledger_map(section):
    params = section.Params
    assert dataclasses.is_dataclass(params) and params.__dataclass_params__.frozen
    assert issubclass(params, SectionParams), "Params must mix in SectionParams (a checked replace)"
    assert inspect.ismethod(params.from_ledger), "Params.from_ledger must be a classmethod"
    fields = {f.name for f in dataclasses.fields(params)}
    mapping = getattr(params, "LEDGER", {})
    assert set(mapping) <= fields, f"LEDGER names fields Params lacks: {sorted(set(mapping) - fields)}"
    known = {entry.key for entry in ledger.entries()}
    assert set(mapping.values()) <= known, f"LEDGER names keys the ledger lacks: {sorted(set(mapping.values()) - known)}"


def test_run_takes_params_and_returns_a_frozen_result_with_numbers(section):
    hints = typing.get_type_hints(section.run)
    result = hints["return"]
    assert dataclasses.is_dataclass(result) and result.__dataclass_params__.frozen, result
    assert callable(getattr(result, "numbers", None)), f"{result.__name__} has no numbers()"
    first = next(iter(inspect.signature(section.run).parameters.values()))
    assert hints[first.name] is section.Params


def test_the_fast_path_where_there_is_one_names_real_fields(section):
    if not hasattr(section, "prepare"):
        assert not hasattr(section.Params, "PREPARED_FROM"), "PREPARED_FROM without prepare()"
        return
    prepared_from = section.Params.PREPARED_FROM
    assert isinstance(prepared_from, frozenset) and prepared_from
    fields = {f.name for f in dataclasses.fields(section.Params)}
    assert prepared_from <= fields, f"PREPARED_FROM names fields Params lacks: {sorted(prepared_from - fields)}"
    assert "prepared" in inspect.signature(section.run).parameters, "run(params, prepared=...) is the fast path"
