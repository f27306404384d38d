"""The scan / sweep / spectrum choice of the notebooks' parameters on real multi-scan instrument files
(issue 9): ``xrd_scan`` and ``raman_spectrum`` of §3.1 (notebook 31b), ``eis_spectrum`` of notebook 32
and ``pellet_<name>_spectrum`` of notebook 31a, through each section's Params.

Files: tests/data (see SOURCES.md) — a PANalytical .xrdml mesh of 101 2theta scans of a Ga2O3 film,
a Renishaw .wdf time series of 3 spectra, BioLogic PEIS records of 4 and 32 loops.
"""

from pathlib import Path

import numpy as np
import pytest

from lpsrepro.errors import InputFileError
from lpsrepro.io.impedance import read_impedance
from lpsrepro.io.raman import read_raman_spectrum
from lpsrepro.io.xrd import read_xrd_pattern
from lpsrepro.sections import membrane
from lpsrepro.sections import nanoparticles as sec
from lpsrepro.sections import reaction_kinetics as sk

DATA = Path(__file__).resolve().parents[1] / "data"
MESH = DATA / "xrd" / "m82762_rc1mm_1_16dg_src_slit_phi-101_3dg_-420_mesh_long.xrdml"
WDF_SERIES = DATA / "raman" / "renishaw_test_timeseries.wdf"
PEIS_MPR = DATA / "eis" / "peis.issue_149.mpr"
VSP_MPR = DATA / "eis" / "vsp_peis_with.mpr"
NO_IMAGES = dict(li2s_image_file="missing.tif", lps_image_file="missing.tif", naph_image_file="missing.tif")


# ------------------------------------------------------------------ §3.1 (31b): xrd_scan, raman_spectrum
def test_nano_li2s_files_take_the_scan_and_spectrum_named_in_the_params():
    p = sk.Params.from_ledger().replace(nano_li2s_xrd_file=str(MESH), nano_li2s_raman_file=str(WDF_SERIES),
                                        xrd_scan={MESH.name: 50}, raman_spectrum={WDF_SERIES.name: 1})
    nano = sk.measure_nano_li2s(p)
    assert nano.sample.pattern.attrs["scan"] == 50
    np.testing.assert_array_equal(nano.sample.pattern.values, read_xrd_pattern(MESH, scan=50).values)
    assert nano.raman_nano.spectrum.attrs["spectrum"] == 1 and not nano.raman_nano.error
    np.testing.assert_array_equal(nano.raman_nano.spectrum.values, read_raman_spectrum(WDF_SERIES, spectrum=1).values)
    # a Ga2O3 film is no nano-Li2S: its size must not come out as a usable number
    assert nano.problem.startswith(MESH.name)
    assert sk.nano_li2s_diameter(nano, p.nano_li2s_relative_sd).problem


def test_unchosen_or_wrong_scan_of_a_real_multi_scan_file_is_reported_naming_file_parameter_and_count():
    p = sk.Params.from_ledger().replace(nano_li2s_xrd_file=str(MESH), nano_li2s_raman_file=str(WDF_SERIES))
    nano = sk.measure_nano_li2s(p)
    assert nano.sample.pattern is None and nano.raman_nano.spectrum is None
    assert nano.sample.error.startswith(MESH.name) and "holds 101 scans" in nano.sample.error
    assert "nano_li2s_xrd_file" in nano.sample.error and "xrd_scan" in nano.sample.error
    assert nano.raman_nano.error.startswith(WDF_SERIES.name) and "holds 3 spectra" in nano.raman_nano.error
    assert "nano_li2s_raman_file" in nano.raman_nano.error and "raman_spectrum" in nano.raman_nano.error
    wrong = sk.measure_nano_li2s(p.replace(xrd_scan=101, raman_spectrum=3))
    assert "scan=101 does not exist; the file holds 101 scans" in wrong.sample.error
    assert "spectrum=3 does not exist; the file holds 3 spectra" in wrong.raman_nano.error


def test_a_foreign_pattern_is_not_a_usable_kinetics_sample():
    p = sk.Params.from_ledger().replace(conventional_xrd_files=(str(MESH), *sk.Params.from_ledger()
                                                                .conventional_xrd_files[1:]),
                                        xrd_scan={MESH.name: 50})
    sample = sk.quantify(p.conventional_xrd_files[0], p.conventional_times_min[0], ("beta-Li3PS4", "Li2S"),
                         li2s_start_nm=p.commercial_li2s_start_nm, caglioti_uvw=p.caglioti_uvw,
                         wavelength_angstrom=p.wavelength_angstrom, parameter="conventional_xrd_files",
                         scan=p.scan_for(p.conventional_xrd_files[0]))
    assert sample.pattern is not None and sample.pattern.attrs["scan"] == 50
    assert not sample.usable
    assert sk.observed(sample, "Li2S", "conventional").failed_quality


# ------------------------------------------------------------------ notebook 32: eis_spectrum
def test_membrane_takes_the_loop_named_by_eis_spectrum():
    p = membrane.Params.from_ledger().replace(eis_file=str(PEIS_MPR), eis_spectrum=2)
    result = membrane.run(p)
    assert result.spectrum.attrs["spectrum"] == 2 and result.spectrum.attrs["spectra_in_file"] == 4
    expected = read_impedance(PEIS_MPR, spectrum=2)
    np.testing.assert_array_equal(result.spectrum["z_real"].values, expected["z_real"].values)
    assert not np.array_equal(result.spectrum["z_real"].values, read_impedance(PEIS_MPR, spectrum=0)["z_real"].values)
    with pytest.raises(InputFileError, match=r"field 'eis_spectrum': the file holds 4 spectra") as info:
        membrane.run(p.replace(eis_spectrum=None))
    assert info.value.path.name == PEIS_MPR.name
    with pytest.raises(InputFileError, match=r"eis_spectrum = 4 does not exist; the file holds 4 spectra"):
        membrane.run(p.replace(eis_spectrum=4))


# ------------------------------------------------------------------ notebook 31a: pellet_<name>_spectrum
def test_each_pellet_takes_its_loop_of_a_real_32_loop_record():
    q = sec.Params.from_ledger().replace(**NO_IMAGES, pellet_300c_file=str(VSP_MPR), pellet_300c_spectrum=31,
                                         pellet_naph_file=str(VSP_MPR))
    prepared = sec.prepare(q)
    spectrum = prepared.spectra["300c"]
    assert spectrum.attrs["spectrum"] == 31 and spectrum.attrs["spectra_in_file"] == 32
    np.testing.assert_array_equal(spectrum["z_imag"].values, read_impedance(VSP_MPR, spectrum=31)["z_imag"].values)
    why = prepared.pellet_failures["naph"]          # no choice for this pellet: reported, the others go on
    assert VSP_MPR.name in why and "pellet_naph_spectrum" in why and "holds 32 spectra" in why
    assert "300c" not in prepared.pellet_failures and "250c" not in prepared.pellet_failures
