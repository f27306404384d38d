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
.. [3] D. R. Lide (ed.), *CRC Handbook of Chemistry and Physics*, "Electrical
   resistivity of pure metals" (Au: 2.21 µΩ cm at 20 °C); thin films are
   more resistive (surface and grain-boundary scattering: A. F. Mayadas,
   M. Shatzkes, Phys. Rev. B 1 (1970) 1382, doi:10.1103/PhysRevB.1.1382).

Every relation below exists once in the package; other modules call it. The
functions take plain floats/arrays in the unit named by the argument; the
``*_q`` variants accept pint quantities at a boundary and convert once.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import epsilon_0

from lpsrepro import units

#: Vacuum permittivity in F/m (CODATA, via scipy.constants).
EPSILON_0_F_PER_M = epsilon_0


def angular_frequency(frequency_hz):
    """ω = 2π f in rad/s."""
    return 2.0 * np.pi * np.asarray(frequency_hz, dtype=float)


def disc_area_cm2(diameter_mm):
    """Area ``π d² / 4`` of a circular electrode or pellet face, in cm².

    Examples
    --------
    >>> round(float(disc_area_cm2(2.0)), 5)
    0.03142
    """
    return np.pi * (np.asarray(diameter_mm, dtype=float) / 10.0) ** 2 / 4.0


def disc_area_uncertainty_cm2(diameter_mm, diameter_std_mm):
    """Standard uncertainty of ``π d² / 4`` from that of the diameter (first order: σ_A/A = 2 σ_d/d), cm²."""
    return disc_area_cm2(diameter_mm) * 2.0 * np.asarray(diameter_std_mm, dtype=float) / np.asarray(diameter_mm)


def area_specific_resistance_ohm_cm2(resistance_ohm, area_cm2):
    """Area-specific resistance ``ASR = R · A``, in Ω cm²."""
    return np.asarray(resistance_ohm, dtype=float) * np.asarray(area_cm2, dtype=float)


def conductivity_from_resistance_s_per_cm(thickness_cm, resistance_ohm, area_cm2):
    """Ionic conductivity ``σ = L / (R · A)`` of a slab between parallel electrodes, in S/cm [1]_.

    Parameters
    ----------
    thickness_cm : float
        Slab thickness *L*, cm.
    resistance_ohm : float
        Ionic resistance *R*, ohm.
    area_cm2 : float
        Electrode area *A*, cm².

    Examples
    --------
    >>> round(float(conductivity_from_resistance_s_per_cm(550e-7, 0.8209, 1.0)) * 1e5, 3)
    6.7
    """
    return np.asarray(thickness_cm, dtype=float) / (np.asarray(resistance_ohm, dtype=float)
                                                   * np.asarray(area_cm2, dtype=float))


def conductivity_from_asr_s_per_cm(thickness_nm, asr_ohm_cm2):
    """``σ = L / ASR`` of a film of thickness ``thickness_nm`` (nm), in S/cm (same relation, A = 1 cm²)."""
    return conductivity_from_resistance_s_per_cm(np.asarray(thickness_nm, dtype=float) * 1e-7, asr_ohm_cm2, 1.0)


def conductivity_q(thickness, resistance, area):
    """σ = L / (R A) from pint quantities (any length, resistance and area units), in S/cm."""
    return float((thickness / (resistance * area)).to(units.registry()("S/cm")).magnitude)


def resistance_from_conductivity_ohm(thickness_cm, area_cm2, conductivity_s_per_cm):
    """Ionic resistance ``R = L / (σ A)`` of a slab, in ohm (the inverse of
    :func:`conductivity_from_resistance_s_per_cm`)."""
    return np.asarray(thickness_cm, dtype=float) / (np.asarray(conductivity_s_per_cm, dtype=float)
                                                   * np.asarray(area_cm2, dtype=float))


def rc_apex_frequency_hz(resistance_ohm, capacitance_f):
    """Frequency at the top of the arc of R ∥ C, ``f = 1 / (2π R C)``, in Hz."""
    return 1.0 / (2.0 * np.pi * np.asarray(resistance_ohm, dtype=float) * np.asarray(capacitance_f, dtype=float))


def cpe_q_for_apex(resistance_ohm, apex_frequency_hz, alpha=1.0):
    """CPE coefficient Q that puts the apex of an R ∥ CPE arc at ``apex_frequency_hz``.

    The arc of R ∥ Q(jω)^α peaks where R Q ω^α = 1, so ``Q = 1 / (R ω^α)`` (in F s^(α-1));
    with α = 1 it is the capacitance of an ideal RC arc, ``C = 1 / (2π f R)`` (the inverse of
    :func:`rc_apex_frequency_hz`). Used for start values of circuit fits. (Orazem & Tribollet,
    *Electrochemical Impedance Spectroscopy*, 2nd ed., Wiley 2017, §14.3.)
    """
    return 1.0 / (np.asarray(resistance_ohm, dtype=float) * angular_frequency(apex_frequency_hz) ** alpha)


def sheet_resistance_ohm_per_square(resistivity_ohm_m, thickness_nm):
    """Sheet resistance ``R_□ = ρ / t`` of a metal film, in Ω per square [3]_.

    Examples
    --------
    >>> round(float(sheet_resistance_ohm_per_square(2.21e-8, 85)), 3)   # bulk Au, 85 nm
    0.26
    """
    return np.asarray(resistivity_ohm_m, dtype=float) / (np.asarray(thickness_nm, dtype=float) * 1e-9)


def film_lead_resistance_ohm(resistivity_ohm_m, thickness_nm, squares):
    """Resistance of a thin-film lead, ``R = R_□ · n_□`` (``squares`` = length / width), in ohm."""
    return sheet_resistance_ohm_per_square(resistivity_ohm_m, thickness_nm) * np.asarray(squares, dtype=float)


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
    return resistance_from_conductivity_ohm(np.asarray(thickness_nm, dtype=float) * 1e-7, area_cm2,
                                            conductivity_s_per_cm)


def geometric_capacitance_f(thickness_nm, area_cm2, relative_permittivity):
    """Parallel-plate capacitance ``C = ε0 εr A / L`` of the film, in F."""
    return (EPSILON_0_F_PER_M * np.asarray(relative_permittivity) * np.asarray(area_cm2) * 1e-4
            / (np.asarray(thickness_nm) * 1e-9))


def relative_permittivity_from_capacitance(capacitance_f, thickness_nm, area_cm2):
    """εr = C L / (ε0 A) of a parallel-plate film (dimensionless); inverse of :func:`geometric_capacitance_f`."""
    return (np.asarray(capacitance_f, dtype=float) * np.asarray(thickness_nm, dtype=float) * 1e-9
            / (EPSILON_0_F_PER_M * np.asarray(area_cm2, dtype=float) * 1e-4))


def bulk_arc_apex_frequency_hz(conductivity_s_per_cm, relative_permittivity):
    """Frequency at the top of the bulk arc, ``σ / (2π ε0 εr)``, in Hz.

    Independent of thickness and area: a thinner film does not move its arc
    into the window of a 1-MHz analyser.

    Examples
    --------
    >>> round(float(bulk_arc_apex_frequency_hz(6.7e-5, 30)) / 1e6, 2)   # MHz
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
    >>> round(float(pellet_thickness_cm(200, 15, 1.85, 0.2)), 4)
    0.0765
    """
    area_cm2 = disc_area_cm2(diameter_mm)
    return (np.asarray(mass_mg) / 1000.0) / (np.asarray(density_g_per_cm3) * (1.0 - np.asarray(porosity)) * area_cm2)


def pellet_thickness_uncertainty_cm(thickness_cm, porosity, porosity_std):
    """Standard uncertainty of :func:`pellet_thickness_cm` from that of the porosity, in cm.

    ``L ∝ 1 / (1 − φ)``, so to first order ``u(L) / L = u(φ) / (1 − φ)``; mass, density and
    diameter are known far better than the pore fraction of a cold-pressed pellet.

    Examples
    --------
    >>> round(float(pellet_thickness_uncertainty_cm(0.0765, 0.2, 0.05)), 5)
    0.00478
    """
    return np.asarray(thickness_cm) * np.asarray(porosity_std) / (1.0 - np.asarray(porosity))


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
    r_b = resistance_from_conductivity_ohm(thickness_cm, area_cm2, bulk_conductivity_s_per_cm)
    c_g = geometric_capacitance_f(np.asarray(thickness_cm) * 1e7, area_cm2, relative_permittivity)
    z_gb = grain_boundary_resistance_ohm / (1.0 + grain_boundary_resistance_ohm * grain_boundary_q_f
                                            * (1j * omega) ** grain_boundary_alpha)
    return (1j * omega * lead_inductance_h + lead_resistance_ohm + rc_parallel_impedance_ohm(frequency_hz, r_b, c_g)
            + z_gb + cpe_impedance_ohm(frequency_hz, electrode_q_f, electrode_alpha))
