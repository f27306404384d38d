"""Plateaus, transition times and per-cycle capacities are recovered from noisy synthetic traces."""

import numpy as np
import pytest

from lpsrepro.analysis import cycling
from lpsrepro.io.cycler import cycler_dataset
from lpsrepro.models import cells, li_au


def _plating_trace(seed=0, dt=5.0):
    p = dict(current_density_ua_cm2=65.0, side_reaction_fraction=0.05, charge_to_second_plateau_uah_cm2=30.0,
             charge_to_lithium_plating_uah_cm2=45.0, first_plateau_v=0.25, second_plateau_v=0.12,
             lithium_plating_v=0.0, open_circuit_v=2.0, initial_drop_uah_cm2=0.4, nucleation_overpotential_v=0.06,
             nucleation_decay_uah_cm2=1.5, area_specific_resistance_ohm_cm2=300.0, transition_width_uah_cm2=0.8)
    t = np.arange(0, 2700, dt)
    v = li_au.plating_voltage_v(t, **p) + np.random.default_rng(seed).normal(0, 0.001, t.size)
    return t, v, p


def test_plateaus_and_transition_of_a_plating_trace():
    t, v, p = _plating_trace()
    ir = 65e-6 * 300.0
    plateaus = cycling.voltage_plateaus(v, np.gradient(t), count=2, v_range=(0.0, 0.6))
    assert [pl.voltage_v for pl in plateaus] == pytest.approx([0.25 - ir, 0.12 - ir], abs=0.002)
    start = cycling.transition_time_s(t, v, *plateaus)
    expected = 30.0 / 0.95 / 65.0 * 3600.0   # alloyed charge at the boundary, over (1 − side) × j
    assert start == pytest.approx(expected, rel=0.01)


def test_faraday_numbers_of_85nm_au():
    assert li_au.au_areal_amount_nmol_cm2(85) == pytest.approx(833.7, abs=0.1)
    assert li_au.charge_per_li_per_au_uah_cm2(85) == pytest.approx(22.35, abs=0.01)
    assert li_au.phase_capacity_uah_cm2(85, 2) == pytest.approx(44.7, abs=0.05)
    assert li_au.phase_capacity_uah_cm2(85, 3) == pytest.approx(67.0, abs=0.05)
    assert li_au.alloy_layer_thickness_nm(85, 0.0) == pytest.approx(85.0, rel=1e-3)
    # 46.3 µAh/cm² = 1.727 µmol Li/cm² × 13.0 cm³/mol = 224.5 nm on top of 85 nm
    assert li_au.alloy_layer_thickness_nm(85, 46.3) == pytest.approx(85.0 + 224.5, abs=0.5)


def test_capacities_and_ce_of_a_synthetic_cycler_file():
    rng = np.random.default_rng(3)
    rows = []
    clock, step = 0.0, 0
    truth = []
    for n, (c, d) in enumerate([(30.0, 25.0), (28.0, 25.5)], start=1):   # µAh at 10 µA
        for q, sign in ((c, 1), (d, -1)):
            step += 1
            t = np.append(np.arange(0, q / 10 * 3600, 60.0), q / 10 * 3600)
            v = (3.3 + sign * 0.2 * t / t[-1]) + rng.normal(0, 5e-4, t.size)
            rows.append((clock + t, np.full(t.size, sign * 1e-5), v, np.full(t.size, n), np.full(t.size, step)))
            clock += t[-1]
        truth.append((c, d))
    t, i, v, cyc, st = (np.concatenate(x) for x in zip(*rows))
    cap = cycling.capacities_by_cycle(cycler_dataset(t, i, v, cycle=cyc, step=st), area_cm2=2.0, active_mass_mg=0.5)
    for k, (c, d) in enumerate(truth):
        assert float(cap["charge_capacity_per_area"][k]) == pytest.approx(c / 2.0, rel=1e-9)
        assert float(cap["specific_discharge_capacity"][k]) == pytest.approx(d * 1e-3 / 0.5 * 1e3, rel=1e-9)
        assert float(cap["coulombic_efficiency"][k]) == pytest.approx(100 * d / c, rel=1e-9)


def test_lfp_ocv_is_flat_in_the_middle_and_steep_at_the_ends():
    assert cells.lfp_open_circuit_v(0.5) == pytest.approx(3.42, abs=1e-6)
    assert cells.lfp_open_circuit_v(0.999) < 3.0 < 3.8 < cells.lfp_open_circuit_v(0.001)


def test_bookkeeping_of_the_two_mechanism_model():
    book = cells.cycle_capacities(cycles=20, cathode_capacity_uah_cm2=85.0, preplated_uah_cm2=37.5,
                                  first_loss_fraction=0.15, final_loss_fraction=0.06, cycles_to_passivate=6,
                                  first_window_uah_cm2=27.0, cycles_to_polarise=16, first_resistance_ohm_cm2=1000)
    np.testing.assert_allclose(book.discharge_uah_cm2, book.charge_uah_cm2 * (1 - cells.passivating_loss_fraction(
        book.cycle, 0.15, 0.06, 6)))
    np.testing.assert_allclose(np.diff(book.cathode_stock_uah_cm2), -book.lost_uah_cm2[:-1])
    assert np.all(np.diff(book.coulombic_efficiency) > 0) and np.all(np.diff(book.discharge_uah_cm2) < 0)


def test_a_cycle_without_a_charge_has_no_ce_and_does_not_stop_the_others():
    # cycle 1: a discharge only (as in a Neware export whose cycle 1 starts discharged); cycle 2: charge then discharge
    t = np.arange(0.0, 400.0, 10.0)
    cycle = np.where(t < 100, 1, 2)
    current = np.where((t >= 100) & (t < 300), 1e-6, -1e-6)
    step = np.where(t < 100, 1, np.where(t < 300, 2, 3))
    ds = cycler_dataset(t, current, np.full(t.size, 3.3), cycle=cycle, step=step,
                        step_type=np.where(current > 0, "charge", "discharge"))
    cap = cycling.capacities_by_cycle(ds)
    assert np.isnan(float(cap.sel(cycle=1).coulombic_efficiency))
    # cycle 2: 190 s of charge, 90 s of discharge (trapezoids within each step)
    assert float(cap.sel(cycle=2).coulombic_efficiency) == pytest.approx(100.0 * 90 / 190, rel=1e-9)


def test_lfp_stand_in_calibration_hits_the_published_end_points():
    from lpsrepro.simulate.performance import lfp_parameters
    book = cells.cycle_capacities(**lfp_parameters())
    assert book.coulombic_efficiency[[0, -1]] == pytest.approx([0.849, 0.932], abs=1e-9)
    assert book.discharge_uah_cm2[[0, -1]] / 0.5 == pytest.approx([45.9, 16.1], abs=1e-6)
