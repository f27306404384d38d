"""Image formation of a fractured thin-film cross-section in an SEM.

A deliberately simple secondary-electron contrast model, used to make the
stand-in of the paper's cross-section (Fig. 3c) so that the film thickness can
be *measured* rather than typed:

* each layer has a mean grey level (SE/BSE yield rises with atomic number,
  so Au is brightest, the sulfide film mid-grey, glass darker, vacuum dark);
* granular texture inside the sintered film (smoothed random field);
* edge brightening at the free surface (SE escape from edges [1]_);
* interfaces with smooth random roughness of given RMS and correlation length;
* the electron probe blurs with a Gaussian; shot noise is Poisson.

References
----------
.. [1] J. I. Goldstein et al., *Scanning Electron Microscopy and X-Ray
   Microanalysis*, 4th ed., Springer (2018), ch. 2 and 3 (SE yield, edge effect).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage


@dataclass(frozen=True)
class Layer:
    """A layer of the stack, from the substrate upwards."""

    name: str
    thickness_nm: float | None      # None: fills the rest of the frame (substrate)
    grey_level: float               # mean SE signal, 0..1
    texture: float = 0.0            # relative amplitude of granular texture
    grain_nm: float = 20.0          # correlation length of the texture


def rough_profile_nm(n: int, pixel_size_nm: float, rms_nm: float, correlation_nm: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Zero-mean random interface height profile with given RMS and correlation length."""
    if rms_nm == 0:
        return np.zeros(n)
    white = rng.normal(size=n)
    smooth = ndimage.gaussian_filter1d(white, correlation_nm / pixel_size_nm, mode="wrap")
    smooth -= smooth.mean()
    return smooth * (rms_nm / smooth.std())


def cross_section_image(layers: list[Layer], *, shape: tuple[int, int], pixel_size_nm: float,
                        vacuum_grey: float, top_of_substrate_px: float, roughness_rms_nm: float,
                        roughness_correlation_nm: float, edge_brightening: float, edge_width_nm: float,
                        probe_sigma_nm: float, electrons_per_pixel: float,
                        rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Render a cross-section of ``layers`` (substrate first) and return 8-bit pixels.

    Returns
    -------
    pixels : numpy.ndarray of uint8, shape ``shape``
    truth : dict
        The true interface heights per column (in nm above the substrate top,
        keys ``"<layer>_top"``) — for tests, never written to the data file.
    """
    ny, nx = shape
    y_nm = (top_of_substrate_px - np.arange(ny)[:, None]) * pixel_size_nm  # height above substrate top
    signal = np.full(shape, vacuum_grey, dtype=float)
    truth: dict[str, np.ndarray] = {}
    bottom = np.full(nx, -np.inf)
    top_surface = np.zeros(nx)
    height = np.zeros(nx)  # running top of the stack, nm above the substrate top
    for layer in layers:
        if layer.thickness_nm is None:
            top = np.zeros(nx)
        else:
            top = height + layer.thickness_nm + rough_profile_nm(
                nx, pixel_size_nm, roughness_rms_nm, roughness_correlation_nm, rng)
            # keep the layer's mean thickness exact within the field of view
            top += (height + layer.thickness_nm).mean() - top.mean()
        inside = (y_nm > bottom[None, :]) & (y_nm <= top[None, :])
        grey = np.full(shape, layer.grey_level)
        if layer.texture:
            field = ndimage.gaussian_filter(rng.normal(size=shape), layer.grain_nm / pixel_size_nm)
            grey = grey * (1.0 + layer.texture * field / field.std())
        signal = np.where(inside, grey, signal)
        truth[f"{layer.name}_top"] = top.copy()
        bottom, height, top_surface = top, top, top
    # edge brightening just below the free surface of the top layer
    depth = top_surface[None, :] - y_nm
    signal = signal + np.where(depth >= 0, edge_brightening * np.exp(-depth / edge_width_nm), 0.0)
    signal = ndimage.gaussian_filter(signal, probe_sigma_nm / pixel_size_nm)
    counts = rng.poisson(np.clip(signal, 0, None) * electrons_per_pixel)
    pixels = np.clip(np.round(255.0 * counts / (electrons_per_pixel * 1.25)), 0, 255).astype(np.uint8)
    return pixels, truth


# --------------------------------------------------------------------------- particles on a substrate (§3.1)
@dataclass(frozen=True)
class ParticleField:
    """Where the particles of a top-view image lie (nm from the image's top-left corner)."""

    x_nm: np.ndarray
    y_nm: np.ndarray
    diameter_nm: np.ndarray


def place_particles(diameters_nm: np.ndarray, *, field_nm: tuple[float, float], rng: np.random.Generator,
                    min_gap_fraction: float = 0.9, pair_fraction: float = 0.25,
                    max_tries: int = 200) -> ParticleField:
    """Scatter spheres on a substrate, some touching, some cut by the frame.

    Random sequential addition: centres are drawn over the field enlarged by
    one radius on every side (so particles are cut by the frame as in any
    micrograph), and a sphere is kept if its centre lies at least
    ``min_gap_fraction × (r_i + r_j)`` from every other (0.9 lets neighbours
    overlap by up to 10 % of their radii in projection, as particles that sit
    in each other's hollows do). A fraction ``pair_fraction`` of the particles
    is placed right against an earlier one, which makes touching pairs and
    short chains, as a dried sol does.
    """
    height_nm, width_nm = field_nm
    placed_x, placed_y, placed_d = [], [], []
    for d in np.asarray(diameters_nm, dtype=float):
        r = d / 2
        for _ in range(max_tries):
            if placed_d and rng.uniform() < pair_fraction:
                j = rng.integers(len(placed_d))
                angle = rng.uniform(0, 2 * np.pi)
                dist = (placed_d[j] / 2 + r) * rng.uniform(min_gap_fraction, 1.0)
                x, y = placed_x[j] + dist * np.cos(angle), placed_y[j] + dist * np.sin(angle)
            else:
                x, y = rng.uniform(-r, width_nm + r), rng.uniform(-r, height_nm + r)
            if placed_d:
                gap = np.hypot(np.asarray(placed_x) - x, np.asarray(placed_y) - y)
                if np.any(gap < min_gap_fraction * (np.asarray(placed_d) / 2 + r) - 1e-9):
                    continue
            placed_x.append(x)
            placed_y.append(y)
            placed_d.append(d)
            break
    return ParticleField(np.asarray(placed_x), np.asarray(placed_y), np.asarray(placed_d))


def diameters_for_area_fraction(draw, *, area_fraction: float, area_nm2: float, batch: int = 256,
                                max_particles: int = 100_000) -> np.ndarray:
    """Diameters (nm) drawn in batches from ``draw(n)`` until their discs cover ``area_fraction`` of ``area_nm2``.

    The number of particles of a dense layer follows from how much of the substrate it covers,
    not from a fixed count: diameters are drawn ``batch`` at a time (so the random stream does not
    depend on where the cut falls) and the list is cut at the first particle whose disc area
    ``π d²/4``, summed with the earlier ones, reaches ``area_fraction × area_nm2``.
    """
    if not 0 < area_fraction < 1.5:
        raise ValueError(f"area_fraction must be a positive fraction (sum of disc areas over field), got {area_fraction}")
    target = area_fraction * area_nm2
    drawn: list[np.ndarray] = []
    covered = 0.0
    while True:
        d = np.asarray(draw(batch), dtype=float)
        # sequential sum: the same bits on every CPU (no SIMD reduction)
        for i, di in enumerate(d):
            covered += math.pi * di * di / 4.0
            if covered >= target:
                drawn.append(d[: i + 1])
                return np.concatenate(drawn)
        drawn.append(d)
        if sum(x.size for x in drawn) >= max_particles:
            raise ValueError(f"{max_particles} particles do not cover {area_fraction} of {area_nm2:g} nm²")


def pack_particles(diameters_nm: np.ndarray, *, field_nm: tuple[float, float], rng: np.random.Generator,
                   min_gap_fraction: float = 0.95, max_sweeps: int = 2000, tolerance: float = 1e-3) -> ParticleField:
    """Close-packed monolayer of spheres on a substrate, by random placement and overlap relaxation.

    Random sequential addition (as :func:`place_particles`) cannot make the layer of a dried
    nanoparticle film: non-overlapping discs added at random jam at an area fraction of 0.547
    (random sequential adsorption limit [2]_ [3]_), while a dried film (paper Fig. 1e, 1f) is close
    packed. Here all centres are first drawn uniformly over the field enlarged by the largest radius
    on every side (so particles are cut by the frame as in any micrograph), as a dense
    suspension would be at random, and then the overlaps are relaxed, as capillary forces and
    Brownian motion do while the film dries: every sweep, each pair whose centres are closer than
    ``min_gap_fraction × (r_i + r_j)`` is pushed apart along the line of centres by its overlap,
    shared between the two particles in proportion to the other's area (a small particle moves more),
    until the largest overlap is below ``tolerance`` of the pair's contact distance — the
    force-biased / soft-disc relaxation of random close packing [4]_ [5]_. Random close packing of
    polydisperse discs is reached near an area fraction of 0.84 [5]_; with ``min_gap_fraction`` < 1
    neighbours may overlap in projection (a sphere resting in the hollow of its neighbours, or
    sintered necks), so that the disc areas can sum to ~0.9 of the field. The relaxation stops at
    contact, which leaves the many touching pairs and chains that are the real test of a
    segmentation.

    Parameters
    ----------
    diameters_nm : array
        Sphere diameters, nm (see :func:`diameters_for_area_fraction` for how many).
    field_nm : (height, width)
        Size of the imaged field, nm.
    rng : numpy.random.Generator
        Draws the starting centres.
    min_gap_fraction : float
        Closest allowed centre distance, as a fraction of the sum of the two radii.
    max_sweeps, tolerance : int, float
        Relaxation stops after ``max_sweeps`` sweeps or when every overlap is below ``tolerance``
        times the pair's contact distance.

    Raises
    ------
    ValueError
        The particles cannot be relaxed (the area fraction is above what the allowed overlap can pack).

    References
    ----------
    .. [2] J. Feder, "Random sequential adsorption", J. Theor. Biol. 87 (1980) 237,
       doi:10.1016/0022-5193(80)90358-6.
    .. [3] J. W. Evans, "Random and cooperative sequential adsorption", Rev. Mod. Phys. 65 (1993) 1281,
       doi:10.1103/RevModPhys.65.1281.
    .. [4] J. Mościński, M. Bargieł, Z. A. Rycerz, P. W. M. Jacobs, "The force-biased algorithm for
       the irregular close packing of equal hard spheres", Mol. Simul. 3 (1989) 201,
       doi:10.1080/08927028908031373.
    .. [5] C. S. O'Hern, L. E. Silbert, A. J. Liu, S. R. Nagel, "Jamming at zero temperature and zero
       applied stress", Phys. Rev. E 68 (2003) 011306, doi:10.1103/PhysRevE.68.011306.
    """
    d = np.asarray(diameters_nm, dtype=float)
    r = d / 2.0
    height_nm, width_nm = field_nm
    margin = float(r.max())
    x = rng.uniform(-margin, width_nm + margin, size=d.size)
    y = rng.uniform(-margin, height_nm + margin, size=d.size)
    contact = min_gap_fraction * (r[:, None] + r[None, :])
    area = r * r
    upper = np.triu(np.ones((d.size, d.size), dtype=bool), k=1)
    for _ in range(max_sweeps):
        dx = x[None, :] - x[:, None]
        dy = y[None, :] - y[:, None]
        # elementwise sqrt is correctly rounded on every CPU (hypot may not be)
        dist = np.sqrt(dx * dx + dy * dy)
        too_close = upper & (dist < contact * (1.0 - tolerance))
        i, j = np.nonzero(too_close)          # row-major order: the same on every run
        if i.size == 0:
            break
        gap = contact[i, j] - dist[i, j]
        # coincident centres (rare): push apart along x
        safe = np.where(dist[i, j] > 0, dist[i, j], 1.0)
        ux = np.where(dist[i, j] > 0, dx[i, j] / safe, 1.0)
        uy = np.where(dist[i, j] > 0, dy[i, j] / safe, 0.0)
        share_i = area[j] / (area[i] + area[j])
        move_x = np.zeros(d.size)
        move_y = np.zeros(d.size)
        # np.add.at accumulates one pair after the other: no CPU-dependent reduction order
        np.add.at(move_x, i, -gap * share_i * ux)
        np.add.at(move_y, i, -gap * share_i * uy)
        np.add.at(move_x, j, gap * (1.0 - share_i) * ux)
        np.add.at(move_y, j, gap * (1.0 - share_i) * uy)
        # half steps: a particle pushed from several sides at once would otherwise overshoot
        x = np.clip(x + 0.5 * move_x, -margin, width_nm + margin)
        y = np.clip(y + 0.5 * move_y, -margin, height_nm + margin)
    else:
        raise ValueError(f"{d.size} particles could not be relaxed to contact in {max_sweeps} sweeps: "
                         "lower the area fraction or allow more overlap (min_gap_fraction)")
    return ParticleField(x, y, d)


def projected_coverage(field: ParticleField, *, shape: tuple[int, int], pixel_size_nm: float) -> float:
    """Fraction of the image (pixel centres) covered by the particles' projected discs."""
    ny, nx = shape
    covered = np.zeros(shape, dtype=bool)
    for x, y, d in zip(field.x_nm, field.y_nm, field.diameter_nm):
        r = d / 2
        i0, i1 = max(int((y - r) / pixel_size_nm) - 1, 0), min(int((y + r) / pixel_size_nm) + 2, ny)
        j0, j1 = max(int((x - r) / pixel_size_nm) - 1, 0), min(int((x + r) / pixel_size_nm) + 2, nx)
        if i0 >= i1 or j0 >= j1:
            continue
        yy = (np.arange(i0, i1) + 0.5)[:, None] * pixel_size_nm - y
        xx = (np.arange(j0, j1) + 0.5)[None, :] * pixel_size_nm - x
        covered[i0:i1, j0:j1] |= xx * xx + yy * yy < r * r
    return float(covered.mean())


def particle_image(field: ParticleField, *, shape: tuple[int, int], pixel_size_nm: float, substrate_grey: float,
                   particle_grey: float, edge_contrast: float, probe_sigma_nm: float, electrons_per_pixel: float,
                   rng: np.random.Generator, supersampling: int = 3) -> np.ndarray:
    """Top-view SE image of spheres on a flat substrate, as 8-bit grey levels.

    Contrast model (Goldstein et al. 2018, ch. 3): the SE yield of a surface
    tilted by θ to the beam rises as ``1/cos θ``, so a sphere is darker in its
    centre and bright at its rim; we use ``grey × (1 + edge_contrast × (1/cos θ − 1))``
    with ``1/cos θ`` capped at 5 (the rim's SE escape saturates). Where
    particles overlap, the higher surface is seen (z-buffer; spheres rest on
    the substrate). The scene is rendered on a grid ``supersampling`` times
    finer and averaged, blurred by the Gaussian probe, and detected with
    Poisson shot noise.
    """
    ny, nx = shape
    ss = int(supersampling)
    sub = pixel_size_nm / ss
    height = np.full((ny * ss, nx * ss), -np.inf)
    signal = np.full((ny * ss, nx * ss), float(substrate_grey))
    for x, y, d in zip(field.x_nm, field.y_nm, field.diameter_nm):
        r = d / 2
        i0, i1 = max(int((y - r) / sub) - 1, 0), min(int((y + r) / sub) + 2, ny * ss)
        j0, j1 = max(int((x - r) / sub) - 1, 0), min(int((x + r) / sub) + 2, nx * ss)
        if i0 >= i1 or j0 >= j1:
            continue
        yy = (np.arange(i0, i1) + 0.5)[:, None] * sub - y
        xx = (np.arange(j0, j1) + 0.5)[None, :] * sub - x
        rho2 = (xx**2 + yy**2) / r**2
        inside = rho2 < 1.0
        cos_t = np.sqrt(np.clip(1.0 - rho2, 0.0, 1.0))
        z = r + r * cos_t
        view_h, view_s = height[i0:i1, j0:j1], signal[i0:i1, j0:j1]
        top = inside & (z > view_h)
        grey = particle_grey * (1.0 + edge_contrast * (np.minimum(1.0 / np.maximum(cos_t, 1e-9), 5.0) - 1.0))
        view_h[top] = z[top]
        view_s[top] = grey[top]
    pixels = signal.reshape(ny, ss, nx, ss).mean(axis=(1, 3))
    pixels = ndimage.gaussian_filter(pixels, probe_sigma_nm / pixel_size_nm)
    counts = rng.poisson(np.clip(pixels, 0, None) * electrons_per_pixel)
    full_scale = electrons_per_pixel * particle_grey * (1.0 + 4.0 * edge_contrast) * 0.8
    return np.clip(np.round(255.0 * counts / full_scale), 0, 255).astype(np.uint8)
