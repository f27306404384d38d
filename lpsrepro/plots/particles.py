"""Particle-size panels (Fig. 1e, 1f, S7) and the precipitation model's figures."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from skimage.segmentation import find_boundaries

from lpsrepro.analysis.particles import NormalFit, Segmentation, histogram_nm
from lpsrepro.models.nucleation import PrecipitationResult, diameter_density_per_nm
from lpsrepro.plots.sem import add_scale_bar
from lpsrepro.plots.style import ACCENT, DATA, FIT, GREY, TWO_COLUMN_IN, new_figure, panel_label, styled


@styled
def fig_particle_sizes(image: xr.DataArray, seg: Segmentation, fit: NormalFit, *, label: str, title: str,
                       bin_width_nm: float, scale_bar_nm: float) -> Figure:
    """SEM image with the measured particles outlined, beside the size histogram and its normal fit.

    Outlines: kept particles in orange, particles cut by the frame or below the minimum size in grey.
    """
    fig = new_figure(TWO_COLUMN_IN, 3.1)
    ax_img, ax_h = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1]})
    pixel = float(image.attrs["pixel_size_nm"])
    ax_img.imshow(image.values, cmap="gray", interpolation="nearest")
    kept = np.isin(seg.labels, seg.kept_labels)
    edges = find_boundaries(seg.labels, mode="inner")
    ax_img.imshow(np.ma.masked_where(~(edges & kept), edges), cmap="autumn", alpha=0.9, interpolation="nearest")
    ax_img.imshow(np.ma.masked_where(~(edges & ~kept), edges), cmap="Greys", vmin=0, vmax=1.5, alpha=0.8,
                  interpolation="nearest")
    add_scale_bar(ax_img, pixel, scale_bar_nm, f"{scale_bar_nm:g} nm")
    ax_img.set_axis_off()
    ax_img.set_title(title, fontsize=8)
    panel_label(ax_img, label)

    counts, bins = histogram_nm(seg.diameters_nm.values, bin_width_nm)
    ax_h.bar(bins[:-1], counts, width=np.diff(bins), align="edge", color=DATA, alpha=0.7, edgecolor="white",
             label=f"measured, n = {fit.n}")
    d = np.linspace(bins[0], bins[-1], 300)
    ax_h.plot(d, fit.pdf(d) * fit.n * bin_width_nm, color=FIT,
              label=f"normal fit {fit.mean_nm:.1f} ± {fit.sd_nm:.1f} nm")
    ax_h.set_xlabel("particle diameter (nm)")
    ax_h.set_ylabel(f"count per {bin_width_nm:g} nm")
    ax_h.legend(loc="upper right", frameon=False)
    return fig


@styled
def fig_precipitation_model(results: dict[str, PrecipitationResult]) -> Figure:
    """The model behind the histograms: supersaturation and nucleation in time, and the final distributions."""
    fig = new_figure(TWO_COLUMN_IN, 2.8)
    ax_s, ax_d = fig.subplots(1, 2)
    colours = [DATA, FIT, ACCENT, GREY]
    ax_j = ax_s.twinx()
    for colour, (name, res) in zip(colours, results.items()):
        t = res.time_s[1:]
        ax_s.loglog(t, np.maximum(res.supersaturation_t[1:], 1e-3), color=colour, label=name)
        j = res.nucleation_rate_t[1:]
        ax_j.loglog(t, np.where(j > 0, j, np.nan), color=colour, ls=":", lw=0.9)
        mean, sd = res.moments_nm()
        edges = np.linspace(0, 2.0 * mean + 4 * sd, 120)
        ax_d.plot(0.5 * (edges[1:] + edges[:-1]), diameter_density_per_nm(res, edges), color=colour,
                  label=f"{name}: {mean:.1f} ± {sd:.1f} nm")
    ax_s.set_xlabel("time after mixing (s)")
    ax_s.set_ylabel("supersaturation S (solid)")
    ax_j.set_ylabel("nucleation rate (m⁻³ s⁻¹, dotted)")
    ax_s.legend(loc="lower left", frameon=False)
    ax_d.set_xlabel("particle diameter (nm)")
    ax_d.set_ylabel("number fraction per nm")
    ax_d.legend(loc="upper right", frameon=False)
    return fig


def draw_width_map(ax, grid: dict, supply_rate_per_s: float, solubility_mol_per_m3: float) -> str:
    """Explore panel: the model's size distribution at the chosen grid point (precomputed grid)."""
    k = min(grid["supply_rates_per_s"], key=lambda v: abs(np.log(v / supply_rate_per_s)))
    c = min(grid["solubilities_mol_per_m3"], key=lambda v: abs(np.log(v / solubility_mol_per_m3)))
    res = grid["results"][(k, c)]
    if res is None:
        ax.text(0.5, 0.5, "no particles nucleate\nat these inputs", ha="center", va="center", transform=ax.transAxes)
        return f"k = {k:.3g} 1/s, C∞ = {c:.3g} mol/m³: no nucleation"
    mean, sd = res.moments_nm()
    edges = np.linspace(0, mean + 5 * sd, 150)
    ax.fill_between(0.5 * (edges[1:] + edges[:-1]), diameter_density_per_nm(res, edges), color=DATA, alpha=0.6)
    ax.set_xlabel("particle diameter (nm)")
    ax.set_ylabel("number fraction per nm")
    ax.set_title(f"mean {mean:.1f} nm, sd {sd:.1f} nm, sd/mean {sd / mean:.3f}", fontsize=8)
    return f"supply rate {k:.3g} 1/s, solubility {c:.3g} mol/m³ (nearest grid point)"
