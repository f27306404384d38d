"""One loader for the three YAML registries; unknown entries asked for by code are bugs."""

import pytest

from lpsrepro import claims, figures, ledger
from lpsrepro.errors import InputFileError, LpsreproError
from lpsrepro.registry import ProgrammingError

LOADERS = [  # (parse-and-cache function, its top-level key, what the file is called in messages)
    (claims._load_registry, "claims", "claims registry"),
    (ledger._load, "assumptions", "assumptions ledger"),
    (figures._load_panels, "panels", "panel registry"),
]


@pytest.mark.parametrize(("load", "key", "what"), LOADERS)
def test_missing_file_names_the_file_and_what_it_is(tmp_path, load, key, what):
    path = tmp_path / "nothere.yaml"
    with pytest.raises(InputFileError, match=f"nothere.yaml: the {what} is missing"):
        load(path)


@pytest.mark.parametrize(("load", "key", "what"), LOADERS)
def test_invalid_yaml_names_the_file(tmp_path, load, key, what):
    path = tmp_path / "broken.yaml"
    path.write_text(f"{key}:\n  - [unclosed\n")
    with pytest.raises(InputFileError, match="broken.yaml: is not valid YAML"):
        load(path)


@pytest.mark.parametrize(("load", "key", "what"), LOADERS[1:])
def test_a_required_top_key_of_the_wrong_kind_names_the_field(tmp_path, load, key, what):
    path = tmp_path / "wrong.yaml"
    path.write_text(f"{key}: [1, 2]\n")
    with pytest.raises(InputFileError, match=f"field '{key}'"):
        load(path)


def test_the_claims_registry_may_be_empty(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n")
    assert claims.registry(path) == {}


def test_loaders_cache_per_path_and_can_forget(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n")
    claims._load_registry.cache_clear()
    assert claims._load_registry(path) is claims._load_registry(path)
    claims._load_registry.cache_clear()


def test_programming_errors_are_not_user_errors():
    # the CLI prints LpsreproError as a one-line user message; a bug must keep its traceback
    assert not issubclass(ProgrammingError, LpsreproError)


def test_unknown_keys_asked_for_by_code_are_programming_errors():
    with pytest.raises(ProgrammingError, match="assumption 'membrane.no_such'.*membrane.electrode_diameter"):
        ledger.get("membrane.no_such")
    with pytest.raises(ProgrammingError, match="claim_id 'no_such_claim' is not in data/paper/claims.yaml"):
        claims.make_record("no_such_claim", 1.0, "nm")
    with pytest.raises(ProgrammingError, match="kind 'guess'"):
        claims.make_record("membrane_asr", 0.82, "ohm*cm**2", kind="guess")
    with pytest.raises(ProgrammingError, match="calibration target 'no_such'"):
        claims.claims_document([], calibrated={"no_such": "x"}, sensitivity={})


def test_unknown_panel_or_bad_stem_is_a_programming_error(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    monkeypatch.setenv(figures.FIGURES_DIR_ENV, str(tmp_path))
    with pytest.raises(ProgrammingError, match="panel 'Fig. 99z'"):
        figures.save(Figure(), "Fig. 99z", "x", "caption")
    panel = next(iter(figures.panel_registry()))
    with pytest.raises(ProgrammingError, match="stem 'Bad Stem'"):
        figures.save(Figure(), panel, "Bad Stem", "caption")


def test_a_user_mistake_stays_a_parameter_error():
    # a unit of the wrong dimension comes from the user's numbers, not from the code
    from lpsrepro.errors import ParameterError

    with pytest.raises(ParameterError, match="unit"):
        claims.make_record("membrane_conductivity", 0.82, "ohm*cm**2")
