"""The sweep engine on the real sections and their cached sensitivity (figures/sensitivity/)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from lpsrepro import ledger, paths, sweep
from lpsrepro.units import field_unit

SYNC = "synchronous"
SECTIONS = {"nanoparticles": "31a_nanoparticles.ipynb", "reaction_kinetics": "31b_reaction_kinetics.ipynb",
            "membrane": "32_membrane.ipynb", "performance": "33_performance.ipynb"}
#: Every section with ranged ledger entries: each has a cached sensitivity (issue 13: Li–S, membrane,
#: kinetics, particles), refreshed by `make sensitivity`.
RANGED = sweep.sections_with_ranges()


def _round4(x: float) -> float:
    return float(f"{x:.4g}")


def recorded_numbers(notebook: str) -> dict[str, float]:
    """The numbers a committed, executed notebook recorded (reproductions by id, predictions as id.predicted)."""
    doc = json.loads((paths.ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))
    out = {}
    for cell in doc["cells"]:
        for output in cell.get("outputs", []):
            rec = output.get("data", {}).get("application/vnd.lpsrepro.claim+json")
            if rec and rec.get("value") is not None:
                suffix = sweep.PREDICTED if rec.get("kind") == "independent_prediction" else ""
                out[rec["id"] + suffix] = (rec["value"], rec["unit"], bool(rec.get("failed_quality")))
    return out


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_ledger_field_has_the_ledger_unit_and_range(section):
    module = sweep.resolve_section(section)
    found = sweep.knobs(module)
    for field, key in module.Params.LEDGER.items():
        knob = found[field]
        assert knob.ledger_key == key
        assert knob.unit == (field_unit(field) or "dimensionless")
        entry = ledger.get(key)
        if entry.range:
            assert knob.range[0] <= knob.default <= knob.range[1], f"{key}: central value outside its range"


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_sweep_at_the_central_values_equals_the_notebooks_recorded_numbers(section):
    module = sweep.resolve_section(section)
    field = next(iter(module.Params.LEDGER))
    central = getattr(module.Params.from_ledger(), field)
    ds = sweep.run_sweep(module, {field: [central]}, scheduler=SYNC, progress=False)
    recorded = recorded_numbers(SECTIONS[section])
    assert recorded, f"notebook {SECTIONS[section]} has no recorded numbers (not executed?)"
    for name, (value, unit, failed_quality) in recorded.items():
        assert name in ds, f"{name} recorded by the notebook but not in the sweep"
        assert ds[name].attrs["units"] == unit
        got = float(ds[name].values[0])
        if failed_quality:  # the notebook shows it with its failed gate; the sweep flags it and gives no value
            assert int(ds[f"{name}_failed_quality"].values[0]) == 1 and math.isnan(got), name
            continue
        # claims.record rounds to 4 significant digits
        assert _round4(got) == pytest.approx(value, rel=1e-12, abs=0), name


def test_cli_sweeps_the_membrane_over_three_diameters(tmp_path):
    out = tmp_path / "membrane.nc"
    assert sweep.main(["32_membrane", "--grid", "electrode_diameter_mm=1:3:3", "--scheduler", SYNC,
                       "-o", str(out)]) == 0
    with xr.open_dataset(out) as ds:
        assert ds.sizes["electrode_diameter_mm"] == 3
        assert ds["electrode_diameter_mm"].attrs["units"] == "mm"
        assert ds["membrane_asr"].attrs["units"] == "ohm*cm**2"
        asr = ds["membrane_asr"].values
        # the intercept comes from the spectrum, the area from the diameter: ASR = R·πd²/4 grows as d²
        np.testing.assert_allclose(asr / asr[0], [1.0, 4.0, 9.0], rtol=1e-9)
        sigma = ds["membrane_conductivity"].values
        np.testing.assert_allclose(sigma * asr, sigma[0] * asr[0], rtol=1e-9)
        assert int(ds["point_failed"].sum()) == 0


def test_a_diameter_outside_the_ledger_range_is_refused():
    from lpsrepro.errors import ParameterError

    with pytest.raises(ParameterError, match="electrode_diameter_mm: 10 mm lies outside the ledger's range"):
        sweep.plan_points("membrane", {"electrode_diameter_mm": [10.0]})


# --------------------------------------------------------------------------- the committed cache
CACHE = sweep.SENSITIVITY_DIR


def test_the_sections_of_the_paper_have_ranged_ledger_entries():
    assert {"membrane", "performance", "nanoparticles", "reaction_kinetics"} <= set(RANGED)


@pytest.mark.parametrize("section", RANGED)
def test_cached_sensitivity_is_fresh(section):
    """Stale when the section's parameters, its ledger entries or its data files changed, or when its
    numbers at the central values are no longer the cached ones (a code change): one command refreshes it."""
    path = CACHE / f"{section}.json"
    refresh = f"refresh it with `{sweep.refresh_command(section)}` (all sections: `make sensitivity`)"
    assert path.is_file(), f"figures/sensitivity/{section}.json is missing: {refresh}"
    doc = json.loads(path.read_text(encoding="utf-8"))
    problems = sweep.cache_problems(doc, check_central=True)
    assert not problems, f"figures/sensitivity/{section}.json is stale: {'; '.join(problems)} — {refresh}"
    assert (CACHE / doc["figure"]).is_file()
    ranged = {k for k, key in sweep.resolve_section(section).Params.LEDGER.items() if ledger.get(key).range}
    assert set(doc["assumptions"]) == ranged
    staged = sweep.prepared_from(sweep.resolve_section(section))
    for name, info in doc["assumptions"].items():
        assert info["analysis"].endswith("one-at-a-time only") == (name in staged), name


def test_cached_membrane_asr_hangs_on_the_electrode_diameter():
    doc = json.loads((CACHE / "membrane.json").read_text(encoding="utf-8"))
    asr = doc["claims"]["membrane_asr"]
    assert asr["drivers"][0]["assumption"] == "membrane.electrode_diameter"
    assert asr["p05"] < 0.8 < asr["p95"]
    # thickness is measured from the image: no ledger entry moves it
    assert doc["claims"]["membrane_thickness"]["drivers"] == []


def test_the_400_whkg_loading_reaches_the_papers_value_when_one_stack_input_moves():
    merged = sweep.load_sensitivity(CACHE)
    loading = merged["claims"]["li_s_loading_400whkg_1um"]
    assert loading["kind"] == "independent_prediction"
    assert abs(loading["central"] - 1.7) > 0.05          # the ledger's central inputs miss it
    text, _ = sweep.sensitivity_summary("33_performance", directory=CACHE)
    lines = [line for line in text.splitlines() if line.strip().startswith("li_s_loading_400whkg_1um.predicted: paper 1.7")]
    assert lines, text
    # a driver at one of whose ends the loading has no value (400 Wh/kg out of reach) reaches nothing
    ends = {d["assumption"]: (d["value_at_low"], d["value_at_high"]) for d in loading["drivers"]
            if None not in (d["value_at_low"], d["value_at_high"])}
    reaching = [a for a, (low, high) in ends.items() if min(low, high) <= 1.7 <= max(low, high)]
    assert reaching and all(a.startswith("energy.") for a in reaching)


def test_predictions_with_a_measured_twin_stay_apart():
    merged = sweep.load_sensitivity(CACHE)
    assert merged["claims"]["li2au_plateau_voltage"]["kind"] == "reproduction"
    assert merged["predictions"]["li2au_plateau_voltage"]["kind"] == "independent_prediction"
    assert not any(cid.endswith(sweep.PREDICTED) for cid in merged["claims"])


def test_intervals_contain_the_central_value():
    merged = sweep.load_sensitivity(CACHE)
    for cid, claim in {**merged["claims"], **merged["predictions"]}.items():
        if claim.get("p05") is None or not math.isfinite(claim["central"]):
            continue
        # a 5-95 % interval may exclude the central value only when that sits in a tail; the 1–99 % of
        # the one-at-a-time ends must hold it
        ends = [v for d in claim["drivers"] for v in (d["value_at_low"], d["value_at_high"]) if v is not None]
        assert min(ends + [claim["p05"]]) <= claim["central"] <= max(ends + [claim["p95"]]), cid
