"""Instrument effects added to forward-model spectra: sweeps and noise.

These functions make a model spectrum look like a measurement; they never
change the physics. All randomness comes from a ``numpy.random.Generator``
passed in, so that every stand-in is reproducible from its seed.
"""

from __future__ import annotations

import numpy as np

from lpsrepro import ledger

#: Significant digits a ZPlot ``.z`` file records (``%.6E``): the stand-ins store no more than that.
ZPLOT_SIGNIFICANT_DIGITS = 7


def as_recorded(values: np.ndarray, significant: int = ZPLOT_SIGNIFICANT_DIGITS) -> np.ndarray:
    """Values rounded to the ``significant`` digits an instrument file records (decimal rounding).

    Why: vectorised numpy functions (``logspace``, ``exp``) may differ in the last bit
    between CPU code paths (SIMD dispatch); rounded to the digits the file holds, the
    numbers are the same on every machine, and a NetCDF copy holds exactly the
    numbers of the text file. Complex values are rounded part by part.
    """
    arr = np.asarray(values)
    if np.iscomplexobj(arr):
        return as_recorded(arr.real, significant) + 1j * as_recorded(arr.imag, significant)
    spec = f"{{:.{significant - 1}e}}"
    return np.array([float(spec.format(v)) for v in arr.ravel()], dtype=float).reshape(arr.shape)


def log_frequency_sweep_hz(start_hz: float, stop_hz: float, points_per_decade: int) -> np.ndarray:
    """Logarithmic sweep from ``start_hz`` to ``stop_hz`` (inclusive), like ZPlot's.

    A Solartron 1260A controlled by ZPlot sweeps from high to low frequency
    with a fixed number of points per decade; the paper swept 1 MHz–0.1 Hz.
    The frequencies are those the file records (:func:`as_recorded`), so that
    the model is evaluated at exactly the frequencies written.
    """
    decades = abs(np.log10(stop_hz) - np.log10(start_hz))
    n = int(round(decades * points_per_decade)) + 1
    return as_recorded(np.logspace(np.log10(start_hz), np.log10(stop_hz), n))


def analyser_noise(impedance_ohm: np.ndarray, rng: np.random.Generator, *,
                   magnitude_rel: float, phase_deg: float) -> np.ndarray:
    """Multiply by random gain and phase errors, as a frequency-response analyser does.

    A frequency-response analyser's error is a relative error of the
    impedance magnitude and an absolute error of its phase, roughly constant
    across the mid-frequency range. Each point gets an independent Gaussian
    error of standard deviation ``magnitude_rel`` (fraction) and ``phase_deg``.
    """
    gain = 1.0 + rng.normal(0.0, magnitude_rel, impedance_ohm.shape)
    phase = np.deg2rad(rng.normal(0.0, phase_deg, impedance_ohm.shape))
    return impedance_ohm * gain * np.exp(1j * phase)


def sweep_elapsed_time_s(frequency_hz: np.ndarray, *, integration_cycles: int = 1,
                         minimum_integration_s: float = 0.2, settle_cycles: int = 1) -> np.ndarray:
    """Cumulative measurement time of a sweep (ZPlot's ``Time(Sec)`` column), in s.

    Each point integrates for ``max(cycles / f, minimum)`` after settling for a
    number of cycles; the time of a point is the end of its integration.
    """
    period = 1.0 / np.asarray(frequency_hz, dtype=float)
    per_point = np.maximum(integration_cycles * period, minimum_integration_s) + settle_cycles * period
    return np.cumsum(per_point)


def eis_settings_from_ledger() -> tuple[dict, dict, float]:
    """The impedance analyser of all stand-in spectra, from the assumptions ledger (``eis.*``).

    Returns
    -------
    sweep : dict
        Keyword arguments of :func:`log_frequency_sweep_hz`.
    noise : dict
        Keyword arguments of :func:`analyser_noise` (without the generator).
    amplitude_v : float
        AC amplitude, V (written into the file's ``Ampl`` column).
    """
    sweep = {"start_hz": ledger.value("eis.sweep_start", "Hz"), "stop_hz": ledger.value("eis.sweep_stop", "Hz"),
             "points_per_decade": int(ledger.value("eis.points_per_decade", "dimensionless"))}
    noise = {"magnitude_rel": ledger.value("eis.noise_magnitude", "dimensionless"),
             "phase_deg": ledger.value("eis.noise_phase", "degree")}
    return sweep, noise, ledger.value("eis.ac_amplitude", "V")

