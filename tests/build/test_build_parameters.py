"""Every -p value is checked before any notebook runs: one line, exit 2, never a crash in a cell."""

import json
import random
from pathlib import Path

import pytest

from lpsrepro import build as build_mod
from lpsrepro import params, paths
from lpsrepro.cli import main


@pytest.fixture
def no_execution(monkeypatch):
    """Fail the test if a notebook would be executed."""
    def refuse(*args, **kwargs):
        raise AssertionError("a notebook was executed although a parameter is invalid")
    monkeypatch.setattr(build_mod, "_execute_all", refuse)


def cli_error(capsys, *argv) -> str:
    status = main(["build", *argv])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


ISSUE_15_CASES = [  # issue 15 §8, as reported
    ("33_performance", "sulfur_fraction", "abc"),
    ("33_performance", "electrode_diameter_mm", "1e308"),  # not a parameter of 33: refused by name
    ("32_membrane", "electrode_diameter_mm", "1e308"),
    ("32_membrane", "electrode_diameter_mm", "1e-320"),
    ("32_membrane", "electrode_diameter_mm", "9" * 400),
    ("31b_reaction_kinetics", "phases", "None"),
    ("32_membrane", "eis_file", "/dev/zero"),
    ("32_membrane", "eis_file", "/etc"),
    ("32_membrane", "eis_file", "no-such-file.z"),
    ("33_performance", "current_sign", "1.5"),
    ("33_performance", "plot_cycles", "[1, 2.5]"),
    ("31b_reaction_kinetics", "raman_bands", '{"PS4": "x"}'),
    ("31b_reaction_kinetics", "dual_xrd_files", '["a.xy", "b.xy"]'),
    ("33_performance", "target_wh_kg", "nan"),
    ("33_performance", "sulfur_fraction", "0.95"),  # outside the ledger range [0.1, 0.8]
]


@pytest.mark.parametrize("notebook,name,value", ISSUE_15_CASES)
def test_issue_15_values_are_refused_in_one_line(capsys, no_execution, tmp_path, notebook, name, value):
    err = cli_error(capsys, notebook, "-o", str(tmp_path), "-p", name, value)
    assert name in err


def _fuzz_values(rng: random.Random) -> list[str]:
    pool = ["abc", "", " ", "None", "True", "-1", "0", "1e308", "-1e308", "1e-320", "inf", "-inf", "nan",
            "9" * 400, "-" + "9" * 50, "[]", "{}", "[1, 2]", '["x"]', '{"a": 1}', "[[[]]]", "0x10", "1_000",
            "__import__('os').system('true')", "../../etc/passwd", "/dev/null", "💥", "1e3000", "[1e308, 1]"]
    return pool + [str(rng.uniform(-1e20, 1e20)) for _ in range(5)]


@pytest.mark.parametrize("notebook", ["31a_nanoparticles", "31b_reaction_kinetics", "32_membrane", "33_performance"])
def test_fuzzed_values_through_the_cli_never_crash(capsys, monkeypatch, tmp_path, notebook):
    """Each value is either refused in one line or accepted; accepted values are of the declared type."""
    accepted = []
    monkeypatch.setattr(build_mod, "_execute_all", lambda jobs, *a, **k: accepted.append(jobs[0]["parameters"])
                        or (_ for _ in ()).throw(KeyboardInterrupt))
    declared = build_mod.notebook_parameters(paths.NOTEBOOKS / f"{notebook}.ipynb")
    rng = random.Random(15)
    for name, info in declared.items():
        spec = params.spec_of(name, build_mod._literal(info["default"]), info.get("help") or "")
        for value in _fuzz_values(rng):
            status = main(["build", notebook, "-o", str(tmp_path), "-p", name, value, "--force"])
            err = capsys.readouterr().err
            if status == 130:  # accepted: reached the (stubbed) execution
                got = accepted[-1][name]
                assert spec.kind == "any" or isinstance(got, {"bool": bool, "int": int, "float": (int, float),
                                                               "str": str, "list": list, "dict": dict,
                                                               "file": (str, list)}[spec.kind]), (name, value, got)
            else:
                assert status == 2 and err.startswith("error: ") and "Traceback" not in err, (name, value, err)


def test_list_and_mapping_values_are_parsed():
    assert params.parse_text('["a.xy", "b.xy"]') == ["a.xy", "b.xy"]
    assert params.parse_text("[a.xy, b.xy]") == ["a.xy", "b.xy"]
    assert params.parse_text('{"PS4": [422, 8]}') == {"PS4": [422, 8]}
    assert params.parse_text("1e-5") == 1e-5 and params.parse_text("None") is None


def test_relative_paths_start_from_the_users_folder(tmp_path, monkeypatch):
    (tmp_path / "my.z").write_text("data")
    monkeypatch.chdir(tmp_path)
    checked = build_mod.validate_parameters(paths.NOTEBOOKS / "32_membrane.ipynb", {"eis_file": "my.z"})
    assert checked["eis_file"] == str(tmp_path / "my.z")


def test_parameter_file_and_list_parameters(tmp_path, monkeypatch):
    for name in ("a.xy", "b.xy"):
        (tmp_path / name).write_text("1 2\n")
    (tmp_path / "p.yaml").write_text("dual_xrd_files: [a.xy, b.xy]\ndual_times_min: [30, 90]\n")
    seen = []
    monkeypatch.setattr(build_mod, "_execute_all", lambda jobs, *a, **k: seen.append(jobs[0]["parameters"])
                        or (_ for _ in ()).throw(KeyboardInterrupt))
    assert main(["build", "31b_reaction_kinetics", "-o", str(tmp_path / "out"), "-f", str(tmp_path / "p.yaml"),
                 "-p", "target_conversion", "0.99"]) == 130
    assert seen[0] == {"dual_xrd_files": [str(tmp_path / "a.xy"), str(tmp_path / "b.xy")],
                       "dual_times_min": [30, 90], "target_conversion": 0.99}


def test_ledger_ranges_are_converted_to_the_parameters_unit():
    spec = params.spec_of("electrode_diameter_mm", 2.0, "diameter in mm (assumption membrane.electrode_diameter)")
    assert (spec.low, spec.high) == (0.5, 6.0)
    assert params._unit_factor(2000.0, 2.0) == 1000.0 and params._unit_factor(3.0, 2.0) == 1.0
