"""Real public instrument files (tests/data, see SOURCES.md) through the technique readers.

Each file is checked against a value its source states: the wavelength and
scan range written in the file by the instrument software (and asserted by
the source repository's own tests), the reference capacity tables that ship
with NewareNDA, the first-order optical phonon of crystalline silicon for a
Si reference spectrum, the laser line stated in a LabSpec header.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from lpsrepro.errors import InputFileError
from lpsrepro.io.cycler import read_cycler
from lpsrepro.io.impedance import read_impedance
from lpsrepro.io.raman import read_raman_spectrum
from lpsrepro.io.xrd import read_xrd_pattern

DATA = Path(__file__).parents[1] / "data"
#: Cu Kα1 (Å), Hölzer et al., Phys. Rev. A 56, 4554 (1997); nomad-measurements' tests assert it for these files.
CU_KA1 = 1.540598
#: First-order Raman line of crystalline Si at room temperature, 520.7 cm⁻¹ (e.g. Temple & Hathaway,
#: Phys. Rev. B 7, 3685 (1973)); ±1.5 cm⁻¹ covers instrument calibration and the 0.5–1.5 cm⁻¹ pixel spacing.
SI_RAMAN_PER_CM, SI_TOLERANCE = 520.7, 1.5


def _dims_and_units(da, dim):
    assert da.dims == (dim,)
    assert da.attrs["units"] and da[dim].attrs["units"]
    assert np.all(np.isfinite(da.values)) and np.all(np.diff(da[dim].values) > 0)
    assert da.attrs["source_format"]


# --------------------------------------------------------------------------- XRD
@pytest.mark.parametrize("name, fmt, start, stop, points, wavelength", [
    # values written in the files' own headers (startPosition/endPosition, ScanAxisInfo Start/Stop/Increment)
    ("xrd/XRD-918-16_10.xrdml", "panalytical-xrdml", 4.00656514, 69.99936587, 5027, 1.5405980),
    ("xrd/23-012-AG_2thomegascan_long.brml", "bruker-brml", 44.0, 48.0, 2001, 1.5406),
    ("xrd/TwoTheta_scan_powder.rasx", "rigaku-rasx", 10.0, 119.0, 2726, 1.540593),
])
def test_xrd_instrument_files(name, fmt, start, stop, points, wavelength):
    pattern = read_xrd_pattern(DATA / name)
    _dims_and_units(pattern, "two_theta")
    assert pattern.attrs["source_format"] == fmt
    x = pattern["two_theta"].values
    assert (x[0], x[-1], x.size) == (pytest.approx(start), pytest.approx(stop), points)
    assert pattern.attrs["wavelength_from"] == "file"
    assert pattern.attrs["wavelength_angstrom"] == pytest.approx(wavelength)
    assert pattern.attrs["wavelength_angstrom"] == pytest.approx(CU_KA1, abs=2e-4)


def test_bruker_binary_raw_is_refused_by_name():
    with pytest.raises(InputFileError, match=r"looks like a Bruker \.raw.*not supported.*export the scan as \.xy"):
        read_xrd_pattern(DATA / "xrd/TwoTheta_scan_scrambled.raw")


def test_a_pattern_measured_at_another_wavelength_is_refused():
    with pytest.raises(InputFileError, match="measured at 1.5406 Å but the reference patterns"):
        read_xrd_pattern(DATA / "xrd/XRD-918-16_10.xrdml", wavelength_angstrom=0.7093)


def test_a_binary_file_given_as_xy_names_its_format(tmp_path):
    fake = tmp_path / "pattern.xy"
    fake.write_bytes((DATA / "xrd/TwoTheta_scan_powder.rasx").read_bytes())
    with pytest.raises(InputFileError, match="holds 1 scan "):
        read_xrd_pattern(tmp_path / "pattern.xy", scan=5)
    from lpsrepro.io.xrd import read_xy
    with pytest.raises(InputFileError, match="looks like a Rigaku SmartLab .rasx file.*read_xrd_pattern"):
        read_xy(fake)


# --------------------------------------------------------------------------- Raman
@pytest.mark.parametrize("name, fmt", [("raman/Si-Ref-532 nm.wdf", "renishaw-wdf"),
                                       ("raman/RENISHAW_1D_Si.txt", "text")])
def test_silicon_reference_spectra_peak_at_the_si_phonon(name, fmt):
    spectrum = read_raman_spectrum(DATA / name)
    _dims_and_units(spectrum, "raman_shift")
    assert spectrum.attrs["source_format"] == fmt
    near = spectrum.sel(raman_shift=slice(480, 560))
    peak = float(near["raman_shift"][int(near.argmax())])
    assert abs(peak - SI_RAMAN_PER_CM) <= SI_TOLERANCE


def test_wdf_states_its_laser_line():
    spectrum = read_raman_spectrum(DATA / "raman/Si-Ref-532 nm.wdf")
    assert spectrum.attrs["laser_wavelength_nm"] == pytest.approx(532, abs=1)


def test_labspec_single_spectrum_and_table():
    single = read_raman_spectrum(DATA / "raman/LabRAM_spectrum_wn.txt")
    _dims_and_units(single, "raman_shift")
    assert single.attrs["source_format"] == "labspec-text"
    assert single.attrs["laser_wavelength_nm"] == 532.0 and single.attrs["instrument"] == "LabRAM HR Evol"
    with pytest.raises(InputFileError, match=r"holds 100 spectra \(0: position 33.1398"):
        read_raman_spectrum(DATA / "raman/LabRAM_raman_linescan.txt")
    one = read_raman_spectrum(DATA / "raman/LabRAM_raman_linescan.txt", spectrum=3)
    _dims_and_units(one, "raman_shift")
    assert one.attrs["position"] == pytest.approx(31.0776) and one.sizes["raman_shift"] == 1020
    with pytest.raises(InputFileError, match=r"spectrum=100 does not exist"):
        read_raman_spectrum(DATA / "raman/LabRAM_raman_linescan.txt", spectrum=100)


# --------------------------------------------------------------------------- EIS
@pytest.mark.parametrize("name, instrument, points", [
    ("Circuit1_EIS_1.z", None, 48), ("exampleDataGamry.DTA", None, 72),
    ("eis/exampleDataAutolab.txt", "autolab", 41), ("exampleDataBioLogic.mpt", None, 43)])
def test_eis_instrument_files(name, instrument, points):
    ds = read_impedance(DATA / name, instrument=instrument)
    assert ds.sizes["frequency"] == points  # the number of rows each export holds (ZPlot: its 'Data Points')
    assert ds["frequency"].attrs["units"] == "Hz" and ds["z_real"].attrs["units"] == "ohm"
    assert ds.attrs["source_format"]


def test_cycling_mpr_is_not_impedance():
    with pytest.raises(InputFileError, match="holds no impedance data.*read_cycler"):
        read_impedance(DATA / "biol.mpr")


def test_multi_sweep_record_needs_a_choice(tmp_path):
    rows = (DATA / "exampleData.csv").read_text().splitlines()
    (tmp_path / "two.csv").write_text("\n".join(rows + rows) + "\n")
    with pytest.raises(InputFileError, match=r"holds 2 spectra"):
        read_impedance(tmp_path / "two.csv")
    second = read_impedance(tmp_path / "two.csv", spectrum=1)
    assert second.sizes["frequency"] == len(rows)


# --------------------------------------------------------------------------- cycling
def _reference_steps():
    with open(DATA / "cycler/neware_reference_step_capacities.csv") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@pytest.mark.parametrize("name", ["new_nda_file.nda", "TestFile.nda"])
def test_neware_step_capacities_match_the_reference_tables(name):
    ds = read_cycler(DATA / "cycler" / name, check_sign=False)
    assert ds.attrs["source_format"] == "neware-nda" and ds["current"].attrs["units"] == "A"
    assert np.all(np.diff(ds["time"].values) >= 0)
    for row in (r for r in _reference_steps() if r["file"] == name):
        mask = ds["step"].values == int(row["step"])
        t, i = ds["time"].values[mask], ds["current"].values[mask]
        charge_mah = np.sum(0.5 * (i[1:] + i[:-1]) * np.diff(t)) / 3.6  # A·s → mAh
        stated = float(row["charge_capacity_mah"]) - float(row["discharge_capacity_mah"])
        assert charge_mah == pytest.approx(stated, rel=0.02, abs=2e-5), row


def test_neware_ndax_is_read():
    ds = read_cycler(DATA / "cycler/123456789012_Unit27_Example_Data_File.ndax", check_sign=False)
    assert ds.attrs["source_format"] == "neware-ndax" and ds.sizes["record"] == 301


def test_cycler_columns_are_mapped_explicitly(tmp_path):
    text = (DATA / "exampleDataBioLogic.mpt").read_text(encoding="cp1252")
    ds = read_cycler(DATA / "exampleDataBioLogic.mpt", check_sign=False)
    assert '"cycle": "cycle number"' in ds.attrs["column_map"]
    renamed = text.replace("\tcycle number", "\tz cycle").replace("<I>/mA", "control/V/mA")
    (tmp_path / "renamed.mpt").write_text(renamed, encoding="cp1252")
    with pytest.raises(InputFileError, match=r"no current column; the file has: .*control/V/mA.*expected one of I/mA"):
        read_cycler(tmp_path / "renamed.mpt", check_sign=False)
