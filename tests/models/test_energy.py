"""Li–S stack model (Fig. 4b): closed-form inverse, vectorisation, parameter checks."""

import numpy as np
import pytest

from lpsrepro.errors import ParameterError
from lpsrepro.models import energy

STACK = energy.LiSStack(sulfur_fraction=0.4, sulfur_utilisation=0.8, average_voltage_v=2.1, lithium_excess=1.0,
                        electrolyte_density_g_cm3=1.85, cathode_collector_mg_cm2=2.7, anode_collector_mg_cm2=0.0)


def test_specific_energy_by_hand():
    # 2 mg/cm² composite: Q = 2*0.4*0.8*1.672 = 1.07008 mAh/cm², E = 2.24717 mWh/cm²
    # mass = 2 + Li 1.07008*2/3.861 + LPS 1 µm 0.185 + Al 2.7
    q = 2 * 0.4 * 0.8 * 1.672
    mass = 2 + q * 2 / 3.861 + 0.185 + 2.7
    assert energy.specific_energy_wh_kg(2.0, 1.0, STACK) == pytest.approx(1000 * q * 2.1 / mass, rel=1e-12)


def test_inverse_returns_the_target_on_a_grid():
    thickness = np.array([0.5, 1.0, 10.0, 30.0, 100.0])
    loading = energy.loading_for_energy_mg_cm2(400.0, thickness, STACK)
    np.testing.assert_allclose(energy.specific_energy_wh_kg(loading, thickness, STACK), 400.0, rtol=1e-12)
    assert np.all(np.diff(loading) > 0)   # thicker membranes need more cathode


def test_grid_is_labelled_and_matches_pointwise():
    grid = energy.specific_energy_grid([1.0, 2.0, 5.0], [1.0, 30.0], STACK)
    assert grid.dims == ("membrane_thickness", "cathode_loading") and grid.attrs["units"] == "W*h/kg"
    assert grid["membrane_thickness"].attrs["units"] == "um"
    assert float(grid.sel(membrane_thickness=30.0, cathode_loading=2.0)) == pytest.approx(
        energy.specific_energy_wh_kg(2.0, 30.0, STACK))


def test_unreachable_target_is_infinite():
    assert STACK.energy_limit_wh_kg == pytest.approx(880, rel=0.01)
    assert np.isinf(energy.loading_for_energy_mg_cm2(900.0, 1.0, STACK))


def test_implied_constants_recover_a_known_stack():
    m1 = float(energy.loading_for_energy_mg_cm2(400.0, 1.0, STACK))
    m2 = float(energy.loading_for_energy_mg_cm2(400.0, 30.0, STACK))
    implied = energy.implied_lumped_constants(m1, 1.0, m2, 30.0, 400.0, 1.85)
    assert implied["fixed_mass_mg_cm2"] == pytest.approx(2.7, rel=1e-9)
    assert implied["net_energy_per_cathode_mass_mwh_per_mg"] == pytest.approx(
        STACK.energy_per_cathode_mass_mwh_per_mg - 0.4 * STACK.mass_per_cathode_mass, rel=1e-9)


def test_stack_from_ledger_lives_in_the_section_and_uses_the_ledger():
    from lpsrepro.sections.performance import stack_from_ledger

    assert stack_from_ledger().sulfur_fraction == 0.4
    assert not hasattr(energy, "stack_from_ledger")      # the models layer does not read the ledger


def test_areal_capacity_and_volumetric_energy_by_hand():
    # 2 mg/cm² × 0.4 S × 0.8 × 1672 mAh/g = 1.070 mAh/cm²
    assert float(energy.areal_capacity_mah_cm2(2.0, STACK)) == pytest.approx(1.07008, rel=1e-5)
    q = 1.07008
    li_mg = q * 2.0 / 3861.0 * 1e3                     # N/P 2
    thickness_um = 10 * 2.0 / 2.0 + 10 * li_mg / 0.534 + 1.0 + 10 * 2.7 / 2.7
    wh_l = q * STACK.average_voltage_v / (thickness_um * 1e-4)
    got = float(energy.volumetric_energy_wh_l(2.0, 1.0, STACK, cathode_density_g_cm3=2.0, collector_density_g_cm3=2.7))
    assert got == pytest.approx(wh_l, rel=1e-4)


def test_loading_band_moves_one_input_at_a_time():
    band = energy.loading_band_mg_cm2(400.0, 1.0, STACK, {"sulfur_fraction": (0.3, 0.5), "packaging_fraction": (0.0, 0.3)})
    centre = float(energy.loading_for_energy_mg_cm2(400.0, 1.0, STACK))
    low, high = band["sulfur_fraction"]
    assert low > centre > high                         # more sulfur, less loading needed
    assert band["packaging_fraction"][0] == pytest.approx(centre)
    assert band["packaging_fraction"][1] > centre


def test_mass_breakdown_adds_up_to_the_specific_energy():
    parts = energy.mass_breakdown_mg_cm2(3.0, 1.0, STACK)
    e = float(energy.areal_capacity_mah_cm2(3.0, STACK)) * STACK.average_voltage_v / sum(parts.values()) * 1e3
    assert e == pytest.approx(float(energy.specific_energy_wh_kg(3.0, 1.0, STACK)), rel=1e-9)


@pytest.mark.parametrize("change, name", [({"sulfur_fraction": 1.2}, "sulfur_fraction"),
                                          ({"sulfur_utilisation": 0.0}, "sulfur_utilisation"),
                                          ({"lithium_excess": -0.5}, "lithium_excess"),
                                          ({"packaging_fraction": 1.0}, "packaging_fraction"),
                                          ({"electrolyte_density_g_cm3": -1.0}, "electrolyte_density_g_cm3")])
def test_out_of_range_inputs_name_the_parameter(change, name):
    with pytest.raises(ParameterError, match=rf"parameter {name} = "):
        STACK.with_values(**change)


def test_negative_thickness_or_loading_is_refused():
    with pytest.raises(ParameterError, match="membrane_thickness_um"):
        energy.specific_energy_wh_kg(2.0, -1.0, STACK)
    with pytest.raises(ParameterError, match="cathode_loading_mg_cm2"):
        energy.specific_energy_wh_kg([1.0, -2.0], 1.0, STACK)


def test_layer_areal_mass_and_thickness_are_inverse_and_in_stated_units():
    # 1 µm of a 1.85 g/cm³ electrolyte: 1.85 g/cm³ × 1e-4 cm = 1.85e-4 g/cm² = 0.185 mg/cm²
    assert energy.layer_areal_mass_mg_cm2(1.85, 1.0) == pytest.approx(0.185)
    assert energy.layer_thickness_um(0.185, 1.85) == pytest.approx(1.0)
    # a 6-µm Cu foil (8.96 g/cm³) is 5.38 mg/cm²
    assert energy.layer_areal_mass_mg_cm2(8.96, 6.0) == pytest.approx(5.376)


def test_lithium_anode_holds_the_cathode_capacity_times_the_excess():
    capacity = float(energy.areal_capacity_mah_cm2(3.0, STACK))
    li = float(energy.lithium_anode_mg_cm2(3.0, STACK))
    assert li == pytest.approx(capacity * (1 + STACK.lithium_excess) / 3861.0 * 1e3)
    assert energy.mass_breakdown_mg_cm2(3.0, 1.0, STACK)["Li anode"] == pytest.approx(li)
