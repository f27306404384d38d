"""The lock file, pyproject.toml and both environment.yml files describe one environment.

Also: no tracked file points outside the repository (a clone has nothing there).
"""

import importlib.util
import re
import subprocess
import tomllib

import pytest
import yaml

from lpsrepro import paths


def _sync_binder():
    spec = importlib.util.spec_from_file_location("sync_binder", paths.ROOT / "tools" / "sync_binder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lock_pins():
    # the same parser as tools/sync_binder.py: accepts `--hash=` continuation lines
    return {normalise(name): version for name, version in _sync_binder().read_lock().items()}


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


def binder_pins():
    env = yaml.safe_load((paths.ROOT / "binder" / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return dict(map(split, pip))


def test_binder_pins_every_package_of_the_lock():
    # repo2docker installs binder/environment.yml on top of its own base environment: only a pin
    # of every locked package guarantees the lock's versions in the image (issue 8)
    binder, lock = binder_pins(), lock_pins()
    missing = sorted(set(lock) - set(binder))
    wrong = sorted(f"{n} {binder[n]} (lock {lock[n]})" for n in lock if n in binder and binder[n] != lock[n])
    assert not missing and not wrong, f"not pinned: {missing}; other versions: {wrong}"
    extras = set(binder) - set(lock)
    assert extras == {normalise(n) for n in _sync_binder().BINDER_EXTRAS} - set(lock)


def test_environment_files_are_generated_from_the_lock():
    root_env = (paths.ROOT / "environment.yml").read_text()
    assert (paths.ROOT / "binder" / "environment.yml").read_text() == root_env
    assert root_env == _sync_binder().render(_sync_binder().read_lock()), "run python tools/sync_binder.py"
    deps = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    binder = binder_pins()
    for name, version in map(split, deps):
        assert binder.get(name) == version, f"{name}: pyproject {version}, binder {binder.get(name)}"


def test_lock_parser_accepts_hashes(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text("# header\nnumpy==2.4.6 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n"
                    "h5netcdf[h5py]==1.8.2 --hash=sha256:cc\n--index-url https://pypi.org/simple\n")
    assert _sync_binder().read_lock(lock) == {"numpy": "2.4.6", "h5netcdf[h5py]": "1.8.2"}
    lock.write_text("numpy>=2\n")
    with pytest.raises(ValueError, match="line 1"):
        _sync_binder().read_lock(lock)


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


def test_readme_has_a_binder_badge_opening_jupyterlab_on_the_notebooks():
    readme = (paths.ROOT / "README.md").read_text()
    assert re.search(r"\(https://mybinder\.org/v2/gh/[^/\s]+/lpsrepro/HEAD\?urlpath=lab/tree/notebooks\)", readme)
    assert "https://mybinder.org/badge_logo.svg" in readme


#: Patterns of references to files outside the repository (assembled so this file does not match).
OUTSIDE = ("FACTS" + ".md", "../" + "shared", "/work/" + "shared")


def test_no_tracked_file_points_outside_the_repository():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=paths.ROOT, capture_output=True, check=True).stdout
    hits = []
    for name in filter(None, files.decode().split("\0")):
        path = paths.ROOT / name
        if not path.is_file() or path.suffix in (".tif", ".nc", ".png", ".pdf", ".mpr"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if any(p in line for p in OUTSIDE):
                hits.append(f"{name}:{number}")
    assert not hits, "cite the primary source (paper, DOI, database entry) instead: " + ", ".join(hits)
