"""Phase quantification of powder patterns by whole-pattern fitting, detection limits, Scherrer sizes.

Whole-pattern fit
-----------------
The pattern is modelled as

    y(2θ) = Σ_p c_p · P_p(2θ; δ, L_p) + Σ_k b_k T_k(2θ) + Σ_j h_j G_j(2θ),

with ``P_p`` the per-mass pattern of reference phase *p* computed from its
crystal structure (:func:`lpsrepro.models.xrd.phase_profile`,
Thompson–Cox–Hastings pseudo-Voigt, Cu Kα1/Kα2, Scherrer broadening with
column length ``L_p`` plus the instrument's Caglioti function), a common
zero shift δ, a Chebyshev background ``T_k`` and the two polyimide humps
``G_j`` near 12° and 20° (Gaussians of fixed shape). The linear
coefficients (scales ``c_p ≥ 0``, background, humps ``h_j ≥ 0``) are solved
exactly for every trial of the non-linear ones (δ, ``L_p``) by
bounded linear least squares — variable projection [1]_ — with Poisson
weights 1/√y. Because ``P_p`` is per unit mass, the weight fractions are
``w_p = c_p / Σ c`` (Hill & Howard [2]_; microabsorption neglected).

Uncertainties and detection limit
---------------------------------
The standard errors of the scales come from the linear problem's covariance
``s² (AᵀWA)⁻¹`` at the optimum (conditional on the non-linear parameters),
also for a phase whose scale sits on its bound at zero. A phase counts as
*observed* when its fitted weight fraction exceeds its detection limit
``w_DL = 3.29 σ_c / Σ c``: Currie's detection limit for false-positive and
false-negative rates of 5 % each [3]_. The detection limit depends on the
noise of that pattern and on the phase's peak widths (broad nano-Li2S peaks
are harder to see than sharp ones).

Quality gate: is the pattern explained?
---------------------------------------
A fit of the wrong phases still returns weight fractions. Before any number
of a fit is used, :func:`pattern_gate` asks whether the reference phases
explain the pattern:

* **Unexplained peaks.** The residual ``y − ŷ`` is summed over windows of
  one instrumental FWHM (about the width of a sharp line) and compared with
  the Currie detection limit of that sum, ``L_D = 3.29 σ_w`` [3]_, where
  ``σ_w`` comes from the counting noise of the pattern itself (Poisson
  variance of the fit, scaled by a robust noise estimate from the
  point-to-point scatter, so that files of scaled intensities work too).
  Because a pattern has hundreds of such windows, the 5 % false-positive
  rate applies to the whole pattern (Šidák correction: per-window rate
  ``1 − 0.95^(1/N)``), i.e. the threshold is ~3.5–4 σ_w rather than 3.29 σ_w.
  Windows above it are grouped into peaks and reported by position; their
  net area as a fraction of the total diffracted (background-free) intensity
  is the *unexplained intensity*.
* **Parameters at bounds.** A zero shift at its bound means the reference
  lines could not be lined up with the pattern's.
* **No phase.** When every scale is zero no weight fraction exists.

Any of these makes the gate fail with a sentence naming the file and the
peak positions ("unidentified phase(s) at 2θ = 28.44°, 47.30° …"); the
notebooks then record the dependent numbers as ``failed_quality``.

References
----------
.. [1] G. H. Golub, V. Pereyra, "Separable nonlinear least squares: the variable
   projection method and its applications", Inverse Probl. 19 (2003) R1,
   doi:10.1088/0266-5611/19/2/201.
.. [2] R. J. Hill, C. J. Howard, J. Appl. Cryst. 20 (1987) 467, doi:10.1107/S0021889887086199.
.. [3] L. A. Currie, "Limits for qualitative detection and quantitative determination",
   Anal. Chem. 40 (1968) 586, doi:10.1021/ac60259a007.
.. [4] J. I. Langford, A. J. C. Wilson, J. Appl. Cryst. 11 (1978) 102, doi:10.1107/S0021889878012844.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from scipy.optimize import least_squares, lsq_linear, minimize_scalar
from scipy.stats import norm

from lpsrepro.errors import ParameterError
from lpsrepro.io.xrd import check_wavelength
from lpsrepro.models import xrd

#: Currie's detection-limit factor (α = β = 0.05): L_D = 3.29 σ₀.
CURRIE_FACTOR = 3.29
#: False-positive rate of the unexplained-peak test for a whole pattern (Currie's α).
GATE_FALSE_POSITIVE_RATE = 0.05
#: Unexplained net intensity (fraction of the diffracted intensity) below which detected residual
#: peaks are reported but do not fail the gate: a misfit of a known line's shape leaves a small
#: structured residual that is not a phase. 2 % is about the detection limit of a minor phase.
GATE_MAX_UNEXPLAINED_FRACTION = 0.02
#: How far (fraction of a pattern's largest count) a fitted background may dip below zero, or a phase's
#: calculated pattern rise above the measured counts, before the fit is called unphysical: a few % is
#: the noise of the strongest line plus the freedom of a Chebyshev background at the pattern's ends.
GATE_UNPHYSICAL_TOLERANCE = 0.05
#: Polyimide window humps (centre, FWHM) in degrees: "two broad peaks around 12° and 20°" (paper §2.2);
#: widths read as ~5° and ~7°. Only their heights are fitted (a Chebyshev background takes up the rest);
#: with a blank scan of your own film, pass its hump shapes instead.
HUMP_SHAPES_DEG = ((12.0, 5.0), (20.0, 7.0))


@dataclass(frozen=True)
class PhaseResult:
    """One phase of a fitted pattern."""

    name: str
    scale: float
    scale_std: float
    weight_fraction: float
    weight_fraction_std: float
    detection_limit: float          # weight fraction
    column_length_nm: float         # volume-weighted (Scherrer) size of the fit

    @property
    def observed(self) -> bool:
        """Above Currie's detection limit."""
        return self.weight_fraction > self.detection_limit


@dataclass
class PatternFit:
    """Result of :func:`fit_pattern`."""

    source: str
    two_theta_deg: np.ndarray
    observed_counts: np.ndarray
    fitted_counts: np.ndarray
    components: dict[str, np.ndarray]
    phases: dict[str, PhaseResult]
    zero_shift_deg: float
    reduced_chi2: float
    rwp_percent: float
    scale_covariance: np.ndarray = field(repr=False)
    zero_shift_bound_deg: float = float("inf")
    free_sizes_at_bound: tuple[str, ...] = ()
    caglioti_uvw: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def weight_ratio(self, minor: str, major: str) -> tuple[float, float]:
        """w_minor / w_major with its standard error (from the scale covariance)."""
        names = list(self.phases)
        i, j = names.index(minor), names.index(major)
        ci, cj = self.phases[minor].scale, self.phases[major].scale
        if cj <= 0:
            return float("nan"), float("nan")
        r = ci / cj
        g = np.zeros(len(names))
        g[i], g[j] = 1.0 / cj, -ci / cj**2
        return r, float(np.sqrt(max(g @ self.scale_covariance @ g, 0.0)))

    def summary(self) -> str:
        # the file name only: an absolute path would make notebook outputs depend on the checkout
        lines = [f"{Path(self.source).name}: Rwp {self.rwp_percent:.1f} %, reduced chi2 {self.reduced_chi2:.2f}, "
                 f"zero shift {self.zero_shift_deg:+.3f} deg"]
        for p in self.phases.values():
            if not np.isfinite(p.weight_fraction_std):  # no phase at all: no fraction to state
                lines.append(f"  {p.name:12s} not found (every reference phase has zero scale)")
                continue
            lines.append(f"  {p.name:12s} {100 * p.weight_fraction:6.2f} ± {100 * p.weight_fraction_std:4.2f} wt%  "
                         f"(detection limit {100 * p.detection_limit:4.2f} wt%, "
                         f"{'observed' if p.observed else 'not observed'}; size {p.column_length_nm:5.0f} nm)")
        return "\n".join(lines)


def _chebyshev_basis(x: np.ndarray, n: int) -> np.ndarray:
    u = 2.0 * (x - x.min()) / (x.max() - x.min()) - 1.0
    return np.polynomial.chebyshev.chebvander(u, n - 1)


def fit_pattern(pattern: xr.DataArray, phases: list[str], *, caglioti_uvw: tuple[float, float, float],
                initial_sizes_nm: dict[str, float] | None = None, background_terms: int = 10,
                size_bounds_nm: tuple[float, float] = (8.0, 1000.0), max_zero_shift_deg: float = 0.15,
                hump_shapes_deg=HUMP_SHAPES_DEG, wavelength_angstrom: float = xrd.CU_KA1_ANGSTROM) -> PatternFit:
    """Fit reference phases to a pattern; weight fractions, uncertainties and detection limits.

    Parameters
    ----------
    pattern : xarray.DataArray
        Counts over ``two_theta`` (degrees) with a ``wavelength_angstrom``
        attribute, as returned by :mod:`lpsrepro.io.xrd`.
    phases : list of str
        Reference phases to fit (names of ``data/structures/phases.yaml``).
    caglioti_uvw : tuple
        Instrument function U, V, W in deg² (from a line-profile standard).
    initial_sizes_nm : dict, optional
        Starting column lengths ⟨L⟩_v per phase (nm); also the size at which
        the detection limit of an absent phase is evaluated. Default 50 nm.
    background_terms : int
        Number of Chebyshev terms of the smooth background.
    wavelength_angstrom : float
        Wavelength the reference sticks are computed for; a pattern measured
        at another one is refused.
    hump_shapes_deg : sequence of (centre, FWHM)
        Shapes of the polyimide window's humps; only their heights are fitted.

    Returns
    -------
    PatternFit
    """
    phases = xrd.check_phase_names(phases)
    wavelength = float(wavelength_angstrom)
    check_wavelength(pattern, wavelength)
    refs = {p: xrd.sticks(p, wavelength) for p in phases}
    if not 2 <= background_terms <= 16:
        raise ParameterError("background_terms", background_terms, "an integer between 2 and 16")
    x = pattern["two_theta"].values.astype(float)
    y = pattern.values.astype(float)
    sizes0 = {p: float((initial_sizes_nm or {}).get(p, 50.0)) for p in phases}
    weights = 1.0 / np.sqrt(np.maximum(y, 1.0))
    cheb = _chebyshev_basis(x, background_terms)
    n_ph = len(phases)
    cache: dict[tuple, np.ndarray] = {}

    def phase_column(name, zero, size):
        key = (name, round(zero, 7), round(size, 5))
        if key not in cache:
            if len(cache) > 256:
                cache.clear()
            cache[key] = xrd.phase_profile(x, refs[name], column_length_nm=size, caglioti_uvw=caglioti_uvw,
                                           zero_shift_deg=zero, shape="pseudo-voigt")
        return cache[key]

    humps = np.array(hump_shapes_deg, dtype=float)
    hump_cols = [xrd.gaussian_humps(x, [1.0], [c], [f]) for c, f in humps]

    def unpack(theta, free):
        sizes = np.array([sizes0[p] for p in phases], dtype=float)
        sizes[free] = np.exp(theta[1:1 + len(free)])
        return theta[0], sizes

    def design(theta, free):
        zero, sizes = unpack(theta, free)
        cols = [phase_column(p, zero, s) for p, s in zip(phases, sizes)]
        return np.column_stack(cols + hump_cols + [cheb])

    n_lin_pos = n_ph + len(hump_cols)
    lower = np.r_[np.zeros(n_lin_pos), np.full(background_terms, -np.inf)]
    upper = np.full(n_lin_pos + background_terms, np.inf)

    def solve_linear(a):
        aw = a * weights[:, None]
        norms = np.linalg.norm(aw, axis=0)
        norms[norms == 0] = 1.0
        res = lsq_linear(aw / norms, y * weights, bounds=(lower, upper), method="bvls", tol=1e-12)
        return res.x / norms

    def residuals(theta, free):
        a = design(theta, free)
        return (y - a @ solve_linear(a)) * weights

    # Stage 1: the zero shift alone, by a bounded scalar search (the cost is sharply peaked in it,
    # with side minima one line width away, so it is located before the joint fit).
    search = minimize_scalar(lambda z: float(np.sum(residuals(np.r_[z], []) ** 2)),
                             bounds=(-max_zero_shift_deg, max_zero_shift_deg), method="bounded",
                             options={"xatol": 1e-4})
    coef = solve_linear(design(np.r_[search.x], []))
    # Stage 2: zero shift with the size of every phase that is clearly there (scale > 10 % of
    # the largest); an absent phase keeps its starting size, where its detection limit is evaluated.
    free = [i for i in range(n_ph) if coef[i] > 0.1 * coef[:n_ph].max()]
    lo = np.r_[-max_zero_shift_deg, np.full(len(free), np.log(size_bounds_nm[0]))]
    hi = np.r_[max_zero_shift_deg, np.full(len(free), np.log(size_bounds_nm[1]))]
    theta0 = np.clip(np.r_[search.x, np.log([sizes0[phases[i]] for i in free])], lo + 1e-9, hi - 1e-9)
    opt = least_squares(residuals, theta0, args=(free,), bounds=(lo, hi), diff_step=1e-5,
                        x_scale=np.r_[0.005, np.full(len(free), 0.05)], max_nfev=40)
    zero, sizes = unpack(opt.x, free)
    opt_x, opt_free = opt.x, free
    a = design(opt_x, opt_free)
    coef = solve_linear(a)
    fitted = a @ coef
    r = (y - fitted) * weights
    dof = max(y.size - coef.size - opt_x.size, 1)
    s2 = float(r @ r / dof)
    aw = a * weights[:, None]
    cov_all = s2 * np.linalg.pinv(aw.T @ aw)
    cov = cov_all[:n_ph, :n_ph]
    scales = coef[:n_ph]
    scale_std = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    total = float(scales.sum())
    results = {}
    for i, p in enumerate(phases):
        if total > 0:
            g = -np.full(n_ph, scales[i] / total**2)
            g[i] += 1.0 / total
            wf, wf_std = scales[i] / total, float(np.sqrt(max(g @ cov @ g, 0.0)))
            dl = CURRIE_FACTOR * scale_std[i] / total
        else:
            wf, wf_std, dl = 0.0, float("nan"), float("nan")
        results[p] = PhaseResult(p, float(scales[i]), float(scale_std[i]), float(wf), wf_std, float(dl), float(sizes[i]))
    components = {p: a[:, i] * coef[i] for i, p in enumerate(phases)}
    components["polyimide"] = a[:, n_ph:n_lin_pos] @ coef[n_ph:n_lin_pos]
    components["background"] = a[:, n_lin_pos:] @ coef[n_lin_pos:]
    rwp = 100.0 * float(np.sqrt(np.sum((weights * (y - fitted)) ** 2) / np.sum((weights * y) ** 2)))
    # the file name only: a full path would make the printed report depend on where the project lives
    source = Path(str(pattern.attrs["source_file"])).name if "source_file" in pattern.attrs else "pattern"
    at_bound = tuple(phases[i] for i in opt_free
                     if min(abs(np.log(sizes[i]) - np.log(size_bounds_nm[0])),
                            abs(np.log(sizes[i]) - np.log(size_bounds_nm[1]))) < 1e-3)
    return PatternFit(source, x, y, fitted, components, results, float(zero),
                      s2, rwp, cov, float(max_zero_shift_deg), at_bound,
                      tuple(float(c) for c in caglioti_uvw))


# --------------------------------------------------------------------------- quality gate
@dataclass(frozen=True)
class ResidualPeak:
    """A peak of the fit residual that the reference phases leave unexplained."""

    two_theta_deg: float
    net_counts: float        # residual summed over the peak's windows (counts)
    significance: float      # windowed residual / its standard deviation


@dataclass(frozen=True)
class PatternGate:
    """Verdict of :func:`pattern_gate` on one fitted pattern, with the figures it looked at."""

    source: str
    reason: str                                   # "" when the gate passed
    unexplained_peaks: tuple[ResidualPeak, ...]
    unexplained_fraction: float                   # of the diffracted (background-free) intensity
    threshold_sigma: float
    noise_scale: float                            # noise / Poisson noise (1 for raw counts)
    rwp_percent: float
    reduced_chi2: float
    zero_shift_deg: float
    zero_shift_at_bound: bool
    sizes_at_bound: tuple[str, ...] = ()          # reported, not failed: a size at 1000 nm is instrument-limited

    @property
    def passed(self) -> bool:
        return not self.reason

    def quality(self) -> dict[str, float]:
        """The gate's figures, for :func:`lpsrepro.claims.record` (``quality=``)."""
        # rounded to what the figures can tell (and so that they print the same on every CPU)
        return {"rwp_percent": round(self.rwp_percent, 1), "reduced_chi2": round(self.reduced_chi2, 2),
                "unexplained_intensity_percent": round(100.0 * self.unexplained_fraction, 1),
                "unexplained_peaks": float(len(self.unexplained_peaks)),
                "zero_shift_deg": round(self.zero_shift_deg, 3),
                "zero_shift_at_bound": float(self.zero_shift_at_bound),
                "sizes_at_bound": float(len(self.sizes_at_bound))}

    def summary(self) -> str:
        """One line: passed, or why not."""
        bounds = f"; size at its bound: {', '.join(self.sizes_at_bound)}" if self.sizes_at_bound else ""
        head = (f"{self.source}: gate {'passed' if self.passed else 'FAILED'} (Rwp {self.rwp_percent:.1f} %, "
                f"unexplained intensity {100 * self.unexplained_fraction:.1f} %{bounds})")
        return head if self.passed else f"{head}: {self.reason}"


def noise_scale(counts: np.ndarray, expected: np.ndarray) -> float:
    """Noise of a pattern relative to Poisson noise, from its point-to-point scatter (robust).

    The second difference ``y[i−1] − 2y[i] + y[i+1]`` of uncorrelated noise has
    variance ``6σ²``; its median absolute deviation (×1.4826) is insensitive to
    the few points on sharp peaks. For raw counts the result is ≈ 1; for an
    export of scaled intensities it is the scale of the noise.
    """
    y = np.asarray(counts, dtype=float)
    d2 = (y[:-2] - 2.0 * y[1:-1] + y[2:]) / np.sqrt(6.0 * np.maximum(np.asarray(expected, float)[1:-1], 1.0))
    return float(1.4826 * np.median(np.abs(d2 - np.median(d2))))


def _groups(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start and end (exclusive) index of every run of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return list(zip(edges[::2], edges[1::2]))


def unexplained_peaks(fit: PatternFit, *, false_positive_rate: float = GATE_FALSE_POSITIVE_RATE
                      ) -> tuple[tuple[ResidualPeak, ...], float, float, float]:
    """Peaks of the residual above the Currie detection limit of the pattern's noise.

    Returns the peaks, their net intensity as a fraction of the diffracted
    (background-free) intensity, the threshold in standard deviations of a
    window sum and the noise scale (see the module docstring, "Quality gate").
    """
    x, y, fitted = fit.two_theta_deg, fit.observed_counts, fit.fitted_counts
    step = float(np.median(np.diff(x)))
    fwhm = float(np.median(xrd.caglioti_fwhm_deg(x, *fit.caglioti_uvw))) if any(fit.caglioti_uvw) else 5 * step
    n = max(3, int(round(fwhm / step)))
    scale = max(noise_scale(y, fitted), 1e-6)
    variance = scale**2 * np.maximum(fitted, 1.0)
    kernel = np.ones(n)
    window_sum = np.convolve(y - fitted, kernel, mode="same")
    window_sd = np.sqrt(np.convolve(variance, kernel, mode="same"))
    z = window_sum / window_sd
    windows = max(len(x) / n, 1.0)
    per_window = 1.0 - (1.0 - false_positive_rate) ** (1.0 / windows)       # Šidák
    threshold = float(norm.isf(per_window))
    # above a physical (non-negative) background: a fit that cancels a huge phase against a negative
    # background must not inflate the denominator and so hide the unexplained peaks
    diffracted = float(np.sum(np.clip(y - np.clip(background_counts(fit), 0, None), 0, None)))
    peaks, net_total = [], 0.0
    for a, b in _groups(z > threshold):
        lo, hi = max(a - n // 2, 0), min(b + n // 2, len(x))
        net = float(np.sum((y - fitted)[lo:hi]))
        i = a + int(np.argmax(z[a:b]))
        peaks.append(ResidualPeak(float(x[i]), net, float(z[i])))
        net_total += max(net, 0.0)
    fraction = net_total / diffracted if diffracted > 0 else (1.0 if peaks else 0.0)
    return tuple(peaks), float(fraction), threshold, scale


def background_counts(fit: PatternFit) -> np.ndarray:
    """The fitted background of a pattern: the smooth background plus the sample holder's humps (counts)."""
    return fit.components["background"] + fit.components["polyimide"]


def unphysical_components(fit: PatternFit, *, tolerance: float = GATE_UNPHYSICAL_TOLERANCE) -> list[str]:
    """What of a fit no measurement can be: a background below zero, a phase above the measured counts.

    A whole-pattern fit of phases that are not in the sample may find a "solution" in which a large
    phase contribution is cancelled by an equally large negative background. Counts are never
    negative, and no component can exceed what was measured by more than the noise; ``tolerance`` is
    the allowance as a fraction of the pattern's largest count (noise and the background's freedom).
    """
    y = np.asarray(fit.observed_counts, dtype=float)
    allowance = tolerance * max(float(np.max(y)), 1.0)
    out = []
    lowest = float(np.min(background_counts(fit)))
    if lowest < -allowance:
        out.append(f"the fitted background goes below zero ({lowest:.3g} counts): the fit cancels a phase against it")
    for name in fit.phases:
        largest = float(np.max(fit.components.get(name, np.zeros(1))))
        if largest > float(np.max(y)) + allowance:
            out.append(f"{name}'s calculated pattern ({largest:.3g} counts) exceeds every measured count "
                       f"({float(np.max(y)):.3g})")
    return out


def pattern_gate(fit: PatternFit, *, max_unexplained_fraction: float = GATE_MAX_UNEXPLAINED_FRACTION,
                 false_positive_rate: float = GATE_FALSE_POSITIVE_RATE) -> PatternGate:
    """Do the reference phases explain the pattern? (module docstring, "Quality gate").

    Parameters
    ----------
    fit : PatternFit
        A whole-pattern fit from :func:`fit_pattern`.
    max_unexplained_fraction : float
        Unexplained net intensity (fraction of the diffracted intensity) that
        fails the gate when residual peaks are detected.
    false_positive_rate : float
        Probability that a pattern fully explained by its phases fails (Currie's α).

    Returns
    -------
    PatternGate
        ``gate.reason`` says in words why the numbers of this fit must not be
        used; it is empty when the gate passed.
    """
    peaks, fraction, threshold, scale = unexplained_peaks(fit, false_positive_rate=false_positive_rate)
    at_bound = abs(fit.zero_shift_deg) >= fit.zero_shift_bound_deg - 1e-4
    reasons = []
    if sum(p.scale for p in fit.phases.values()) <= 0:
        reasons.append(f"none of the reference phases ({', '.join(fit.phases)}) is in the pattern")
    positive = sorted((p for p in peaks if p.net_counts > 0), key=lambda p: -p.significance)
    if positive and fraction > max_unexplained_fraction:
        where = ", ".join(f"{p.two_theta_deg:.2f}" for p in sorted(positive[:8], key=lambda p: p.two_theta_deg))
        reasons.append(f"unidentified phase(s) at 2θ = {where}° ({100 * fraction:.0f} % of the diffracted "
                       f"intensity is not explained by {', '.join(fit.phases)})")
    reasons += unphysical_components(fit)
    if at_bound:
        reasons.append(f"the zero shift sits at its bound ({fit.zero_shift_deg:+.2f}°): the reference lines do "
                       "not line up with the pattern's")
    return PatternGate(Path(fit.source).name, "; ".join(reasons), tuple(peaks), fraction, threshold, scale,
                       fit.rwp_percent, fit.reduced_chi2, fit.zero_shift_deg, bool(at_bound), fit.free_sizes_at_bound)


# --------------------------------------------------------------------------- Scherrer sizes from single lines
@dataclass(frozen=True)
class LineWidth:
    """One reflection fitted on its own (Voigt with the instrument's Gaussian fixed).

    ``reason`` is empty when the line was found: its area exceeds Currie's
    detection limit (3.29 standard errors) and its centre and width are not on
    their bounds. A line that was not found gives no size.
    """

    hkl: str
    two_theta_deg: float
    lorentz_fwhm_deg: float
    lorentz_fwhm_std_deg: float
    column_length_nm: float
    column_length_std_nm: float
    area_significance: float = float("inf")
    reason: str = ""

    @property
    def found(self) -> bool:
        return not self.reason


#: Largest shift (degrees) of a fitted line from its reference position, and the bounds of its
#: Lorentzian FWHM (degrees), in :func:`scherrer_line_sizes`.
LINE_CENTRE_WINDOW_DEG = 0.3
LINE_FWHM_BOUNDS_DEG = (1e-4, 10.0)


def scherrer_line_sizes(pattern: xr.DataArray, phase: str, *, caglioti_uvw, min_relative_intensity: float = 15.0,
                        window_deg: float = 2.5) -> list[LineWidth]:
    """Volume-weighted column length ⟨L⟩_v from the width of each strong reflection of ``phase`` ([4]_).

    Each reflection (stronger than ``min_relative_intensity`` % of the
    strongest, inside the pattern) is fitted in a window of ±``window_deg``
    with a Kα1/Kα2 Voigt doublet whose Gaussian part is the instrument's
    Caglioti FWHM (known from a standard) and whose Lorentzian part is free,
    on a straight background. The Lorentzian FWHM gives the size integral
    breadth β = π·FWHM/2 and ⟨L⟩_v = λ / (β cos θ).

    Returns every reflection tried; those whose ``reason`` is not empty were
    not found in the pattern (too weak, or a centre or width on its bound) and
    must not be used. An empty list means no strong reflection lies inside
    the measured range.
    """
    wavelength = float(pattern.attrs["wavelength_angstrom"])
    check_wavelength(pattern, wavelength)
    st = xrd.sticks(phase, wavelength)
    x_all, y_all = pattern["two_theta"].values, pattern.values.astype(float)
    top = st.intensity.max()
    out = []
    for tth, inten, hkl, d in zip(st.two_theta_deg, st.intensity, st.hkl, st.d_angstrom):
        if inten < min_relative_intensity / 100 * top or not (x_all.min() + window_deg < tth < x_all.max() - window_deg):
            continue
        sel = np.abs(x_all - tth) < window_deg
        x, y = x_all[sel], y_all[sel]
        w = 1.0 / np.sqrt(np.maximum(y, 1.0))
        fg = float(xrd.caglioti_fwhm_deg(tth, *caglioti_uvw))
        tth2_offset = float(xrd.bragg_two_theta_deg(d, xrd.CU_KA2_ANGSTROM * wavelength / xrd.CU_KA1_ANGSTROM)) - tth

        def model(p):
            c, fl, area, b0, b1 = p
            peak = xrd.voigt_peak(x, c, fg, fl) + xrd.KA2_KA1_RATIO * xrd.voigt_peak(x, c + tth2_offset, fg, fl)
            return area * peak + b0 + b1 * (x - tth)

        lo_c, hi_c = tth - LINE_CENTRE_WINDOW_DEG, tth + LINE_CENTRE_WINDOW_DEG
        p0 = [tth, 0.3, max(float(np.trapezoid(y - np.median(y), x)), 1.0), float(np.median(y)), 0.0]
        fit = least_squares(lambda p: (y - model(p)) * w, p0, bounds=([lo_c, LINE_FWHM_BOUNDS_DEG[0], 0, -np.inf, -np.inf],
                                                                       [hi_c, LINE_FWHM_BOUNDS_DEG[1], np.inf, np.inf, np.inf]))
        dof = max(y.size - 5, 1)
        s2 = float(np.sum(fit.fun**2) / dof)
        cov = s2 * np.linalg.pinv(fit.jac.T @ fit.jac)
        fl, fl_std = float(fit.x[1]), float(np.sqrt(max(cov[1, 1], 0.0)))
        area_std = float(np.sqrt(max(cov[2, 2], 0.0)))
        significance = float(fit.x[2] / area_std) if area_std > 0 else 0.0
        reasons = []
        if not significance > CURRIE_FACTOR:
            reasons.append(f"no {phase} ({hkl}) line near {tth:.2f}° (area {significance:.1f} standard errors)")
        if min(abs(fit.x[0] - lo_c), abs(fit.x[0] - hi_c)) < 1e-3:
            reasons.append(f"the {phase} ({hkl}) line is not where it should be ({tth:.2f}°): its fitted centre "
                           f"sits on the ±{LINE_CENTRE_WINDOW_DEG}° bound")
        if min(abs(fl - LINE_FWHM_BOUNDS_DEG[0]), abs(fl - LINE_FWHM_BOUNDS_DEG[1])) < 1e-6:
            reasons.append(f"the width of the {phase} ({hkl}) line sits on its bound")
        beta = np.pi * fl / 2.0
        length = float(xrd.column_length_from_breadth_nm(fit.x[0], beta, wavelength))
        out.append(LineWidth(hkl, float(fit.x[0]), fl, fl_std, length, length * fl_std / fl, significance,
                             "; ".join(reasons)))
    return out


def sphere_diameter_from_column_length_nm(column_length_nm: float, relative_sd: float = 0.0) -> float:
    """Number-mean diameter of normally distributed spheres with ⟨L⟩_v = ¾⟨D⁴⟩/⟨D³⟩ ([4]_).

    For monodisperse spheres D = 4⟨L⟩_v/3; a spread ``relative_sd`` (σ/mean)
    makes the volume-weighted size larger than the mean, which is corrected
    for here (normal distribution).
    """
    r = float(relative_sd)
    moment_ratio = (1 + 6 * r**2 + 3 * r**4) / (1 + 3 * r**2)   # ⟨D⁴⟩/⟨D³⟩ / mean, normal distribution
    return 4.0 * column_length_nm / 3.0 / moment_ratio
