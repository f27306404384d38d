"""Cycler exports: round trip, units, and refusals that name the file, line and column."""

from pathlib import Path

import numpy as np
import pytest

from lpsrepro.analysis import cycling
from lpsrepro.errors import InputFileError
from lpsrepro.io.cycler import check_current_sign, cycler_dataset, read_cycler, write_cycler_csv


def _cell(n=40):
    """Charge (+) then discharge (−) at 10 µA for 1 h each; voltage moves with the current."""
    t = np.concatenate([np.linspace(0, 3600, n), 3600 + np.linspace(0, 3600, n)])
    i = np.concatenate([np.full(n, 1e-5), np.full(n, -1e-5)])
    v = np.concatenate([np.linspace(3.3, 3.6, n), np.linspace(3.5, 3.1, n)])
    return cycler_dataset(t, i, v, cycle=np.ones(2 * n, int), step=np.repeat([1, 2], n),
                          step_type=np.repeat(["charge", "discharge"], n))


@pytest.fixture
def csv(tmp_path):
    return write_cycler_csv(tmp_path / "c.csv", _cell(), header={"provenance": "simulated stand-in"})


def test_round_trip_and_header(csv):
    ds = read_cycler(csv)
    assert ds["current"].attrs["units"] == "A" and ds["time"].attrs["units"] == "s"
    assert ds.attrs["provenance"] == "simulated stand-in"
    np.testing.assert_allclose(ds["current"].values, _cell()["current"].values)
    cap = cycling.capacities_by_cycle(ds, area_cm2=1.0)
    assert float(cap["charge_capacity_per_area"][0]) == pytest.approx(10.0, rel=1e-6)   # 10 µA × 1 h
    assert float(cap["coulombic_efficiency"][0]) == pytest.approx(100.0)


def test_other_units_are_converted(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("Time (h),I/mA,Ewe/mV\n0,0.01,3300\n0.5,0.01,3400\n1.0,0.01,3500\n")
    ds = read_cycler(path)
    assert ds["time"].values[-1] == 3600 and ds["current"].values[0] == pytest.approx(1e-5)
    assert ds["voltage"].values[-1] == pytest.approx(3.5)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("# a = b\ntime/s,current/uA\n0,1\n1,1\n")
    with pytest.raises(InputFileError, match=r"m\.csv, line 2, field 'voltage'.*column 'voltage' is missing"):
        read_cycler(path)


def test_time_running_backwards_names_the_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("time/s,current/uA,voltage/V\n0,1,3.3\n10,1,3.4\n5,1,3.5\n20,1,3.6\n")
    with pytest.raises(InputFileError, match=r"t\.csv, line 4, field 'time'.*time runs backwards"):
        read_cycler(path)


def test_mixed_units_in_a_column_are_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("time/s,current/uA,voltage/V\n0,10,3.3\n10,0.01 mA,3.4\n")
    with pytest.raises(InputFileError, match=r"x\.csv, line 3, field 'current/uA'.*mixed units"):
        read_cycler(path)


def test_unit_of_the_wrong_kind_or_missing(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("time/s,current/V,voltage/V\n0,1,3.3\n1,1,3.4\n")
    with pytest.raises(InputFileError, match=r"field 'current/V'.*not a unit of current"):
        read_cycler(path)
    path.write_text("time,current/uA,voltage/V\n0,1,3.3\n1,1,3.4\n")
    with pytest.raises(InputFileError, match=r"field 'time'.*has no unit"):
        read_cycler(path)


def test_opposite_sign_convention_is_refused_and_can_be_flipped(tmp_path):
    ds = _cell()
    ds["current"] = -ds["current"]
    path = write_cycler_csv(tmp_path / "s.csv", ds, header={})
    with pytest.raises(InputFileError, match=r"s\.csv, field 'current'.*opposite to the expected convention"):
        read_cycler(path)
    flipped = read_cycler(path, current_sign=-1)
    check_current_sign(flipped)
    assert flipped["current"].values[0] > 0


def test_real_biologic_mpr_is_read_and_analysed(real_data):
    ds = read_cycler(real_data / "biol.mpr")
    assert ds.attrs["instrument"] == "biologic-mpr" and ds.sizes["record"] > 20000
    assert np.all(np.diff(ds["time"].values) >= 0)
    # the file has no "cycle number" and its "half cycle" never changes; "z cycle" (the impedance-loop
    # counter) must not be taken as the cycle counter (issue 9, point 7): no cycle variable is made up
    assert "cycle" not in ds and ds.attrs["cycle_column"] == "none"
    assert ds.attrs["current_column"] == "I/mA"
    # EC-Lab's own running counter (Q-Qo) ends at 4.9769 mAh: our trapezoidal integral of the
    # recorded current must agree to within the sampling error (0.1 %)
    net_mah = float(cycling.record_charge_ah(ds).sum()) * 1e3
    assert net_mah == pytest.approx(4.9769, rel=2e-3)


def test_unknown_type_and_empty_file(tmp_path):
    (tmp_path / "a.xyz").write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + bytes(100))
    with pytest.raises(InputFileError, match="looks like an Arbin .res.*not supported.*export the test as CSV"):
        read_cycler(tmp_path / "a.xyz")
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(InputFileError, match="empty"):
        read_cycler(tmp_path / "e.csv")


def test_a_real_arbin_res_file_is_refused_by_name_with_the_export_that_works():
    """cellpy's Arbin test file (an MS Access database): no maintained reader without mdbtools, so it is
    refused naming the format and the export — never parsed as text ("line 1: ...")."""
    path = Path(__file__).resolve().parents[1] / "data" / "cycler" / "20160805_test001_45_cc_01.res"
    with pytest.raises(InputFileError, match=r"looks like an Arbin \.res \(MS Access database\) file.*"
                                             r"export the test as CSV from MITS Pro") as err:
        read_cycler(path)
    assert "line" not in str(err.value).split("(expected")[0]
