"""The determinism policy (docs/ARCHITECTURE.md, "Determinism"), enforced.

- frozen calibration values agree with a refit within the fit's tolerance, and keep only the
  digits the fit determines;
- `lpsrepro simulate` and the numerical unit tests give the committed results under a second numpy
  CPU feature set (NPY_DISABLE_CPU_FEATURES): how one machine catches what fails on another;
- figures are written without dates or versions, and never into figures/ outside the build.
"""

import math
import os
import subprocess
import sys

import pytest
from matplotlib.figure import Figure

from lpsrepro import figures, paths
from lpsrepro.simulate import nanoparticles

#: Numerical tests re-run under the second CPU feature set: the data/raw round trip and the
#: fits whose results the notebooks print (impedance circuits, cross-section, nucleation).
CROSS_CPU_TESTS = ["tests/simulate/test_simulate.py", "tests/models/test_models_impedance.py", "tests/analysis/test_analysis_impedance.py",
                   "tests/analysis/test_cross_section.py", "tests/models/test_nucleation.py"]
NAMES = ("supply_rate_per_s", "nucleation_prefactor_per_m3_s")


def _stored(path=nanoparticles.CALIBRATION_FILE):
    import yaml
    return yaml.safe_load(path.read_text(encoding="utf-8"))["precipitation"]


def test_frozen_values_keep_only_the_digits_the_fit_determines():
    for system, entry in _stored().items():
        for name in NAMES:
            value, digits = entry[name]["value"], entry[name]["significant_digits"]
            assert digits == nanoparticles.determined_digits(value), (system, name)
            assert value == nanoparticles.round_significant(value, digits), (system, name)


@pytest.mark.parametrize("system", sorted(nanoparticles.SYSTEMS))
def test_frozen_calibration_agrees_with_a_refit(system):
    fit = nanoparticles.fit_calibration(system)
    stored = _stored()[system]
    for name in NAMES:
        frozen = stored[name]["value"]
        refit = float(getattr(fit.parameters, name))
        # tolerance = rounding to the stored digits (half a unit of the last one, relative to a
        # mantissa ≥ 1) + the solver's step tolerance in log10 space, as relative change of the value
        x = math.log10(refit)
        tol = 0.5 * 10.0 ** (1 - stored[name]["significant_digits"]) \
            + math.log(10.0) * nanoparticles.CALIBRATION_XTOL * (nanoparticles.CALIBRATION_XTOL + abs(x))
        assert abs(refit / frozen - 1.0) <= tol, f"{system} {name}: refit {refit:.8g} vs frozen {frozen:g}"


def test_simulate_uses_the_frozen_values():
    frozen = nanoparticles.frozen_calibration()
    for system in nanoparticles.SYSTEMS:
        params = nanoparticles.calibrated_parameters(system)
        assert {name: getattr(params, name) for name in NAMES} == frozen[system]


def second_cpu_feature_set():
    """The numpy SIMD dispatch targets this CPU has (disabling them is a second code path), or None."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    targets = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    return " ".join(targets) or None


@pytest.mark.skipif(os.environ.get("NPY_DISABLE_CPU_FEATURES") is not None,
                    reason="already running under a second CPU feature set")
def test_results_are_the_same_under_a_second_cpu_feature_set():
    features = second_cpu_feature_set()
    if features is None:
        pytest.skip("this CPU has no numpy dispatch target beyond the baseline: no second code path")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": features, "PYTHONPATH": str(paths.ROOT)}
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *CROSS_CPU_TESTS],
                          cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (f"under NPY_DISABLE_CPU_FEATURES={features!r}:\n"
                                  + proc.stdout[-4000:] + proc.stderr[-2000:])


def _panel():
    fig = Figure(figsize=(2, 1.5))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0.1, 0.4, 0.2])
    ax.set_xlabel("thickness (nm)")
    return fig


def test_figures_are_written_without_dates_or_versions(tmp_path, monkeypatch):
    import matplotlib
    monkeypatch.setenv(figures.FIGURES_DIR_ENV, str(tmp_path / "a"))
    figures.save(_panel(), "Fig. 3d", "t", "test panel")
    monkeypatch.setenv(figures.FIGURES_DIR_ENV, str(tmp_path / "b"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # a caller's own epoch changes nothing either
    figures.save(_panel(), "Fig. 3d", "t", "test panel")
    for ext in ("png", "pdf"):
        first, second = (tmp_path / "a" / f"t.{ext}").read_bytes(), (tmp_path / "b" / f"t.{ext}").read_bytes()
        assert first == second, ext
        assert matplotlib.__version__.encode() not in first and b"CreationDate" not in first
    assert b"tIME" not in (tmp_path / "a" / "t.png").read_bytes()
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


def test_interactive_runs_do_not_write_into_figures(monkeypatch):
    monkeypatch.delenv(figures.FIGURES_DIR_ENV, raising=False)
    out = figures.output_dir()
    assert out == figures.SCRATCH_FIGURES and paths.FIGURES not in (out, *out.parents)
    monkeypatch.setenv(figures.FIGURES_DIR_ENV, "/tmp/staging")
    assert str(figures.output_dir()) == "/tmp/staging"
