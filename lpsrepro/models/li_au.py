"""Lithiation of a thin Au film: Faraday bookkeeping, alloy volume, galvanostatic voltage.

Used for the Li-plating experiment of §3.3 (Fig. 4c: Au | LPS 860 nm | PEO | Li at
65 µA/cm², 60 °C) and for the Li–Au anode of the LiFePO4 thin-film cell (Fig. 5).

Constants
---------
Au: 19.32 g/cm³, 196.967 g/mol; Li: 0.534 g/cm³, 6.94 g/mol (CRC Handbook of Chemistry and
Physics, 97th ed., 2016); Faraday's constant from :mod:`scipy.constants` (CODATA 2018).
An 85-nm Au film holds 833.7 nmol/cm² of Au, i.e. 22.35 µAh/cm² per Li per Au:
LiAu 22.3, Li2Au 44.7, Li3Au 67.0, Li15Au4 83.8 µAh/cm².

Volume of a lithiated film
--------------------------
Li alloys contract on mixing: Li3.75Au (Li15Au4) takes 79.3 Å³ per Au in its crystal
structure, against 98.0 Å³ for Au plus 3.75 Li metal atoms. The volume per Au of
a film of average composition Li_xAu is computed from crystal structures, not from
additive molar volumes (:func:`volume_per_au_cm3_mol`):

* Between two phases the film is a two-phase mixture, whose volume is exactly the
  lever-rule combination of the two phases' volumes — linear in x. Between the
  phases with a known structure (Au, LiAu3, Li15Au4) the line also stands in for
  the phases without one here (δ ≈ Li2Au, Li3Au); that volume per host atom is close to
  linear in x for Li alloys is the common observation (Obrovac & Chevrier, Chem. Rev.
  114 (2014) 11444, doi:10.1021/cr500207g). The LiAu3 cell, on that line to 0.1 %,
  is a check.
* Beyond Li15Au4 the extra Li is Li metal.

The alloy cells are Materials Project PBE relaxations (mp-567395 Li15Au4, mp-11248
LiAu3; data/structures/README.md); PBE cells are a few per cent too large, so the
volumes take a scale factor (``dft_volume_scale``, an input with its range). A film clamped
to its substrate grows only in thickness, so the thickness scales with the volume
per Au: ``t = t_Au · V(x) / V(Au)`` (:func:`dense_layer_thickness_nm`).

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

The potentials of the Li–Au phases on first lithiation (δ ≈ Li2Au at 0.25 V, AuLi3 at
0.15 V, Au4Li15 at 0.05 V vs Li/Li⁺; on de-alloying δ/AuLi3 at the same potential, then
a phase near 0.3 V and a Li-poor phase above 0.4 V) are from S. Hejazi, R. Liang,
A. S. Sergeenko, M. D. Fleischauer, J. Electrochem. Soc. 171 (2024) 050518,
doi:10.1149/1945-7111/ad3f54 (operando XRD, abstract); the paper itself assigns 0.23 V to
Li2Au and 0.10 V to Li3Au.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import constants

from lpsrepro.models.galvanostatic import ohmic_drop_v, passed_charge_uah_cm2
from lpsrepro.errors import ParameterError

FARADAY_C_PER_MOL = constants.physical_constants["Faraday constant"][0]
AVOGADRO_PER_MOL = constants.Avogadro
AU_DENSITY_G_PER_CM3 = 19.32
AU_MOLAR_MASS_G_PER_MOL = 196.967
LI_DENSITY_G_PER_CM3 = 0.534
LI_MOLAR_MASS_G_PER_MOL = 6.94
#: Li per Au of the Li–Au phases discussed by the paper and Hejazi et al. (2024).
PHASE_LI_PER_AU = {"LiAu": 1.0, "Li2Au": 2.0, "Li3Au": 3.0, "Li15Au4": 3.75}
#: Equilibrium / first-lithiation potentials vs Li/Li+ (V) of Hejazi et al. (2024), abstract:
#: δ (≈ Li2Au) forms at 0.25 V, AuLi3 at 0.15 V, Au4Li15 at 0.05 V; on de-alloying a phase
#: near 0.3 V and a Li-poor phase above 0.4 V follow the δ/AuLi3 step.
HEJAZI_ALLOYING_V = {"delta": 0.25, "Li3Au": 0.15, "Li15Au4": 0.05}
HEJAZI_DEALLOYING_V = {"Li3Au/delta": 0.15, "delta/intermediate": 0.30, "li_poor": 0.40}
#: Alloy structures used for volumes (files in data/structures/, Materials Project PBE cells).
ALLOY_STRUCTURES = {"LiAu3": "LiAu3_mp-11248_MP-PBE.cif", "Li15Au4": "Li15Au4_mp-567395_MP-PBE.cif"}


def au_areal_amount_nmol_cm2(au_thickness_nm: float) -> float:
    """Moles of Au per area of a dense film, nmol/cm² (85 nm → 833.7)."""
    return au_thickness_nm * 1e-7 * AU_DENSITY_G_PER_CM3 / AU_MOLAR_MASS_G_PER_MOL * 1e9


def charge_uah_cm2_from_moles(amount_mol_cm2):
    """Faraday's law for a one-electron reaction: mol/cm² → µAh/cm²."""
    return np.asarray(amount_mol_cm2, dtype=float) * FARADAY_C_PER_MOL / 3.6e-3


def moles_from_charge_uah_cm2(charge_uah_cm2):
    """Faraday's law for a one-electron reaction: µAh/cm² → mol/cm²."""
    return np.asarray(charge_uah_cm2, dtype=float) * 3.6e-3 / FARADAY_C_PER_MOL


def specific_capacity_mah_per_g(molar_mass_g_per_mol: float, electrons: float = 1.0) -> float:
    """Theoretical capacity of a material, Faraday's law per gram: ``n F / (3.6 M)``, mAh/g.

    ``electrons`` per formula unit of molar mass ``molar_mass_g_per_mol`` (g/mol); 1 mAh = 3.6 C.

    Examples
    --------
    >>> round(specific_capacity_mah_per_g(157.757), 1)        # LiFePO4, one Li per formula unit
    169.9
    >>> round(specific_capacity_mah_per_g(32.06, electrons=2))  # S → Li2S
    1672
    """
    if not (molar_mass_g_per_mol > 0 and electrons > 0):
        raise ParameterError("molar_mass_g_per_mol", molar_mass_g_per_mol,
                             "a positive molar mass in g/mol and a positive number of electrons")
    # µAh per mol of electrons × mol per gram → µAh/g; / 1000 → mAh/g
    return float(charge_uah_cm2_from_moles(electrons / molar_mass_g_per_mol)) / 1000.0


def charge_per_li_per_au_uah_cm2(au_thickness_nm: float) -> float:
    """Charge that puts one Li on every Au atom of the film, µAh/cm² (85 nm → 22.35)."""
    return float(charge_uah_cm2_from_moles(au_areal_amount_nmol_cm2(au_thickness_nm) * 1e-9))


def phase_capacity_uah_cm2(au_thickness_nm: float, li_per_au: float) -> float:
    """Charge to turn the whole film into Li_xAu, µAh/cm² (Faraday's law)."""
    return li_per_au * charge_per_li_per_au_uah_cm2(au_thickness_nm)


def li_per_au(charge_uah_cm2, au_thickness_nm: float):
    """Average Li/Au of the film after ``charge_uah_cm2`` went into alloying."""
    return np.asarray(charge_uah_cm2, dtype=float) / charge_per_li_per_au_uah_cm2(au_thickness_nm)


def molar_volume_cm3_per_mol(density_g_cm3: float, molar_mass_g_mol: float) -> float:
    """V_m = M / ρ."""
    return molar_mass_g_mol / density_g_cm3


def structure_volume_per_au_cm3_mol(cif_path) -> tuple[float, float]:
    """(Li per Au, volume per mol of Au in cm³/mol) of a Li–Au crystal structure file (pymatgen)."""
    from pymatgen.core import Structure

    path = Path(cif_path)
    structure = Structure.from_file(str(path))
    composition = structure.composition
    n_au = composition["Au"]
    if n_au <= 0:
        raise ParameterError("cif_path", str(path), "a structure that contains Au")
    per_au_a3 = structure.volume / n_au
    return float(composition["Li"] / n_au), float(per_au_a3 * 1e-24 * AVOGADRO_PER_MOL)


@dataclass(frozen=True)
class VolumeLine:
    """Volume per Au of Li_xAu, piecewise linear through known phases (module docstring).

    ``li_per_au`` and ``volume_cm3_per_mol_au`` are the nodes (increasing x; the first is Au);
    ``li_molar_volume_cm3_mol`` continues the line beyond the last node (Li metal).
    """

    li_per_au: tuple[float, ...]
    volume_cm3_per_mol_au: tuple[float, ...]
    li_molar_volume_cm3_mol: float
    sources: tuple[str, ...] = ()

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        inside = np.interp(x, self.li_per_au, self.volume_cm3_per_mol_au)
        beyond = self.volume_cm3_per_mol_au[-1] + (x - self.li_per_au[-1]) * self.li_molar_volume_cm3_mol
        return np.where(x > self.li_per_au[-1], beyond, inside)


def volume_line(structure_dir, *, dft_volume_scale: float = 1.0, use=("Li15Au4",)) -> VolumeLine:
    """The volume line from Au (CRC density), the alloy CIFs named in ``use`` and Li metal.

    ``dft_volume_scale`` multiplies the alloy cell volumes (PBE cells are a few per cent too
    large). LiAu3 is left out by default so that it can check the line.
    """
    if not 0.8 <= dft_volume_scale <= 1.2:
        raise ParameterError("dft_volume_scale", dft_volume_scale, "a volume factor near 1 (0.8–1.2)")
    nodes = [(0.0, molar_volume_cm3_per_mol(AU_DENSITY_G_PER_CM3, AU_MOLAR_MASS_G_PER_MOL), "Au (CRC density)")]
    for name in use:
        x, v = structure_volume_per_au_cm3_mol(Path(structure_dir) / ALLOY_STRUCTURES[name])
        nodes.append((x, v * dft_volume_scale, f"{name} ({ALLOY_STRUCTURES[name]})"))
    nodes.sort()
    return VolumeLine(tuple(n[0] for n in nodes), tuple(n[1] for n in nodes),
                      molar_volume_cm3_per_mol(LI_DENSITY_G_PER_CM3, LI_MOLAR_MASS_G_PER_MOL),
                      tuple(n[2] for n in nodes))


def additive_volume_per_au_cm3_mol(x):
    """Volume per Au of Au + x Li with the elements' own molar volumes (no contraction), cm³/mol."""
    return (molar_volume_cm3_per_mol(AU_DENSITY_G_PER_CM3, AU_MOLAR_MASS_G_PER_MOL)
            + np.asarray(x, dtype=float) * molar_volume_cm3_per_mol(LI_DENSITY_G_PER_CM3, LI_MOLAR_MASS_G_PER_MOL))


def dense_layer_thickness_nm(au_thickness_nm: float, alloyed_charge_uah_cm2, line: VolumeLine):
    """Thickness of a dense Li_xAu layer grown from a substrate-clamped Au film, nm.

    ``t = t_Au · V(x) / V(Au)`` with ``x`` from Faraday's law and ``V`` the volume per Au
    of :class:`VolumeLine` (crystal structures).
    """
    if au_thickness_nm <= 0:
        raise ParameterError("au_thickness_nm", au_thickness_nm, "a positive Au thickness in nm")
    x = li_per_au(alloyed_charge_uah_cm2, au_thickness_nm)
    return au_thickness_nm * line(x) / line.volume_cm3_per_mol_au[0]


def alloy_layer_thickness_nm(au_thickness_nm: float, alloyed_charge_uah_cm2: float) -> float:
    """Thickness with additive molar volumes (Au + Li metal), nm: the no-contraction upper bound.

    Kept as the comparison the crystal-structure volumes (:func:`dense_layer_thickness_nm`)
    replace; Li alloys contract on mixing, so this overestimates a dense alloy layer.
    """
    if au_thickness_nm <= 0:
        raise ParameterError("au_thickness_nm", au_thickness_nm, "a positive Au thickness in nm")
    return float(au_thickness_nm * additive_volume_per_au_cm3_mol(li_per_au(alloyed_charge_uah_cm2, au_thickness_nm))
                 / additive_volume_per_au_cm3_mol(0.0))


def li_per_au_for_thickness(au_thickness_nm: float, layer_thickness_nm: float, line: VolumeLine) -> float:
    """The Li/Au a dense layer of the given thickness would hold (inverse of the volume line)."""
    target = layer_thickness_nm / au_thickness_nm * line.volume_cm3_per_mol_au[0]
    xs = np.linspace(0.0, 10.0, 10001)
    v = line(xs)
    if target < v[0]:
        raise ParameterError("layer_thickness_nm", layer_thickness_nm, "a thickness at least that of the Au film")
    return float(np.interp(target, v, xs))


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
    charge = passed_charge_uah_cm2(current_density_ua_cm2, t)   # µAh/cm²
    alloyed = (1.0 - side_reaction_fraction) * charge
    equilibrium = staircase_potential_v(
        alloyed, [charge_to_second_plateau_uah_cm2, charge_to_lithium_plating_uah_cm2],
        [first_plateau_v, second_plateau_v, lithium_plating_v], transition_width_uah_cm2)
    # the pristine surface: from open circuit down to the first plateau
    equilibrium = equilibrium + (open_circuit_v - first_plateau_v) * np.exp(-alloyed / initial_drop_uah_cm2)
    nucleation = nucleation_overpotential_v * (1.0 - np.exp(-alloyed / (0.2 * nucleation_decay_uah_cm2))) \
        * np.exp(-alloyed / nucleation_decay_uah_cm2)
    ohmic = ohmic_drop_v(current_density_ua_cm2, area_specific_resistance_ohm_cm2)
    return equilibrium - nucleation - ohmic
