"""Growth regimes of the precipitation model, model mismatch messages, and the templating mass balance."""

import math

import numpy as np
import pytest

from lpsrepro.models import nucleation as nu

LPS = nu.PrecipitationParameters(supply_rate_per_s=2.35e-3, nucleation_prefactor_per_m3_s=3.1e30,
                                 solubility_mol_per_m3=1e-4, precursor_mol_per_m3=140.0,
                                 molar_volume_m3_per_mol=97.3e-6, surface_energy_j_per_m2=0.08,
                                 diffusion_m2_per_s=1e-9, surface_rate_m_per_s=1e-6, temperature_k=298.15,
                                 aging_time_s=3000.0)


def test_regime_number():
    assert nu.growth_regime_number(22e-9, 1e-9, 1e-6) == pytest.approx(1e-9 / (1e-6 * 22e-9))
    assert nu.growth_regime_number(1e-6, 1e-9, 1.0) < 1e-2


def test_reaction_limited_scan_converges_and_diffusion_limited_points_are_gaps():
    """Pins what the solver can support (issue 10 §5): with reaction-limited growth the scan converges
    (mean and width move by well under the 2 % gate when the step tolerance is quartered) and a faster
    supply does not narrow the distribution; with diffusion-limited growth the nucleation burst is not
    resolved at these tolerances (the mean moves by ~10 % and more), so those points are gaps, not
    numbers — on every CPU."""
    scan = nu.width_by_regime(LPS, [1e-4, 2.35e-3, 0.1], [1e-6])
    assert scan.mean_diameter.dims == ("surface_rate", "supply_rate")
    assert scan.supply_rate.attrs["units"] == "1/s" and scan.mean_diameter.attrs["units"] == "nm"
    reaction = scan.sel(surface_rate=1e-6)
    diffusion = nu.width_by_regime(LPS, [1e-4, 2.35e-3], [1e-2]).sel(surface_rate=1e-2)
    assert np.all(reaction.regime_number > 10) and np.all(diffusion.regime_number < 0.1)
    assert reaction.converged.all() and np.all(reaction.convergence < 0.01)
    assert np.all(reaction.relative_width > 0.1)
    assert not nu.faster_supply_narrows(reaction.relative_width)
    assert not diffusion.converged.any() and np.all(diffusion.convergence > 0.05)
    assert diffusion.mean_diameter.isnull().all() and diffusion.relative_width.isnull().all()


def test_regime_gate_follows_max_change():
    # the same solutions judged with a gate wider than their change: every point converged, numbers kept
    scan = nu.width_by_regime(LPS, [2.35e-3], [1e-6], max_change=0.5)
    strict = nu.width_by_regime(LPS, [2.35e-3], [1e-6], max_change=1e-6)
    assert bool(scan.converged.all()) and float(scan.convergence.max()) > 1e-6
    assert not bool(strict.converged.any()) and bool(strict.relative_width.isnull().all())


def test_faster_supply_narrows_logic():
    assert nu.faster_supply_narrows([0.3, 0.2, 0.1])
    assert not nu.faster_supply_narrows([0.1, 0.1, 0.2])
    assert not nu.faster_supply_narrows([0.2])
    assert nu.faster_supply_narrows([0.3, float("nan"), 0.1])


def test_unreachable_mean_says_what_the_model_reaches():
    with pytest.raises(nu.ModelMismatch) as info:
        nu.fit_prefactor(17700.0, LPS, log10_range=(26.0, 34.0), log10_step=4.0)
    message = str(info.value)
    assert message.startswith("the precipitation model cannot explain a mean particle diameter of 1.77e+04 nm")
    assert "give means from" in message and "parameter" not in message
    assert isinstance(info.value, nu.ParameterError)          # callers that guard model runs still catch it


def test_supply_and_prefactor_fit_reports_a_bad_fit(monkeypatch):
    with pytest.raises(nu.ModelMismatch, match=r"closest the model came .* more than the 5 % accepted"):
        nu.fit_supply_and_prefactor(44.0, 0.2, LPS, start=(-2.6, 30.5), max_evaluations=4)


def test_templating_balance_li3ps4_from_li2s():
    # molar volumes from the cells: beta-Li3PS4 645.23 A^3 / 4 (Homma 2011), Li2S a = 5.708 A, Z = 4
    bal = nu.templating_balance(44.0, 18.0, product_mean_se_nm=0.4, template_mean_se_nm=0.2)
    assert bal.volume_ratio == pytest.approx((44 / 18) ** 3) and round(bal.volume_ratio) == 15
    assert bal.product_molar_volume_cm3_per_mol == pytest.approx(645.23e-24 * 6.02214076e23 / 4, rel=1e-6)
    assert bal.template_molar_volume_cm3_per_mol == pytest.approx(5.708**3 * 1e-24 * 6.02214076e23 / 4, rel=1e-6)
    assert bal.molar_volume_ratio == pytest.approx(3.47, abs=0.01)
    assert bal.templates_per_particle == pytest.approx(4.2, abs=0.05)    # not one-to-one templating
    assert bal.templates_per_particle_std > 0
    assert nu.crystal_density_g_per_cm3(nu.LI3PS4_BETA_CELL) == pytest.approx(1.85, abs=0.01)
    assert nu.crystal_density_g_per_cm3(nu.LI2S_CELL) == pytest.approx(1.64, abs=0.01)
    assert math.isclose(nu.molar_mass_g_per_mol({"Li": 2, "S": 1}), 45.94, abs_tol=0.01)
