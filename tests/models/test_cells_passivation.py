"""The passivation law of the LiFePO4 cell's Li bookkeeping and its inverse (models.cells)."""

import pytest

from lpsrepro.errors import ParameterError
from lpsrepro.models import cells


@pytest.mark.parametrize(("first", "cycle", "n_pass"), [(0.151, 20, 6.0), (0.3, 5, 2.0), (0.05, 2, 50.0)])
def test_final_fraction_inverts_the_passivation_law(first, cycle, n_pass):
    final = 0.04
    at_cycle = float(cells.passivating_loss_fraction(cycle, first, final, n_pass))
    assert cells.passivating_final_fraction(first, at_cycle, cycle, n_pass) == pytest.approx(final, rel=1e-9)


def test_final_fraction_needs_a_later_cycle():
    with pytest.raises(ParameterError):
        cells.passivating_final_fraction(0.15, 0.07, 1, 6.0)
