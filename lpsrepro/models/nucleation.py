"""Precipitation of nanoparticles: LaMer burst nucleation, growth and Ostwald ripening.

A population-balance model of particles precipitating from a solution to which
a chemical reaction supplies "monomer" (here Li₂S or the solvated Li₃PS₄
unit). It answers the question the paper poses in §3.1: why do fast reaction
kinetics give monodisperse particles [1]_?

Physics
-------
*Supply.* The precursor reaction releases monomer with first-order kinetics,
so the monomer supplied per volume by time *t* is
``M(t) = c0 (1 - exp(-k t))`` (mol/m³), with *k* the **supply rate**. When
the release follows a reaction with its own kinetics, a tabulated history
``M(t) = c0 f(t)`` replaces it (:class:`SupplyHistory`); for the Li₃PS₄ of
§3.1, *f* is the conversion X(t) of the Li₂S particles that feed the reaction
(:func:`lpsrepro.models.kinetics.conversion_history`), so that the dual and
the conventional route differ only in the size distribution of their Li₂S.

*Supersaturation.* What has not precipitated stays dissolved:
``C = M - Σ n_i (4π/3) r_i³ / V_m`` and ``S = C / C_∞`` with the solubility
``C_∞`` of a flat surface and molar volume ``V_m``.

*Nucleation* (classical nucleation theory, as used by LaMer [2]_):
``J = J0 exp(-16π γ³ v² / (3 (k_B T)³ ln² S))`` nuclei per m³ and s, with
γ the solid–solution interfacial energy and ``v = V_m / N_A``. Nuclei are
born at the critical radius ``r* = l_c / ln S`` plus one monomer radius
(a critical nucleus that gains one more unit is supercritical), where
``l_c = 2 γ V_m / (R T)`` is the capillary length.

*Growth and dissolution* with the Gibbs–Thomson (Ostwald–Freundlich)
solubility ``C_r = C_∞ exp(l_c / r)`` of a particle of radius *r*, limited by
diffusion and by the surface reaction in series [3]_, [4]_::

    dr/dt = D V_m C_∞ (S - exp(l_c / r)) / (r + D / k_r)

Particles smaller than the current critical radius dissolve and feed the
larger ones: this is **Ostwald ripening**, whose rate scales with
``D C_∞ γ V_m²`` (Lifshitz–Slyozov–Wagner). The solubility ``C_∞`` is
therefore the **ripening strength** of the model: Li₂S and Li₃PS₄ are nearly
insoluble in THF/ACN, which is what lets a burst-nucleated population stay
narrow.

In LaMer's picture [2]_ a fast supply drives S through the critical
supersaturation quickly; the nuclei born in one short burst then consume the
monomer faster than it arrives, S drops below the nucleation threshold and
no further nuclei form ("separation of nucleation and growth", Sugimoto
[1]_). A slow supply keeps S near the threshold for a long time, nuclei of
different ages coexist and the distribution is broad; ripening broadens it
further as it ages. Which of these wins depends on the growth law: with
diffusion-limited growth, a sustained high supersaturation narrows the
distribution ("focusing", [5]_, [6]_); with surface-reaction-limited growth
(``r ≪ D/k_r``) all particles gain radius at the same speed after the
burst, the absolute spread made during the burst is kept and the relative
width falls as the particles grow — so in this regime a *slower* supply
(fewer nuclei, more growth per particle) gives the smaller sd/mean
(notebook 31a; ``tests/models/test_nucleation.py``).

Inverse problem
---------------
:func:`fit_supply_and_prefactor` finds the supply rate and the nucleation
prefactor that reproduce a measured mean and standard deviation (two
numbers, two unknowns); :func:`fit_prefactor` finds J0 alone from a
measured mean when the supply history is known.

Numerics
--------
The population is tracked as size classes (method of characteristics): each
time step with nucleation adds a class of ``n`` particles per m³ at the
nucleation radius; every class then follows the growth law. The radii obey a
stiff ODE system (small particles react to S within microseconds, ripening
takes hours) coupled through S; each step is therefore linearly implicit
(Rosenbrock–Euler) with the exact Jacobian, which is diagonal plus rank one
(all classes share S) and is inverted in O(number of classes) with the
Sherman–Morrison formula. The step size adapts so that S and the radii change
by at most a few per cent per step. Mass is conserved exactly (S is computed
from the mass balance, not integrated).

References
----------
.. [1] T. Sugimoto, *Monodispersed Particles*, 2nd ed., Elsevier (2019)
   (the paper's ref. 16); T. Sugimoto, "Preparation of monodispersed colloidal
   particles", Adv. Colloid Interface Sci. 28 (1987) 65,
   doi:10.1016/0001-8686(87)80009-X.
.. [2] V. K. LaMer, R. H. Dinegar, "Theory, production and mechanism of
   formation of monodispersed hydrosols", J. Am. Chem. Soc. 72 (1950) 4847,
   doi:10.1021/ja01167a001.
.. [3] D. V. Talapin, A. L. Rogach, M. Haase, H. Weller, "Evolution of an
   ensemble of nanoparticles in a colloidal solution: theoretical study",
   J. Phys. Chem. B 105 (2001) 12278, doi:10.1021/jp012229m.
.. [4] I. M. Lifshitz, V. V. Slyozov, J. Phys. Chem. Solids 19 (1961) 35;
   C. Wagner, Z. Elektrochem. 65 (1961) 581 (ripening kinetics).
.. [5] X. Peng, J. Wickham, A. P. Alivisatos, "Kinetics of II-VI and III-V
   colloidal semiconductor nanocrystal growth: 'focusing' of size
   distributions", J. Am. Chem. Soc. 120 (1998) 5343, doi:10.1021/ja9805425.
.. [6] M. D. Clark, S. K. Kumar, J. S. Owen, E. M. Chan, "Focusing nanocrystal
   size distributions via production control", Nano Lett. 11 (2011) 1976
   (continuous monomer production and size focusing).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np
import xarray as xr
from scipy.constants import Avogadro, Boltzmann, gas_constant
from scipy.optimize import brentq, least_squares

from lpsrepro.errors import LpsreproError, ParameterError


class ModelMismatch(ParameterError):
    """The model cannot explain a measurement (not a mistyped parameter).

    Raised by the inverse fits and by :func:`simulate_precipitation` when no particle forms. It
    subclasses :class:`~lpsrepro.errors.ParameterError` so that callers that guard model
    evaluations keep working, but its message says in words what measurement could not be
    explained and why, without the names of internal variables.

    Attributes
    ----------
    measurement : str
        What was to be explained (e.g. "a mean diameter of 17 700 nm").
    reason : str
        Why the model could not (e.g. the range of means it reaches).
    """

    def __init__(self, measurement: str, reason: str):
        self.measurement, self.reason = measurement, reason
        self.name, self.value, self.expected = "model", measurement, reason
        LpsreproError.__init__(self, f"the precipitation model cannot explain {measurement}: {reason}")


@dataclass(frozen=True)
class PrecipitationParameters:
    """Inputs of :func:`simulate_precipitation`, SI units in the names.

    Attributes
    ----------
    supply_rate_per_s : float
        First-order rate constant *k* of the monomer-releasing reaction, 1/s.
    solubility_mol_per_m3 : float
        Equilibrium solubility ``C_∞`` of a flat surface, mol/m³ (the
        ripening strength).
    precursor_mol_per_m3 : float
        Monomer released by the complete reaction, ``c0``, mol/m³.
    molar_volume_m3_per_mol : float
        ``V_m`` of the solid, m³/mol (molar mass / density).
    surface_energy_j_per_m2 : float
        Solid–solution interfacial energy γ, J/m².
    diffusion_m2_per_s : float
        Diffusion coefficient *D* of the monomer, m²/s.
    surface_rate_m_per_s : float
        Rate constant ``k_r`` of monomer attachment, m/s (``D/k_r`` is the
        radius at which growth turns from reaction- to diffusion-limited).
    nucleation_prefactor_per_m3_s : float
        Kinetic prefactor ``J0`` of the CNT nucleation rate, 1/(m³ s).
    temperature_k : float
        Temperature, K.
    aging_time_s : float
        Time from mixing to the end of the synthesis, s.
    """

    supply_rate_per_s: float
    solubility_mol_per_m3: float
    precursor_mol_per_m3: float
    molar_volume_m3_per_mol: float
    surface_energy_j_per_m2: float
    diffusion_m2_per_s: float
    surface_rate_m_per_s: float
    nucleation_prefactor_per_m3_s: float
    temperature_k: float
    aging_time_s: float

    def __post_init__(self):
        for name, value in asdict(self).items():
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ParameterError(name, value, "a positive finite number (SI units, see the field name)")

    def with_(self, **changes) -> "PrecipitationParameters":
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class PrecipitationResult:
    """Output of :func:`simulate_precipitation`.

    ``radius_m`` and ``number_per_m3`` describe the final population, one
    entry per size class (sorted by radius); the ``*_t`` arrays are the
    history at the accepted time steps.
    """

    parameters: PrecipitationParameters
    radius_m: np.ndarray
    number_per_m3: np.ndarray
    time_s: np.ndarray
    supersaturation_t: np.ndarray
    nucleation_rate_t: np.ndarray
    number_t: np.ndarray
    mean_diameter_nm_t: np.ndarray
    steps: int
    rejected_steps: int

    @property
    def diameter_nm(self) -> np.ndarray:
        """Diameters of the final size classes, nm."""
        return 2e9 * self.radius_m

    def moments_nm(self) -> tuple[float, float]:
        """Number-weighted mean and standard deviation of the diameter, nm."""
        return number_weighted_mean_sd(self.diameter_nm, self.number_per_m3)

    def relative_width(self) -> float:
        """Coefficient of variation sd/mean of the diameter (dimensionless)."""
        mean, sd = self.moments_nm()
        return sd / mean

    def nucleation_duration_s(self, fraction: float = 0.8) -> float:
        """Time over which the central ``fraction`` of all nuclei were born, s."""
        born = np.concatenate([[0.0], np.cumsum(0.5 * (self.nucleation_rate_t[1:] + self.nucleation_rate_t[:-1])
                                                 * np.diff(self.time_s))])
        if born[-1] <= 0:
            return 0.0
        lo, hi = np.interp([(1 - fraction) / 2 * born[-1], (1 + fraction) / 2 * born[-1]], born, self.time_s)
        return float(hi - lo)


def number_weighted_mean_sd(values, weights) -> tuple[float, float]:
    """Mean and (population) standard deviation of ``values`` weighted by ``weights``."""
    values, weights = np.asarray(values, float), np.asarray(weights, float)
    total = weights.sum()
    if total <= 0:
        return float("nan"), float("nan")
    mean = float((weights * values).sum() / total)
    return mean, float(np.sqrt((weights * (values - mean) ** 2).sum() / total))


def capillary_length_m(surface_energy_j_per_m2, molar_volume_m3_per_mol, temperature_k):
    """``l_c = 2 γ V_m / (R T)`` in m: the Gibbs–Thomson length.

    A particle of radius *r* is in equilibrium with ``S = exp(l_c / r)``.

    Examples
    --------
    >>> round(capillary_length_m(0.1, 2.75e-5, 298.15) * 1e9, 3)   # nm
    2.219
    """
    return 2.0 * surface_energy_j_per_m2 * molar_volume_m3_per_mol / (gas_constant * temperature_k)


def critical_radius_m(supersaturation, surface_energy_j_per_m2, molar_volume_m3_per_mol, temperature_k):
    """Critical nucleus radius ``r* = l_c / ln S`` in m (infinite for S ≤ 1)."""
    s = np.asarray(supersaturation, dtype=float)
    lc = capillary_length_m(surface_energy_j_per_m2, molar_volume_m3_per_mol, temperature_k)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s > 1.0, lc / np.log(np.where(s > 1.0, s, 2.0)), np.inf)


def nucleation_barrier_coefficient(surface_energy_j_per_m2, molar_volume_m3_per_mol, temperature_k):
    """``B = 16π γ³ v² / (3 (k_B T)³)`` so that ``J = J0 exp(-B / ln² S)`` (dimensionless)."""
    v = molar_volume_m3_per_mol / Avogadro
    return 16.0 * np.pi * surface_energy_j_per_m2**3 * v**2 / (3.0 * (Boltzmann * temperature_k) ** 3)


def nucleation_rate_per_m3_s(supersaturation, prefactor_per_m3_s, barrier_coefficient):
    """Classical homogeneous nucleation rate ``J0 exp(-B / ln² S)``, 1/(m³ s); 0 for S ≤ 1."""
    s = np.asarray(supersaturation, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ln_s = np.log(np.where(s > 1.0, s, 2.0))
        return np.where(s > 1.0, prefactor_per_m3_s * np.exp(-barrier_coefficient / ln_s**2), 0.0)


def growth_rate_m_per_s(radius_m, supersaturation, *, diffusion_m2_per_s, surface_rate_m_per_s,
                        solubility_mol_per_m3, molar_volume_m3_per_mol, capillary_length_m):
    """Radial growth rate with Gibbs–Thomson solubility, m/s (negative: dissolution).

    ``dr/dt = D V_m C_∞ (S - exp(l_c/r)) / (r + D/k_r)`` — diffusion and
    surface reaction in series (Talapin et al. 2001, eq. 6 in our notation).
    """
    r = np.asarray(radius_m, dtype=float)
    a = diffusion_m2_per_s * molar_volume_m3_per_mol * solubility_mol_per_m3
    delta = diffusion_m2_per_s / surface_rate_m_per_s
    return a * (supersaturation - np.exp(np.minimum(capillary_length_m / r, 700.0))) / (r + delta)


def monomer_radius_m(molar_volume_m3_per_mol) -> float:
    """Radius of a sphere with the volume of one formula unit, m."""
    return float((3.0 * molar_volume_m3_per_mol / (4.0 * np.pi * Avogadro)) ** (1.0 / 3.0))


@dataclass(frozen=True)
class SupplyHistory:
    """A tabulated monomer supply: the fraction of the precursor released by time *t*.

    Replaces the first-order law ``1 - exp(-k t)`` of :func:`simulate_precipitation`
    when the release follows a reaction with its own kinetics, e.g. the
    shrinking-particle conversion X(t) of Li₂S in Li₂S·P₂S₅ solution
    (:func:`lpsrepro.models.kinetics.conversion_history`): the monomer supplied
    per volume is then ``M(t) = c0 · fraction(t)`` (mol/m³). Values between
    the tabulated times are interpolated linearly; after the last time the
    last fraction holds.

    Attributes
    ----------
    time_s : numpy.ndarray
        Increasing times from 0, s.
    fraction : numpy.ndarray
        Non-decreasing supplied fraction between 0 and 1 at ``time_s``
        (0 at t = 0).
    """

    time_s: np.ndarray
    fraction: np.ndarray

    def __post_init__(self):
        t = np.asarray(self.time_s, dtype=float)
        f = np.asarray(self.fraction, dtype=float)
        if t.ndim != 1 or t.shape != f.shape or t.size < 2:
            raise ParameterError("supply history", f"{t.shape} times, {f.shape} fractions",
                                 "two equal 1-D arrays of at least two points")
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(f)) and t[0] == 0.0 and np.all(np.diff(t) > 0)):
            raise ParameterError("supply history times", t[:3], "finite, strictly increasing times in s starting at 0")
        if not (f[0] == 0.0 and np.all(np.diff(f) >= 0) and f[-1] <= 1.0 and f[-1] > 0):
            raise ParameterError("supply history fractions", f[[0, -1]],
                                 "a supplied fraction rising from 0 (at t = 0) to at most 1")
        object.__setattr__(self, "time_s", t)
        object.__setattr__(self, "fraction", f)

    @classmethod
    def first_order(cls, rate_per_s: float, end_s: float, points: int = 2000) -> "SupplyHistory":
        """The first-order law ``1 - exp(-k t)`` tabulated up to ``end_s`` (for comparisons)."""
        t = np.concatenate([[0.0], np.geomspace(1e-4 / rate_per_s, end_s, points - 1)])
        return cls(t, -np.expm1(-rate_per_s * t))

    def __call__(self, time_s: float) -> float:
        """Supplied fraction at ``time_s`` (s)."""
        return float(np.interp(time_s, self.time_s, self.fraction))

    @property
    def time_scale_s(self) -> float:
        """Shortest time scale of the supply, s: final fraction over the largest release rate."""
        rate = np.diff(self.fraction) / np.diff(self.time_s)
        return float(self.fraction[-1] / rate.max())

    def time_to_fraction_s(self, target: float) -> float:
        """First time (s) at which the supplied fraction reaches ``target``; inf if never."""
        above = np.nonzero(self.fraction >= target)[0]
        if above.size == 0:
            return float("inf")
        i = int(above[0])
        if i == 0:
            return 0.0
        return float(np.interp(target, self.fraction[i - 1:i + 1], self.time_s[i - 1:i + 1]))


#: The solver's relative step tolerance in the analyses (:func:`simulate_precipitation`'s default).
REL_TOL = 0.02


def simulate_precipitation(p: PrecipitationParameters, *, supply: SupplyHistory | None = None,
                           rel_tol: float = REL_TOL, max_steps: int = 20000) -> PrecipitationResult:
    """Solve the population balance from mixing (t = 0) to ``p.aging_time_s``.

    Parameters
    ----------
    p : PrecipitationParameters
        Physical inputs.
    supply : SupplyHistory, optional
        Tabulated release of monomer; ``M(t) = p.precursor_mol_per_m3 ·
        supply(t)``. ``None`` (default): the first-order law with
        ``p.supply_rate_per_s``, which is then the only use of that field.
    rel_tol : float
        Largest relative change of S and of the radii allowed in one step.
    max_steps : int
        Safety limit on accepted + rejected steps.

    Returns
    -------
    PrecipitationResult

    Raises
    ------
    ParameterError
        If the inputs are such that no particle forms before the end (S never
        reaches a measurable nucleation rate), or the step limit is reached.

    Notes
    -----
    Accuracy and reproducibility depend on the growth regime. The step control judges the growth of
    young nuclei against the largest particles, not their own size. With reaction-limited growth
    (``D/(k_r r) ≫ 1``, every radius grows at one speed) that is enough: the moments move by
    0.2–0.3 % when ``rel_tol`` is quartered. With diffusion-limited growth the number of nuclei
    depends on the under-resolved early growth and the solution is first order in ``rel_tol`` with
    a large constant (the mean moves by 10–35 % when ``rel_tol`` is quartered). There the discrete
    solution also amplifies last-bit differences (numpy's SIMD ``exp``/``log`` differ between CPUs)
    exponentially after the burst until an accept/reject decision (``worst > 2 rel_tol``) flips,
    after which two CPUs take different step sequences. Callers that show such solutions check them
    against a finer tolerance (:func:`width_by_regime`). The default path is kept as it is: the
    bundled stand-ins are generated with it and must regenerate byte-identically.
    """
    vm = p.molar_volume_m3_per_mol
    lc = capillary_length_m(p.surface_energy_j_per_m2, vm, p.temperature_k)
    barrier = nucleation_barrier_coefficient(p.surface_energy_j_per_m2, vm, p.temperature_k)
    r_mono = monomer_radius_m(vm)
    a = p.diffusion_m2_per_s * vm * p.solubility_mol_per_m3
    delta = p.diffusion_m2_per_s / p.surface_rate_m_per_s
    c_inf, c0, k = p.solubility_mol_per_m3, p.precursor_mol_per_m3, p.supply_rate_per_s
    volume_factor = 4.0 * np.pi / 3.0 / vm          # mol of solid per (m³ of particle radius³)
    # A class whose total volume is below this fraction of the precursor is not worth tracking.
    negligible_mol = 1e-14 * c0

    # Nucleation rates below this add no particle worth tracking over the whole synthesis.
    j_significant = negligible_mol / (p.aging_time_s * volume_factor * (3.0 * r_mono) ** 3)
    log_j_floor = math.log(j_significant)

    if supply is None:
        def supplied(time):
            return c0 * -math.expm1(-k * time)
    else:
        supply_t, supply_f = supply.time_s, supply.fraction

        def supplied(time):
            return c0 * float(np.interp(time, supply_t, supply_f))
        k = 1.0 / supply.time_scale_s      # only sets the first and the smallest step

    def log_j(s):
        if s <= 1.0:
            return log_j_floor
        return max(log_j_floor, math.log(p.nucleation_prefactor_per_m3_s) - barrier / math.log(s) ** 2)

    r = np.empty(0)
    n = np.empty(0)
    t, h = 0.0, min(1e-2 / k, 1e-3 * p.aging_time_s)
    s_old = 0.0
    hist_t, hist_s, hist_j, hist_n, hist_d = [0.0], [0.0], [0.0], [0.0], [np.nan]
    steps = rejected = 0
    while t < p.aging_time_s * (1 - 1e-12):
        if steps + rejected > max_steps:
            raise ModelMismatch("a precipitation with these inputs",
                                f"the solver needs more than {max_steps} steps (stopped at {t:.3g} s of "
                                f"{p.aging_time_s:.3g} s); inputs: {_short(p)}")
        h = min(h, p.aging_time_s - t)
        m_new = supplied(t + h)
        s_now = (m_new - volume_factor * np.dot(n, r**3)) / c_inf   # after this step's supply, before growth
        if r.size:
            r_trial, s_new = _implicit_step(r, n, h, m_new, s_now, a=a, delta=delta, lc=lc, c_inf=c_inf,
                                            volume_factor=volume_factor)
        else:
            r_trial, s_new = r, s_now
        dr = r_trial - r
        alive = r_trial > r_mono
        # Step control: radii of particles that are not dissolving away, the supersaturation
        # (when above 1) and the nucleation rate (when it matters) change by little per step.
        # Young nuclei may grow fast relative to their own size, as long as the change is small
        # against the largest particles (resolving each nucleus's first nanometre would cost
        # thousands of steps and does not change the final distribution); dissolving particles
        # are followed implicitly and limited only through the S they release.
        growing = dr > 0
        change_r = (float(np.max(dr[growing] / np.maximum(r[growing], 0.5 * r.max())))
                    if growing.any() else 0.0)
        change_s = abs(math.log(max(s_new, 1.0)) - math.log(max(s_old, 1.0)))
        change_j = abs(log_j(s_new) - log_j(s_old)) / 10.0
        worst = max(change_r, change_s, change_j)
        if (worst > 2 * rel_tol or s_new <= 0) and h > 1e-12 / k:
            h *= 0.5
            rejected += 1
            continue
        j = float(nucleation_rate_per_m3_s(s_new, p.nucleation_prefactor_per_m3_s, barrier))
        born_mol = 0.0
        if j > 0:  # the nuclei born during this step, at the step's final supersaturation
            r_born = lc / math.log(s_new) + r_mono
            n_born = j * h
            born_mol = n_born * volume_factor * r_born**3
            # the nuclei themselves must not use up more than a small part of the dissolved monomer
            if born_mol > rel_tol * c_inf * s_new and h > 1e-12 / k:
                h *= 0.5
                rejected += 1
                continue
        t += h
        r, n = r_trial[alive], n[alive]
        if born_mol > negligible_mol:
            r = np.append(r, r_born)
            n = np.append(n, n_born)
        else:
            born_mol = 0.0
        s_new -= born_mol / c_inf
        s_old = s_new
        steps += 1
        hist_t.append(t)
        hist_s.append(s_new)
        hist_j.append(j)
        hist_n.append(float(n.sum()))
        hist_d.append(number_weighted_mean_sd(2e9 * r, n)[0] if n.size else np.nan)
        h *= float(np.clip(0.8 * rel_tol / max(worst, 1e-12), 0.3, 1.5))
    if n.size == 0:
        raise ModelMismatch("any particles with these inputs",
                            "the supersaturation never reaches a measurable nucleation rate before the end of the "
                            f"synthesis (a higher precursor concentration or a lower solubility would); inputs: {_short(p)}")
    order = np.argsort(r)
    return PrecipitationResult(parameters=p, radius_m=r[order], number_per_m3=n[order],
                               time_s=np.asarray(hist_t), supersaturation_t=np.asarray(hist_s),
                               nucleation_rate_t=np.asarray(hist_j), number_t=np.asarray(hist_n),
                               mean_diameter_nm_t=np.asarray(hist_d), steps=steps, rejected_steps=rejected)


@dataclass(frozen=True)
class PrecipitationFit:
    """Output of the inverse fits :func:`fit_supply_and_prefactor` and :func:`fit_prefactor`.

    Attributes
    ----------
    parameters : PrecipitationParameters
        The base parameters with the fitted unknowns.
    result : PrecipitationResult
        The model solved at ``parameters``.
    target_mean_nm, target_sd_nm : float
        The distribution fitted to (``target_sd_nm`` is NaN when only the mean was fitted).
    evaluations : int
        Model solutions used by the fit.
    """

    parameters: PrecipitationParameters
    result: PrecipitationResult
    target_mean_nm: float
    target_sd_nm: float
    evaluations: int

    def misfit(self) -> tuple[float, float]:
        """Relative differences (model − target) / target of the mean and the sd."""
        mean, sd = self.result.moments_nm()
        return mean / self.target_mean_nm - 1.0, sd / self.target_sd_nm - 1.0


def fit_supply_and_prefactor(mean_nm: float, sd_nm: float, base: PrecipitationParameters, *,
                             start: tuple[float, float] = (-2.0, 30.0), xtol: float = 1e-6,
                             ftol: float = 1e-8, max_evaluations: int | None = None,
                             max_misfit: float = 0.05) -> PrecipitationFit:
    """The supply rate *k* and nucleation prefactor J0 that give a measured size distribution.

    The inverse problem of :func:`simulate_precipitation` with the first-order
    supply: every input but ``supply_rate_per_s`` and
    ``nucleation_prefactor_per_m3_s`` is taken from ``base``, and those two are
    chosen by least squares (scipy's trust-region reflective method, in log10
    space) so that the model's number-weighted mean and standard deviation of
    the diameter equal ``mean_nm`` and ``sd_nm`` (residuals: log of the
    ratios). Two numbers fix two unknowns: a larger J0 makes more, smaller
    particles; a slower supply makes fewer, larger ones with a different
    spread. These are "the kinetics that explain the distribution" under the
    model's physics, not an independent measurement of them.

    Parameters
    ----------
    mean_nm, sd_nm : float
        Target mean and standard deviation of the diameter, nm.
    base : PrecipitationParameters
        All other inputs.
    start : (float, float)
        Start values (log10 of k in 1/s, log10 of J0 in 1/(m³ s)); any point
        at which particles nucleate.
    xtol, ftol : float
        Tolerances of :func:`scipy.optimize.least_squares`.
    max_evaluations : int, optional
        Most model solutions the fit may use (bounds its time: a target far from anything the
        model makes would otherwise wander through slow corners of the parameter space);
        ``None``: scipy's default (100 per unknown).
    max_misfit : float
        Largest relative difference of the model's mean or sd from the target accepted as a fit.

    Raises
    ------
    ParameterError
        If the targets are not positive.
    ModelMismatch
        If the closest distribution the fit found differs from the target by more than
        ``max_misfit`` (the message gives both).
    """
    if not (mean_nm > 0 and sd_nm > 0 and math.isfinite(mean_nm) and math.isfinite(sd_nm)):
        raise ModelMismatch(f"a size distribution of {mean_nm} ± {sd_nm} nm",
                            "a measured size distribution needs a positive, finite mean and spread")
    target = np.array([mean_nm, sd_nm], dtype=float)
    calls = [0]

    def params_at(x):
        return base.with_(supply_rate_per_s=float(10 ** x[0]), nucleation_prefactor_per_m3_s=float(10 ** x[1]))

    def residual(x):
        calls[0] += 1
        try:
            moments = np.array(simulate_precipitation(params_at(x)).moments_nm())
        except ParameterError:       # no particles at this trial point: far from any target
            return np.array([10.0, 10.0])
        if not np.all(moments > 0):  # a single size class (sd 0): as far from a measured spread as it gets
            return np.array([10.0, 10.0])
        return np.log(moments / target)

    fit = least_squares(residual, x0=list(start), x_scale=[0.5, 1.0], diff_step=1e-3, xtol=xtol, ftol=ftol,
                        max_nfev=max_evaluations)
    best = params_at(fit.x)
    try:
        result = simulate_precipitation(best)
    except ParameterError:
        raise ModelMismatch(f"a size distribution of {mean_nm:.3g} ± {sd_nm:.3g} nm",
                            f"no supply rate and nucleation prefactor tried ({calls[0]} model solutions) "
                            "makes particles at all near it") from None
    out = PrecipitationFit(best, result, float(mean_nm), float(sd_nm), calls[0] + 1)
    worst = max(abs(v) for v in out.misfit())
    if not worst <= max_misfit:
        mean, sd = result.moments_nm()
        raise ModelMismatch(f"a size distribution of {mean_nm:.3g} ± {sd_nm:.3g} nm",
                            f"the closest the model came in {calls[0]} solutions is {mean:.3g} ± {sd:.3g} nm "
                            f"(off by {100 * worst:.0f} %, more than the {100 * max_misfit:g} % accepted)")
    return out


def fit_prefactor(mean_nm: float, base: PrecipitationParameters, *, supply: SupplyHistory | None = None,
                  log10_range: tuple[float, float] = (14.0, 46.0), log10_step: float = 2.0,
                  xtol: float = 1e-3) -> PrecipitationFit:
    """The nucleation prefactor J0 that gives a measured mean diameter, for a given supply.

    When the release of monomer is known — e.g. the conversion history of the
    Li₂S feeding the reaction (:class:`SupplyHistory`) — J0 is the only unknown
    of the model and the mean fixes it; the standard deviation is then a
    prediction. The mean falls monotonically with J0 (more nuclei share the
    same monomer), so a coarse scan of log10 J0 over ``log10_range`` brackets
    the target and Brent's method refines it to ``xtol`` in log10 J0.

    Raises
    ------
    ModelMismatch
        If no J0 in the range gives the target mean (the message gives the means the range reaches).
    """
    if not (mean_nm > 0 and math.isfinite(mean_nm)):
        raise ModelMismatch(f"a mean particle diameter of {mean_nm} nm", "a measured mean must be a positive, finite diameter")
    calls = [0]

    def misfit(log_j0):
        calls[0] += 1
        try:
            res = simulate_precipitation(base.with_(nucleation_prefactor_per_m3_s=float(10 ** log_j0)), supply=supply)
        except ParameterError:
            return float("nan")
        return math.log(res.moments_nm()[0] / mean_nm)

    grid = np.arange(log10_range[0], log10_range[1] + 1e-9, log10_step)
    previous, reached = None, []
    for x in grid:
        value = misfit(x)
        if math.isfinite(value):
            reached.append(mean_nm * math.exp(value))
        if previous is not None and math.isfinite(value) and math.isfinite(previous[1]) and previous[1] > 0 >= value:
            log_j0 = brentq(misfit, previous[0], x, xtol=xtol)
            best = base.with_(nucleation_prefactor_per_m3_s=float(10 ** log_j0))
            return PrecipitationFit(best, simulate_precipitation(best, supply=supply), float(mean_nm),
                                    float("nan"), calls[0] + 1)
        previous = (x, value)
    span = (f"means from {min(reached):.3g} to {max(reached):.3g} nm" if reached
            else "no particles at all")
    raise ModelMismatch(f"a mean particle diameter of {mean_nm:.3g} nm with this monomer supply",
                        f"nucleation-rate prefactors from 1e{log10_range[0]:g} to 1e{log10_range[1]:g} per m³ "
                        f"per s give {span}")


def _short(p: PrecipitationParameters) -> str:
    """The parameters in one short line, for error messages."""
    return ", ".join(f"{k}={v:.3g}" for k, v in asdict(p).items())


def _implicit_step(r, n, h, supplied_mol_per_m3, s_guess, *, a, delta, lc, c_inf, volume_factor):
    """One linearly implicit step of all radii, with S solved from the exact mass balance.

    Per class, ``r_new = r + h f(r, S) / (1 - h ∂f/∂r)`` (stable part of ∂f/∂r only), which is
    linear in the end-of-step supersaturation S because the growth law is. S then follows from
    ``M - (4π/3V_m) Σ n r_new³ - C_∞ S = 0``, a monotone scalar equation solved by safeguarded
    Newton iteration. Solving the mass balance exactly matters: S is the small difference of
    two large numbers (supplied and precipitated monomer) once most monomer is in particles.
    """
    expo = np.exp(np.minimum(lc / r, 700.0))
    denom = r + delta
    d = a * (expo * lc / r**2 / denom - (s_guess - expo) / denom**2)
    gain = h * a / (denom * (1.0 - h * np.minimum(d, 0.0)))   # ∂r_new/∂S
    base = r - gain * expo                                       # r_new = base + gain S

    def residual(s):
        rn = np.maximum(base + gain * s, 0.0)
        return (supplied_mol_per_m3 - volume_factor * np.dot(n, rn**3) - c_inf * s,
                -3.0 * volume_factor * np.dot(n, rn**2 * gain) - c_inf)

    lo, hi = 0.0, supplied_mol_per_m3 / c_inf      # residual(lo) ≥ 0 only if something can dissolve...
    if residual(lo)[0] <= 0.0:                      # ...otherwise S = 0 and particles dissolve at full speed
        s = 0.0
    else:
        s = min(max(s_guess, lo), hi)
        for _ in range(60):
            value, slope = residual(s)
            if abs(value) <= 1e-13 * supplied_mol_per_m3:
                break
            if value > 0:
                lo = s
            else:
                hi = s
            if hi - lo <= 1e-13 * hi:
                break
            step = s - value / slope
            s = step if lo < step < hi else 0.5 * (lo + hi)
    return base + gain * s, s


def diameter_density_per_nm(result: PrecipitationResult, edges_nm) -> np.ndarray:
    """Number fraction per nm of diameter on the bins ``edges_nm`` (integrates to ≤ 1)."""
    edges = np.asarray(edges_nm, dtype=float)
    counts, _ = np.histogram(result.diameter_nm, bins=edges, weights=result.number_per_m3)
    return counts / result.number_per_m3.sum() / np.diff(edges)


def smoothed_diameter_density_per_nm(result: PrecipitationResult, d_nm, bandwidth_nm: float | None = None) -> np.ndarray:
    """Number fraction per nm at diameters ``d_nm``, Gaussian-kernel smoothed over the size classes.

    The model's population is a set of discrete classes (one per nucleation step), so a histogram
    on a fine grid is spiky; each class is spread as a Gaussian of width ``bandwidth_nm`` (default:
    a tenth of the distribution's sd, which changes the sd by 0.5 %). Integrates to 1.
    """
    d = np.asarray(d_nm, dtype=float)
    mean, sd = result.moments_nm()
    h = float(bandwidth_nm) if bandwidth_nm else max(0.1 * sd, 1e-3 * mean)
    w = result.number_per_m3 / result.number_per_m3.sum()
    z = (d[:, None] - result.diameter_nm[None, :]) / h
    return (np.exp(-0.5 * z**2) * w[None, :]).sum(axis=1) / (h * math.sqrt(2.0 * math.pi))


def sample_diameters_nm(result: PrecipitationResult, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw particle diameters (nm) from the final population.

    Inverse-transform sampling of the number-weighted cumulative distribution,
    interpolated linearly between size classes so that the draws form a
    continuous distribution rather than a set of class values.
    """
    d = result.diameter_nm
    cdf = np.cumsum(result.number_per_m3)
    cdf = (cdf - 0.5 * result.number_per_m3) / cdf[-1]    # mid-point plotting positions
    u = rng.uniform(cdf[0], cdf[-1], size) if d.size > 1 else np.zeros(size)
    return np.interp(u, cdf, d) if d.size > 1 else np.full(size, d[0])


# --------------------------------------------------------------------------- growth regimes and focusing
def growth_regime_number(radius_m, diffusion_m2_per_s, surface_rate_m_per_s):
    """``D / (k_r r)``: above 1 growth is limited by the surface reaction, below 1 by diffusion.

    The ratio of the two resistances in series of the growth law (Talapin et al. 2001, their
    parameter for the crossover between reaction- and diffusion-controlled growth). Dimensionless.

    Examples
    --------
    >>> round(float(growth_regime_number(22e-9, 1e-9, 1e-6)))     # the ledger's k_r: reaction-limited
    45455
    """
    return diffusion_m2_per_s / (surface_rate_m_per_s * np.asarray(radius_m, dtype=float))


#: Step tolerance of the growth-regime scan's check solution: a quarter of the analyses' :data:`REL_TOL`.
REGIME_CHECK_REL_TOL = REL_TOL / 4
#: Largest relative change of the mean or the relative width between the scan's solution and its
#: check solution (:data:`REGIME_CHECK_REL_TOL`) for which a point counts as converged.
REGIME_MAX_CHANGE = 0.02


def width_by_regime(base: PrecipitationParameters, supply_rates_per_s, surface_rates_m_per_s, *,
                    rel_tol: float = REL_TOL, check_rel_tol: float = REGIME_CHECK_REL_TOL,
                    max_change: float = REGIME_MAX_CHANGE):
    """Mean diameter and relative width for first-order supplies in several growth regimes.

    Solves :func:`simulate_precipitation` for every pair (surface rate ``k_r``, supply rate *k*),
    all other inputs from ``base`` (including the nucleation prefactor: the comparison is at one
    nucleation law). Where growth is diffusion-limited (``D/(k_r r) ≪ 1``) small particles gain
    radius faster than large ones, ``dr/dt ∝ 1/r``, and the distribution narrows while the
    supersaturation stays high — the "focusing" of Reiss (1951) and Peng et al. (1998);
    reaction-limited growth (``D/(k_r r) ≫ 1``) moves all radii at one speed and keeps the
    absolute spread of the burst (Talapin et al. 2001).

    Every point is solved twice, at the step tolerance ``rel_tol`` and at ``check_rel_tol``; a point
    whose mean or relative width moves by more than ``max_change`` (relative) between the two is
    not converged: its mean and width are NaN (a gap, never a number) and ``converged`` is False.

    Parameters
    ----------
    base : PrecipitationParameters
    supply_rates_per_s : sequence of float
        First-order supply rates *k*, 1/s.
    surface_rates_m_per_s : sequence of float
        Surface-reaction rate constants ``k_r``, m/s.
    rel_tol, check_rel_tol : float
        Step tolerances of the solution and of its check (:func:`simulate_precipitation`).
    max_change : float
        Largest relative change between them accepted as converged (dimensionless).

    Returns
    -------
    xarray.Dataset
        Dims ``surface_rate`` (m/s) and ``supply_rate`` (1/s); variables ``mean_diameter`` (nm),
        ``relative_width`` (sd/mean), both NaN where nothing nucleates or the point did not converge;
        ``regime_number`` (``D/(k_r r̄)`` at the final mean radius of the ``rel_tol`` solution, an
        order of magnitude also where it did not converge); ``convergence`` (the larger relative
        change of mean and width between the two tolerances) and ``converged`` (bool); attrs
        ``rel_tol``, ``check_rel_tol`` and ``max_change`` (the test applied).

    Notes
    -----
    Why the check. With diffusion-limited growth the solver's answer depends on its step sequence
    far more than the analysis's tolerance suggests: the number of nuclei is set during the burst,
    whose young nuclei the step control resolves only against the largest particles, so the mean
    and the width are first-order in the tolerance with a large constant (measured for the §3.1
    scan, k_r = 10⁻² m/s, k = 1.6·10⁻⁴ 1/s: mean 12 400, 15 200 and 17 600 nm at tolerances 0.02,
    0.002 and 0.0007). The same sensitivity made the figure depend on the CPU: numpy's SIMD code
    paths change the last bits of ``exp``/``log``, the adaptive step control amplifies such a
    difference exponentially after the burst (from 10⁻¹² to 10⁻⁴ relative in S within ~200 steps,
    measured), until an accept/reject decision flips; from then the two machines follow different
    step sequences and differ by the scheme's error (0.05–0.2 % of the narrowest widths). A point
    that passes the check is stable to far less than its printed digits; a point that does not is
    left out, on every CPU, rather than shown with a number the solver cannot support.

    References
    ----------
    H. Reiss, "The growth of uniform colloidal dispersions", J. Chem. Phys. 19 (1951) 482,
    doi:10.1063/1.1748251. Talapin et al. 2001 and Peng et al. 1998 (module references).
    """
    ks = np.asarray(supply_rates_per_s, dtype=float)
    krs = np.asarray(surface_rates_m_per_s, dtype=float)
    mean = np.full((krs.size, ks.size), np.nan)
    width = np.full_like(mean, np.nan)
    change = np.full_like(mean, np.nan)
    for i, kr in enumerate(krs):
        for j, k in enumerate(ks):
            p = base.with_(surface_rate_m_per_s=float(kr), supply_rate_per_s=float(k))
            try:
                res = simulate_precipitation(p, rel_tol=rel_tol)
            except ParameterError:          # nothing nucleates, or the solver gives up: a gap, not a number
                continue
            mean[i, j], sd = res.moments_nm()
            width[i, j] = sd / mean[i, j]
            try:
                check = simulate_precipitation(p, rel_tol=check_rel_tol)
            except ParameterError:          # the check needs more steps than the solver allows: not converged
                continue
            check_mean, check_sd = check.moments_nm()
            change[i, j] = max(abs(mean[i, j] / check_mean - 1.0), abs(width[i, j] / (check_sd / check_mean) - 1.0))
    regime = growth_regime_number(0.5e-9 * mean, base.diffusion_m2_per_s, krs[:, None])
    converged = change <= max_change          # False also where nothing was solved (NaN)
    mean, width = np.where(converged, mean, np.nan), np.where(converged, width, np.nan)
    coords = {"surface_rate": ("surface_rate", krs, {"units": "m/s", "long_name": "surface-reaction rate constant k_r"}),
              "supply_rate": ("supply_rate", ks, {"units": "1/s", "long_name": "first-order supply rate k"})}
    dims = ("surface_rate", "supply_rate")
    return xr.Dataset({"mean_diameter": (dims, mean, {"units": "nm", "long_name": "number-weighted mean diameter"}),
                       "relative_width": (dims, width, {"units": "1", "long_name": "sd / mean of the diameter"}),
                       "regime_number": (dims, regime, {"units": "1", "long_name": "D / (k_r r), >1 reaction-limited"}),
                       "convergence": (dims, change, {"units": "1", "long_name": "relative change of mean or width "
                                                      f"between step tolerances {rel_tol:g} and {check_rel_tol:g}"}),
                       "converged": (dims, converged, {"units": "1", "long_name": "change at most "
                                                       f"{max_change:g}: mean and width shown"})},
                      coords=coords, attrs={"rel_tol": rel_tol, "check_rel_tol": check_rel_tol,
                                            "max_change": max_change})


def faster_supply_narrows(relative_width_by_supply) -> bool:
    """Whether the relative width falls as the supply rate rises (widths ordered by increasing rate).

    True only when every step to a faster supply gives a narrower distribution (NaNs ignored).
    """
    w = np.asarray(relative_width_by_supply, dtype=float)
    w = w[np.isfinite(w)]
    return bool(w.size >= 2 and np.all(np.diff(w) < 0))


# --------------------------------------------------------------------------- templating mass balance
#: Standard atomic weights, g/mol (IUPAC, Pure Appl. Chem. 94 (2022) 573, abridged values).
ATOMIC_WEIGHT_G_PER_MOL = {"Li": 6.94, "P": 30.974, "S": 32.06}
#: β-Li3PS4 (Pnma): unit-cell volume 645.23 Å³ with Z = 4 formula units (Homma et al., Solid State
#: Ionics 182 (2011) 53, doi:10.1016/j.ssi.2010.10.001).
LI3PS4_BETA_CELL = {"volume_a3": 645.23, "z": 4, "formula": {"Li": 3, "P": 1, "S": 4}}
#: Li2S (antifluorite, Fm-3m): a = 5.708 Å, Z = 4 (E. Zintl, A. Harder, B. Dauth, Z. Elektrochem. 40
#: (1934) 588; 5.70–5.72 Å are reported at room temperature).
LI2S_CELL = {"volume_a3": 5.708**3, "z": 4, "formula": {"Li": 2, "S": 1}}


def molar_mass_g_per_mol(formula: dict[str, int]) -> float:
    """Molar mass (g/mol) of a formula given as ``{element: count}``."""
    return float(sum(ATOMIC_WEIGHT_G_PER_MOL[el] * n for el, n in formula.items()))


def molar_volume_from_cell_m3_per_mol(cell_volume_a3: float, formula_units_per_cell: int) -> float:
    """Molar volume (m³/mol) of a crystal: cell volume × N_A / Z."""
    return cell_volume_a3 * 1e-30 * Avogadro / formula_units_per_cell


def crystal_density_g_per_cm3(cell: dict) -> float:
    """Crystallographic density (g/cm³) of a cell given as ``{"volume_a3", "z", "formula"}``."""
    return molar_mass_g_per_mol(cell["formula"]) / (1e6 * molar_volume_from_cell_m3_per_mol(cell["volume_a3"], cell["z"]))


@dataclass(frozen=True)
class TemplatingBalance:
    """Is one product particle made from one template particle? (:func:`templating_balance`)

    ``volume_ratio`` is ``(d_product / d_template)³`` from the measured means; ``molar_volume_ratio``
    the volume of product per volume of template if every template unit became ``units_per_template``
    product units in place; their quotient, ``templates_per_particle``, is the number of template
    particles whose material one product particle holds (1 for one-to-one templating).
    """

    volume_ratio: float
    volume_ratio_std: float
    molar_volume_ratio: float
    templates_per_particle: float
    templates_per_particle_std: float
    product_molar_volume_cm3_per_mol: float
    template_molar_volume_cm3_per_mol: float


def templating_balance(product_mean_nm: float, template_mean_nm: float, *, product_cell: dict = LI3PS4_BETA_CELL,
                       template_cell: dict = LI2S_CELL, units_per_template: float = 1.0,
                       product_mean_se_nm: float = 0.0, template_mean_se_nm: float = 0.0) -> TemplatingBalance:
    """Mass balance of templated growth: product particle volume against the template's.

    For 2 Li2S + Li2S·P2S5 (= Li2P2S6) → 2 Li3PS4, each Li2S unit of the nano-Li2S ends in one
    Li3PS4 unit (``units_per_template = 1``): if each Li2S particle turned into one Li3PS4
    particle in place, the diameters would differ by ``(V_m(Li3PS4)/V_m(Li2S))^(1/3)``. The
    measured ``(d_product/d_template)³`` over that ratio counts the template particles per product
    particle. Sizes are the number-weighted means (``<d>³`` is not ``<d³>``: a narrow-distribution
    approximation, good to ``3 (sd/mean)²`` ≈ 10 % here). Uncertainties from the means' standard errors.

    Parameters
    ----------
    product_mean_nm, template_mean_nm : float
        Mean diameters, nm.
    product_cell, template_cell : dict
        ``{"volume_a3", "z", "formula"}`` of each crystal.
    units_per_template : float
        Product formula units made per template formula unit.
    product_mean_se_nm, template_mean_se_nm : float
        Standard errors of the means, nm.
    """
    ratio = (product_mean_nm / template_mean_nm) ** 3
    ratio_std = 3.0 * ratio * math.hypot(product_mean_se_nm / product_mean_nm, template_mean_se_nm / template_mean_nm)
    vp = molar_volume_from_cell_m3_per_mol(product_cell["volume_a3"], product_cell["z"])
    vt = molar_volume_from_cell_m3_per_mol(template_cell["volume_a3"], template_cell["z"])
    mv_ratio = units_per_template * vp / vt
    return TemplatingBalance(volume_ratio=ratio, volume_ratio_std=ratio_std, molar_volume_ratio=mv_ratio,
                             templates_per_particle=ratio / mv_ratio, templates_per_particle_std=ratio_std / mv_ratio,
                             product_molar_volume_cm3_per_mol=1e6 * vp, template_molar_volume_cm3_per_mol=1e6 * vt)
