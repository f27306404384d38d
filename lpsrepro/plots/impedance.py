"""Impedance figure panels: Nyquist and Bode plots, area-normalised.

Each ``fig*`` function returns a new :class:`matplotlib.figure.Figure`; the
``draw_*`` functions draw into given axes and are shared by the panels and
the "Explore" widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import textwrap

import numpy as np
import xarray as xr

from lpsrepro.analysis.impedance import FilmIntercept, LineIntercept
from lpsrepro.io.impedance import complex_impedance
from lpsrepro.models.impedance import area_specific_resistance_ohm_cm2
from lpsrepro.plots.style import ACCENT, DATA, FIT, GREY, TWO_COLUMN_IN, new_figure, panel_label, styled

if TYPE_CHECKING:                       # annotations only: the Explore dashboard's first view draws nothing
    from matplotlib.figure import Figure


def _gate_failure_text(quality) -> str:
    """The reasons of a failed EIS quality gate, wrapped to fit above a panel."""
    return "\n".join(textwrap.wrap("fit FAILED its quality gate: " + quality.reason(), 48))


def nyquist_window_ohm_cm2(z_ohm_cm2: np.ndarray, intercept_ohm_cm2: float | None) -> float:
    """Side of a square Nyquist window chosen from the data, in the data's units.

    With an intercept that passed its gate: four times the intercept, enough for the
    intercept, the arc's tail and the start of the oblique line (never less than the span of
    the three highest-frequency points, so that they show). Without one: the whole spectrum.
    """
    extent = np.maximum(np.abs(z_ohm_cm2.real), np.abs(z_ohm_cm2.imag))
    if intercept_ohm_cm2 is None or not intercept_ohm_cm2 > 0:
        return float(1.05 * extent.max())
    return float(max(4.0 * intercept_ohm_cm2, 1.05 * np.sort(extent)[: min(3, extent.size)].max()))


def fig3d_membrane(result) -> Figure:
    """Fig. 3d from a :class:`lpsrepro.sections.membrane.Result`."""
    return fig3d_membrane_impedance(result.spectrum, result.intercept, result.line, result.area_cm2,
                                    window_ohm_cm2=result.params.nyquist_window_ohm_cm2,
                                    data_label=result.data_label)


@styled
def fig3d_membrane_impedance(spectrum: xr.Dataset, intercept: FilmIntercept, line: LineIntercept | None,
                             area_cm2: float, *, window_ohm_cm2: float | None = None,
                             data_label: str = "data") -> Figure:
    """Fig. 3d: Nyquist plot (Ω cm², equal aspect) with fit and intercept, and a Bode plot.

    Parameters
    ----------
    spectrum : xarray.Dataset
        The measured spectrum.
    intercept : FilmIntercept
        Result of :func:`lpsrepro.analysis.impedance.blocking_film_intercept`; its circuit is
        named in the legend, and a failed quality gate is written on the panel.
    line : LineIntercept or None
        Result of :func:`lpsrepro.analysis.impedance.oblique_line_intercept` (None: not drawn).
    area_cm2 : float
        Electrode area used for normalisation, cm².
    window_ohm_cm2 : float, optional
        Side of the (square) Nyquist window, Ω cm²; None: :func:`nyquist_window_ohm_cm2`.
    data_label : str
        Legend label of the data (say "stand-in" only when the file's metadata say so).
    """
    fig = new_figure(TWO_COLUMN_IN, 3.2)
    ax_n, ax_b = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    f = spectrum["frequency"].values
    z = complex_impedance(spectrum) * area_cm2
    f_dense = np.logspace(np.log10(f.min()), np.log10(f.max()), 400)
    z_fit = intercept.fit.predict(f_dense) * area_cm2
    asr = float(area_specific_resistance_ohm_cm2(intercept.resistance_ohm, area_cm2))
    passed = intercept.quality is None or intercept.quality.passed
    window = window_ohm_cm2 or nyquist_window_ohm_cm2(z, asr if passed else None)

    # --- Nyquist, zoomed on the high-frequency end where the intercept is read
    ax_n.plot(z.real, -z.imag, "o", mfc="none", color=DATA, label=data_label)
    ax_n.plot(z_fit.real, -z_fit.imag, "-", color=FIT, label=f"fit {intercept.fit.circuit}")
    if line is not None:
        x_line = np.array([line.resistance_ohm * area_cm2, window])
        slope = np.tan(np.radians(line.angle_deg))
        ax_n.plot(x_line, slope * (x_line - x_line[0]), "--", color=ACCENT, lw=1,
                  label=f"line extrapolation ({line.angle_deg:.1f}°)")
    ax_n.plot([asr], [0], "kx", ms=7, mew=1.5, zorder=5)
    ax_n.annotate(f"intercept\n{asr:.3g} Ω cm²", (asr, 0), xytext=(asr + 0.3 * window, 0.08 * window),
                  arrowprops={"arrowstyle": "-", "color": "k", "lw": 0.6})
    if not passed:
        ax_n.set_title(_gate_failure_text(intercept.quality), fontsize=6, color="firebrick", loc="left")
    _area_nyquist_axes(ax_n, window)
    panel_label(ax_n, "d")

    # --- Bode: modulus and phase over the sweep, and where the hidden bulk arc peaks
    f_apex = intercept.apex_frequency_hz
    ax_b.loglog(f, np.abs(z), "o", mfc="none", color=DATA, label="|Z|·A")
    ax_b.loglog(f_dense, np.abs(z_fit), "-", color=FIT)
    ax_b.set_xlabel("frequency (Hz)")
    ax_b.set_ylabel("|Z| · A  (Ω cm²)")
    ax_p = ax_b.twinx()
    ax_p.semilogx(f, -np.degrees(np.angle(z)), "s", ms=3, mfc="none", color=GREY, label="−phase")
    ax_p.semilogx(f_dense, -np.degrees(np.angle(z_fit)), "-", color=GREY, lw=0.8)
    ax_p.set_ylabel("−phase (°)")
    ax_p.set_ylim(0, 90)
    show_apex = np.isfinite(f_apex) and f_apex < 1e3 * f.max()
    f_right = max(3 * f_apex, 3 * f.max()) if show_apex else 3 * f.max()
    ax_b.set_xlim(f.min() / 2, f_right)
    ax_b.axvspan(f.max(), f_right, color=GREY, alpha=0.12, lw=0)
    if show_apex:
        ax_b.axvline(f_apex, color=FIT, lw=0.8, ls="--")
        ax_b.set_title(f"shaded: above the analyser's range; dashed: fitted film-arc apex {f_apex / 1e6:.2g} MHz",
                       fontsize=7.5)
    else:
        ax_b.set_title("shaded: above the analyser's range", fontsize=7.5)
    lines = ax_b.get_legend_handles_labels()[0] + ax_p.get_legend_handles_labels()[0]
    ax_b.legend(lines, ["|Z|·A", "−phase"], loc="upper right", frameon=False)
    return fig


def draw_membrane_model_nyquist(ax, view=None, *, window_ohm_cm2: float | None = None,
                                **model_inputs) -> dict[str, float]:
    """Draw a :class:`lpsrepro.sections.membrane.ModelView`: the model Nyquist plot a sweep sees.

    The whole model curve (to 1 GHz) is drawn faintly; the part a sweep from ``f_max_hz`` down
    would record is drawn with markers, and the film arc's apex is marked. The title gives the
    raw resistance in ohm (which scales with the electrode area) beside the ASR (which does not).
    Returns the numbers shown. Instead of ``view``, the keyword arguments of
    :func:`lpsrepro.sections.membrane.model_view` may be given (the earlier call form); the
    model is evaluated there, not here.
    """
    if view is None:
        from lpsrepro.sections.membrane import model_view

        view = model_view(**model_inputs)
    ax.plot(view.z_all_ohm_cm2.real, -view.z_all_ohm_cm2.imag, "-", color=GREY, lw=0.8, label="model, all frequencies")
    ax.plot(view.z_seen_ohm_cm2.real, -view.z_seen_ohm_cm2.imag, "o", mfc="none", color=DATA,
            label=f"seen by a sweep ≤ {view.f_max_hz:.3g} Hz")
    ax.plot([view.z_apex_ohm_cm2.real], [-view.z_apex_ohm_cm2.imag], "*", color=FIT, ms=10,
            label=f"arc apex, {view.apex_frequency_hz:.3g} Hz")
    w = window_ohm_cm2 or 3.0 * view.asr_ohm_cm2
    _area_nyquist_axes(ax, w)
    ax.set_title(f"R {view.resistance_ohm:.3g} Ω, C {view.capacitance_f * 1e9:.3g} nF; "
                 f"ASR {view.asr_ohm_cm2:.3g} Ω cm²; apex {view.apex_frequency_hz / 1e6:.3g} MHz", fontsize=8)
    return {"asr_ohm_cm2": view.asr_ohm_cm2, "apex_frequency_hz": view.apex_frequency_hz,
            "resistance_ohm": view.resistance_ohm}


@styled
def fig_membrane_model(view) -> Figure:
    """A static figure of one :class:`lpsrepro.sections.membrane.ModelView` (the Explore section's
    initial state, so that a notebook viewed without a kernel still shows the model), its status below."""
    fig = new_figure(5.0, 4.4)
    ax = fig.subplots()
    draw_membrane_model_nyquist(ax, view)
    fig.supxlabel("\n".join(textwrap.wrap(view.status(), 90)), fontsize=6.5)   # inside the layout, below the axis
    return fig


def membrane_model_explorer(defaults: dict[str, float], model_view):
    """The Explore widget of notebook 32: sliders for the film and the sweep, a redrawn Nyquist plot.

    ``defaults`` from :func:`lpsrepro.sections.membrane.explore_defaults`; ``model_view`` is
    :func:`lpsrepro.sections.membrane.model_view` (the plot draws what it returns, and the status
    line is that same result's :meth:`status`). The electrode-diameter slider is the section's
    field ``electrode_diameter_mm`` (ledger ``membrane.electrode_diameter``), so the explorer shows
    its ledger range and the claims it moves beside it (:mod:`lpsrepro.slider_sensitivity`); in the
    model it moves the raw R and C in the title and the status (the area-normalised curve does not
    depend on it), in the measurement the ASR and σ computed from the fitted R.
    """
    from lpsrepro.widgets import explorer, linear_slider, log_slider

    controls = {
        "thickness_nm": linear_slider("thickness (nm)", round(defaults["thickness_nm"]), 100, 5000, 10),
        "conductivity_s_per_cm": log_slider("σ (S/cm)", defaults["conductivity_s_per_cm"], 1e-7, 1e-2),
        "relative_permittivity": log_slider("ε_r", defaults["relative_permittivity"], 3, 300),
        "electrode_diameter_mm": log_slider("electrode diameter (mm)", defaults["electrode_diameter_mm"], 0.3, 12.0),
        "f_max_hz": log_slider("highest frequency (Hz)", defaults["f_max_hz"], 1e4, 1e9),
    }
    for control in controls.values():
        control.style = {"description_width": "initial"}
    fixed = {"interface_q_f_per_cm2": defaults["interface_q_f_per_cm2"], "interface_alpha": defaults["interface_alpha"]}

    def draw(ax, **values):
        view = model_view(**values, **fixed)
        draw_membrane_model_nyquist(ax, view)
        return view.status()

    return explorer(controls, draw, section="membrane")


@styled
def fig_pellet_impedance(spectrum: xr.Dataset, result, *, label: str, title: str,
                         data_label: str | None = None) -> Figure:
    """Fig. S4/S5/S9: Nyquist plot (Ω, equal axes) of a pellet with its circuit fit and total resistance.

    ``result`` is a :class:`lpsrepro.analysis.impedance.PelletConductivity`. The data are
    labelled a stand-in only when the file's own metadata say so (``data_label`` overrides);
    a fit that failed its quality gate says so on the panel.
    """
    if data_label is None:
        from lpsrepro.sections.membrane import provenance_label
        data_label = provenance_label(spectrum.attrs)
    fig = new_figure(TWO_COLUMN_IN * 0.55, 3.0)
    ax = fig.subplots()
    f = spectrum["frequency"].values
    z = complex_impedance(spectrum)
    f_dense = np.logspace(np.log10(f.min()), np.log10(f.max()), 400)
    z_fit = result.fit.predict(f_dense)
    window = 2.2 * result.resistance_ohm
    ax.plot(z.real, -z.imag, "o", mfc="none", color=DATA, label=data_label)
    ax.plot(z_fit.real, -z_fit.imag, "-", color=FIT, label=f"fit {result.fit.circuit}")
    ax.plot([result.resistance_ohm], [0], "kx", ms=7, mew=1.5, zorder=5)
    if result.quality is not None and not result.quality.passed:
        title = _gate_failure_text(result.quality) + "\n" + title
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


def _area_nyquist_axes(ax, window_ohm_cm2: float) -> None:
    """Square Nyquist axes of area-specific impedance, 0 to ``window_ohm_cm2`` on both, legend top left."""
    ax.set_xlim(0, window_ohm_cm2)
    ax.set_ylim(0, window_ohm_cm2)
    ax.set_aspect("equal")
    ax.set_xlabel("Z′ · A  (Ω cm²)")
    ax.set_ylabel("−Z″ · A  (Ω cm²)")
    ax.legend(loc="upper left", frameon=False)
