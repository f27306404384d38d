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
