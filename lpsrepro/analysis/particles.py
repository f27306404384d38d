"""Particle sizes from top-view SEM images (paper Fig. 1e, 1f, S7).

Method
------
0. **Data bar**: SEM software (Zeiss SmartSEM, FEI/Thermo xT) writes a band of
   text, scale bar and logo under the micrograph. Its rows are dominated by one
   grey level (the band's flat background) while a micrograph row is not; the
   band is the run of such rows at the bottom of the image
   (:func:`find_data_bar`), and only the rows above it are analysed — its
   characters and edge specks are not particles.
1. **Denoise**: Gaussian smoothing of about one pixel (scikit-image), which
   tames the shot noise without moving edges by more than a fraction of a pixel.
2. **Threshold**: Otsu's threshold [1]_ separates particles from the darker
   substrate; holes (the darker centres of spheres, whose SE yield is lowest
   where the surface faces the beam) are filled.
3. **Split touching particles** (:func:`_split_by_rims`, a marker-controlled
   watershed [4]_). The SE yield rises as ``1/cos θ`` towards a sphere's rim [7]_,
   so every particle is a darker *face* ringed by a bright *rim*, and two touching
   particles are two faces with a bright line between them, even where no
   substrate shows (in a close-packed layer the blurred interstices between three
   touching spheres close, and the thresholded mask is one blob without necks).
   The faces are the particle pixels below half way from the faces' level (median)
   to the rims' (99th percentile); the h-maxima [5]_ of their distance map (depth a
   quarter of ``min_diameter_nm``) seed one marker per face; a watershed of the
   inverted distance map [2]_ splits faces that still touch, a second one, of the
   distance from the faces, gives each rim pixel to the nearest face it is
   connected to, and a part of the mask with no face (a particle edge-bright all
   over) is a region of its own.

   *Why this method* (measured with ``benchmarks/particles.py`` on close-packed
   layers of known sizes made by the forward model, ~80 % coverage, 18 ± 3 nm at
   0.8 nm/px and 44 ± 6 nm at 2 nm/px, and on the bundled stand-ins):

   - seeds from the maxima of the mask's distance map (the method before 0.2, kept
     as ``method="distance"``): mean within 6 % but sd 2.2–2.7× too wide — merged
     particles; its h-maxima variant merges more (sd ×3.6–4.3);
   - Laplacian-of-Gaussian blobs (``skimage.feature.blob_log``, scale-normalised
     scale selection [6]_) as seeds: the selected scale is that of the rim and the
     shot noise (σ ≈ 3 px against r/√2 ≈ 8 px), the rim makes each particle a ring
     rather than a blob, and only ~100 of ~500 particles come out usable;
   - circular Hough transform of Canny edges (``skimage.transform.hough_circle``):
     thousands of spurious circles on shot-noise edges, radii uncorrelated with
     the truth (r ≈ 0);
   - the darker face centres as intensity minima: over-split (~1400 regions for
     ~500 particles) or, smoothed more, merged;
   - faces split from rims (chosen): mean within 5 %, sd within 8 %, KS distance
     below Lilliefors' 1 % value on both synthetic and bundled layers, about one
     second per 512² image (``method="rim"``). Its limit: it needs rims. Without
     SE rim contrast (backscattered-electron images, particles smaller than the
     interaction volume) the "faces" are noise and the split over-splits (sd ×1.6
     at no edge contrast, ×1.16 at half the stand-ins' contrast). The default
     ``method="auto"`` therefore measures the rims first (:func:`rim_contrast`)
     and falls back to the distance split below :data:`MIN_RIM_CONTRAST`; touching
     particles without rims are then left merged, non-convex or too wide, and the
     gate (step 7) counts them.
4. **Measure**: for each region, the equivalent circle diameter
   ``d = 2 sqrt(area / π)`` in nm (``regionprops``' ``equivalent_diameter_area``).
5. **Exclude** particles cut by the frame or by the data bar (their visible
   area is not their size), implausible objects — non-convex shapes (solidity,
   area over convex-hull area, below ``min_solidity``: scratches, cracks,
   characters, unsplit clusters) and objects wider than a quarter of the field —
   and regions smaller than ``min_diameter_nm`` — below about five pixels
   across an area is dominated by pixelation and noise specks, not particles;
   the default is stated in the notebook and can be changed there.
6. **Fit** a normal distribution to the diameters (maximum likelihood:
   mean and standard deviation), with the standard errors ``sd/√n`` and
   ``sd/√(2(n−1))``; the histogram is drawn with it.
7. **Quality gate** (:func:`sizing_quality`, :func:`sizing_gate`): the
   segmentation coverage (area of the measured particles over the analysed
   field), the share of the bright foreground that became measured particles,
   the number of rejected objects, the share of the regions inside the frame
   that are non-convex (merged or broken particles; at most
   :data:`MAX_NONCONVEX_FRACTION`) and the Kolmogorov–Smirnov distance of the
   diameters from the fitted normal distribution, compared with Lilliefors'
   critical value at the 1 % level [3]_ (the mean and sd are estimated from the
   same data). A sizing that covers too little of the image, leaves most of the
   foreground unexplained, splits into many non-convex regions, or is not normal
   is reported as failed, not as a size. The normality test is strict at the
   ~400 particles of an image: the nano-Li2S stand-in's own true diameters (a
   skewed nucleation-and-growth distribution) fail it, and its measured sizing
   passes only narrowly.

References
----------
.. [1] N. Otsu, "A threshold selection method from gray-level histograms",
   IEEE Trans. Syst. Man Cybern. 9 (1979) 62, doi:10.1109/TSMC.1979.4310076.
.. [2] S. van der Walt et al., "scikit-image: image processing in Python",
   PeerJ 2 (2014) e453, doi:10.7717/peerj.453 (watershed, regionprops).
.. [3] H. W. Lilliefors, "On the Kolmogorov-Smirnov test for normality with mean
   and variance unknown", J. Am. Stat. Assoc. 62 (1967) 399,
   doi:10.1080/01621459.1967.10482916 (critical value 1.031/√n at the 1 % level, n > 30).
.. [4] S. Beucher, F. Meyer, "The morphological approach to segmentation: the watershed
   transformation", in E. R. Dougherty (ed.), *Mathematical Morphology in Image Processing*,
   Marcel Dekker (1993) 433–481 (marker-controlled watershed).
.. [5] P. Soille, *Morphological Image Analysis*, 2nd ed., Springer (2003), sec. 6.3 (regional
   extrema, h-maxima), doi:10.1007/978-3-662-05088-0.
.. [6] T. Lindeberg, "Feature detection with automatic scale selection", Int. J. Comput. Vis. 30
   (1998) 79, doi:10.1023/A:1008045108935.
.. [7] J. I. Goldstein et al., *Scanning Electron Microscopy and X-Ray Microanalysis*, 4th ed.,
   Springer (2018), ch. 2–3 (SE yield and the edge effect), doi:10.1007/978-1-4939-6676-9.
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
#: Smallest solidity (area / convex-hull area) of an object counted as a particle: a sphere's
#: projection is 1, two touching spheres left unsplit about 0.85; characters, scratches and cracks are lower.
MIN_SOLIDITY = 0.8
#: Objects wider than this fraction of the shorter side of the analysed field are not particles of a
#: size distribution (a substrate region, a grain of a polished section, the whole foreground).
MAX_DIAMETER_FRACTION = 0.25
#: Gate: the measured particles must cover at least this fraction of the analysed field …
MIN_COVERAGE = 0.02
#: … and account for at least this fraction of the bright foreground (the rest was rejected).
MIN_FOREGROUND_MEASURED = 0.5
#: Gate: at most this fraction of the regions inside the frame may be non-convex (solidity below
#: ``MIN_SOLIDITY``). A segmentation that splits touching particles leaves a few per cent (a
#: neighbour's rim cutting into a face, a pair left unsplit); above a fifth, particles were merged or
#: broken wholesale and the convex regions kept are no longer a fair sample of the population.
MAX_NONCONVEX_FRACTION = 0.2
#: Smallest :func:`rim_contrast` for which touching particles are split along their rims (``method="auto"``).
#: Measured on sparse synthetic layers (benchmarks/particles.py): without rims (edge contrast 0) the
#: contrast is 0.6 and the rim split over-splits (sd ×1.6); at edge contrast 0.1 it is 1.3 (sd ×1.16);
#: at 0.2, as the stand-ins and the paper's images, 1.8–2.3, and the rim split is exact. Below this
#: value the distance split is used (exact on sparse layers, merging on dense ones — the gate tells).
MIN_RIM_CONTRAST = 1.5
#: Lilliefors' critical value of the KS distance at the 1 % level, times √n (Lilliefors 1967, n > 30).
LILLIEFORS_1PCT = 1.031
#: A data bar is a run of rows at the bottom in which one grey level fills at least this fraction of a row.
_BAR_ROW_UNIFORMITY = 0.5
#: Percentile of the particles' grey levels taken as the rims' level (the rims are a few per cent of a
#: particle's area: a higher percentile is noise, a lower one is the face).
_RIM_PERCENTILE = 99.0


@dataclass(frozen=True)
class Segmentation:
    """Result of :func:`segment_particles`.

    ``labels`` has the shape of the whole image (the data bar's rows are 0); ``excluded_*`` count
    the objects left out and why; ``coverage`` is the area of the kept particles over the analysed
    field, ``foreground_measured`` the kept particles' share of the thresholded foreground.
    """

    labels: np.ndarray              # 2-D int array, 0 = background, one label per particle kept or excluded
    diameters_nm: xr.DataArray      # kept particles, dim "particle"
    kept_labels: np.ndarray
    excluded_edge: int
    excluded_small: int
    threshold: float
    pixel_size_nm: float
    min_diameter_nm: float
    excluded_shape: int = 0         # non-convex or too large: not particles of a size distribution
    data_bar_rows: int = 0          # rows at the bottom taken as the instrument's data bar (not analysed)
    coverage: float = float("nan")
    foreground_measured: float = float("nan")
    nonconvex_fraction: float = float("nan")   # regions inside the frame rejected as non-convex (merged or broken)
    split_method: str = "distance"             # how touching particles were split ("rim" or "distance")
    rim_contrast: float = float("nan")         # see rim_contrast()

    @property
    def n(self) -> int:
        return int(self.diameters_nm.size)

    @property
    def rejected(self) -> int:
        """Objects found but not measured (cut by the frame or the data bar, too small, implausible)."""
        return int(self.excluded_edge + self.excluded_small + self.excluded_shape)


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


def find_data_bar(pixels: np.ndarray, *, max_fraction: float = 0.35, tolerate_rows: int = 3) -> int:
    """Number of rows at the bottom of an SEM image taken by the instrument's data bar (0 if none).

    Zeiss SmartSEM writes a white band with black text under the micrograph, FEI/Thermo xT a black
    band with white text and frames. In such a band most pixels of a row share one grey level (the
    band's flat background); in a micrograph no grey level fills half a row (shot noise alone spreads
    a level over several values). The band is the run of such rows from the bottom (a few rows of
    the outer frame excepted, ``tolerate_rows``), as long as it stays within the bottom
    ``max_fraction`` of the image. When the whole image above is flat as well (an empty or saturated
    micrograph), the band starts at the highest full-width separator line within that part whose
    grey level differs from the rows above it, as FEI draws it.

    Parameters
    ----------
    pixels : array of int or float, 2-D
        The grey image (rows top to bottom).
    max_fraction : float
        Largest fraction of the image height a data bar may take.
    tolerate_rows : int
        Non-uniform rows allowed at the very bottom (a frame or a partly drawn last line).

    Returns
    -------
    int
        Rows to leave out at the bottom.
    """
    a = np.asarray(pixels)
    ny = a.shape[0]
    if ny < 20:
        return 0
    levels = np.unique(a, return_inverse=True)[1].reshape(a.shape)   # grey levels as 0..L-1 (any dtype)
    n_levels = int(levels.max()) + 1
    counts = np.stack([np.bincount(row, minlength=n_levels) for row in levels])
    uniformity = counts.max(axis=1) / a.shape[1]
    mode = counts.argmax(axis=1)
    flat = uniformity >= _BAR_ROW_UNIFORMITY
    limit = int(math.floor(max_fraction * ny))
    bottom = ny
    while bottom > ny - tolerate_rows and not flat[bottom - 1]:
        bottom -= 1
    top = bottom
    while top > 0 and flat[top - 1]:
        top -= 1
    if top == bottom or bottom - top < 0.02 * ny:
        return 0
    if ny - top <= limit:
        return ny - top
    # the flat run reaches far up: the micrograph itself is flat; find the band's separator line
    for row in range(ny - limit, bottom):
        if uniformity[row] >= 0.95 and mode[row] != mode[row - 1] and uniformity[row - 1] >= 0.95:
            return ny - row
    return 0


def segment_particles(image: xr.DataArray, *, min_diameter_nm: float, smoothing_px: float = 1.0,
                      exclude_edge: bool = True, data_bar_rows: int | None = None,
                      min_solidity: float = MIN_SOLIDITY,
                      max_diameter_fraction: float = MAX_DIAMETER_FRACTION,
                      method: str = "auto") -> Segmentation:
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
    method : {"auto", "rim", "distance"}
        How touching particles are split: ``"rim"`` seeds one marker per particle in the darker
        face inside its bright SE rim (:func:`_split_by_rims`); ``"distance"`` seeds the maxima of
        the distance map of the thresholded mask (:func:`_split_by_distance`, the method before
        version 0.2: it merges particles of close-packed layers, but needs no rims); ``"auto"``
        (default) takes ``"rim"`` when the image shows rims (:func:`rim_contrast` at least
        :data:`MIN_RIM_CONTRAST`), else ``"distance"``.
    exclude_edge : bool
        Drop particles that touch the image border or the data bar (default).
    data_bar_rows : int, optional
        Rows at the bottom that hold the instrument's data bar; ``None`` (default)
        finds them (:func:`find_data_bar`), 0 analyses the whole image.
    min_solidity : float
        Smallest area / convex-hull area of a particle (0–1).
    max_diameter_fraction : float
        Largest particle diameter as a fraction of the analysed field's shorter side.

    Returns
    -------
    Segmentation

    Raises
    ------
    InputFileError
        The image has no (positive) scale, or holds no particle at all.
    ParameterError
        ``min_diameter_nm`` is not positive, ``data_bar_rows`` is negative or leaves no image.
    """
    pixel, source = pixel_size_nm(image), str(image.attrs.get("source_file", "image"))
    if not (isinstance(min_diameter_nm, (int, float)) and min_diameter_nm > 0):
        raise ParameterError("min_diameter_nm", min_diameter_nm, "a positive diameter in nm, such as 5")
    raw = np.asarray(image.values)
    ny_full = raw.shape[0]
    if data_bar_rows is None:
        bar = find_data_bar(raw)
    elif isinstance(data_bar_rows, (int, np.integer)) and 0 <= data_bar_rows < ny_full - 16:
        bar = int(data_bar_rows)
    else:
        raise ParameterError("data_bar_rows", data_bar_rows,
                             f"a number of rows between 0 and {ny_full - 17} (or None to find the data bar)")
    field = raw[: ny_full - bar].astype(float)
    if float(field.max()) == float(field.min()):
        raise InputFileError(source, "no particles found: the micrograph above the data bar is blank "
                             f"(one grey level; {bar} data-bar rows left out)", field="image",
                             expected="bright particles on a darker substrate")
    img = filters.gaussian(field, sigma=smoothing_px, preserve_range=True)
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
    if method not in ("auto", "rim", "distance"):
        raise ParameterError("method", method, 'one of "auto" (default), "rim" or "distance"')
    contrast = rim_contrast(img, img > threshold)
    if method == "auto":
        method = "rim" if contrast >= MIN_RIM_CONTRAST else "distance"
    if method == "rim":
        labels = _split_by_rims(img, img > threshold, mask, min_diameter_nm / pixel)
    else:
        labels = _split_by_distance(img > threshold, mask, min_diameter_nm / pixel)
    if exclude_edge:
        # the rows next to the data bar are a frame edge too: objects there are cut by the bar
        border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))) - {0}
    else:
        border = set()
    substrate = float(np.median(img[~mask]))
    max_d_nm = max_diameter_fraction * min(field.shape) * pixel
    kept, diameters, small, shape, nonconvex, regions, kept_area = [], [], 0, 0, 0, 0, 0
    for region in measure.regionprops(labels, intensity_image=img):
        if region.label in border:
            continue
        regions += 1
        if region.solidity < min_solidity or region.equivalent_diameter_area * pixel > max_d_nm:
            shape += 1
            nonconvex += int(region.solidity < min_solidity)
            continue
        d_nm = _edge_diameter_px(region, substrate) * pixel
        if d_nm < min_diameter_nm:
            small += 1
            continue
        kept.append(region.label)
        diameters.append(d_nm)
        kept_area += region.area
    if not kept:
        raise InputFileError(source, f"no particles found ({small} regions smaller than {min_diameter_nm:g} nm, "
                             f"{len(border)} cut by the frame, {shape} not particle-shaped, "
                             f"{bar} data-bar rows left out)",
                             field="image", expected="bright particles on a darker substrate; check the image, "
                             "or lower min_diameter_nm if the particles are that small")
    da = xr.DataArray(np.asarray(diameters, dtype=float), dims="particle", name="diameter",
                      attrs={"units": "nm", "long_name": "equivalent circle diameter",
                             "source_file": source})
    full_labels = np.zeros(raw.shape, dtype=labels.dtype)
    full_labels[: ny_full - bar] = labels
    return Segmentation(labels=full_labels, diameters_nm=da, kept_labels=np.asarray(kept, dtype=int),
                        excluded_edge=len(border), excluded_small=small, threshold=threshold,
                        pixel_size_nm=pixel, min_diameter_nm=float(min_diameter_nm), excluded_shape=shape,
                        data_bar_rows=bar, coverage=kept_area / field.size,
                        foreground_measured=kept_area / float(mask.sum()),
                        nonconvex_fraction=nonconvex / regions if regions else float("nan"),
                        split_method=method, rim_contrast=contrast)


def rim_contrast(img: np.ndarray, bright: np.ndarray) -> float:
    """How far the particles' bright rims stand above their faces, in units of the faces' own spread.

    ``(p99 − median) / (median − p16)`` of the grey levels of the particle pixels ``bright``: the
    rims' excess over the typical (face) level, over the spread of the darker half (noise and the
    blurred edge). Without SE rim contrast the bright tail is only the noise (ratio well below 1);
    spheres imaged with secondary electrons (yield ∝ 1/cos θ, Goldstein et al. 2018, ch. 3) give 2
    or more. Dimensionless; ``nan`` when the particles are one grey level.
    """
    levels = img[bright]
    if levels.size == 0:
        return float("nan")
    p16, median, p99 = (float(v) for v in np.percentile(levels, [16, 50, 99]))
    return (p99 - median) / (median - p16) if median > p16 else float("nan")


def _marker_spacing_px(min_diameter_px: float) -> float:
    """Depth (pixels) a distance-map maximum must have to seed a particle: half the smallest radius.

    Two maxima closer in height than this belong to one particle whose face is irregular (noise,
    a neighbour's rim cutting in), not to two particles: an h-maximum of depth ``h`` is a peak that
    stands ``h`` above every saddle to a higher one (Soille 2003, sec. 6.3.4).
    """
    return 0.25 * min_diameter_px


def _split_by_rims(img: np.ndarray, bright: np.ndarray, mask: np.ndarray, min_diameter_px: float) -> np.ndarray:
    """Labels of touching particles split along their bright SE rims (marker-controlled watershed).

    Secondary-electron yield rises as ``1/cos θ`` towards a sphere's rim (Goldstein et al. 2018,
    ch. 3), so in a top view every particle is a darker face ringed by a bright rim, and where two
    particles touch, their rims form a bright line between the faces even when no substrate shows
    between them. The particles' pixels (above the particle threshold ``bright``) are split into
    faces and rims half way between the faces' typical level (their median: faces are most of a
    particle's area) and the rims' (their 99th percentile), the half-level criterion of an edge.
    The faces, opened by a one-pixel disc to cut the thin bridges that noise leaves across a rim,
    are the particles' cores; the h-maxima [5]_ of the cores' smoothed distance map (depth
    :func:`_marker_spacing_px`) are the markers; the watershed of the inverted distance map [2]_
    [4]_ splits cores that still touch, and each rim pixel is given to the nearest core it is
    connected to (a second watershed, of the distance from the cores), i.e. the boundary runs along
    the middle of the bright line between two faces. A connected part of the mask that holds no
    core (a particle that is edge-bright all over) is a region of its own.
    """
    levels = img[bright]
    # half way from the faces' typical level to the rims' (the median and the 99th percentile of the
    # particles' pixels): the half-level criterion used for the particle edge, applied to the rim edge
    upper = 0.5 * (float(np.median(levels)) + float(np.percentile(levels, _RIM_PERCENTILE)))
    core = morphology.opening(bright & (img < upper), morphology.disk(1))
    distance = ndimage.gaussian_filter(ndimage.distance_transform_edt(core), 1.0)
    markers = measure.label(morphology.h_maxima(distance, _marker_spacing_px(min_diameter_px)) & core)
    cores = segmentation.watershed(-distance, markers, mask=core)
    # each rim pixel goes to the nearest core it is connected to within the mask (flooding the
    # distance from the cores), so the boundary runs along the middle of the bright line between faces
    labels = segmentation.watershed(ndimage.distance_transform_edt(cores == 0), cores, mask=mask)
    # a particle without a darker face (small particles, whose whole projection is edge-bright in SE
    # images, or particles brighter than the rest) has no core: it is its own region
    orphans = measure.label(mask & (labels == 0))
    return np.where(orphans > 0, orphans + labels.max(), labels)


def _split_by_distance(bright: np.ndarray, mask: np.ndarray, min_diameter_px: float) -> np.ndarray:
    """Labels of touching particles split at the necks of the mask's distance map (before 0.2).

    The local maxima of the distance map of the thresholded mask, at least half the smallest
    diameter apart, seed a watershed of the inverted distance map [2]_. In a close-packed layer the
    blurred interstices between three touching particles close, the mask has no necks there, and
    neighbours are merged: kept for comparison (benchmarks/particles.py).
    """
    distance = ndimage.distance_transform_edt(bright)
    min_sep_px = max(1, int(round(0.5 * min_diameter_px)))
    peaks = peak_local_max(ndimage.gaussian_filter(distance, 0.7), min_distance=min_sep_px,
                           threshold_abs=0.25 * min_diameter_px, labels=ndimage.label(mask)[0],
                           exclude_border=False)
    markers = np.zeros(mask.shape, dtype=np.int32)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    return segmentation.watershed(-distance, markers, mask=mask)


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


def normal_ks_distance(diameters_nm, fit: NormalFit) -> float:
    """Kolmogorov–Smirnov distance between the diameters' empirical distribution and the fitted normal."""
    from scipy.stats import norm

    d = np.sort(np.asarray(diameters_nm, dtype=float))
    cdf = norm.cdf(d, loc=fit.mean_nm, scale=fit.sd_nm)
    n = d.size
    return float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))


def sizing_quality(seg: Segmentation, fit: NormalFit | None) -> dict[str, float]:
    """The quality figures of a sizing (plain numbers, for the claims report).

    ``coverage_percent`` (measured particles over the analysed field), ``foreground_measured_percent``
    (their share of the thresholded foreground), ``rejected_objects`` (cut by the frame or the data
    bar, too small, not particle-shaped), ``data_bar_rows``, ``nonconvex_percent`` (regions inside
    the frame rejected as non-convex: merged or broken particles), ``rim_contrast`` (which split was
    used: see :func:`rim_contrast`), and — with a fit — ``ks_distance`` and
    ``ks_critical_1pct`` (Lilliefors' critical value ``1.031/√n``).
    """
    quality = {"coverage_percent": 100.0 * seg.coverage, "foreground_measured_percent": 100.0 * seg.foreground_measured,
               "rejected_objects": float(seg.rejected), "data_bar_rows": float(seg.data_bar_rows),
               "particles": float(seg.n)}
    # figures that could not be formed (no region inside the frame, particles of one grey level) are left
    # out rather than written as nan into the claims report
    for key, value in (("nonconvex_percent", 100.0 * seg.nonconvex_fraction), ("rim_contrast", seg.rim_contrast)):
        if math.isfinite(value):
            quality[key] = float(value)
    if fit is not None:
        quality["ks_distance"] = normal_ks_distance(seg.diameters_nm.values, fit)
        quality["ks_critical_1pct"] = LILLIEFORS_1PCT / math.sqrt(fit.n)
    return quality


def sizing_gate(quality: dict[str, float], *, min_coverage: float = MIN_COVERAGE,
                min_foreground_measured: float = MIN_FOREGROUND_MEASURED,
                max_nonconvex: float = MAX_NONCONVEX_FRACTION) -> str:
    """Why a sizing fails its quality gate, in the user's words; ``""`` when it passes.

    Parameters
    ----------
    quality : dict
        As returned by :func:`sizing_quality`.
    min_coverage, min_foreground_measured : float
        Fractions (0–1): smallest coverage of the field and smallest measured share of the foreground.
    max_nonconvex : float
        Largest fraction (0–1) of non-convex regions (merged or broken particles); a quality dict
        without ``nonconvex_percent`` (made before version 0.2) is not checked for it.
    """
    reasons = []
    if quality["coverage_percent"] < 100.0 * min_coverage:
        reasons.append(f"the measured particles cover only {quality['coverage_percent']:.2g} % of the image "
                       f"(at least {100 * min_coverage:g} % expected)")
    if quality["foreground_measured_percent"] < 100.0 * min_foreground_measured:
        reasons.append(f"only {quality['foreground_measured_percent']:.0f} % of the bright foreground was measured "
                       f"as particles ({quality['rejected_objects']:.0f} objects rejected: cut by the frame or the "
                       "data bar, too small, or not particle-shaped)")
    nonconvex = quality.get("nonconvex_percent", float("nan"))
    if nonconvex > 100.0 * max_nonconvex:
        reasons.append(f"{nonconvex:.0f} % of the regions are not convex (at most {100 * max_nonconvex:g} % "
                       "expected): touching particles were merged or broken, not split")
    if "ks_distance" in quality and quality["ks_distance"] > quality["ks_critical_1pct"]:
        reasons.append(f"the diameters do not follow a normal distribution (Kolmogorov–Smirnov distance "
                       f"{quality['ks_distance']:.3f} > {quality['ks_critical_1pct']:.3f}, Lilliefors 1 % level)")
    return "; ".join(reasons)
