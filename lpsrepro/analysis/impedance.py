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
.. [2] C. H. Hsu, F. Mansfeld, "Concerning the conversion of the constant phase
   element parameter Y0 into a capacitance", Corrosion 57 (2001) 747,
   doi:10.5006/1.3280607.

Every fit carries its quality (:func:`fit_quality`): relative residuals against
the analyser's stated accuracy, parameters at the search bounds, confidence
intervals through zero. A number computed from a fit that fails the gate is
shown with the reason and recorded as ``failed_quality``, never compared with
the paper. The physical relations (σ = L/(R·A), ASR = R·A, disc area, arc apex)
live in :mod:`lpsrepro.models.impedance`; this module calls them.

The membrane's numbers of §3.2 are made here in three steps, composed by
:func:`lpsrepro.sections.membrane.run`: :func:`blocking_film_intercept` (fit and
gate) → :func:`membrane_asr` (R1·A, area and lead budget) →
:func:`conductivity_s_per_cm` (σ = L/ASR). The pellets' of §3.1:
:func:`pellet_geometry` → :func:`pellet_conductivity`, composed by
:func:`lpsrepro.sections.nanoparticles.run`.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr
from scipy.optimize import least_squares

if TYPE_CHECKING:  # pragma: no cover
    from impedance.models.circuits import CustomCircuit

from lpsrepro.errors import ParameterError
from lpsrepro.io.impedance import complex_impedance
from lpsrepro.models import impedance as relations

#: Circuit for a thin film whose bulk arc peaks above the highest measured
#: frequency: lead inductance, (film resistance ∥ geometric capacitance),
#: blocking-interface CPE. R1 is the whole series resistance (film + leads;
#: a separate lead resistor cannot be told apart from R1 when the arc is not
#: resolved, so it is not fitted).
BLOCKING_FILM_CIRCUIT = "L0-p(R1,C1)-CPE1"

#: The documented circuits for a blocking-electrode film spectrum, by the name a notebook
#: parameter uses. In all three R1 is the series resistance read as the intercept.
#:
#: ``"C"``     ``L0-p(R1,C1)-CPE1``: the film's arc with its ideal geometric capacitance
#:             (a homogeneous dielectric slab) — the default;
#: ``"CPE"``   ``L0-p(R1,CPE2)-CPE1``: the film's arc depressed (a distribution of relaxation
#:             times, e.g. a rough or inhomogeneous film; its effective capacitance follows
#:             Hsu & Mansfeld [2]_);
#: ``"none"``  ``L0-R1-CPE1``: no film arc at all (the naive reading of "only an oblique line";
#:             biased low when the arc's tail is in the sweep).
BLOCKING_FILM_CIRCUITS = {"C": BLOCKING_FILM_CIRCUIT, "CPE": "L0-p(R1,CPE2)-CPE1", "none": "L0-R1-CPE1"}


# --------------------------------------------------------------------------- the quality gate of every fit
@dataclass(frozen=True)
class AnalyserAccuracy:
    """Stated accuracy of an impedance analyser: relative error of |Z| and phase error in degrees.

    The default is the Solartron 1260A of the paper (0.1 %, 0.1°, its data sheet's
    accuracy for impedances well inside its range). The gate's thresholds are multiples of
    :attr:`noise_level`, so a less accurate instrument gets a correspondingly wider gate.
    """

    magnitude_rel: float = 1e-3
    phase_deg: float = 0.1

    @property
    def noise_level(self) -> float:
        """Relative size of one point's error, ``hypot(δ|Z|/|Z|, δφ in rad)`` (dimensionless)."""
        return float(np.hypot(self.magnitude_rel, np.radians(self.phase_deg)))


#: rms of the relative residuals allowed, in units of the analyser's noise level: a circuit that
#: describes the data leaves residuals at the instrument's error; an order of magnitude above it
#: they are systematic (a missing element, drift, a spectrum that is not Kramers–Kronig
#: consistent; Boukamp, J. Electrochem. Soc. 142 (1995) 1885, doi:10.1149/1.2044210, treats
#: residuals of a few per cent as the sign of an inadequate model). 15 × 0.2 % = 3 %.
GATE_RMS_FACTOR = 15.0
#: largest single relative residual allowed, in units of the noise level (50 × 0.2 % = 10 %).
GATE_MAX_FACTOR = 50.0
#: two-sided coverage of the confidence interval that must not include zero (95 %).
GATE_CI_Z = 1.96


@dataclass(frozen=True)
class FitQuality:
    """Goodness of an equivalent-circuit fit and the verdict of the gate.

    ``residual_rms`` and ``residual_max`` are relative to |Z| (dimensionless);
    ``at_bounds`` names the parameters that ended on a bound of the search (their standard
    errors are then meaningless); ``ci_crossing_zero`` names the parameters whose 95 %
    confidence interval includes zero (not determined by the data). ``reasons`` says in
    words why the gate failed; ``passed`` is True when it is empty.
    """

    residual_rms: float
    residual_max: float
    rms_limit: float
    max_limit: float
    at_bounds: tuple[str, ...]
    ci_crossing_zero: tuple[str, ...]
    key_parameters: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.reasons

    def reason(self) -> str:
        """The reasons as one sentence ("" when the gate passed)."""
        return "; ".join(self.reasons)

    def figures(self) -> dict[str, float]:
        """The quality figures as plain numbers (for ``claims.record(..., quality=...)``)."""
        return {"residual_rms_percent": 100 * self.residual_rms, "residual_max_percent": 100 * self.residual_max,
                "rms_limit_percent": 100 * self.rms_limit, "parameters_at_bounds": float(len(self.at_bounds)),
                "key_parameters_ci_crossing_zero": float(len(set(self.ci_crossing_zero) & set(self.key_parameters)))}


def fit_quality(fit: "CircuitFit", *, key_parameters: tuple[str, ...] | list[str] = (),
                accuracy: AnalyserAccuracy | None = None) -> FitQuality:
    """Judge a circuit fit: residuals, parameters at bounds, confidence intervals through zero.

    The gate fails when the rms relative residual exceeds ``GATE_RMS_FACTOR`` × the analyser's
    noise level, when one residual exceeds ``GATE_MAX_FACTOR`` × that level, when a key
    parameter (the one a number is computed from, e.g. ``R1``) sits at a search bound or has a
    95 % confidence interval that includes zero, or when any CPE exponent sits at its lower
    bound (0.3: the element is then not a CPE of an interface but a stand-in for missing
    structure).
    """
    accuracy = accuracy or AnalyserAccuracy()
    r = np.abs(fit.relative_residuals())
    rms, worst = float(np.sqrt(np.mean(r**2))), float(r.max())
    rms_limit, max_limit = GATE_RMS_FACTOR * accuracy.noise_level, GATE_MAX_FACTOR * accuracy.noise_level
    ci_zero = tuple(n for n, v, s in zip(fit.names, fit.values, fit.std) if not v - GATE_CI_Z * s > 0)
    keys = tuple(key_parameters)
    reasons = []
    if rms > rms_limit:
        reasons.append(f"{fit.circuit} misses the data: rms residual {100 * rms:.1f} % of |Z| "
                       f"> {100 * rms_limit:.1f} % allowed")
    elif worst > max_limit:
        reasons.append(f"{fit.circuit}: a residual of {100 * worst:.0f} % of |Z| > {100 * max_limit:.0f} % allowed")
    bad_bounds = [n for n in fit.at_bounds if n in keys or (n.startswith("CPE") and n.endswith("_1"))]
    if bad_bounds:
        reasons.append(f"parameter(s) {', '.join(bad_bounds)} at a bound of the search")
    bad_ci = [n for n in ci_zero if n in keys]
    if bad_ci:
        reasons.append(f"95 % confidence interval of {', '.join(bad_ci)} includes zero")
    return FitQuality(residual_rms=rms, residual_max=worst, rms_limit=rms_limit, max_limit=max_limit,
                      at_bounds=tuple(fit.at_bounds), ci_crossing_zero=ci_zero, key_parameters=keys,
                      reasons=tuple(reasons))


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
    at_bounds: tuple[str, ...] = ()

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
                f_min_hz: float | None = None, f_max_hz: float | None = None,
                max_evaluations: int = 2000) -> CircuitFit:
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
    max_evaluations : int
        Budget of model evaluations of the optimiser.
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
    # impedance.py's circuits module imports altair (3 s): imported here, not when the module is,
    # so that the Explore dashboard and the CLI start fast.
    from impedance.models.circuits import CustomCircuit
    from impedance.models.circuits.fitting import wrapCircuit

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
                               xtol=1e-10, ftol=1e-10, gtol=1e-10, max_nfev=max_evaluations)
    values = to_params(result.x)
    dof = max(1, result.fun.size - values.size)
    cov_x = np.linalg.pinv(result.jac.T @ result.jac) * float(result.fun @ result.fun) / dof
    jacobian_p_x = np.where(is_alpha, 1.0, values)  # dp/dx: p for log parameters, 1 for exponents
    covariance = cov_x * np.outer(jacobian_p_x, jacobian_p_x)
    std = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    model.parameters_, model.conf_ = values, std
    # A parameter within 1e-6 (of the log span or of the exponent range) of a bound has not been
    # determined by the data; CPE exponents at 1 are an ideal capacitor, a physical limit, not a failure.
    near = 1e-6 * (upper - lower)
    hit = ((result.x - lower) < near) | (((upper - result.x) < near) & ~is_alpha)
    return CircuitFit(circuit=circuit, names=tuple(names), units=tuple(units), values=values, std=std,
                      covariance=covariance, frequency_hz=f, impedance_ohm=z, _model=model,
                      at_bounds=tuple(n for n, h in zip(names, hit) if h))


@dataclass(frozen=True)
class FilmIntercept:
    """High-frequency intercept of a blocking-electrode spectrum.

    ``capacitance_f`` is the film's (effective) capacitance: C1 of the ``"C"`` circuit, the
    Hsu–Mansfeld capacitance of R1 ∥ CPE2 for ``"CPE"``, nan for ``"none"``. ``quality`` is
    the verdict of :func:`fit_quality` on R1.
    """

    resistance_ohm: float
    resistance_std_ohm: float
    capacitance_f: float
    capacitance_std_f: float
    cpe_alpha: float
    fit: CircuitFit
    quality: FitQuality | None = None
    circuit_choice: str = "C"

    @property
    def apex_frequency_hz(self) -> float:
        """Top of the film's arc, 1 / (2π R C), Hz (nan when the circuit has no film capacitance)."""
        return float(relations.rc_apex_frequency_hz(self.resistance_ohm, self.capacitance_f))


def _blocking_film_initial_guess(frequency: np.ndarray, z: np.ndarray, choice: str = "C") -> list[float]:
    """Start values from the data: intercept ≈ smallest Z', CPE from the lowest frequency."""
    r = max(float(np.min(z.real)), 1e-6 * float(np.max(np.abs(z))))
    c = float(relations.cpe_q_for_apex(r, 4.0 * frequency.max()))  # arc apex a few times above the sweep
    alpha = 0.9
    q = float(relations.cpe_q_for_apex(np.abs(z[np.argmin(frequency)]), frequency.min(), alpha))
    if choice == "none":
        return [1e-8, r, q, alpha]
    if choice == "CPE":
        return [1e-8, r, c, 0.95, q, alpha]
    return [1e-8, r, c, q, alpha]


def hsu_mansfeld_capacitance_f(resistance_ohm: float, q: float, alpha: float) -> float:
    """Effective capacitance of R ∥ CPE, ``C = (Q R^(1−α))^(1/α)``, in F.

    C. H. Hsu, F. Mansfeld, "Concerning the conversion of the constant phase element
    parameter Y0 into a capacitance", Corrosion 57 (2001) 747, doi:10.5006/1.3280607.
    """
    return float((q * resistance_ohm ** (1.0 - alpha)) ** (1.0 / alpha))


def blocking_film_intercept(spectrum: xr.Dataset, circuit: str = "C", *,
                            accuracy: AnalyserAccuracy | None = None) -> FilmIntercept:
    """Fit a blocking-film circuit and return the film's series resistance with the fit's quality.

    The resistance R1 is where the oblique interface line meets the real axis
    — the paper's "intersection of the oblique line and the Z' axis" — with
    the tail of the unresolved bulk arc accounted for by the film's capacitance instead of
    biasing the intercept.

    Parameters
    ----------
    spectrum : xarray.Dataset
        As returned by :func:`lpsrepro.io.impedance.read_impedance`.
    circuit : str
        A key of :data:`BLOCKING_FILM_CIRCUITS` (``"C"``, ``"CPE"``, ``"none"``) or one of its
        circuit strings.
    accuracy : AnalyserAccuracy, optional
        The analyser's stated accuracy, which sets the gate (default: Solartron 1260A).
    """
    by_string = {v: k for k, v in BLOCKING_FILM_CIRCUITS.items()}
    choice = by_string.get(circuit, circuit)
    if choice not in BLOCKING_FILM_CIRCUITS:
        raise ParameterError("circuit", circuit, "one of " + ", ".join(
            f"{k!r} ({v})" for k, v in BLOCKING_FILM_CIRCUITS.items()))
    frequency = spectrum["frequency"].values
    fit = fit_circuit(spectrum, BLOCKING_FILM_CIRCUITS[choice],
                      _blocking_film_initial_guess(frequency, complex_impedance(spectrum), choice))
    r, r_std = fit["R1"]
    if choice == "C":
        c, c_std = fit["C1"]
    elif choice == "CPE":
        c, c_std = hsu_mansfeld_capacitance_f(r, fit["CPE2_0"][0], fit["CPE2_1"][0]), float("nan")
    else:
        c, c_std = float("nan"), float("nan")
    return FilmIntercept(resistance_ohm=r, resistance_std_ohm=r_std, capacitance_f=c,
                         capacitance_std_f=c_std, cpe_alpha=fit["CPE1_1"][0], fit=fit,
                         quality=fit_quality(fit, key_parameters=("R1",), accuracy=accuracy),
                         circuit_choice=choice)


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
    """ASR = R · A, in Ω cm² (:func:`lpsrepro.models.impedance.area_specific_resistance_ohm_cm2`)."""
    return float(relations.area_specific_resistance_ohm_cm2(resistance_ohm, area_cm2))


def conductivity_s_per_cm(thickness_nm: float, asr_ohm_cm2: float, *, thickness_std_nm: float = 0.0,
                          asr_std_ohm_cm2: float = 0.0) -> tuple[float, float]:
    """σ = L / ASR with first-order propagation of independent uncertainties.

    Returns
    -------
    (sigma, sigma_std) : tuple of float
        Conductivity and its standard uncertainty, in S/cm.
    """
    sigma = float(relations.conductivity_from_asr_s_per_cm(thickness_nm, asr_ohm_cm2))
    rel = np.hypot(thickness_std_nm / thickness_nm, asr_std_ohm_cm2 / asr_ohm_cm2)
    return sigma, float(sigma * rel)


def relative_permittivity_from_capacitance(capacitance_f: float, thickness_nm: float, area_cm2: float) -> float:
    """εr = C L / (ε0 A) of a parallel-plate film (dimensionless)."""
    return float(relations.relative_permittivity_from_capacitance(capacitance_f, thickness_nm, area_cm2))


@dataclass(frozen=True)
class MembraneASR:
    """Area-specific resistance of a film on a thin-film bottom electrode, with its error budget.

    The intercept R1 is the film's resistance **plus** everything in series: the Au lead film
    from the contact to the electrode and the cables. ``asr_ohm_cm2`` (= R1 · A, what the paper
    reads off its Nyquist plot) is therefore an upper bound of the film's own ASR, and a
    conductivity computed from it a lower bound. ``film_asr_ohm_cm2`` subtracts the estimated lead
    resistance (uncertain by its own standard uncertainty). Uncertainties are one standard
    uncertainty; ``asr_std_ohm_cm2`` combines the fit's standard error and the electrode area's
    uncertainty (the area of a shadow-masked disk is known only as well as its diameter).
    """

    asr_ohm_cm2: float
    asr_std_ohm_cm2: float
    asr_fit_std_ohm_cm2: float
    asr_area_std_ohm_cm2: float
    lead_asr_ohm_cm2: float
    lead_asr_std_ohm_cm2: float
    film_asr_ohm_cm2: float
    film_asr_std_ohm_cm2: float
    area_cm2: float
    area_std_cm2: float


def membrane_asr(intercept: FilmIntercept, *, area_cm2: float, area_std_cm2: float = 0.0,
                 lead_resistance_ohm: float = 0.0, lead_resistance_std_ohm: float = 0.0) -> MembraneASR:
    """ASR = R1 · A with the area's uncertainty, and the lead-corrected film ASR (see :class:`MembraneASR`).

    Parameters
    ----------
    intercept : FilmIntercept
        From :func:`blocking_film_intercept`.
    area_cm2, area_std_cm2 : float
        Electrode area and its standard uncertainty, cm².
    lead_resistance_ohm, lead_resistance_std_ohm : float
        Estimated series resistance of the electrode films (e.g.
        :func:`lpsrepro.models.impedance.film_lead_resistance_ohm`) and its uncertainty, ohm.
    """
    if not (area_cm2 > 0 and area_std_cm2 >= 0):
        raise ParameterError("electrode area", (area_cm2, area_std_cm2),
                             "a positive area and a non-negative uncertainty, in cm²")
    r, r_std = intercept.resistance_ohm, intercept.resistance_std_ohm
    asr = area_specific_resistance_ohm_cm2(r, area_cm2)
    fit_std = area_specific_resistance_ohm_cm2(r_std, area_cm2)
    area_part = abs(asr) * area_std_cm2 / area_cm2
    lead = area_specific_resistance_ohm_cm2(lead_resistance_ohm, area_cm2)
    lead_std = area_specific_resistance_ohm_cm2(lead_resistance_std_ohm, area_cm2)
    film = area_specific_resistance_ohm_cm2(r - lead_resistance_ohm, area_cm2)
    film_std = float(np.sqrt(fit_std**2 + lead_std**2 + (abs(film) * area_std_cm2 / area_cm2) ** 2))
    return MembraneASR(asr_ohm_cm2=asr, asr_std_ohm_cm2=float(np.hypot(fit_std, area_part)),
                       asr_fit_std_ohm_cm2=fit_std, asr_area_std_ohm_cm2=float(area_part),
                       lead_asr_ohm_cm2=lead, lead_asr_std_ohm_cm2=lead_std, film_asr_ohm_cm2=film,
                       film_asr_std_ohm_cm2=film_std, area_cm2=float(area_cm2), area_std_cm2=float(area_std_cm2))


# --------------------------------------------------------------------------- pellets (§3.1) and the membrane's σ
#: Circuit of a cold-pressed pellet between blocking electrodes (brick-layer picture): lead
#: inductance, the grains (R0 ∥ C0: their arc peaks near or above the analyser's 1 MHz, so only
#: its low-frequency flank is seen; without C0 the fit bends the grain-boundary CPE to mimic that
#: flank and lands in wrong minima), the grain boundaries (R1 ∥ CPE1: the visible arc) and the
#: electrodes (CPE2: the spike). The total ionic resistance is R0 + R1.
PELLET_CIRCUIT = "L0-p(R0,C0)-p(R1,CPE1)-CPE2"
PELLET_CIRCUIT_NO_C0 = "L0-R0-p(R1,CPE1)-CPE2"


#: The documented pellet circuits, by the name a notebook parameter uses. ``"auto"`` fits both
#: ``"C"`` and ``"noC"`` from every start and keeps the smaller residuals. ``"CPE"`` depresses the
#: grains' arc too (a CPE where an ideal capacitor does not describe it — e.g. spectra measured at
#: higher temperature, where the grains' arc enters the sweep).
PELLET_CIRCUITS = {"C": PELLET_CIRCUIT, "noC": PELLET_CIRCUIT_NO_C0, "CPE": "L0-p(R0,CPE0)-p(R1,CPE1)-CPE2"}


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
    quality: FitQuality | None = None
    #: R0 of the alternative circuit with a CPE for the grains (``"auto"`` only), ohm
    bulk_ohm_cpe_circuit: float | None = None
    #: why the split into grains and grain boundaries should not be trusted ("" when it can)
    split_warning: str = ""

    def with_geometry(self, *, thickness_cm: float, area_cm2: float, thickness_std_cm: float = 0.0
                      ) -> "PelletConductivity":
        """This fit with a pellet's geometry: σ = L / ((R0 + R1) A) in S/cm, with the relative
        uncertainties of R and L added in quadrature (L and its uncertainty in cm, A in cm²)."""
        sigma = float(relations.conductivity_from_resistance_s_per_cm(thickness_cm, self.resistance_ohm, area_cm2))
        rel = np.hypot(self.resistance_std_ohm / self.resistance_ohm, thickness_std_cm / thickness_cm)
        return dataclasses.replace(self, thickness_cm=thickness_cm, area_cm2=area_cm2, conductivity_s_per_cm=sigma,
                                   conductivity_std_s_per_cm=float(sigma * rel))


@dataclass(frozen=True)
class PelletGeometry:
    """Thickness and electrode area of a pellet, with the thickness's standard uncertainty."""

    thickness_cm: float
    thickness_std_cm: float
    area_cm2: float


def pellet_geometry(*, thickness_cm: float | None = None, thickness_std_cm: float = 0.0,
                    thickness_mm: float | None = None, thickness_std_mm: float = 0.0,
                    area_cm2: float | None = None, diameter_mm: float | None = None,
                    mass_mg: float | None = None, density_g_per_cm3: float | None = None,
                    porosity: float | None = None, porosity_std: float = 0.0) -> PelletGeometry:
    """Thickness (with its uncertainty) and area of a pellet from what is known about it.

    The thickness is taken as given (``thickness_cm`` ± ``thickness_std_cm`` or ``thickness_mm`` ±
    ``thickness_std_mm``, e.g. measured with a micrometer) or else computed from ``mass_mg``, ``density_g_per_cm3``, ``porosity`` and
    ``diameter_mm`` (:func:`lpsrepro.models.impedance.pellet_thickness_cm`), uncertain through the
    porosity's ``porosity_std`` (:func:`lpsrepro.models.impedance.pellet_thickness_uncertainty_cm`, in
    quadrature with ``thickness_std_cm`` when that is given too);
    the area as given (``area_cm2``) or from ``diameter_mm``
    (:func:`lpsrepro.models.impedance.disc_area_cm2`).

    Examples
    --------
    >>> g = pellet_geometry(diameter_mm=15.0, mass_mg=200.0, density_g_per_cm3=1.85, porosity=0.2, porosity_std=0.05)
    >>> round(g.thickness_cm, 4), round(g.thickness_std_cm, 5), round(g.area_cm2, 4)
    (0.0765, 0.00478, 1.7671)
    """
    if area_cm2 is None:
        if diameter_mm is None:
            raise ParameterError("pellet area", None, "area_cm2 or diameter_mm of the electrodes")
        area_cm2 = float(relations.disc_area_cm2(diameter_mm))
    if thickness_cm is None and thickness_mm is not None:
        thickness_cm, thickness_std_cm = thickness_mm / 10.0, thickness_std_mm / 10.0   # mm → cm
    if thickness_cm is None:
        if None in (mass_mg, density_g_per_cm3, porosity, diameter_mm):
            raise ParameterError("pellet thickness", None, "thickness_mm, or mass_mg, density_g_per_cm3, porosity "
                                 "and diameter_mm to compute it")
        thickness_cm = float(relations.pellet_thickness_cm(mass_mg, diameter_mm, density_g_per_cm3, porosity))
        # the porosity's share, in quadrature with any other uncertainty the caller gives (thickness_std_cm)
        thickness_std_cm = float(np.hypot(thickness_std_cm,
                                          relations.pellet_thickness_uncertainty_cm(thickness_cm, porosity, porosity_std)))
    if not (thickness_cm > 0 and area_cm2 > 0 and thickness_std_cm >= 0):
        raise ParameterError("pellet geometry", (thickness_cm, area_cm2),
                             "a positive thickness (cm) and area (cm²), and a non-negative uncertainty")
    return PelletGeometry(float(thickness_cm), float(thickness_std_cm), float(area_cm2))


def _pellet_initial_guesses(frequency: np.ndarray, z: np.ndarray) -> list[list[float]]:
    """Start values from the data, one set per trial position of the grain-boundary arc.

    Offset R0 ≈ smallest Z'; R0 + R1 ≈ Z' where −Z'' is smallest between arc and spike
    (searched below the highest decade); the arc's apex frequency is not known a priori, so
    one start per decade from 100 Hz to 100 kHz is tried and the best fit kept.
    """
    order = np.argsort(frequency)
    f, zz = frequency[order], z[order]
    r0 = max(float(np.min(z.real)), 1e-6 * float(np.max(np.abs(z))))
    below_top = f < f.max() / 10.0
    r_total = float(zz[below_top][np.argmin(-zz.imag[below_top])].real) if below_top.any() else 2 * r0
    r1 = max(r_total - r0, 0.1 * r_total)
    q2 = float(relations.cpe_q_for_apex(np.abs(zz[0]), f[0], 0.85))
    c0 = float(relations.cpe_q_for_apex(max(r0, 1e-3), 3.0 * f.max()))   # grain arc apex a few times above the sweep
    return [[1e-7, r0, c0, r1, float(relations.cpe_q_for_apex(r1, apex, 0.85)), 0.85, q2, 0.85]
            for apex in (1e2, 1e3, 1e4, 1e5)]


def _pellet_fits(spectrum: xr.Dataset, circuit: str) -> list[CircuitFit]:
    guesses = _pellet_initial_guesses(spectrum["frequency"].values, complex_impedance(spectrum))
    if circuit == "noC":
        return [fit_circuit(spectrum, PELLET_CIRCUIT_NO_C0, g[:2] + g[3:]) for g in guesses]
    if circuit == "CPE":
        return [fit_circuit(spectrum, PELLET_CIRCUITS["CPE"], g[:3] + [0.95] + g[3:]) for g in guesses]
    fits = [fit_circuit(spectrum, PELLET_CIRCUIT, g) for g in guesses]
    return fits if circuit == "C" else fits + _pellet_fits(spectrum, "noC")


def pellet_conductivity(spectrum: xr.Dataset, *, thickness_cm: float | None = None, area_cm2: float | None = None,
                        thickness_std_cm: float = 0.0, circuit: str = "auto",
                        accuracy: AnalyserAccuracy | None = None, **geometry) -> PelletConductivity:
    """Fit a pellet circuit and return σ = L / ((R0 + R1) A) with the fit's quality.

    Parameters
    ----------
    spectrum : xarray.Dataset
        As returned by :func:`lpsrepro.io.impedance.read_impedance`.
    thickness_cm, area_cm2 : float
        Pellet thickness (cm) and electrode area (cm²). Instead, any keyword of
        :func:`pellet_geometry` (``thickness_mm``, ``diameter_mm``, or ``mass_mg`` +
        ``density_g_per_cm3`` + ``porosity``) may be given.
    thickness_std_cm : float
        Standard uncertainty of the thickness, cm.
    circuit : str
        ``"auto"`` (default: both ``"C"`` and ``"noC"`` of :data:`PELLET_CIRCUITS`, the better
        kept) or one key of :data:`PELLET_CIRCUITS`.
    accuracy : AnalyserAccuracy, optional
        Sets the quality gate (default: Solartron 1260A).

    The resistance is the sum of the offset and the arc — the real-axis point where the arc
    meets the electrode spike, as read from a Nyquist plot — with the standard error of the
    sum from the fit's full covariance (R0 and R1 are anti-correlated). ``quality`` judges the
    fit with R0 and R1 as key parameters.
    """
    geo = pellet_geometry(thickness_cm=thickness_cm, thickness_std_cm=thickness_std_cm, area_cm2=area_cm2, **geometry)
    thickness_cm, thickness_std_cm, area_cm2 = geo.thickness_cm, geo.thickness_std_cm, geo.area_cm2
    if circuit != "auto" and circuit not in PELLET_CIRCUITS:
        raise ParameterError("circuit", circuit, "'auto' or one of " + ", ".join(
            f"{k!r} ({v})" for k, v in PELLET_CIRCUITS.items()))
    fits = _pellet_fits(spectrum, circuit)
    fit = min(fits, key=_sum_of_squares)
    r0_cpe, warning = None, ""
    if circuit == "auto":
        fit, r0_cpe, warning = _bulk_split_check(spectrum, fit)
    r0, r1 = fit["R0"][0], fit["R1"][0]
    r_total, r_std = fit.sum_of("R0", "R1")
    fitted = PelletConductivity(resistance_ohm=r_total, resistance_std_ohm=r_std, bulk_ohm=r0, grain_boundary_ohm=r1,
                                thickness_cm=np.nan, area_cm2=np.nan, conductivity_s_per_cm=np.nan,
                                conductivity_std_s_per_cm=np.nan, fit=fit,
                                quality=fit_quality(fit, key_parameters=("R0", "R1"), accuracy=accuracy),
                                bulk_ohm_cpe_circuit=r0_cpe, split_warning=warning)
    return fitted.with_geometry(thickness_cm=thickness_cm, area_cm2=area_cm2, thickness_std_cm=thickness_std_cm)


def _sum_of_squares(fit: CircuitFit) -> float:
    return float(np.sum(np.abs(fit.relative_residuals()) ** 2))


#: Relative change of R0 between the ideal-capacitor and the CPE description of the grains above
#: which the bulk / grain-boundary split is reported as circuit-dependent (the total R0 + R1, where
#: the arc meets the spike, is robust to that choice; the split is not).
SPLIT_TOLERANCE = 0.05


def _bulk_split_check(spectrum: xr.Dataset, best: CircuitFit) -> tuple[CircuitFit, float | None, str]:
    """Refit with a CPE for the grains, started from ``best``; keep it if the data demand it.

    An ideal capacitor where the grains' arc is depressed (typically when the arc enters the sweep,
    e.g. at higher temperature) puts part of the bulk resistance into R1, and can bias the total.
    The CPE circuit has one parameter more; it replaces ``best`` only when an F-test on the
    residual sums of squares rejects the ideal capacitor (p < 0.001). Otherwise ``best`` is kept,
    and a change of R0 by more than :data:`SPLIT_TOLERANCE` between the two descriptions is
    reported. Returns ``(fit, R0 of the CPE circuit, warning)``; one extra fit keeps the cost low.
    """
    from scipy.stats import f as f_distribution   # ~0.9 s to import; only this pellet check needs it

    v = dict(zip(best.names, best.values))
    f_max = float(spectrum["frequency"].max())
    q0 = v.get("C0", float(relations.cpe_q_for_apex(max(v["R0"], 1e-3), 3.0 * f_max)))
    # Two starts for the grains' exponent: nearly ideal, and clearly depressed (a depressed arc
    # inside the sweep is a different minimum that a start at 0.95 does not always reach).
    alts = []
    for alpha0 in (0.95, 0.75):
        q_start = q0 if alpha0 > 0.9 else float(relations.cpe_q_for_apex(v["R0"], f_max / 3.0, alpha0))
        guess = [v["L0"], v["R0"], q_start, alpha0, v["R1"], v["CPE1_0"], v["CPE1_1"], v["CPE2_0"], v["CPE2_1"]]
        try:
            alts.append(fit_circuit(spectrum, PELLET_CIRCUITS["CPE"], guess, max_evaluations=200))
        except ParameterError:
            continue
    if not alts:
        return best, None, ""
    alt = min(alts, key=_sum_of_squares)
    ss_best, ss_alt = _sum_of_squares(best), _sum_of_squares(alt)
    n, extra = 2 * alt.frequency_hz.size, alt.values.size - best.values.size
    dof = n - alt.values.size
    statistic = (ss_best - ss_alt) / max(extra, 1) / (ss_alt / dof) if ss_alt > 0 and extra > 0 else 0.0
    if statistic > 0 and f_distribution.sf(statistic, max(extra, 1), dof) < 1e-3:
        return alt, float(alt["R0"][0]), (f"the ideal capacitor of the grains was rejected (F-test): rms residual "
                                          f"{100 * np.sqrt(ss_best / n):.2f} % with {best.circuit}, "
                                          f"{100 * np.sqrt(ss_alt / n):.2f} % with {alt.circuit}, which is used")
    r0_alt = float(alt["R0"][0])
    change = abs(r0_alt - v["R0"]) / max(v["R0"], 1e-12)
    if change <= SPLIT_TOLERANCE:
        return best, r0_alt, ""
    return best, r0_alt, (f"the bulk/grain-boundary split depends on the circuit: R0 {v['R0']:.4g} ohm with "
                          f"{best.circuit}, {r0_alt:.4g} ohm with {alt.circuit} ({100 * change:.0f} % apart); "
                          "the total R0 + R1 does not")
