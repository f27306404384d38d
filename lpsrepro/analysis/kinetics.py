"""Conversion of Li2S from quantified patterns, fit of the shrinking-particle model, completion times.

The weight ratio of a minor phase to β-Li3PS4 in a heat-treated product fixes
the Li2S conversion through the mass balance of
:mod:`lpsrepro.models.kinetics` (ratios, not absolute fractions, so that an
amorphous part does not bias them). A series of conversions against
reaction time is fitted with a rate law's one rate constant (reaction control:
k = 2v₀, with v₀ the recession speed); the time to 99 % conversion of another
particle population then follows from the model, because conversion depends
on ``k t / Dⁿ`` only.

Which step controls the rate is not known beforehand: :func:`fit_mechanism`
fits each form of :data:`lpsrepro.models.kinetics.MECHANISMS` (reaction
control, Ginstling–Brounshtein and Jander product-layer diffusion) to the same
series, and :func:`compare_mechanisms` ranks them by Akaike's information
criterion for least squares with a common, unknown error scale,
``AIC = n ln(χ²/n) + 2K`` (K = rate + error scale), with the small-sample
correction AICc and Akaike weights ([1]_). The forms differ in how the
time scales with size (D against D²), so the extrapolation from micrometre
grains to 18-nm particles depends on the choice, and the spread of the
predicted completion time over the forms and over the ledger range of the
commercial grain size is the honest uncertainty of that prediction.

References
----------
.. [1] K. P. Burnham, D. R. Anderson, *Model Selection and Multimodel Inference*, 2nd ed.,
   Springer (2002), ch. 2 (AIC for least squares, AICc, Akaike weights).
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


# --------------------------------------------------------------------------- model selection
@dataclass(frozen=True)
class MechanismFit:
    """One rate-controlling mechanism fitted to a conversion series (one rate constant)."""

    mechanism: str
    rate: float               # k: nm/min (reaction) or nm²/min (diffusion); see models.kinetics
    rate_std: float
    chi2: float
    n_points: int

    @property
    def rate_unit(self) -> str:
        return "nm/min" if kinetics.MECHANISMS[self.mechanism][0] == 1 else "nm**2/min"

    @property
    def reduced_chi2(self) -> float:
        return self.chi2 / max(self.n_points - 1, 1)

    @property
    def aicc(self) -> float:
        """AICc for least squares with an unknown common error scale (K = 2 parameters)."""
        n, k = self.n_points, 2
        aic = n * np.log(max(self.chi2, 1e-300) / n) + 2 * k
        return float(aic + (2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else 0.0))

    def predict(self, times_min, sizes: kinetics.SizeDistribution):
        return kinetics.conversion_mechanism(times_min, sizes, self.rate, self.mechanism)


def _check_series(times_min, conversions, conversion_std):
    t = np.asarray(times_min, dtype=float)
    x = np.asarray(conversions, dtype=float)
    s = np.asarray(conversion_std, dtype=float)
    if t.size < 2 or not (t.shape == x.shape == s.shape):
        raise ParameterError("conversion series", t.size, "at least two times with a conversion and its error each")
    if np.any(~np.isfinite(x)) or np.any(~(s > 0)):
        raise ParameterError("conversion series", list(x), "finite conversions with positive standard errors")
    return t, x, s


def fit_mechanism(times_min, conversions, conversion_std, sizes: kinetics.SizeDistribution,
                  mechanism: str) -> MechanismFit:
    """Weighted least-squares fit of the rate constant k of one mechanism to X(t).

    The starting value puts the measured half-conversion time on the model's;
    the standard error comes from the Jacobian, scaled by the reduced χ² when
    that exceeds 1.
    """
    t, x, s = _check_series(times_min, conversions, conversion_std)
    n = kinetics.MECHANISMS[kinetics.check_mechanism(mechanism)][0]
    median_n = float(np.median(sizes.diameters_nm)) ** n
    t_half = float(np.interp(0.5, np.maximum.accumulate(x), t)) if x.max() > 0.5 else float(t.max())
    start = np.log(median_n / max(t_half, 1e-6))

    def residuals(log_k):
        return (kinetics.conversion_mechanism(t, sizes, float(np.exp(log_k[0])), mechanism) - x) / s

    opt = least_squares(residuals, [start], x_scale=[0.1])
    chi2 = float(np.sum(opt.fun**2))
    var_log = float(np.linalg.pinv(opt.jac.T @ opt.jac)[0, 0]) * max(chi2 / max(t.size - 1, 1), 1.0)
    k = float(np.exp(opt.x[0]))
    return MechanismFit(mechanism, k, k * float(np.sqrt(var_log)), chi2, int(t.size))


def compare_mechanisms(fits: list[MechanismFit]) -> dict[str, tuple[float, float]]:
    """ΔAICc against the best and the Akaike weight of each fitted mechanism: {name: (ΔAICc, weight)}."""
    best = min(f.aicc for f in fits)
    rel = {f.mechanism: np.exp(-0.5 * (f.aicc - best)) for f in fits}
    total = sum(rel.values())
    return {f.mechanism: (float(f.aicc - best), float(rel[f.mechanism] / total)) for f in fits}


def completion_time_mechanism_min(sizes: kinetics.SizeDistribution, fit: MechanismFit, *,
                                  size_relative_std: float = 0.0, target: float = 0.99) -> tuple[float, float]:
    """Time (min) to ``target`` conversion of ``sizes`` under a fitted mechanism, with its standard error.

    The time scale is Dⁿ/k, so the relative error of the size counts n times.
    """
    t = kinetics.time_to_conversion_mechanism_min(target, sizes, fit.rate, fit.mechanism)
    n = kinetics.MECHANISMS[fit.mechanism][0]
    rel = np.hypot(fit.rate_std / fit.rate, n * size_relative_std)
    return float(t), float(t * rel)
