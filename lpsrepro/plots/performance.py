"""§3.3 figure panels: membrane comparison (Fig. 4a), Li–S energy density (4b), Li plating (4c), LiFePO4 cell (5a, 5b).

``fig*`` functions return a new Figure; ``draw_*`` functions draw into given
axes and are shared with the Explore widgets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from lpsrepro.analysis.cycling import Plateau, half_cycle, incremental_capacity
from lpsrepro.models import cells, energy
from lpsrepro.plots.style import ACCENT, DATA, FIT, GREY, ONE_COLUMN_IN, TWO_COLUMN_IN, new_figure, panel_label, styled

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
def draw_energy_density(ax, stack: energy.LiSStack, thicknesses_um, target_wh_kg: float, *,
                        max_loading_mg_cm2: float = 12.0) -> dict[float, float]:
    """Specific energy vs cathode loading for each membrane thickness; the target line and its loadings."""
    loading = np.linspace(0.05, max_loading_mg_cm2, 300)
    grid = energy.specific_energy_grid(loading, thicknesses_um, stack)
    needed = {}
    for colour, thickness in zip(SERIES, grid["membrane_thickness"].values):
        curve = grid.sel(membrane_thickness=thickness)
        m = float(energy.loading_for_energy_mg_cm2(target_wh_kg, thickness, stack))
        needed[float(thickness)] = m
        ax.plot(loading, curve.values, color=colour,
                label=f"{thickness:g} µm LPS: {m:.2f} mg/cm²" if np.isfinite(m) else f"{thickness:g} µm LPS: not reached")
        if np.isfinite(m) and m <= max_loading_mg_cm2:
            ax.plot([m, m], [0, target_wh_kg], ":", color=colour, lw=0.9)
            ax.plot(m, target_wh_kg, "o", color=colour, ms=4)
    ax.axhline(target_wh_kg, color=GREY, lw=0.8, ls="--")
    ax.axhline(stack.energy_limit_wh_kg, color=GREY, lw=0.6, ls="-.")
    ax.text(max_loading_mg_cm2, stack.energy_limit_wh_kg, "thick-cathode limit", ha="right", va="bottom", fontsize=7,
            color=GREY)
    ax.set_xlim(0, max_loading_mg_cm2)
    ax.set_ylim(0, max(1.1 * stack.energy_limit_wh_kg, 1.2 * target_wh_kg))
    ax.set_xlabel("cathode loading (mg/cm², composite)")
    ax.set_ylabel("specific energy (Wh/kg, stack)")
    ax.legend(loc="lower right", frameon=False, title=f"loading for {target_wh_kg:g} Wh/kg")
    return needed


@styled
def fig4b_energy_density(stack: energy.LiSStack, thicknesses_um, target_wh_kg: float) -> Figure:
    """Fig. 4b: cell-level specific energy of an all-solid-state Li–S stack vs cathode loading."""
    fig = new_figure(ONE_COLUMN_IN * 1.35, 3.0)
    ax = fig.add_subplot()
    draw_energy_density(ax, stack, thicknesses_um, target_wh_kg)
    panel_label(ax, "b")
    return fig


# --------------------------------------------------------------------------- Fig. 4c
@styled
def fig4c_li_plating(time_s, voltage_v, plateaus: list[Plateau], second_window_s: tuple[float, float],
                     capacity_uah_cm2: float) -> Figure:
    """Fig. 4c: chronopotentiogram of Li plating on Au, with the plateaus found and dt/dV beside it."""
    fig = new_figure(TWO_COLUMN_IN * 0.75, 2.9)
    ax, side = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3.0, 1.0]})
    ax.plot(time_s, voltage_v, color=DATA, lw=1.0, label="data (stand-in)")
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
    w = np.gradient(np.asarray(time_s, dtype=float))
    centres, density = incremental_capacity(voltage_v, w, v_range=(0.0, 0.8))
    side.plot(density, centres, color=DATA)
    side.set_xlabel("dt/dV (s/mV)")
    side.set_xticks([])
    return fig


# --------------------------------------------------------------------------- Fig. 5a, 5b
@styled
def fig5a_voltage_profiles(ds: xr.Dataset, cycles, active_mass_mg: float, plateaus: list[Plateau]) -> Figure:
    """Fig. 5a: voltage vs specific capacity for chosen cycles; dQ/dV of the first discharge beside it."""
    fig = new_figure(TWO_COLUMN_IN * 0.75, 3.0)
    ax, side = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3.0, 1.0]})
    for colour, cycle in zip(SERIES, cycles):
        for kind, ls in (("charge", "--"), ("discharge", "-")):
            part = half_cycle(ds, cycle, kind)
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
    first = half_cycle(ds, cycles[0], "discharge")
    dq = np.diff(np.concatenate([[0.0], first["passed_charge"].values])) * 1e6 / active_mass_mg
    centres, density = incremental_capacity(first["voltage"].values, dq, v_range=(2.6, 3.6))
    side.plot(density / 1e3, centres, color=SERIES[0])
    side.set_xlabel(f"dQ/dV, cycle {cycles[0]}\n(mAh/g per mV)")
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


def draw_lfp_model(ax, *, preplated_uah_cm2: float, first_loss_fraction: float, final_loss_fraction: float,
                   cycles_to_passivate: float, cycles_to_polarise: float, first_window_uah_cm2: float,
                   cathode_capacity_uah_cm2: float, li3au_boundary_uah_cm2: float, anode_floor_uah_cm2: float,
                   measured: xr.Dataset | None = None, area_to_mass: float = 1.0, cycles: int = 20) -> str:
    """Discharge capacity, charge and the anode's Li at the top of charge vs cycle, for the Explore widget."""
    book = cells.cycle_capacities(cycles=cycles, cathode_capacity_uah_cm2=cathode_capacity_uah_cm2,
                                  preplated_uah_cm2=preplated_uah_cm2, first_loss_fraction=first_loss_fraction,
                                  final_loss_fraction=final_loss_fraction, cycles_to_passivate=cycles_to_passivate,
                                  first_window_uah_cm2=first_window_uah_cm2, cycles_to_polarise=cycles_to_polarise,
                                  first_resistance_ohm_cm2=1.0)
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
    return (f"cycle 20: discharge {book.discharge_uah_cm2[-1] * area_to_mass:.1f} mAh/g, "
            f"CE {100 * book.coulombic_efficiency[-1]:.1f} %; Li lost in 20 cycles {lost:.1f} µAh/cm²")


@styled
def table_figure(rows: list[list[str]], columns: list[str], title: str, *, col_widths: list[float] | None = None,
                 width_in: float = TWO_COLUMN_IN) -> Figure:
    """A table as a figure panel (for the paper's tables, Tab. S1 and S2)."""
    fig = new_figure(width_in, 0.35 + 0.22 * (len(rows) + 1))
    ax = fig.add_subplot()
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=columns, loc="upper left", cellLoc="left", colLoc="left",
                     colWidths=col_widths)
    table.auto_set_font_size(False)
    table.set_fontsize(6.5)
    for (r, _), cell in table.get_celld().items():
        cell.set_linewidth(0.3)
        if r == 0:
            cell.set_text_props(fontweight="bold")
    ax.set_title(title, fontsize=8, loc="left")
    return fig
