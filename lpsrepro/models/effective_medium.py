"""Effective conductivity of a porous solid electrolyte (pores as insulating inclusions).

A cold-pressed pellet is not dense: its pores carry no ions, so the conductivity
measured on it, σ_eff = L / (R A), is below that of the dense solid, σ_bulk. To
compare a pellet with a dense film (paper §3.2: membrane 6.7e-5 S/cm against the
pellet's 3.87e-5 S/cm), the pellet's value is converted to that of its dense
solid — or the film's down to the pellet's porosity — before the ratio is read
as an effect of densification.

Physics
-------
Bruggeman's differential effective-medium theory for insulating spheres in a
conducting matrix gives [1]_, [2]_

    σ_eff = σ_bulk (1 − φ)^(3/2),

the "Bruggeman correlation" (tortuosity τ = (1 − φ)^(−1/2), MacMullin number
(1 − φ)^(−3/2)) used throughout battery and electrolyte work [2]_. Other pore
shapes give other exponents (Archie's law σ_eff = σ_bulk (1 − φ)^m; flat,
crack-like pores between pressed particles give m > 1.5), so the exponent is a
parameter. For any isotropic microstructure with insulating pores, the
Hashin–Shtrikman upper bound [3]_

    σ_eff ≤ σ_bulk · 2 (1 − φ) / (2 + φ)

caps what a porous sample can conduct; it gives the *smallest* correction that
physics allows, and is used here as the conservative end of the correction.

References
----------
.. [1] D. A. G. Bruggeman, "Berechnung verschiedener physikalischer Konstanten von
   heterogenen Substanzen", Ann. Phys. 416 (1935) 636, doi:10.1002/andp.19354160705.
.. [2] B. Tjaden, S. J. Cooper, D. J. L. Brett, D. Kramer, P. R. Shearing, "On the
   origin and application of the Bruggeman correlation for analysing transport
   phenomena in electrochemical systems", Curr. Opin. Chem. Eng. 12 (2016) 44,
   doi:10.1016/j.coche.2016.02.006.
.. [3] Z. Hashin, S. Shtrikman, "A variational approach to the theory of the effective
   magnetic permeability of multiphase materials", J. Appl. Phys. 33 (1962) 3125,
   doi:10.1063/1.1728579.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpsrepro.errors import ParameterError

#: Bruggeman exponent for insulating spherical inclusions [1]_.
BRUGGEMAN_EXPONENT = 1.5


def _check_porosity(porosity) -> np.ndarray:
    phi = np.asarray(porosity, dtype=float)
    if np.any(~np.isfinite(phi)) or np.any(phi < 0) or np.any(phi >= 1):
        raise ParameterError("porosity", porosity, "a pore volume fraction φ with 0 ≤ φ < 1, such as 0.2")
    return phi


def bruggeman_factor(porosity, exponent: float = BRUGGEMAN_EXPONENT):
    """``σ_eff / σ_bulk = (1 − φ)^m`` (dimensionless); m = 1.5 is Bruggeman's insulating spheres [1]_.

    Examples
    --------
    >>> round(float(bruggeman_factor(0.2)), 4)
    0.7155
    """
    if not exponent >= 1.0:
        raise ParameterError("exponent", exponent, "an Archie/Bruggeman exponent m ≥ 1 (1.5 for spheres)")
    return (1.0 - _check_porosity(porosity)) ** exponent


def hashin_shtrikman_upper_factor(porosity):
    """Upper bound of ``σ_eff / σ_bulk`` with insulating pores, ``2 (1 − φ) / (2 + φ)`` [3]_ (dimensionless)."""
    phi = _check_porosity(porosity)
    return 2.0 * (1.0 - phi) / (2.0 + phi)


def porous_conductivity_s_per_cm(bulk_conductivity_s_per_cm, porosity, exponent: float = BRUGGEMAN_EXPONENT):
    """σ_eff = σ_bulk (1 − φ)^m of a porous sample, in S/cm."""
    return np.asarray(bulk_conductivity_s_per_cm, dtype=float) * bruggeman_factor(porosity, exponent)


def dense_conductivity_s_per_cm(effective_conductivity_s_per_cm, porosity, exponent: float = BRUGGEMAN_EXPONENT):
    """σ_bulk = σ_eff / (1 − φ)^m: the conductivity of the dense solid behind a porous sample, in S/cm."""
    return np.asarray(effective_conductivity_s_per_cm, dtype=float) / bruggeman_factor(porosity, exponent)


@dataclass(frozen=True)
class PorosityCorrectedRatio:
    """σ(film) / σ(pellet) before and after referring both to the dense solid (dimensionless)."""

    raw: float
    raw_std: float
    corrected: float            # Bruggeman (exponent m) correction of both samples
    corrected_std: float        # with the porosity uncertainties propagated
    corrected_hashin_shtrikman: float   # the smallest correction physics allows (HS upper bound)
    pellet_porosity: float
    film_porosity: float
    exponent: float


def porosity_corrected_ratio(film_conductivity_s_per_cm: float, pellet_conductivity_s_per_cm: float, *,
                             pellet_porosity: float, film_porosity: float = 0.0,
                             film_conductivity_std_s_per_cm: float = 0.0,
                             pellet_conductivity_std_s_per_cm: float = 0.0,
                             pellet_porosity_std: float = 0.0, film_porosity_std: float = 0.0,
                             exponent: float = BRUGGEMAN_EXPONENT) -> PorosityCorrectedRatio:
    """Ratio of a film's to a pellet's conductivity, with both referred to the dense solid.

    ``ratio = [σ_film / (1 − φ_film)^m] / [σ_pellet / (1 − φ_pellet)^m]``. A ratio above 1
    after correction means the film's solid conducts better than the pellet's (e.g. better
    grain contacts); a raw ratio above 1 that falls to ≤ 1 after correction is explained by
    the pellet's pores alone. Uncertainties (one standard uncertainty) are propagated to
    first order; d ln(1 − φ)^m / dφ = −m / (1 − φ).

    Parameters
    ----------
    film_conductivity_s_per_cm, pellet_conductivity_s_per_cm : float
        Measured (effective) conductivities, S/cm.
    pellet_porosity, film_porosity : float
        Pore volume fractions (0 ≤ φ < 1).
    *_std : float
        Standard uncertainties of the above, same units.
    exponent : float
        Bruggeman/Archie exponent m (1.5: insulating spheres [1]_).

    Notes
    -----
    Where the pellet's σ was itself computed with a thickness from mass, density and
    porosity (L ∝ 1/(1 − φ)), that σ already carries the porosity: the caller passes the
    σ it measured, and the porosity uncertainty here is the one of the microstructure.
    """
    raw = film_conductivity_s_per_cm / pellet_conductivity_s_per_cm
    rel_sigma = np.hypot(film_conductivity_std_s_per_cm / film_conductivity_s_per_cm,
                         pellet_conductivity_std_s_per_cm / pellet_conductivity_s_per_cm)
    factor = bruggeman_factor(pellet_porosity, exponent) / bruggeman_factor(film_porosity, exponent)
    corrected = raw * float(factor)
    rel_phi = np.hypot(exponent * pellet_porosity_std / (1.0 - pellet_porosity),
                       exponent * film_porosity_std / (1.0 - film_porosity))
    hs = raw * float(hashin_shtrikman_upper_factor(pellet_porosity) / hashin_shtrikman_upper_factor(film_porosity))
    return PorosityCorrectedRatio(raw=float(raw), raw_std=float(raw * rel_sigma), corrected=corrected,
                                  corrected_std=float(corrected * np.hypot(rel_sigma, rel_phi)),
                                  corrected_hashin_shtrikman=hs, pellet_porosity=float(pellet_porosity),
                                  film_porosity=float(film_porosity), exponent=float(exponent))
