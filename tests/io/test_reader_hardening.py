"""Readers never return wrong data silently (issue 15, points 1-4): each reproducer gives one InputFileError."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from lpsrepro.errors import InputFileError
from lpsrepro.io import read_netcdf
from lpsrepro.io.cycler import read_cycler
from lpsrepro.io.impedance import read_impedance
from lpsrepro.io.literature import read_membrane_table
from lpsrepro.io.raman import read_raman_spectrum, read_raman_txt
from lpsrepro.io.xrd import read_xrd_pattern, read_xy

RAW = Path(__file__).parents[2] / "data" / "raw"
ROWS = "".join(f"{10 + i * 0.02:.2f} {100 + i}\n" for i in range(20))


def test_bom_does_not_hide_the_stated_wavelength(tmp_path):
    path = tmp_path / "bom.xy"
    path.write_bytes(b"\xef\xbb\xbf# wavelength_angstrom = 0.7093\n" + ROWS.encode())
    with pytest.raises(InputFileError, match="measured at 0.7093 Å"):
        read_xy(path)
    assert read_xy(path, wavelength_angstrom=0.7093).attrs["wavelength_from"] == "file"


def test_decimal_commas_are_read_as_decimals(tmp_path):
    path = tmp_path / "comma.txt"
    path.write_text("".join(f"{1200 - i},{i:02d} {100 + i},5\n" for i in range(20)))
    spectrum = read_raman_txt(path)
    assert spectrum["raman_shift"].values[-1] == pytest.approx(1200.0)
    assert spectrum.sel(raman_shift=1200.0).item() == pytest.approx(100.5)
    path.write_text("".join(f"{1200 - i};{i}\n" for i in range(20)))
    assert read_raman_txt(path).sizes["raman_shift"] == 20


def test_mixed_comma_separators_are_refused(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("".join(f"{10 + i},{i},5\n" for i in range(15)) + "30,1,2,5\n")
    with pytest.raises(InputFileError, match="comma-separated fields"):
        read_xy(path)


@pytest.mark.parametrize("reader, name", [(read_xy, "xrd_nano_li2s.xy"), (read_raman_txt, "raman_nano_li2s.txt"),
                                          (read_impedance, "membrane_550nm_eis.z"),
                                          (read_cycler, "li_plating_au_65uA.csv")])
def test_a_file_cut_inside_its_last_number_is_refused(tmp_path, reader, name):
    text = (RAW / name).read_text()
    cut = text.rstrip("\n")[:-2]
    target = tmp_path / name
    target.write_text(cut)
    with pytest.raises(InputFileError, match="cut short"):
        reader(target)


def test_zplot_with_fewer_points_than_announced_is_refused(tmp_path):
    lines = (RAW / "membrane_550nm_eis.z").read_text().splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("End Comments"))
    (tmp_path / "short.z").write_text("\n".join(lines[:end + 32]) + "\n")
    with pytest.raises(InputFileError, match="announces 71 data points but the file holds 31"):
        read_impedance(tmp_path / "short.z")


def test_inf_thickness_is_refused(tmp_path):
    text = (Path(__file__).parents[2] / "data/literature/sulfide_membranes.csv").read_text()
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    column = lines[header].split(",").index("thickness_um")
    row = next(i for i in range(header + 1, len(lines)) if lines[i].split(",")[column].strip())
    fields = lines[row].split(",")
    fields[column] = "inf"
    lines[row] = ",".join(fields)
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFileError, match="'inf' is not a number"):
        read_membrane_table(tmp_path / "t.csv")


@pytest.mark.parametrize("path", ["/etc/passwd", "/dev/zero", "/tmp", str(RAW / "membrane_550nm_eis.nc")])
def test_not_a_table_is_one_clear_error(path):
    with pytest.raises(InputFileError):
        read_membrane_table(path)


@pytest.mark.parametrize("dtype", [complex, bool])
def test_complex_or_boolean_counts_in_netcdf_are_refused(tmp_path, dtype):
    da = xr.DataArray(np.ones((2, 12), dtype=dtype), dims=("sample", "two_theta"), name="counts",
                      coords={"two_theta": np.linspace(10, 20, 12)})
    da.to_dataset().to_netcdf(tmp_path / "c.nc", engine="h5netcdf", invalid_netcdf=True)
    with pytest.raises(InputFileError, match="not complex, boolean or text|holds"):
        read_xrd_pattern(tmp_path / "c.nc", scan=0)


def test_time_overflowing_after_unit_conversion_is_refused(tmp_path):
    rows = "".join(f"{1e306 * (i + 1):.3e},1.0,{3.0 + i * 0.01:.2f}\n" for i in range(5))
    (tmp_path / "h.csv").write_text("time/h,current/mA,voltage/V\n" + rows)
    with pytest.raises(InputFileError, match="time is not finite"):
        read_cycler(tmp_path / "h.csv", check_sign=False)


def test_decreasing_two_theta_is_refused(tmp_path):
    (tmp_path / "d.xy").write_text("".join(f"{50 - i:.2f} {i}\n" for i in range(20)))
    with pytest.raises(InputFileError, match="goes back"):
        read_xy(tmp_path / "d.xy")


def test_flipped_byte_in_netcdf_is_one_clear_error(tmp_path):
    target = tmp_path / "flip.nc"
    shutil.copy(RAW / "membrane_550nm_eis.nc", target)
    data = bytearray(target.read_bytes())
    data[70] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="flip.nc"):
        read_impedance(target)


def test_corrupted_netcdf_that_makes_h5netcdf_spin_times_out(tmp_path, monkeypatch):
    target = tmp_path / "hang.nc"
    shutil.copy(RAW / "raman_dual_series.nc", target)
    data = bytearray(target.read_bytes())
    data[2081:2081 + 1447] = bytes(1447)
    target.write_bytes(bytes(data))
    start = time.monotonic()
    with pytest.raises(InputFileError, match="hang.nc"):
        read_netcdf(target, timeout_s=3)
    assert time.monotonic() - start < 10


def test_size_cap_is_documented_and_overridable(tmp_path):
    (tmp_path / "p.xy").write_text(ROWS)
    with pytest.raises(InputFileError, match="more than the reader's cap"):
        read_xy(tmp_path / "p.xy", max_bytes=100)
    assert read_xy(tmp_path / "p.xy", max_bytes=10_000).sizes["two_theta"] == 20


def test_zip_bomb_member_is_refused_before_inflating(tmp_path):
    import zipfile
    with zipfile.ZipFile(tmp_path / "b.rasx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("root.xml", "<r/>")
        archive.writestr("Data0/Profile0.txt", "0" * (600 * 2**20))
    with pytest.raises(InputFileError, match="declares .* MB uncompressed"):
        read_xrd_pattern(tmp_path / "b.rasx")


def test_series_file_needs_a_spectrum_choice():
    with pytest.raises(InputFileError, match=r"holds \d+ spectra"):
        read_raman_spectrum(RAW / "raman_dual_series.nc")


def test_thousands_separators_are_refused_not_split(tmp_path):
    (tmp_path / "k.txt").write_text("".join(f"1,2{i:02d}.5 100\n" for i in range(12)))
    with pytest.raises(InputFileError, match="mixes commas and points"):
        read_raman_txt(tmp_path / "k.txt")
    (tmp_path / "c.csv").write_text("".join(f"{5 + i},100.5\n" for i in range(12)))
    assert read_xy(tmp_path / "c.csv").sizes["two_theta"] == 12
