"""Raman band fitting with lmfit: band positions, areas and whether a band is there at all.

Each band is a Voigt profile whose Gaussian width is the spectrometer's
(fixed) and whose Lorentzian width is free (lmfit ``VoigtModel`` with gamma
freed from sigma), on a cubic polynomial for the fluorescence background.
Centres are bounded to a window around their expected position so that a
band cannot wander onto its neighbour. A band counts as *present* when its
area exceeds Currie's detection limit 3.29 σ(area) [1]_; its position is then
reported with lmfit's standard error.

References
----------
.. [1] L. A. Currie, Anal. Chem. 40 (1968) 586, doi:10.1021/ac60259a007.
.. [2] M. Newville et al., LMFIT: non-linear least-squares minimization and curve
   fitting for Python, doi:10.5281/zenodo.11813.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from lmfit.models import PolynomialModel, VoigtModel
from scipy.special import voigt_profile

from lpsrepro.errors import InputFileError, ParameterError

CURRIE_FACTOR = 3.29


@dataclass(frozen=True)
class BandResult:
    name: str
    center_per_cm: float
    center_std_per_cm: float
    area: float
    area_std: float
    fwhm_per_cm: float

    @property
    def present(self) -> bool:
        return self.area > CURRIE_FACTOR * self.area_std


@dataclass
class RamanFit:
    source: str
    shift_per_cm: np.ndarray
    observed: np.ndarray
    fitted: np.ndarray
    background: np.ndarray
    bands: dict[str, BandResult]
    reduced_chi2: float


def _prefix(name: str) -> str:
    return "b" + "".join(ch if ch.isalnum() else "_" for ch in name) + "_"


def fit_bands(spectrum: xr.DataArray, bands: dict[str, tuple[float, float]], *, instrument_fwhm_per_cm: float,
              background_degree: int = 3) -> RamanFit:
    """Fit Voigt bands on a polynomial background.

    Parameters
    ----------
    spectrum : xarray.DataArray
        Intensity over ``raman_shift`` (cm⁻¹), e.g. from :func:`lpsrepro.io.raman.read_raman_txt`.
    bands : dict
        name → (expected centre, half-width of the window the centre may move in), cm⁻¹.
    instrument_fwhm_per_cm : float
        Gaussian FWHM of the spectrometer (cm⁻¹), held fixed.
    """
    x = spectrum["raman_shift"].values.astype(float)
    y = spectrum.values.astype(float)
    if not bands:
        raise ParameterError("bands", bands, "at least one band: name -> (centre, window) in cm-1")
    for name, (center, window) in bands.items():
        if not window > 0:
            raise ParameterError(f"bands[{name!r}]", (center, window), "a positive window in cm-1")
        if not (x.min() < center < x.max()):
            # the spectrum, not the band list, is what a user has to look at
            raise InputFileError(spectrum.attrs.get("source_file", "spectrum"),
                                 f"the spectrum runs from {x.min():g} to {x.max():g} 1/cm, so the {name} band expected "
                                 f"near {center:g} 1/cm is outside it", expected="a Raman spectrum covering the bands")
    sigma = instrument_fwhm_per_cm / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    w = 1.0 / np.sqrt(np.maximum(y, 1.0))
    first = _lmfit(x, y, w, bands, sigma, background_degree)
    # Detection by a linear test that never fails: unit-area band shapes (from the first fit, or at
    # the expected centre with a typical width if the fit ran onto a bound) plus the background
    # polynomial, least squares with the standard errors of the areas.
    cols, names = [], list(bands)
    for name in names:
        p = _prefix(name)
        center, gamma = first.params[f"{p}center"].value, first.params[f"{p}gamma"].value
        if first.params[f"{p}amplitude"].value <= 0 or not (0.31 < gamma < 39.9):
            center, gamma = bands[name][0], 4.0
        cols.append(voigt_profile(x - center, sigma, gamma))
    u = (x - x.mean()) / 100.0
    a = np.column_stack(cols + [u**k for k in range(background_degree + 1)])
    coef, *_ = np.linalg.lstsq(a * w[:, None], y * w, rcond=None)
    r = (y - a @ coef) * w
    s2 = float(r @ r) / max(y.size - a.shape[1], 1)
    cov = s2 * np.linalg.pinv((a * w[:, None]).T @ (a * w[:, None]))
    lin_area, lin_std = coef[:len(names)], np.sqrt(np.diag(cov)[:len(names)])
    present = [n for i, n in enumerate(names) if lin_area[i] > CURRIE_FACTOR * lin_std[i]]
    # Positions with standard errors from a fit of the bands that are there.
    result = _lmfit(x, y, w, {n: bands[n] for n in present}, sigma, background_degree) if present else first
    out = {}
    for i, name in enumerate(names):
        p = _prefix(name)
        if name in present:
            c, fw = result.params[f"{p}center"], result.params[f"{p}fwhm"].value
            out[name] = BandResult(name, float(c.value), float(c.stderr if c.stderr is not None else np.nan),
                                   float(result.params[f"{p}amplitude"].value), float(lin_std[i]), float(fw))
        else:
            out[name] = BandResult(name, float("nan"), float("nan"), float(max(lin_area[i], 0.0)), float(lin_std[i]),
                                   float("nan"))
    comps = result.eval_components(x=x)
    return RamanFit(spectrum.attrs.get("source_file", "spectrum"), x, y, result.best_fit, comps["bg_"], out,
                    float(result.redchi))


def _lmfit(x, y, w, bands, sigma, background_degree):
    model = PolynomialModel(degree=background_degree, prefix="bg_")
    params = model.make_params(**{f"c{i}": 0.0 for i in range(background_degree + 1)})
    params["bg_c0"].set(value=float(np.percentile(y, 10)))
    for name, (center, window) in bands.items():
        p = _prefix(name)
        m = VoigtModel(prefix=p)
        model = model + m
        params.update(m.make_params())
        params[f"{p}center"].set(value=center, min=center - window, max=center + window)
        params[f"{p}sigma"].set(value=sigma, vary=False)
        params[f"{p}gamma"].set(value=4.0, min=0.3, max=40.0, vary=True, expr="")
        params[f"{p}amplitude"].set(value=max(float(np.ptp(y)), 1.0) * 5.0, min=0.0)
    return model.fit(y, params, x=x, weights=w, max_nfev=4000)

