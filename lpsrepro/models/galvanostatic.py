"""Constant-current electrochemistry: charge passed, time to pass a charge, ohmic drop.

Two relations that every galvanostatic experiment of the paper uses (Li plating on Au,
Fig. 4c; the LiFePO4 cell, Fig. 5), in the units the paper prints: current densities in
µA/cm², charges in µAh/cm², area-specific resistances in Ω cm².

Physics
-------
At constant current density *j* the charge passed after a time *t* is ``Q = j t``
(Faraday's law counts it as moles of electrons, :mod:`lpsrepro.models.li_au`); with *j* in
µA/cm² and *t* in s, ``Q = j t / 3600`` µAh/cm² (1 h = 3600 s). A resistance *R·A* in
series shifts the cell voltage by the ohmic drop ``ΔV = j · (R A)`` (Ohm's law); with *j* in
µA/cm² that is ``j · 10⁻⁶ · R A`` V.

References
----------
.. [1] A. J. Bard, L. R. Faulkner, *Electrochemical Methods*, 2nd ed., Wiley (2001), §8.2
   (chronopotentiometry) and §1.3 (ohmic drop).
"""

from __future__ import annotations

import numpy as np

#: Seconds per hour: µA·s → µAh.
SECONDS_PER_HOUR = 3600.0
#: µA → A.
AMPERE_PER_MICROAMPERE = 1e-6


def passed_charge_uah_cm2(current_density_ua_cm2, time_s):
    """Charge passed at constant current density, ``Q = j t``, in µAh/cm² [1]_.

    Examples
    --------
    >>> round(float(passed_charge_uah_cm2(65.0, 2564.3)), 1)   # 65 µA/cm² for 43 min (Fig. 4c)
    46.3
    """
    return np.asarray(current_density_ua_cm2, dtype=float) * np.asarray(time_s, dtype=float) / SECONDS_PER_HOUR


def time_to_pass_s(charge_uah_cm2, current_density_ua_cm2):
    """Time to pass ``charge_uah_cm2`` at ``current_density_ua_cm2``, ``t = Q / j``, in s (inverse of
    :func:`passed_charge_uah_cm2`)."""
    return np.asarray(charge_uah_cm2, dtype=float) / np.asarray(current_density_ua_cm2, dtype=float) * SECONDS_PER_HOUR


def ohmic_drop_v(current_density_ua_cm2, area_specific_resistance_ohm_cm2):
    """Voltage across an area-specific resistance at a current density, ``ΔV = j · (R A)``, in V [1]_."""
    return (np.asarray(current_density_ua_cm2, dtype=float) * AMPERE_PER_MICROAMPERE
            * np.asarray(area_specific_resistance_ohm_cm2, dtype=float))
