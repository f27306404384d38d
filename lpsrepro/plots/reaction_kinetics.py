"""§3.1 figure panels: offset XRD and Raman stacks with phase markers, conversion curves, Fig. S1.

Each ``fig*`` function returns a new Figure; ``draw_*`` functions draw into
given axes and are shared with the "Explore" widget. Nothing is modelled
here: curves and Explore states come from :mod:`lpsrepro.sections.reaction_kinetics`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lpsrepro.sections.reaction_kinetics import explore
from lpsrepro.plots.style import ACCENT, DATA, FIT, GREY, ONE_COLUMN_IN, TWO_COLUMN_IN, new_figure, panel_label, styled

if TYPE_CHECKING:                       # annotations only: the Explore dashboard's first view draws nothing
    from matplotlib.figure import Figure

#: Okabe–Ito colours of the phases' markers.
PHASE_COLOURS = {"beta-Li3PS4": "#0072B2", "Li2S": "#D55E00", "Li4P2S6": "#009E73"}
PHASE_MARKERS = {"beta-Li3PS4": "o", "Li2S": "v", "Li4P2S6": "s"}


def _stand_in(data) -> bool:
    """True when the data's own metadata say they are a simulated stand-in (never assumed)."""
    return "stand-in" in str(getattr(data, "attrs", {}).get("provenance", ""))


def _local_top(x, y, lo: float, hi: float) -> float:
    sel = (x >= lo) & (x <= hi)
    return float(np.max(y[sel])) if np.any(sel) else float(np.max(y))


def draw_xrd_stack(ax, patterns: list[tuple[str, object]], fits=None, *, gates=None, reference=None,
                   offset_fraction: float = 0.75) -> None:
    """Offset stack of patterns (bottom to top in list order) with markers on each phase's strongest lines.

    Markers and labels sit above the local maximum of the trace, never on a peak. A pattern whose
    quality gate failed (``gates[k].passed`` false) gets no phase markers — its phases are not
    established — but "?" over each unexplained peak and a note. ``reference`` maps each phase to its
    computed lines ``(2θ, relative intensity, label)`` (from the section result); they are drawn
    under the patterns.
    """
    reference = reference or {}
    if not patterns:   # every file of this panel failed to read: say so instead of failing
        ax.text(0.5, 0.5, "no readable pattern (see the notebook's messages)", transform=ax.transAxes,
                ha="center", va="center", fontsize=8)
        ax.set_yticks([])
        return
    top = max(float(p.values.max()) for _, p in patterns)
    step = offset_fraction * top
    for k, (label, pattern) in enumerate(patterns):
        x, y = pattern["two_theta"].values, pattern.values + k * step
        ax.plot(x, y, color="k", lw=0.6)
        gate = gates[k] if gates else None
        note = label if gate is None or gate.passed else f"{label}: quality gate failed, phases not established"
        # above the highest point (and its phase markers) of the right-hand part, where the label goes
        ax.text(59.5, _local_top(x, y, 36.0, 60.0) + 0.2 * step, note, ha="right", va="bottom", fontsize=7)
        if gate is not None and not gate.passed:
            strongest = sorted(gate.unexplained_peaks, key=lambda pk: -pk.significance)[:10]
            for peak in strongest:
                if peak.net_counts > 0 and 10 < peak.two_theta_deg < 60:
                    ax.text(peak.two_theta_deg, _local_top(x, y, peak.two_theta_deg - 0.3, peak.two_theta_deg + 0.3)
                            + 0.04 * step, "?", ha="center", va="bottom", fontsize=7, color=ACCENT)
            continue
        fit = fits[k] if fits else None
        if fit is None:
            continue
        for name, (two_theta, intensity, _) in reference.items():
            if name in fit.phases and fit.phases[name].observed:
                strong = two_theta[(intensity > 0.25) & (two_theta > 10) & (two_theta < 60)]
                yy = [_local_top(x, y, t - 0.3, t + 0.3) + 0.1 * step for t in strong + fit.zero_shift_deg]
                ax.plot(strong, yy, PHASE_MARKERS.get(name, "d"), color=PHASE_COLOURS.get(name, GREY), ms=3.5,
                        mfc="none", mew=0.9)
    if reference:
        base = -0.25 * step
        for j, (name, (two_theta, intensity, label)) in enumerate(reference.items()):
            sel = (two_theta > 10) & (two_theta < 60)
            y0 = base - j * 0.28 * step
            colour = PHASE_COLOURS.get(name, GREY)
            ax.vlines(two_theta[sel], y0, y0 + 0.2 * step * intensity[sel], color=colour, lw=0.8)
            ax.plot([], [], PHASE_MARKERS.get(name, "d"), color=colour, mfc="none", label=label)
        # above the axes: the legend never covers data
        ax.legend(loc="lower left", frameon=False, ncol=3, fontsize=7, bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2)
    ax.set_xlim(10, 60)
    ax.set_ylim(top=ax.get_ylim()[1] + 0.3 * step)
    ax.set_yticks([])
    ax.set_xlabel("2θ (degree, Cu Kα)")
    ax.set_ylabel("intensity (counts, offset)")
    ax.axvspan(10, 22, color=GREY, alpha=0.06, lw=0)


@styled
def fig_xrd_stack(patterns, fits, panel: str, *, title: str = "", gates=None, reference=None) -> Figure:
    """An offset XRD stack (Fig. 1g, 2a, 2c, S2b, S6, S8) with phase markers of the phases found above their DL."""
    fig = new_figure(ONE_COLUMN_IN * 1.25, 0.8 + 0.75 * len(patterns) + 1.1)
    ax = fig.add_subplot()
    draw_xrd_stack(ax, patterns, fits, gates=gates, reference=reference)
    if title:
        ax.set_title(title, fontsize=8, pad=16)
    panel_label(ax, panel)
    return fig


def draw_raman_stack(ax, spectra: list[tuple[str, object]], fits=None, *, offset_fraction: float = 0.6) -> None:
    """Offset stack of Raman spectra, fitted curves and the positions of bands found present."""
    top = max(float(s.values.max() - s.values.min()) for _, s in spectra)
    for k, (label, s) in enumerate(spectra):
        x = s["raman_shift"].values
        base = k * offset_fraction * top - float(s.values.min())
        ax.plot(x, s.values + base, color="k", lw=0.6)
        if fits:
            ax.plot(x, fits[k].fitted + base, color=FIT, lw=0.8)
            for band in fits[k].bands.values():
                if band.present:
                    yb = float(np.interp(band.center_per_cm, x, fits[k].fitted)) + base
                    ax.plot([band.center_per_cm] * 2, [yb + 0.05 * top, yb + 0.15 * top], color=ACCENT, lw=0.8)
        ax.text(x.max() - 3, base + float(s.values[-1]) + 0.08 * top, label, ha="right", fontsize=7)
    # neighbouring bands (375, 389 cm-1) get their labels at two heights so that they do not overlap
    for pos, name, height in ((420, "PS$_4^{3-}$", 1.01), (389, "P$_2$S$_6^{4-}$", 1.07), (375, "Li$_2$S", 1.01)):
        ax.axvline(pos, color=GREY, lw=0.5, ls=":")
        ax.text(pos, height, name, transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=6.5)
    ax.set_yticks([])
    ax.set_xlabel("Raman shift (cm$^{-1}$)")
    ax.set_ylabel("intensity (counts, offset)")


@styled
def fig_raman_stack(spectra, fits, panel: str) -> Figure:
    """An offset Raman stack (Fig. 2b, 2d) with the band fit and the bands found present."""
    fig = new_figure(ONE_COLUMN_IN * 1.25, 0.9 + 0.7 * len(spectra) + 0.6)
    ax = fig.add_subplot()
    draw_raman_stack(ax, spectra, fits)
    panel_label(ax, panel)
    return fig


def draw_conversion(ax, *, measured: dict[str, tuple], curves: dict[str, tuple], t_max_min: float = 5000.0) -> None:
    """Conversion vs time (log axis): measured points with errors and model curves per route."""
    colours = {"dual": DATA, "conventional": FIT, "nano-Li2S + P2S5": ACCENT, "Li-naphthalene": GREY}
    for route, (t, x) in curves.items():
        ax.plot(t, 100 * np.asarray(x), color=colours.get(route, "k"), lw=1.1, label=f"model, {route}")
    for route, (t, x, s) in measured.items():
        ax.errorbar(t, 100 * np.asarray(x), yerr=100 * np.asarray(s), fmt="o", mfc="white", ms=4,
                    color=colours.get(route, "k"), capsize=2, label=f"XRD, {route}")
    ax.axhline(99, color=GREY, lw=0.6, ls="--")
    ax.text(1.2, 99.3, "99 %", fontsize=7, color=GREY)
    ax.set_xscale("log")
    ax.set_xlim(1, t_max_min)
    ax.set_ylim(0, 102)
    ax.set_xlabel("reaction time (min)")
    ax.set_ylabel("Li$_2$S conversion (%)")
    ax.legend(loc="lower right", frameon=False, fontsize=6.5)


@styled
def fig_conversion(measured, curves) -> Figure:
    fig = new_figure(ONE_COLUMN_IN * 1.25, 3.0)
    draw_conversion(fig.add_subplot(), measured=measured, curves=curves)
    return fig


@styled
def fig_s1_nano_li2s(pattern, lines, raman_nano, raman_bulk, fit_nano, fit_bulk, li2s_lines, problem: str = "") -> Figure:
    """Fig. S1: XRD of nano-Li2S with bulk-Li2S sticks and per-line Scherrer sizes; Raman nano vs commercial.

    A pattern or spectrum that could not be read is left out; ``problem`` (the size's failure, if
    any) is written on panel a.
    """
    fig = new_figure(TWO_COLUMN_IN, 2.8)
    ax1, ax2 = fig.subplots(1, 2)
    _draw_s1_xrd(ax1, pattern, lines, li2s_lines, problem)
    panel_label(ax1, "a")
    for s, fit, colour, label in ((raman_bulk, fit_bulk, GREY, "commercial Li$_2$S"),
                                  (raman_nano, fit_nano, FIT, "nano-Li$_2$S")):
        if fit is None or not fit.bands["Li2S"].present:
            continue
        band = fit.bands["Li2S"]
        ax2.plot(s["raman_shift"].values, s.values - fit.background, color=colour, lw=0.7,
                 label=f"{label}: {band.center_per_cm:.1f} cm$^{{-1}}$, FWHM {band.fwhm_per_cm:.1f}")
    ax2.set_xlim(330, 420)
    ax2.set_ylim(top=1.45 * ax2.get_ylim()[1])    # room for the legend above the bands
    ax2.set_xlabel("Raman shift (cm$^{-1}$)")
    ax2.set_ylabel("intensity − background (counts)")
    ax2.legend(loc="upper left", frameon=False, fontsize=6.5)
    panel_label(ax2, "b")
    return fig


def _draw_s1_xrd(ax1, pattern, lines, li2s_lines, problem: str) -> None:
    if pattern is None:
        ax1.text(0.5, 0.5, "no readable pattern", transform=ax1.transAxes, ha="center", va="center", fontsize=8)
        return
    x = pattern["two_theta"].values
    ax1.plot(x, pattern.values, color="k", lw=0.6,
             label="nano-Li$_2$S (stand-in)" if _stand_in(pattern) else "nano-Li$_2$S")
    two_theta, intensity = li2s_lines
    sel = (two_theta > 10) & (two_theta < 60)
    ax1.vlines(two_theta[sel], 0, 0.9 * pattern.values.max() * intensity[sel],
               color=PHASE_COLOURS["Li2S"], lw=1.0, label="Li$_2$S, computed (a = 5.708 Å)")
    for line in lines:
        if not line.found:   # a reflection that is not there gives no size, and gets no label
            continue
        ax1.annotate(f"{line.hkl}\n{line.column_length_nm:.1f} nm", (line.two_theta_deg,
                     _local_top(x, pattern.values, line.two_theta_deg - 0.5, line.two_theta_deg + 0.5)),
                     xytext=(0, 6), textcoords="offset points", ha="center", va="bottom", fontsize=6.5)
    ax1.set_ylim(top=1.45 * float(pattern.values.max()))
    ax1.set_xlim(10, 60)
    ax1.set_xlabel("2θ (degree, Cu Kα)")
    ax1.set_ylabel("intensity (counts)")
    ax1.legend(loc="upper right", frameon=False, fontsize=6.5)   # in the head room above the labelled lines
    if problem:
        ax1.text(0.02, 0.6, "quality gate failed: no Li$_2$S size", transform=ax1.transAxes, fontsize=7, color=ACCENT)


def draw_explore(fig, state) -> str:
    """Explore panel: conversion curve, XRD pattern and Raman spectrum of the heat-treated product.

    ``state`` is a :class:`lpsrepro.sections.reaction_kinetics.ExploreState` (the section computes it; nothing
    is modelled here). Returns the status line, made from the same state as the figure.
    """
    a1, a2, a3 = fig.subplots(1, 3)
    a1.semilogx(state.times_min, 100 * state.conversion_curve, color=DATA)
    a1.plot([state.time_min], [100 * state.conversion], "o", color=FIT)
    a1.axhline(99, color=GREY, lw=0.6, ls="--")
    a1.set_xlabel("reaction time (min)")
    a1.set_ylabel("Li$_2$S conversion (%)")
    a2.plot(state.two_theta_deg, state.pattern, color="k", lw=0.6)
    a2.set_xlabel("2θ (degree)")
    a2.set_ylabel("intensity per mass (a.u.)")
    a3.plot(state.shift_per_cm, state.spectrum, color="k", lw=0.7)
    a3.set_xlabel("Raman shift (cm$^{-1}$)")
    a3.set_ylabel("intensity per mole (a.u.)")
    return state.status()


def explore_draw(basis):
    """The Explore widget's ``draw(ax, **slider values)``: the section's fast path, then :func:`draw_explore`."""
    def draw(ax, *, diameter_nm: float, rate: float, time_min: float) -> str:
        fig = ax.figure
        ax.remove()
        return draw_explore(fig, explore(basis, diameter_nm=diameter_nm, rate=rate, time_min=time_min))

    return draw
