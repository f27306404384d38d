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
    spectrum = read_impedance(real_data / "exampleDataZPlot.z", allow_incomplete=True)  # holds 21 of the 56 points its header announces
    assert spectrum.sizes["frequency"] == 21 and spectrum["frequency"].max() == 3e5
    fit = an.fit_circuit(spectrum, "R0-p(R1,CPE1)", [140.0, 500.0, 1e-7, 0.9])
    assert fit["R0"][0] == pytest.approx(150, rel=0.05)  # the arc starts near 150 Ω
    assert np.abs(fit.relative_residuals()).max() < 0.06


# --------------------------------------------------------------------------- quality gate and real files
def test_gate_passes_a_fit_that_reaches_the_noise():
    spectrum, _ = synthetic(8)
    result = an.blocking_film_intercept(spectrum)
    assert result.quality.passed, result.quality.reason()
    assert result.quality.residual_rms < 0.005
    assert result.quality.figures()["parameters_at_bounds"] == 0


def test_gate_limit_follows_the_analyser_accuracy():
    spectrum, _ = synthetic(9, noise=0.02)   # a 2 % analyser: the 1260A gate is too tight for it
    strict = an.blocking_film_intercept(spectrum)
    loose = an.blocking_film_intercept(spectrum, accuracy=an.AnalyserAccuracy(magnitude_rel=0.02, phase_deg=1.0))
    assert strict.quality.rms_limit == pytest.approx(an.GATE_RMS_FACTOR * np.hypot(1e-3, np.radians(0.1)))
    assert loose.quality.rms_limit == pytest.approx(an.GATE_RMS_FACTOR * np.hypot(0.02, np.radians(1.0)))
    assert loose.quality.passed


def test_wrong_circuit_on_a_real_spectrum_fails_the_gate(real_data):
    # issue 9 reproducer: impedance.py's Circuit1_EIS_1.z through the membrane fit gave "ASR 0.94 reproduced"
    spectrum = read_impedance(real_data / "Circuit1_EIS_1.z")
    for choice in an.BLOCKING_FILM_CIRCUITS:
        result = an.blocking_film_intercept(spectrum, choice)
        assert not result.quality.passed
        assert "rms residual" in result.quality.reason()
    assert result.quality.residual_rms > 0.1


def test_failed_gate_is_recorded_as_failed_quality_never_reproduced(real_data):
    from lpsrepro import claims
    result = an.blocking_film_intercept(read_impedance(real_data / "Circuit1_EIS_1.z"))
    asr = an.membrane_asr(result, area_cm2=np.pi * 0.1**2)
    rec = claims.make_record("membrane_asr", asr.asr_ohm_cm2, "ohm*cm**2", failed_quality=result.quality.reason(),
                             quality=result.quality.figures())
    entry = claims.compare(claims.registry()["membrane_asr"], rec)
    assert entry["status"] == "failed_quality" and "rms residual" in entry["failed_quality"]


def test_gamry_file_is_read_as_its_source_states(real_data):
    # impedance.py's test_preprocessing.py states the first and last points of this Gamry file
    spectrum = read_impedance(real_data / "exampleDataGamry.DTA")
    f = spectrum["frequency"].values
    assert spectrum.attrs["instrument"] == "gamry" and f.size == 72
    assert (f[0], f[-1]) == (2.000156e5, 1.58898e-2)
    assert (spectrum["z_real"].values[0], spectrum["z_imag"].values[0]) == (825.8584, -1367.239)
    assert (spectrum["z_real"].values[-1], spectrum["z_imag"].values[-1]) == (17007.49, -6635.557)


def test_documented_fit_of_impedance_py_example_is_reproduced(real_data):
    # impedance.py docs, getting-started.rst ("Step 5"): exampleData.csv (first-quadrant points) fitted with
    # R0-p(R1,C1)-p(R2-Wo1,C2) gives R0 1.65e-2, R1 8.68e-3, C1 3.32, R2 5.39e-3, C2 2.20e-1 (ohm, F).
    # Our fit weights by |Z| (theirs does not), so the poorly determined Warburg may differ; the resistances
    # and capacitances must agree within their standard errors' reach.
    spectrum = read_impedance(real_data / "exampleData.csv")
    spectrum = spectrum.isel(frequency=spectrum["z_imag"].values < 0)
    fit = an.fit_circuit(spectrum, "R0-p(R1,C1)-p(R2-Wo1,C2)", [.01, .01, 100, .01, .05, 100, 1])
    assert fit["R0"][0] == pytest.approx(1.65e-2, rel=0.01)
    assert fit["R1"][0] == pytest.approx(8.68e-3, rel=0.05)
    assert fit["R2"][0] == pytest.approx(5.39e-3, rel=0.03)
    assert fit["C1"][0] == pytest.approx(3.32, rel=0.1)
    assert fit["C2"][0] == pytest.approx(0.220, rel=0.1)
    quality = an.fit_quality(fit, key_parameters=("R0", "R1", "R2"))
    assert quality.passed, quality.reason()
    assert "Wo1_1" in quality.ci_crossing_zero     # reported, but not a key parameter


def test_circuit_choice_and_its_refusal():
    spectrum, true_r = synthetic(10, eps_r=30.0)
    cpe = an.blocking_film_intercept(spectrum, "CPE")
    assert cpe.fit.circuit == "L0-p(R1,CPE2)-CPE1" and cpe.circuit_choice == "CPE"
    assert cpe.resistance_ohm == pytest.approx(true_r, rel=3e-3)
    assert cpe.capacitance_f == pytest.approx(an.blocking_film_intercept(spectrum).capacitance_f, rel=0.05)
    assert an.blocking_film_intercept(spectrum, "L0-p(R1,C1)-CPE1").circuit_choice == "C"
    with pytest.raises(ValueError, match="circuit"):
        an.blocking_film_intercept(spectrum, "RC")


def test_asr_budget_area_and_lead():
    spectrum, _ = synthetic(11)
    intercept = an.blocking_film_intercept(spectrum)
    area = np.pi * 0.2**2 / 4
    area_std = 2 * 0.05 / 2.0 * area
    asr = an.membrane_asr(intercept, area_cm2=area, area_std_cm2=area_std, lead_resistance_ohm=0.35,
                          lead_resistance_std_ohm=0.35)
    assert asr.asr_ohm_cm2 == pytest.approx(intercept.resistance_ohm * area)
    assert asr.asr_area_std_ohm_cm2 == pytest.approx(0.05 * asr.asr_ohm_cm2)
    assert asr.asr_std_ohm_cm2 == pytest.approx(np.hypot(asr.asr_fit_std_ohm_cm2, asr.asr_area_std_ohm_cm2))
    # the intercept contains the lead: the film's own ASR is smaller (upper bound), its σ larger
    assert asr.film_asr_ohm_cm2 == pytest.approx(asr.asr_ohm_cm2 - 0.35 * area)
    assert asr.film_asr_std_ohm_cm2 > asr.asr_std_ohm_cm2
    with pytest.raises(ValueError, match="electrode area"):
        an.membrane_asr(intercept, area_cm2=0.0)
