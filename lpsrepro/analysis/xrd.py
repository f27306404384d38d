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

from pathlib import Path

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from scipy.optimize import least_squares, lsq_linear, minimize_scalar

from lpsrepro.errors import ParameterError
from lpsrepro.io.xrd import check_wavelength
from lpsrepro.models import xrd

#: Currie's detection-limit factor (α = β = 0.05): L_D = 3.29 σ₀.
CURRIE_FACTOR = 3.29
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
    return PatternFit(source, x, y, fitted, components, results, float(zero),
                      s2, rwp, cov)


# --------------------------------------------------------------------------- Scherrer sizes from single lines
@dataclass(frozen=True)
class LineWidth:
    """One reflection fitted on its own (Voigt with the instrument's Gaussian fixed)."""

    hkl: str
    two_theta_deg: float
    lorentz_fwhm_deg: float
    lorentz_fwhm_std_deg: float
    column_length_nm: float
    column_length_std_nm: float


def scherrer_line_sizes(pattern: xr.DataArray, phase: str, *, caglioti_uvw, min_relative_intensity: float = 15.0,
                        window_deg: float = 2.5) -> list[LineWidth]:
    """Volume-weighted column length ⟨L⟩_v from the width of each strong reflection of ``phase`` ([4]_).

    Each reflection (stronger than ``min_relative_intensity`` % of the
    strongest, inside the pattern) is fitted in a window of ±``window_deg``
    with a Kα1/Kα2 Voigt doublet whose Gaussian part is the instrument's
    Caglioti FWHM (known from a standard) and whose Lorentzian part is free,
    on a straight background. The Lorentzian FWHM gives the size integral
    breadth β = π·FWHM/2 and ⟨L⟩_v = λ / (β cos θ).
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

        p0 = [tth, 0.3, max(float(np.trapezoid(y - np.median(y), x)), 1.0), float(np.median(y)), 0.0]
        fit = least_squares(lambda p: (y - model(p)) * w, p0, bounds=([tth - 0.3, 1e-4, 0, -np.inf, -np.inf],
                                                                       [tth + 0.3, 10.0, np.inf, np.inf, np.inf]))
        dof = max(y.size - 5, 1)
        s2 = float(np.sum(fit.fun**2) / dof)
        cov = s2 * np.linalg.pinv(fit.jac.T @ fit.jac)
        fl, fl_std = float(fit.x[1]), float(np.sqrt(max(cov[1, 1], 0.0)))
        beta = np.pi * fl / 2.0
        length = float(xrd.column_length_from_breadth_nm(fit.x[0], beta, wavelength))
        out.append(LineWidth(hkl, float(fit.x[0]), fl, fl_std, length, length * fl_std / fl))
    if not out:
        raise ParameterError("phase", phase, "a phase with strong reflections inside the measured 2θ range")
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
