"""Particle-size panels (Fig. 1e, 1f, S7) and the precipitation model's figures."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from skimage.segmentation import find_boundaries

from lpsrepro.analysis.particles import NormalFit, Segmentation, histogram_nm
from lpsrepro.models.nucleation import PrecipitationResult, SupplyHistory, diameter_density_per_nm
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


@styled
def fig_supply_routes(supplies: dict[str, SupplyHistory], routes: dict[str, tuple[float, PrecipitationResult]],
                      scans: dict[str, tuple], *, measured: tuple[float, float] | None = None,
                      aging_marks_s: dict[str, float] | None = None) -> Figure:
    """The mechanism question: supply history of each route → relative width and mean size.

    Parameters
    ----------
    supplies : dict
        Name → :class:`SupplyHistory` (panel a: supplied fraction over time).
    routes : dict
        Label → (half-time of the supply in s, model result), drawn as markers.
    scans : dict
        Label → (half-times in s, relative widths, mean diameters in nm) of a
        first-order supply scan, drawn as lines.
    measured : (float, float), optional
        Measured mean diameter (nm) and relative width of the product, as a reference line.
    aging_marks_s : dict, optional
        Label → time (s) marked on panel a (the aging times).
    """
    fig = new_figure(TWO_COLUMN_IN, 2.6)
    ax_m, ax_w, ax_d = fig.subplots(1, 3)
    colours = [DATA, FIT, ACCENT, GREY]
    for colour, (name, sup) in zip(colours, supplies.items()):
        t = sup.time_s[1:]
        ax_m.semilogx(t, sup.fraction[1:], color=colour, label=name)
    for label, t_mark in (aging_marks_s or {}).items():
        ax_m.axvline(t_mark, color=GREY, lw=0.7, ls=":")
        ax_m.text(t_mark, 0.6, f"{label} ", rotation=90, va="center", ha="right", fontsize=7, color=GREY)
    ax_m.set_xlim(1.0, 1e8)
    ax_m.set_ylim(0, 1.02)
    ax_m.set_xlabel("time after mixing (s)")
    ax_m.set_ylabel("monomer supplied, M(t) / c0")
    ax_m.legend(loc="lower right", frameon=False, fontsize=6.5, handlelength=1.2)
    styles = ["-", "--", "-.", ":"]
    for style, (label, (t_half, widths, means)) in zip(styles, scans.items()):
        ax_w.semilogx(t_half, widths, color=GREY, ls=style, label=label)
        ax_d.loglog(t_half, means, color=GREY, ls=style, label=label)
    markers = ["o", "s", "^", "v", "D"]
    for marker, colour, (label, (t_half, res)) in zip(markers, [DATA, FIT, FIT, ACCENT, DATA], routes.items()):
        mean, sd = res.moments_nm()
        ax_w.semilogx([t_half], [sd / mean], marker=marker, color=colour, ls="none", label=label)
        ax_d.loglog([t_half], [mean], marker=marker, color=colour, ls="none")
    if measured is not None:
        ax_w.axhline(measured[1], color=DATA, lw=0.7, ls=":")
        ax_d.axhline(measured[0], color=DATA, lw=0.7, ls=":")
        ax_w.text(ax_w.get_xlim()[0], measured[1], " measured (SEM)", va="bottom", fontsize=7, color=DATA)
    ax_w.set_xlabel("half-time of the supply (s)")
    ax_w.set_ylabel("relative width sd/mean")
    ax_w.set_ylim(bottom=0)
    ax_w.legend(loc="upper right", frameon=False, fontsize=6.5)
    ax_d.set_xlabel("half-time of the supply (s)")
    ax_d.set_ylabel("mean diameter (nm)")
    for ax, letter in zip((ax_m, ax_w, ax_d), "abc"):
        panel_label(ax, letter)
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
