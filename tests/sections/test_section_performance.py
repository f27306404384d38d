"""§3.3 section layer: defaults from the ledger, contained parts, the thickness ratio, the fade test."""

import json
import pickle

import numpy as np
import pytest
import xarray as xr

from lpsrepro import paths
from lpsrepro.analysis import membranes
from lpsrepro.errors import ParameterError
from lpsrepro.io.literature import read_membrane_table
from lpsrepro.sections import performance


@pytest.fixture(scope="module")
def result():
    return performance.run(performance.Params.from_ledger())


def test_notebook_parameter_defaults_are_the_ledger_values():
    nb = json.loads((paths.NOTEBOOKS / "33_performance.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    namespace = {}
    exec("".join(cell["source"]), namespace)
    p = performance.Params.from_ledger()
    for name in ("plating_area_cm2", "au_thickness_nm", "dft_volume_scale", "lfp_area_cm2", "lfp_loading_mg_cm2",
                 "preplated_uah_cm2", "target_wh_kg", "sulfur_fraction", "sulfur_utilisation", "average_voltage_v",
                 "lithium_excess", "electrolyte_density_g_cm3", "cathode_collector_mg_cm2", "anode_collector_mg_cm2",
                 "packaging_fraction"):
        assert namespace[name] == pytest.approx(getattr(p, name)), name


def test_run_gives_every_section_number_and_is_picklable(result):
    numbers = result.numbers()
    assert {"thickness_reduction_factor", "li_plating_capacity", "lfp_initial_coulombic_efficiency",
            "lfp_discharge_plateau_low"} <= set(numbers)
    assert not any(n.failed_quality for n in numbers.values())
    predictions = result.predictions()
    assert {"au_layer_thickness_after_plating", "li_s_loading_400whkg_1um", "li2au_plateau_voltage"} <= set(predictions)
    assert predictions["au_layer_thickness_after_plating"].value == pytest.approx(251.4, abs=0.5)
    pickle.loads(pickle.dumps(result))


def test_thickness_ratio_follows_the_stated_comparison(result):
    # ref. 14 is known only as "sub-micrometer": against it the factor is at most 1/0.55
    assert result.membranes.comparison.thinnest_ref == "14" and result.membranes.comparison.thinnest_is_bound
    assert result.numbers()["thickness_reduction_factor"].value == pytest.approx(1.0 / 0.55)
    assert result.membranes.verified_only.ratio == pytest.approx(8.0 / 0.55)


def test_a_bad_plating_file_fails_its_part_only(tmp_path):
    bad = tmp_path / "plating.csv"
    bad.write_text("time/s,cycle,step,step_type,current/uA,voltage/V\n0,1,1,rest,0,2.0\n1,1,1,rest,0,2.0\n")
    r = performance.run(performance.Params.from_ledger().replace(plating_file=str(bad)))
    numbers = r.numbers()
    assert numbers["li_plating_capacity"].failed_quality and "plating.csv" in numbers["li_plating_capacity"].failed_quality
    assert "lithiation" in numbers["li_plating_capacity"].failed_quality
    assert not numbers["lfp_initial_discharge_capacity"].failed_quality      # the cell part still ran
    assert "not analysed" in performance.plating_summary(r.plating)


def test_impossible_parameters_are_refused_before_any_work():
    with pytest.raises(ParameterError, match="current_sign"):
        performance.run(performance.Params.from_ledger().replace(current_sign=2))
    with pytest.raises(ParameterError, match="sulfur_fraction"):
        performance.run(performance.Params.from_ledger().replace(sulfur_fraction=1.5))
    with pytest.raises(ParameterError, match="one of the section's parameters"):
        performance.Params.from_ledger().replace(no_such_thing=1)


def _cycles(discharge, charge=None):
    n = np.arange(1, len(discharge) + 1)
    charge = np.asarray(discharge) * 1.1 if charge is None else charge
    return xr.Dataset({"discharge_capacity_per_area": ("cycle", np.asarray(discharge, float)),
                       "charge_capacity_per_area": ("cycle", np.asarray(charge, float))}, coords={"cycle": n})


def test_fade_test_tells_polarisation_from_a_constant_gap():
    fade = _cycles([30.0, 20.0, 10.0])
    rising = performance.fade_test(fade, np.array([0.10, 0.25, 0.40]), 0.0005)
    assert rising["verdict"].startswith("the gap between charge and discharge voltage widens")
    flat = performance.fade_test(fade, np.array([0.10, 0.101, 0.102]), 0.0005)
    assert "not polarisation" in flat["verdict"]
    small = performance.fade_test(fade, np.array([0.10, 0.12, 0.14]), 0.0005)    # < 2RT/(αF) ln 3 ≈ 0.126 V
    assert "cannot tell" in small["verdict"]


def test_inventory_by_hand():
    inv = performance.lithium_inventory(_cycles([20.0, 15.0], [25.0, 17.0]), 85.0, 37.5)
    assert inv["lost"] == pytest.approx(5.0 + 2.0) and inv["faded"] == pytest.approx(5.0)
    assert inv["stock_after"] == pytest.approx(85.0 - 37.5 - 7.0)


def test_energy_status_says_not_reached_when_the_figure_does():
    stack = performance.stack_from_ledger()
    text = performance.energy_status({1.0: 1.88, 30.0: float("inf")}, stack, 400.0)
    assert "30 um: not reached" in text and "inf" not in text


def test_include_bounds_is_a_choice_of_the_caller():
    table = membranes.with_derived_columns(read_membrane_table(paths.DATA / "literature" / "sulfide_membranes.csv"))
    assert membranes.thickness_reduction(table, include_bounds=False).thinnest_ref == "15"


def test_a_cell_whose_cycle_1_has_no_charge_is_analysed_from_its_first_full_cycle(tmp_path):
    # issue 9: a Neware export converted by hand had no charge in cycle 1 and crashed the build
    from lpsrepro.io.cycler import cycler_dataset, read_cycler, write_cycler_csv

    ds = read_cycler(paths.RAW / "lfp_cell_cycling.csv")
    keep = ~((ds["cycle"].values == 1) & (ds["current"].values > 0))        # drop the charge of cycle 1
    part = ds.isel(record=np.flatnonzero(keep))
    out = tmp_path / "no_first_charge.csv"
    write_cycler_csv(out, cycler_dataset(part["time"].values, part["current"].values, part["voltage"].values,
                                         cycle=part["cycle"].values, step=part["step"].values,
                                         step_type=part["step_type"].values),
                     header={"provenance": "test: the stand-in without the charge of cycle 1", "electrode_area_cm2": "0.5"},
                     current_decimals=4)
    r = performance.run(performance.Params.from_ledger().replace(lfp_file=str(out)))
    numbers = r.numbers()
    assert r.cell.first_ce_cycle == 2 and r.cell.first_discharge_cycle == 1
    assert numbers["lfp_initial_coulombic_efficiency"].value == pytest.approx(86.2, abs=0.1)
    assert "cycle 2" in numbers["lfp_initial_coulombic_efficiency"].note
    assert numbers["lfp_initial_discharge_capacity"].value == pytest.approx(45.9, abs=0.1)
    from lpsrepro.plots import performance as plots
    plots.fig5a_voltage_profiles(r.cell.data, [1, 2], 0.25, list(r.cell.plateaus), r.cell.dqdv, 1)     # cycle 1 drawn without a charge


def test_a_capacity_above_lifepo4s_theoretical_one_is_refused_not_recorded():
    """Issue 9: a wrong active mass (here a twentieth of the stated loading) gives 918 and 322 mAh/g: refused."""
    p = performance.Params.from_ledger()
    numbers = performance.run(p.replace(lfp_loading_mg_cm2=p.lfp_loading_mg_cm2 / 20)).numbers()
    for claim in ("lfp_initial_discharge_capacity", "lfp_discharge_capacity_cycle20"):
        n = numbers[claim]
        assert n.value > 300 and "theoretical" in n.failed_quality and "lfp_loading_mg_cm2" in n.failed_quality
    assert not numbers["lfp_initial_coulombic_efficiency"].failed_quality     # a ratio: the mass does not enter
    good = performance.run(p).numbers()["lfp_initial_discharge_capacity"]
    assert not good.failed_quality and good.value < 170


def test_a_file_shorter_than_20_cycles_does_not_give_the_cycle_20_claims(tmp_path):
    """Issue 9: the last cycle of a 5-cycle file is not "cycle 20"; the first-cycle claims still come out."""
    lines = (paths.RAW / "lfp_cell_cycling.csv").read_text().splitlines(keepends=True)
    header = [x for x in lines if x.startswith("#")]
    table = [x for x in lines if not x.startswith("#")]
    kept = [table[0]] + [row for row in table[1:] if int(row.split(",")[1]) <= 5]
    short = tmp_path / "five_cycles.csv"
    short.write_text("".join(header + kept))
    numbers = performance.run(performance.Params.from_ledger().replace(lfp_file=str(short))).numbers()
    for claim in ("lfp_discharge_capacity_cycle20", "lfp_coulombic_efficiency_cycle20"):
        assert "ends at cycle 5" in numbers[claim].failed_quality
    assert not numbers["lfp_initial_discharge_capacity"].failed_quality
