"""Forward models of thin-film impedance (lpsrepro.models.impedance)."""

import numpy as np
import pytest

from lpsrepro.models import impedance as m


def test_geometric_capacitance_of_550nm_film_per_cm2():
    # ε0 / L = 8.854e-12 F/m / 550e-9 m = 1.61e-5 F/m² = 1.61 nF/cm² per unit εr (FACTS.md)
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
