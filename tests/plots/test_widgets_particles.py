"""Explore widgets of notebook 31a: every slider step lands on a new grid point and changes figure and status."""

import matplotlib

matplotlib.use("Agg")

from lpsrepro.models import nucleation  # noqa: E402
from lpsrepro.plots.particles import draw_model_distribution  # noqa: E402
from lpsrepro.sections import nanoparticles as sec  # noqa: E402
from lpsrepro.widgets import explorer, grid_slider, log_slider  # noqa: E402

BASE = nucleation.PrecipitationParameters(
    supply_rate_per_s=0.032, nucleation_prefactor_per_m3_s=7.4e30, solubility_mol_per_m3=1e-4,
    precursor_mol_per_m3=1000.0, molar_volume_m3_per_mol=27.5e-6, surface_energy_j_per_m2=0.2,
    diffusion_m2_per_s=1e-9, surface_rate_m_per_s=1e-6, temperature_k=298.15, aging_time_s=3600.0)


def test_every_step_changes_the_status_and_readout_matches_it():
    grid = sec.explore_grid(BASE, supply_decades=0.5, supply_steps=2, solubility_range_mol_per_m3=(1e-5, 1e-3),
                            solubility_steps=1)
    controls = {"supply_rate_per_s": grid_slider("supply rate k (1/s)", grid.supply_rates_per_s, 0.032),
                "solubility_mol_per_m3": grid_slider("solubility C∞ (mol/m³)", grid.solubilities_mol_per_m3, 1e-4,
                                                     fmt="{:.1e}")}
    panel = explorer(controls, lambda ax, supply_rate_per_s, solubility_mol_per_m3: draw_model_distribution(
        ax, grid.nearest(supply_rate_per_s, solubility_mol_per_m3),
        status=f"k = {supply_rate_per_s:.3g} 1/s, C∞ = {solubility_mol_per_m3:.1e} mol/m³"))
    status = panel.children[-1]
    seen = {status.value}
    for name, control in controls.items():
        for index in range(len(control.options)):
            control.index = index
            seen.add(status.value)
            # the readout (label of the selected option) is the number the status line shows
            assert control.label in status.value
    assert len(seen) == 5                      # 3 supply rates and 3 solubilities, one shared start point
    assert controls["solubility_mol_per_m3"].style.description_width == "initial"


def test_log_slider_labels_are_not_cut():
    assert log_slider("pre-plated Li (uAh/cm2)", 10.0, 1.0, 100.0).style.description_width == "initial"


def test_static_initial_image_for_readers_without_widgets():
    from unittest import mock

    from matplotlib.figure import Figure

    def shown_with(static):
        shown = []
        with mock.patch("lpsrepro.widgets.display", side_effect=lambda *objs: shown.extend(objs)):
            explorer({"x": log_slider("x (1)", 1.0, 0.1, 10.0)}, lambda ax, x: f"x = {x:.3g}", static=static)
        return shown

    live, with_static = shown_with(False), shown_with(True)
    figures = [obj for obj in with_static if isinstance(obj, Figure)]
    assert len(figures) == 1 + sum(isinstance(obj, Figure) for obj in live)   # one more: the static image
    assert any("x = 1" in str(getattr(obj, "data", "")) for obj in with_static)
