"""The numeric checks of :mod:`lpsrepro.params`: the unit a message names comes from the parameter's name."""

import pytest

from lpsrepro import params as checks
from lpsrepro.errors import ParameterError
from lpsrepro.units import written_unit


@pytest.mark.parametrize(("name", "written"), [
    ("thickness_nm", "nm"), ("nyquist_window_ohm_cm2", "ohm cm2"), ("gold_resistivity_ohm_m", "ohm m"),
    ("ripening_solubility_mol_per_m3", "mol/m3"), ("diffusion_m2_per_s", "m2/s"),
    ("raman_instrument_fwhm_per_cm", "1/cm"), ("caglioti_u_deg2", "deg2"), ("analyser_phase_accuracy_deg", "degree"),
    ("preplated_uah_cm2", "uAh/cm2"), ("target_wh_kg", "Wh/kg"), ("plating_current_density_ua_cm2", "uA/cm2"),
    ("sem_scale_uncertainty", "(fraction)"), ("target_conversion", "(fraction)"), ("commercial_li2s_gsd", "(ratio)"),
    ("lead_squares", "squares"), ("bruggeman_exponent", "(dimensionless)"),
])
def test_written_unit(name, written):
    assert written_unit(name) == written


def test_written_unit_refuses_a_name_without_unit():
    with pytest.raises(ParameterError, match="a name ending in its unit"):
        written_unit("min_foreground_measured")


@pytest.mark.parametrize("bad", ["550", -1.0, 0, float("nan"), True])
def test_positive_names_the_unit_of_the_field(bad):
    with pytest.raises(ParameterError) as info:
        checks.positive("gold_thickness_nm", bad, example=85)
    assert "gold_thickness_nm" in str(info.value)
    assert "expected a positive number in nm, such as 85." in str(info.value)


def test_in_range_names_the_unit_of_the_field_and_the_bounds():
    with pytest.raises(ParameterError, match=r"expected a number in ohm cm2 between 0\.0 and 5\.0\."):
        checks.in_range("window_ohm_cm2", 6.0, 0.0, 5.0)
    with pytest.raises(ParameterError, match=r"expected a number in \(fraction\) between 0\.0 and 0\.5\."):
        checks.in_range("sem_scale_uncertainty", 0.6, 0.0, 0.5)
    with pytest.raises(ParameterError, match="between 0.0 and 1.0"):
        checks.in_range("min_coverage", 0.0, 0.0, 1.0, inclusive=False)
    assert checks.in_range("min_coverage", 0.0, 0.0, 1.0) == 0.0


def test_a_given_unit_overrides_the_name():
    # a name that states no unit (an element of a list parameter) gives it
    with pytest.raises(ParameterError, match=r"a number in \(log10 of 1/s\) between -8\.0 and 4\.0"):
        checks.in_range("fit_start[0]", 9.0, -8.0, 4.0, "(log10 of 1/s)")
    with pytest.raises(ParameterError, match=r"a positive number in \(fraction\), such as 0\.5"):
        checks.positive("min_foreground_measured", -1, "(fraction)", 0.5)


def test_a_name_without_unit_and_no_unit_given_is_refused():
    with pytest.raises(ParameterError, match="a name ending in its unit"):
        checks.positive("min_foreground_measured", 0.5)


def test_optional_positive_and_returned_values():
    assert checks.optional_positive("pixel_size_nm", None) is None
    assert checks.optional_positive("pixel_size_nm", 2) == 2.0
    assert checks.positive("electrode_diameter_mm", 2.0, example=2.0) == 2.0
    with pytest.raises(ParameterError, match=r"a positive number in mm, such as 0\.8"):
        checks.optional_positive("pellet_thickness_mm", -0.8, example=0.8)
