"""Cell-level specific energy of an all-solid-state Li–S cell: a stack model (Fig. 4b, Tab. S2).

The paper estimates the energy density "following the approach" of C. Li et
al., J. Power Sources 326 (2016) 1 (its ref. 3; the text says "Ref. 5", which is
another paper) with the parameters of its Tab. S2, which is not available. The
equations of Li et al. were not available to us either, so this module writes
the usual stack model out in full, per unit electrode area:

* composite cathode of areal mass ``m`` (the paper's "cathode loading"),
  with a mass fraction ``f_S`` of sulfur, the rest solid electrolyte and carbon;
  it delivers ``Q = m · f_S · u · 1672 mAh/g`` at an average voltage ``V``
  (``u``: sulfur utilisation);
* Li metal anode holding ``Q · (1 + excess)`` at 3861 mAh/g;
* the LPS membrane, ``ρ_SE · L``;
* current collectors (areal masses; a Li foil anode may be its own collector);
* optionally packaging, as a fraction ``p`` of the total cell mass.

Specific energy ``E = Q·V·(1 − p) / (m + m_Li + ρ_SE·L + m_cc)`` (Wh/kg when Q·V
is in mWh/cm² and masses are in mg/cm², times 1000). Because ``Q`` and
``m_Li`` are proportional to ``m``, ``E(m) = A m / (B m + C)`` with
``A = f_S·u·Q_S·V·(1 − p)``, ``B = 1 + f_S·u·Q_S·(1 + excess)/Q_Li``,
``C = ρ_SE·L + m_cc``: the loading that reaches a target ``E*`` is closed-form,
``m* = E*·C / (A − E*·B)``, and does not exist when ``E* ≥ A/B`` (the limit of
an infinitely thick cathode).

Every parameter and its source is in ``data/paper/assumptions.yaml``
(``energy.*``); :func:`lpsrepro.sections.performance.stack_from_ledger` reads
them (this module does not read the ledger).

Beside Wh/kg: the areal capacity ``Q`` (mAh/cm²) and the volumetric energy
density (Wh/L) of the same stack, with the layer thicknesses from the areal
masses and densities (:func:`stack_thickness_um`).

Reading of "loading". The paper writes "cathode loading"; the model reads it as
the areal mass of the composite cathode. The other reading, the areal mass of
sulfur, is ``m_S = f_S · m`` (:func:`sulfur_loading_mg_cm2`); both are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import xarray as xr

from lpsrepro.errors import ParameterError

#: Theoretical capacities from Faraday's law: S → Li2S (2 e⁻ per 32.06 g), Li metal (1 e⁻ per 6.94 g).
SULFUR_CAPACITY_MAH_PER_G = 1672.0
LITHIUM_CAPACITY_MAH_PER_G = 3861.0


def layer_areal_mass_mg_cm2(density_g_cm3, thickness_um):
    """Areal mass of a uniform layer, mg/cm²: ``ρ · L`` (1 µm of 1 g/cm³ is 0.1 mg/cm²)."""
    return density_g_cm3 * thickness_um * 1e-4 * 1e3          # g/cm³ · cm → g/cm² → mg/cm²


def layer_thickness_um(areal_mass_mg_cm2, density_g_cm3):
    """Thickness of a uniform layer from its areal mass, µm: ``m / ρ``, the inverse of :func:`layer_areal_mass_mg_cm2`."""
    return 10.0 * areal_mass_mg_cm2 / density_g_cm3           # (mg/cm²)/(g/cm³) = 10 µm


@dataclass(frozen=True)
class LiSStack:
    """Inputs of the stack model, with units in the names.

    ``lithium_excess`` is the Li beyond what the cathode uses, as a fraction of
    it (1.0 = twice the needed Li, "N/P = 2").
    """

    sulfur_fraction: float
    sulfur_utilisation: float
    average_voltage_v: float
    lithium_excess: float
    electrolyte_density_g_cm3: float
    cathode_collector_mg_cm2: float
    anode_collector_mg_cm2: float
    packaging_fraction: float = 0.0

    def __post_init__(self):
        checks = {
            "sulfur_fraction": (self.sulfur_fraction, 0.0, 1.0, "a mass fraction in (0, 1]"),
            "sulfur_utilisation": (self.sulfur_utilisation, 0.0, 1.0, "a fraction in (0, 1]"),
            "average_voltage_v": (self.average_voltage_v, 0.0, 5.0, "a voltage in V in (0, 5]"),
        }
        for name, (value, low, high, expected) in checks.items():
            if not (np.isfinite(value) and low < value <= high):
                raise ParameterError(name, value, expected)
        for name in ("lithium_excess", "cathode_collector_mg_cm2", "anode_collector_mg_cm2"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ParameterError(name, value, "a number ≥ 0")
        if not (np.isfinite(self.electrolyte_density_g_cm3) and self.electrolyte_density_g_cm3 > 0):
            raise ParameterError("electrolyte_density_g_cm3", self.electrolyte_density_g_cm3,
                                 "a positive density in g/cm³, such as 1.87")
        if not (np.isfinite(self.packaging_fraction) and 0 <= self.packaging_fraction < 1):
            raise ParameterError("packaging_fraction", self.packaging_fraction, "a mass fraction in [0, 1)")

    def with_values(self, **changes) -> "LiSStack":
        """A copy with some inputs changed (validated again)."""
        return replace(self, **changes)

    # lumped constants of E(m) = A m / (B m + C); masses in mg/cm², energy in mWh/cm²
    @property
    def energy_per_cathode_mass_mwh_per_mg(self) -> float:
        """A: delivered energy per mg of composite cathode, after packaging, mWh/mg."""
        return (self.sulfur_fraction * self.sulfur_utilisation * SULFUR_CAPACITY_MAH_PER_G / 1000.0
                * self.average_voltage_v * (1.0 - self.packaging_fraction))

    @property
    def mass_per_cathode_mass(self) -> float:
        """B: mg of cathode + Li anode per mg of composite cathode."""
        return 1.0 + (self.sulfur_fraction * self.sulfur_utilisation * SULFUR_CAPACITY_MAH_PER_G
                      * (1.0 + self.lithium_excess) / LITHIUM_CAPACITY_MAH_PER_G)

    def fixed_mass_mg_cm2(self, membrane_thickness_um):
        """C: membrane + collectors, mg/cm² (array over thickness)."""
        thickness = _non_negative("membrane_thickness_um", membrane_thickness_um)
        return (layer_areal_mass_mg_cm2(self.electrolyte_density_g_cm3, thickness)
                + self.cathode_collector_mg_cm2 + self.anode_collector_mg_cm2)

    @property
    def energy_limit_wh_kg(self) -> float:
        """A/B: the specific energy of an infinitely thick cathode, Wh/kg."""
        return 1000.0 * self.energy_per_cathode_mass_mwh_per_mg / self.mass_per_cathode_mass


def _non_negative(name, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ParameterError(name, value, "finite numbers ≥ 0")
    return arr


def specific_energy_wh_kg(cathode_loading_mg_cm2, membrane_thickness_um, stack: LiSStack):
    """Cell-level specific energy, Wh/kg; numpy broadcasting over loading and thickness."""
    m = _non_negative("cathode_loading_mg_cm2", cathode_loading_mg_cm2)
    a, b = stack.energy_per_cathode_mass_mwh_per_mg, stack.mass_per_cathode_mass
    c = stack.fixed_mass_mg_cm2(membrane_thickness_um)
    return 1000.0 * a * m / (b * m + c)


def specific_energy_grid(cathode_loading_mg_cm2, membrane_thickness_um, stack: LiSStack) -> xr.DataArray:
    """Specific energy on a loading × thickness grid, as a labelled DataArray."""
    loading = np.atleast_1d(np.asarray(cathode_loading_mg_cm2, dtype=float))
    thickness = np.atleast_1d(np.asarray(membrane_thickness_um, dtype=float))
    values = specific_energy_wh_kg(loading[np.newaxis, :], thickness[:, np.newaxis], stack)
    return xr.DataArray(
        values, dims=("membrane_thickness", "cathode_loading"),
        coords={"membrane_thickness": ("membrane_thickness", thickness, {"units": "um", "long_name": "membrane thickness"}),
                "cathode_loading": ("cathode_loading", loading, {"units": "mg/cm**2", "long_name": "cathode loading"})},
        attrs={"units": "W*h/kg", "long_name": "cell-level specific energy"})


def loading_for_energy_mg_cm2(target_wh_kg: float, membrane_thickness_um, stack: LiSStack):
    """Cathode loading (mg/cm²) at which the cell reaches ``target_wh_kg``.

    Closed-form inverse of :func:`specific_energy_wh_kg`; ``inf`` where the
    target is at or above the stack's limit :attr:`LiSStack.energy_limit_wh_kg`.
    """
    if not (np.isfinite(target_wh_kg) and target_wh_kg > 0):
        raise ParameterError("target_wh_kg", target_wh_kg, "a positive specific energy in Wh/kg")
    e = target_wh_kg / 1000.0
    a, b = stack.energy_per_cathode_mass_mwh_per_mg, stack.mass_per_cathode_mass
    c = stack.fixed_mass_mg_cm2(membrane_thickness_um)
    denominator = a - e * b
    with np.errstate(divide="ignore"):
        return np.where(denominator > 0, e * c / np.where(denominator > 0, denominator, 1.0), np.inf)


def loadings_for_energy_mg_cm2(target_wh_kg: float, membrane_thicknesses_um, stack: LiSStack) -> dict[float, float]:
    """:func:`loading_for_energy_mg_cm2` for each membrane thickness (µm): thickness → loading, mg/cm²."""
    return {float(t): float(loading_for_energy_mg_cm2(target_wh_kg, t, stack)) for t in membrane_thicknesses_um}


def sulfur_loading_mg_cm2(cathode_loading_mg_cm2, stack: LiSStack):
    """Sulfur per area in a composite cathode of the given loading, mg/cm²."""
    return np.asarray(cathode_loading_mg_cm2, dtype=float) * stack.sulfur_fraction


def implied_lumped_constants(loading_1_mg_cm2: float, thickness_1_um: float, loading_2_mg_cm2: float,
                             thickness_2_um: float, target_wh_kg: float,
                             electrolyte_density_g_cm3: float) -> dict[str, float]:
    """What two (loading, thickness) pairs on the same iso-energy line say about the stack.

    From ``A m_i = E*(B m_i + C_0 + ρ L_i)`` for i = 1, 2 follow the net energy
    per cathode mass ``A − E* B`` and the thickness-independent inactive mass
    ``C_0`` (collectors, packaging) that the pair implies — whatever the
    individual inputs were. Used to compare our assumed stack with the one the
    paper's two numbers require.
    """
    e = target_wh_kg / 1000.0
    rho_mg_per_cm2_um = layer_areal_mass_mg_cm2(electrolyte_density_g_cm3, 1.0)   # per µm of membrane
    net = e * rho_mg_per_cm2_um * (thickness_2_um - thickness_1_um) / (loading_2_mg_cm2 - loading_1_mg_cm2)
    fixed = net * loading_1_mg_cm2 / e - rho_mg_per_cm2_um * thickness_1_um
    return {"net_energy_per_cathode_mass_mwh_per_mg": net, "fixed_mass_mg_cm2": fixed}


def areal_capacity_mah_cm2(cathode_loading_mg_cm2, stack: LiSStack):
    """Delivered areal capacity ``Q = m · f_S · u · 1672 mAh/g``, mAh/cm²."""
    m = _non_negative("cathode_loading_mg_cm2", cathode_loading_mg_cm2)
    return m * 1e-3 * stack.sulfur_fraction * stack.sulfur_utilisation * SULFUR_CAPACITY_MAH_PER_G


def lithium_anode_mg_cm2(cathode_loading_mg_cm2, stack: LiSStack):
    """Areal mass of the Li metal anode, mg/cm²: it holds ``Q · (1 + excess)`` at 3861 mAh/g."""
    return areal_capacity_mah_cm2(cathode_loading_mg_cm2, stack) * (1.0 + stack.lithium_excess) \
        / LITHIUM_CAPACITY_MAH_PER_G * 1e3


def stack_thickness_um(cathode_loading_mg_cm2, membrane_thickness_um, stack: LiSStack, *,
                       cathode_density_g_cm3: float, collector_density_g_cm3: float,
                       lithium_density_g_cm3: float = 0.534):
    """Thickness of the stack (cathode + Li + membrane + collectors), µm; mass / density per layer."""
    if not (cathode_density_g_cm3 > 0 and collector_density_g_cm3 > 0 and lithium_density_g_cm3 > 0):
        raise ParameterError("cathode_density_g_cm3", cathode_density_g_cm3, "positive densities in g/cm³")
    m = _non_negative("cathode_loading_mg_cm2", cathode_loading_mg_cm2)
    thickness = _non_negative("membrane_thickness_um", membrane_thickness_um)
    li_mg = lithium_anode_mg_cm2(m, stack)
    collectors_mg = stack.cathode_collector_mg_cm2 + stack.anode_collector_mg_cm2
    return (layer_thickness_um(m, cathode_density_g_cm3) + layer_thickness_um(li_mg, lithium_density_g_cm3)
            + thickness + layer_thickness_um(collectors_mg, collector_density_g_cm3))


def volumetric_energy_wh_l(cathode_loading_mg_cm2, membrane_thickness_um, stack: LiSStack, *,
                           cathode_density_g_cm3: float, collector_density_g_cm3: float):
    """Energy per stack volume, Wh/L (packaging excluded from the volume, as from nothing else)."""
    q = areal_capacity_mah_cm2(cathode_loading_mg_cm2, stack)
    energy_mwh_cm2 = q * stack.average_voltage_v * (1.0 - stack.packaging_fraction)
    t_cm = stack_thickness_um(cathode_loading_mg_cm2, membrane_thickness_um, stack,
                              cathode_density_g_cm3=cathode_density_g_cm3,
                              collector_density_g_cm3=collector_density_g_cm3) * 1e-4
    return energy_mwh_cm2 / t_cm       # mWh/cm³ = Wh/L


def mass_breakdown_mg_cm2(cathode_loading_mg_cm2: float, membrane_thickness_um: float,
                          stack: LiSStack) -> dict[str, float]:
    """Areal mass of each part of the stack, mg/cm² (packaging as its share of the total)."""
    m = float(cathode_loading_mg_cm2)
    li_mg = float(lithium_anode_mg_cm2(m, stack))
    parts = {"composite cathode": m, "Li anode": li_mg,
             "LPS membrane": layer_areal_mass_mg_cm2(stack.electrolyte_density_g_cm3, membrane_thickness_um),
             "cathode collector": stack.cathode_collector_mg_cm2, "anode collector": stack.anode_collector_mg_cm2}
    stack_mass = sum(parts.values())
    parts["packaging"] = stack_mass * stack.packaging_fraction / (1.0 - stack.packaging_fraction)
    return parts


def loading_band_mg_cm2(target_wh_kg: float, membrane_thickness_um: float, stack: LiSStack,
                        ranges: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Loading for ``target_wh_kg`` with each input moved alone to the ends of its range.

    ``ranges`` maps :class:`LiSStack` field names to (low, high); returns field → (loading at
    low, loading at high), mg/cm² (``inf`` where the target is out of reach).
    """
    out = {}
    for name, (low, high) in ranges.items():
        out[name] = tuple(float(loading_for_energy_mg_cm2(target_wh_kg, membrane_thickness_um,
                                                          stack.with_values(**{name: v}))) for v in (low, high))
    return out
