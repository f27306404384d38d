"""Equivalent-circuit analysis of impedance spectra with impedance.py.

Used for the membrane (§3.2) and, with other circuits, for pellets (§3.1).
The circuits are impedance.py ``CustomCircuit`` strings [1]_; fits are
complex non-linear least squares weighted by the modulus, so that the
ohm-sized high-frequency points count as much as the megaohm-sized
low-frequency ones (an unweighted fit of a blocking-electrode spectrum
ignores the intercept altogether).

References
----------
.. [1] M. D. Murbach, B. Gerwe, N. Dawson-Elli, L. Tsui, "impedance.py: A
   Python package for electrochemical impedance analysis", J. Open Source
   Softw. 5 (2020) 2349, doi:10.21105/joss.02349.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import xarray as xr
from impedance.models.circuits import CustomCircuit
from impedance.models.circuits.fitting import wrapCircuit
from scipy.optimize import least_squares

from lpsrepro.errors import ParameterError
from lpsrepro.io.impedance import complex_impedance
from lpsrepro.models.impedance import EPSILON_0_F_PER_M

#: Circuit for a thin film whose bulk arc peaks above the highest measured
#: frequency: lead inductance, (film resistance ∥ geometric capacitance),
#: blocking-interface CPE. R1 is the whole series resistance (film + leads;
#: a separate lead resistor cannot be told apart from R1 when the arc is not
#: resolved, so it is not fitted).
BLOCKING_FILM_CIRCUIT = "L0-p(R1,C1)-CPE1"


@dataclass(frozen=True)
class CircuitFit:
    """A fitted equivalent circuit. Parameter values in SI units (ohm, F, H)."""

    circuit: str
    names: tuple[str, ...]
    units: tuple[str, ...]
    values: np.ndarray
    std: np.ndarray
    covariance: np.ndarray
    frequency_hz: np.ndarray
    impedance_ohm: np.ndarray
    _model: CustomCircuit

    def __getitem__(self, name: str) -> tuple[float, float]:
        """``(value, standard error)`` of parameter ``name``."""
        i = self.names.index(name)
        return float(self.values[i]), float(self.std[i])

    def sum_of(self, *names: str) -> tuple[float, float]:
        """``(value, standard error)`` of the sum of parameters, with their covariance."""
        idx = [self.names.index(n) for n in names]
        value = float(self.values[idx].sum())
        var = float(self.covariance[np.ix_(idx, idx)].sum())
        return value, float(np.sqrt(max(var, 0.0)))

    def predict(self, frequency_hz) -> np.ndarray:
        """Model impedance (ohm) at ``frequency_hz``."""
        return self._model.predict(np.asarray(frequency_hz, dtype=float))

    def relative_residuals(self) -> np.ndarray:
        """``(Z_data - Z_fit) / |Z_data|`` at the fitted points (complex)."""
        return (self.impedance_ohm - self.predict(self.frequency_hz)) / np.abs(self.impedance_ohm)


#: Span (factor either way) that a positive parameter may move from its start value.
_SEARCH_DECADES = 6.0


def fit_circuit(spectrum: xr.Dataset, circuit: str, initial_guess: list[float], *,
                f_min_hz: float | None = None, f_max_hz: float | None = None) -> CircuitFit:
    """Fit ``circuit`` to a spectrum (modulus-weighted complex least squares).

    The circuit is impedance.py's (``CustomCircuit``, its element functions);
    the optimiser is ``scipy.optimize.least_squares`` on the logarithms of the
    positive parameters and on the CPE exponents directly (bounded to
    [0.3, 1]). Equivalent-circuit parameters span twenty orders of magnitude
    (nH to kΩ); in log space the problem is well scaled, and fits that stall
    in linear space (impedance.py's default ``curve_fit`` call) converge.
    Residuals are ``(Z_fit − Z) / |Z|``, real and imaginary parts stacked;
    standard errors and the covariance come from the Jacobian at the optimum,
    scaled by the residual variance (as ``curve_fit`` does), and are mapped
    back to linear parameters.

    Parameters
    ----------
    spectrum : xarray.Dataset
        As returned by :func:`lpsrepro.io.impedance.read_impedance`.
    circuit : str
        impedance.py circuit string, e.g. ``"L0-p(R1,C1)-CPE1"``.
    initial_guess : list of float
        One positive start value per parameter, in impedance.py's order.
    f_min_hz, f_max_hz : float, optional
        Fit only the points within this band.
    """
    frequency = spectrum["frequency"].values
    z_all = complex_impedance(spectrum)
    keep = np.ones(frequency.size, dtype=bool)
    if f_min_hz is not None:
        keep &= frequency >= f_min_hz
    if f_max_hz is not None:
        keep &= frequency <= f_max_hz
    if keep.sum() < len(initial_guess) + 1:
        raise ParameterError("frequency band", (f_min_hz, f_max_hz),
                             f"a band holding more than {len(initial_guess)} points of the spectrum")
    f, z = frequency[keep], z_all[keep]
    model = CustomCircuit(circuit, initial_guess=list(initial_guess))
    names, units = model.get_param_names()
    start = np.asarray(initial_guess, dtype=float)
    if start.size != len(names) or not np.all(start > 0):
        raise ParameterError("initial_guess", list(initial_guess),
                             f"{len(names)} positive start values for {', '.join(names)}")
    is_alpha = np.array([n.startswith("CPE") and n.endswith("_1") for n in names])
    evaluate = wrapCircuit(circuit, {})

    def to_params(x):
        return np.where(is_alpha, x, np.exp(x))

    def residuals(x):
        stacked = evaluate(f, *to_params(x))
        z_fit = stacked[:f.size] + 1j * stacked[f.size:]
        r = (z_fit - z) / np.abs(z)
        return np.concatenate([r.real, r.imag])

    x0 = np.where(is_alpha, np.clip(start, 0.3, 1.0), np.log(start))
    span = _SEARCH_DECADES * np.log(10.0)
    lower = np.where(is_alpha, 0.3, x0 - span)
    upper = np.where(is_alpha, 1.0, x0 + span)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow while exploring bad parameters
        result = least_squares(residuals, np.clip(x0, lower, upper), bounds=(lower, upper),
                               xtol=1e-10, ftol=1e-10, gtol=1e-10, max_nfev=2000)
    values = to_params(result.x)
    dof = max(1, result.fun.size - values.size)
    cov_x = np.linalg.pinv(result.jac.T @ result.jac) * float(result.fun @ result.fun) / dof
    jacobian_p_x = np.where(is_alpha, 1.0, values)  # dp/dx: p for log parameters, 1 for exponents
    covariance = cov_x * np.outer(jacobian_p_x, jacobian_p_x)
    std = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    model.parameters_, model.conf_ = values, std
    return CircuitFit(circuit=circuit, names=tuple(names), units=tuple(units), values=values, std=std,
                      covariance=covariance, frequency_hz=f, impedance_ohm=z, _model=model)


@dataclass(frozen=True)
class FilmIntercept:
    """High-frequency intercept of a blocking-electrode spectrum."""

    resistance_ohm: float
    resistance_std_ohm: float
    capacitance_f: float
    capacitance_std_f: float
    cpe_alpha: float
    fit: CircuitFit


def _blocking_film_initial_guess(frequency: np.ndarray, z: np.ndarray) -> list[float]:
    """Start values from the data: intercept ≈ smallest Z', CPE from the lowest frequency."""
    r = float(np.min(z.real))
    c = 1.0 / (2 * np.pi * frequency.max() * 4.0 * r)  # arc apex a few times above the sweep
    alpha = 0.9
    w_low = 2 * np.pi * frequency.min()
    q = 1.0 / (np.abs(z[np.argmin(frequency)]) * w_low**alpha)
    return [1e-8, r, c, q, alpha]


def blocking_film_intercept(spectrum: xr.Dataset) -> FilmIntercept:
    """Fit :data:`BLOCKING_FILM_CIRCUIT` and return the film's series resistance.

    The resistance R1 is where the oblique interface line meets the real axis
    — the paper's "intersection of the oblique line and the Z' axis" — with
    the tail of the unresolved bulk arc accounted for by C1 instead of biasing
    the intercept.
    """
    frequency = spectrum["frequency"].values
    fit = fit_circuit(spectrum, BLOCKING_FILM_CIRCUIT,
                      _blocking_film_initial_guess(frequency, complex_impedance(spectrum)))
    r, r_std = fit["R1"]
    c, c_std = fit["C1"]
    return FilmIntercept(resistance_ohm=r, resistance_std_ohm=r_std, capacitance_f=c,
                         capacitance_std_f=c_std, cpe_alpha=fit["CPE1_1"][0], fit=fit)


@dataclass(frozen=True)
class LineIntercept:
    """Straight-line extrapolation of the oblique line to Z'' = 0."""

    resistance_ohm: float
    resistance_std_ohm: float
    angle_deg: float
    n_points: int
    frequency_band_hz: tuple[float, float]


def oblique_line_intercept(spectrum: xr.Dataset, f_min_hz: float, f_max_hz: float) -> LineIntercept:
    """Extrapolate the straight part of the Nyquist plot to the real axis.

    Fits ``-Z'' = a + b Z'`` by least squares to the points in
    ``[f_min_hz, f_max_hz]`` and returns ``Z' = -a/b`` at ``Z'' = 0`` with its
    standard error (delta method with the covariance of ``a`` and ``b``), and
    the line's angle to the real axis (α·90° for an ideal CPE).
    """
    frequency = spectrum["frequency"].values
    keep = (frequency >= f_min_hz) & (frequency <= f_max_hz)
    if keep.sum() < 3:
        raise ParameterError("line-fit band", (f_min_hz, f_max_hz), "a band holding at least 3 points")
    x, y = spectrum["z_real"].values[keep], -spectrum["z_imag"].values[keep]
    (b, a), cov = np.polyfit(x, y, 1, cov=True)
    x0 = -a / b
    grad = np.array([a / b**2, -1.0 / b])  # d x0 / d(b, a), polyfit orders (slope, intercept)
    var = float(grad @ cov @ grad)
    return LineIntercept(resistance_ohm=float(x0), resistance_std_ohm=float(np.sqrt(max(var, 0.0))),
                         angle_deg=float(np.degrees(np.arctan(b))), n_points=int(keep.sum()),
                         frequency_band_hz=(float(f_min_hz), float(f_max_hz)))


def area_specific_resistance_ohm_cm2(resistance_ohm: float, area_cm2: float) -> float:
    """ASR = R · A, in Ω cm²."""
    return resistance_ohm * area_cm2


def conductivity_s_per_cm(thickness_nm: float, asr_ohm_cm2: float, *, thickness_std_nm: float = 0.0,
                          asr_std_ohm_cm2: float = 0.0) -> tuple[float, float]:
    """σ = L / ASR with first-order propagation of independent uncertainties.

    Returns
    -------
    (sigma, sigma_std) : tuple of float
        Conductivity and its standard uncertainty, in S/cm.
    """
    sigma = thickness_nm * 1e-7 / asr_ohm_cm2
    rel = np.hypot(thickness_std_nm / thickness_nm, asr_std_ohm_cm2 / asr_ohm_cm2)
    return float(sigma), float(sigma * rel)


def relative_permittivity_from_capacitance(capacitance_f: float, thickness_nm: float, area_cm2: float) -> float:
    """εr = C L / (ε0 A) of a parallel-plate film (dimensionless)."""
    return capacitance_f * thickness_nm * 1e-9 / (EPSILON_0_F_PER_M * area_cm2 * 1e-4)


# --------------------------------------------------------------------------- pellets (§3.1) and the membrane's σ
#: Circuit of a cold-pressed pellet between blocking electrodes (brick-layer picture): lead
#: inductance, the grains (R0 ∥ C0: their arc peaks near or above the analyser's 1 MHz, so only
#: its low-frequency flank is seen; without C0 the fit bends the grain-boundary CPE to mimic that
#: flank and lands in wrong minima), the grain boundaries (R1 ∥ CPE1: the visible arc) and the
#: electrodes (CPE2: the spike). The total ionic resistance is R0 + R1.
PELLET_CIRCUIT = "L0-p(R0,C0)-p(R1,CPE1)-CPE2"
PELLET_CIRCUIT_NO_C0 = "L0-R0-p(R1,CPE1)-CPE2"


@dataclass(frozen=True)
class PelletConductivity:
    """Total ionic resistance of a pellet and the conductivity it gives."""

    resistance_ohm: float          # R0 + R1: where the arc meets the electrode spike
    resistance_std_ohm: float
    bulk_ohm: float
    grain_boundary_ohm: float
    thickness_cm: float
    area_cm2: float
    conductivity_s_per_cm: float
    conductivity_std_s_per_cm: float
    fit: CircuitFit


def _pellet_initial_guesses(frequency: np.ndarray, z: np.ndarray) -> list[list[float]]:
    """Start values from the data, one set per trial position of the grain-boundary arc.

    Offset R0 ≈ smallest Z'; R0 + R1 ≈ Z' where −Z'' is smallest between arc and spike
    (searched below the highest decade); the arc's apex frequency is not known a priori, so
    one start per decade from 100 Hz to 100 kHz is tried and the best fit kept.
    """
    order = np.argsort(frequency)
    f, zz = frequency[order], z[order]
    r0 = float(np.min(z.real))
    below_top = f < f.max() / 10.0
    r_total = float(zz[below_top][np.argmin(-zz.imag[below_top])].real) if below_top.any() else 2 * r0
    r1 = max(r_total - r0, 0.1 * r_total)
    q2 = 1.0 / (np.abs(zz[0]) * (2 * np.pi * f[0]) ** 0.85)
    c0 = 1.0 / (2 * np.pi * 3.0 * f.max() * max(r0, 1e-3))   # grain arc apex a few times above the sweep
    return [[1e-7, r0, c0, r1, 1.0 / (r1 * (2 * np.pi * apex) ** 0.85), 0.85, q2, 0.85]
            for apex in (1e2, 1e3, 1e4, 1e5)]


def pellet_conductivity(spectrum: xr.Dataset, *, thickness_cm: float, area_cm2: float,
                        thickness_std_cm: float = 0.0) -> PelletConductivity:
    """Fit :data:`PELLET_CIRCUIT` and return σ = L / ((R0 + R1) A) of a pellet.

    Parameters
    ----------
    spectrum : xarray.Dataset
        As returned by :func:`lpsrepro.io.impedance.read_impedance`.
    thickness_cm, area_cm2 : float
        Pellet thickness (cm) and electrode area (cm²).
    thickness_std_cm : float
        Standard uncertainty of the thickness, cm.

    The resistance is the sum of the offset and the arc — the real-axis point where the arc
    meets the electrode spike, as read from a Nyquist plot — with the standard error of the
    sum from the fit's full covariance (R0 and R1 are anti-correlated).
    """
    if not (thickness_cm > 0 and area_cm2 > 0):
        raise ParameterError("pellet geometry", (thickness_cm, area_cm2), "a positive thickness (cm) and area (cm²)")
    frequency = spectrum["frequency"].values
    guesses = _pellet_initial_guesses(frequency, complex_impedance(spectrum))
    # Both the full circuit and the one without C0 (for spectra where the grains' flank is out
    # of range and C0 only trades off against L0) are tried from every start; the fit with the
    # smallest relative residuals is kept.
    fits = ([fit_circuit(spectrum, PELLET_CIRCUIT, guess) for guess in guesses]
            + [fit_circuit(spectrum, PELLET_CIRCUIT_NO_C0, guess[:2] + guess[3:]) for guess in guesses])
    fit = min(fits, key=lambda candidate: float(np.sum(np.abs(candidate.relative_residuals()) ** 2)))
    r0, r1 = fit["R0"][0], fit["R1"][0]
    r_total, r_std = fit.sum_of("R0", "R1")
    sigma = thickness_cm / (r_total * area_cm2)
    rel = np.hypot(r_std / r_total, thickness_std_cm / thickness_cm)
    return PelletConductivity(resistance_ohm=r_total, resistance_std_ohm=r_std, bulk_ohm=r0, grain_boundary_ohm=r1,
                              thickness_cm=thickness_cm, area_cm2=area_cm2, conductivity_s_per_cm=float(sigma),
                              conductivity_std_s_per_cm=float(sigma * rel), fit=fit)


@dataclass(frozen=True)
class MembraneConductivity:
    """σ of a thin film from its blocking-electrode spectrum and its cross-section image."""

    conductivity_s_per_cm: float
    conductivity_std_s_per_cm: float
    thickness_nm: float
    thickness_std_nm: float
    asr_ohm_cm2: float
    asr_std_ohm_cm2: float


def membrane_conductivity(spectrum: xr.Dataset, image: xr.DataArray, *, area_cm2: float,
                          scale_uncertainty_rel: float = 0.0) -> MembraneConductivity:
    """σ = L / ASR of a membrane, exactly as notebook 32 measures it.

    L from :func:`lpsrepro.analysis.cross_section.film_thickness_nm` on the
    cross-section, ASR from the intercept of :func:`blocking_film_intercept`
    times the electrode area; uncertainties propagated to first order.
    """
    from lpsrepro.analysis.cross_section import film_thickness_nm

    film = film_thickness_nm(image, scale_uncertainty_rel=scale_uncertainty_rel)
    intercept = blocking_film_intercept(spectrum)
    asr = area_specific_resistance_ohm_cm2(intercept.resistance_ohm, area_cm2)
    asr_std = area_specific_resistance_ohm_cm2(intercept.resistance_std_ohm, area_cm2)
    sigma, sigma_std = conductivity_s_per_cm(film.mean_nm, asr, thickness_std_nm=film.uncertainty_nm,
                                             asr_std_ohm_cm2=asr_std)
    return MembraneConductivity(conductivity_s_per_cm=sigma, conductivity_std_s_per_cm=sigma_std,
                                thickness_nm=film.mean_nm, thickness_std_nm=film.uncertainty_nm,
                                asr_ohm_cm2=asr, asr_std_ohm_cm2=asr_std)
