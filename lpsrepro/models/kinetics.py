"""Kinetics of Li2S + Li2S·P2S5 → Li3PS4: shrinking Li2S particles in a reacting solution.

The paper's central claim (§3.1) is kinetic: the second step of the
liquid-phase synthesis, solid Li2S attacked by dissolved Li2S·P2S5, is slow
because it happens at the surface of insoluble Li2S particles, and the dual
precursor route speeds it up by offering the surface of 18-nm particles
instead of micron-sized commercial powder.

Model
-----
Shrinking particles with surface-reaction control (the "shrinking core" model
without a product layer) [1]_: every Li2S particle loses material at a rate
per unit area proportional to the concentration ``c`` of Li2S·P2S5 in
solution, so its radius recedes at the same speed whatever its size,

    dr/dt = −v₀ · c/c₀,

with ``v₀`` (nm/min) the recession speed at the initial concentration — the
product of the area-specific rate constant, the molar volume of Li2S and
``c₀``. A population with number-weighted diameters ``Dᵢ`` has, after a
recession ``τ = ∫ v₀ c/c₀ dt``, the unreacted volume fraction

    U(τ) = Σ wᵢ max(Dᵢ − 2τ, 0)³ / Σ wᵢ Dᵢ³,

and the conversion of the Li2S is ``X = 1 − U``. Li2S and Li2S·P2S5 react
2 : 1 (``Li2P2S6 + 2 Li2S → 2 Li3PS4``) and are mixed in that ratio, so the
dissolved reactant left is ``c/c₀ = S(t) − X``, where ``S(t)`` is the
fraction of it ever supplied: 1 from the start when the Li2S·P2S5 solution
is prepared in advance (dual precursor, conventional suspension — the first
step is fast [2]_), or the dissolved fraction of P2S5 grains when P2S5
powder is added as such (Fig. S6), modelled as shrinking particles of
recession speed ``v_P``. Hence one ordinary differential equation,

    dτ/dt = v₀ · max(S(t) − X(τ), 0).

With S ≡ 1 it separates, ``t(τ) = ∫₀^τ dτ′ / (v₀ U(τ′))``, which is how
:func:`conversion` evaluates it (a quadrature, fast enough for widgets);
:func:`conversion_ode` integrates the general case with scipy. Conversion
depends on time only through ``v₀ t / D``: the time to a given conversion
scales with particle size, 18 nm against micrometres.

After the sol is dried and heat-treated at 250 °C, the reacted part is
Li3PS4 and the unreacted Li2S·P2S5 takes up Li2S to become Li4P2S6 (with loss
of sulfur), as the paper states after Wang et al. [2]_:
``Li2P2S6 + Li2S → Li4P2S6 + S``. :func:`heat_treated_moles` gives that mass
balance, and :func:`conversion_from_weight_ratio` inverts it for a measured
weight ratio.

Other rate-controlling steps
----------------------------
The same solid–liquid reaction may instead be limited by diffusion through a
layer of product on the Li2S grains. Three classical forms of a sphere's
conversion ``X`` against time are compared (:data:`MECHANISMS`); each writes
``G(X) = θ / Dⁿ`` with ``G`` rising from 0 to 1 at complete conversion:

* ``"reaction"`` — reaction control (shrinking core without product layer)
  [1]_: ``G = 1 − (1−X)^{1/3}``, ``n = 1`` (θ = 2τ, the receded diameter);
* ``"ginstling_brounshtein"`` — diffusion through a spherical product shell
  [3]_: ``G = 3[1 − 2X/3 − (1−X)^{2/3}]``, ``n = 2``;
* ``"jander"`` — diffusion through a product layer treated as flat [4]_:
  ``G = [1 − (1−X)^{1/3}]²``, ``n = 2``.

With ``q = 1 − (1−X)^{1/3}`` these are ``G = q``, ``3q² − 2q³`` and ``q²``.
The generalised time advances as ``dθ/dt = k (c/c₀)``, with ``Dⁿ/k`` the time
a particle of diameter D needs at the initial concentration (``k`` in nm/min
for reaction control, ``k = 2v₀``; in nm²/min for the diffusion forms). Size
enters as D for reaction control but as D² for diffusion control, so the two
predict very different times for 18-nm particles from the same data of
micrometre grains: that is what the model comparison of
:mod:`lpsrepro.analysis.kinetics` is for.

References
----------
.. [1] O. Levenspiel, *Chemical Reaction Engineering*, 3rd ed., Wiley (1999),
   ch. 25 (fluid–particle reactions, shrinking particles, reaction control).
.. [2] Y. Wang, D. Lu, M. Bowden et al., "Mechanism of formation of Li7P3S11 solid
   electrolytes through liquid phase synthesis", Chem. Mater. 30 (2018) 990,
   doi:10.1021/acs.chemmater.7b04842 (the paper's ref. 17).
.. [3] A. M. Ginstling, B. I. Brounshtein, "Concerning the diffusion kinetics of reactions in
   spherical particles", J. Appl. Chem. USSR 23 (1950) 1327.
.. [4] W. Jander, "Reaktionen im festen Zustande bei höheren Temperaturen",
   Z. Anorg. Allg. Chem. 163 (1927) 1, doi:10.1002/zaac.19271630102.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import cumulative_trapezoid, solve_ivp
from scipy.optimize import brentq

from lpsrepro.errors import ParameterError

#: Number of equal-probability size classes that represent a distribution.
SIZE_CLASSES = 64


@dataclass(frozen=True)
class SizeDistribution:
    """Particle diameters (nm) with number weights (summing to 1)."""

    diameters_nm: np.ndarray
    weights: np.ndarray

    @property
    def mean_nm(self) -> float:
        return float(np.sum(self.weights * self.diameters_nm))

    def scaled(self, factor: float) -> SizeDistribution:
        return SizeDistribution(self.diameters_nm * factor, self.weights)


def normal_sizes(mean_nm: float, sd_nm: float, n: int = SIZE_CLASSES) -> SizeDistribution:
    """A normal number distribution of diameters (truncated at 1 % of the mean), in equal-probability classes."""
    if not mean_nm > 0 or not sd_nm >= 0:
        raise ParameterError("particle size", (mean_nm, sd_nm), "a positive mean and a non-negative sd in nm")
    # imported here, not at the top: scipy.stats takes ~0.3 s to import and the Explore dashboard's first
    # view imports this module (through the nanoparticles section) without drawing a size distribution
    from scipy import stats

    q = (np.arange(n) + 0.5) / n
    d = np.clip(stats.norm.ppf(q, loc=mean_nm, scale=max(sd_nm, 1e-12)), 0.01 * mean_nm, None)
    return SizeDistribution(d, np.full(n, 1.0 / n))


def lognormal_sizes(median_nm: float, geometric_sd: float, n: int = SIZE_CLASSES) -> SizeDistribution:
    """A log-normal number distribution of diameters (median, geometric standard deviation ≥ 1)."""
    if not median_nm > 0 or not geometric_sd >= 1:
        raise ParameterError("particle size", (median_nm, geometric_sd),
                             "a positive median in nm and a geometric standard deviation ≥ 1")
    from scipy import stats             # see normal_sizes: kept off the dashboard's first view

    q = (np.arange(n) + 0.5) / n
    d = median_nm * np.exp(np.log(geometric_sd) * stats.norm.ppf(q))
    return SizeDistribution(d, np.full(n, 1.0 / n))


def unreacted_fraction(recession_nm, sizes: SizeDistribution):
    """Volume fraction U(τ) of a particle population left after its surfaces receded by τ (nm)."""
    tau = np.atleast_1d(np.asarray(recession_nm, dtype=float))
    d, w = sizes.diameters_nm, sizes.weights
    left = np.clip(d[None, :] - 2.0 * tau[:, None], 0.0, None) ** 3
    out = left @ w / np.sum(w * d**3)
    return out if np.ndim(recession_nm) else float(out[0])


def _recession_grid_nm(sizes: SizeDistribution, n: int = 1500) -> np.ndarray:
    # Dense near the end, where the last (largest) particles vanish and t(τ) diverges.
    r_max = 0.5 * float(sizes.diameters_nm.max())
    u = np.linspace(0.0, 1.0, n)
    return r_max * (1.0 - (1.0 - u) ** 3) * (1.0 - 1e-9)


def conversion(times_min, sizes: SizeDistribution, rate_nm_per_min: float):
    """Conversion X(t) of Li2S with the Li2S·P2S5 solution prepared in advance (S ≡ 1), reaction control.

    Parameters
    ----------
    times_min : array_like
        Reaction times in minutes (≥ 0).
    sizes : SizeDistribution
        Li2S particle diameters entering the second step.
    rate_nm_per_min : float
        Recession speed v₀ of the particle surfaces at the initial Li2S·P2S5
        concentration, nm/min.

    Returns
    -------
    numpy.ndarray or float
        Conversion between 0 and 1 (same shape as ``times_min``). The
        reaction-controlled case of :func:`conversion_mechanism` (``k = 2v₀``).
    """
    if not rate_nm_per_min > 0:
        raise ParameterError("rate_nm_per_min", rate_nm_per_min, "a positive recession speed in nm/min")
    return conversion_mechanism(times_min, sizes, 2.0 * rate_nm_per_min, "reaction")


def conversion_history(sizes: SizeDistribution, rate_nm_per_min: float, *, points: int = 4000):
    """The whole curve X(t) of the solution route (S ≡ 1), tabulated: ``(times_min, conversion)``.

    The same quadrature as :func:`conversion` on its own recession grid, which
    is dense where the last particles vanish; the times start at 0 and rise
    strictly (the last point, where t(τ) diverges, is left out). Used as the
    monomer supply of the precipitation model
    (:class:`lpsrepro.models.nucleation.SupplyHistory`): each converted Li₂S
    releases one Li₃PS₄ unit into solution.

    Parameters
    ----------
    sizes : SizeDistribution
        Li2S particle diameters entering the second step.
    rate_nm_per_min : float
        Recession speed v₀ at the initial Li2S·P2S5 concentration, nm/min.
    points : int
        Points of the recession grid.
    """
    if not rate_nm_per_min > 0:
        raise ParameterError("rate_nm_per_min", rate_nm_per_min, "a positive recession speed in nm/min")
    tau = _recession_grid_nm(sizes, points)
    u = unreacted_fraction(tau, sizes)
    t_of_tau = cumulative_trapezoid(1.0 / (rate_nm_per_min * np.maximum(u, 1e-300)), tau, initial=0.0)
    keep = np.isfinite(t_of_tau) & (u > 0)
    t, x = t_of_tau[keep], np.clip(1.0 - u[keep], 0.0, 1.0)
    x[0] = 0.0
    rising = np.concatenate([[True], np.diff(t) > 0])
    return t[rising], x[rising]


def conversion_ode(times_min, sizes: SizeDistribution, rate_nm_per_min: float, supply=None):
    """Conversion X(t) for a general supply S(t) of dissolved Li2S·P2S5 (see module docstring).

    ``supply`` is a function of time (min) returning the fraction supplied so
    far, e.g. :func:`dissolution_supply`; ``None`` means S ≡ 1 (then the
    result equals :func:`conversion`). Here X counts *all* the Li2S that the
    supplied phosphorus sulfide can take up.
    """
    supply = supply or (lambda t: 1.0)
    t = np.atleast_1d(np.asarray(times_min, dtype=float))

    def rhs(time, y):
        x = 1.0 - unreacted_fraction(y[0], sizes)
        return [rate_nm_per_min * max(supply(time) - x, 0.0)]

    t_end = float(t.max()) if t.size else 0.0
    if t_end <= 0:
        return np.zeros_like(t) if np.ndim(times_min) else 0.0
    sol = solve_ivp(rhs, (0.0, t_end), [0.0], t_eval=np.sort(np.unique(t)), rtol=1e-7, atol=1e-9,
                    method="LSODA")
    tau = np.interp(t, sol.t, sol.y[0])
    x = 1.0 - unreacted_fraction(tau, sizes)
    return x if np.ndim(times_min) else float(x[0])


def dissolution_supply(p2s5_sizes: SizeDistribution, dissolution_nm_per_min: float):
    """S(t) of P2S5 powder whose grains dissolve at a constant recession speed (nm/min)."""
    def supply(time_min):
        return 1.0 - unreacted_fraction(dissolution_nm_per_min * time_min, p2s5_sizes)
    return supply


def time_to_conversion_min(target: float, sizes: SizeDistribution, rate_nm_per_min: float) -> float:
    """Time (min) at which the conversion reaches ``target`` (e.g. 0.99), solution route (S ≡ 1), reaction control."""
    return time_to_conversion_mechanism_min(target, sizes, 2.0 * rate_nm_per_min, "reaction")


# --------------------------------------------------------------------------- mass balance
#: Moles per mole of Li2S·P2S5 (= Li2P2S6) of the phases after drying and 250 °C, solution routes.
def heat_treated_moles(conversion_fraction: float) -> dict[str, float]:
    """Crystalline phases after heat treatment, per mole of Li2S·P2S5, for Li2S conversion X.

    ``2X Li3PS4`` formed; unreacted ``(1−X) Li2P2S6`` takes ``(1−X) Li2S`` and
    becomes ``(1−X) Li4P2S6``; ``(1−X) Li2S`` remains. (Sulfur released by the
    Li4P2S7 → Li4P2S6 step is not crystalline and is not counted.)
    """
    x = float(np.clip(conversion_fraction, 0.0, 1.0))
    return {"beta-Li3PS4": 2.0 * x, "Li2S": 1.0 - x, "Li4P2S6": 1.0 - x}


def powder_route_moles(conversion_fraction: float) -> dict[str, float]:
    """Phases after heat treatment per mole of P2S5 added as powder (Fig. S6 route), for Li2S conversion F.

    3 Li2S per P2S5; ``3F`` Li2S have formed ``2F`` Li3PS4; ``3(1−F)`` Li2S remain
    and the ``(1−F)`` P2S5 not yet dissolved stays as an amorphous residue
    (no Bragg peaks; key ``"amorphous P2S5"``).
    """
    f = float(np.clip(conversion_fraction, 0.0, 1.0))
    return {"beta-Li3PS4": 2.0 * f, "Li2S": 3.0 * (1.0 - f), "amorphous P2S5": 1.0 - f}


def weight_fractions(moles: dict[str, float], molar_masses_g_per_mol: dict[str, float]) -> dict[str, float]:
    """Mass fractions from moles and molar masses (every key of ``moles`` needs a molar mass)."""
    masses = {k: n * molar_masses_g_per_mol[k] for k, n in moles.items()}
    total = sum(masses.values())
    return {k: m / total for k, m in masses.items()}


def conversion_from_weight_ratio(ratio: float, *, moles_minor_per_unreacted: float,
                                 molar_mass_minor: float, molar_mass_li3ps4: float,
                                 moles_li3ps4_per_converted: float = 2.0) -> float:
    """Invert a mass balance: conversion X from the measured weight ratio w_minor / w_Li3PS4.

    With ``n_minor = a (1−X)`` and ``n_Li3PS4 = b X`` the ratio is
    ``R = a (1−X) M_minor / (b X M_Li3PS4)``, so ``X = 1 / (1 + R b M_Li3PS4 / (a M_minor))``.
    For the solution routes ``a = 1`` (Li2S and Li4P2S6 alike), ``b = 2``; for the P2S5
    powder route ``a = 3`` for Li2S.
    """
    if not ratio >= 0:
        return float("nan")
    return 1.0 / (1.0 + ratio * moles_li3ps4_per_converted * molar_mass_li3ps4
                  / (moles_minor_per_unreacted * molar_mass_minor))


# --------------------------------------------------------------------------- rate-controlling mechanisms
#: Mechanisms of :func:`conversion_mechanism`: name → (exponent n of the size, description).
MECHANISMS = {
    "reaction": (1, "reaction-controlled shrinking core (Levenspiel)"),
    "ginstling_brounshtein": (2, "product-layer diffusion, spherical shell (Ginstling–Brounshtein 1950)"),
    "jander": (2, "product-layer diffusion, flat layer (Jander 1927)"),
}
_Q_GRID = np.linspace(0.0, 1.0, 20001)


def check_mechanism(name: str) -> str:
    """``name`` if it is one of :data:`MECHANISMS`, else a clear error."""
    if name not in MECHANISMS:
        raise ParameterError("mechanism", name, "one of " + ", ".join(MECHANISMS))
    return name


def mechanism_function(conversion_fraction, mechanism: str):
    """G(X) of a sphere for ``mechanism`` (module docstring), normalised to 1 at X = 1."""
    x = np.clip(np.asarray(conversion_fraction, dtype=float), 0.0, 1.0)
    q = 1.0 - (1.0 - x) ** (1.0 / 3.0)
    return {"reaction": q, "ginstling_brounshtein": 3.0 * q**2 - 2.0 * q**3,
            "jander": q**2}[check_mechanism(mechanism)]


def sphere_conversion(progress, mechanism: str):
    """X of a sphere from its progress G (0…1): the inverse of :func:`mechanism_function`."""
    g = np.clip(np.asarray(progress, dtype=float), 0.0, 1.0)
    mech = check_mechanism(mechanism)
    if mech == "reaction":
        q = g
    elif mech == "jander":
        q = np.sqrt(g)
    else:  # 3q² − 2q³ rises monotonically on [0, 1]: tabulated inverse
        q = np.interp(g, 3.0 * _Q_GRID**2 - 2.0 * _Q_GRID**3, _Q_GRID)
    return 1.0 - (1.0 - q) ** 3


def unreacted_fraction_mechanism(theta, sizes: SizeDistribution, mechanism: str):
    """Volume fraction U(θ) left of a population at generalised time θ (nm^n), for ``mechanism``."""
    n = MECHANISMS[check_mechanism(mechanism)][0]
    th = np.atleast_1d(np.asarray(theta, dtype=float))
    d, w = sizes.diameters_nm, sizes.weights
    x = sphere_conversion(th[:, None] / d[None, :] ** n, mechanism)
    out = 1.0 - (x @ (w * d**3)) / np.sum(w * d**3)
    return out if np.ndim(theta) else float(out[0])


def _theta_table(sizes: SizeDistribution, mechanism: str, points: int = 1500):
    n = MECHANISMS[mechanism][0]
    theta_max = float(sizes.diameters_nm.max()) ** n
    u = np.linspace(0.0, 1.0, points)
    theta = theta_max * (1.0 - (1.0 - u) ** 3) * (1.0 - 1e-9)   # dense where the last grains vanish
    return theta, unreacted_fraction_mechanism(theta, sizes, mechanism)


def conversion_mechanism(times_min, sizes: SizeDistribution, rate: float, mechanism: str):
    """Conversion X(t) of a Li2S population for a rate-controlling ``mechanism`` (S ≡ 1).

    Parameters
    ----------
    times_min : array_like
        Reaction times, minutes.
    sizes : SizeDistribution
        Li2S particle diameters.
    rate : float
        ``k`` of the module docstring: nm/min for ``"reaction"`` (``k = 2v₀``),
        nm²/min for the diffusion forms; ``Dⁿ/k`` is the time a particle of
        diameter D needs at the initial concentration.
    mechanism : str
        One of :data:`MECHANISMS`.

    The concentration falls as the Li2S reacts (``dθ/dt = k (1 − X)``), as in
    :func:`conversion`; for ``"reaction"`` the two functions agree.
    """
    if not rate > 0:
        raise ParameterError("rate", rate, "a positive rate constant")
    theta, u = _theta_table(sizes, check_mechanism(mechanism))
    t_of_theta = cumulative_trapezoid(1.0 / (rate * np.maximum(u, 1e-300)), theta, initial=0.0)
    finite = np.isfinite(t_of_theta)
    t = np.asarray(times_min, dtype=float)
    x = 1.0 - np.interp(t, t_of_theta[finite], u[finite], right=float(u[finite][-1]))
    return x if np.ndim(times_min) else float(x)


def time_to_conversion_mechanism_min(target: float, sizes: SizeDistribution, rate: float, mechanism: str) -> float:
    """Time (min) at which the population reaches conversion ``target`` for ``mechanism`` (S ≡ 1)."""
    if not 0 < target < 1:
        raise ParameterError("target", target, "a conversion between 0 and 1, such as 0.99")
    theta, u = _theta_table(sizes, check_mechanism(mechanism))
    star = brentq(lambda th: unreacted_fraction_mechanism(th, sizes, mechanism) - (1.0 - target), 0.0, theta[-1])
    grid = np.append(theta[theta < star], star)
    return float(np.trapezoid(1.0 / (rate * unreacted_fraction_mechanism(grid, sizes, mechanism)), grid))
