"""§3.1 section: the fast path prepare()/run(prepared=...) and the choice of one scan in multi-scan files.

The fast-path tests run the slow path (every pattern and spectrum fitted) a few times: ~30 s each.
"""

import dataclasses
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

from lpsrepro import ledger, paths
from lpsrepro.errors import ParameterError
from lpsrepro.io.xrd import read_xrd_pattern
from lpsrepro.sections import reaction_kinetics as sk

DATA = paths.ROOT / "tests" / "data"
RAW = paths.DATA / "raw"
LINESCAN = DATA / "raman" / "LabRAM_raman_linescan.txt"     # real LabSpec table, 100 spectra
BRML = DATA / "xrd" / "23-012-AG_2thomegascan_long.brml"     # real Bruker file, one scan


def same_numbers(a: dict, b: dict) -> list[str]:
    """Claim ids whose Number differs between two ``numbers()`` (NaN equal to NaN)."""
    def norm(n):
        return dataclasses.replace(n, value=None if math.isnan(n.value) else n.value)
    return sorted(set(a) ^ set(b)) + [k for k in a if k in b and norm(a[k]) != norm(b[k])]


@pytest.fixture(scope="module")
def base():
    p = sk.Params.from_ledger()
    return p, sk.prepare(p)


# ------------------------------------------------------------------ fast path (issue 13)
def test_prepared_from_names_fields_and_leaves_out_every_ledger_range():
    fields = {f.name for f in dataclasses.fields(sk.Params)}
    assert sk.Params.PREPARED_FROM <= fields
    ranged = [f for f, key in sk.Params.LEDGER.items() if ledger.get(key).range]
    assert set(ranged) == {"commercial_li2s_median_nm", "commercial_li2s_gsd", "nano_li2s_relative_sd",
                           "target_conversion"}
    assert not set(ranged) & sk.Params.PREPARED_FROM   # the kinetic assumptions are swept on the fast path


def test_run_with_prepared_equals_run(base):
    p, prepared = base
    assert not same_numbers(sk.run(p, prepared=prepared).numbers(), sk.run(p).numbers())
    result = sk.run(p, prepared=prepared)
    assert pickle.loads(pickle.dumps(result)).numbers() == result.numbers()
    assert pickle.loads(pickle.dumps(prepared)).key == prepared.key


@pytest.mark.parametrize("field_name", ["nano_li2s_relative_sd", "commercial_li2s_gsd"])
def test_a_ledger_field_moved_to_its_range_end_on_the_fast_path_equals_the_slow_path(base, field_name):
    p, prepared = base
    assert field_name not in sk.Params.PREPARED_FROM
    high = ledger.get(sk.Params.LEDGER[field_name]).range[1]      # both are pure numbers: no conversion
    q = p.replace(**{field_name: float(high)})
    fast = sk.run(q, prepared=prepared).numbers()
    assert not same_numbers(fast, sk.run(q).numbers())
    assert fast["dual_route_completion_time"].value != sk.run(p, prepared=prepared).numbers()[
        "dual_route_completion_time"].value   # the field does reach the conclusion


def test_every_ranged_ledger_field_at_its_range_ends_runs_on_the_fast_path(base):
    p, prepared = base
    central = sk.run(p, prepared=prepared).numbers()["dual_route_completion_time"]
    for field_name, key in sk.Params.LEDGER.items():
        entry = ledger.get(key)
        if not entry.range:
            continue
        for end in entry.range:
            q = p.replace(**{field_name: float(end)})
            number = sk.run(q, prepared=prepared).numbers()["dual_route_completion_time"]
            assert np.isfinite(number.value) and not number.failed_quality, (field_name, end)
            assert number.value != central.value, (field_name, end)


def test_a_prepared_of_other_files_or_settings_is_refused(base):
    p, prepared = base
    with pytest.raises(ParameterError, match="caglioti_w_deg2"):
        sk.run(p.replace(caglioti_w_deg2=0.003), prepared=prepared)
    with pytest.raises(ParameterError, match="prepared"):
        sk.run(p, prepared="not a Prepared")


# ------------------------------------------------------------------ own multi-scan files (issue 9)
def test_scan_choice_for_every_file_or_per_file():
    p = sk.Params.from_ledger()
    conv = p.conventional_xrd_files
    assert p.scan_for(conv[0]) is None
    assert p.replace(xrd_scan=2).scan_for(conv[0]) == 2
    named = p.replace(xrd_scan={Path(conv[1]).name: 3, conv[2]: 1})     # by file name, or by the path as given
    assert [named.scan_for(f) for f in conv[:3]] == [None, 3, 1]
    assert named.xrd_scan == ((Path(conv[1]).name, 3), (conv[2], 1))      # hashable, picklable
    assert pickle.loads(pickle.dumps(named)) == named
    assert p.replace(raman_spectrum={Path(p.dual_raman_files[0]).name: 4}).scan_for(
        p.dual_raman_files[0], "raman_spectrum") == 4
    with pytest.raises(ParameterError, match="xrd_scan"):
        p.replace(xrd_scan=-1)
    with pytest.raises(ParameterError, match="raman_spectrum"):
        p.replace(raman_spectrum="2")
    with pytest.raises(ParameterError, match="'nope.brml' is none of the section's files"):
        p.replace(xrd_scan={"nope.brml": 1})


def test_a_spectrum_of_a_real_linescan_is_chosen_and_a_wrong_choice_is_named():
    bands = sk.Params.from_ledger().bands()
    chosen = sk.fit_spectrum(str(LINESCAN), 0.0, bands, 2.5, "conventional_raman_files", spectrum=3)
    other = sk.fit_spectrum(str(LINESCAN), 0.0, bands, 2.5, "conventional_raman_files", spectrum=50)
    assert chosen.spectrum.attrs["spectrum"] == 3 and other.spectrum.attrs["spectrum"] == 50
    assert not np.array_equal(chosen.spectrum.values, other.spectrum.values)
    unchosen = sk.fit_spectrum(str(LINESCAN), 0.0, bands, 2.5, "conventional_raman_files")
    assert unchosen.fit is None
    assert unchosen.error.startswith("LabRAM_raman_linescan.txt") and "holds 100 spectra" in unchosen.error
    assert "conventional_raman_files" in unchosen.error and "raman_spectrum" in unchosen.error
    wrong = sk.fit_spectrum(str(LINESCAN), 0.0, bands, 2.5, "dual_raman_files", spectrum=100)
    assert wrong.fit is None and "spectrum=100 does not exist; the file holds 100 spectra" in wrong.error
    assert wrong.error.startswith("LabRAM_raman_linescan.txt") and "dual_raman_files" in wrong.error


def test_a_pattern_of_a_series_file_is_chosen_and_a_wrong_scan_is_named():
    series = RAW / "xrd_conventional_series.nc"      # the bundled series: 5 patterns
    chosen = read_xrd_pattern(series, scan=4)
    single = read_xrd_pattern(RAW / "xrd_conventional_4320min.xy")
    np.testing.assert_allclose(chosen.values, single.values)
    kwargs = dict(li2s_start_nm=100.0, caglioti_uvw=(0.004, -0.002, 0.0025), wavelength_angstrom=1.540598,
                  parameter="conventional_xrd_files")
    wrong = sk.quantify(str(series), 4320.0, ("beta-Li3PS4", "Li2S"), scan=7, **kwargs)
    assert wrong.fit is None and "pattern=7 does not exist; the file holds 5 patterns" in wrong.error
    assert wrong.error.startswith("xrd_conventional_series.nc") and "conventional_xrd_files" in wrong.error
    real = sk.quantify(str(BRML), 50.0, ("beta-Li3PS4", "Li2S"), scan=1, **{**kwargs, "parameter": "dual_xrd_files"})
    assert real.fit is None and "scan=1 does not exist; the file holds 1 scan" in real.error
    assert real.error.startswith(BRML.name) and "dual_xrd_files" in real.error and "xrd_scan" in real.error


def test_bad_multi_scan_samples_are_reported_and_skipped_the_others_run_on():
    p = sk.Params.from_ledger()
    conv = p.conventional_xrd_files
    rconv = p.conventional_raman_files
    q = p.replace(dual_xrd_files=p.dual_xrd_files[:1], dual_times_min=p.dual_times_min[:1],
                  dual_raman_files=p.dual_raman_files[:1],
                  conventional_xrd_files=(conv[0], str(BRML), conv[1], conv[4]),
                  conventional_times_min=(120.0, 300.0, 720.0, 4320.0),
                  conventional_raman_files=(rconv[0], str(LINESCAN), rconv[1], rconv[4]),
                  xrd_scan={BRML.name: 4})
    result = sk.run(q)
    problems = result.problems()
    assert any(x.startswith(BRML.name) and "scan=4 does not exist" in x for x in problems), problems
    assert any(x.startswith(LINESCAN.name) and "holds 100 spectra" in x for x in problems), problems
    assert [s.usable for s in result.conventional] == [True, False, True, True]
    assert result.kinetics.times_min == (120.0, 720.0, 4320.0)
    numbers = result.numbers()
    assert np.isfinite(numbers["dual_route_completion_time"].value)
    assert np.isfinite(numbers["raman_p2s6_band"].value)
