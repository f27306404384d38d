"""Powder X-ray diffraction patterns from crystal structures.

Pure functions: reference reflections ("sticks") of a phase from its crystal
structure, line profiles with crystallite-size and instrumental broadening,
the Cu Kα1/Kα2 doublet, and the smooth parts of a pattern (background and the
polyimide window). The stand-in generator (``lpsrepro.simulate.reaction_kinetics``)
and the whole-pattern fit (``lpsrepro.analysis.xrd``) both build on the
sticks; they use different line shapes (a true Voigt convolution to make
data, the Thompson–Cox–Hastings pseudo-Voigt to fit, as Rietveld programs
do) and different background forms, so that the fit is not handed the exact
function that made the data.

Physics
-------
*Sticks.* pymatgen's :class:`~pymatgen.analysis.diffraction.xrd.XRDCalculator`
gives, for each reflection group, 2θ, d and ``m·LP·|F|²`` per unit cell
(multiplicity, Lorentz–polarisation factor, structure factor with atomic
form factors; no Debye–Waller factor) [1]_. The contribution of phase *p*
to a mixture is proportional to its *volume* fraction divided by its cell
volume squared; per unit *mass* fraction it is therefore
``m·LP·|F|² / (ρ_p V_p²)`` — the basis of quantitative phase analysis by
whole-pattern fitting, ``W_p = S_p (ZMV)_p / Σ S_i (ZMV)_i`` [2]_. The sticks
returned here are scaled that way, so fitted scale factors are directly
proportional to weight fractions (microabsorption neglected: the phases are
all light Li–P–S compounds of similar mass absorption).

*Size broadening.* For crystallites of volume-weighted column length ⟨L⟩_v
the integral breadth (radians of 2θ) is ``β = λ / (⟨L⟩_v cos θ)``
(Scherrer equation in the integral-breadth form, shape-independent) [3]_;
for a sphere of diameter D, ⟨L⟩_v = 3D/4, and for a population of spheres
⟨L⟩_v = ¾ ⟨D⁴⟩/⟨D³⟩ [3]_. Size broadening of a distribution is close to
Lorentzian, instrumental broadening close to Gaussian with a Caglioti
FWHM² = U tan²θ + V tanθ + W [4]_.

*Radiation.* Cu Kα1 and Kα2 (λ = 1.540598 and 1.544426 Å, intensity ratio
0.5) [5]_: each reflection appears twice, at the 2θ that Bragg's law gives
for its d-spacing and each wavelength.

References
----------
.. [1] S. P. Ong et al., "Python Materials Genomics (pymatgen)", Comput. Mater.
   Sci. 68 (2013) 314, doi:10.1016/j.commatsci.2012.10.028.
.. [2] R. J. Hill, C. J. Howard, "Quantitative phase analysis from neutron powder
   diffraction data using the Rietveld method", J. Appl. Cryst. 20 (1987) 467,
   doi:10.1107/S0021889887086199.
.. [3] J. I. Langford, A. J. C. Wilson, "Scherrer after sixty years", J. Appl. Cryst.
   11 (1978) 102, doi:10.1107/S0021889878012844.
.. [4] G. Caglioti, A. Paoletti, F. P. Ricci, Nucl. Instrum. 3 (1958) 223,
   doi:10.1016/0369-643X(58)90029-X.
.. [5] International Tables for Crystallography Vol. C (2006), Table 4.2.2.1.
.. [6] P. Thompson, D. E. Cox, J. B. Hastings, "Rietveld refinement of Debye–Scherrer
   synchrotron X-ray data from Al2O3", J. Appl. Cryst. 20 (1987) 79,
   doi:10.1107/S0021889887087090.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from scipy.special import voigt_profile

from lpsrepro import paths
from lpsrepro.errors import InputFileError, ParameterError

#: Cu Kα1 and Kα2 wavelengths in Å, and the Kα2/Kα1 intensity ratio ([5]_).
CU_KA1_ANGSTROM = 1.540598
CU_KA2_ANGSTROM = 1.544426
KA2_KA1_RATIO = 0.5
#: Two wavelengths closer than this (Å) are taken as the same radiation.
WAVELENGTH_TOLERANCE_ANGSTROM = 2e-4
#: Range of the sticks: wider than the measured 10–60° so that tails of reflections just
#: outside the window are included.
STICK_RANGE_DEG = (5.0, 70.0)

STRUCTURES = paths.DATA / "structures"
PHASES_FILE = STRUCTURES / "phases.yaml"


# --------------------------------------------------------------------------- reference phases
@lru_cache(maxsize=2)
def _phase_table(path: Path) -> dict[str, dict]:
    if not path.is_file():
        raise InputFileError(path, "the table of reference phases is missing")
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    phases = doc.get("phases")
    if not isinstance(phases, dict) or not phases:
        raise InputFileError(path, "has no 'phases' mapping", field="phases")
    for name, entry in phases.items():
        for key in ("label", "cif", "formula"):
            if key not in (entry or {}):
                raise InputFileError(path, "entry is incomplete", field=f"{name}.{key}")
    return phases


def reference_phases() -> dict[str, dict]:
    """The reference phases of ``data/structures/phases.yaml`` (name → label, cif, formula)."""
    return dict(_phase_table(PHASES_FILE))


def check_phase_names(names, *, parameter: str = "phases") -> list[str]:
    """Return ``names`` as a list, or raise naming the unknown one and the known ones."""
    known = reference_phases()
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise ParameterError(parameter, names, "a list of phase names such as ['beta-Li3PS4', 'Li2S']")
    for name in names:
        if name not in known:
            raise ParameterError(parameter, name, "one of the reference phases in data/structures/phases.yaml: "
                                 + ", ".join(known))
    if len(set(names)) != len(names):
        raise ParameterError(parameter, names, "each phase named once")
    return list(names)


def phase_label(name: str) -> str:
    """Label of a phase for figures (matplotlib mathtext)."""
    check_phase_names([name])
    return reference_phases()[name]["label"]


@lru_cache(maxsize=16)
def load_structure(name: str):
    """The pymatgen Structure of a reference phase (from its CIF in data/structures)."""
    from pymatgen.core import Structure

    check_phase_names([name])
    path = STRUCTURES / reference_phases()[name]["cif"]
    if not path.is_file():
        raise InputFileError(path, f"structure file of phase {name} is missing")
    with warnings.catch_warnings():
        # CifWriter stores 1/3 as 0.33333333; pymatgen's parser snaps it back and says so.
        warnings.filterwarnings("ignore", message="Issues encountered while parsing CIF")
        return Structure.from_file(path)


def molar_mass_g_per_mol(name: str) -> float:
    """Molar mass of the formula unit of a reference phase, in g/mol (pymatgen's atomic masses)."""
    from pymatgen.core import Composition

    check_phase_names([name])
    return float(Composition(reference_phases()[name]["formula"]).weight)


@dataclass(frozen=True)
class Sticks:
    """Reflections of one phase for one wavelength.

    ``intensity`` is m·LP·|F|² / (ρ V²), scaled by a common constant
    (:data:`_PER_MASS_SCALE`) so that a unit weight fraction gives intensities
    of order 1–100: comparable across phases, hence proportional to weight
    fractions when used as fit basis.
    """

    phase: str
    wavelength_angstrom: float
    two_theta_deg: np.ndarray
    d_angstrom: np.ndarray
    intensity: np.ndarray
    hkl: tuple[str, ...]

    def strongest(self, n: int = 5) -> list[tuple[float, str, float]]:
        """The ``n`` strongest reflections as (2θ, hkl, relative intensity %)."""
        order = np.argsort(self.intensity)[::-1][:n]
        top = self.intensity.max()
        return [(float(self.two_theta_deg[i]), self.hkl[i], float(100 * self.intensity[i] / top)) for i in order]


#: Common constant of the per-mass stick intensities (keeps numbers readable).
_PER_MASS_SCALE = 1e3


@lru_cache(maxsize=32)
def sticks(name: str, wavelength_angstrom: float = CU_KA1_ANGSTROM) -> Sticks:
    """Reflections of reference phase ``name`` between 5° and 70° 2θ, computed once and cached.

    Parameters
    ----------
    name : str
        A phase of ``data/structures/phases.yaml`` (e.g. ``"beta-Li3PS4"``).
    wavelength_angstrom : float
        X-ray wavelength in Å (default Cu Kα1).

    Returns
    -------
    Sticks
        2θ (deg), d (Å), per-mass intensity and the Miller indices of each
        reflection group.
    """
    from pymatgen.analysis.diffraction.xrd import XRDCalculator

    if not (0.5 < wavelength_angstrom < 2.5):
        raise ParameterError("wavelength_angstrom", wavelength_angstrom, "a laboratory X-ray wavelength in Å, "
                             "such as 1.5406 (Cu Kα1)")
    structure = load_structure(name)
    pattern = XRDCalculator(wavelength=float(wavelength_angstrom)).get_pattern(
        structure, scaled=False, two_theta_range=STICK_RANGE_DEG)
    per_mass = np.asarray(pattern.y) / (structure.density * structure.volume**2) * _PER_MASS_SCALE
    hkl = tuple(" ".join("".join(str(i) for i in h["hkl"]) for h in group[:1]) for group in pattern.hkls)
    return Sticks(name, float(wavelength_angstrom), np.asarray(pattern.x, dtype=float),
                  np.asarray(pattern.d_hkls, dtype=float), per_mass, hkl)


def same_wavelength(a_angstrom: float, b_angstrom: float) -> bool:
    """True when two wavelengths are the same radiation (within 2e-4 Å)."""
    return abs(float(a_angstrom) - float(b_angstrom)) <= WAVELENGTH_TOLERANCE_ANGSTROM


# --------------------------------------------------------------------------- geometry and broadening
def bragg_two_theta_deg(d_angstrom, wavelength_angstrom):
    """2θ in degrees of a reflection of spacing d (Å): λ = 2 d sin θ."""
    ratio = np.asarray(wavelength_angstrom) / (2.0 * np.asarray(d_angstrom))
    return np.degrees(2.0 * np.arcsin(np.clip(ratio, -1.0, 1.0)))


def orthorhombic_d_angstrom(h, k, l, a, b, c):
    """d-spacing of (hkl) in an orthorhombic cell, Å: 1/d² = h²/a² + k²/b² + l²/c²."""
    return 1.0 / np.sqrt((np.asarray(h) / a) ** 2 + (np.asarray(k) / b) ** 2 + (np.asarray(l) / c) ** 2)


def cubic_d_angstrom(h, k, l, a):
    """d-spacing of (hkl) in a cubic cell, Å."""
    return a / np.sqrt(np.asarray(h) ** 2 + np.asarray(k) ** 2 + np.asarray(l) ** 2)


def sphere_volume_weighted_size_nm(diameters_nm, number_weights=None) -> float:
    """Volume-weighted column length ⟨L⟩_v of spheres, nm: ¾ ⟨D⁴⟩/⟨D³⟩ ([3]_)."""
    d = np.asarray(diameters_nm, dtype=float)
    w = np.ones_like(d) if number_weights is None else np.asarray(number_weights, dtype=float)
    return float(0.75 * np.sum(w * d**4) / np.sum(w * d**3))


def size_integral_breadth_deg(two_theta_deg, column_length_nm, wavelength_angstrom=CU_KA1_ANGSTROM):
    """Integral breadth of size broadening, degrees 2θ: β = λ / (⟨L⟩_v cos θ) ([3]_)."""
    theta = np.radians(np.asarray(two_theta_deg) / 2.0)
    beta_rad = (wavelength_angstrom * 0.1) / (np.asarray(column_length_nm) * np.cos(theta))
    return np.degrees(beta_rad)


def column_length_from_breadth_nm(two_theta_deg, integral_breadth_deg, wavelength_angstrom=CU_KA1_ANGSTROM):
    """Inverse of :func:`size_integral_breadth_deg`: ⟨L⟩_v in nm from a size integral breadth."""
    theta = np.radians(np.asarray(two_theta_deg) / 2.0)
    return (wavelength_angstrom * 0.1) / (np.radians(np.asarray(integral_breadth_deg)) * np.cos(theta))


def lorentzian_fwhm_from_integral_breadth(beta):
    """A Lorentzian of integral breadth β has FWHM 2β/π."""
    return 2.0 * np.asarray(beta) / np.pi


def caglioti_fwhm_deg(two_theta_deg, u, v, w):
    """Instrumental FWHM in degrees: sqrt(U tan²θ + V tanθ + W), U, V, W in deg² ([4]_)."""
    t = np.tan(np.radians(np.asarray(two_theta_deg) / 2.0))
    return np.sqrt(np.clip(u * t**2 + v * t + w, 1e-10, None))


# --------------------------------------------------------------------------- line shapes (unit area)
def voigt_peak(x, center, fwhm_gauss, fwhm_lorentz):
    """Voigt profile of unit area: Gaussian (FWHM) convolved with Lorentzian (FWHM)."""
    sigma = np.asarray(fwhm_gauss) / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    gamma = np.asarray(fwhm_lorentz) / 2.0
    return voigt_profile(np.asarray(x) - np.asarray(center), sigma, gamma)


def pseudo_voigt_peak(x, center, fwhm_gauss, fwhm_lorentz):
    """Thompson–Cox–Hastings pseudo-Voigt of unit area ([6]_): η·L + (1−η)·G with a common FWHM."""
    fg, fl = np.asarray(fwhm_gauss, dtype=float), np.asarray(fwhm_lorentz, dtype=float)
    f = (fg**5 + 2.69269 * fg**4 * fl + 2.42843 * fg**3 * fl**2 + 4.47163 * fg**2 * fl**3
         + 0.07842 * fg * fl**4 + fl**5) ** 0.2
    q = fl / f
    eta = 1.36603 * q - 0.47719 * q**2 + 0.11116 * q**3
    dx = np.asarray(x) - np.asarray(center)
    hw = f / 2.0
    lorentz = hw / (np.pi * (dx**2 + hw**2))
    gauss = np.sqrt(np.log(2.0) / np.pi) / hw * np.exp(-np.log(2.0) * (dx / hw) ** 2)
    return eta * lorentz + (1.0 - eta) * gauss


#: Reflections weaker than this fraction of a phase's strongest one are left out of profiles
#: (together they carry < 0.5 % of the diffracted intensity; they cost half the compute time).
MIN_STICK_FRACTION = 2e-3

_SHAPES = {"voigt": voigt_peak, "pseudo-voigt": pseudo_voigt_peak}


def phase_profile(two_theta_deg, st: Sticks, *, column_length_nm: float, caglioti_uvw: tuple[float, float, float],
                  zero_shift_deg: float = 0.0, shape: str = "pseudo-voigt", ka2: bool = True) -> np.ndarray:
    """Diffracted intensity of one phase at unit weight fraction on the 2θ grid.

    Each stick becomes a peak of unit area times its intensity, broadened by
    size (Lorentzian, :func:`size_integral_breadth_deg`) and instrument
    (Gaussian, :func:`caglioti_fwhm_deg`); with ``ka2`` a second copy at the
    Kα2 angle of the same d-spacing carries half the intensity. ``zero_shift_deg``
    is added to every peak position (a diffractometer's zero error).
    """
    x = np.asarray(two_theta_deg, dtype=float)
    if shape not in _SHAPES:
        raise ParameterError("shape", shape, "one of " + ", ".join(_SHAPES))
    peak = _SHAPES[shape]
    # Only reflections within reach of the grid matter; peaks are evaluated over the whole grid.
    keep = ((st.two_theta_deg > x.min() - 5.0) & (st.two_theta_deg < x.max() + 5.0)
            & (st.intensity > MIN_STICK_FRACTION * st.intensity.max()))
    lines = [(st.two_theta_deg[keep], st.intensity[keep])]
    if ka2:
        lines.append((bragg_two_theta_deg(st.d_angstrom[keep], CU_KA2_ANGSTROM * st.wavelength_angstrom
                                          / CU_KA1_ANGSTROM), KA2_KA1_RATIO * st.intensity[keep]))
    out = np.zeros_like(x)
    for centers, weights in lines:
        if centers.size == 0:
            continue
        c = centers[:, None] + zero_shift_deg
        fg = caglioti_fwhm_deg(c, *caglioti_uvw)
        fl = lorentzian_fwhm_from_integral_breadth(
            size_integral_breadth_deg(c, column_length_nm, st.wavelength_angstrom))
        out += weights @ peak(x[None, :], c, fg, fl)
    return out


def gaussian_humps(two_theta_deg, amplitudes, centers_deg, fwhms_deg) -> np.ndarray:
    """Sum of Gaussian humps (peak heights ``amplitudes``): the polyimide window's broad scattering."""
    x = np.asarray(two_theta_deg, dtype=float)[None, :]
    a, c, f = (np.atleast_1d(np.asarray(v, dtype=float))[:, None] for v in (amplitudes, centers_deg, fwhms_deg))
    return np.sum(a * np.exp(-4.0 * np.log(2.0) * ((x - c) / f) ** 2), axis=0)
