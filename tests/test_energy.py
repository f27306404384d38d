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


def test_stack_from_ledger_uses_the_ledger():
    assert energy.stack_from_ledger().sulfur_fraction == 0.4


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
