"""Volumes of lithiated Au films from crystal structures (models.li_au), checked by hand and against each other."""

import numpy as np
import pytest
from scipy import constants

from lpsrepro import paths
from lpsrepro.errors import ParameterError
from lpsrepro.models import li_au

STRUCTURES = paths.DATA / "structures"


def test_faraday_constant_is_codata_not_typed():
    assert li_au.FARADAY_C_PER_MOL == constants.physical_constants["Faraday constant"][0]
    assert float(li_au.charge_uah_cm2_from_moles(li_au.moles_from_charge_uah_cm2(46.3))) == pytest.approx(46.3)


def test_cell_volume_per_au_of_li15au4_by_hand():
    # mp-567395: 634.362 Å³ for Li30Au8 → 79.295 Å³ per Au → × 0.602214 = 47.753 cm³/mol
    x, v = li_au.structure_volume_per_au_cm3_mol(STRUCTURES / li_au.ALLOY_STRUCTURES["Li15Au4"])
    assert x == pytest.approx(3.75)
    assert v == pytest.approx(634.36205 / 8 * 0.602214076, rel=1e-6)


def test_liau3_falls_on_the_line_through_au_and_li15au4():
    line = li_au.volume_line(STRUCTURES, dft_volume_scale=1.0)
    x, v = li_au.structure_volume_per_au_cm3_mol(STRUCTURES / li_au.ALLOY_STRUCTURES["LiAu3"])
    assert float(line(x)) == pytest.approx(v, rel=0.01)


def test_alloy_contracts_against_additive_volumes():
    line = li_au.volume_line(STRUCTURES)
    x = np.array([1.0, 2.0, 3.0, 3.75])
    assert np.all(line(x) < li_au.additive_volume_per_au_cm3_mol(x))
    # Li15Au4 is ~19 % denser than Au + 3.75 Li metal (PBE cell)
    full = li_au.volume_line(STRUCTURES, dft_volume_scale=1.0)
    assert 1 - float(full(3.75) / li_au.additive_volume_per_au_cm3_mol(3.75)) == pytest.approx(0.19, abs=0.01)


def test_dense_layer_thickness_of_the_paper_film():
    line = li_au.volume_line(STRUCTURES, dft_volume_scale=1.0)
    assert float(li_au.dense_layer_thickness_nm(85.0, 0.0, line)) == pytest.approx(85.0)
    # 46.3 µAh/cm² = Li2.072Au: 85 nm × (10.195 + 2.072 × (47.753 − 10.195)/3.75) / 10.195
    x = 46.3 / li_au.charge_per_li_per_au_uah_cm2(85.0)
    by_hand = 85.0 * (10.19498 + x * (47.75272 - 10.19498) / 3.75) / 10.19498
    assert float(li_au.dense_layer_thickness_nm(85.0, 46.3, line)) == pytest.approx(by_hand, rel=1e-4)
    assert li_au.li_per_au_for_thickness(85.0, by_hand, line) == pytest.approx(x, abs=1e-3)
    # beyond Li15Au4 the extra Li is Li metal
    q_beyond = li_au.phase_capacity_uah_cm2(85.0, 4.75)
    extra = float(li_au.dense_layer_thickness_nm(85.0, q_beyond, line)) - float(
        li_au.dense_layer_thickness_nm(85.0, li_au.phase_capacity_uah_cm2(85.0, 3.75), line))
    assert extra == pytest.approx(85.0 * 12.996 / 10.195, rel=1e-3)


def test_bad_inputs_are_refused_by_name():
    with pytest.raises(ParameterError, match="dft_volume_scale"):
        li_au.volume_line(STRUCTURES, dft_volume_scale=2.0)
    with pytest.raises(ParameterError, match="au_thickness_nm"):
        li_au.dense_layer_thickness_nm(0.0, 10.0, li_au.volume_line(STRUCTURES))
