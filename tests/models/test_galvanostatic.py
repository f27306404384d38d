"""Constant-current relations (lpsrepro.models.galvanostatic), checked against pint."""

import numpy as np
import pytest

from lpsrepro.models import galvanostatic as g
from lpsrepro.units import ureg


def test_passed_charge_is_current_times_time_in_uah():
    expected = (65.0 * ureg("uA/cm**2") * 600.0 * ureg.s).to("uA*h/cm**2").magnitude
    assert g.passed_charge_uah_cm2(65.0, 600.0) == pytest.approx(expected, rel=1e-15)


def test_time_to_pass_inverts_passed_charge():
    t = np.array([0.0, 10.0, 2564.3])
    assert g.time_to_pass_s(g.passed_charge_uah_cm2(25.0, t), 25.0) == pytest.approx(t, rel=1e-14)


def test_ohmic_drop_is_ohms_law_in_volts():
    expected = (65.0 * ureg("uA/cm**2") * 150.0 * ureg("ohm*cm**2")).to("V").magnitude
    assert g.ohmic_drop_v(65.0, 150.0) == pytest.approx(expected, rel=1e-15)
    assert g.ohmic_drop_v(-25.0, 1200.0) == pytest.approx(-0.03)     # the sign follows the current
