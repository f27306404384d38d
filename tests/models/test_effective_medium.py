"""Effective-medium conductivity of porous electrolytes (lpsrepro.models.effective_medium)."""

import numpy as np
import pytest

from lpsrepro.models import effective_medium as em


def test_bruggeman_limits_and_value():
    assert em.bruggeman_factor(0.0) == 1.0
    assert em.bruggeman_factor(0.2) == pytest.approx(0.8**1.5)
    assert em.bruggeman_factor(0.2, exponent=2.0) == pytest.approx(0.64)
    assert em.porous_conductivity_s_per_cm(1e-4, 0.3) == pytest.approx(1e-4 * 0.7**1.5)


def test_dense_and_porous_are_inverse():
    sigma = em.dense_conductivity_s_per_cm(3.87e-5, 0.2)
    assert em.porous_conductivity_s_per_cm(sigma, 0.2) == pytest.approx(3.87e-5)
    assert sigma == pytest.approx(3.87e-5 / 0.8**1.5)


@pytest.mark.parametrize("phi", [0.01, 0.1, 0.2, 0.35, 0.6, 0.9])
def test_bruggeman_lies_below_the_hashin_shtrikman_upper_bound(phi):
    assert em.bruggeman_factor(phi) < em.hashin_shtrikman_upper_factor(phi) < 1.0


def test_dilute_limit_of_the_upper_bound_is_maxwell():
    # insulating spheres, φ → 0: σ_eff/σ = 1 − 3φ/2 (Maxwell), also Bruggeman's first order
    phi = 1e-4
    assert em.hashin_shtrikman_upper_factor(phi) == pytest.approx(1 - 1.5 * phi, abs=1e-7)
    assert em.bruggeman_factor(phi) == pytest.approx(1 - 1.5 * phi, abs=1e-7)


@pytest.mark.parametrize("bad", [-0.1, 1.0, float("nan")])
def test_bad_porosity_is_refused(bad):
    with pytest.raises(ValueError, match="porosity"):
        em.bruggeman_factor(bad)


def test_ratio_correction_and_uncertainty():
    r = em.porosity_corrected_ratio(6.7e-5, 3.87e-5, pellet_porosity=0.2, pellet_porosity_std=0.05,
                                    film_conductivity_std_s_per_cm=0.4e-5)
    assert r.raw == pytest.approx(6.7 / 3.87)
    assert r.corrected == pytest.approx(6.7 / 3.87 * 0.8**1.5)
    assert r.corrected < r.corrected_hashin_shtrikman < r.raw
    # first-order propagation agrees with a finite difference in φ
    h = 1e-6
    d = (em.porosity_corrected_ratio(6.7e-5, 3.87e-5, pellet_porosity=0.2 + h).corrected
         - em.porosity_corrected_ratio(6.7e-5, 3.87e-5, pellet_porosity=0.2 - h).corrected) / (2 * h)
    expected = np.hypot(0.4 / 6.7 * r.corrected, d * 0.05)
    assert r.corrected_std == pytest.approx(expected, rel=1e-4)
