"""§3.3 figure panels: membrane comparison (Fig. 4a), Li–S energy density (4b), Li plating (4c), LiFePO4 cell (5a, 5b).

``fig*`` functions return a new Figure; ``draw_*`` functions draw into given
axes and are shared with the Explore widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from lpsrepro.analysis.cycling import Plateau, half_cycle
from lpsrepro.analysis.membranes import asr_from_conductivity_ohm_cm2
from lpsrepro.errors import InputFileError
from lpsrepro.models import energy
from lpsrepro.plots.style import ACCENT, DATA, FIT, GREY, ONE_COLUMN_IN, TWO_COLUMN_IN, new_figure, panel_label, styled

if TYPE_CHECKING:                       # annotations only: the Explore dashboard's first view draws nothing
    from matplotlib.figure import Figure

#: Okabe–Ito colours for several curves.
SERIES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


# --------------------------------------------------------------------------- Fig. 4a
@styled
def fig4a_membrane_comparison(table: pd.DataFrame) -> Figure:
    """Thickness vs area-specific resistance (log–log), densifying pressure written at each point.

    ``table`` is :func:`lpsrepro.analysis.membranes.with_derived_columns` of
    the literature table. Rows with a thickness but no verified resistance are
    drawn as thickness marks (or ranges) in a strip below the axis, so that no
    unknown value is plotted as if it were known.
    """
    fig = new_figure(ONE_COLUMN_IN * 1.35, 3.4)
    ax, strip = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3.2, 1.0]})
    both = table[table["thickness_min_um"].notna() & table["asr_used_ohm_cm2"].notna()]
    for k, (_, row) in enumerate(both.iterrows()):
        mine = row["ref"] == "this work"
        ax.plot(row["thickness_min_um"], row["asr_used_ohm_cm2"], "*" if mine else "o", ms=11 if mine else 6,
                color=FIT if mine else DATA, zorder=3)
        pressure = row["densifying_pressure_mpa"]
        label = ("this work" if mine else f"ref. {row['ref']}") + \
            (f"\n{pressure:g} MPa" if np.isfinite(pressure) else "\npressure n/a")
        # alternate above-left / below-right, so that neighbours at similar thickness do not collide
        above = k % 2 == 1
        ax.annotate(label, (row["thickness_min_um"], row["asr_used_ohm_cm2"]),
                    xytext=(-6, 5) if above else (6, -5), textcoords="offset points", fontsize=7,
                    ha="right" if above else "left", va="bottom" if above else "top")
    # iso-conductivity lines: ASR = L / σ is a line of slope 1 on log-log axes
    thickness = np.array([0.1, 1000.0])
    for sigma in (1e-5, 1e-4, 1e-3, 1e-2):
        ax.plot(thickness, asr_from_conductivity_ohm_cm2(thickness, sigma), color=GREY, lw=0.5, ls=":", zorder=1)
        x_label = min(300.0 * sigma / 1e-4, 400.0)     # where the line leaves the top, or at the right
        ax.text(x_label, float(asr_from_conductivity_ohm_cm2(x_label, sigma)), f"{sigma:.0e} S/cm".replace("e-0", "e-"), fontsize=6, color=GREY,
                rotation=38, rotation_mode="anchor", ha="left", va="bottom", clip_on=True)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(0.1, 1000)
    ax.set_ylim(0.1, 1000)
    ax.set_ylabel("area-specific resistance (Ω cm²)")
    ax.set_title("verified resistance and thickness", fontsize=8)
    panel_label(ax, "a")
    # thickness-only rows
    only = table[(table["thickness_min_um"].notna() | table["thickness_high_um"].notna())
                 & table["asr_used_ohm_cm2"].isna()].reset_index(drop=True)
    for k, row in only.iterrows():
        y = k + 1
        low = row["thickness_min_um"] if np.isfinite(row["thickness_min_um"]) else 0.1
        high = row["thickness_high_um"] if np.isfinite(row["thickness_high_um"]) else row["thickness_min_um"]
        if np.isfinite(row["thickness_um"]):
            strip.plot(row["thickness_um"], y, "o", color=GREY)
        else:
            strip.plot([low, high], [y, y], "-", color=GREY, lw=3, solid_capstyle="butt")
            if not np.isfinite(row["thickness_min_um"]):
                strip.plot(low, y, "<", color=GREY)
        strip.annotate(f"ref. {row['ref']}", (high, y), xytext=(5, -3), textcoords="offset points", fontsize=7)
    strip.set_ylim(0.3, len(only) + 0.7)
    strip.set_yticks([])
    strip.set_xlabel("membrane thickness (µm)")
    strip.set_title("thickness only (resistance not verified)", fontsize=7.5)
    return fig


# --------------------------------------------------------------------------- Fig. 4b
def draw_energy_density(ax, curves: xr.DataArray, needed: dict[float, float], target_wh_kg: float,
                        limit_wh_kg: float, *, band: xr.Dataset | None = None) -> dict[float, float]:
    """Specific energy vs cathode loading per membrane thickness; the target line and its loadings.

    ``curves`` is :func:`lpsrepro.models.energy.specific_energy_grid` (thickness × loading) and
    ``needed`` the loading for the target per thickness (``inf``: not reached), both computed by the
    section; ``band`` (``low``/``high`` over the same grid) is shaded. Returns ``needed``, so that a
    status line can be written from the same numbers the figure shows.
    """
    loading = curves["cathode_loading"].values
    max_loading = float(loading.max())
    for colour, thickness in zip(SERIES, curves["membrane_thickness"].values):
        m = needed[float(thickness)]
        if band is not None:
            ax.fill_between(loading, band["low"].sel(membrane_thickness=thickness).values,
                            band["high"].sel(membrane_thickness=thickness).values, color=colour, alpha=0.12, lw=0)
        ax.plot(loading, curves.sel(membrane_thickness=thickness).values, color=colour,
                label=f"{thickness:g} µm LPS: {m:.2f} mg/cm²" if np.isfinite(m) else f"{thickness:g} µm LPS: not reached")
        if np.isfinite(m) and m <= max_loading:
            ax.plot([m, m], [0, target_wh_kg], ":", color=colour, lw=0.9)
            ax.plot(m, target_wh_kg, "o", color=colour, ms=4)
    ax.axhline(target_wh_kg, color=GREY, lw=0.8, ls="--")
    ax.axhline(limit_wh_kg, color=GREY, lw=0.6, ls="-.")
    ax.text(max_loading, limit_wh_kg, "thick-cathode limit", ha="right", va="bottom", fontsize=7, color=GREY)
    ax.set_xlim(0, max_loading)
    top = max(1.1 * limit_wh_kg, 1.2 * target_wh_kg)
    if band is not None:
        top = max(top, 1.05 * float(band["high"].max()))
    ax.set_ylim(0, top)
    ax.set_xlabel("cathode loading (mg/cm², composite)")
    ax.set_ylabel("specific energy (Wh/kg, stack)")
    ax.legend(loc="lower right", frameon=False, title=f"loading for {target_wh_kg:g} Wh/kg", fontsize=7,
              title_fontsize=7)
    return needed


@styled
def fig4b_energy_density(result) -> Figure:
    """Fig. 4b: Wh/kg (with the band of the ledger's ranges) and Wh/L of the Li–S stack vs loading.

    ``result`` is the section's :class:`~lpsrepro.sections.performance.EnergyResult`. The top axis
    of the left panel gives the areal capacity (mAh/cm²) of the same loadings.
    """
    fig = new_figure(TWO_COLUMN_IN * 0.85, 3.1)
    ax, vol = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1.0]})
    draw_energy_density(ax, result.curves, result.needed_mg_cm2, result.target_wh_kg, result.stack.energy_limit_wh_kg,
                        band=result.band_curves)
    per_mg = float(result.capacity_per_cathode_mah_per_mg)
    top = ax.secondary_xaxis("top", functions=(lambda m: m * per_mg, lambda q: q / per_mg))
    top.set_xlabel("areal capacity (mAh/cm²)", fontsize=7)
    ax.text(0.02, 0.97, f"shaded: each input moved alone\nacross its ledger range\n"
                        f"S loading = {result.stack.sulfur_fraction:g} × composite",
            transform=ax.transAxes, fontsize=6.5, va="top", color=GREY,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5})
    panel_label(ax, "b")
    loading = result.curves["cathode_loading"].values
    for colour, thickness in zip(SERIES, result.curves["membrane_thickness"].values):
        vol.plot(loading, result.volumetric.sel(membrane_thickness=thickness).values, color=colour,
                 label=f"{thickness:g} µm")
    vol.set_xlim(0, float(loading.max()))
    vol.set_xlabel("cathode loading (mg/cm²)")
    vol.set_ylabel("energy density (Wh/L, stack)")
    vol.legend(loc="lower right", frameon=False, fontsize=7)
    return fig


# --------------------------------------------------------------------------- Fig. 4c
@styled
def fig4c_li_plating(time_s, voltage_v, plateaus: list[Plateau], second_window_s: tuple[float, float],
                     capacity_uah_cm2: float, dtdv: tuple[np.ndarray, np.ndarray], *, data_label: str = "data") -> Figure:
    """Fig. 4c: chronopotentiogram of Li plating on Au, with the plateaus found and dt/dV beside it.

    ``dtdv`` = (voltage bin centres in V, s per V) is the curve the plateaus were found in (computed by the
    section with the same window), so that the drawn curve and the measured plateaus are one computation.
    """
    fig = new_figure(TWO_COLUMN_IN * 0.75, 2.9)
    ax, side = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3.0, 1.0]})
    ax.plot(time_s, voltage_v, color=DATA, lw=1.0, label=data_label)
    for colour, p in zip((FIT, ACCENT), plateaus):
        ax.axhline(p.voltage_v, color=colour, lw=0.8, ls="--")
        ax.text(0.02 * np.max(time_s), p.voltage_v + 0.012, f"{p.voltage_v:.3f} V", color=colour, fontsize=7.5)
    ax.axvspan(*second_window_s, color=ACCENT, alpha=0.12, lw=0)
    ax.text(np.mean(second_window_s), 0.55, f"second plateau\n{second_window_s[0]:.0f}–{second_window_s[1]:.0f} s",
            ha="center", fontsize=7, color=ACCENT)
    ax.set_ylim(0.0, 0.8)
    ax.set_xlim(0, np.max(time_s))
    ax.set_xlabel("time (s)")
    ax.set_ylabel("voltage, Au vs Li (V)")
    ax.set_title(f"Li plating at constant current; {capacity_uah_cm2:.1f} µAh/cm² passed", fontsize=8)
    panel_label(ax, "c")
    centres, density = dtdv
    side.plot(density, centres, color=DATA)
    side.set_xlabel("dt/dV (s/mV)")
    side.set_xticks([])
    return fig


# --------------------------------------------------------------------------- Fig. 5a, 5b
@styled
def fig5a_voltage_profiles(ds: xr.Dataset, cycles, active_mass_mg: float, plateaus: list[Plateau],
                           dqdv: tuple[np.ndarray, np.ndarray], dqdv_cycle: int) -> Figure:
    """Fig. 5a: voltage vs specific capacity for chosen cycles; dQ/dV of the first discharge beside it.

    ``cycles`` the user asked for; those the file does not hold are left out.

    ``dqdv`` = (voltage bin centres in V, mAh/g per V) is the curve in which the section found the plateaus
    (discharge of cycle ``dqdv_cycle``).
    """
    fig = new_figure(TWO_COLUMN_IN * 0.75, 3.0)
    ax, side = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3.0, 1.0]})
    present = set(np.unique(ds["cycle"].values).tolist())
    for colour, cycle in zip(SERIES, [n for n in cycles if n in present]):   # asked cycles the file holds
        for kind, ls in (("charge", "--"), ("discharge", "-")):
            try:
                part = half_cycle(ds, cycle, kind)
            except InputFileError:      # e.g. a cycle 1 that starts with the discharge: nothing to draw
                continue
            ax.plot(part["passed_charge"].values * 1e6 / active_mass_mg, part["voltage"].values, ls, color=colour,
                    label=f"cycle {cycle}" if kind == "discharge" else None)
    for p in plateaus:
        ax.axhline(p.voltage_v, color=GREY, lw=0.6, ls=":")
        ax.text(0.99, p.voltage_v - 0.012, f"{p.voltage_v:.3f} V", fontsize=7, color=GREY, ha="right", va="top",
                transform=ax.get_yaxis_transform())
    ax.set_ylim(2.4, 4.1)
    ax.set_xlabel("specific capacity (mAh/g LiFePO4)")
    ax.set_ylabel("cell voltage (V)")
    ax.legend(loc="upper center", frameon=False, title="solid: discharge, dashed: charge", fontsize=7, ncols=3)
    panel_label(ax, "a")
    centres, density = dqdv
    side.plot(density / 1e3, centres, color=SERIES[0])
    side.set_xlabel(f"dQ/dV, cycle {dqdv_cycle}\n(mAh/g per mV)")
    return fig


@styled
def fig5b_cycling(capacities: xr.Dataset) -> Figure:
    """Fig. 5b: charge and discharge capacity and coulombic efficiency vs cycle."""
    fig = new_figure(ONE_COLUMN_IN * 1.35, 2.8)
    ax = fig.add_subplot()
    cap = capacities.where(capacities["cycle"] >= 1, drop=True)
    n = cap["cycle"].values
    ax.plot(n, cap["specific_charge_capacity"].values, "s", mfc="none", color=DATA, label="charge")
    ax.plot(n, cap["specific_discharge_capacity"].values, "s", color=DATA, label="discharge")
    ax.set_xlabel("cycle")
    ax.set_ylabel("specific capacity (mAh/g)", color=DATA)
    ax.set_ylim(0, 1.15 * np.nanmax(cap["specific_charge_capacity"].values))
    ax.set_xticks(np.arange(0, n.max() + 1, 5))
    ce = ax.twinx()
    ce.plot(n, cap["coulombic_efficiency"].values, "o-", color=FIT, ms=3.5, lw=0.8, label="coulombic efficiency")
    ce.set_ylabel("coulombic efficiency (%)", color=FIT)
    ce.set_ylim(50, 100)
    handles = ax.get_legend_handles_labels()[0] + ce.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="lower left", frameon=False)
    panel_label(ax, "b")
    return fig


def draw_lfp_model(ax, book, *, li3au_boundary_uah_cm2: float, anode_floor_uah_cm2: float,
                   measured: xr.Dataset | None = None, area_to_mass: float = 1.0) -> str:
    """Discharge capacity, charge and the anode's Li at the top of charge vs cycle (Explore widget).

    ``book`` is a :class:`lpsrepro.models.cells.CycleBook` computed by the section; the returned
    status line is written from the same book.
    """
    n = book.cycle
    ax.plot(n, book.charge_uah_cm2, "--", color=DATA, label="charge (model)")
    ax.plot(n, book.discharge_uah_cm2, "-", color=DATA, label="discharge (model)")
    ax.plot(n, book.cathode_stock_uah_cm2, "-", color=GREY, lw=0.8, label="Li left in LiFePO4")
    top = anode_floor_uah_cm2 + book.discharge_uah_cm2
    ax.plot(n, top, "-", color=ACCENT, label="anode Li at top of charge")
    ax.axhline(li3au_boundary_uah_cm2, color=ACCENT, ls=":", lw=0.8)
    ax.text(n[-1], li3au_boundary_uah_cm2, "Li2Au | Li3Au", ha="right", va="bottom", fontsize=7, color=ACCENT)
    if measured is not None:
        m = measured.where(measured["cycle"] >= 1, drop=True)
        ax.plot(m["cycle"], m["discharge_capacity_per_area"], "o", color=FIT, ms=3, label="discharge (data)")
    ax.set_xlabel("cycle")
    ax.set_ylabel("µAh/cm²")
    ax.set_ylim(0, max(70.0, 1.1 * float(top.max())))
    ax.legend(loc="upper right", frameon=False, fontsize=6.5)
    lost = float(book.lost_uah_cm2.sum())
    above = int(np.sum(top > li3au_boundary_uah_cm2))
    return (f"cycle {n[-1]}: discharge {book.discharge_uah_cm2[-1] * area_to_mass:.1f} mAh/g, "
            f"CE {100 * book.coulombic_efficiency[-1]:.1f} %; Li lost in {n[-1]} cycles {lost:.1f} uAh/cm2; "
            f"anode Li at top of charge {float(top[0]):.1f} uAh/cm2 in cycle 1, above Li2Au|Li3Au in {above} cycles")


@styled
def table_figure(rows: list[list[str]], columns: list[str], title: str, *, col_widths: list[float] | None = None,
                 width_in: float = TWO_COLUMN_IN) -> Figure:
    """A table as a figure panel (Tab. S1, S2): cell text wrapped to its column, never cut.

    ``col_widths`` are fractions of the width; each cell is wrapped at the number of characters
    its column holds at 6.5 pt, and each row is as tall as its longest cell.
    """
    import textwrap

    n_cols = len(columns)
    widths = col_widths or [1.0 / n_cols] * n_cols
    # about 0.06 in per character at 6.5 pt (a margin for wide glyphs)
    chars = [max(4, int(w * width_in / 0.064)) for w in widths]

    def wrap(text, k):
        return "\n".join(textwrap.wrap(str(text), chars[k], break_long_words=True, break_on_hyphens=False)) or "-"

    header = [wrap(c, k) for k, c in enumerate(columns)]
    body = [[wrap(cell, k) for k, cell in enumerate(row)] for row in rows]
    lines = [max(c.count("\n") + 1 for c in row) for row in [header] + body]
    line_in = 0.13
    height = 0.45 + line_in * sum(n + 0.6 for n in lines)
    fig = new_figure(width_in, height)
    fig.set_layout_engine(None)
    ax = fig.add_axes([0.0, 0.0, 1.0, 1.0 - 0.3 / height])
    ax.axis("off")
    table = ax.table(cellText=body, colLabels=header, loc="upper left", cellLoc="left", colLoc="left",
                     colWidths=widths, bbox=[0.0, 0.0, 1.0, 1.0])
    table.auto_set_font_size(False)
    table.set_fontsize(6.5)
    total = sum(n + 0.6 for n in lines)
    for (r, _), cell in table.get_celld().items():
        cell.set_linewidth(0.3)
        cell.set_height((lines[r] + 0.6) / total)
        cell.get_text().set_va("center")
        if r == 0:
            cell.set_text_props(fontweight="bold")
    fig.suptitle(title, fontsize=8, x=0.01, ha="left", y=1.0 - 0.05 / height, va="top")
    return fig
