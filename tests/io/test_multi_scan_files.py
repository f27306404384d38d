"""Readers on real instrument files holding several scans / sweeps / spectra (issue 9).

Files (tests/data, see SOURCES.md): a PANalytical .xrdml mesh of 101 2theta scans, a BioLogic PEIS
record of 4 loops as .mpr and as its EC-Lab .mpt export, a BioLogic VSP .mpr of 32 PEIS loops, and a
Renishaw .wdf time series of 3 spectra. Each choice is checked against an independent parse (xml for
the .xrdml, galvani for the .mpr, a plain text parse for the .mpt) or against values the files'
source states (RosettaSciIO's test of the .wdf).
"""

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from lpsrepro.errors import InputFileError
from lpsrepro.io.impedance import read_impedance
from lpsrepro.io.raman import read_raman_spectrum
from lpsrepro.io.xrd import read_xrd_pattern

DATA = Path(__file__).resolve().parents[1] / "data"
MESH = DATA / "xrd" / "m82762_rc1mm_1_16dg_src_slit_phi-101_3dg_-420_mesh_long.xrdml"
PEIS_MPR = DATA / "eis" / "peis.issue_149.mpr"
PEIS_MPT = DATA / "eis" / "peis.issue_149.mpt"
VSP_MPR = DATA / "eis" / "vsp_peis_with.mpr"
WDF_SERIES = DATA / "raman" / "renishaw_test_timeseries.wdf"


# ------------------------------------------------------------------ independent parses
def _xrdml_by_xml(path: Path) -> tuple[list[tuple[np.ndarray, np.ndarray]], float]:
    """Every <scan>'s listed 2theta positions and counts, and kAlpha1, read with plain ElementTree."""
    root = ET.parse(path).getroot()
    ns = {"x": root.tag[1:].split("}")[0]}
    scans = []
    for scan in root.iterfind(".//x:scan", ns):
        points = scan.find("x:dataPoints", ns)
        axis = next(p for p in points.iterfind("x:positions", ns) if p.get("axis") == "2Theta")
        two_theta = np.array(axis.find("x:listPositions", ns).text.split(), dtype=float)
        counts = np.array(points.find("x:counts", ns).text.split(), dtype=float)
        scans.append((two_theta, counts))
    return scans, float(root.find(".//x:kAlpha1", ns).text)


def _mpr_loops_by_galvani(path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Frequency and Z (ohm, Z = Re - j(-Im)) of each 'cycle number' of a .mpr, read with galvani directly."""
    from galvani import BioLogic

    data = BioLogic.MPRfile(str(path)).data
    loops = []
    for cycle in np.unique(data["cycle number"]):
        rows = data[data["cycle number"] == cycle]
        loops.append((np.asarray(rows["freq/Hz"], float),
                      np.asarray(rows["Re(Z)/Ohm"], float) - 1j * np.asarray(rows["-Im(Z)/Ohm"], float)))
    return loops


def _mpt_loops_by_text(path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The same columns of an EC-Lab .mpt, parsed as tab-separated text after its 'Nb header lines'."""
    lines = path.read_text(encoding="latin-1").splitlines()
    n_header = int(next(line for line in lines if line.startswith("Nb header lines")).split(":")[1])
    names = lines[n_header - 1].rstrip("\t").split("\t")
    rows = np.array([[float(v.replace(",", ".")) for v in line.rstrip("\t").split("\t")]
                     for line in lines[n_header:] if line.strip()])
    col = {name: rows[:, names.index(name)] for name in ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "cycle number")}
    return [(col["freq/Hz"][col["cycle number"] == c],
             col["Re(Z)/Ohm"][col["cycle number"] == c] - 1j * col["-Im(Z)/Ohm"][col["cycle number"] == c])
            for c in np.unique(col["cycle number"])]


# ------------------------------------------------------------------ XRD: PANalytical .xrdml mesh
def test_xrdml_mesh_lists_its_101_scans_when_none_is_chosen():
    with pytest.raises(InputFileError) as info:
        read_xrd_pattern(MESH)
    message = str(info.value)
    assert MESH.name in message and info.value.field == "scan"
    assert "the file holds 101 scans" in message and message.count("2theta 67.45-69.95 deg") == 20  # 20 listed
    assert "..." in message and "scan=0" in message


@pytest.mark.parametrize("scan", [0, 1, 50, 100])
def test_xrdml_scan_picks_the_same_scan_as_an_xml_parse(scan):
    scans, k_alpha1 = _xrdml_by_xml(MESH)
    assert len(scans) == 101
    pattern = read_xrd_pattern(MESH, scan=scan)
    two_theta, counts = scans[scan]
    np.testing.assert_array_equal(pattern["two_theta"].values, two_theta)
    np.testing.assert_array_equal(pattern.values, counts)
    assert pattern.attrs["scan"] == scan and pattern.attrs["source_format"] == "panalytical-xrdml"
    assert pattern.attrs["wavelength_angstrom"] == k_alpha1 == 1.540598 and pattern.attrs["wavelength_from"] == "file"


def test_xrdml_scans_of_the_mesh_differ():
    first, middle = read_xrd_pattern(MESH, scan=0), read_xrd_pattern(MESH, scan=50)
    assert not np.array_equal(first.values, middle.values)
    assert middle.max() > 3 * first.max()      # the mesh crosses the (-4 2 0) reflection near its middle


@pytest.mark.parametrize("scan", [101, -1])
def test_xrdml_wrong_scan_names_the_file_and_the_count(scan):
    with pytest.raises(InputFileError, match=rf"scan={scan} does not exist; the file holds 101 scans") as info:
        read_xrd_pattern(MESH, scan=scan)
    assert info.value.path.name == MESH.name and info.value.expected == "an index from 0 to 100"


def test_xrdml_mesh_listing_tells_the_scans_apart():
    with pytest.raises(InputFileError) as info:
        read_xrd_pattern(MESH)
    listed = str(info.value).split("(", 1)[1].split("; ")[:19]     # the 20th carries the listing's tail
    labels = [item.split(": ", 1)[1] for item in listed]
    assert len(set(labels)) == len(labels)


# ------------------------------------------------------------------ EIS: BioLogic PEIS loops
@pytest.mark.parametrize("path", [PEIS_MPR, PEIS_MPT], ids=["mpr", "mpt"])
def test_biologic_peis_lists_its_4_loops(path):
    with pytest.raises(InputFileError) as info:
        read_impedance(path)
    message = str(info.value)
    assert path.name in message and info.value.field == "spectrum"
    assert "the file holds 4 spectra" in message and message.count("21 points, 2e+05-100 Hz") == 4


@pytest.mark.parametrize("loop", [0, 1, 3])
def test_mpr_spectrum_picks_the_galvani_cycle(loop):
    frequency, z = _mpr_loops_by_galvani(PEIS_MPR)[loop]
    ds = read_impedance(PEIS_MPR, spectrum=loop)
    np.testing.assert_array_equal(ds["frequency"].values, frequency)
    np.testing.assert_array_equal(ds["z_real"].values, z.real)
    np.testing.assert_array_equal(ds["z_imag"].values, z.imag)
    assert ds.attrs["spectrum"] == loop and ds.attrs["spectra_in_file"] == 4


@pytest.mark.parametrize("loop", [0, 2, 3])
def test_mpt_spectrum_picks_the_text_cycle_and_agrees_with_the_mpr(loop):
    frequency, z = _mpt_loops_by_text(PEIS_MPT)[loop]
    ds = read_impedance(PEIS_MPT, spectrum=loop)
    np.testing.assert_allclose(ds["frequency"].values, frequency, rtol=1e-12)
    np.testing.assert_allclose(ds["z_real"].values + 1j * ds["z_imag"].values, z, rtol=1e-12)
    binary = read_impedance(PEIS_MPR, spectrum=loop)    # the same loops, binary (float32) vs text export
    np.testing.assert_allclose(ds["z_real"].values, binary["z_real"].values, rtol=1e-6)
    np.testing.assert_allclose(ds["z_imag"].values, binary["z_imag"].values, rtol=1e-6)


def test_the_loops_of_the_peis_record_differ():
    first, last = read_impedance(PEIS_MPR, spectrum=0), read_impedance(PEIS_MPR, spectrum=3)
    np.testing.assert_array_equal(first["frequency"].values, last["frequency"].values)
    assert not np.array_equal(first["z_real"].values, last["z_real"].values)


@pytest.mark.parametrize("path", [PEIS_MPR, PEIS_MPT], ids=["mpr", "mpt"])
def test_wrong_loop_names_the_file_and_the_count(path):
    with pytest.raises(InputFileError, match=r"spectrum=4 does not exist; the file holds 4 spectra") as info:
        read_impedance(path, spectrum=4)
    assert info.value.path.name == path.name and info.value.expected == "an index from 0 to 3"


def test_vsp_record_of_32_loops_is_split_like_galvani_cycles():
    loops = _mpr_loops_by_galvani(VSP_MPR)
    assert len(loops) == 32
    with pytest.raises(InputFileError, match=r"the file holds 32 spectra .* \.\.\.\)"):
        read_impedance(VSP_MPR)
    for loop in (0, 31):
        ds = read_impedance(VSP_MPR, spectrum=loop)
        np.testing.assert_array_equal(ds["frequency"].values, loops[loop][0])
        np.testing.assert_array_equal(ds["z_real"].values + 1j * ds["z_imag"].values, loops[loop][1])
        assert ds.sizes["frequency"] == 70
    with pytest.raises(InputFileError, match=r"spectrum=32 does not exist; the file holds 32 spectra"):
        read_impedance(VSP_MPR, spectrum=32)


# ------------------------------------------------------------------ Raman: Renishaw .wdf time series
def test_wdf_series_lists_its_3_spectra():
    with pytest.raises(InputFileError) as info:
        read_raman_spectrum(WDF_SERIES)
    assert WDF_SERIES.name in str(info.value) and "the file holds 3 spectra" in str(info.value)
    assert info.value.field == "spectrum"


def test_wdf_series_spectra_match_the_values_its_source_states():
    # RosettaSciIO's rsciio/tests/test_renishaw.py (TestTimeseries.test_data) states the first three
    # intensities of the first spectrum and the last three of the last one (increasing Raman shift)
    first, last = read_raman_spectrum(WDF_SERIES, spectrum=0), read_raman_spectrum(WDF_SERIES, spectrum=2)
    assert np.all(np.diff(first["raman_shift"].values) > 0)
    np.testing.assert_allclose(first.values[:3], [3714.725, 3475.6548, 3458.7114], rtol=1e-6)
    np.testing.assert_allclose(last.values[-3:], [5167.7383, 5379.82, 5174.1406], rtol=1e-6)
    middle = read_raman_spectrum(WDF_SERIES, spectrum=1)
    assert middle.attrs["spectrum"] == 1 and not np.array_equal(middle.values, first.values)


def test_wdf_wrong_spectrum_names_the_file_and_the_count():
    with pytest.raises(InputFileError, match=r"spectrum=3 does not exist; the file holds 3 spectra") as info:
        read_raman_spectrum(WDF_SERIES, spectrum=3)
    assert info.value.path.name == WDF_SERIES.name
