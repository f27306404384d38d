"""Rate-controlling mechanisms, model selection, the §3.1 section layer and its calibration bookkeeping."""

import pickle
import re

import numpy as np
import pytest

import lpsrepro.simulate as simulate
from lpsrepro import claims, ledger
from lpsrepro.analysis import kinetics as kin
from lpsrepro.errors import ParameterError
from lpsrepro.models import kinetics
from lpsrepro.sections import reaction_kinetics as sk

TIMES = np.array([120, 720, 1440, 2880, 4320.0])
COMMERCIAL = kinetics.lognormal_sizes(15000, 1.8)


def test_mechanism_functions_are_the_textbook_forms():
    x = np.linspace(0, 1, 11)
    q = 1 - (1 - x) ** (1 / 3)
    np.testing.assert_allclose(kinetics.mechanism_function(x, "reaction"), q)
    # Ginstling–Brounshtein: 1 − 2X/3 − (1−X)^(2/3), normalised by its value 1/3 at X = 1
    np.testing.assert_allclose(kinetics.mechanism_function(x, "ginstling_brounshtein"),
                               3 * (1 - 2 * x / 3 - (1 - x) ** (2 / 3)), atol=1e-12)
    np.testing.assert_allclose(kinetics.mechanism_function(x, "jander"), q**2)
    for m in kinetics.MECHANISMS:
        np.testing.assert_allclose(kinetics.sphere_conversion(kinetics.mechanism_function(x, m), m), x, atol=1e-6)


def test_reaction_mechanism_is_the_shrinking_particle_model():
    v0 = 12.0
    np.testing.assert_allclose(kinetics.conversion_mechanism(TIMES, COMMERCIAL, 2 * v0, "reaction"),
                               kinetics.conversion(TIMES, COMMERCIAL, v0), atol=1e-9)
    nano = kinetics.normal_sizes(18, 3)
    assert kinetics.time_to_conversion_mechanism_min(0.99, nano, 2 * v0, "reaction") == pytest.approx(
        kinetics.time_to_conversion_min(0.99, nano, v0), rel=1e-6)


def test_diffusion_time_scales_with_size_squared():
    sizes = kinetics.normal_sizes(100, 10)
    t1 = kinetics.time_to_conversion_mechanism_min(0.9, sizes, 50.0, "jander")
    t2 = kinetics.time_to_conversion_mechanism_min(0.9, sizes.scaled(3), 50.0, "jander")
    assert t2 / t1 == pytest.approx(9.0, rel=1e-3)


@pytest.mark.parametrize("truth,rate", [("reaction", 24.0), ("ginstling_brounshtein", 4e5), ("jander", 1.5e5)])
def test_model_selection_finds_the_mechanism_that_made_the_data(truth, rate):
    x = kinetics.conversion_mechanism(TIMES, COMMERCIAL, rate, truth)
    x = x + np.random.default_rng(8).normal(0, 0.004, x.size)
    fits = [kin.fit_mechanism(TIMES, x, np.full(x.size, 0.004), COMMERCIAL, m) for m in kinetics.MECHANISMS]
    ranking = kin.compare_mechanisms(fits)
    assert ranking[truth][0] == 0.0 and ranking[truth][1] > 0.9
    best = next(f for f in fits if f.mechanism == truth)
    assert best.rate == pytest.approx(rate, rel=0.05)


def test_bad_mechanism_is_refused():
    with pytest.raises(ParameterError, match="mechanism.*reaction"):
        kinetics.conversion_mechanism(TIMES, COMMERCIAL, 1.0, "avrami")


# ------------------------------------------------------------------ section layer
def test_params_from_ledger_checks_and_pickles():
    p = sk.Params.from_ledger()
    assert p.commercial_li2s_median_nm == ledger.value("kinetics.commercial_li2s_median", "nm")
    assert (p.commercial_li2s_median_low_nm, p.commercial_li2s_median_high_nm) == (1000.0, 30000.0)
    for field, key in sk.Params.LEDGER.items():
        assert ledger.get(key) is not None and hasattr(p, field)
    assert pickle.loads(pickle.dumps(p)) == p
    q = p.replace(dual_xrd_files=["a.xy", "b.xy"], raman_bands={"PS4": [422, 8], "P2S6": [385, 10], "b310": [305, 12],
                                                               "b470": [475, 20], "Li2S": [374, 8]})
    assert q.dual_xrd_files == ("a.xy", "b.xy") and q.bands()["PS4"] == (422.0, 8.0)
    with pytest.raises(ParameterError, match="dual_times_min.*3 reaction times"):
        p.replace(dual_xrd_files=["a", "b", "c"])
    with pytest.raises(ParameterError, match="phases"):
        p.replace(phases=["beta-Li3PS4"])


def test_explore_fast_path_is_the_models_and_every_step_changes_it():
    basis = sk.ExploreBasis(np.arange(10.0, 60.0, 0.02), {"beta-Li3PS4": np.zeros(2500), "Li4P2S6": np.zeros(2500)},
                            (0.004, -0.002, 0.0025), {"beta-Li3PS4": 180.06, "Li2S": 45.95, "Li4P2S6": 282.1},
                            np.arange(250.0, 550.0), {u: np.ones(300) for u in ("PS4", "P2S6", "Li2S")},
                            "reaction", 0.17)
    state = sk.explore(basis, diameter_nm=18.0, rate=24.0, time_min=50.0)
    nano = kinetics.normal_sizes(18.0, 0.17 * 18.0, n=24)
    assert state.conversion == pytest.approx(kinetics.conversion(50.0, nano, 12.0), abs=1e-6)
    for change in ({"diameter_nm": 18.0 * 10 ** 0.05}, {"rate": 24.0 * 10 ** 0.05}, {"time_min": 5.0 * 10 ** 0.05}):
        values = {"diameter_nm": 18.0, "rate": 24.0, "time_min": 5.0}
        other = sk.explore(basis, **{**values, **change})           # one slider step (20 per decade)
        assert other.status() != sk.explore(basis, **values).status(), change


# ------------------------------------------------------------------ calibration bookkeeping (issue 10.3)
def test_every_ledger_entry_chosen_to_match_a_published_observation_is_declared():
    """A ledger value chosen "so that" a published observation holds makes the claims it affects circular."""
    declared = simulate.calibration_targets()
    registry = claims.registry()
    for entry in ledger.entries():
        if re.search(r"\bso that\b", entry.justification) or "calibration" in entry.source:
            missing = [c for c in entry.affects if c in registry and c not in declared]
            assert not missing, f"{entry.key} was calibrated but {missing} are not in any CALIBRATION_TARGETS"
    assert "li2s_observed_nanoLi2S_P2S5_65min" in declared and "li4p2s6_observed_conventional" in declared


def test_raman_tolerance_is_the_spectrometer_resolution_with_its_reason():
    reg = claims.registry()
    for cid in ("raman_ps4_band", "raman_p2s6_band", "raman_310_band"):
        c = reg[cid]
        assert c.allowed_deviation(float(c.value)) == pytest.approx(1.5, abs=0.02)
        assert "inVia" in c.tolerance_reason and "resolution" in c.tolerance_reason


def test_kinetics_plots_model_nothing():
    """Issue 11: no forward model in plots — the §3.1 panels import no lpsrepro.models module."""
    import ast

    from lpsrepro import paths

    tree = ast.parse((paths.ROOT / "lpsrepro" / "plots" / "reaction_kinetics.py").read_text())
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + \
               [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m and m.startswith("lpsrepro.models")], imported
