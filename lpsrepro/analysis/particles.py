"""Particle sizes from top-view SEM images (paper Fig. 1e, 1f, S7).

Method
------
1. **Denoise**: Gaussian smoothing of about one pixel (scikit-image), which
   tames the shot noise without moving edges by more than a fraction of a pixel.
2. **Threshold**: Otsu's threshold [1]_ separates particles from the darker
   substrate; holes (the darker centres of spheres, whose SE yield is lowest
   where the surface faces the beam) are filled.
3. **Split touching particles**: the Euclidean distance transform of the mask
   peaks at each particle's centre; its local maxima (at least
   ``min_diameter_nm / 2`` apart) seed a watershed of the inverted distance
   map [2]_, which cuts the necks between touching particles.
4. **Measure**: for each region, the equivalent circle diameter
   ``d = 2 sqrt(area / π)`` in nm (``regionprops``' ``equivalent_diameter_area``).
5. **Exclude** particles cut by the frame (their visible area is not their
   size) and regions smaller than ``min_diameter_nm`` — below about five pixels
   across an area is dominated by pixelation and noise specks, not particles;
   the default is stated in the notebook and can be changed there.
6. **Fit** a normal distribution to the diameters (maximum likelihood:
   mean and standard deviation), with the standard errors ``sd/√n`` and
   ``sd/√(2(n−1))``; the histogram is drawn with it.

References
----------
.. [1] N. Otsu, "A threshold selection method from gray-level histograms",
   IEEE Trans. Syst. Man Cybern. 9 (1979) 62, doi:10.1109/TSMC.1979.4310076.
.. [2] S. van der Walt et al., "scikit-image: image processing in Python",
   PeerJ 2 (2014) e453, doi:10.7717/peerj.453 (watershed, regionprops).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy import ndimage
from skimage import filters, measure, morphology, segmentation
from skimage.feature import peak_local_max

from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.io.images import pixel_size_nm

#: Fewer particles than this cannot give a meaningful mean and spread: refused.
MIN_PARTICLES_FOR_FIT = 20
#: Below this many particles the result is given with a warning (the paper's histograms hold ~100–300).
RECOMMENDED_PARTICLES = 100


@dataclass(frozen=True)
class Segmentation:
    """Result of :func:`segment_particles`."""

    labels: np.ndarray              # 2-D int array, 0 = background, one label per particle kept or excluded
    diameters_nm: xr.DataArray      # kept particles, dim "particle"
    kept_labels: np.ndarray
    excluded_edge: int
    excluded_small: int
    threshold: float
    pixel_size_nm: float
    min_diameter_nm: float

    @property
    def n(self) -> int:
        return int(self.diameters_nm.size)


@dataclass(frozen=True)
class NormalFit:
    """Maximum-likelihood normal distribution of particle diameters (nm)."""

    mean_nm: float
    sd_nm: float
    n: int
    mean_se_nm: float
    sd_se_nm: float

    def pdf(self, d_nm) -> np.ndarray:
        """Probability density per nm at ``d_nm``."""
        d = np.asarray(d_nm, dtype=float)
        return np.exp(-0.5 * ((d - self.mean_nm) / self.sd_nm) ** 2) / (self.sd_nm * math.sqrt(2 * math.pi))


def segment_particles(image: xr.DataArray, *, min_diameter_nm: float, smoothing_px: float = 1.0,
                      exclude_edge: bool = True) -> Segmentation:
    """Find particles in a top-view SEM image and measure their diameters.

    Parameters
    ----------
    image : xarray.DataArray
        Grey image, dims ``(y, x)``, attribute ``pixel_size_nm`` (as returned
        by :func:`lpsrepro.io.images.read_sem_image`). Particles brighter than
        the substrate.
    min_diameter_nm : float
        Smallest equivalent diameter counted as a particle, nm; it also sets
        the smallest distance between two particle centres when touching
        particles are split (half of it).
    smoothing_px : float
        Standard deviation of the Gaussian denoising, pixels.
    exclude_edge : bool
        Drop particles that touch the image border (default).

    Returns
    -------
    Segmentation

    Raises
    ------
    InputFileError
        The image has no (positive) scale, or holds no particle at all.
    ParameterError
        ``min_diameter_nm`` is not positive.
    """
    pixel, source = pixel_size_nm(image), str(image.attrs.get("source_file", "image"))
    if not (isinstance(min_diameter_nm, (int, float)) and min_diameter_nm > 0):
        raise ParameterError("min_diameter_nm", min_diameter_nm, "a positive diameter in nm, such as 5")
    img = filters.gaussian(np.asarray(image.values, dtype=float), sigma=smoothing_px, preserve_range=True)
    otsu = float(filters.threshold_otsu(img))
    # Half-level edge criterion: the threshold lies half way between the substrate's and the
    # particles' typical grey levels (medians of Otsu's two classes), where a blurred edge of a
    # uniform object crosses; Otsu's own threshold is pulled by the bright rims.
    threshold = 0.5 * (float(np.median(img[img <= otsu])) + float(np.median(img[img > otsu])))
    # fill the darker centres of spheres, but not the substrate enclosed by a ring of particles
    min_area_px = math.pi * (0.5 * min_diameter_nm / pixel) ** 2
    mask = morphology.remove_small_holes(img > threshold, max_size=max(1, int(min_area_px)))
    if not mask.any() or mask.all():
        raise InputFileError(source, "no particles found (the image has a single grey level after thresholding)",
                             field="image", expected="bright particles on a darker substrate")
    distance = ndimage.distance_transform_edt(mask)
    min_sep_px = max(1, int(round(0.5 * min_diameter_nm / pixel)))
    peaks = peak_local_max(ndimage.gaussian_filter(distance, 0.7), min_distance=min_sep_px,
                           threshold_abs=0.25 * min_diameter_nm / pixel, labels=ndimage.label(mask)[0],
                           exclude_border=False)
    markers = np.zeros(mask.shape, dtype=np.int32)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    labels = segmentation.watershed(-distance, markers, mask=mask)
    if exclude_edge:
        border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))) - {0}
    else:
        border = set()
    substrate = float(np.median(img[~mask]))
    kept, diameters, small = [], [], 0
    for region in measure.regionprops(labels, intensity_image=img):
        if region.label in border:
            continue
        d_nm = _edge_diameter_px(region, substrate) * pixel
        if d_nm < min_diameter_nm:
            small += 1
            continue
        kept.append(region.label)
        diameters.append(d_nm)
    if not kept:
        raise InputFileError(source, f"no particles found ({small} regions smaller than {min_diameter_nm:g} nm, "
                             f"{len(border)} cut by the frame)",
                             field="image", expected="bright particles on a darker substrate; check the image, "
                             "or lower min_diameter_nm if the particles are that small")
    da = xr.DataArray(np.asarray(diameters, dtype=float), dims="particle", name="diameter",
                      attrs={"units": "nm", "long_name": "equivalent circle diameter",
                             "source_file": source})
    return Segmentation(labels=labels, diameters_nm=da, kept_labels=np.asarray(kept, dtype=int),
                        excluded_edge=len(border), excluded_small=small, threshold=threshold,
                        pixel_size_nm=pixel, min_diameter_nm=float(min_diameter_nm))


def _edge_diameter_px(region, substrate: float) -> float:
    """Equivalent diameter (pixels) of one particle at the half-maximum of its own edge profile.

    SE images show spheres with bright rims (the yield rises as 1/cos θ towards the edge), so
    a global threshold put half way to the particles' *median* grey level lies on the outer
    flank of the blurred rim and makes every particle look too large by a fraction of a pixel
    on each side. The boundary is instead taken where the intensity falls to half way between
    the substrate and the particle's own rim maximum (the 95th percentile of its pixels, robust
    to noise) — the half-maximum criterion of an edge profile — and the darker centre inside
    that contour is filled.
    """
    values = region.image_intensity[region.image]
    peak = float(np.percentile(values, 95))
    level = substrate + 0.5 * (peak - substrate)
    inside = ndimage.binary_fill_holes(region.image & (region.image_intensity > level))
    area = float(inside.sum()) if inside.any() else float(region.area)
    return 2.0 * math.sqrt(area / math.pi)


def fit_normal(diameters_nm, *, source: str = "particle sizes") -> NormalFit:
    """Maximum-likelihood normal fit of diameters (nm), with standard errors.

    Raises
    ------
    InputFileError
        Fewer than :data:`MIN_PARTICLES_FOR_FIT` diameters: the message says
        what to do (an image at lower magnification, or several images).

    Warns
    -----
    UserWarning
        Fewer than :data:`RECOMMENDED_PARTICLES` diameters.
    """
    d = np.asarray(diameters_nm, dtype=float)
    d = d[np.isfinite(d)]
    if d.size < MIN_PARTICLES_FOR_FIT:
        raise InputFileError(source, f"only {d.size} particles were measured", field="particles",
                             expected=f"at least {MIN_PARTICLES_FOR_FIT} for a mean and a spread; use an image "
                             "at lower magnification, combine several images, or lower min_diameter_nm if "
                             "real particles were dropped")
    if d.size < RECOMMENDED_PARTICLES:
        warnings.warn(f"{source}: only {d.size} particles; the spread is uncertain by "
                      f"{100 / math.sqrt(2 * (d.size - 1)):.0f} % — measure at least {RECOMMENDED_PARTICLES}",
                      UserWarning, stacklevel=2)
    mean, sd = float(d.mean()), float(d.std(ddof=0))   # the maximum-likelihood estimates
    return NormalFit(mean_nm=mean, sd_nm=sd, n=int(d.size), mean_se_nm=sd / math.sqrt(d.size),
                     sd_se_nm=sd / math.sqrt(2 * (d.size - 1)))


def histogram_nm(diameters_nm, bin_width_nm: float) -> tuple[np.ndarray, np.ndarray]:
    """Counts and bin edges (nm) of a diameter histogram with a fixed bin width."""
    d = np.asarray(diameters_nm, dtype=float)
    if not bin_width_nm > 0:
        raise ParameterError("bin_width_nm", bin_width_nm, "a positive bin width in nm")
    lo = math.floor(d.min() / bin_width_nm) * bin_width_nm
    hi = math.ceil(d.max() / bin_width_nm + 1e-9) * bin_width_nm
    edges = np.arange(lo, hi + 0.5 * bin_width_nm, bin_width_nm)
    counts, edges = np.histogram(d, bins=edges)
    return counts, edges
