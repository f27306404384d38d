"""Raman spectra of thiophosphate mixtures: bands of structural units, fluorescence, instrument.

Pure functions of the Raman shift (cm⁻¹). A spectrum is a sum of bands, one
set per structural unit, whose areas scale with the moles of that unit in the
laser spot, on a smooth fluorescence background.

Physics
-------
A Raman band of a vibrational mode with lifetime broadening is Lorentzian;
the spectrometer adds a nearly Gaussian instrument function, so a measured
band is a Voigt profile [1]_. The structural units of the Li2S–P2S5 system
have characteristic P–S stretching bands: the symmetric stretch of the
isolated PS4³⁻ tetrahedron (ortho-thiophosphate, Li3PS4) near 420 cm⁻¹, the
PS3 terminal stretch of the P2S6⁴⁻ dimer (hypo-thiodiphosphate, Li4P2S6) near
385–390 cm⁻¹, and Li2S's single Raman-active T2g mode near 375 cm⁻¹ [2]_. In
crystallites of a few nanometres the T2g band of Li2S broadens and shifts to
lower wavenumber (phonon confinement, [3]_). Fluorescence from impurities
and organic residues adds a broad, sloping background that varies from
sample to sample.

References
----------
.. [1] D. A. Long, *The Raman Effect*, Wiley (2002), ch. 5 (band shapes).
.. [2] C. Dietrich, D. A. Weber, S. J. Sedlmaier et al., "Lithium ion conductivity in
   Li2S–P2S5 glasses – building units and local structure evolution during the
   crystallization of superionic conductors Li3PS4, Li7P3S11 and Li4P2S7",
   J. Mater. Chem. A 5 (2017) 18111, doi:10.1039/C7TA06067J.
.. [3] H. Richter, Z. P. Wang, L. Ley, "The one phonon Raman spectrum in microcrystalline
   silicon", Solid State Commun. 39 (1981) 625, doi:10.1016/0038-1098(81)90337-9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lpsrepro.models.xrd import voigt_peak


@dataclass(frozen=True)
class Band:
    """One Raman band: centre and Lorentzian FWHM (cm⁻¹), area per mole of its unit (counts cm⁻¹ per mol)."""

    name: str
    center_per_cm: float
    fwhm_per_cm: float
    area_per_mol: float


def band_profile(shift_per_cm, band: Band, *, moles: float, instrument_fwhm_per_cm: float) -> np.ndarray:
    """The band as measured: Voigt of the Lorentzian line and the Gaussian instrument function."""
    return moles * band.area_per_mol * voigt_peak(shift_per_cm, band.center_per_cm, instrument_fwhm_per_cm,
                                                  band.fwhm_per_cm)


def fluorescence_background(shift_per_cm, *, level: float, slope_per_100_cm: float, curvature: float = 0.0,
                            reference_per_cm: float = 400.0) -> np.ndarray:
    """A smooth fluorescence background: level × (1 + s·u + k·u²), u = (shift − reference)/100 cm⁻¹."""
    u = (np.asarray(shift_per_cm, dtype=float) - reference_per_cm) / 100.0
    return level * np.clip(1.0 + slope_per_100_cm * u + curvature * u**2, 0.05, None)


def spectrum(shift_per_cm, contributions: list[tuple[Band, float]], *, instrument_fwhm_per_cm: float,
             background: np.ndarray | None = None) -> np.ndarray:
    """Expected counts: Σ bands (each with its moles) + background."""
    x = np.asarray(shift_per_cm, dtype=float)
    out = np.zeros_like(x) if background is None else np.array(background, dtype=float)
    for band, moles in contributions:
        if moles > 0:
            out += band_profile(x, band, moles=moles, instrument_fwhm_per_cm=instrument_fwhm_per_cm)
    return out
