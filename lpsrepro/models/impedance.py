"""Impedance of solid-electrolyte cells with ion-blocking electrodes.

Pure functions of frequency that return complex impedances in ohm. They are
the forward models behind the impedance stand-ins (``lpsrepro.simulate``) and
the "Explore" widgets; the analysis fits spectra with impedance.py's
equivalent circuits instead, so that model and fit are independent codes.

Physics
-------
A film of thickness *L*, conductivity σ and relative permittivity εr between
two electrodes of area *A* is, for ions, a bulk resistance
``R_b = L / (σ A)`` in parallel with its geometric capacitance
``C_g = ε0 εr A / L`` [1]_. Its arc in the Nyquist plane peaks at

    f_apex = 1 / (2π R_b C_g) = σ / (2π ε0 εr),

which does not depend on thickness or area [1]_. Gold blocks Li⁺, so below the
arc the electrode double layers appear as a constant-phase element (CPE)
``Z = 1 / (Q (jω)^α)`` — an oblique line in the Nyquist plot [2]_. Leads add
a series resistance and inductance.

References
----------
.. [1] J. T. S. Irvine, D. C. Sinclair, A. R. West, "Electroceramics:
   characterization by impedance spectroscopy", Adv. Mater. 2 (1990) 132,
   doi:10.1002/adma.19900020304.
.. [2] M. E. Orazem, B. Tribollet, *Electrochemical Impedance Spectroscopy*,
   2nd ed., Wiley (2017), ch. 14 (constant-phase elements).
"""

from __future__ import annotations

import numpy as np
from scipy.constants import epsilon_0

#: Vacuum permittivity in F/m (CODATA, via scipy.constants).
EPSILON_0_F_PER_M = epsilon_0


def angular_frequency(frequency_hz):
    """ω = 2π f in rad/s."""
    return 2.0 * np.pi * np.asarray(frequency_hz, dtype=float)


def bulk_resistance_ohm(thickness_nm, area_cm2, conductivity_s_per_cm):
    """Ionic resistance ``R = L / (σ A)`` of a film, in ohm.

    Parameters
    ----------
    thickness_nm : float
        Film thickness *L* in nm.
    area_cm2 : float
        Electrode area *A* in cm².
    conductivity_s_per_cm : float
        Ionic conductivity σ in S/cm.
    """
    return (np.asarray(thickness_nm) * 1e-7) / (np.asarray(conductivity_s_per_cm) * np.asarray(area_cm2))


def geometric_capacitance_f(thickness_nm, area_cm2, relative_permittivity):
    """Parallel-plate capacitance ``C = ε0 εr A / L`` of the film, in F."""
    return (EPSILON_0_F_PER_M * np.asarray(relative_permittivity) * np.asarray(area_cm2) * 1e-4
            / (np.asarray(thickness_nm) * 1e-9))


def bulk_arc_apex_frequency_hz(conductivity_s_per_cm, relative_permittivity):
    """Frequency at the top of the bulk arc, ``σ / (2π ε0 εr)``, in Hz.

    Independent of thickness and area: a thinner film does not move its arc
    into the window of a 1-MHz analyser.

    Examples
    --------
    >>> round(bulk_arc_apex_frequency_hz(6.7e-5, 30) / 1e6, 2)   # MHz
    4.01
    """
    sigma_s_per_m = np.asarray(conductivity_s_per_cm) * 100.0
    return sigma_s_per_m / (2.0 * np.pi * EPSILON_0_F_PER_M * np.asarray(relative_permittivity))


def cpe_impedance_ohm(frequency_hz, q, alpha):
    """Constant-phase element ``1 / (Q (jω)^α)`` in ohm.

    Parameters
    ----------
    q : float
        CPE coefficient in F s^(α-1) (for the whole electrode, not per area).
    alpha : float
        CPE exponent, 0 < α ≤ 1 (α = 1 is an ideal capacitor).
    """
    return 1.0 / (q * (1j * angular_frequency(frequency_hz)) ** alpha)


def rc_parallel_impedance_ohm(frequency_hz, resistance_ohm, capacitance_f):
    """Resistor in parallel with a capacitor, ``R / (1 + jωRC)``, in ohm."""
    return resistance_ohm / (1.0 + 1j * angular_frequency(frequency_hz) * resistance_ohm * capacitance_f)


def blocking_film_cell_impedance_ohm(frequency_hz, *, thickness_nm, area_cm2, conductivity_s_per_cm,
                                     relative_permittivity, interface_q_f_per_cm2, interface_alpha,
                                     lead_resistance_ohm=0.0, lead_inductance_h=0.0):
    """Impedance of Au | solid-electrolyte film | Au with ion-blocking electrodes.

    Series connection of lead inductance and resistance, the film (bulk
    resistance ∥ geometric capacitance) and the two electrode interfaces
    lumped into one CPE::

        Z = jωL_lead + R_lead + R_b / (1 + jω R_b C_g) + 1 / (Q A (jω)^α)

    Parameters
    ----------
    frequency_hz : array_like
        Frequencies in Hz.
    thickness_nm : float
        Film thickness in nm.
    area_cm2 : float
        Area of the (smaller) top electrode in cm².
    conductivity_s_per_cm : float
        Ionic conductivity of the film in S/cm.
    relative_permittivity : float
        εr of the film (dimensionless).
    interface_q_f_per_cm2 : float
        CPE coefficient of the blocking interfaces per electrode area,
        in F s^(α-1) cm⁻².
    interface_alpha : float
        CPE exponent (0 < α ≤ 1).
    lead_resistance_ohm, lead_inductance_h : float
        Series parasitics of cables and electrode films, in ohm and H.

    Returns
    -------
    numpy.ndarray of complex
        Impedance in ohm, same shape as ``frequency_hz``.
    """
    r_b = bulk_resistance_ohm(thickness_nm, area_cm2, conductivity_s_per_cm)
    c_g = geometric_capacitance_f(thickness_nm, area_cm2, relative_permittivity)
    omega = angular_frequency(frequency_hz)
    return (1j * omega * lead_inductance_h + lead_resistance_ohm
            + rc_parallel_impedance_ohm(frequency_hz, r_b, c_g)
            + cpe_impedance_ohm(frequency_hz, interface_q_f_per_cm2 * area_cm2, interface_alpha))
