"""Lithiation of a thin Au film: Faraday bookkeeping, alloy volume, galvanostatic voltage.

Used for the Li-plating experiment of §3.3 (Fig. 4c: Au | LPS 860 nm | PEO | Li at
65 µA/cm², 60 °C) and for the Li–Au anode of the LiFePO4 thin-film cell (Fig. 5).

Constants
---------
Au: 19.32 g/cm³, 196.97 g/mol; Li: 0.534 g/cm³, 6.94 g/mol; F = 96485.33 C/mol
(CRC Handbook of Chemistry and Physics; collected in ../shared/reference/FACTS.md).
An 85-nm Au film holds 833.7 nmol/cm² of Au, i.e. 22.35 µAh/cm² per Li per Au:
LiAu 22.3, Li2Au 44.7, Li3Au 67.0, Li15Au4 83.8 µAh/cm².

Galvanostatic lithiation
------------------------
A film lithiated at constant current through a two-phase sequence shows one
voltage plateau per two-phase region (Gibbs phase rule at fixed T, p). The
cell voltage is the equilibrium potential of the phase pair, minus the
overpotential ``j·R`` of the electrolyte stack, minus a transient nucleation
overpotential at the start of the first new phase (the "dip" familiar from Li
deposition on foreign substrates; e.g. Pei et al., Nano Lett. 17 (2017) 1132,
doi:10.1021/acs.nanolett.6b04755). Part of the current can go to a side
reaction (Li reducing the sulfide electrolyte to Li2S/Li3P; Wenzel et al.,
Solid State Ionics 286 (2016) 24, the paper's ref. 42) and does not alloy.

The equilibrium potentials of the Li–Au phases on first lithiation (δ ≈ Li2Au
near 0.25 V, Li3Au near 0.15 V, Li15Au4 near 0.05 V) are from Hejazi et al.,
J. Electrochem. Soc. 171 (2024) 050518; the paper itself assigns 0.23 V to
Li2Au and 0.10 V to Li3Au.
"""

from __future__ import annotations

import numpy as np

from lpsrepro.errors import ParameterError

FARADAY_C_PER_MOL = 96485.33212
AU_DENSITY_G_PER_CM3 = 19.32
AU_MOLAR_MASS_G_PER_MOL = 196.967
LI_DENSITY_G_PER_CM3 = 0.534
LI_MOLAR_MASS_G_PER_MOL = 6.94
#: Li per Au of the Li–Au phases discussed by the paper and Hejazi et al. (2024).
PHASE_LI_PER_AU = {"LiAu": 1.0, "Li2Au": 2.0, "Li3Au": 3.0, "Li15Au4": 3.75}


def au_areal_amount_nmol_cm2(au_thickness_nm: float) -> float:
    """Moles of Au per area of a dense film, nmol/cm² (85 nm → 833.7)."""
    return au_thickness_nm * 1e-7 * AU_DENSITY_G_PER_CM3 / AU_MOLAR_MASS_G_PER_MOL * 1e9


def charge_per_li_per_au_uah_cm2(au_thickness_nm: float) -> float:
    """Charge that puts one Li on every Au atom of the film, µAh/cm² (85 nm → 22.35)."""
    return au_areal_amount_nmol_cm2(au_thickness_nm) * 1e-9 * FARADAY_C_PER_MOL / 3.6e-3


def phase_capacity_uah_cm2(au_thickness_nm: float, li_per_au: float) -> float:
    """Charge to turn the whole film into Li_xAu, µAh/cm² (Faraday's law)."""
    return li_per_au * charge_per_li_per_au_uah_cm2(au_thickness_nm)


def li_per_au(charge_uah_cm2, au_thickness_nm: float):
    """Average Li/Au of the film after ``charge_uah_cm2`` went into alloying."""
    return np.asarray(charge_uah_cm2, dtype=float) / charge_per_li_per_au_uah_cm2(au_thickness_nm)


def molar_volume_cm3_per_mol(density_g_cm3: float, molar_mass_g_mol: float) -> float:
    """V_m = M / ρ."""
    return molar_mass_g_mol / density_g_cm3


def alloy_layer_thickness_nm(au_thickness_nm: float, alloyed_charge_uah_cm2: float, *,
                             li_partial_molar_volume_cm3_mol: float | None = None) -> float:
    """Thickness of a dense Li_xAu layer grown laterally-constrained from an Au film, nm.

    The film can only grow in thickness (it is clamped by the substrate), so the
    thickness scales with the volume per area:
    ``t = (n_Au·V_Au + n_Li·V_Li) / 1 cm²``. With ``V_Li`` the molar volume of Li
    metal (13.0 cm³/mol, default) this is ideal (Vegard-like) mixing of the
    elements; Li alloys usually contract on mixing, so this is an upper bound of
    a dense, pure alloy layer.
    """
    if au_thickness_nm <= 0:
        raise ParameterError("au_thickness_nm", au_thickness_nm, "a positive Au thickness in nm")
    v_au = molar_volume_cm3_per_mol(AU_DENSITY_G_PER_CM3, AU_MOLAR_MASS_G_PER_MOL)
    v_li = (molar_volume_cm3_per_mol(LI_DENSITY_G_PER_CM3, LI_MOLAR_MASS_G_PER_MOL)
            if li_partial_molar_volume_cm3_mol is None else li_partial_molar_volume_cm3_mol)
    n_au = au_areal_amount_nmol_cm2(au_thickness_nm) * 1e-9
    n_li = alloyed_charge_uah_cm2 * 3.6e-3 / FARADAY_C_PER_MOL
    return (n_au * v_au + n_li * v_li) * 1e7


# --------------------------------------------------------------------------- voltage model
def staircase_potential_v(x, boundaries, levels, width):
    """Smooth staircase: ``levels[i]`` between ``boundaries[i-1]`` and ``boundaries[i]``.

    ``x`` is a composition (e.g. Li/Au or an areal charge), ``boundaries`` the
    compositions at which one two-phase region ends and the next begins
    (increasing), ``levels`` one more potential than boundaries. Each step is a
    logistic of width ``width`` (same unit as ``x``): real films are not
    perfectly uniform, so the transitions are rounded.
    """
    x = np.asarray(x, dtype=float)
    levels = np.asarray(levels, dtype=float)
    out = np.full_like(x, levels[0])
    for b, lo, hi in zip(boundaries, levels[:-1], levels[1:]):
        out = out + (hi - lo) / (1.0 + np.exp(-(x - b) / width))
    return out


def plating_voltage_v(time_s, *, current_density_ua_cm2: float, side_reaction_fraction: float,
                      charge_to_second_plateau_uah_cm2: float, charge_to_lithium_plating_uah_cm2: float,
                      first_plateau_v: float, second_plateau_v: float, lithium_plating_v: float,
                      open_circuit_v: float, initial_drop_uah_cm2: float,
                      nucleation_overpotential_v: float, nucleation_decay_uah_cm2: float,
                      area_specific_resistance_ohm_cm2: float, transition_width_uah_cm2: float):
    """Cell voltage (Au vs Li, V) during galvanostatic lithiation of an Au film.

    Parameters
    ----------
    time_s : array
        Time since the current was switched on, s.
    current_density_ua_cm2 : float
        Lithiation current density, µA/cm² (> 0; the cell voltage falls).
    side_reaction_fraction : float
        Fraction of the current consumed by the reduction of the electrolyte
        (does not alloy).
    charge_to_second_plateau_uah_cm2, charge_to_lithium_plating_uah_cm2 : float
        Alloyed charge at which the first two-phase region ends and the second
        begins, and at which the film is saturated and Li metal starts to plate.
    first_plateau_v, second_plateau_v, lithium_plating_v : float
        Equilibrium potentials of the two-phase regions and of Li metal, V.
    open_circuit_v : float
        Potential of the pristine Au electrode, V; the first
        ``initial_drop_uah_cm2`` of charge takes the surface from there to the
        first plateau (solid solution of Li in Au, double layer).
    nucleation_overpotential_v, nucleation_decay_uah_cm2 : float
        Extra overpotential for nucleating the first alloy phase, decaying
        exponentially with the charge passed.
    area_specific_resistance_ohm_cm2 : float
        Ohmic + charge-transfer resistance of LPS, PEO and interfaces.
    transition_width_uah_cm2 : float
        Width of the rounded phase transitions.
    """
    t = np.asarray(time_s, dtype=float)
    charge = current_density_ua_cm2 * t / 3600.0              # µAh/cm²
    alloyed = (1.0 - side_reaction_fraction) * charge
    equilibrium = staircase_potential_v(
        alloyed, [charge_to_second_plateau_uah_cm2, charge_to_lithium_plating_uah_cm2],
        [first_plateau_v, second_plateau_v, lithium_plating_v], transition_width_uah_cm2)
    # the pristine surface: from open circuit down to the first plateau
    equilibrium = equilibrium + (open_circuit_v - first_plateau_v) * np.exp(-alloyed / initial_drop_uah_cm2)
    nucleation = nucleation_overpotential_v * (1.0 - np.exp(-alloyed / (0.2 * nucleation_decay_uah_cm2))) \
        * np.exp(-alloyed / nucleation_decay_uah_cm2)
    ohmic = current_density_ua_cm2 * 1e-6 * area_specific_resistance_ohm_cm2
    return equilibrium - nucleation - ohmic
