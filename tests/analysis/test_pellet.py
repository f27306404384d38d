"""Pellet impedance: geometry, forward model and the σ fit on noisy synthetic spectra."""

import numpy as np
import pytest

from lpsrepro.analysis import impedance as an
from lpsrepro.io.impedance import impedance_dataset
from lpsrepro.models.impedance import pellet_cell_impedance_ohm, pellet_thickness_cm
from lpsrepro.simulate.instruments import analyser_noise, log_frequency_sweep_hz

AREA = np.pi * 1.5**2 / 4


def test_thickness_from_mass_density_porosity():
    assert pellet_thickness_cm(200, 15, 1.85, 0.2) == pytest.approx(0.2 / (1.85 * 0.8 * AREA))


def spectrum(sigma, seed, gb_fraction=0.35, apex_hz=3e4):
    L = pellet_thickness_cm(200, 15, 1.85, 0.2)
    total = L / (sigma * AREA)
    r_gb = gb_fraction * total
    f = log_frequency_sweep_hz(1e6, 0.1, 10)
    z = pellet_cell_impedance_ohm(f, thickness_cm=L, area_cm2=AREA, bulk_conductivity_s_per_cm=L / ((total - r_gb - 0.3) * AREA),
                                  relative_permittivity=30, grain_boundary_resistance_ohm=r_gb,
                                  grain_boundary_q_f=1 / (r_gb * (2 * np.pi * apex_hz) ** 0.85), grain_boundary_alpha=0.85,
                                  electrode_q_f=4.4e-6, electrode_alpha=0.85, lead_resistance_ohm=0.3, lead_inductance_h=1e-7)
    return impedance_dataset(f, analyser_noise(z, np.random.default_rng(seed), magnitude_rel=1e-3, phase_deg=0.05)), L


def test_low_frequency_limit_without_electrodes_is_total_resistance():
    L = 0.08
    z = pellet_cell_impedance_ohm(np.array([1e-4]), thickness_cm=L, area_cm2=AREA, bulk_conductivity_s_per_cm=1e-4,
                                  relative_permittivity=30, grain_boundary_resistance_ohm=200.0, grain_boundary_q_f=1e-8,
                                  grain_boundary_alpha=0.85, electrode_q_f=1e30, electrode_alpha=0.85)[0]
    assert z.real == pytest.approx(L / (1e-4 * AREA) + 200.0, rel=1e-4)


@pytest.mark.parametrize("sigma,seed", [(3.87e-5, 1), (1.69e-4, 2), (2.8e-5, 3)])
def test_conductivity_is_recovered_within_0p3_percent(sigma, seed):
    data, L = spectrum(sigma, seed)
    result = an.pellet_conductivity(data, thickness_cm=L, area_cm2=AREA)
    assert result.conductivity_s_per_cm == pytest.approx(sigma, rel=0.003)
    assert result.resistance_ohm == pytest.approx(result.bulk_ohm + result.grain_boundary_ohm)
    # the fit reaches the noise (0.1 % in |Z|), and the truth lies within 4 standard errors
    assert np.abs(result.fit.relative_residuals()).max() < 0.006
    true_r = L / (sigma * AREA)
    assert abs(result.resistance_ohm - true_r) < 4 * result.resistance_std_ohm


def test_thickness_uncertainty_propagates():
    data, L = spectrum(3.87e-5, 4)
    a = an.pellet_conductivity(data, thickness_cm=L, area_cm2=AREA)
    b = an.pellet_conductivity(data, thickness_cm=L, area_cm2=AREA, thickness_std_cm=0.05 * L)
    assert b.conductivity_std_s_per_cm > a.conductivity_std_s_per_cm
    assert b.conductivity_std_s_per_cm >= 0.05 * b.conductivity_s_per_cm


def test_bad_geometry_is_refused():
    data, _ = spectrum(3.87e-5, 5)
    with pytest.raises(ValueError, match="pellet geometry"):
        an.pellet_conductivity(data, thickness_cm=0.0, area_cm2=AREA)


def test_thickness_and_area_can_be_given_directly():
    data, L = spectrum(3.87e-5, 6)
    by_mass = an.pellet_conductivity(data, mass_mg=200, diameter_mm=15, density_g_per_cm3=1.85, porosity=0.2)
    given = an.pellet_conductivity(data, thickness_mm=10 * L, diameter_mm=15)
    assert by_mass.thickness_cm == pytest.approx(L) and by_mass.area_cm2 == pytest.approx(AREA)
    assert given.conductivity_s_per_cm == pytest.approx(by_mass.conductivity_s_per_cm, rel=1e-9)
    half = an.pellet_conductivity(data, thickness_cm=L / 2, area_cm2=AREA)
    assert half.conductivity_s_per_cm == pytest.approx(by_mass.conductivity_s_per_cm / 2, rel=1e-9)


def test_missing_geometry_is_refused_by_name():
    data, _ = spectrum(3.87e-5, 7)
    with pytest.raises(ValueError, match="pellet thickness"):
        an.pellet_conductivity(data, diameter_mm=15)
    with pytest.raises(ValueError, match="pellet area"):
        an.pellet_conductivity(data, thickness_mm=0.8)


def test_pellet_fit_passes_its_gate_and_a_wrong_circuit_choice_is_refused():
    data, L = spectrum(1.69e-4, 8)
    result = an.pellet_conductivity(data, thickness_cm=L, area_cm2=AREA, circuit="C")
    assert result.quality.passed, result.quality.reason()
    with pytest.raises(ValueError, match="circuit"):
        an.pellet_conductivity(data, thickness_cm=L, area_cm2=AREA, circuit="RC")


def test_depressed_grain_arc_flags_a_circuit_dependent_split():
    # issue 9: a pellet whose grains' arc is depressed and inside the sweep (as at 140–200 °C) gives the
    # right total with an ideal capacitor, but a wrong bulk/grain-boundary split: it must be flagged
    from impedance.models.circuits import CustomCircuit
    f = log_frequency_sweep_hz(1e6, 0.1, 10)
    r0, r1, a0 = 300.0, 200.0, 0.7
    q0 = 1 / (r0 * (2 * np.pi * 2e5) ** a0)          # grain arc apex at 200 kHz, depressed
    q1 = 1 / (r1 * (2 * np.pi * 2e3) ** 0.85)         # grain-boundary arc at 2 kHz
    truth = CustomCircuit("L0-p(R0,CPE0)-p(R1,CPE1)-CPE2", initial_guess=[1e-7, r0, q0, a0, r1, q1, 0.85, 4e-6, 0.85])
    z = analyser_noise(truth.predict(f), np.random.default_rng(12), magnitude_rel=1e-3, phase_deg=0.05)
    data = impedance_dataset(f, z)
    ideal = an.pellet_conductivity(data, thickness_cm=0.08, area_cm2=AREA, circuit="C")
    assert abs(ideal.resistance_ohm / (r0 + r1) - 1) > 0.1      # the ideal capacitor misleads even the total
    result = an.pellet_conductivity(data, thickness_cm=0.08, area_cm2=AREA)   # "auto" tests the CPE
    assert result.fit.circuit == "L0-p(R0,CPE0)-p(R1,CPE1)-CPE2"
    assert "rejected (F-test)" in result.split_warning
    assert result.resistance_ohm == pytest.approx(r0 + r1, rel=0.01)
    assert result.quality.passed


def test_stand_in_pellets_keep_the_ideal_capacitor():
    data, L = spectrum(3.87e-5, 13)
    result = an.pellet_conductivity(data, thickness_cm=L, area_cm2=AREA)
    assert result.fit.circuit in (an.PELLET_CIRCUIT, an.PELLET_CIRCUIT_NO_C0) and result.split_warning == ""
