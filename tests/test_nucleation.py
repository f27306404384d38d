"""Population-balance model of precipitation (lpsrepro.models.nucleation)."""

import numpy as np
import pytest

from lpsrepro.errors import ParameterError
from lpsrepro.models import nucleation as nu

BASE = nu.PrecipitationParameters(
    supply_rate_per_s=0.024, solubility_mol_per_m3=1e-4, precursor_mol_per_m3=1000.0, molar_volume_m3_per_mol=2.75e-5,
    surface_energy_j_per_m2=0.2, diffusion_m2_per_s=1e-9, surface_rate_m_per_s=1e-6,
    nucleation_prefactor_per_m3_s=1.3e31, temperature_k=298.15, aging_time_s=3600.0)


def test_capillary_length_and_critical_radius():
    lc = nu.capillary_length_m(0.2, 2.75e-5, 298.15)
    assert lc == pytest.approx(2 * 0.2 * 2.75e-5 / (8.314462618 * 298.15), rel=1e-9)
    assert nu.critical_radius_m(np.e**2, 0.2, 2.75e-5, 298.15) == pytest.approx(lc / 2)
    assert np.isinf(nu.critical_radius_m(0.9, 0.2, 2.75e-5, 298.15))


def test_growth_rate_changes_sign_at_the_gibbs_thomson_radius():
    lc = 4e-9
    kw = dict(diffusion_m2_per_s=1e-9, surface_rate_m_per_s=1e-6, solubility_mol_per_m3=1e-4,
              molar_volume_m3_per_mol=2.75e-5, capillary_length_m=lc)
    s = 2.0
    r_eq = lc / np.log(s)
    assert nu.growth_rate_m_per_s(1.1 * r_eq, s, **kw) > 0 > nu.growth_rate_m_per_s(0.9 * r_eq, s, **kw)


def test_mass_is_conserved_and_the_solution_converges():
    res = nu.simulate_precipitation(BASE)
    solid = 4 / 3 * np.pi * np.sum(res.number_per_m3 * res.radius_m**3) / BASE.molar_volume_m3_per_mol
    supplied = BASE.precursor_mol_per_m3 * -np.expm1(-BASE.supply_rate_per_s * BASE.aging_time_s)
    dissolved = res.supersaturation_t[-1] * BASE.solubility_mol_per_m3
    assert solid + dissolved == pytest.approx(supplied, rel=1e-9)
    fine = nu.simulate_precipitation(BASE, rel_tol=0.005)
    assert fine.moments_nm()[0] == pytest.approx(res.moments_nm()[0], rel=0.03)
    assert fine.relative_width() == pytest.approx(res.relative_width(), rel=0.1)


def test_supply_rate_sets_size_and_width():
    # The model's answer to the paper's argument (see notebook 31a): faster monomer supply gives a
    # shorter nucleation burst and more, smaller particles — but in this model a *broader* relative
    # distribution, because the burst happens at higher supersaturation where early nuclei outgrow
    # late ones. This test pins that behaviour so a change in the model cannot go unnoticed.
    widths, means, bursts = [], [], []
    for factor in (0.1, 1.0, 10.0):
        res = nu.simulate_precipitation(BASE.with_(supply_rate_per_s=BASE.supply_rate_per_s * factor))
        means.append(res.moments_nm()[0])
        widths.append(res.relative_width())
        bursts.append(res.nucleation_duration_s())
    assert means[0] > means[1] > means[2]
    assert bursts[0] > bursts[1] > bursts[2]
    assert widths[0] < widths[1] < widths[2]


def test_stronger_ripening_broadens_the_distribution():
    weak = nu.simulate_precipitation(BASE.with_(solubility_mol_per_m3=1e-6))
    strong = nu.simulate_precipitation(BASE.with_(solubility_mol_per_m3=3e-3))
    assert strong.relative_width() > weak.relative_width()
    assert strong.moments_nm()[0] > weak.moments_nm()[0]


def test_no_nucleation_is_a_clear_error():
    with pytest.raises(ParameterError, match="particles nucleate"):
        nu.simulate_precipitation(BASE.with_(solubility_mol_per_m3=1e3))
    with pytest.raises(ParameterError, match="supply_rate_per_s"):
        BASE.with_(supply_rate_per_s=-1.0)


def test_sampled_diameters_follow_the_population():
    res = nu.simulate_precipitation(BASE)
    d = nu.sample_diameters_nm(res, 20000, np.random.default_rng(0))
    mean, sd = res.moments_nm()
    assert d.mean() == pytest.approx(mean, rel=0.01) and d.std() == pytest.approx(sd, rel=0.05)
