"""Film thickness from a cross-sectional SEM image (paper Fig. 3c).

Method
------
1. Smooth the image with a small Gaussian (scikit-image) to tame shot noise.
2. Split the grey levels into three classes with multi-level Otsu
   thresholds [1]_: dark (vacuum above the film, glass below the electrode),
   film, and the bright metal electrode. The median of each class is its level.
3. In every image column, locate the electrode/film interface and the film's
   free surface as the sub-pixel positions where the intensity crosses half
   way between the neighbouring levels (the usual half-maximum edge
   criterion), walking up from the electrode.
4. Thickness per column = distance between the two edges × pixel size. The
   mean is the film thickness; the standard deviation across columns is the
   thickness variation (roughness of both interfaces); the uncertainty of the
   mean combines its standard error (with columns correlated over the
   roughness length, so the effective number of independent columns is used)
   and the relative uncertainty of the microscope's scale calibration.

The image must show vacuum above the film (top rows) and the bright electrode
below it, as in a fractured cross-section.

References
----------
.. [1] P.-S. Liao, T.-S. Chen, P.-C. Chung, "A fast algorithm for multilevel
   thresholding", J. Inf. Sci. Eng. 17 (2001) 713 (``skimage.filters.threshold_multiotsu``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from skimage import filters

from lpsrepro.errors import InputFileError
from lpsrepro.io.images import pixel_size_nm

#: Thinnest film (in pixels) that is measured: below this, edge blur dominates.
MIN_FILM_PX = 8


@dataclass(frozen=True)
class FilmThickness:
    """Result of :func:`film_thickness_nm`. Lengths in nm."""

    mean_nm: float
    std_nm: float
    uncertainty_nm: float
    columns_used: int
    columns_total: int
    per_column_nm: xr.DataArray
    surface_y_nm: xr.DataArray
    interface_y_nm: xr.DataArray
    levels: tuple[float, float, float]


def _crossing_upwards(column: np.ndarray, start: int, level: float, above: bool) -> float | None:
    """First sub-pixel row above ``start`` where the column crosses ``level``.

    ``above=True`` looks for the intensity rising above ``level`` when walking
    up (smaller row index); ``above=False`` for it falling below.
    """
    for j in range(start, 0, -1):
        a, b = column[j], column[j - 1]
        crossed = (a <= level < b) if above else (a >= level > b)
        if crossed:
            return j - (level - a) / (b - a)  # linear interpolation between rows j and j-1
    return None


def film_thickness_nm(image: xr.DataArray, *, smoothing_px: float = 1.5, scale_uncertainty_rel: float = 0.0,
                      correlation_px: float | None = None) -> FilmThickness:
    """Measure the thickness of the film lying on a bright electrode.

    Parameters
    ----------
    image : xarray.DataArray
        Grey image with dims ``(y, x)`` and attribute ``pixel_size_nm``, as
        returned by :func:`lpsrepro.io.images.read_sem_image`.
    smoothing_px : float
        Standard deviation of the Gaussian smoothing, in pixels.
    scale_uncertainty_rel : float
        Relative standard uncertainty of the microscope's magnification
        calibration (e.g. 0.02 for 2 %).
    correlation_px : float, optional
        Correlation length of the per-column thickness along x, in pixels;
        estimated from the data (1/e of the autocorrelation) when omitted.

    Returns
    -------
    FilmThickness
    """
    source = image.attrs.get("source_file", "image")
    pixel = pixel_size_nm(image)
    img = filters.gaussian(np.asarray(image.values, dtype=float), sigma=smoothing_px, preserve_range=True)
    t_low, t_high = filters.threshold_multiotsu(img, classes=3)
    dark = float(np.median(img[img < t_low]))
    film = float(np.median(img[(img >= t_low) & (img < t_high)]))
    metal = float(np.median(img[img >= t_high]))
    if img[:5].mean() >= t_low:
        raise InputFileError(source, "the top rows are not dark", field="image",
                             expected="a cross-section with vacuum above the film's surface")
    half_metal, half_surface = (film + metal) / 2, (dark + film) / 2

    ny, nx = img.shape
    surface = np.full(nx, np.nan)
    interface = np.full(nx, np.nan)
    for i in range(nx):
        column = img[:, i]
        run = _longest_run(column >= t_high)
        if run is None:
            continue
        brightest = run[0] + int(np.argmax(column[run[0]:run[1]]))  # inside the electrode
        y_interface = _crossing_upwards(column, brightest, half_metal, above=False)
        if y_interface is None:
            continue
        y_surface = _crossing_upwards(column, int(np.floor(y_interface)), half_surface, above=False)
        if y_surface is None:
            continue
        if y_interface - y_surface < MIN_FILM_PX:
            continue  # an edge pair this close is the blurred side of one edge, not a film
        inside = column[int(np.ceil(y_surface)):int(np.floor(y_interface)) + 1]
        if not t_low <= float(np.median(inside)) < t_high:
            continue  # what lies between the edges is not film-grey: not a film on an electrode
        interface[i], surface[i] = y_interface, y_surface
    thickness_px = interface - surface
    ok = np.isfinite(thickness_px)
    if ok.sum() < nx / 2:
        raise InputFileError(source, f"film edges found in only {int(ok.sum())} of {nx} columns", field="image",
                             expected="a film between dark vacuum above and a bright electrode below")
    values = thickness_px[ok] * pixel
    mean, std = float(values.mean()), float(values.std(ddof=1))
    if correlation_px is None:
        correlation_px = _correlation_length_px(thickness_px[ok])
    n_eff = max(1.0, ok.sum() / max(1.0, 2.0 * correlation_px))
    uncertainty = float(np.hypot(std / np.sqrt(n_eff), scale_uncertainty_rel * mean))
    x = image["x"]
    as_da = lambda v, name: xr.DataArray(v * pixel, dims="x", coords={"x": x}, name=name,  # noqa: E731
                                         attrs={"units": "nm"})
    return FilmThickness(mean_nm=mean, std_nm=std, uncertainty_nm=uncertainty, columns_used=int(ok.sum()),
                         columns_total=nx, per_column_nm=as_da(thickness_px, "film_thickness"),
                         surface_y_nm=as_da(surface, "surface_depth"), interface_y_nm=as_da(interface, "interface_depth"),
                         levels=(dark, film, metal))


def _longest_run(mask: np.ndarray) -> tuple[int, int] | None:
    """``(start, stop)`` of the longest run of True in ``mask`` (the electrode, not a bright speck)."""
    if not mask.any():
        return None
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    starts = np.flatnonzero(np.diff(padded) == 1)
    stops = np.flatnonzero(np.diff(padded) == -1)
    longest = int(np.argmax(stops - starts))
    return int(starts[longest]), int(stops[longest])


def _correlation_length_px(values: np.ndarray) -> float:
    """Lag (pixels) at which the autocorrelation of ``values`` first drops below 1/e."""
    v = values - values.mean()
    if not np.any(v):
        return 1.0
    acf = np.correlate(v, v, mode="full")[v.size - 1:]
    acf = acf / acf[0]
    below = np.flatnonzero(acf < np.exp(-1))
    return float(below[0]) if below.size else float(v.size)
