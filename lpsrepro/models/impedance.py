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


# --------------------------------------------------------------------------- cold-pressed pellets (§3.1, Fig. S4, S5, S9)
def pellet_thickness_cm(mass_mg, diameter_mm, density_g_per_cm3, porosity):
    """Thickness of a pressed disk from its mass: ``L = m / (ρ (1 − φ) π d² / 4)``, in cm.

    Parameters
    ----------
    mass_mg : float
        Powder mass, mg.
    diameter_mm : float
        Die diameter, mm.
    density_g_per_cm3 : float
        Crystallographic density of the solid, g/cm³ (β-Li3PS4: 1.85,
        Homma et al., Solid State Ionics 182 (2011) 53).
    porosity : float
        Volume fraction of pores left after pressing (0 ≤ φ < 1).

    Examples
    --------
    >>> round(pellet_thickness_cm(200, 15, 1.85, 0.2), 4)
    0.0765
    """
    area_cm2 = np.pi * (np.asarray(diameter_mm) / 10.0) ** 2 / 4.0
    return (np.asarray(mass_mg) / 1000.0) / (np.asarray(density_g_per_cm3) * (1.0 - np.asarray(porosity)) * area_cm2)


def pellet_cell_impedance_ohm(frequency_hz, *, thickness_cm, area_cm2, bulk_conductivity_s_per_cm,
                              relative_permittivity, grain_boundary_resistance_ohm, grain_boundary_q_f,
                              grain_boundary_alpha, electrode_q_f, electrode_alpha,
                              lead_resistance_ohm=0.0, lead_inductance_h=0.0):
    """Impedance of Au | cold-pressed solid-electrolyte pellet | Au (brick-layer picture).

    Series connection of lead inductance and resistance, the grains (bulk
    resistance ∥ geometric capacitance of the pellet), the grain boundaries
    (resistance ∥ CPE: thin, resistive layers with a capacitance far above
    the geometric one, hence an arc at lower frequency) and the blocking Au
    electrodes (CPE: the low-frequency "spike") [1]_, [2]_::

        Z = jωL + R_lead + R_b/(1 + jωR_bC_g) + R_gb/(1 + R_gb Q_gb (jω)^α_gb) + 1/(Q_el (jω)^α_el)

    The total ionic resistance that a conductivity is computed from is
    ``R_b + R_gb``, where the arc meets the spike.

    Parameters
    ----------
    frequency_hz : array_like
        Frequencies, Hz.
    thickness_cm, area_cm2 : float
        Pellet thickness (cm) and electrode area (cm²).
    bulk_conductivity_s_per_cm : float
        Conductivity of the grains, S/cm.
    relative_permittivity : float
        εr of the solid (sets the geometric capacitance).
    grain_boundary_resistance_ohm : float
        Resistance of the grain boundaries, ohm.
    grain_boundary_q_f, grain_boundary_alpha : float
        CPE of the grain boundaries, F s^(α-1), and its exponent.
    electrode_q_f, electrode_alpha : float
        CPE of the two blocking electrodes in series, F s^(α-1), and its exponent.
    lead_resistance_ohm, lead_inductance_h : float
        Series parasitics, ohm and H.

    References
    ----------
    .. [1] J. T. S. Irvine, D. C. Sinclair, A. R. West, Adv. Mater. 2 (1990) 132 (brick-layer model).
    .. [2] J. E. Bauerle, "Study of solid electrolyte polarization by a complex admittance method",
       J. Phys. Chem. Solids 30 (1969) 2657, doi:10.1016/0022-3697(69)90039-0.
    """
    omega = angular_frequency(frequency_hz)
    r_b = thickness_cm / (bulk_conductivity_s_per_cm * area_cm2)
    c_g = EPSILON_0_F_PER_M * relative_permittivity * area_cm2 * 1e-4 / (thickness_cm * 1e-2)
    z_gb = grain_boundary_resistance_ohm / (1.0 + grain_boundary_resistance_ohm * grain_boundary_q_f
                                            * (1j * omega) ** grain_boundary_alpha)
    return (1j * omega * lead_inductance_h + lead_resistance_ohm + rc_parallel_impedance_ohm(frequency_hz, r_b, c_g)
            + z_gb + cpe_impedance_ohm(frequency_hz, electrode_q_f, electrode_alpha))
