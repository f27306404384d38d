"""The sweep engine (lpsrepro.sweep) on a tiny fake section (tests/fake_section.py)."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import fake_section
from lpsrepro import ledger, paths, report, sweep
from lpsrepro.errors import ParameterError

SYNC = "synchronous"


def direct(**overrides):
    return {cid: n.value for cid, n in
            fake_section.run(fake_section.Params.from_ledger().replace(**overrides)).numbers().items()}


def test_grid_sweep_has_one_dim_per_parameter_units_and_provenance():
    ds = sweep.run_sweep(fake_section, {"lead_resistance_ohm": (0, 3, 4), "interface_cpe_alpha": [0.6, 0.85, 1.0]},
                         scheduler=SYNC, progress=False)
    assert ds["membrane_asr"].dims == ("lead_resistance_ohm", "interface_cpe_alpha")
    assert ds["membrane_asr"].shape == (4, 3)
    assert ds["membrane_asr"].attrs["units"] == "ohm*cm**2"
    assert ds["dual_route_completion_time"].attrs["units"] == "min"
    assert ds["lead_resistance_ohm"].attrs["units"] == "ohm"
    assert ds["lead_resistance_ohm"].attrs["ledger_key"] == "membrane.lead_resistance"
    assert ds.attrs["ledger_sha256"] == ledger.digest()
    assert ds.attrs["code_commit"]
    for r in (0.0, 2.0):
        for a in (0.6, 1.0):
            got = float(ds["membrane_asr"].sel(lead_resistance_ohm=r, interface_cpe_alpha=a))
            assert got == direct(lead_resistance_ohm=r, interface_cpe_alpha=a)["membrane_asr"]
    assert "membrane_asr_uncertainty" in ds


def test_sweep_at_the_central_values_equals_a_direct_run():
    central = fake_section.Params.from_ledger()
    ds = sweep.run_sweep(fake_section, {"lead_resistance_ohm": [central.lead_resistance_ohm]},
                         scheduler=SYNC, progress=False)
    expected = fake_section.run(central).numbers()
    for cid, number in expected.items():
        assert float(ds[cid].values[0]) == number.value


def test_a_grid_in_another_unit_is_converted():
    ds = sweep.run_sweep(fake_section, {"lead_resistance_ohm": (0, 3000, 3, "mohm")}, scheduler=SYNC, progress=False)
    np.testing.assert_allclose(ds["lead_resistance_ohm"].values, [0, 1.5, 3.0])


@pytest.mark.parametrize("grid,message", [
    ({"no_such": [1.0]}, r"no_such: not a numeric parameter.*known: lead_resistance_ohm \[ohm\]"),
    ({"label": [1.0]}, r"label: not a numeric parameter"),
    ({"lead_resistance_ohm": (0, 5, 3)}, r"5 ohm lies outside the ledger's range \[0, 3\] ohm of membrane.lead_resistance"),
    ({"lead_resistance_ohm": ([1, 2], "V")}, r"unit 'V' cannot be converted to the parameter's unit 'ohm'"),
    ({"lead_resistance_ohm": (0, 1, 0)}, r"not a positive whole number"),
    ({}, r"grid: empty"),
])
def test_bad_grids_are_refused_before_any_work(grid, message, monkeypatch):
    calls = []
    monkeypatch.setattr(fake_section, "run", lambda p: calls.append(p))
    with pytest.raises(ParameterError, match=message):
        sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False)
    assert calls == []


def test_all_problems_are_named_in_one_message():
    with pytest.raises(ParameterError) as info:
        sweep.plan_points(fake_section, {"nope": [1], "lead_resistance_ohm": (0, 9, 2),
                                         "interface_cpe_alpha": ([1], "s")})
    text = str(info.value)
    assert "nope" in text and "9 ohm lies outside" in text and "unit 's'" in text


def test_allow_outside_sweeps_beyond_the_ledger_range():
    ds = sweep.run_sweep(fake_section, {"lead_resistance_ohm": (0, 5, 2)}, allow_outside=True,
                         scheduler=SYNC, progress=False)
    assert float(ds["membrane_asr"][-1]) == direct(lead_resistance_ohm=5.0)["membrane_asr"]


def test_latin_sample_stays_in_bounds_and_is_seeded():
    ds = sweep.run_sweep(fake_section, {"lead_resistance_ohm": (0.5, 2.0), "recession_rate_nm_per_min": None},
                         sample=("latin", 20), scheduler=SYNC, progress=False, seed=3)
    assert ds["membrane_asr"].dims == ("sample",) and ds.sizes["sample"] == 20
    r = ds["lead_resistance_ohm"].values
    assert r.min() >= 0.5 and r.max() <= 2.0 and len(np.unique(np.floor((r - 0.5) / 1.5 * 20))) == 20
    rate = ds["recession_rate_nm_per_min"].values
    assert rate.min() >= 0.3 and rate.max() <= 30
    again = sweep.run_sweep(fake_section, {"lead_resistance_ohm": (0.5, 2.0), "recession_rate_nm_per_min": None},
                            sample=("latin", 20), scheduler=SYNC, progress=False, seed=3)
    xr.testing.assert_identical(ds.drop_attrs(), again.drop_attrs())


def test_failed_points_and_failed_gates_are_flagged_not_hidden():
    ds = sweep.run_sweep(fake_section, {"recession_rate_nm_per_min": [10, 31], "interface_cpe_alpha": [0.5, 0.9]},
                         scheduler=SYNC, progress=False, allow_outside=True)
    assert ds["point_failed"].sel(recession_rate_nm_per_min=31).values.tolist() == [1, 1]
    assert np.isnan(ds["membrane_asr"].sel(recession_rate_nm_per_min=31)).all()
    assert ds.attrs["failed_points"] == 2 and "at most 30" in ds.attrs["first_error"]
    flag = ds["membrane_conductivity_failed_quality"].sel(recession_rate_nm_per_min=10)
    assert flag.values.tolist() == [1, 0]
    assert np.isnan(ds["membrane_conductivity"].sel(recession_rate_nm_per_min=10, interface_cpe_alpha=0.5))


def test_output_is_netcdf_that_xarray_opens_with_units(tmp_path):
    out = tmp_path / "s.nc"
    sweep.run_sweep(fake_section, {"interface_cpe_alpha": (0.5, 1.0, 5)}, scheduler=SYNC, progress=False,
                    output=out, batch_size=2)
    with xr.open_dataset(out) as ds:
        assert ds["membrane_asr"].attrs["units"] == "ohm*cm**2" and ds.sizes["interface_cpe_alpha"] == 5
    assert not (tmp_path / "s.nc.parts").exists()


def test_progress_reports_every_point():
    seen = []
    sweep.run_sweep(fake_section, {"interface_cpe_alpha": (0.5, 1.0, 7)}, scheduler=SYNC, batch_size=3,
                    progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 7) and seen[-1] == (7, 7)


KILLABLE = textwrap.dedent("""
    import sys
    sys.path[:0] = [{root!r}, {tests!r}]
    import fake_section
    from lpsrepro import sweep
    sweep.run_sweep(fake_section, {{"interface_cpe_alpha": (0.5, 1.0, 40)}}, base={{"work_ms": 40.0}},
                    scheduler="synchronous", output={out!r}, batch_size=2, progress=False)
""")


def test_a_killed_sweep_resumes_without_losing_finished_points(tmp_path):
    out = tmp_path / "killed.nc"
    parts = tmp_path / "killed.nc.parts"
    script = KILLABLE.format(root=str(paths.ROOT), tests=str(Path(__file__).parent), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(list(parts.glob("part-*.nc"))) < 3:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no parts written"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    finished = sorted(p.name for p in parts.glob("part-*.nc"))
    assert not out.exists() and 3 <= len(finished) < 20
    computed = []
    real_batch = sweep.run_batch

    def counting(payload, names, kinds, rows, *prepared):
        computed.extend(rows)
        return real_batch(payload, names, kinds, rows, *prepared)

    sweep_run_batch = sweep.run_batch
    try:
        sweep.run_batch = counting
        ds = sweep.run_sweep(fake_section, {"interface_cpe_alpha": (0.5, 1.0, 40)}, base={"work_ms": 40.0},
                             scheduler=SYNC, output=out, batch_size=2, progress=False)
    finally:
        sweep.run_batch = sweep_run_batch
    assert len(computed) == 40 - 2 * len(finished)        # no finished point computed again
    fresh = sweep.run_sweep(fake_section, {"interface_cpe_alpha": (0.5, 1.0, 40)}, scheduler=SYNC, progress=False)
    np.testing.assert_array_equal(ds["membrane_asr"].values, fresh["membrane_asr"].values)
    assert out.exists() and not parts.exists()


# --------------------------------------------------------------------------- the fast path (prepare)
def test_prepare_runs_once_per_group_and_gives_the_slow_paths_numbers(monkeypatch):
    grid = {"recession_rate_nm_per_min": [1.0, 6.0, 20.0], "lead_resistance_ohm": (0, 3, 4),
            "interface_cpe_alpha": [0.6, 0.9]}
    fake_section.PREPARE_CALLS.clear()
    fast = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False, batch_size=3)
    calls = [p.recession_rate_nm_per_min for p in fake_section.PREPARE_CALLS]
    central = fake_section.Params.from_ledger().recession_rate_nm_per_min
    # one for the central point (its numbers and units), then one per group of the three swept rates
    assert calls[0] == central and sorted(calls[1:]) == [1.0, 6.0, 20.0]
    assert fast.attrs["prepare_groups"] == 3
    # the slow path (the engine treating it as a section without prepare): run whole per point
    monkeypatch.setattr(sweep, "has_fast_path", lambda module: False)
    fake_section.PREPARE_CALLS.clear()
    slow = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False, batch_size=3)
    assert slow.attrs["prepare_groups"] == 0 and len(fake_section.PREPARE_CALLS) == 1 + 3 * 4 * 2
    xr.testing.assert_identical(fast.drop_attrs(), slow.drop_attrs())


def test_a_sweep_over_fields_prepare_does_not_read_prepares_once():
    fake_section.PREPARE_CALLS.clear()
    ds = sweep.run_sweep(fake_section, {"lead_resistance_ohm": (0, 3, 7)}, scheduler=SYNC, progress=False,
                         batch_size=2)
    assert len(fake_section.PREPARE_CALLS) == 1        # the central point's, reused for every batch
    assert ds.attrs["prepare_groups"] == 1
    for r in (0.0, 1.5, 3.0):
        assert float(ds["membrane_asr"].sel(lead_resistance_ohm=r)) == direct(lead_resistance_ohm=r)["membrane_asr"]


def test_a_failing_prepare_fails_its_group_only():
    ds = sweep.run_sweep(fake_section, {"recession_rate_nm_per_min": [10, 31], "lead_resistance_ohm": [0.5, 1.0]},
                         scheduler=SYNC, progress=False, allow_outside=True)
    assert ds["point_failed"].values.tolist() == [[0, 0], [1, 1]]
    assert "at most 30" in ds.attrs["first_error"]


def test_fast_path_on_a_local_cluster_equals_in_process():
    grid = {"recession_rate_nm_per_min": [2.0, 12.0], "interface_cpe_alpha": (0.5, 1.0, 5)}
    local = sweep.run_sweep(fake_section, grid, scheduler=None, n_workers=2, progress=False, batch_size=2)
    inproc = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False, batch_size=2)
    xr.testing.assert_identical(local.drop_attrs(), inproc.drop_attrs())
    assert local.attrs["prepare_groups"] == 2


def test_parts_of_another_sweep_are_refused(tmp_path):
    out = tmp_path / "s.nc"
    parts = tmp_path / "s.nc.parts"
    parts.mkdir()
    (parts / "sweep.json").write_text(json.dumps({"signature": "other", "batch_size": 1}))
    with pytest.raises(ParameterError, match="belong to another sweep"):
        sweep.run_sweep(fake_section, {"interface_cpe_alpha": [0.6]}, scheduler=SYNC, output=out, progress=False)


def test_local_cluster_gives_the_same_numbers():
    grid = {"lead_resistance_ohm": (0, 3, 3), "interface_cpe_alpha": (0.5, 1.0, 4)}
    local = sweep.run_sweep(fake_section, grid, scheduler=None, n_workers=2, progress=False)
    inproc = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False)
    xr.testing.assert_identical(local.drop_attrs(), inproc.drop_attrs())


def test_section_names_resolve_and_unknown_ones_are_listed():
    with pytest.raises(ParameterError, match="section"):
        sweep.resolve_section("99_no_such_section")
    assert sweep.resolve_section("fake_section") is fake_section


def test_parse_grid_and_cli(tmp_path, capsys):
    assert sweep.parse_grid("membrane_thickness_um=0.5:30:60") == ("membrane_thickness_um", (0.5, 30.0, 60))
    assert sweep.parse_grid("t=1:2:3:nm") == ("t", (1.0, 2.0, 3, "nm"))
    with pytest.raises(ParameterError, match="NAME=START:STOP:N"):
        sweep.parse_grid("t=1:2")
    assert sweep.main(["fake_section", "--list"]) == 0
    assert "membrane.lead_resistance [0, 3]" in capsys.readouterr().out
    out = tmp_path / "cli.nc"
    assert sweep.main(["fake_section", "--grid", "interface_cpe_alpha=0.5:1:3", "--scheduler", SYNC,
                       "-o", str(out)]) == 0
    assert xr.open_dataset(out)["membrane_asr"].sizes["interface_cpe_alpha"] == 3
    assert sweep.main(["fake_section", "--grid", "lead_resistance_ohm=0:3:1", "--sample", "latin", "5",
                       "--scheduler", SYNC, "-o", str(tmp_path / "lhs.nc")]) == 0


def test_sensitivity_ranks_assumptions_and_feeds_the_report(tmp_path):
    result = sweep.sensitivity(fake_section, scheduler=SYNC, trajectories=4, interval_points=32,
                               directory=tmp_path, progress=False)
    asr = result["claims"]["membrane_asr"]
    # asr = 0.0314 R + 0.8 α: over the ranges, α moves it by 0.4 and R by 0.094.
    assert [d["parameter"] for d in asr["drivers"][:2]] == ["interface_cpe_alpha", "lead_resistance_ohm"]
    assert asr["drivers"][0]["swing"] == pytest.approx(0.4, rel=1e-3)
    assert asr["p05"] < asr["central"] < asr["p95"]
    assert 0.4 < asr["p05"] < asr["p95"] < 0.9
    time_drivers = result["claims"]["dual_route_completion_time"]["drivers"]
    assert [d["parameter"] for d in time_drivers] == ["recession_rate_nm_per_min"]
    # α at its low end (0.5) fails the conductivity's gate: the number has no value there, and the
    # driver stays listed with that end empty (a reader should learn which end breaks it)
    sigma_drivers = {d["parameter"]: d for d in result["claims"]["membrane_conductivity"]["drivers"]}
    assert sigma_drivers["interface_cpe_alpha"]["value_at_low"] is None
    assert sigma_drivers["interface_cpe_alpha"]["value_at_high"] is not None
    assert (tmp_path / "fake_section.json").is_file() and (tmp_path / "tornado_fake_section.png").is_file()

    cached = sweep.load_sensitivity(tmp_path)
    assert cached["sections"]["fake_section"]["figure"].endswith("tornado_fake_section.png")
    from lpsrepro import claims

    central = asr["central"]
    doc = claims.claims_document([claims.make_record("membrane_asr", central, "ohm*cm**2")])
    text = report.render(doc, {}, sensitivity=cached)
    row = next(line for line in text.splitlines() if line.startswith("| `membrane_asr`"))
    assert row.rstrip().endswith("| yes |")
    assert "## Which assumptions move the numbers" in text and "tornado_fake_section.png" in text
    # the section's own table: central, interval, published inside, drivers (the staged one marked)
    table_row = next(line for line in text.splitlines() if line.startswith("| `membrane_asr` | "))
    assert table_row.startswith(f"| `membrane_asr` | {central:.4g} Ω·cm² | ") and "| yes | `membrane.interface_cpe_alpha`" in table_row
    time_row = next(line for line in text.splitlines() if line.startswith("| `dual_route_completion_time` | "))
    assert "`kinetics.recession_rate` (1-at-a-time)" in time_row
    assert "One at a time only (analysis stage, not in the interval): `kinetics.recession_rate`" in text
    # a reproduced number that is not the cache's central value: the code moved it, the interval is not shown
    moved = claims.claims_document([claims.make_record("membrane_asr", 1.1 * central, "ohm*cm**2")])
    row = next(line for line in report.render(moved, {}, sensitivity=cached).splitlines()
               if line.startswith("| `membrane_asr` —"))
    assert "stale cache (central" in row and "make sensitivity" in row


def test_a_cache_of_another_ledger_is_not_used(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps({"section": "old", "ledger_sha256": "0" * 64, "claims": {}}))
    assert sweep.load_sensitivity(tmp_path)["claims"] == {}
    assert sweep.load_sensitivity(tmp_path / "none") is None


def test_notebook_summary_reads_the_cache_only(tmp_path):
    text, fig = sweep.sensitivity_summary("fake_section", directory=tmp_path)
    assert "lpsrepro sweep fake_section --sensitivity morris" in text and fig is None
    sweep.sensitivity(fake_section, scheduler=SYNC, trajectories=2, interval_points=8, directory=tmp_path,
                      progress=False)
    text, fig = sweep.sensitivity_summary("fake_section", directory=tmp_path)
    row = next(line for line in text.splitlines() if line.startswith("membrane_asr"))
    assert "membrane.interface_cpe_alpha" in row and fig is not None


def test_notebook_summary_withholds_intervals_of_other_inputs(tmp_path):
    """Run on one's own files, a notebook must not show the bundled data's interval as if it were its own:
    a claim whose number in this run is not the cache's central value is named, its interval left out."""
    import dataclasses

    sweep.sensitivity(fake_section, scheduler=SYNC, trajectories=2, interval_points=8, directory=tmp_path,
                      progress=False)
    central = fake_section.run(fake_section.Params.from_ledger())
    text, _ = sweep.sensitivity_summary("fake_section", central, directory=tmp_path)
    assert any(line.startswith("membrane_asr") for line in text.splitlines()) and "not shown" not in text
    other = dataclasses.replace(central, asr=1.5 * central.asr)        # as from another measurement
    text, _ = sweep.sensitivity_summary("fake_section", other, directory=tmp_path)
    shown = text.split("not shown:", 1)
    assert len(shown) == 2 and "membrane_asr: central" in shown[1], text
    assert not any(line.startswith("membrane_asr") for line in shown[0].splitlines())
    assert any(line.startswith("dual_route_completion_time") for line in shown[0].splitlines())


# --------------------------------------------------------------------------- the cache key
def _ledger_copy(tmp_path, name, edit=None):
    """A copy of the ledger with ``edit(entries)`` applied, as a new file (the loader caches by path)."""
    import yaml

    doc = yaml.safe_load(paths.ASSUMPTIONS.read_text(encoding="utf-8"))
    if edit:
        edit(doc["assumptions"])
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_a_ledger_edit_elsewhere_leaves_the_cache_fresh_its_own_entry_makes_it_stale(tmp_path, monkeypatch):
    result = sweep.sensitivity(fake_section, scheduler=SYNC, trajectories=2, interval_points=8,
                               directory=tmp_path, progress=False)
    assert sweep.cache_problems(result) == []
    assert sweep.load_sensitivity(tmp_path)["stale"] == []

    def elsewhere(entries):                       # an entry the fake section does not read
        entries["pellet.lead_resistance"]["value"] = 0.7
        entries["eis.sweep_start"]["justification"] += " Edited."

    monkeypatch.setattr(paths, "ASSUMPTIONS", _ledger_copy(tmp_path, "elsewhere.yaml", elsewhere))
    assert ledger.value("pellet.lead_resistance", "ohm") == 0.7        # the edit is seen
    assert sweep.cache_problems(result) == []
    assert "fake_section" in sweep.load_sensitivity(tmp_path)["sections"]

    def own_range(entries):
        entries["membrane.lead_resistance"]["range"] = [0.0, 2.0]

    monkeypatch.setattr(paths, "ASSUMPTIONS", _ledger_copy(tmp_path, "range.yaml", own_range))
    problems = sweep.cache_problems(result)
    assert len(problems) == 1 and "ledger entry membrane.lead_resistance changed" in problems[0]
    merged = sweep.load_sensitivity(tmp_path)
    assert merged["stale"] == ["fake_section"] and merged["claims"] == {}
    text, fig = sweep.sensitivity_summary("fake_section", directory=tmp_path)
    assert "membrane.lead_resistance changed" in text and "lpsrepro sweep fake_section --sensitivity morris" in text

    def own_value(entries):
        entries["membrane.interface_cpe_alpha"]["value"] = 0.8

    monkeypatch.setattr(paths, "ASSUMPTIONS", _ledger_copy(tmp_path, "value.yaml", own_value))
    problems = sweep.cache_problems(result)
    assert any("parameter default interface_cpe_alpha changed" in p for p in problems)
    assert any("ledger entry membrane.interface_cpe_alpha changed" in p for p in problems)


def test_a_changed_data_file_makes_the_cache_stale(tmp_path, monkeypatch):
    data = tmp_path / "spectrum.csv"
    data.write_text("1,2\n")
    real = fake_section.Params.from_ledger
    monkeypatch.setattr(fake_section.Params, "from_ledger", classmethod(lambda cls: real().replace(label=str(data))))
    key = sweep.cache_key(fake_section)
    assert key["files"]["label"]["sha256"] == __import__("hashlib").sha256(b"1,2\n").hexdigest()
    doc = {"section": "fake_section", "module": "fake_section", "cache_key": key, "claims": {}}
    assert sweep.cache_problems(doc) == []
    data.write_text("1,3\n")
    assert sweep.cache_problems(doc) == ["fake_section: data file label changed ("
                                         + sweep._short(key["files"]["label"]) + " → "
                                         + sweep._short(sweep.cache_key(fake_section)["files"]["label"]) + ")"]


def test_paths_in_the_key_are_relative_to_the_repository():
    assert sweep._jsonable(str(paths.ROOT / "data" / "raw" / "x.z")) == "data/raw/x.z"
    assert sweep._jsonable(("/elsewhere/y.z", 2.0)) == ["/elsewhere/y.z", 2.0]


def test_a_code_change_that_moves_a_central_number_is_caught(tmp_path, monkeypatch):
    result = sweep.sensitivity(fake_section, scheduler=SYNC, trajectories=2, interval_points=8,
                               directory=tmp_path, progress=False)
    assert sweep.cache_problems(result, check_central=True) == []
    real = fake_section.run
    monkeypatch.setattr(fake_section, "run", lambda p, prepared=None: dataclasses.replace(
        real(p, prepared), asr=1.1 * real(p, prepared).asr))
    problems = sweep.cache_problems(result, check_central=True)
    assert len(problems) == 1 and "membrane_asr is" in problems[0] and "the code changed" in problems[0]
    assert sweep.cache_problems(result) == []     # the cheap check cannot see it (that is why the test runs)


def test_analysis_stage_assumptions_get_one_at_a_time_only(tmp_path):
    fake_section.PREPARE_CALLS.clear()
    result = sweep.sensitivity(fake_section, scheduler=SYNC, trajectories=3, interval_points=16,
                               directory=tmp_path, progress=False)
    staged = result["assumptions"]["recession_rate_nm_per_min"]
    assert staged["analysis"] == "analysis-stage assumption: one-at-a-time only"
    assert result["assumptions"]["lead_resistance_ohm"]["analysis"].startswith("one-at-a-time and global")
    assert result["interval_over"] == ["membrane.lead_resistance", "membrane.interface_cpe_alpha"]
    # the central prepare and one per end of the staged assumption's range: Morris and the hypercube reuse
    # the central one
    assert sorted(p.recession_rate_nm_per_min for p in fake_section.PREPARE_CALLS) == [0.3, 12.0, 30.0]
    assert result["prepare_groups"] == 3
    time = result["claims"]["dual_route_completion_time"]
    (driver,) = time["drivers"]
    assert driver["analysis"].endswith("one-at-a-time only") and "mu_star" not in driver
    assert driver["value_at_low"] == pytest.approx(3000) and driver["value_at_high"] == pytest.approx(30)
    # the interval covers the globally varied assumptions only, which do not move the time
    assert time["p05"] == time["p95"] == pytest.approx(75)
    text, _ = sweep.sensitivity_summary("fake_section", directory=tmp_path)
    assert "one at a time only, not in the interval): kinetics.recession_rate" in text


def test_when_every_assumption_is_analysis_stage_the_interval_is_the_one_at_a_time_span(tmp_path, monkeypatch):
    monkeypatch.setattr(fake_section.Params, "PREPARED_FROM", frozenset(fake_section.Params.LEDGER))
    result = sweep.sensitivity(fake_section, scheduler=SYNC, directory=tmp_path, progress=False)
    assert result["points"] == 6 and result["interval_over"] == [] and result["ranked_by"] == "swing"
    asr = result["claims"]["membrane_asr"]
    assert asr["interval"] == "one-at-a-time span"
    ends = [v for d in asr["drivers"] for v in (d["value_at_low"], d["value_at_high"])]
    assert asr["p05"] == min(ends + [asr["central"]]) and asr["p95"] == max(ends + [asr["central"]])


def test_refresh_all_recomputes_then_skips_fresh_caches(tmp_path, monkeypatch):
    import io

    fast = {"trajectories": 2, "interval_points": 8, "progress": False}
    real = sweep.sensitivity
    monkeypatch.setattr(sweep, "sensitivity", lambda name, **kw: real(name, **{**kw, **fast}))
    log = io.StringIO()
    times = sweep.refresh_all(sections=["fake_section"], scheduler=SYNC, directory=tmp_path, out=log)
    assert set(times) == {"fake_section"} and (tmp_path / "fake_section.json").is_file()
    assert "[1/1] fake_section: computing its morris sensitivity" in log.getvalue()
    log = io.StringIO()
    assert sweep.refresh_all(sections=["fake_section"], only_stale=True, scheduler=SYNC, directory=tmp_path,
                             out=log) == {}
    assert "[1/1] fake_section: cache fresh, skipped" in log.getvalue()


def test_every_section_with_ranged_ledger_entries_is_refreshed_by_all():
    names = sweep.sections_with_ranges()
    assert {"membrane", "performance"} <= set(names)
    for name in names:
        module = sweep.resolve_section(name)
        assert any(ledger.get(key).range for key in module.Params.LEDGER.values()), name
    with pytest.raises(ParameterError, match="only with --sensitivity"):
        sweep.main(["all", "--grid", "x=1:2:2"])


# --------------------------------------------------------------------------- Zarr
def test_a_zarr_sweep_is_written_in_chunks_and_reopens_with_units(tmp_path):
    out = tmp_path / "s.zarr"
    grid = {"recession_rate_nm_per_min": [2.0, 12.0], "interface_cpe_alpha": (0.5, 1.0, 5)}
    ds = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False, output=out, batch_size=2)
    assert out.is_dir() and not (tmp_path / "s.zarr.partial.zarr").exists()
    reference = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False)
    with xr.open_zarr(out) as back:
        assert back["membrane_asr"].dims == ("recession_rate_nm_per_min", "interface_cpe_alpha")
        assert back["membrane_asr"].attrs["units"] == "ohm*cm**2"
        assert back["interface_cpe_alpha"].attrs["units"] == "dimensionless"
        assert back["recession_rate_nm_per_min"].attrs["ledger_key"] == "kinetics.recession_rate"
        assert back.attrs["ledger_sha256"] == ledger.digest() and back.attrs["n_points"] == 10
        xr.testing.assert_identical(back.load().drop_attrs(), reference.drop_attrs())
    xr.testing.assert_identical(ds.load().drop_attrs(), reference.drop_attrs())


def test_a_killed_zarr_sweep_resumes_from_its_finished_batches(tmp_path, monkeypatch):
    out = tmp_path / "k.zarr"
    grid = {"interface_cpe_alpha": (0.5, 1.0, 12)}
    real_write = sweep._ZarrParts.write
    calls = []

    def dying(self, index, indices, results, units):
        if len(calls) == 3:
            raise KeyboardInterrupt          # the sweep dies after three finished batches
        calls.append(index)
        real_write(self, index, indices, results, units)

    monkeypatch.setattr(sweep._ZarrParts, "write", dying)
    with pytest.raises(KeyboardInterrupt):
        sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False, output=out, batch_size=2)
    assert (tmp_path / "k.zarr.partial.zarr").is_dir() and not out.exists()
    monkeypatch.setattr(sweep._ZarrParts, "write", real_write)
    computed = []
    real_batch = sweep.run_batch
    monkeypatch.setattr(sweep, "run_batch", lambda *a: computed.append(len(a[3])) or real_batch(*a))
    ds = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False, output=out, batch_size=2)
    assert sum(computed) == 12 - 3 * 2                       # no finished point computed again
    fresh = sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False)
    np.testing.assert_array_equal(ds["membrane_asr"].values, fresh["membrane_asr"].values)
    # a partial store of another sweep is refused, not mixed in
    with pytest.raises(KeyboardInterrupt):
        monkeypatch.setattr(sweep._ZarrParts, "write", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
        sweep.run_sweep(fake_section, grid, scheduler=SYNC, progress=False, output=out, batch_size=2)
    with pytest.raises(ParameterError, match="belong to another sweep"):
        sweep.run_sweep(fake_section, {"interface_cpe_alpha": (0.5, 1.0, 3)}, scheduler=SYNC, progress=False,
                        output=out)


def test_cli_writes_zarr(tmp_path):
    out = tmp_path / "cli.zarr"
    assert sweep.main(["fake_section", "--grid", "interface_cpe_alpha=0.5:1:3", "--scheduler", SYNC,
                       "-o", str(out)]) == 0
    with xr.open_zarr(out) as ds:
        assert ds["membrane_asr"].sizes["interface_cpe_alpha"] == 3 and ds["membrane_asr"].attrs["units"] == "ohm*cm**2"


def test_a_number_without_any_value_is_said_so_in_the_section_table(tmp_path):
    result = sweep.sensitivity(fake_section, scheduler=SYNC, trajectories=2, interval_points=8,
                               directory=tmp_path, progress=False)
    for cid in ("membrane_conductivity",):      # pretend its gate failed everywhere
        result["claims"][cid].update(p05=None, p95=None, drivers=[], failed_points=result["points"])
    (tmp_path / "fake_section.json").write_text(json.dumps(result))
    text = report._tornado_section(sweep.load_sensitivity(tmp_path), {"claims": []})
    row = next(line for line in text if line.startswith("| `membrane_conductivity` |"))
    assert f"no value at any of the {result['points']} points" in row and row.endswith("| — |")
