"""Stand-ins for §3.3: Li plating on Au (Fig. 4c) and the LiFePO4 thin-film cell (Fig. 5a, 5b).

Both are written as cycler CSV exports (``lpsrepro.io.cycler``): a ``# key =
value`` header that declares the provenance, the model and its parameters,
the seed, the electrode area and the current sign convention, then
``time/s, cycle, step, step_type, current/uA, voltage/V`` rows.

Calibration (the only place where published §3.3 numbers make data)
---------------------------------------------------------------------
*Li plating* (:func:`plating_parameters`): the observed plateaus are the
equilibrium potentials minus ``j·R``, so the equilibrium potentials are set to
the paper's 0.23 V and 0.10 V plus ``j·R``; the alloyed charge at which the
second plateau begins is set so that it begins at the paper's ~2000 s; the
test stops at the paper's total of 46.3 µAh/cm² (2564 s at 65 µA/cm²); the
film saturates (Li metal would plate) at 3/2 of the second-plateau charge,
after the end of the test. Everything else is in the ledger (``plating.*``).

*LiFePO4 cell* (:func:`lfp_parameters`): the loss fractions ε_1 and ε_∞ of
:func:`lpsrepro.models.cells.cycle_capacities` are solved from the paper's
first and 20th coulombic efficiency (84.9 %, 93.2 %) for the ledger's
passivation constant; the first charge window from the first discharge
(45.9 mAh/g); the polarisation constant so that the 20th discharge is
16.1 mAh/g. The discharge plateaus are *not* calibrated: the anode de-alloys at
the potentials measured by Hejazi et al. (2024) (AuLi3 → δ 0.15 V, next step
near 0.30 V). The anode's Li2Au/Li3Au boundary is the one the plating
calibration gives for the same 85-nm film.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from lpsrepro import claims, ledger
from lpsrepro.io import provenance_attrs
from lpsrepro.io.cycler import cycler_dataset, write_cycler_csv
from lpsrepro.models import cells, li_au
from lpsrepro.models.galvanostatic import ohmic_drop_v, passed_charge_uah_cm2, time_to_pass_s

#: Claims whose published value this module uses to make data (see "Calibration" above).
#: Reproducing them shows the analysis recovers what was put in, not that the paper is right.
CALIBRATION_TARGETS = {
    "li2au_plateau_voltage": "equilibrium potential set to the published plateau plus j·R",
    "li3au_plateau_voltage": "equilibrium potential set to the published plateau plus j·R",
    "li3au_plateau_start": "the alloyed charge at the second plateau is set so it starts at the published time",
    "li_plating_capacity": "the test stops at the published total charge",
    "li3au_plateau_end": "the test, and with it the plateau, stops at the published total charge",
    "au_layer_thickness_after_plating": "an independent prediction from crystal volumes, but of the stand-in's charge, "
                                        "which is the published 46.3 µAh/cm²",
    "lfp_initial_discharge_capacity": "the first charge window is set from the published first discharge",
    "lfp_discharge_capacity_cycle20": "the polarisation constant is set so the 20th discharge is the published value",
    "lfp_initial_coulombic_efficiency": "the loss fraction is solved from the published first CE",
    "lfp_coulombic_efficiency_cycle20": "the loss fraction is solved from the published 20th CE",
}

PLATING_STEM = "li_plating_au_65uA"
LFP_STEM = "lfp_cell_cycling"
SIGN_CONVENTION = "positive current = anodic at the working electrode (Au for the plating cell, LiFePO4 for the full cell)"


def _published(claim_id: str) -> float:
    return float(claims.registry()[claim_id].value)


def _recording_settings(cell: str) -> tuple[float, float, float, float]:
    """Electrode area (cm²), sample interval (s), rest before the run (s) and voltage noise (V) of
    ``cell`` (the ledger prefix ``"plating"`` or ``"lfp"``)."""
    return (ledger.value(f"{cell}.electrode_area", "cm**2"), ledger.value(f"{cell}.sample_interval", "s"),
            ledger.value(f"{cell}.rest_duration", "s"), ledger.value(f"{cell}.voltage_noise", "V"))


# --------------------------------------------------------------------------- Li plating on Au
def plating_parameters() -> dict[str, float]:
    """Inputs of the plating stand-in: ledger values plus the documented calibration."""
    j = ledger.value("plating.current_density", "uA/cm**2")
    r = ledger.value("plating.stack_resistance", "ohm*cm**2")
    side = ledger.value("plating.side_reaction_fraction", "dimensionless")
    ir_v = float(ohmic_drop_v(j, r))
    second_start_s = _published("li3au_plateau_start")
    boundary = (1 - side) * float(passed_charge_uah_cm2(j, second_start_s))
    return {
        "current_density_ua_cm2": j,
        "side_reaction_fraction": side,
        "charge_to_second_plateau_uah_cm2": boundary,
        "charge_to_lithium_plating_uah_cm2": 1.5 * boundary,
        "first_plateau_v": _published("li2au_plateau_voltage") + ir_v,
        "second_plateau_v": _published("li3au_plateau_voltage") + ir_v,
        "lithium_plating_v": 0.0,
        "open_circuit_v": ledger.value("plating.open_circuit_voltage", "V"),
        "initial_drop_uah_cm2": ledger.value("plating.initial_drop_charge", "uA*h/cm**2"),
        "nucleation_overpotential_v": ledger.value("plating.nucleation_overpotential", "V"),
        "nucleation_decay_uah_cm2": ledger.value("plating.nucleation_decay_charge", "uA*h/cm**2"),
        "area_specific_resistance_ohm_cm2": r,
        "transition_width_uah_cm2": ledger.value("plating.transition_width", "uA*h/cm**2"),
    }


def generate_plating(out_dir: Path, seed: int = 43) -> list[Path]:
    """Write the chronopotentiometry of Li plating on the 85-nm Au film (paper Fig. 4c)."""
    rng = np.random.default_rng(seed)
    p = plating_parameters()
    area, dt, rest, noise = _recording_settings("plating")
    end_s = float(time_to_pass_s(_published("li_plating_capacity"), p["current_density_ua_cm2"]))
    t_rest = np.arange(0.0, rest + 1e-9, dt)
    t_run = np.append(np.arange(0.0, end_s, dt), end_s)
    v_rest = np.full(t_rest.size, p["open_circuit_v"])
    v_run = li_au.plating_voltage_v(t_run, **p)
    time = np.concatenate([t_rest, rest + t_run])
    voltage = np.concatenate([v_rest, v_run]) + rng.normal(0.0, noise, time.size)
    current_ua = np.concatenate([np.zeros(t_rest.size), np.full(t_run.size, -p["current_density_ua_cm2"] * area)])
    step = np.concatenate([np.ones(t_rest.size, int), np.full(t_run.size, 2)])
    step_type = np.where(step == 1, "rest", "lithiation")
    ds = cycler_dataset(time, current_ua * 1e-6, voltage, cycle=np.ones(time.size, int), step=step, step_type=step_type)
    attrs = provenance_attrs(
        model="lpsrepro.models.li_au.plating_voltage_v", seed=seed,
        parameters={**p, "electrode_area_cm2": area, "sample_interval_s": dt, "voltage_noise_v": noise,
                    "end_time_s": end_s},
        description="Chronopotentiometry of Li plating in Au (85 nm) | LPS (860 nm) | PEO | Li at 65 uA/cm2, "
                    "60 C (paper Fig. 4c); working electrode Au, counter/reference Li")
    header = {**attrs, "cell": "Au (85 nm) | LPS membrane (860 nm) | PEO | Li",
              "electrode_area_cm2": f"{area:g}", "current_sign": SIGN_CONVENTION}
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_cycler_csv(out_dir / f"{PLATING_STEM}.csv", ds, header=header, current_decimals=3)]


# --------------------------------------------------------------------------- LiFePO4 thin-film cell
def lfp_parameters() -> dict[str, float]:
    """Inputs of the LiFePO4-cell stand-in: ledger values plus the documented calibration."""
    loading = ledger.value("lfp.active_loading", "mg/cm**2")
    capacity = loading * cells.LFP_CAPACITY_MAH_PER_G                       # µAh/cm²
    cycles = int(ledger.value("lfp.cycles", "dimensionless"))
    n_pass = ledger.value("lfp.cycles_to_passivate", "dimensionless")
    ce_first = _published("lfp_initial_coulombic_efficiency") / 100
    ce_last = _published("lfp_coulombic_efficiency_cycle20") / 100
    eps_first = 1 - ce_first
    eps_final = cells.passivating_final_fraction(eps_first, 1 - ce_last, cycles, n_pass)
    d_first = _published("lfp_initial_discharge_capacity") * loading
    d_last = _published("lfp_discharge_capacity_cycle20") * loading
    common = dict(cycles=cycles, cathode_capacity_uah_cm2=capacity,
                  preplated_uah_cm2=ledger.value("lfp.preplated_charge", "uA*h/cm**2"),
                  first_loss_fraction=eps_first, final_loss_fraction=eps_final, cycles_to_passivate=n_pass,
                  first_window_uah_cm2=d_first / (1 - eps_first),
                  first_resistance_ohm_cm2=ledger.value("lfp.first_resistance", "ohm*cm**2"))

    def last_discharge(n_pol):
        return cells.cycle_capacities(cycles_to_polarise=n_pol, **common).discharge_uah_cm2[-1] - d_last

    n_pol = brentq(last_discharge, 1.0, 1e4, xtol=1e-10)
    return {**common, "cycles_to_polarise": n_pol}


def lfp_anode(book: cells.CycleBook, current_density_ua_cm2: float) -> cells.AnodePotentials:
    """Anode potentials: alloying from the plating calibration, de-alloying from measured Li–Au potentials.

    De-alloying (discharge): AuLi3 → δ at 0.15 V and the next step near 0.30 V, Hejazi et al.,
    J. Electrochem. Soc. 171 (2024) 050518 (:data:`lpsrepro.models.li_au.HEJAZI_DEALLOYING_V`) —
    not calibrated to the paper's discharge plateaus. ``book`` and the current are kept in the
    signature for the generator's bookkeeping.
    """
    plating = plating_parameters()
    dealloy = li_au.HEJAZI_DEALLOYING_V
    return cells.AnodePotentials(
        li3au_boundary_uah_cm2=plating["charge_to_second_plateau_uah_cm2"],
        li2au_alloying_v=plating["first_plateau_v"], li3au_alloying_v=plating["second_plateau_v"],
        li3au_dealloying_v=dealloy["Li3Au/delta"], li2au_dealloying_v=dealloy["delta/intermediate"])


def _segment(duration_s: float, dt: float) -> np.ndarray:
    return np.append(np.arange(0.0, duration_s, dt), duration_s)


def generate_lfp_cycling(out_dir: Path, seed: int = 51) -> list[Path]:
    """Write the formation and 20 cycles of the LiFePO4 | PEO | LPS | Li–Au cell (paper Fig. 5)."""
    rng = np.random.default_rng(seed)
    p = lfp_parameters()
    area, dt, rest, noise = _recording_settings("lfp")
    j = ledger.value("lfp.current_density", "uA/cm**2")
    v_max, v_min = ledger.value("lfp.upper_cutoff", "V"), ledger.value("lfp.lower_cutoff", "V")
    formation_loss = ledger.value("lfp.formation_loss_fraction", "dimensionless")
    book = cells.cycle_capacities(**p)
    # the formation loses its own fraction of the pre-plated Li: that fixes the anode's floor
    floor = p["preplated_uah_cm2"] * (1 - formation_loss)
    book = cells.CycleBook(**{**book.__dict__, "anode_floor_uah_cm2": floor})
    anode = lfp_anode(book, j)
    plating = plating_parameters()
    capacity = p["cathode_capacity_uah_cm2"]

    pieces = []  # (time, current µA, voltage, cycle, step, step_type)
    clock, step = 0.0, 0

    def add(t, current_ua, voltage, cycle, kind):
        nonlocal clock, step
        step += 1
        pieces.append((clock + t, np.full(t.size, current_ua), voltage, np.full(t.size, cycle), np.full(t.size, step),
                       np.full(t.size, kind)))
        clock += t[-1]

    def add_rest(cycle, v_from):
        t = _segment(rest, 60.0)
        ocv_target = v_from - np.sign(v_from - 3.3) * 0.02  # the IR drop relaxes
        add(t, 0.0, ocv_target + (v_from - ocv_target) * np.exp(-t / 60.0), cycle, "rest")

    # formation: pre-plating Li from the cathode onto Au (capacity-limited, §2.4)
    t = _segment(float(time_to_pass_s(p["preplated_uah_cm2"], j)), dt)
    q = passed_charge_uah_cm2(j, t)
    alloyed = (1 - formation_loss) * q
    e_anode = li_au.staircase_potential_v(alloyed, [plating["charge_to_second_plateau_uah_cm2"],
                                                    plating["charge_to_lithium_plating_uah_cm2"]],
                                          [plating["first_plateau_v"], plating["second_plateau_v"], 0.0],
                                          plating["transition_width_uah_cm2"])
    e_anode = e_anode + (plating["open_circuit_v"] - plating["first_plateau_v"]) * np.exp(-alloyed / plating["initial_drop_uah_cm2"])
    v = cells.lfp_open_circuit_v((capacity - q) / capacity) - e_anode + ohmic_drop_v(j, book.resistance_ohm_cm2[0])
    add(t, j * area, v, 0, "formation")
    add_rest(0, v[-1])

    for i, n in enumerate(book.cycle):
        c, d = book.charge_uah_cm2[i], book.discharge_uah_cm2[i]
        stock = book.cathode_stock_uah_cm2[i]
        common = dict(cathode_capacity_uah_cm2=capacity, loss_fraction=1 - d / c, anode=anode,
                      anode_floor_uah_cm2=floor, current_density_ua_cm2=j,
                      resistance_ohm_cm2=book.resistance_ohm_cm2[i])
        t = _segment(float(time_to_pass_s(c, j)), dt)
        v = cells.half_cycle_voltage_v(passed_charge_uah_cm2(j, t), kind="charge", capacity_uah_cm2=c, anode_start_uah_cm2=floor,
                                       cathode_start_uah_cm2=stock, cutoff_v=v_max, **common)
        add(t, j * area, v, int(n), "charge")
        add_rest(int(n), v[-1])
        t = _segment(float(time_to_pass_s(d, j)), dt)
        v = cells.half_cycle_voltage_v(passed_charge_uah_cm2(j, t), kind="discharge", capacity_uah_cm2=d,
                                       anode_start_uah_cm2=floor + d, cathode_start_uah_cm2=stock - c,
                                       cutoff_v=v_min, **common)
        add(t, -j * area, v, int(n), "discharge")
        add_rest(int(n), v[-1])

    time, current, voltage, cycle, steps, kinds = (np.concatenate(parts) for parts in zip(*pieces))
    voltage = voltage + rng.normal(0.0, noise, voltage.size)
    ds = cycler_dataset(time, current * 1e-6, voltage, cycle=cycle, step=steps, step_type=kinds)
    model_parameters = {k: (float(v) if not isinstance(v, int) else v) for k, v in p.items()}
    model_parameters.update(anode_floor_uah_cm2=floor, formation_loss_fraction=formation_loss,
                            **{f"anode_{k}": float(v) for k, v in anode.__dict__.items()},
                            electrode_area_cm2=area, current_density_ua_cm2=j, sample_interval_s=dt,
                            voltage_noise_v=noise, upper_cutoff_v=v_max, lower_cutoff_v=v_min)
    attrs = provenance_attrs(
        model="lpsrepro.models.cells.cycle_capacities + half_cycle_voltage_v", seed=seed,
        parameters=model_parameters,
        description="Galvanostatic cycling of a LiFePO4 | PEO | LPS (860 nm) | Li-Au thin-film cell at 25 uA/cm2 "
                    "(paper Fig. 5): formation (Li pre-plating, cycle 0) and 20 charge/discharge cycles")
    loading = ledger.value("lfp.active_loading", "mg/cm**2")
    header = {**attrs, "cell": "LiFePO4 (0.5 mg/cm2) | PEO | LPS membrane (860 nm) | Li-Au (85-nm Au)",
              "electrode_area_cm2": f"{area:g}", "active_mass_mg": f"{loading * area:g}",
              "current_sign": SIGN_CONVENTION}
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_cycler_csv(out_dir / f"{LFP_STEM}.csv", ds, header=header, current_decimals=4)]
