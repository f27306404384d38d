"""Equivalent-circuit analysis: the fit recovers known parameters from noisy spectra."""

import numpy as np
import pytest

from lpsrepro.analysis import impedance as an
from lpsrepro.io.impedance import impedance_dataset, read_impedance
from lpsrepro.models.impedance import blocking_film_cell_impedance_ohm, bulk_resistance_ohm
from lpsrepro.simulate.instruments import analyser_noise, log_frequency_sweep_hz

AREA = np.pi * 0.1**2


def synthetic(seed, *, eps_r=30.0, sigma=6.8e-5, thickness=550.0, lead_r=0.3, noise=1e-3):
    f = log_frequency_sweep_hz(1e6, 0.1, 10)
    z = blocking_film_cell_impedance_ohm(
        f, thickness_nm=thickness, area_cm2=AREA, conductivity_s_per_cm=sigma, relative_permittivity=eps_r,
        interface_q_f_per_cm2=5e-6, interface_alpha=0.85, lead_resistance_ohm=lead_r, lead_inductance_h=5e-8)
    z = analyser_noise(z, np.random.default_rng(seed), magnitude_rel=noise, phase_deg=0.05)
    true_r = bulk_resistance_ohm(thickness, AREA, sigma) + lead_r
    return impedance_dataset(f, z), true_r


@pytest.mark.parametrize("eps_r", [10.0, 30.0, 100.0])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_intercept_fit_recovers_series_resistance(seed, eps_r):
    spectrum, true_r = synthetic(seed, eps_r=eps_r)
    result = an.blocking_film_intercept(spectrum)
    # within 0.3 % and within 4 standard errors of the truth
    assert result.resistance_ohm == pytest.approx(true_r, rel=3e-3)
    assert abs(result.resistance_ohm - true_r) < 4 * result.resistance_std_ohm + 1e-9
    assert result.cpe_alpha == pytest.approx(0.85, abs=0.005)


def test_fitted_capacitance_gives_the_permittivity():
    spectrum, _ = synthetic(4, eps_r=30.0)
    result = an.blocking_film_intercept(spectrum)
    eps = an.relative_permittivity_from_capacitance(result.capacitance_f, 550, AREA)
    assert eps == pytest.approx(30, rel=0.1)


def test_naive_circuit_underestimates_when_the_arc_tail_is_in_range():
    # Why the notebook fits L0-p(R1,C1)-CPE1: without C1 the intercept comes out low.
    spectrum, true_r = synthetic(5, eps_r=60.0)
    naive = an.fit_circuit(spectrum, "L0-R1-CPE1", [1e-8, 20.0, 1.6e-7, 0.9])
    assert naive["R1"][0] < 0.97 * true_r


def test_line_extrapolation_agrees_with_the_fit():
    spectrum, true_r = synthetic(6)
    line = an.oblique_line_intercept(spectrum, 5e3, 2e5)
    assert line.resistance_ohm == pytest.approx(true_r, rel=0.01)
    assert line.angle_deg == pytest.approx(76.5, abs=0.3)


def test_conductivity_and_propagated_uncertainty():
    sigma, std = an.conductivity_s_per_cm(550, 0.8209, thickness_std_nm=11, asr_std_ohm_cm2=0.0)
    assert sigma == pytest.approx(6.7e-5, rel=1e-4)
    assert std == pytest.approx(6.7e-5 * 11 / 550, rel=1e-3)
    _, std2 = an.conductivity_s_per_cm(550, 0.8, thickness_std_nm=11, asr_std_ohm_cm2=0.016)
    assert std2 / (550e-7 / 0.8) == pytest.approx(np.hypot(0.02, 0.02), rel=1e-6)


def test_band_without_points_is_refused():
    spectrum, _ = synthetic(7)
    with pytest.raises(ValueError, match="band"):
        an.oblique_line_intercept(spectrum, 1e7, 1e8)


def test_real_zplot_file_is_fitted_end_to_end(real_data):
    # impedance.py's own example spectrum (a real ZPlot measurement), through our reader and fit code
    spectrum = read_impedance(real_data / "exampleDataZPlot.z")
    assert spectrum.sizes["frequency"] == 21 and spectrum["frequency"].max() == 3e5
    fit = an.fit_circuit(spectrum, "R0-p(R1,CPE1)", [140.0, 500.0, 1e-7, 0.9])
    assert fit["R0"][0] == pytest.approx(150, rel=0.05)  # the arc starts near 150 Ω
    assert np.abs(fit.relative_residuals()).max() < 0.06
