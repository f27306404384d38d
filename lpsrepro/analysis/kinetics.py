"""Conversion of Li2S from quantified patterns, fit of the shrinking-particle model, completion times.

The weight ratio of a minor phase to β-Li3PS4 in a heat-treated product fixes
the Li2S conversion through the mass balance of
:mod:`lpsrepro.models.kinetics` (ratios, not absolute fractions, so that an
amorphous part does not bias them). A series of conversions against
reaction time is fitted with the model's one rate parameter, the recession
speed v₀; the time to 99 % conversion of another particle population then
follows from the model, because conversion depends on ``v₀ t / D`` only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from lpsrepro.analysis.xrd import PatternFit
from lpsrepro.errors import ParameterError
from lpsrepro.models import kinetics, xrd


@dataclass(frozen=True)
class Conversion:
    """Li2S conversion of one sample with its standard error, and the ratio it came from."""

    value: float
    std: float
    from_phase: str


def conversion_from_fit(fit: PatternFit, *, minor: str = "Li2S", route: str = "solution") -> Conversion:
    """Li2S conversion from the fitted weight ratio w_minor / w_β-Li3PS4 of a heat-treated product.

    ``route="solution"`` (Li2S·P2S5 prepared in advance: dual, conventional):
    one mole of Li2S and of Li4P2S6 per unreacted mole; ``route="powder"``
    (P2S5 added as powder, Fig. S6): three moles of Li2S per unreacted P2S5.
    """
    if route not in ("solution", "powder") or (route == "powder" and minor != "Li2S"):
        raise ParameterError("route", route, "'solution' (minor Li2S or Li4P2S6) or 'powder' (minor Li2S)")
    ratio, ratio_std = fit.weight_ratio(minor, "beta-Li3PS4")
    a = 3.0 if route == "powder" else 1.0
    kw = dict(moles_minor_per_unreacted=a, molar_mass_minor=xrd.molar_mass_g_per_mol(minor),
              molar_mass_li3ps4=xrd.molar_mass_g_per_mol("beta-Li3PS4"))
    x = kinetics.conversion_from_weight_ratio(ratio, **kw)
    # dX/dR by central difference: the inversion is smooth and monotonic.
    h = max(1e-6, 1e-3 * ratio)
    slope = (kinetics.conversion_from_weight_ratio(ratio + h, **kw)
             - kinetics.conversion_from_weight_ratio(max(ratio - h, 0.0), **kw)) / (ratio + h - max(ratio - h, 0.0))
    return Conversion(float(x), float(abs(slope) * ratio_std), minor)


@dataclass(frozen=True)
class RateFit:
    """Recession speed fitted to a conversion–time series."""

    rate_nm_per_min: float
    rate_std_nm_per_min: float
    reduced_chi2: float
    n_points: int

    def predict(self, times_min, sizes: kinetics.SizeDistribution):
        return kinetics.conversion(times_min, sizes, self.rate_nm_per_min)


def fit_recession_rate(times_min, conversions, conversion_std, sizes: kinetics.SizeDistribution,
                       *, initial_nm_per_min: float = 1.0) -> RateFit:
    """Weighted least-squares fit of v₀ (nm/min) of the shrinking-particle model to X(t).

    The standard error comes from the Jacobian, scaled by the reduced χ² when
    that exceeds 1 (scatter beyond the stated errors widens the uncertainty,
    never narrows it).
    """
    t = np.asarray(times_min, dtype=float)
    x = np.asarray(conversions, dtype=float)
    s = np.asarray(conversion_std, dtype=float)
    if t.size < 2 or not (t.shape == x.shape == s.shape):
        raise ParameterError("conversion series", t.size, "at least two times with a conversion and its error each")
    if np.any(~np.isfinite(x)) or np.any(~(s > 0)):
        raise ParameterError("conversion series", list(x), "finite conversions with positive standard errors")

    def residuals(log_v):
        return (kinetics.conversion(t, sizes, float(np.exp(log_v[0]))) - x) / s

    opt = least_squares(residuals, [np.log(initial_nm_per_min)], x_scale=[0.1])
    dof = max(t.size - 1, 1)
    chi2 = float(np.sum(opt.fun**2) / dof)
    var_log = float(np.linalg.pinv(opt.jac.T @ opt.jac)[0, 0]) * max(chi2, 1.0)
    v = float(np.exp(opt.x[0]))
    return RateFit(v, v * np.sqrt(var_log), chi2, int(t.size))


def completion_time_min(sizes: kinetics.SizeDistribution, rate: RateFit, *, size_relative_std: float = 0.0,
                        target: float = 0.99) -> tuple[float, float]:
    """Time (min) to ``target`` conversion and its standard error.

    The model's time scale is D/v₀, so the relative errors of the size and
    the rate add in quadrature.
    """
    t = kinetics.time_to_conversion_min(target, sizes, rate.rate_nm_per_min)
    rel = np.hypot(rate.rate_std_nm_per_min / rate.rate_nm_per_min, size_relative_std)
    return float(t), float(t * rel)
