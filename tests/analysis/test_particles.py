"""Particle sizing from SEM images: the pipeline recovers known sizes, refuses bad input."""

import json
import math

import numpy as np
import pytest
import tifffile
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import norm
from skimage import measure

from lpsrepro.analysis.particles import (MIN_PARTICLES_FOR_FIT, MIN_SOLIDITY, fit_normal, histogram_nm, segment_particles,
                                        sizing_gate, sizing_quality)
from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.io.images import image_dataarray, read_sem_image
from lpsrepro.models.sem import (ParticleField, diameters_for_area_fraction, pack_particles, particle_image,
                                 place_particles, projected_coverage)

IMAGING = dict(substrate_grey=0.25, particle_grey=0.5, edge_contrast=0.2, probe_sigma_nm=1.0, electrons_per_pixel=30)


def render(field, shape, pixel, seed):
    return image_dataarray(particle_image(field, shape=shape, pixel_size_nm=pixel, rng=np.random.default_rng(seed),
                                          **IMAGING), pixel)


def inside(field, shape, pixel):
    r = field.diameter_nm / 2
    return ((field.x_nm - r > 0) & (field.x_nm + r < shape[1] * pixel)
            & (field.y_nm - r > 0) & (field.y_nm + r < shape[0] * pixel))


def join_gap_px(pixel, smoothing_px=1.0):
    """Widest gap (pixels) between two particles of :data:`IMAGING` that the blur can bridge in the mask.

    Upper bound from the image's construction, not from a segmentation: two edges of rim grey level
    ``g_rim`` (the SE yield capped at 5× at the rim, models.sem.particle_image) on the substrate
    ``g_s``, blurred by the probe and the analysis's smoothing (σ in quadrature), stay above the
    half-level threshold ``(g_s + g_particle) / 2`` in the middle of a gap ``g`` while
    ``2 (g_rim − g_s)(1 − Φ(g / 2σ)) > threshold − g_s``. A particle farther than this from the frame
    and from every other particle is isolated in the mask, whatever the split does.
    """
    s, p = IMAGING["substrate_grey"], IMAGING["particle_grey"]
    rim = p * (1 + IMAGING["edge_contrast"] * (5.0 - 1.0))
    sigma = math.hypot(IMAGING["probe_sigma_nm"] / pixel, smoothing_px)
    return 2 * sigma * float(norm.ppf(1 - (0.5 * (s + p) - s) / (2 * (rim - s))))


def account(field, seg, shape, pixel):
    """Where each true particle wholly inside the frame went, by the label at its centre.

    Returns ``{"measured": [...], "nonconvex": [...], "edge": [...], "small": [...], "lost": [...]}``
    (indices into ``field``) and the kept labels holding no true centre (``"fragments"``), and checks
    the bookkeeping of the segmentation: a kept region holds at most one true centre (a pair is never
    measured as one particle), and the regions neither kept nor cut by the frame are exactly those
    counted as rejected for their shape or size.
    """
    labels = seg.labels
    assert seg.data_bar_rows == 0
    border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))) - {0}
    kept = {int(k): d for k, d in zip(seg.kept_labels, seg.diameters_nm.values)}
    regions = {r.label: r for r in measure.regionprops(labels)}
    rejected = set(regions) - set(kept) - border
    assert len(border) == seg.excluded_edge
    assert len(rejected) == seg.excluded_shape + seg.excluded_small
    centre = labels[np.floor(field.y_nm / pixel).astype(int).clip(0, shape[0] - 1),
                    np.floor(field.x_nm / pixel).astype(int).clip(0, shape[1] - 1)]
    out = {"measured": [], "nonconvex": [], "edge": [], "small": [], "lost": []}
    for i in np.flatnonzero(inside(field, shape, pixel)):
        label = int(centre[i])
        if label == 0:
            out["lost"].append(i)
        elif label in kept:
            out["measured"].append(i)
        elif label in border:
            out["edge"].append(i)
        elif regions[label].solidity < MIN_SOLIDITY:
            out["nonconvex"].append(i)
        else:
            out["small"].append(i)
    held = [int(centre[i]) for i in out["measured"]]
    assert len(held) == len(set(held)), "two particles measured as one region"
    out["fragments"] = sorted(set(kept) - set(held))
    return out


def near(field, pixel, gap_px):
    """Pairs of particles closer than ``gap_px`` pixels edge to edge (touching ones included), as a graph."""
    dx = field.x_nm[:, None] - field.x_nm[None, :]
    dy = field.y_nm[:, None] - field.y_nm[None, :]
    gap = (np.hypot(dx, dy) - (field.diameter_nm[:, None] + field.diameter_nm[None, :]) / 2) / pixel
    np.fill_diagonal(gap, np.inf)
    return gap < gap_px


def joined_to_frame(field, shape, pixel, gap_px):
    """Particles that the blur may join, directly or through a chain of neighbours, to the frame or to a
    particle cut by it: they may be left out as cut by the frame though wholly inside it."""
    r = field.diameter_nm / 2
    to_frame = np.minimum.reduce([field.x_nm - r, field.y_nm - r, shape[1] * pixel - field.x_nm - r,
                                  shape[0] * pixel - field.y_nm - r]) / pixel
    reaches = (to_frame < gap_px) | ~inside(field, shape, pixel)
    _, component = connected_components(sparse.csr_matrix(near(field, pixel, gap_px)), directed=False)
    return np.isin(component, component[reaches])


def sparse_layer(mean, sd, pixel, seed, shape=(512, 512)):
    rng = np.random.default_rng(seed)
    field = place_particles(rng.normal(mean, sd, 300), field_nm=(shape[0] * pixel, shape[1] * pixel), rng=rng,
                            min_gap_fraction=0.95, pair_fraction=0.2)
    return field, segment_particles(render(field, shape, pixel, seed), min_diameter_nm=0.33 * mean)


SPARSE = [(18.0, 3.0, 0.8, 1), (44.0, 6.0, 2.0, 2)]


@pytest.mark.parametrize("mean,sd,pixel,seed", SPARSE)
def test_known_size_distribution_is_recovered(mean, sd, pixel, seed):
    field, seg = sparse_layer(mean, sd, pixel, seed)
    fit = fit_normal(seg.diameters_nm)
    truth = field.diameter_nm[inside(field, (512, 512), pixel)]
    # stated accuracy of the pipeline: mean within 3 %; the spread is overestimated (per-particle
    # measurement scatter of ~1-2 pixels adds in quadrature), by at most 20 %
    assert fit.mean_nm == pytest.approx(truth.mean(), rel=0.03)
    assert truth.std() <= fit.sd_nm <= 1.2 * truth.std()
    assert seg.excluded_edge > 10          # particles cut by the frame were there, and were left out


@pytest.mark.parametrize("mean,sd,pixel,seed", SPARSE)
def test_every_particle_is_measured_or_reported_rejected(mean, sd, pixel, seed):
    """Exact bookkeeping instead of a share found: each particle wholly inside the frame is measured
    as one region of its own, or lies in a region the segmentation counts as rejected — non-convex
    (a pair the split left merged: never measured as one particle) or cut by the frame (blurred into
    it, or into a particle it cuts) — and each rejection has a cause in the image's construction."""
    field, seg = sparse_layer(mean, sd, pixel, seed)
    shape, gap = (512, 512), join_gap_px(pixel)
    truth = np.flatnonzero(inside(field, shape, pixel))
    assert field.diameter_nm.min() > seg.min_diameter_nm     # so a region holding a whole particle is never too small
    acc = account(field, seg, shape, pixel)                   # also: no region measured holds two particles
    assert acc["lost"] == [] and acc["small"] == []           # no particle dropped or broken below the size limit
    assert len(acc["measured"]) + len(acc["nonconvex"]) + len(acc["edge"]) == truth.size
    # left out as cut by the frame only where the blur can join the particle to the frame or a cut one
    assert set(acc["edge"]) <= set(np.flatnonzero(joined_to_frame(field, shape, pixel, gap)))
    # non-convex only with a neighbour within the blur's reach: an isolated sphere projects to a disc
    assert all(near(field, pixel, gap)[i].any() for i in acc["nonconvex"])
    held = {int(seg.labels[int(field.y_nm[i] / pixel), int(field.x_nm[i] / pixel)]) for i in acc["nonconvex"]}
    assert len(held) <= seg.excluded_shape                    # each such region counted as rejected for its shape


# Diagnosis of the xfail below (seed 1, 18 nm, 0.8 nm/px; session of 2026-12-03). An extra h-maximum
# inside one face, not a rim path through the particle. The rim split's faces are the particle pixels
# below half way from the faces' median to the rims' 99th percentile (upper = 202 grey levels against a
# face median of 184), and after the 1-px denoising the shot noise lifts clusters of face pixels above
# that level: the faces of this image hold 1084 such holes (median 3 px). The 21.7 nm particle (27 px
# across) is perforated across its middle, so its smoothed distance map peaks at only about 4 px, in two
# lobes with a saddle of about 2 px between them -- deeper than the h-maxima depth
# 0.25 * min_diameter_px = 1.86 px -- and gets two markers: its centre piece is measured as 17.6 nm and
# the other lobe as a 12.7 nm particle. Fixes tried and measured (all on the same images):
# - deciding face/rim on the image smoothed by a second pass of the 1-px kernel: this xfail passes and
#   the file's other tests pass, fragments on 12 more sparse layers 11 -> 6 and merged pairs 32 -> 23, but
#   dense 18 nm layers merge more (pairs measured as one 16-27 -> 24-39 on seeds 31-34, one gate fails) and
#   the nano-Li2S stand-in gets worse against its truth 17.63 +- 3.00 nm (18.45 +- 3.20 -> 18.83 +- 3.49 nm,
#   KS 0.051 against the limit 0.052): it trades over-splitting for merging, so it was not kept;
# - filling holes of the faces: up to 4 px leaves this fragment; from 8 px up (or all, or up to the smallest
#   particle's area) it merges dense neighbours, whose rim lines noise breaks into such holes too (dense
#   18 nm sd x1.16 at 8 px to x3.3);
# - joining two regions whose shared boundary runs mostly through face pixels: many true neighbours
#   (joined by a dim neck or an unresolved rim line) share such boundaries, 20 wrong joins per layer.
# A fix needs a criterion that tells noise holes of a face from rim dashes between faces.
@pytest.mark.parametrize("mean,sd,pixel,seed", [
    pytest.param(*SPARSE[0], marks=pytest.mark.xfail(strict=True, reason=(
        "analysis defect: the rim split cuts one particle (d 21.7 nm) of this layer in two and the piece "
        "without the centre (12.7 nm, solidity 0.87) is measured as a particle of its own"))),
    SPARSE[1]])
def test_no_measured_region_is_a_fragment(mean, sd, pixel, seed):
    """Every region measured holds a true particle's centre: no particle is over-split into pieces measured."""
    field, seg = sparse_layer(mean, sd, pixel, seed)
    assert account(field, seg, (512, 512), pixel)["fragments"] == []


def test_touching_pairs_are_split_and_sized():
    pixel, d = 1.0, 20.0
    xs, ys = [], []
    for i in range(4):
        for j in range(4):
            x0, y0 = 40 + 90 * j, 40 + 90 * i
            xs += [x0, x0 + 0.97 * d]          # two particles touching (3 % overlap)
            ys += [y0, y0]
    field = ParticleField(np.array(xs, float), np.array(ys, float), np.full(len(xs), d))
    seg = segment_particles(render(field, (400, 400), pixel, 3), min_diameter_nm=8.0)
    acc = account(field, seg, (400, 400), pixel)      # also: no region measured holds both particles of a pair
    measured, nonconvex = set(acc["measured"]), set(acc["nonconvex"])
    split = [p for p in range(16) if {2 * p, 2 * p + 1} <= measured]
    rejected = [p for p in range(16) if {2 * p, 2 * p + 1} <= nonconvex]
    assert len(split) + len(rejected) == 16            # each pair either split in two or rejected whole
    assert seg.excluded_shape == len(rejected) and seg.excluded_edge == 0 and acc["fragments"] == []
    # every pair is the split's design case (two faces 20 px across, each ringed by its SE rim, the
    # rims meeting in a bright line, 50 px from any other pair): all 16 are split, none rejected
    assert len(split) == 16 and seg.n == 32
    assert np.median(seg.diameters_nm.values) == pytest.approx(d, rel=0.05)
    assert seg.diameters_nm.max() < 1.3 * d   # no merged pair (a merged pair would be ~1.4 d)


def test_edge_particles_and_small_specks_are_excluded():
    field = ParticleField(np.array([0.0, 100.0, 200.0]), np.array([100.0, 100.0, 100.0]), np.array([30.0, 30.0, 12.0]))
    seg = segment_particles(render(field, (200, 300), 1.0, 4), min_diameter_nm=15.0)
    assert seg.n == 1 and seg.diameters_nm.values[0] == pytest.approx(30, rel=0.05)
    assert seg.excluded_edge >= 1 and seg.excluded_small >= 1


def test_too_few_particles_for_a_fit_says_what_to_do():
    with pytest.raises(InputFileError, match=r"img.tif, field 'particles': only 5 particles.*lower magnification"):
        fit_normal([18.0, 19, 20, 17, 18], source="img.tif")
    with pytest.warns(UserWarning, match="only 50 particles"):
        fit_normal(np.random.default_rng(0).normal(18, 3, 50))
    assert MIN_PARTICLES_FOR_FIT >= 10


def test_image_without_particles_is_refused():
    noise = image_dataarray(np.random.default_rng(0).poisson(80, (100, 100)).astype(np.uint8), 1.0)
    with pytest.raises(InputFileError, match=r"no particles found \(\d+ regions smaller than 25 nm, \d+ cut by the frame, \d+ not particle-shaped, 0 data-bar rows left out\)"):
        segment_particles(noise, min_diameter_nm=25)


def test_dataarray_without_or_with_bad_scale_is_refused():
    pixels = np.zeros((50, 50))
    pixels[20:30, 20:30] = 1
    da = image_dataarray(pixels, 1.0)
    del da.attrs["pixel_size_nm"]
    with pytest.raises(InputFileError, match="field 'pixel_size_nm': the image has no scale"):
        segment_particles(da, min_diameter_nm=5)
    da.attrs["pixel_size_nm"] = -2.0
    with pytest.raises(InputFileError, match="pixel size -2.0 is not a positive number"):
        segment_particles(da, min_diameter_nm=5)
    with pytest.raises(ParameterError, match="min_diameter_nm"):
        segment_particles(image_dataarray(pixels, 1.0), min_diameter_nm=0)


def test_scale_of_zero_in_resolution_tags_is_no_scale(tmp_path):
    # a TIFF whose resolution tags say 0 pixels per cm has no usable scale (tests/io/test_io.py covers JSON 0)
    tifffile.imwrite(tmp_path / "r0.tif", np.arange(100, dtype=np.uint8).reshape(10, 10), resolution=(0.0, 0.0),
                     resolutionunit="CENTIMETER")
    with pytest.raises(InputFileError, match="r0.tif, field 'pixel size': the image has no scale"):
        read_sem_image(tmp_path / "r0.tif")


def test_bundled_images_carry_scale_and_provenance():
    from lpsrepro import paths
    for name in ("nano_li2s_sem.tif", "lps_precursor_sem.tif", "lps_naph_sem.tif"):
        # read as a user would: the scale from the Zeiss CZ_SEM tag, the provenance from the description
        meta = read_sem_image(paths.RAW / name).attrs
        assert meta["pixel_size_nm"] > 0 and meta["provenance"] == "simulated stand-in"


def test_histogram_bins():
    counts, edges = histogram_nm([10.2, 11.9, 12.0, 13.5], 1.0)
    assert edges[0] == 10 and edges[-1] == 14 and counts.sum() == 4
    with pytest.raises(ParameterError):
        histogram_nm([1.0], 0)


# --------------------------------------------------------------------------- close-packed layers (Fig. 1e, 1f)
def dense_field(mean, sd, pixel, seed, area_fraction=0.85):
    rng = np.random.default_rng(seed)
    side = 512 * pixel
    margin = (mean + 4 * sd) / 2
    d = diameters_for_area_fraction(lambda n: rng.normal(mean, sd, n), area_fraction=area_fraction,
                                    area_nm2=(side + 2 * margin) ** 2)
    return pack_particles(d, field_nm=(side, side), rng=rng, min_gap_fraction=0.95), rng


def test_dense_packing_is_close_packed_beyond_random_sequential_adsorption():
    field, _ = dense_field(18.0, 3.0, 0.8, 11)
    # RSA of discs jams at 0.547 (Feder 1980): the relaxed layer must cover well beyond it, as Fig. 1e/1f
    assert projected_coverage(field, shape=(512, 512), pixel_size_nm=0.8) >= 0.75
    dx = field.x_nm[:, None] - field.x_nm[None, :]
    dy = field.y_nm[:, None] - field.y_nm[None, :]
    ratio = np.sqrt(dx**2 + dy**2) / (field.diameter_nm[:, None] / 2 + field.diameter_nm[None, :] / 2)
    ratio = ratio[np.triu_indices(field.diameter_nm.size, k=1)]
    assert ratio.min() >= 0.95 * (1 - 1e-3) - 1e-9     # no overlap beyond the allowed 5 % of the radii
    contacts = np.count_nonzero(ratio < 0.97) / field.diameter_nm.size
    assert contacts >= 1.0                              # touching neighbours: on average ≥ 2 contacts a particle


def test_dense_packing_is_deterministic_and_counts_by_area():
    a, _ = dense_field(44.0, 6.0, 2.0, 5, area_fraction=0.6)
    b, _ = dense_field(44.0, 6.0, 2.0, 5, area_fraction=0.6)
    assert np.array_equal(a.x_nm, b.x_nm) and np.array_equal(a.diameter_nm, b.diameter_nm)
    side = 512 * 2.0 + 44.0 + 24.0
    area = np.pi / 4 * np.sum(a.diameter_nm**2)
    assert 0.6 * side**2 <= area < 0.6 * side**2 + np.pi / 4 * a.diameter_nm[-1] ** 2 + 1e-6
    with pytest.raises(ValueError, match="area_fraction"):
        diameters_for_area_fraction(lambda n: np.ones(n), area_fraction=0.0, area_nm2=1.0)


@pytest.mark.parametrize("mean,sd,pixel,seed", [(18.0, 3.0, 0.8, 21), (44.0, 6.0, 2.0, 22), (56.0, 7.0, 2.0, 23)])
def test_dense_layer_touching_particles_are_split_and_sized(mean, sd, pixel, seed):
    """Close packing (~80 % coverage, touching and 5 %-overlapping neighbours, as Fig. 1e/1f) is the real
    test of the split. Stated accuracy against the forward model's own diameters (particles wholly
    inside the frame): mean within 5 % (the edge criterion and the probe blur bias it up by 2–4 % at
    20 px per particle), spread within 20 % either way (per-particle scatter of ~1 px adds to it,
    rejected non-convex regions take from it; the sd of ~400 diameters is itself uncertain by ~4 %),
    at least 60 % of the particles measured, and a sizing that passes its gate must meet this."""
    field, rng = dense_field(mean, sd, pixel, seed)
    img = image_dataarray(particle_image(field, shape=(512, 512), pixel_size_nm=pixel, rng=rng, **IMAGING), pixel)
    seg = segment_particles(img, min_diameter_nm=mean / 3)
    assert seg.split_method == "rim" and seg.rim_contrast > 1.5      # SE rims, as the paper's images
    fit = fit_normal(seg.diameters_nm)
    truth = field.diameter_nm[inside(field, (512, 512), pixel)]
    assert fit.mean_nm == pytest.approx(truth.mean(), rel=0.05)
    assert fit.sd_nm == pytest.approx(truth.std(), rel=0.2)
    assert fit.n >= 0.6 * truth.size
    quality = sizing_quality(seg, fit)
    assert quality["nonconvex_percent"] < 20.0
    assert sizing_gate(quality) == ""


@pytest.mark.parametrize("mean,sd,pixel,seed", [(18.0, 3.0, 0.8, 21), (44.0, 6.0, 2.0, 22)])
def test_distance_split_merges_dense_layers_and_the_gate_refuses_it(mean, sd, pixel, seed):
    """The former split (distance-map maxima of the mask) merges touching particles of a close-packed
    layer: its spread comes out too wide, and such a sizing must fail its gate rather than be reported."""
    field, rng = dense_field(mean, sd, pixel, seed)
    img = image_dataarray(particle_image(field, shape=(512, 512), pixel_size_nm=pixel, rng=rng, **IMAGING), pixel)
    seg = segment_particles(img, min_diameter_nm=mean / 3, method="distance")
    fit = fit_normal(seg.diameters_nm)
    truth = field.diameter_nm[inside(field, (512, 512), pixel)]
    assert fit.sd_nm > 1.5 * truth.std()
    assert sizing_gate(sizing_quality(seg, fit)) != ""


def test_unknown_split_method_is_refused():
    field = ParticleField(np.array([100.0]), np.array([100.0]), np.array([30.0]))
    with pytest.raises(ParameterError, match="method"):
        segment_particles(render(field, (200, 200), 1.0, 4), min_diameter_nm=10.0, method="hough")


def test_gate_refuses_many_nonconvex_regions():
    q = {"coverage_percent": 70.0, "foreground_measured_percent": 85.0, "rejected_objects": 90.0,
         "nonconvex_percent": 35.0, "ks_distance": 0.03, "ks_critical_1pct": 0.05}
    assert "35 % of the regions are not convex" in sizing_gate(q)
    assert sizing_gate({**q, "nonconvex_percent": 5.0}) == ""


def test_particles_without_rim_contrast_are_sized_by_the_distance_split():
    # uniform discs (no SE edge effect: backscattered-electron images, or particles smaller than the
    # interaction volume): there are no rims to split along, the rim split would over-split the noisy
    # faces (sd ×1.6, benchmarks/particles.py), so "auto" measures the rim contrast and takes the distance split
    rng = np.random.default_rng(7)
    field = place_particles(rng.normal(44.0, 6.0, 200), field_nm=(1024.0, 1024.0), rng=rng,
                            min_gap_fraction=1.05, pair_fraction=0.0)
    flat = {**IMAGING, "edge_contrast": 0.0}
    img = image_dataarray(particle_image(field, shape=(512, 512), pixel_size_nm=2.0, rng=rng, **flat), 2.0)
    seg = segment_particles(img, min_diameter_nm=15.0)
    assert seg.rim_contrast < 1.0 and seg.split_method == "distance"
    fit = fit_normal(seg.diameters_nm)
    truth = field.diameter_nm[inside(field, (512, 512), 2.0)]
    assert fit.mean_nm == pytest.approx(truth.mean(), rel=0.03)
    assert fit.sd_nm == pytest.approx(truth.std(), rel=0.2)
    # no particle touches another (gaps of at least 5 % of the radii, ≥ 1 px): each is one disc or a
    # disc joined by a blurred neck, the distance split's design case, so every one is measured
    acc = account(field, seg, (512, 512), 2.0)
    assert len(acc["measured"]) == truth.size and acc["fragments"] == [] and seg.excluded_shape == 0


def test_particle_brighter_than_its_neighbours_keeps_its_own_region():
    # a particle that is edge-bright all over (no darker face) gets no face seed: it must still be
    # measured as itself, not absorbed by a neighbour or dropped
    pixels = np.full((200, 300), 60, dtype=np.uint8)
    yy, xx = np.mgrid[:200, :300]
    for cx in (60, 150):                                  # ordinary particles: face 140, rim 230
        r = np.hypot(xx - cx, yy - 100)
        pixels[r < 20] = 140
        pixels[(r >= 16) & (r < 20)] = 230
    pixels[np.hypot(xx - 240, yy - 100) < 12] = 250       # small, bright all over
    seg = segment_particles(image_dataarray(pixels, 1.0), min_diameter_nm=10.0, method="rim")
    assert seg.n == 3
    assert sorted(np.round(seg.diameters_nm.values / 8).astype(int)) == [3, 5, 5]   # 24 and 40 nm within ±4
