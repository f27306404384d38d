"""Particle-size panels (Fig. 1e, 1f, S7) and the precipitation model's figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr
from skimage.segmentation import find_boundaries

from lpsrepro.analysis.particles import NormalFit, Segmentation, histogram_nm
from lpsrepro.models.nucleation import PrecipitationResult, SupplyHistory
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
from lpsrepro.plots.style import ACCENT, DATA, FIT, GREY, TWO_COLUMN_IN, new_figure, panel_label, styled

if TYPE_CHECKING:                       # annotations only: the Explore dashboard's first view draws nothing
    from matplotlib.figure import Figure


def particle_scale_bar(ax, pixel_size_nm: float, length_nm: float, *, above_fraction: float = 0.0) -> None:
    """White scale bar with its label above it, on a dark box, in the lower-left corner (pixel units).

    The box keeps the label legible over bright particles and the label clear of the bar;
    ``above_fraction`` (of the axes height) lifts it above an instrument's data bar.
    """
    bar = AnchoredSizeBar(ax.transData, length_nm / pixel_size_nm, f"{length_nm:g} nm", "lower left", pad=0.3,
                          borderpad=0.4, sep=3, label_top=True, color="white", frameon=True, size_vertical=3,
                          fontproperties={"size": 7.5}, bbox_to_anchor=(0.0, above_fraction),
                          bbox_transform=ax.transAxes)
    bar.patch.set(facecolor="black", alpha=0.6, edgecolor="none")
    ax.add_artist(bar)


def data_label(attrs: dict) -> str:
    """"stand-in" when the file's own metadata say it is one, else "measured"."""
    return "stand-in" if str(attrs.get("provenance", "")).startswith("simulated stand-in") else "measured"


@styled
def fig_particle_sizes(image: xr.DataArray, seg: Segmentation, fit: NormalFit, *, label: str, title: str,
                       bin_width_nm: float, scale_bar_nm: float, failed_quality: str = "") -> Figure:
    """SEM image with the measured particles outlined, beside the size histogram and its normal fit.

    Outlines: kept particles in orange, particles cut by the frame, too small or not particle-shaped
    in grey; the instrument's data bar (not analysed) is shaded. ``failed_quality`` (the gate's
    reason), when given, is written over the histogram: the numbers are shown, not claimed.
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
    ny = image.sizes["y"]
    if seg.data_bar_rows:
        ax_img.axhspan(ny - seg.data_bar_rows - 0.5, ny - 0.5, color=ACCENT, alpha=0.35, lw=0)
        ax_img.text(0.98, 0.5 * seg.data_bar_rows / ny, "data bar (not analysed)", transform=ax_img.transAxes,
                    ha="right", va="center", fontsize=6.5, color="black")
    particle_scale_bar(ax_img, pixel, scale_bar_nm, above_fraction=seg.data_bar_rows / ny)
    ax_img.set_axis_off()
    ax_img.set_title(title, fontsize=8)
    panel_label(ax_img, label)

    counts, bins = histogram_nm(seg.diameters_nm.values, bin_width_nm)
    ax_h.bar(bins[:-1], counts, width=np.diff(bins), align="edge", color=DATA, alpha=0.7, edgecolor="white",
             label=f"{data_label(image.attrs)}, n = {fit.n}")
    d = np.linspace(bins[0], bins[-1], 300)
    digits = 1 if fit.mean_nm < 1000 else 0
    ax_h.plot(d, fit.pdf(d) * fit.n * bin_width_nm, color=FIT,
              label=f"normal fit {fit.mean_nm:.{digits}f} ± {fit.sd_nm:.{digits}f} nm")
    ax_h.set_xlabel("particle diameter (nm)")
    ax_h.set_ylabel(f"count per {bin_width_nm:g} nm")
    # head room above the tallest bar so that the legend never covers a bar
    ax_h.set_ylim(0, 1.45 * max(counts.max(), (fit.pdf(fit.mean_nm) * fit.n * bin_width_nm)))
    ax_h.legend(loc="upper left", frameon=False, ncols=1, fontsize=7)
    if failed_quality:
        ax_h.set_title("quality gate failed: not a size claim", fontsize=8, color=ACCENT)
    return fig


@styled
def fig_precipitation_model(results: dict[str, PrecipitationResult], curves: dict) -> Figure:
    """The model behind the histograms: supersaturation and nucleation in time, and the final distributions.

    ``results``: label → model solution (its time series are drawn); ``curves``: label → its size
    distribution (:class:`lpsrepro.sections.nanoparticles.DistributionCurve`, as
    ``Result.model_curves()`` computes them).
    """
    fig = new_figure(TWO_COLUMN_IN, 2.8)
    ax_s, ax_d = fig.subplots(1, 2)
    colours = [DATA, FIT, ACCENT, GREY]
    ax_j = ax_s.twinx()
    for colour, (name, res) in zip(colours, results.items()):
        t = res.time_s[1:]
        ax_s.loglog(t, np.maximum(res.supersaturation_t[1:], 1e-3), color=colour, label=name)
        j = res.nucleation_rate_t[1:]
        # rates more than 30 decades below the peak add no particle: not drawn (they only stretch the axis)
        ax_j.loglog(t, np.where(j > 1e-30 * j.max(), j, np.nan), color=colour, ls=":", lw=0.9)
        curve = curves[name]
        ax_d.plot(curve.diameter_nm, curve.density_per_nm, color=colour,
                  label=f"{name}:\n{curve.mean_nm:.1f} ± {curve.sd_nm:.1f} nm")
    ax_s.set_xlabel("time after mixing (s)")
    ax_s.set_ylabel("supersaturation S (solid)")
    ax_j.set_ylabel("nucleation rate (m⁻³ s⁻¹, dotted)")
    ax_d.set_xlabel("particle diameter (nm)")
    ax_d.set_ylabel("number fraction per nm")
    if not results:   # no sample passed its sizing gate: say so instead of drawing empty axes
        for ax in (ax_s, ax_d):
            ax.text(0.5, 0.5, "no model fit:\nno measured size passed its quality gate", transform=ax.transAxes,
                    ha="center", va="center", fontsize=8, color=ACCENT)
        return fig
    ax_s.legend(loc="lower left", frameon=False)
    ax_d.set_ylim(0, 1.6 * ax_d.get_ylim()[1])      # head room: the legend stays clear of the curves
    ax_d.legend(loc="upper right", frameon=False, fontsize=6.5, handlelength=1.2)
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


def draw_model_distribution(ax, curve, *, status: str) -> str:
    """Explore panel: one model size distribution, kernel-smoothed, with its moments in the title.

    ``curve``: a :class:`lpsrepro.sections.nanoparticles.DistributionCurve` (a point of the
    section's Explore grid), or None where nothing nucleates. ``status`` (the inputs, in the
    sliders' units and format) is returned for the line under the figure and also written in the
    figure, so that figure and status always come from one solution.
    """
    if curve is None:
        ax.text(0.5, 0.5, "no particles nucleate\nat these inputs", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(status, fontsize=7.5)
        return f"{status}: no nucleation"
    mean, sd, d = curve.mean_nm, curve.sd_nm, curve.diameter_nm
    ax.fill_between(d, curve.density_per_nm, color=DATA, alpha=0.6)
    ax.set_xlim(d[0], d[-1])
    ax.set_ylim(bottom=0)
    ax.set_xlabel("particle diameter (nm)")
    ax.set_ylabel("number fraction per nm")
    ax.set_title(f"{status}\nmean {mean:.1f} nm, sd {sd:.2f} nm, sd/mean {sd / mean:.3f}", fontsize=7.5)
    return f"{status}: mean {mean:.1f} nm, sd {sd:.2f} nm, sd/mean {sd / mean:.3f}"


@styled
def fig_not_made(what: str, reason: str) -> Figure:
    """A small panel that says what could not be drawn and why (a failed sample keeps its place)."""
    import textwrap

    fig = new_figure(TWO_COLUMN_IN, 1.2)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.0, 0.9, f"{what} not made:\n" + textwrap.fill(reason, 110), va="top", fontsize=7.5, color=ACCENT,
            transform=ax.transAxes)
    return fig


def draw_width_map(ax, grid: dict, supply_rate_per_s: float, solubility_mol_per_m3: float) -> str:
    """Explore panel on a grid given as a dict (``supply_rates_per_s``, ``solubilities_mol_per_m3``,
    ``results``: (k, C∞) → ``DistributionCurve``): the nearest grid point, drawn by
    :func:`draw_model_distribution`.
    Kept for ``benchmarks/nanoparticles.py``; the notebook uses ``sections.nanoparticles.ExploreGrid``."""
    k = min(grid["supply_rates_per_s"], key=lambda v: abs(np.log(v / supply_rate_per_s)))
    c = min(grid["solubilities_mol_per_m3"], key=lambda v: abs(np.log(v / solubility_mol_per_m3)))
    return draw_model_distribution(ax, grid["results"][(k, c)], status=f"k = {k:.3g} 1/s, C∞ = {c:.1e} mol/m³")


@styled
def fig_growth_regimes(regimes: xr.Dataset | None) -> Figure:
    """Relative width and mean size against the supply rate, one line per surface-reaction rate k_r.

    ``regimes`` as returned by :func:`lpsrepro.models.nucleation.width_by_regime`; points that did not
    converge there (``converged`` False) are gaps, and the legend says how many.
    """
    if regimes is None:
        return fig_not_made("growth-regime scan", "needs a model fit of the LPS sizes")
    fig = new_figure(TWO_COLUMN_IN, 2.5)
    ax_w, ax_m = fig.subplots(1, 2)
    styles = ["-", "--", ":", "-."]
    for style, kr in zip(styles, regimes.surface_rate.values):
        row = regimes.sel(surface_rate=kr)
        regime = float(np.nanmedian(row.regime_number.values))
        label = f"k_r = {kr:.0e} m/s (D/(k_r r) ≈ {regime:.1g})"
        missing = int((~row.converged.values).sum()) if "converged" in row else 0
        if missing:   # a gap in the lines: say so where the reader looks for the line
            label += (": not converged, not drawn" if missing == row.converged.size
                      else f": {missing} of {row.converged.size} not converged")
        ax_w.semilogx(row.supply_rate, row.relative_width, marker="o", ms=3, ls=style, color=DATA, label=label)
        ax_m.loglog(row.supply_rate, row.mean_diameter, marker="o", ms=3, ls=style, color=DATA, label=label)
    ax_w.set_xlabel("supply rate k (1/s)")
    ax_w.set_ylabel("relative width sd/mean")
    top = float(np.nanmax(regimes.relative_width.values)) if np.isfinite(regimes.relative_width.values).any() else 1.0
    ax_w.set_ylim(0, 1.7 * top)      # room above the lines for the legend
    ax_m.set_xlabel("supply rate k (1/s)")
    ax_m.set_ylabel("mean diameter (nm)")
    ax_w.legend(loc="upper left", frameon=False, fontsize=6.5)
    for ax, letter in zip((ax_w, ax_m), "ab"):
        panel_label(ax, letter)
    return fig


def fig_mechanism(result) -> Figure:
    """The route study of §3.1's model (:class:`lpsrepro.sections.nanoparticles.ModelStudy`) as
    :func:`fig_supply_routes` draws it: supplies, widths and means of each route against the scans
    (a panel with the reason when the study could not be made)."""
    r = result.routes
    if r is None:
        return fig_not_made("route comparison", result.routes_failure)
    lps = result.sizings["lps"].fit
    dual, conv = r.aging_label["dual"], r.aging_label["conventional"]
    return fig_supply_routes(
        {"dual": r.supplies["dual"], "conventional": r.supplies["conventional"],
         "one k (LPS fit)": r.reference_supply},
        {f"dual, {dual}": (r.half_time_s["dual"], r.routes[("dual", "dual")]),
         f"conventional, {dual}": (r.half_time_s["conventional"], r.routes[("conventional", "dual")]),
         f"conventional, {conv}": (r.half_time_s["conventional"], r.routes[("conventional", "conventional")]),
         f"dual, {conv}": (r.half_time_s["dual"], r.routes[("dual", "conventional")])},
        r.scans, measured=(lps.mean_nm, lps.sd_nm / lps.mean_nm), aging_marks_s={dual: r.aging_s["dual"],
                                                                                  conv: r.aging_s["conventional"]})


def fig_sample_sizes(sizing, *, label: str, bin_width_nm: float, scale_bar_nm: float) -> Figure:
    """Fig. 1e/1f/S7 for one sample of a §3.1 result; a sample that could not be sized shows its
    image (if it was read) and the reason, so that the panel says what happened."""
    if sizing.fit is None:
        return _fig_not_sized(sizing, label=label)
    return fig_particle_sizes(sizing.image, sizing.segmentation, sizing.fit, label=label, title=sizing.label,
                              bin_width_nm=bin_width_nm, scale_bar_nm=scale_bar_nm,
                              failed_quality=sizing.failed_quality)


@styled
def _fig_not_sized(sizing, *, label: str) -> Figure:
    import textwrap

    fig = new_figure(TWO_COLUMN_IN, 3.1)
    ax_img, ax_t = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1]})
    if sizing.image is not None:
        ax_img.imshow(sizing.image.values, cmap="gray", interpolation="nearest")
    ax_img.set_axis_off()
    ax_img.set_title(sizing.label, fontsize=8)
    panel_label(ax_img, label)
    ax_t.set_axis_off()
    ax_t.text(0.0, 0.95, "not sized:\n" + textwrap.fill(sizing.error, 55), va="top", ha="left", fontsize=7,
              color=ACCENT, transform=ax_t.transAxes)
    return fig
