"""LiFePO4 | PEO | LPS | Li–Au thin-film cell: open-circuit curve, Li bookkeeping, voltage curves (Fig. 5).

Cathode
-------
LiFePO4 ⇌ FePO4 + Li⁺ + e⁻ is a two-phase reaction with a flat open-circuit
potential of 3.42 V vs Li/Li⁺ over most of the range (Kasavajjula et al.,
J. Electrochem. Soc. 155 (2008) A866, the paper's ref. 43) and steep ends
where the single-phase solid solutions are reached. :func:`lfp_open_circuit_v`
is a phenomenological curve of that shape (flat plateau with a weak logarithmic
slope, exponential walls at both ends); it is not a fit to Kasavajjula's data.
Theoretical capacity F / (3.6 · M) = 169.9 mAh/g with M(LiFePO4) = 157.757 g/mol (IUPAC
atomic weights), from :func:`lpsrepro.models.li_au.specific_capacity_mah_per_g` (Faraday's law).

Anode
-----
A Li–Au alloy made by plating Li from the cathode onto the 85-nm Au film
(§2.4: 37.5 µAh/cm² at 25 µA/cm²). Its potential is a staircase over its Li
content: Li3Au above the Li2Au/Li3Au boundary, Li2Au below it, and a steep rise
when the Li-poor end is reached (the discharge stops there). Alloying (charge)
and de-alloying (discharge) potentials differ (hysteresis), as for other
Li-alloy electrodes; the stand-in takes the de-alloying potentials measured by
Hejazi et al., J. Electrochem. Soc. 171 (2024) 050518 (AuLi3 → δ 0.15 V, next
step near 0.30 V). The Li-poor end (``li_poor_v``) and the anode's floor are
the model's, not measured.

Li bookkeeping per cycle (all in µAh/cm²)
-----------------------------------------
``C_n`` charge, ``D_n`` discharge, ``L_n = C_n − D_n`` lithium lost (consumed by
the reduction of LPS at the Li–Au | LPS interface, the paper's explanation).
Two mechanisms act together in :func:`cycle_capacities`:

1. **inventory loss** — a fraction ``ε_n`` of the Li plated on each charge
   reacts with the electrolyte, ``D_n = C_n (1 − ε_n)``; the interphase
   passivates, ``ε_n = ε_∞ + (ε_1 − ε_∞) exp(−(n−1)/n_pass)``, so the coulombic
   efficiency ``1 − ε_n`` rises (the paper: 84.9 → 93.2 %). The Li comes out of
   the cathode's stock ``S_n`` (Li left in LiFePO4), which falls by ``L_n``.
2. **rising polarisation** — the growing interphase raises the cell's
   resistance, ``R_n = R_1 · W_1 / W_n``, and shrinks the capacity reachable in
   the voltage window, ``W_n = W_1 exp(−(n−1)/n_pol)``.

The charge takes ``C_n = min(W_n, S_n − S_min)``: the window limits it while
the cathode still holds Li, the inventory once the stock runs out. The anode
returns to the same floor after every discharge, so its Li content at the top
of charge, ``floor + D_n``, falls as the capacity fades — and once it is below
the Li2Au/Li3Au boundary the upper discharge plateau (Li3Au) is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.constants import gas_constant

from lpsrepro.models.galvanostatic import ohmic_drop_v
from lpsrepro.errors import ParameterError
from lpsrepro.models.li_au import FARADAY_C_PER_MOL, specific_capacity_mah_per_g, staircase_potential_v

#: Molar mass of LiFePO4 (6.94 + 55.845 + 30.974 + 4 × 15.999 g/mol, IUPAC atomic weights).
LFP_MOLAR_MASS_G_PER_MOL = 157.757
#: Theoretical capacity, mAh/g: one Li per formula unit (Faraday's law), to the four digits the
#: literature quotes (169.9); the bundled stand-ins were made with that value.
LFP_CAPACITY_MAH_PER_G = round(specific_capacity_mah_per_g(LFP_MOLAR_MASS_G_PER_MOL), 1)
#: Two-phase equilibrium potential vs Li/Li+ (Kasavajjula et al. 2008, the paper's ref. 43).
LFP_PLATEAU_V = 3.42



def tafel_shift_v(current_ratio, temperature_k: float, transfer_coefficient: float = 0.5):
    """Rise of a charge-transfer overpotential when the local current grows ``current_ratio``-fold, V.

    In the Tafel regime η = (RT / αF) ln(j / j₀), so a ``current_ratio``-fold current adds
    ``RT / (αF) · ln(current_ratio)`` (Bard & Faulkner, *Electrochemical Methods*, 2nd ed.,
    Wiley 2001, §3.4). ``temperature_k`` in K; ``transfer_coefficient`` α (dimensionless).
    One electrode, one half cycle: a charge and a discharge together shift the voltage gap twice.

    Examples
    --------
    >>> round(float(tafel_shift_v(2.9, 333.15)), 3)    # 2.9-fold at 60 °C, α = 0.5
    0.061
    """
    if not (temperature_k > 0 and transfer_coefficient > 0):
        raise ParameterError("temperature_k", temperature_k, "a positive temperature in K and a positive α")
    return gas_constant * temperature_k / (transfer_coefficient * FARADAY_C_PER_MOL) * np.log(current_ratio)


def lfp_open_circuit_v(lithiation_fraction):
    """Open-circuit potential of Li_yFePO4 vs Li/Li⁺ (V), y = 0 (FePO4) … 1 (LiFePO4).

    ``3.42 + 0.012 ln((1−y)/y)`` on the plateau, plus exponential walls of
    width 0.015 at both ends (+0.6 V towards FePO4, −0.9 V towards LiFePO4).
    """
    y = np.clip(np.asarray(lithiation_fraction, dtype=float), 1e-6, 1 - 1e-6)
    return (LFP_PLATEAU_V + 0.012 * np.log((1 - y) / y)
            + 0.6 * np.exp(-y / 0.015) - 0.9 * np.exp(-(1 - y) / 0.015))


def passivating_loss_fraction(cycle, first: float, final: float, cycles_to_passivate: float):
    """ε_n = ε_∞ + (ε_1 − ε_∞)·exp(−(n − 1)/n_pass): fraction of the charge lost in cycle n."""
    n = np.asarray(cycle, dtype=float)
    return final + (first - final) * np.exp(-(n - 1.0) / cycles_to_passivate)


def passivating_final_fraction(first: float, at_cycle: float, cycle: float, cycles_to_passivate: float) -> float:
    """ε_∞ of :func:`passivating_loss_fraction` from its value ``at_cycle`` = ε_n at cycle ``cycle`` (> 1).

    The inverse of ε_n = ε_∞ + (ε_1 − ε_∞)·e_n with e_n = exp(−(n − 1)/n_pass):
    ε_∞ = (ε_n − ε_1 e_n) / (1 − e_n).

    Examples
    --------
    >>> eps_inf = passivating_final_fraction(0.151, 0.068, 20, 6.0)
    >>> round(float(passivating_loss_fraction(20, 0.151, eps_inf, 6.0)), 6)
    0.068
    """
    if not (cycle > 1 and cycles_to_passivate > 0):
        raise ParameterError("cycle", cycle, "a cycle after the first and a positive number of cycles to passivate")
    decay = float(np.exp(-(cycle - 1.0) / cycles_to_passivate))
    return (at_cycle - first * decay) / (1.0 - decay)


@dataclass(frozen=True)
class CycleBook:
    """Per-cycle Li bookkeeping (µAh/cm²), index 0 = cycle 1."""

    cycle: np.ndarray
    charge_uah_cm2: np.ndarray
    discharge_uah_cm2: np.ndarray
    lost_uah_cm2: np.ndarray
    cathode_stock_uah_cm2: np.ndarray      # Li in the cathode before the charge of cycle n
    window_uah_cm2: np.ndarray
    resistance_ohm_cm2: np.ndarray
    anode_floor_uah_cm2: float
    cathode_capacity_uah_cm2: float

    @property
    def coulombic_efficiency(self) -> np.ndarray:
        return self.discharge_uah_cm2 / self.charge_uah_cm2

    @property
    def anode_top_uah_cm2(self) -> np.ndarray:
        """Li in the anode at the top of each charge."""
        return self.anode_floor_uah_cm2 + self.discharge_uah_cm2


def cycle_capacities(*, cycles: int, cathode_capacity_uah_cm2: float, preplated_uah_cm2: float,
                     first_loss_fraction: float, final_loss_fraction: float, cycles_to_passivate: float,
                     first_window_uah_cm2: float, cycles_to_polarise: float,
                     first_resistance_ohm_cm2: float, minimum_stock_fraction: float = 0.01) -> CycleBook:
    """The per-cycle charge, discharge and loss of the two-mechanism model (module docstring)."""
    if cycles < 1:
        raise ParameterError("cycles", cycles, "at least 1 cycle")
    if not 0 < preplated_uah_cm2 < cathode_capacity_uah_cm2:
        raise ParameterError("preplated_uah_cm2", preplated_uah_cm2,
                             f"a positive charge below the cathode capacity {cathode_capacity_uah_cm2:.4g} µAh/cm²")
    for name, value in (("first_loss_fraction", first_loss_fraction), ("final_loss_fraction", final_loss_fraction)):
        if not 0 <= value < 1:
            raise ParameterError(name, value, "a fraction in [0, 1)")
    n = np.arange(1, cycles + 1)
    eps = passivating_loss_fraction(n, first_loss_fraction, final_loss_fraction, cycles_to_passivate)
    window = first_window_uah_cm2 * np.exp(-(n - 1.0) / cycles_to_polarise)
    stock = np.empty(cycles)
    charge = np.empty(cycles)
    s = cathode_capacity_uah_cm2 - preplated_uah_cm2
    s_min = minimum_stock_fraction * cathode_capacity_uah_cm2
    for i in range(cycles):
        stock[i] = s
        charge[i] = max(min(window[i], s - s_min), 0.0)
        s -= eps[i] * charge[i]
    discharge = charge * (1 - eps)
    resistance = first_resistance_ohm_cm2 * window[0] / window
    # the formation (pre-plating) loses the same first-cycle fraction to the interphase
    floor = preplated_uah_cm2 * (1 - first_loss_fraction)
    return CycleBook(cycle=n, charge_uah_cm2=charge, discharge_uah_cm2=discharge, lost_uah_cm2=charge - discharge,
                     cathode_stock_uah_cm2=stock, window_uah_cm2=window, resistance_ohm_cm2=resistance,
                     anode_floor_uah_cm2=floor, cathode_capacity_uah_cm2=cathode_capacity_uah_cm2)


@dataclass(frozen=True)
class AnodePotentials:
    """Li–Au anode potentials vs Li/Li⁺ (V) and the Li2Au/Li3Au boundary (µAh/cm² of Li in the alloy)."""

    li3au_boundary_uah_cm2: float
    li2au_alloying_v: float
    li3au_alloying_v: float
    li2au_dealloying_v: float
    li3au_dealloying_v: float
    li_poor_v: float = 0.9
    transition_width_uah_cm2: float = 0.4

    def dealloying_v(self, li_content_uah_cm2, floor_uah_cm2: float):
        """Potential during discharge: Li3Au / Li2Au plateaus, steep rise below the floor."""
        return staircase_potential_v(li_content_uah_cm2, [floor_uah_cm2, self.li3au_boundary_uah_cm2],
                                     [self.li_poor_v, self.li2au_dealloying_v, self.li3au_dealloying_v],
                                     self.transition_width_uah_cm2)

    def alloying_v(self, li_content_uah_cm2, floor_uah_cm2: float):
        """Potential during charge."""
        return staircase_potential_v(li_content_uah_cm2, [floor_uah_cm2, self.li3au_boundary_uah_cm2],
                                     [self.li_poor_v, self.li2au_alloying_v, self.li3au_alloying_v],
                                     self.transition_width_uah_cm2)


def half_cycle_voltage_v(passed_uah_cm2, *, kind: str, capacity_uah_cm2: float, anode_start_uah_cm2: float,
                         cathode_start_uah_cm2: float, cathode_capacity_uah_cm2: float, loss_fraction: float,
                         anode: AnodePotentials, anode_floor_uah_cm2: float, current_density_ua_cm2: float,
                         resistance_ohm_cm2: float, cutoff_v: float, end_width_uah_cm2: float = 0.25):
    """Cell voltage over one galvanostatic half cycle.

    ``passed_uah_cm2`` runs from 0 to ``capacity_uah_cm2``; the last
    ``end_width`` of it bends the voltage to the cut-off (the end of the
    half cycle is set by the bookkeeping, and the curve ends where a cycler
    would have stopped it).
    """
    q = np.asarray(passed_uah_cm2, dtype=float)
    ir = ohmic_drop_v(current_density_ua_cm2, resistance_ohm_cm2)
    if kind == "charge":
        anode_li = anode_start_uah_cm2 + (1 - loss_fraction) * q
        y = (cathode_start_uah_cm2 - q) / cathode_capacity_uah_cm2
        v = lfp_open_circuit_v(y) - anode.alloying_v(anode_li, anode_floor_uah_cm2) + ir
    elif kind == "discharge":
        anode_li = anode_start_uah_cm2 - q
        y = (cathode_start_uah_cm2 + q) / cathode_capacity_uah_cm2
        v = lfp_open_circuit_v(y) - anode.dealloying_v(anode_li, anode_floor_uah_cm2) - ir
    else:
        raise ParameterError("kind", kind, "'charge' or 'discharge'")
    weight = np.exp((q - capacity_uah_cm2) / end_width_uah_cm2)
    return v + (cutoff_v - v[-1] if v.size else 0.0) * weight
