"""Faraday's law and the Tafel slope, each written once (models.li_au, models.cells), and the typed
theoretical capacities of the stack model checked against them."""

import numpy as np
import pytest
from scipy import constants

from lpsrepro.errors import ParameterError
from lpsrepro.models import cells, energy, li_au


def test_theoretical_capacities_follow_faradays_law():
    # the capacities the literature quotes, and the models use, agree with n F / (3.6 M) to their printed digits
    assert cells.LFP_CAPACITY_MAH_PER_G == 169.9
    assert round(li_au.specific_capacity_mah_per_g(32.06, electrons=2)) == energy.SULFUR_CAPACITY_MAH_PER_G
    # Li metal: 3861 mAh/g is quoted for M = 6.941 g/mol (6.94 gives 3861.9)
    assert li_au.specific_capacity_mah_per_g(6.941) == pytest.approx(energy.LITHIUM_CAPACITY_MAH_PER_G, abs=0.5)
    # the same law as the µAh bookkeeping of the Au film: one gram of a 1-g/mol, one-electron material
    assert li_au.specific_capacity_mah_per_g(1.0) * 1000 == pytest.approx(float(li_au.charge_uah_cm2_from_moles(1.0)))
    with pytest.raises(ParameterError):
        li_au.specific_capacity_mah_per_g(0.0)


def test_tafel_shift_is_rt_over_alpha_f_per_e_fold():
    thermal_v = constants.R * 298.15 / constants.physical_constants["Faraday constant"][0]
    assert float(cells.tafel_shift_v(np.e, 298.15, 1.0)) == pytest.approx(thermal_v)
    assert float(cells.tafel_shift_v(1.0, 298.15)) == 0.0
    assert float(cells.tafel_shift_v(2.9, 333.15, 0.5)) == pytest.approx(
        2 * constants.R * 333.15 / constants.physical_constants["Faraday constant"][0] * np.log(2.9))
    with pytest.raises(ParameterError):
        cells.tafel_shift_v(2.0, -1.0)
