"""The lock file, pyproject.toml and both environment.yml files describe one environment."""

import re
import tomllib

import yaml

from lpsrepro import paths


def lock_pins():
    pins = {}
    for line in (paths.ROOT / "requirements-lock.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[normalise(name)] = version.strip()
    return pins


def normalise(name):
    return re.sub(r"[-_.]+", "-", re.sub(r"\[.*\]", "", name)).lower().strip()


def split(requirement):
    name, version = requirement.split("==")
    return normalise(name), version.strip()


def test_pyproject_pins_match_the_lock():
    deps = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lock = lock_pins()
    for dep in deps:
        assert "==" in dep, f"{dep}: pin it to the lock's version"
        name, version = split(dep)
        assert lock.get(name) == version, f"{dep} vs lock {lock.get(name)}"


def test_environment_files_are_identical_and_match_pyproject():
    root_env = (paths.ROOT / "environment.yml").read_text()
    assert (paths.ROOT / "binder" / "environment.yml").read_text() == root_env
    env = yaml.safe_load(root_env)
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    deps = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert sorted(map(split, pip)) == sorted(map(split, deps))


def test_lock_is_complete_for_python_311():
    lock = lock_pins()
    for needed in ("papermill", "nbval", "ipywidgets", "jupyterlab", "impedance", "pymatgen", "scikit-image"):
        assert needed in lock
    assert lock["ipywidgets"].startswith("8."), "ipywidgets 8 matches JupyterLab 4"
    assert lock["jupyterlab"].startswith("4.")


def test_binder_postbuild_installs_without_resolving():
    text = (paths.ROOT / "binder" / "postBuild").read_text()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "set -e"
    assert any("--no-deps" in line and "install" in line for line in lines)


def test_ci_runs_the_readme_test_command():
    readme = (paths.ROOT / "README.md").read_text()
    assert "make test" in readme and "make reproduce" in readme
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
