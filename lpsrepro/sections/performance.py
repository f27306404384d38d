"""§3.3 Performance of the membrane (notebook 33): Fig. 4a–c, 5a–b, Tab. S1, S2.

The one place where the ledger's §3.3 entries become inputs (:meth:`Params.from_ledger`,
:func:`stack_from_ledger`) and where the technique functions are composed into what the
section measures (:func:`run`):

* **membranes** (Fig. 4a, Tab. S1) — the literature table, ASR = L/σ, and the thickness ratio
  against every cited membrane whose thickness is known or bounded
  (:func:`lpsrepro.analysis.membranes.thickness_reduction`);
* **energy** (Fig. 4b, Tab. S2) — the Li–S stack model (:mod:`lpsrepro.models.energy`): the
  loading for the target energy, its band over the ledger's ranges, mAh/cm² and Wh/L, and the
  collector bookkeeping;
* **plating** (Fig. 4c) — plateaus, window and charge of the chronopotentiogram
  (:mod:`lpsrepro.analysis.cycling`), Faraday's law on the film and the dense-layer thickness
  from crystal volumes (:mod:`lpsrepro.models.li_au`);
* **cell** (Fig. 5a, 5b) — capacities, CE and plateaus per cycle, the Li inventory, and a test of
  two fade mechanisms (rising polarisation vs loss of accessible LiFePO4) on the data.

Each of the four parts is contained: a file that cannot be read or analysed makes that
part's numbers ``failed_quality`` with the reason in the user's words, and the other parts run
(issue 9). :func:`run` reads only the files named in ``params``; no ledger, no published value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import xarray as xr

from lpsrepro import paths
from lpsrepro.analysis import cycling, membranes
from lpsrepro.errors import InputFileError, ParameterError
from lpsrepro.models import cells, energy, li_au
from lpsrepro.models.galvanostatic import ohmic_drop_v
from lpsrepro.sections import Number, SectionParams
from lpsrepro.units import field_unit, format_number

#: Fields of :class:`energy.LiSStack` and their ledger keys (units as the field names say: :func:`field_unit`).
STACK_LEDGER = {
    "sulfur_fraction": "energy.sulfur_fraction",
    "sulfur_utilisation": "energy.sulfur_utilisation",
    "average_voltage_v": "energy.average_voltage",
    "lithium_excess": "energy.lithium_excess",
    "electrolyte_density_g_cm3": "energy.electrolyte_density",
    "cathode_collector_mg_cm2": "energy.cathode_collector_mass",
    "anode_collector_mg_cm2": "energy.anode_collector_mass",
    "packaging_fraction": "energy.packaging_fraction",
}

#: A 6-µm Cu foil, mg/cm² (8.96 g/cm³, CRC Handbook), for the collector bookkeeping of Tab. S2.
CU_FOIL_6UM_MG_CM2 = 6e-4 * 8.96 * 1e3


def stack_from_ledger(**overrides) -> energy.LiSStack:
    """The Li–S stack with every input from ``data/paper/assumptions.yaml`` (``energy.*``)."""
    from lpsrepro import ledger

    values = {name: ledger.value(key, field_unit(name)) for name, key in STACK_LEDGER.items()}
    values.update(overrides)
    return energy.LiSStack(**values)


def stack_ranges() -> dict[str, tuple[float, float]]:
    """The ledger's range of every stack input that has one (field → (low, high))."""
    from lpsrepro import ledger
    from lpsrepro.units import convert

    out = {}
    for name, key in STACK_LEDGER.items():
        entry = ledger.get(key)
        if entry.range:
            out[name] = tuple(convert(float(v), entry.unit, field_unit(name), what=key) for v in entry.range)
    return out


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class Params(SectionParams):
    """Inputs of §3.3. Units are in the field names; the ledger key of each default is in ``LEDGER``.

    Files: ``membranes_file`` (literature table, Tab. S1), ``plating_file`` (Li plating on Au,
    cycler CSV or BioLogic .mpr), ``lfp_file`` (LiFePO4 cell). ``current_sign`` is 1 when positive
    current is anodic at the working electrode, -1 otherwise. ``plating_v_range_v`` and
    ``lfp_v_range_v`` are the voltage windows in which plateaus are looked for (V).
    ``stack_ranges`` holds the ledger's ranges of the stack inputs (for the band of Fig. 4b).
    """

    membranes_file: str
    plating_file: str
    lfp_file: str
    current_sign: int = 1
    plating_area_cm2: float = 0.5
    au_thickness_nm: float = 85.0
    plating_current_density_ua_cm2: float = 65.0
    plating_stack_resistance_ohm_cm2: float = 150.0
    dft_volume_scale: float = 0.97
    dft_volume_scale_range: tuple[float, float] = (0.94, 1.0)
    lfp_area_cm2: float = 0.5
    lfp_loading_mg_cm2: float = 0.5
    preplated_uah_cm2: float = 37.5
    lfp_voltage_noise_v: float = 0.0005
    cycles_to_passivate: float = 6.0
    lfp_current_density_ua_cm2: float = 25.0
    lfp_first_resistance_ohm_cm2: float = 1200.0
    formation_loss_fraction: float = 0.3
    plating_v_range_v: tuple[float, float] = (0.0, 0.6)
    lfp_v_range_v: tuple[float, float] = (2.7, 3.6)
    membrane_thicknesses_um: tuple[float, ...] = (1.0, 10.0, 30.0)
    target_wh_kg: float = 400.0
    sulfur_fraction: float = 0.4
    sulfur_utilisation: float = 0.8
    average_voltage_v: float = 2.1
    lithium_excess: float = 1.0
    electrolyte_density_g_cm3: float = 1.85
    cathode_collector_mg_cm2: float = 2.7
    anode_collector_mg_cm2: float = 0.0
    packaging_fraction: float = 0.0
    cathode_density_g_cm3: float = 2.0
    collector_density_g_cm3: float = 2.7
    stack_ranges: tuple[tuple[str, float, float], ...] = ()

    LEDGER: ClassVar[dict[str, str]] = {
        "plating_area_cm2": "plating.electrode_area", "au_thickness_nm": "membrane.gold_thickness",
        "plating_current_density_ua_cm2": "plating.current_density",
        "plating_stack_resistance_ohm_cm2": "plating.stack_resistance",
        "dft_volume_scale": "plating.dft_volume_scale",
        "lfp_area_cm2": "lfp.electrode_area", "lfp_loading_mg_cm2": "lfp.active_loading",
        "preplated_uah_cm2": "lfp.preplated_charge", "lfp_voltage_noise_v": "lfp.voltage_noise",
        "cycles_to_passivate": "lfp.cycles_to_passivate", "formation_loss_fraction": "lfp.formation_loss_fraction",
        "lfp_current_density_ua_cm2": "lfp.current_density", "lfp_first_resistance_ohm_cm2": "lfp.first_resistance",
        "target_wh_kg": "energy.target_specific_energy",
        "cathode_density_g_cm3": "energy.cathode_density", "collector_density_g_cm3": "energy.collector_density",
        **STACK_LEDGER,
    }
    #: claim id → the file parameters its number is computed from (see :mod:`lpsrepro.sections`)
    FILES_OF: ClassVar[dict[str, tuple]] = {
        "membrane_thickness_range": (), "thickness_reduction_factor": ("membranes_file",),
        "densifying_pressure_this_work": (), "li_s_loading_400whkg_1um": (), "li_s_loading_400whkg_30um": (),
        **{cid: ("plating_file",) for cid in ("li2au_plateau_voltage", "li3au_plateau_voltage", "li3au_plateau_start",
                                              "li3au_plateau_end", "li_plating_capacity",
                                              "au_layer_thickness_after_plating")},
        **{cid: ("lfp_file",) for cid in ("lfp_discharge_plateau_high", "lfp_discharge_plateau_low",
                                          "lfp_initial_discharge_capacity", "lfp_discharge_capacity_cycle20",
                                          "lfp_initial_coulombic_efficiency", "lfp_coulombic_efficiency_cycle20")},
    }

    @classmethod
    def from_ledger(cls) -> "Params":
        """Defaults: the bundled data files and the ledger's values."""
        from lpsrepro import ledger

        values: dict[str, Any] = {name: ledger.value(key, field_unit(name)) for name, key in cls.LEDGER.items()}
        scale = ledger.get("plating.dft_volume_scale")
        values["dft_volume_scale_range"] = tuple(float(v) for v in (scale.range or (scale.value, scale.value)))
        values["stack_ranges"] = tuple((name, lo, hi) for name, (lo, hi) in stack_ranges().items())
        return cls(membranes_file=str(paths.DATA / "literature" / "sulfide_membranes.csv"),
                   plating_file=str(paths.RAW / "li_plating_au_65uA.csv"),
                   lfp_file=str(paths.RAW / "lfp_cell_cycling.csv"), **values)

    @property
    def lfp_active_mass_mg(self) -> float:
        """LiFePO4 on the cell's electrode, mg: loading (mg/cm²) × electrode area (cm²)."""
        return self.lfp_loading_mg_cm2 * self.lfp_area_cm2

    def stack(self) -> energy.LiSStack:
        """The :class:`energy.LiSStack` of these parameters (validated there)."""
        return energy.LiSStack(**{name: getattr(self, name) for name in STACK_LEDGER})

    def check(self) -> None:
        """Refuse impossible values with one message naming the parameter (before any work)."""
        from lpsrepro import params as checks

        if self.current_sign not in (1, -1):
            raise ParameterError("current_sign", self.current_sign, "1 or -1")
        for name in ("plating_area_cm2", "au_thickness_nm", "plating_current_density_ua_cm2", "lfp_area_cm2",
                     "lfp_loading_mg_cm2", "preplated_uah_cm2", "target_wh_kg", "cathode_density_g_cm3",
                     "collector_density_g_cm3"):
            checks.positive(name, getattr(self, name), example=1)
        if not self.membrane_thicknesses_um or not all(t > 0 for t in self.membrane_thicknesses_um):
            raise ParameterError("membrane_thicknesses_um", self.membrane_thicknesses_um,
                                 "a list of positive thicknesses in um, such as [1.0, 30.0]")
        self.stack()


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class MembraneResult:
    """Fig. 4a / Tab. S1: the table with derived columns and the thickness comparisons."""

    table: pd.DataFrame
    comparison: membranes.ThicknessComparison          # every cited membrane with a thickness or a bound
    verified_only: membranes.ThicknessComparison       # only rows with a stated thickness


@dataclass(frozen=True)
class EnergyResult:
    """Fig. 4b / Tab. S2: the stack model's answers for each membrane thickness."""

    stack: energy.LiSStack
    thicknesses_um: tuple[float, ...]
    target_wh_kg: float
    needed_mg_cm2: dict[float, float]                 # composite-cathode loading for the target
    sulfur_needed_mg_cm2: dict[float, float]          # the same read as sulfur loading
    capacity_needed_mah_cm2: dict[float, float]
    wh_l_needed: dict[float, float]
    band_mg_cm2: dict[float, tuple[float, float]]     # one-at-a-time envelope over the ledger ranges
    band_by_input: dict[float, dict[str, tuple[float, float]]]
    ranges: dict[str, tuple[float, float]]
    bookkeeping: list[dict[str, Any]]                 # Tab. S2 collector variants
    cathode_density_g_cm3: float
    collector_density_g_cm3: float
    curves: xr.DataArray                              # Wh/kg over thickness × loading
    band_curves: xr.Dataset                           # low/high Wh/kg over the same grid
    volumetric: xr.DataArray                          # Wh/L over the same grid
    capacity_per_cathode_mah_per_mg: float            # mAh/cm² per mg/cm² of composite cathode


@dataclass(frozen=True)
class PlatingResult:
    """Fig. 4c: the lithiation trace, its plateaus and what Faraday's law and crystal volumes make of it."""

    source: str
    failure: str = ""
    provenance: str = ""
    time_s: np.ndarray = field(default_factory=lambda: np.zeros(0))
    voltage_v: np.ndarray = field(default_factory=lambda: np.zeros(0))
    plateaus: tuple = ()
    second_window_s: tuple[float, float] = (np.nan, np.nan)
    capacity_uah_cm2: float = np.nan
    charge_per_li_uah_cm2: float = np.nan
    li_per_au_total: float = np.nan
    li_per_au_at_second: float = np.nan
    dense_layer_nm: tuple[float, float, float] = (np.nan, np.nan, np.nan)   # mid, low, high
    additive_layer_nm: float = np.nan
    li3au_layer_nm: float = np.nan
    predicted_plateaus_v: tuple[float, float] = (np.nan, np.nan)            # δ, AuLi3 (Hejazi) − j·R
    dtdv: tuple = ()                                                        # (V, s/V) the plateaus were found in


@dataclass(frozen=True)
class CellResult:
    """Fig. 5a, 5b: capacities per cycle, plateaus, the Li inventory and the fade test."""

    source: str
    failure: str = ""
    data: xr.Dataset | None = None
    capacities: xr.Dataset | None = None
    cycles: tuple[int, ...] = ()
    first_discharge_cycle: int = 0
    first_ce_cycle: int = 0
    last_cycle: int = 0
    plateaus: tuple = ()
    upper_share: dict[int, float] = field(default_factory=dict)
    inventory: dict[str, float] = field(default_factory=dict)
    voltage_gap_v: np.ndarray = field(default_factory=lambda: np.zeros(0))   # mean charge − mean discharge V
    fade_test: dict[str, Any] = field(default_factory=dict)
    cathode_capacity_uah_cm2: float = np.nan
    dqdv: tuple = ()                                                        # (V, mAh/g per V), first discharge
    active_mass_mg: float = np.nan                                          # LiFePO4 on the electrode, mg


@dataclass(frozen=True)
class PerformanceResult:
    """Everything §3.3 draws and records."""

    params: Params
    membranes: MembraneResult
    energy: EnergyResult
    plating: PlatingResult
    cell: CellResult

    def numbers(self) -> dict[str, Number]:
        """Every measured (or calibrated-and-recovered) number of §3.3, by claim id."""
        out: dict[str, Number] = {}
        c = self.membranes.comparison
        out["thickness_reduction_factor"] = Number(
            c.ratio, "dimensionless",
            note=(f"thinnest cited membrane (ref. {c.thinnest_ref}, {c.thinnest_other_um:g} um"
                  f"{', an upper bound' if c.thinnest_is_bound else ''}) / this work's {c.this_work_um:g} um; "
                  f"{self.membranes.verified_only.ratio:.0f} against stated thicknesses only (ref. "
                  f"{self.membranes.verified_only.thinnest_ref})"))
        out.update(self._plating_numbers())
        out.update(self._cell_numbers())
        return out

    def predictions(self) -> dict[str, Number]:
        """Numbers predicted from cited literature inputs, not from data calibrated to them (issue 10 §6)."""
        p = self.plating
        out: dict[str, Number] = {}
        if not p.failure:
            mid, low, high = p.dense_layer_nm
            out["au_layer_thickness_after_plating"] = Number(
                mid, "nm", uncertainty=(high - low) / 2,
                note="dense Li-Au layer from the measured charge and crystal-structure volumes (Au; Li15Au4 "
                     "mp-567395); the range is the DFT volume correction")
        e = self.energy
        if e.target_wh_kg == _TARGET_OF_CLAIMS:
            for thickness, claim in ((1.0, "li_s_loading_400whkg_1um"), (30.0, "li_s_loading_400whkg_30um")):
                if thickness in e.needed_mg_cm2:
                    out[claim] = Number(e.needed_mg_cm2[thickness], "mg/cm**2",
                                        note="closed-form inverse of the stack model with the ledger's literature "
                                             "inputs (composite-cathode loading; not fitted to the paper)")
        delta, li3au = p.predicted_plateaus_v
        note = ("Hejazi et al. 2024 (doi:10.1149/1945-7111/ad3f54) first-lithiation potential minus j*R of the "
                "ledger's stack; +-0.02 V for their spread with rate and temperature")
        out["li2au_plateau_voltage"] = Number(delta, "V", uncertainty=0.02, note=note)
        out["li3au_plateau_voltage"] = Number(li3au, "V", uncertainty=0.02, note=note)
        (high, high_u), (low, low_u) = lfp_plateaus_from_dealloying(self.params)
        note = ("LiFePO4 3.42 V (ref. 43) minus the Li-Au de-alloying potentials of Hejazi et al. 2024 (AuLi3/delta "
                "0.15 V, next step near 0.3 V) minus j*R of the ledger's first-cycle resistance")
        out["lfp_discharge_plateau_high"] = Number(high, "V", uncertainty=high_u, note=note)
        out["lfp_discharge_plateau_low"] = Number(low, "V", uncertainty=low_u, note=note)
        return out

    def _plating_numbers(self) -> dict[str, Number]:
        p = self.plating
        ids = {"li2au_plateau_voltage": "V", "li3au_plateau_voltage": "V", "li3au_plateau_start": "s",
               "li3au_plateau_end": "s", "li_plating_capacity": "uA*h/cm**2"}
        if p.failure:
            return {k: Number(np.nan, u, failed_quality=p.failure) for k, u in ids.items()}
        first, second = p.plateaus
        return {
            "li2au_plateau_voltage": Number(first.voltage_v, "V", first.half_width_v,
                                            note="peak of dt/dV (time-weighted voltage histogram)"),
            "li3au_plateau_voltage": Number(second.voltage_v, "V", second.half_width_v, note="peak of dt/dV"),
            "li3au_plateau_start": Number(p.second_window_s[0], "s",
                                          note="crossing of the midpoint between the two plateaus"),
            "li3au_plateau_end": Number(p.second_window_s[1], "s",
                                        note="last record on the second plateau (the end of the test)"),
            "li_plating_capacity": Number(p.capacity_uah_cm2, "uA*h/cm**2",
                                          note="trapezoidal integral of the current / electrode area"),
        }

    def _cell_numbers(self) -> dict[str, Number]:
        c = self.cell
        ids = {"lfp_initial_discharge_capacity": "mA*h/g", "lfp_discharge_capacity_cycle20": "mA*h/g",
               "lfp_initial_coulombic_efficiency": "percent", "lfp_coulombic_efficiency_cycle20": "percent",
               "lfp_discharge_plateau_high": "V", "lfp_discharge_plateau_low": "V"}
        if c.failure:
            return {k: Number(np.nan, u, failed_quality=c.failure) for k, u in ids.items()}
        cap = c.capacities
        first, first_ce, last = c.first_discharge_cycle, c.first_ce_cycle, c.last_cycle
        short = (f"the file ends at cycle {last}; the claim is about cycle {_CYCLE_OF_CLAIMS}"
                 if last < _CYCLE_OF_CLAIMS else "")
        out = {
            "lfp_initial_discharge_capacity": _specific_capacity(
                float(cap.sel(cycle=first).specific_discharge_capacity), c.active_mass_mg,
                note=f"integral of the discharge current of cycle {first} / LiFePO4 mass"),
            "lfp_discharge_capacity_cycle20": _specific_capacity(
                float(cap.sel(cycle=last).specific_discharge_capacity), c.active_mass_mg,
                note=f"the same for cycle {last}", failed_quality=short),
            "lfp_coulombic_efficiency_cycle20": Number(
                float(cap.sel(cycle=last).coulombic_efficiency), "percent",
                note=f"discharge / charge of cycle {last}", failed_quality=short),
        }
        if first_ce:
            out["lfp_initial_coulombic_efficiency"] = Number(
                float(cap.sel(cycle=first_ce).coulombic_efficiency), "percent",
                note=f"discharge / charge of cycle {first_ce}, the first cycle with both")
        else:
            out["lfp_initial_coulombic_efficiency"] = Number(
                np.nan, "percent", failed_quality="no cycle of the file has both a charge and a discharge")
        if len(c.plateaus) == 2:
            for claim, p in zip(("lfp_discharge_plateau_high", "lfp_discharge_plateau_low"), c.plateaus):
                out[claim] = Number(p.voltage_v, "V", p.half_width_v, note=f"peak of dQ/dV, discharge of cycle {first}")
        else:
            reason = (f"the discharge of cycle {first} shows {len(c.plateaus)} plateau(s) between "
                      f"{self.params.lfp_v_range_v[0]:g} and {self.params.lfp_v_range_v[1]:g} V, not two")
            out["lfp_discharge_plateau_high"] = Number(np.nan, "V", failed_quality=reason)
            out["lfp_discharge_plateau_low"] = Number(np.nan, "V", failed_quality=reason)
        return out


#: The claims registry's loadings are for 400 Wh/kg; other targets are explored, not recorded.
_TARGET_OF_CLAIMS = 400.0
#: The "cycle20" claims are about the 20th cycle (paper Fig. 5b); a shorter file cannot give them.
_CYCLE_OF_CLAIMS = 20
#: A specific capacity above LiFePO4's theoretical one by more than this fraction means the active mass
#: (loading × area) does not belong to the file: the weighing of a thin-film loading is not better than a few %.
_ABOVE_THEORETICAL_ALLOWED = 0.05


def _specific_capacity(value_mah_g: float, active_mass_mg: float, *, note: str, failed_quality: str = "") -> Number:
    """A LiFePO4 specific capacity (mAh/g), refused when it exceeds the theoretical capacity.

    One Li per LiFePO4 gives 169.9 mAh/g (:data:`lpsrepro.models.cells.LFP_CAPACITY_MAH_PER_G`,
    Padhi et al., J. Electrochem. Soc. 144 (1997) 1188); more than that is a wrong mass, not a result.
    """
    limit = cells.LFP_CAPACITY_MAH_PER_G * (1 + _ABOVE_THEORETICAL_ALLOWED)
    if not failed_quality and value_mah_g > limit:
        failed_quality = (f"{value_mah_g:.4g} mAh/g exceeds LiFePO4's theoretical {cells.LFP_CAPACITY_MAH_PER_G:g} mAh/g: "
                          f"the active mass {active_mass_mg:.3g} mg (lfp_loading_mg_cm2 × lfp_area_cm2) does not fit "
                          "this file")
    return Number(value_mah_g, "mA*h/g", note=note, failed_quality=failed_quality,
                  quality=(("theoretical_capacity_mah_per_g", cells.LFP_CAPACITY_MAH_PER_G),))


# --------------------------------------------------------------------------- the four parts
def lfp_plateaus_from_dealloying(p: Params) -> tuple[tuple[float, float], tuple[float, float]]:
    """Discharge plateaus of LiFePO4 | Li–Au predicted from literature potentials, ((V, u), (V, u)), upper first.

    A discharge de-alloys the anode, so the cell sits at U(LiFePO4) − U_dealloy − j·R: AuLi3 → δ at
    0.15 V, then the next de-alloying step near 0.3 V (Hejazi et al. 2024). Uncertainty: the spread of
    the de-alloying potentials (±0.01 V for the δ/AuLi3 step, which is the same on alloying; ±0.05 V
    for "near 0.3 V") and of j·R (the resistance is an assumption; ±j·R), added in quadrature.
    """
    ir = float(ohmic_drop_v(p.lfp_current_density_ua_cm2, p.lfp_first_resistance_ohm_cm2))
    dealloy = li_au.HEJAZI_DEALLOYING_V
    high = cells.LFP_PLATEAU_V - dealloy["Li3Au/delta"] - ir
    low = cells.LFP_PLATEAU_V - dealloy["delta/intermediate"] - ir
    return (high, float(np.hypot(0.01, ir))), (low, float(np.hypot(0.05, ir)))


def run_membranes(p: Params) -> MembraneResult:
    """Fig. 4a / Tab. S1."""
    from lpsrepro.io.literature import read_membrane_table

    table = membranes.with_derived_columns(read_membrane_table(paths.resolve(p.membranes_file)))
    return MembraneResult(table=table, comparison=membranes.thickness_reduction(table, include_bounds=True),
                          verified_only=membranes.thickness_reduction(table, include_bounds=False))


def run_energy(p: Params) -> EnergyResult:
    """Fig. 4b / Tab. S2."""
    stack = p.stack()
    ranges = {name: (lo, hi) for name, lo, hi in p.stack_ranges}
    thicknesses = tuple(float(t) for t in p.membrane_thicknesses_um)
    needed = energy.loadings_for_energy_mg_cm2(p.target_wh_kg, thicknesses, stack)
    dens = dict(cathode_density_g_cm3=p.cathode_density_g_cm3, collector_density_g_cm3=p.collector_density_g_cm3)
    band_by_input = {t: energy.loading_band_mg_cm2(p.target_wh_kg, t, stack, ranges) for t in thicknesses}
    band = {t: (min([needed[t]] + [v for pair in b.values() for v in pair]),
                max([needed[t]] + [v for pair in b.values() for v in pair])) for t, b in band_by_input.items()}
    curves, band_curves = energy_curves(stack, thicknesses, ranges)
    loading = curves["cathode_loading"].values
    volumetric = xr.DataArray(
        energy.volumetric_energy_wh_l(loading[np.newaxis, :], np.array(thicknesses)[:, np.newaxis], stack, **dens),
        dims=curves.dims, coords=curves.coords, attrs={"units": "W*h/L", "long_name": "stack energy density"})
    return EnergyResult(
        curves=curves, band_curves=band_curves, volumetric=volumetric,
        capacity_per_cathode_mah_per_mg=float(energy.areal_capacity_mah_cm2(1.0, stack)),
        stack=stack, thicknesses_um=thicknesses, target_wh_kg=p.target_wh_kg, needed_mg_cm2=needed,
        sulfur_needed_mg_cm2={t: float(energy.sulfur_loading_mg_cm2(m, stack)) for t, m in needed.items()},
        capacity_needed_mah_cm2={t: float(energy.areal_capacity_mah_cm2(m, stack)) if np.isfinite(m) else np.inf
                                 for t, m in needed.items()},
        wh_l_needed={t: float(energy.volumetric_energy_wh_l(m, t, stack, **dens)) if np.isfinite(m) else np.nan
                     for t, m in needed.items()},
        band_mg_cm2=band, band_by_input=band_by_input, ranges=ranges,
        bookkeeping=collector_bookkeeping(stack, p.target_wh_kg, thicknesses), **dens)


def energy_curves(stack: energy.LiSStack, thicknesses_um, ranges: dict[str, tuple[float, float]], *,
                  max_loading_mg_cm2: float = 12.0, points: int = 300) -> tuple[xr.DataArray, xr.Dataset]:
    """Wh/kg over thickness × loading, and its envelope with each input moved alone across its range."""
    loading = np.linspace(0.05, max_loading_mg_cm2, points)
    curves = energy.specific_energy_grid(loading, list(thicknesses_um), stack)
    moved = [energy.specific_energy_grid(loading, list(thicknesses_um), stack.with_values(**{name: v})).values
             for name, pair in ranges.items() for v in pair]
    stacked = np.stack([curves.values, *moved])
    band = xr.Dataset({"low": (curves.dims, stacked.min(axis=0), {"units": "W*h/kg"}),
                       "high": (curves.dims, stacked.max(axis=0), {"units": "W*h/kg"})}, coords=curves.coords)
    return curves, band


def collector_bookkeeping(stack: energy.LiSStack, target_wh_kg: float, thicknesses_um) -> list[dict[str, Any]]:
    """Tab. S2's bookkeeping: the loading for the target under four ways of counting the inactive mass."""
    variants = [
        ("ledger: 10-um Al, single-sided; Li foil as its own collector; no packaging", {}),
        ("Al shared by two cells (double-sided cathode)",
         {"cathode_collector_mg_cm2": stack.cathode_collector_mg_cm2 / 2}),
        ("+ 6-um Cu anode collector", {"anode_collector_mg_cm2": CU_FOIL_6UM_MG_CM2}),
        ("+ 6-um Cu and 15 % packaging", {"anode_collector_mg_cm2": CU_FOIL_6UM_MG_CM2, "packaging_fraction": 0.15}),
    ]
    rows = []
    for label, change in variants:
        s = stack.with_values(**change)
        rows.append({"variant": label, "collectors_mg_cm2": s.cathode_collector_mg_cm2 + s.anode_collector_mg_cm2,
                     "packaging_fraction": s.packaging_fraction,
                     **energy.loadings_for_energy_mg_cm2(target_wh_kg, thicknesses_um, s)})
    return rows


def run_plating(p: Params) -> PlatingResult:
    """Fig. 4c; raises InputFileError naming the file when the trace cannot be analysed."""
    from lpsrepro.io.cycler import read_cycler

    path = paths.resolve(p.plating_file)
    data = read_cycler(path, current_sign=p.current_sign)
    run = data.isel(record=np.flatnonzero(data["current"].values < 0))
    if run.sizes["record"] < 10:
        raise InputFileError(path, "no lithiation found", expected="at least 10 records with negative (cathodic) current")
    t = run["time"].values - run["time"].values[0]
    v = run["voltage"].values
    plateaus = cycling.voltage_plateaus(v, np.gradient(t), count=2, v_range=p.plating_v_range_v)
    inside = (v >= p.plating_v_range_v[0]) & (v <= p.plating_v_range_v[1])
    dtdv = cycling.incremental_capacity(v[inside], np.gradient(t)[inside], v_range=p.plating_v_range_v)
    if len(plateaus) < 2:
        raise InputFileError(path, f"{len(plateaus)} voltage plateau(s) found",
                             expected=f"two plateaus between {p.plating_v_range_v[0]:g} and {p.plating_v_range_v[1]:g} V")
    first, second = plateaus
    try:
        start = cycling.transition_time_s(t, v, first, second)
        end = cycling.plateau_window_s(t, v, second)[1]
    except ValueError as err:
        raise InputFileError(path, f"the voltage does not go from the plateau at {first.voltage_v:.3f} V to the one at "
                                   f"{second.voltage_v:.3f} V", expected="a trace that reaches both plateaus in turn") from err
    capacity = cycling.transferred_charge_ah(data) * 1e6 / p.plating_area_cm2
    per_li = li_au.charge_per_li_per_au_uah_cm2(p.au_thickness_nm)
    structures = paths.DATA / "structures"
    dense = tuple(float(li_au.dense_layer_thickness_nm(p.au_thickness_nm, capacity,
                                                       li_au.volume_line(structures, dft_volume_scale=s)))
                  for s in (p.dft_volume_scale, *p.dft_volume_scale_range))
    mid_line = li_au.volume_line(structures, dft_volume_scale=p.dft_volume_scale)
    ir_v = float(ohmic_drop_v(p.plating_current_density_ua_cm2, p.plating_stack_resistance_ohm_cm2))
    return PlatingResult(
        source=str(path), provenance=str(data.attrs.get("provenance", "")), time_s=t, voltage_v=v, plateaus=(first, second), second_window_s=(start, end),
        capacity_uah_cm2=capacity, charge_per_li_uah_cm2=per_li, li_per_au_total=capacity / per_li,
        li_per_au_at_second=float(li_au.li_per_au(capacity * start / float(t[-1]), p.au_thickness_nm)),
        dense_layer_nm=(dense[0], min(dense[1:]), max(dense[1:])),
        additive_layer_nm=li_au.alloy_layer_thickness_nm(p.au_thickness_nm, capacity),
        li3au_layer_nm=float(li_au.dense_layer_thickness_nm(p.au_thickness_nm, 3 * per_li, mid_line)),
        predicted_plateaus_v=(li_au.HEJAZI_ALLOYING_V["delta"] - ir_v, li_au.HEJAZI_ALLOYING_V["Li3Au"] - ir_v),
        dtdv=dtdv)


def data_label(part: PlatingResult) -> str:
    """Legend label of measured data: a stand-in says so, a user's file is named as theirs."""
    from pathlib import Path

    if "simulated" in part.provenance:
        return "data (simulated stand-in)"
    return f"your data ({Path(part.source).name})"


def _mean_voltage(part: xr.Dataset) -> float:
    """Charge-weighted mean voltage of a half cycle, V."""
    w = np.diff(np.concatenate([[0.0], part["passed_charge"].values]))
    return float(np.average(part["voltage"].values, weights=np.abs(w))) if np.abs(w).sum() > 0 else np.nan


def run_cell(p: Params) -> CellResult:
    """Fig. 5a, 5b; raises InputFileError naming the file when the cycling cannot be analysed."""
    from lpsrepro.io.cycler import read_cycler

    path = paths.resolve(p.lfp_file)
    data = read_cycler(path, current_sign=p.current_sign)
    mass_mg = p.lfp_active_mass_mg
    cap = cycling.capacities_by_cycle(data, area_cm2=p.lfp_area_cm2, active_mass_mg=mass_mg)
    cycled = cap.where((cap["cycle"] >= 1) & (cap["discharge_capacity"] > 0), drop=True)
    if cycled.sizes["cycle"] == 0:
        raise InputFileError(path, "no discharge found in cycles 1 and later",
                             expected="negative (cathodic at the LiFePO4) current in numbered cycles")
    cycles = tuple(int(n) for n in cycled["cycle"].values)
    with_both = [n for n in cycles if float(cycled.sel(cycle=n).charge_capacity) > 0]
    first, last = cycles[0], cycles[-1]
    discharge = cycling.half_cycle(data, first, "discharge")
    dq = np.diff(np.concatenate([[0.0], discharge["passed_charge"].values]))
    plateaus = tuple(cycling.voltage_plateaus(discharge["voltage"].values, dq, count=2, v_range=p.lfp_v_range_v))
    dv = discharge["voltage"].values
    inside = (dv >= p.lfp_v_range_v[0]) & (dv <= p.lfp_v_range_v[1])
    centres, density = cycling.incremental_capacity(dv[inside], dq[inside] * 1e6 / mass_mg, v_range=p.lfp_v_range_v)
    shares = {}
    if len(plateaus) == 2:
        mid = 0.5 * (plateaus[0].voltage_v + plateaus[1].voltage_v)
        for n in (first, last):
            d = cycling.half_cycle(data, n, "discharge")
            w = np.diff(np.concatenate([[0.0], d["passed_charge"].values]))
            shares[n] = float(w[d["voltage"].values > mid].sum() / w.sum())
    gap = np.array([_mean_voltage(cycling.half_cycle(data, n, "charge")) -
                    _mean_voltage(cycling.half_cycle(data, n, "discharge")) if n in with_both else np.nan
                    for n in cycles])
    cathode_total = p.lfp_loading_mg_cm2 * cells.LFP_CAPACITY_MAH_PER_G       # µAh/cm²
    return CellResult(
        source=str(path), data=data, capacities=cap, cycles=cycles, first_discharge_cycle=first,
        first_ce_cycle=with_both[0] if with_both else 0, last_cycle=last, plateaus=plateaus, upper_share=shares,
        inventory=lithium_inventory(cycled, cathode_total, p.preplated_uah_cm2), voltage_gap_v=gap,
        fade_test=fade_test(cycled, gap, p.lfp_voltage_noise_v), cathode_capacity_uah_cm2=cathode_total,
        dqdv=(centres, density), active_mass_mg=mass_mg)


def lithium_inventory(cycled: xr.Dataset, cathode_total_uah_cm2: float, preplated_uah_cm2: float) -> dict[str, float]:
    """Where the Li went (µAh/cm²): lost (Σ charge − discharge), faded, the cathode's stock before and after."""
    d = cycled["discharge_capacity_per_area"].values
    c = cycled["charge_capacity_per_area"].values
    lost_each = np.where(c > 0, c - d, 0.0)
    return {"lost": float(lost_each.sum()), "faded": float(d[0] - d[-1]),
            "pure_inventory_last": float(d[0] - lost_each[:-1].sum()),
            "cathode_total": cathode_total_uah_cm2, "after_preplating": cathode_total_uah_cm2 - preplated_uah_cm2,
            "stock_after": cathode_total_uah_cm2 - preplated_uah_cm2 - float(lost_each.sum()),
            "first_charge": float(c[0]), "last_charge": float(c[-1]), "preplated": preplated_uah_cm2}


def fade_test(cycled: xr.Dataset, voltage_gap_v: np.ndarray, voltage_noise_v: float) -> dict[str, Any]:
    """Rising polarisation vs loss of accessible LiFePO4, tested on the same cycles.

    Both shrink the capacity. Loss of accessible LiFePO4 (contact lost through the PEO layer)
    leaves the cell's resistance as it is, so the gap between the mean charge and the mean
    discharge voltage stays; it rises only through the higher local current on what is left,
    by at most the Tafel term of both half cycles, 2·RT/(αF)·ln(fade ratio) (≈ 0.12 V for a
    2.9-fold fade at 60 °C and α = 0.5; Bard & Faulkner, Electrochemical Methods, 2nd ed., §3.4).
    Rising polarisation widens that gap in proportion to the resistance. The test: the change
    of the gap from the first to the last cycle, against the noise of a mean voltage and the
    largest rise charge-transfer kinetics allow for the observed fade.
    """
    d = cycled["discharge_capacity_per_area"].values
    gap = np.asarray(voltage_gap_v, dtype=float)
    finite = np.flatnonzero(np.isfinite(gap))
    if finite.size < 2:
        return {"verdict": "not testable: fewer than two cycles with both a charge and a discharge"}
    change = float(gap[finite[-1]] - gap[finite[0]])
    fade_ratio = float(d[finite[0]] / d[finite[-1]]) if d[finite[-1]] > 0 else np.inf
    temperature_k = 333.15   # the paper's 60 °C
    # a charge and a discharge: both half cycles shift the gap (α = 0.5)
    kinetic_limit = 2 * cells.tafel_shift_v(max(fade_ratio, 1.0), temperature_k, transfer_coefficient=0.5)
    resolution = 10 * voltage_noise_v
    if change > kinetic_limit + resolution:
        verdict = ("the gap between charge and discharge voltage widens by more than lost LiFePO4 alone can make: "
                   "rising polarisation is needed (loss of LiFePO4 may act as well)")
    elif abs(change) <= resolution:
        verdict = "the voltage gap does not change: the fade is loss of capacity (Li or LiFePO4), not polarisation"
    else:
        verdict = "the gap changes, but no more than lost LiFePO4 could make: the data cannot tell the two apart"
    return {"gap_first_v": float(gap[finite[0]]), "gap_last_v": float(gap[finite[-1]]), "change_v": change,
            "fade_ratio": fade_ratio, "kinetic_limit_v": float(kinetic_limit), "resolution_v": resolution,
            "verdict": verdict}


def run(params: Params) -> PerformanceResult:
    """All of §3.3 from the files in ``params``: four contained parts (module docstring)."""
    params.check()
    results = {}
    for name, part, source, empty in (("plating", run_plating, params.plating_file, PlatingResult),
                                      ("cell", run_cell, params.lfp_file, CellResult)):
        try:
            results[name] = part(params)
        except InputFileError as err:
            results[name] = empty(source=str(source), failure=str(err))
        except ParameterError as err:      # raised by an analysis step on this file's data
            results[name] = empty(source=str(source), failure=f"{source}: could not be analysed ({err})")
    return PerformanceResult(params=params, membranes=run_membranes(params), energy=run_energy(params),
                             plating=results["plating"], cell=results["cell"])


def record(result: PerformanceResult, *claim_ids: str) -> None:
    """Record the named numbers of ``result.numbers()`` in the claims report (all when none is named)."""
    from lpsrepro import claims

    numbers = result.numbers()
    for claim_id in claim_ids or tuple(numbers):
        claims.record(claim_id, **numbers[claim_id].record_kwargs())


def record_predictions(result: PerformanceResult, *claim_ids: str) -> None:
    """Record independent predictions beside the reproductions (``kind="independent_prediction"``)."""
    from lpsrepro import claims

    numbers = result.predictions()
    for claim_id in claim_ids or tuple(numbers):
        if claim_id in numbers:
            claims.record(claim_id, **numbers[claim_id].record_kwargs(), kind="independent_prediction")


# --------------------------------------------------------------------------- printed summaries
#: Numbers of the printed summaries and tables: two significant digits in plain notation (700, 1.9,
#: 0.12), ``-`` unknown, ∞ spelled out (:func:`lpsrepro.units.format_number`).
_g = partial(format_number, digits=2, notation="plain", missing="-", infinite="not reached")


def membranes_summary(m: MembraneResult) -> str:
    """The Fig. 4a table and the thickness ratios, as printed lines."""
    shown = m.table[["ref", "first_author", "year", "thickness_min_um", "thickness_high_um", "asr_used_ohm_cm2",
                     "asr_from", "densifying_pressure_mpa"]]
    c, v = m.comparison, m.verified_only
    return (shown.to_string(index=False, na_rep="-", float_format=lambda x: f"{x:.2g}") +
            f"\nthinnest cited membrane: ref. {c.thinnest_ref}, {'at most ' if c.thinnest_is_bound else ''}"
            f"{c.thinnest_other_um:g} um -> ratio {'at most ' if c.thinnest_is_bound else ''}{c.ratio:.1f}"
            f"\nagainst stated thicknesses only: ref. {v.thinnest_ref}, {v.thinnest_other_um:g} um -> ratio {v.ratio:.0f}"
            f"\nonly an upper bound known: refs {', '.join(c.bounded_only_refs) or '-'}")


def energy_summary(e: EnergyResult) -> str:
    """Loadings, areal capacities, Wh/L and the band, as printed lines (two significant digits)."""
    lines = [f"stack limit (infinitely thick cathode): {e.stack.energy_limit_wh_kg:.0f} Wh/kg"]
    for t in e.thicknesses_um:
        lo, hi = e.band_mg_cm2[t]
        lines.append(f"  {t:4g} um LPS: {_g(e.needed_mg_cm2[t])} mg/cm2 composite = {_g(e.sulfur_needed_mg_cm2[t])} mg S/cm2, "
                     f"{_g(e.capacity_needed_mah_cm2[t])} mAh/cm2, {_g(e.wh_l_needed[t])} Wh/L; "
                     f"band over the ledger ranges {_g(lo)} to {_g(hi)} mg/cm2")
    for row in e.bookkeeping:
        lines.append(f"  {row['variant']}: " + ", ".join(f"{t:g} um {_g(row[t])}" for t in e.thicknesses_um) + " mg/cm2")
    return "\n".join(lines)


def plating_summary(p: PlatingResult) -> str:
    """Plateaus, window, charge, Faraday's law and the layer thickness, as printed lines."""
    if p.failure:
        return f"Li plating not analysed: {p.failure}"
    first, second = p.plateaus
    mid, low, high = p.dense_layer_nm
    return "\n".join([
        f"plateaus {first.voltage_v:.3f} V (half width {first.half_width_v * 1e3:.0f} mV), "
        f"{second.voltage_v:.3f} V (half width {second.half_width_v * 1e3:.0f} mV)",
        f"second plateau from {p.second_window_s[0]:.0f} s to {p.second_window_s[1]:.0f} s; charge {p.capacity_uah_cm2:.1f} uAh/cm2",
        f"{p.charge_per_li_uah_cm2:.2f} uAh/cm2 per Li/Au: Li{p.li_per_au_total:.2f}Au at the end, "
        f"Li{p.li_per_au_at_second:.2f}Au where the second plateau starts",
        f"dense Li-Au layer from crystal volumes {mid:.0f} nm ({low:.0f}-{high:.0f}); full Li3Au film {p.li3au_layer_nm:.0f} nm; "
        f"additive molar volumes {p.additive_layer_nm:.0f} nm",
        f"plateaus predicted from Hejazi et al. 2024 minus j*R: {p.predicted_plateaus_v[0]:.2f} V (delta) and "
        f"{p.predicted_plateaus_v[1]:.2f} V (AuLi3)"])


def cell_summary(c: CellResult) -> str:
    """Capacities and CE per cycle and the discharge plateaus, as printed lines."""
    if c.failure:
        return f"LiFePO4 cell not analysed: {c.failure}"
    lines = []
    for n in c.cycles:
        x = c.capacities.sel(cycle=n)
        ce = float(x.coulombic_efficiency)
        lines.append(f"  cycle {n:2d}: charge {float(x.specific_charge_capacity):5.1f}  discharge "
                     f"{float(x.specific_discharge_capacity):5.1f} mAh/g  CE " + (f"{ce:4.1f} %" if np.isfinite(ce) else "-"))
    for p in c.plateaus:
        lines.append(f"discharge plateau {p.voltage_v:.3f} V (half width {p.half_width_v * 1e3:.0f} mV)")
    for n, share in c.upper_share.items():
        lines.append(f"cycle {n}: {100 * share:.0f} % of the discharge above the midpoint of the plateaus")
    return "\n".join(lines)


def inventory_summary(c: CellResult) -> str:
    """Where the Li went and the fade test, as printed lines."""
    if c.failure:
        return f"LiFePO4 cell not analysed: {c.failure}"
    i, f = c.inventory, c.fade_test
    lines = [
        f"Li lost, sum of (charge - discharge): {i['lost']:.1f} uAh/cm2 ({100 * i['lost'] / i['preplated']:.0f} % of the "
        f"pre-plated {i['preplated']:g}); capacity faded (first - last discharge): {i['faded']:.1f} uAh/cm2",
        f"pure loss of cycled Li would leave for the last discharge {i['pure_inventory_last']:.1f} uAh/cm2",
        f"Li in the LiFePO4: {i['cathode_total']:.1f} at the start, {i['after_preplating']:.1f} after the pre-plating, "
        f"{i['stock_after']:.1f} after all losses; first charge {i['first_charge']:.1f}, last {i['last_charge']:.1f} uAh/cm2",
        ("=> the lost Li was made up from the cathode's unused stock: not pure inventory loss" if i["lost"] > i["faded"]
         else "=> the fade accounts for all the lost Li: pure inventory loss is possible")]
    if "change_v" in f:
        lines.append(f"mean charge - mean discharge voltage: {f['gap_first_v']:.2f} V (first) -> {f['gap_last_v']:.2f} V "
                     f"(last), {f['change_v']:+.2f} V; lost LiFePO4 alone could add at most {f['kinetic_limit_v']:.2f} V "
                     f"for a {f['fade_ratio']:.1f}-fold fade")
    lines.append(f"=> {f['verdict']}")
    return "\n".join(lines)


def cell_model_inputs(result: PerformanceResult) -> dict[str, float]:
    """Starting values of the Explore cell model, from the measured cycles (not from a generator)."""
    c, p = result.cell, result.params
    if c.failure or not c.first_ce_cycle:
        return {"first_loss_fraction": 0.15, "final_loss_fraction": 0.07, "cycles_to_polarise": 20.0,
                "cycles_to_passivate": p.cycles_to_passivate, "first_window_uah_cm2": 27.0,
                "li3au_boundary_uah_cm2": 34.0, "anode_floor_fraction": 1 - p.formation_loss_fraction}
    cap = c.capacities
    first, last = c.first_ce_cycle, c.last_cycle
    d_first = float(cap.sel(cycle=first).discharge_capacity_per_area)
    d_last = float(cap.sel(cycle=last).discharge_capacity_per_area)
    plating = result.plating
    boundary = (plating.capacity_uah_cm2 * plating.second_window_s[0] / float(plating.time_s[-1])
                if not plating.failure else 34.0)
    return {"first_loss_fraction": 1 - float(cap.sel(cycle=first).coulombic_efficiency) / 100,
            "final_loss_fraction": 1 - float(cap.sel(cycle=last).coulombic_efficiency) / 100,
            "cycles_to_polarise": float(np.clip((last - first) / np.log(max(d_first / d_last, 1.0001)), 2.0, 1000.0)),
            "cycles_to_passivate": p.cycles_to_passivate,
            "first_window_uah_cm2": float(cap.sel(cycle=first).charge_capacity_per_area),
            "li3au_boundary_uah_cm2": float(boundary), "anode_floor_fraction": 1 - p.formation_loss_fraction}


def tab_s1_rows(table: pd.DataFrame) -> list[list[str]]:
    """Rows of Tab. S1 (rounded, '-' for unknown)."""
    def thickness(r):
        if np.isfinite(r.thickness_min_um):
            return f"{r.thickness_min_um:.2g}" + (f"-{r.thickness_high_um:.2g}" if np.isfinite(r.thickness_high_um) else "")
        return f"< {r.thickness_high_um:.2g}" if np.isfinite(r.thickness_high_um) else "-"
    return [[str(r.ref), f"{r.first_author} {r.year}", str(r.journal), str(r.doi) if isinstance(r.doi, str) else "-",
             str(r.method), thickness(r), "-" if np.isnan(r.asr_used_ohm_cm2) else f"{r.asr_used_ohm_cm2:.2g}",
             "-" if np.isnan(r.densifying_pressure_mpa) else f"{r.densifying_pressure_mpa:.0f}"]
            for r in table.itertuples()]


def tab_s2_rows(e: EnergyResult) -> list[list[str]]:
    """Rows of Tab. S2: every stack input with its value, range and source; then the collector bookkeeping."""
    from lpsrepro import ledger

    rows = []
    for a in ledger.entries("energy."):
        rng = f"{a.range[0]:g}-{a.range[1]:g}" if a.range else "-"
        rows.append([a.key.removeprefix("energy.").replace("_", " "), f"{float(a.value):g} {a.unit.replace('**', '').replace('*', '').replace('dimensionless', '')}".strip(),
                     rng, (a.source or "assumption")])
    for row in e.bookkeeping:
        rows.append(["loading for " + f"{e.target_wh_kg:g} Wh/kg", ", ".join(f"{t:g} um: {_g(row[t])}" for t in e.thicknesses_um)
                     + " mg/cm2", f"collectors {row['collectors_mg_cm2']:.2g} mg/cm2", row["variant"]])
    return rows


# --------------------------------------------------------------------------- Explore (widget fast paths)
def cell_model_book(p: Params, *, preplated_uah_cm2: float, first_loss_fraction: float, final_loss_fraction: float,
                    cycles_to_polarise: float, cycles_to_passivate: float, first_window_uah_cm2: float,
                    cycles: int = 20) -> cells.CycleBook:
    """The two-mechanism cell model of :mod:`lpsrepro.models.cells` for the Explore widget."""
    return cells.cycle_capacities(cycles=cycles, cathode_capacity_uah_cm2=p.lfp_loading_mg_cm2 * cells.LFP_CAPACITY_MAH_PER_G,
                                  preplated_uah_cm2=preplated_uah_cm2, first_loss_fraction=first_loss_fraction,
                                  final_loss_fraction=final_loss_fraction, cycles_to_passivate=cycles_to_passivate,
                                  first_window_uah_cm2=first_window_uah_cm2, cycles_to_polarise=cycles_to_polarise,
                                  first_resistance_ohm_cm2=1.0)


def energy_status(needed: dict[float, float], stack: energy.LiSStack, target_wh_kg: float) -> str:
    """The Explore status line, from the same loadings the figure draws."""
    parts = [f"{t:.3g} um: {m:.2f} mg/cm2" if np.isfinite(m) else f"{t:.3g} um: not reached" for t, m in needed.items()]
    return (f"{target_wh_kg:g} Wh/kg - " + "; ".join(parts) +
            f" (stack limit {stack.energy_limit_wh_kg:.0f} Wh/kg)")


def explore(result: PerformanceResult, model_inputs: dict[str, float]):
    """The two Explore panels of notebook 33 (ipywidgets), bound to the section's model functions.

    ``model_inputs`` are the cell model's starting values (from the stand-in's calibration, or
    any other): ``first_loss_fraction``, ``final_loss_fraction``, ``cycles_to_polarise``,
    ``cycles_to_passivate``, ``first_window_uah_cm2``, ``li3au_boundary_uah_cm2``,
    ``anode_floor_fraction``.
    """
    import ipywidgets as widgets

    from lpsrepro.plots import performance as plots
    from lpsrepro.widgets import explorer, linear_slider, log_slider

    p, stack = result.params, result.energy.stack

    def draw_energy(ax, thickness_um, sulfur_fraction, sulfur_utilisation, average_voltage_v, lithium_excess):
        s = stack.with_values(sulfur_fraction=sulfur_fraction, sulfur_utilisation=sulfur_utilisation,
                              average_voltage_v=average_voltage_v, lithium_excess=lithium_excess)
        thicknesses = [1.0, float(thickness_um)]
        curves, _ = energy_curves(s, thicknesses, {}, points=120)
        needed = energy.loadings_for_energy_mg_cm2(p.target_wh_kg, thicknesses, s)
        plots.draw_energy_density(ax, curves, needed, p.target_wh_kg, s.energy_limit_wh_kg)
        return energy_status(needed, s, p.target_wh_kg)

    def draw_cell(ax, preplated_uah_cm2, first_loss_fraction, final_loss_fraction, cycles_to_polarise):
        book = cell_model_book(p, preplated_uah_cm2=preplated_uah_cm2, first_loss_fraction=first_loss_fraction,
                               final_loss_fraction=final_loss_fraction, cycles_to_polarise=cycles_to_polarise,
                               cycles_to_passivate=model_inputs["cycles_to_passivate"],
                               first_window_uah_cm2=model_inputs["first_window_uah_cm2"])
        return plots.draw_lfp_model(ax, book, li3au_boundary_uah_cm2=model_inputs["li3au_boundary_uah_cm2"],
                                    anode_floor_uah_cm2=model_inputs["anode_floor_fraction"] * preplated_uah_cm2,
                                    measured=result.cell.capacities, area_to_mass=1 / p.lfp_loading_mg_cm2)

    controls_energy = {
        "thickness_um": log_slider("LPS thickness (um)", 30.0, 0.3, 300.0),
        "sulfur_fraction": linear_slider("S fraction", stack.sulfur_fraction, 0.1, 0.8, 0.05),
        "sulfur_utilisation": linear_slider("S utilisation", stack.sulfur_utilisation, 0.3, 1.0, 0.05),
        "average_voltage_v": linear_slider("mean voltage (V)", stack.average_voltage_v, 1.7, 2.3, 0.05),
        "lithium_excess": linear_slider("Li excess (fraction)", stack.lithium_excess, 0.0, 3.0, 0.25),
    }
    controls_cell = {
        "preplated_uah_cm2": linear_slider("pre-plated Li (uAh/cm2)", p.preplated_uah_cm2, 10.0, 80.0, 2.5),
        "first_loss_fraction": linear_slider("loss per charge, cycle 1", model_inputs["first_loss_fraction"], 0.0, 0.4, 0.01),
        "final_loss_fraction": linear_slider("loss per charge, late", model_inputs["final_loss_fraction"], 0.0, 0.3, 0.01),
        "cycles_to_polarise": log_slider("cycles to polarise (1/e)", model_inputs["cycles_to_polarise"], 2.0, 1000.0),
    }
    for control in (*controls_energy.values(), *controls_cell.values()):
        control.style.description_width = "initial"     # labels with their units, never cut
    return widgets.VBox([explorer(controls_energy, draw_energy), explorer(controls_cell, draw_cell)])


def replace_params(params: Params, **overrides) -> Params:
    """``params.replace(**overrides)`` with lists (from a notebook's parameters cell) turned into tuples."""
    fixed = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
    return params.replace(**fixed)


__all__ = ["Params", "PerformanceResult", "run", "stack_from_ledger", "record_predictions", "explore",
           "replace_params"]
