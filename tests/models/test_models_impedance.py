"""Forward models of thin-film impedance (lpsrepro.models.impedance)."""

import numpy as np
import pytest

from lpsrepro.models import impedance as m


def test_geometric_capacitance_of_550nm_film_per_cm2():
    # ε0 / L = 8.854e-12 F/m / 550e-9 m = 1.61e-5 F/m² = 1.61 nF/cm² per unit εr (CODATA ε0)
    c = m.geometric_capacitance_f(550, 1.0, 1.0)
    assert c == pytest.approx(1.6099e-9, rel=1e-3)


def test_bulk_resistance_is_thickness_over_conductivity_area():
    # 550 nm / (6.7e-5 S/cm × 1 cm²) = 0.8209 Ω
    assert m.bulk_resistance_ohm(550, 1.0, 6.7e-5) == pytest.approx(0.82090, rel=1e-4)


def test_apex_frequency_matches_the_maximum_of_the_arc_and_ignores_thickness():
    f = np.logspace(3, 10, 20001)
    for thickness_nm in (100, 550, 5000):
        r = m.bulk_resistance_ohm(thickness_nm, 0.03, 6.7e-5)
        c = m.geometric_capacitance_f(thickness_nm, 0.03, 30)
        z = m.rc_parallel_impedance_ohm(f, r, c)
        f_peak = f[np.argmax(-z.imag)]
        assert f_peak == pytest.approx(m.bulk_arc_apex_frequency_hz(6.7e-5, 30), rel=2e-3)
    # σ = 6.7e-5 S/cm, εr = 30 → 4.01 MHz, above a 1-MHz analyser
    assert m.bulk_arc_apex_frequency_hz(6.7e-5, 30) == pytest.approx(4.014e6, rel=1e-3)


def test_cell_limits_are_lead_resistance_and_lead_plus_bulk():
    kw = dict(thickness_nm=550, area_cm2=0.0314, conductivity_s_per_cm=6.7e-5, relative_permittivity=30,
              interface_q_f_per_cm2=5e-6, interface_alpha=0.85, lead_resistance_ohm=0.3, lead_inductance_h=0.0)
    r_b = m.bulk_resistance_ohm(550, 0.0314, 6.7e-5)
    z_high = m.blocking_film_cell_impedance_ohm(np.array([1e13]), **kw)[0]
    assert z_high.real == pytest.approx(0.3, abs=1e-3)
    # without the interface, the low-frequency limit is R_lead + R_b
    z_low = m.blocking_film_cell_impedance_ohm(np.array([1e-3]), **{**kw, "interface_q_f_per_cm2": 1e30})[0]
    assert z_low.real == pytest.approx(0.3 + r_b, rel=1e-6)


def test_cpe_phase_is_alpha_times_90_degrees():
    z = m.cpe_impedance_ohm(np.array([1.0, 1e3]), 1e-6, 0.85)
    assert np.degrees(np.angle(z)) == pytest.approx([-76.5, -76.5])


# --------------------------------------------------------------------------- one function per relation
def test_disc_area_and_its_uncertainty():
    assert m.disc_area_cm2(2.0) == pytest.approx(np.pi * 0.2**2 / 4)
    assert m.disc_area_cm2(15.0) == pytest.approx(1.76715, rel=1e-5)
    # σ_A / A = 2 σ_d / d
    assert m.disc_area_uncertainty_cm2(2.0, 0.05) / m.disc_area_cm2(2.0) == pytest.approx(0.05)


def test_conductivity_relations_are_inverse_of_each_other():
    sigma = m.conductivity_from_resistance_s_per_cm(550e-7, 26.1, 0.0314)
    assert m.resistance_from_conductivity_ohm(550e-7, 0.0314, sigma) == pytest.approx(26.1)
    asr = m.area_specific_resistance_ohm_cm2(26.1, 0.0314)
    assert m.conductivity_from_asr_s_per_cm(550, asr) == pytest.approx(sigma)
    assert m.bulk_resistance_ohm(550, 0.0314, sigma) == pytest.approx(26.1)
    # the paper's own pair: 550 nm over 0.8 Ω cm² is 6.9e-5 S/cm, not the printed 6.7e-5
    assert m.conductivity_from_asr_s_per_cm(550, 0.8) == pytest.approx(6.875e-5, rel=1e-4)


def test_conductivity_with_pint_quantities_at_the_boundary():
    from lpsrepro.units import ureg
    sigma = m.conductivity_q(0.55 * ureg.um, 26.1 * ureg.ohm, 3.14 * ureg.mm**2)
    assert sigma == pytest.approx(m.conductivity_from_resistance_s_per_cm(550e-7, 26.1, 0.0314))


def test_rc_apex_equals_the_film_apex_for_the_geometric_capacitance():
    r = m.bulk_resistance_ohm(550, 0.0314, 6.7e-5)
    c = m.geometric_capacitance_f(550, 0.0314, 30)
    assert m.rc_apex_frequency_hz(r, c) == pytest.approx(m.bulk_arc_apex_frequency_hz(6.7e-5, 30))
    assert m.relative_permittivity_from_capacitance(c, 550, 0.0314) == pytest.approx(30)


def test_au_film_sheet_and_lead_resistance():
    # bulk Au (2.21e-8 Ω m, CRC Handbook) 85 nm thick: 0.26 Ω per square
    assert m.sheet_resistance_ohm_per_square(2.21e-8, 85) == pytest.approx(0.26, rel=1e-3)
    assert m.film_lead_resistance_ohm(3.0e-8, 85, 2.0) == pytest.approx(2 * 3.0e-8 / 85e-9)


def test_pellet_model_uses_the_same_slab_relations():
    f = np.array([1e-6])
    z = m.pellet_cell_impedance_ohm(f, thickness_cm=0.08, area_cm2=1.767, bulk_conductivity_s_per_cm=1e-4,
                                    relative_permittivity=30, grain_boundary_resistance_ohm=0.0,
                                    grain_boundary_q_f=1e-8, grain_boundary_alpha=0.85, electrode_q_f=1e30,
                                    electrode_alpha=0.85)[0]
    assert z.real == pytest.approx(m.resistance_from_conductivity_ohm(0.08, 1.767, 1e-4), rel=1e-6)
