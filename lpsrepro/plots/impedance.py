"""Impedance figure panels: Nyquist and Bode plots, area-normalised.

Each ``fig*`` function returns a new :class:`matplotlib.figure.Figure`; the
``draw_*`` functions draw into given axes and are shared by the panels and
the "Explore" widgets.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from lpsrepro.analysis.impedance import FilmIntercept, LineIntercept
from lpsrepro.io.impedance import complex_impedance
from lpsrepro.models.impedance import bulk_arc_apex_frequency_hz, blocking_film_cell_impedance_ohm
from lpsrepro.plots.style import ACCENT, DATA, FIT, GREY, TWO_COLUMN_IN, new_figure, panel_label, styled


@styled
def fig3d_membrane_impedance(spectrum: xr.Dataset, intercept: FilmIntercept, line: LineIntercept,
                             area_cm2: float, *, window_ohm_cm2: float = 3.0) -> Figure:
    """Fig. 3d: Nyquist plot (Ω cm², equal aspect) with fit and intercept, and a Bode plot.

    Parameters
    ----------
    spectrum : xarray.Dataset
        The measured spectrum.
    intercept : FilmIntercept
        Result of :func:`lpsrepro.analysis.impedance.blocking_film_intercept`.
    line : LineIntercept
        Result of :func:`lpsrepro.analysis.impedance.oblique_line_intercept`.
    area_cm2 : float
        Electrode area used for normalisation, cm².
    window_ohm_cm2 : float
        Side of the (square) Nyquist window, Ω cm².
    """
    fig = new_figure(TWO_COLUMN_IN, 3.2)
    ax_n, ax_b = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    f = spectrum["frequency"].values
    z = complex_impedance(spectrum) * area_cm2
    f_dense = np.logspace(np.log10(f.min()), np.log10(f.max()), 400)
    z_fit = intercept.fit.predict(f_dense) * area_cm2
    asr = intercept.resistance_ohm * area_cm2

    # --- Nyquist, zoomed on the high-frequency end where the intercept is read
    ax_n.plot(z.real, -z.imag, "o", mfc="none", color=DATA, label="data (stand-in)")
    ax_n.plot(z_fit.real, -z_fit.imag, "-", color=FIT, label=f"fit {intercept.fit.circuit}")
    x_line = np.array([line.resistance_ohm * area_cm2, window_ohm_cm2])
    slope = np.tan(np.radians(line.angle_deg))
    ax_n.plot(x_line, slope * (x_line - x_line[0]), "--", color=ACCENT, lw=1,
              label=f"line extrapolation ({line.angle_deg:.1f}°)")
    ax_n.plot([asr], [0], "kx", ms=7, mew=1.5, zorder=5)
    ax_n.annotate(f"intercept\n{asr:.3f} Ω cm²", (asr, 0), xytext=(asr + 0.3 * window_ohm_cm2, 0.08 * window_ohm_cm2),
                  arrowprops={"arrowstyle": "-", "color": "k", "lw": 0.6})
    ax_n.set_xlim(0, window_ohm_cm2)
    ax_n.set_ylim(0, window_ohm_cm2)
    ax_n.set_aspect("equal")
    ax_n.set_xlabel("Z′ · A  (Ω cm²)")
    ax_n.set_ylabel("−Z″ · A  (Ω cm²)")
    ax_n.legend(loc="upper left", frameon=False)
    panel_label(ax_n, "d")

    # --- Bode: modulus and phase over the sweep, and where the hidden bulk arc peaks
    f_apex = 1.0 / (2 * np.pi * intercept.resistance_ohm * intercept.capacitance_f)
    ax_b.loglog(f, np.abs(z), "o", mfc="none", color=DATA, label="|Z|·A")
    ax_b.loglog(f_dense, np.abs(z_fit), "-", color=FIT)
    ax_b.set_xlabel("frequency (Hz)")
    ax_b.set_ylabel("|Z| · A  (Ω cm²)")
    ax_p = ax_b.twinx()
    ax_p.semilogx(f, -np.degrees(np.angle(z)), "s", ms=3, mfc="none", color=GREY, label="−phase")
    ax_p.semilogx(f_dense, -np.degrees(np.angle(z_fit)), "-", color=GREY, lw=0.8)
    ax_p.set_ylabel("−phase (°)")
    ax_p.set_ylim(0, 90)
    f_right = max(3 * f_apex, 3 * f.max())
    ax_b.set_xlim(f.min() / 2, f_right)
    ax_b.axvspan(f.max(), f_right, color=GREY, alpha=0.12, lw=0)
    ax_b.axvline(f_apex, color=FIT, lw=0.8, ls="--")
    ax_b.set_title(f"shaded: above the analyser's range; dashed: fitted bulk-arc apex {f_apex / 1e6:.1f} MHz",
                   fontsize=7.5)
    lines = ax_b.get_legend_handles_labels()[0] + ax_p.get_legend_handles_labels()[0]
    ax_b.legend(lines, ["|Z|·A", "−phase"], loc="upper right", frameon=False)
    return fig


def draw_membrane_model_nyquist(ax, *, thickness_nm: float, conductivity_s_per_cm: float,
                                relative_permittivity: float, area_cm2: float, f_max_hz: float,
                                interface_q_f_per_cm2: float, interface_alpha: float,
                                f_min_hz: float = 0.1, window_ohm_cm2: float | None = None) -> dict[str, float]:
    """Draw the model Nyquist plot seen by a sweep ending at ``f_max_hz``.

    The whole model curve (to 1 GHz) is drawn faintly; the part a sweep from
    ``f_max_hz`` down to ``f_min_hz`` would record is drawn with markers, and
    the bulk arc's apex is marked. Returns the numbers shown in the title.
    """
    f_all = np.logspace(9, np.log10(f_min_hz), 500)
    f_seen = np.logspace(np.log10(f_max_hz), np.log10(f_min_hz), int(10 * np.log10(f_max_hz / f_min_hz)) + 1)
    kwargs = dict(thickness_nm=thickness_nm, area_cm2=area_cm2, conductivity_s_per_cm=conductivity_s_per_cm,
                  relative_permittivity=relative_permittivity, interface_q_f_per_cm2=interface_q_f_per_cm2,
                  interface_alpha=interface_alpha)
    z_all = blocking_film_cell_impedance_ohm(f_all, **kwargs) * area_cm2
    z_seen = blocking_film_cell_impedance_ohm(f_seen, **kwargs) * area_cm2
    f_apex = float(bulk_arc_apex_frequency_hz(conductivity_s_per_cm, relative_permittivity))
    z_apex = blocking_film_cell_impedance_ohm(np.array([f_apex]), **kwargs)[0] * area_cm2
    asr = thickness_nm * 1e-7 / conductivity_s_per_cm
    ax.plot(z_all.real, -z_all.imag, "-", color=GREY, lw=0.8, label="model, all frequencies")
    ax.plot(z_seen.real, -z_seen.imag, "o", mfc="none", color=DATA, label=f"seen by a sweep ≤ {f_max_hz:.3g} Hz")
    ax.plot([z_apex.real], [-z_apex.imag], "*", color=FIT, ms=10, label=f"arc apex, {f_apex:.3g} Hz")
    w = window_ohm_cm2 or 3.0 * asr
    ax.set_xlim(0, w)
    ax.set_ylim(0, w)
    ax.set_aspect("equal")
    ax.set_xlabel("Z′ · A  (Ω cm²)")
    ax.set_ylabel("−Z″ · A  (Ω cm²)")
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(f"ASR {asr:.3g} Ω cm², apex {f_apex / 1e6:.3g} MHz", fontsize=8)
    return {"asr_ohm_cm2": asr, "apex_frequency_hz": f_apex}


@styled
def fig_pellet_impedance(spectrum: xr.Dataset, result, *, label: str, title: str) -> Figure:
    """Fig. S4/S5/S9: Nyquist plot (Ω, equal axes) of a pellet with its circuit fit and total resistance.

    ``result`` is a :class:`lpsrepro.analysis.impedance.PelletConductivity`.
    """
    fig = new_figure(TWO_COLUMN_IN * 0.55, 3.0)
    ax = fig.subplots()
    f = spectrum["frequency"].values
    z = complex_impedance(spectrum)
    f_dense = np.logspace(np.log10(f.min()), np.log10(f.max()), 400)
    z_fit = result.fit.predict(f_dense)
    window = 2.2 * result.resistance_ohm
    ax.plot(z.real, -z.imag, "o", mfc="none", color=DATA, label="data (stand-in)")
    ax.plot(z_fit.real, -z_fit.imag, "-", color=FIT, label=f"fit {result.fit.circuit}")
    ax.plot([result.resistance_ohm], [0], "kx", ms=7, mew=1.5, zorder=5)
    ax.annotate(f"R0 + R1 = {result.resistance_ohm:.0f} Ω\nσ = {result.conductivity_s_per_cm:.3g} S/cm",
                (result.resistance_ohm, 0), xytext=(0.56 * window, 0.07 * window),  # right of the steep spike
                arrowprops={"arrowstyle": "-", "color": "k", "lw": 0.6})
    ax.set_xlim(0, window)
    ax.set_ylim(0, window)
    ax.set_aspect("equal")
    ax.set_xlabel("Z′ (Ω)")
    ax.set_ylabel("−Z″ (Ω)")
    ax.set_title(title, fontsize=8)
    ax.legend(loc="upper left", frameon=False, fontsize=6.5)
    panel_label(ax, label)
    return fig
