"""A pellet's geometry from what is known about it (analysis.impedance.pellet_geometry), with its uncertainty."""

import pytest

from lpsrepro.analysis.impedance import pellet_geometry
from lpsrepro.errors import ParameterError
from lpsrepro.models.impedance import disc_area_cm2


def test_thickness_from_mass_is_uncertain_through_the_porosity():
    g = pellet_geometry(diameter_mm=15.0, mass_mg=200.0, density_g_per_cm3=1.85, porosity=0.2, porosity_std=0.05)
    # L = 0.2 g / (1.85 g/cm³ × 0.8 × π 1.5² / 4 cm²) = 0.07647 cm; u(L) = L × 0.05 / 0.8
    assert g.thickness_cm == pytest.approx(0.2 / (1.85 * 0.8 * float(disc_area_cm2(15.0))))
    assert g.thickness_std_cm == pytest.approx(g.thickness_cm * 0.05 / 0.8)
    assert g.area_cm2 == pytest.approx(float(disc_area_cm2(15.0)))


def test_a_measured_thickness_and_area_are_taken_as_given():
    g = pellet_geometry(thickness_mm=0.8, thickness_std_mm=0.02, area_cm2=1.5, mass_mg=200.0,
                        density_g_per_cm3=1.85, porosity=0.2, porosity_std=0.05)
    assert (g.thickness_cm, g.thickness_std_cm, g.area_cm2) == pytest.approx((0.08, 0.002, 1.5))


@pytest.mark.parametrize("kwargs", [dict(mass_mg=200.0, density_g_per_cm3=1.85, porosity=0.2),   # no area
                                    dict(diameter_mm=15.0, mass_mg=200.0, porosity=0.2),           # no density
                                    dict(thickness_mm=-1.0, area_cm2=1.0)])
def test_missing_or_impossible_geometry_is_refused(kwargs):
    with pytest.raises(ParameterError):
        pellet_geometry(**kwargs)
