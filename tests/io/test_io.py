"""Readers refuse bad input with messages that name the file, the line or field."""

import json

import numpy as np
import pytest
import tifffile
from impedance import preprocessing

from lpsrepro.errors import InputFileError
from lpsrepro.io import read_netcdf, write_netcdf
from lpsrepro.io.images import read_sem_image, write_sem_tiff
from lpsrepro.io.impedance import complex_impedance, impedance_dataset, read_impedance, write_zplot

F = np.logspace(6, -1, 8)
Z = 10 + 1 / (1j * 2 * np.pi * F * 1e-6)


@pytest.fixture
def zfile(tmp_path):
    return write_zplot(tmp_path / "s.z", F, Z, elapsed_s=np.arange(8.0), amplitude_v=0.015, area_cm2=0.03,
                       comments=["provenance = simulated stand-in"])


def test_zplot_round_trip_through_impedance_py(zfile):
    ds = read_impedance(zfile)
    assert ds["frequency"].attrs["units"] == "Hz" and ds["z_real"].attrs["units"] == "ohm"
    np.testing.assert_allclose(complex_impedance(ds), Z, rtol=1e-6)
    assert ds.attrs["provenance"] == "simulated stand-in"
    f2, z2 = preprocessing.readFile(str(zfile), instrument="zplot")  # the user's direct path agrees
    np.testing.assert_allclose(z2, Z, rtol=1e-6)


def test_real_zplot_biologic_and_csv_files_are_read(real_data):
    for name, n in [("exampleDataZPlot.z", 21), ("exampleDataBioLogic.mpt", None), ("exampleData.csv", None)]:
        # the ZPlot example holds 21 of the 56 points its header announces (a sweep stopped early)
        ds = read_impedance(real_data / name, allow_incomplete=name.endswith(".z"))
        assert ds.sizes["frequency"] > 10
        if n:
            assert ds.sizes["frequency"] == n


def test_malformed_zplot_row_names_file_and_line(zfile):
    lines = zfile.read_text().splitlines()
    bad_line = len(lines) - 2  # 0-based index of the second-to-last data row
    lines[bad_line] = lines[bad_line].replace("E", "X", 1)
    zfile.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFileError, match=rf"s\.z, line {bad_line + 1}, field 'Freq\(Hz\)'.*not a number"):
        read_impedance(zfile)


def test_short_zplot_row_is_refused(zfile):
    zfile.write_text(zfile.read_text() + "1.0E+00\t2.0\n")
    with pytest.raises(InputFileError, match=r"line \d+: data row has 2 fields"):
        read_impedance(zfile)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(InputFileError, match="nope.z: file not found"):
        read_impedance(tmp_path / "nope.z")
    (tmp_path / "empty.z").write_text("")
    with pytest.raises(InputFileError, match="empty.z: the file is empty"):
        read_impedance(tmp_path / "empty.z")


def test_not_a_zplot_file(tmp_path):
    path = tmp_path / "x.z"
    path.write_text("hello\nworld\n")
    with pytest.raises(InputFileError, match="not a ZPlot file"):
        read_impedance(path)


def test_unknown_extension_asks_for_instrument(tmp_path):
    path = tmp_path / "x.dat"
    path.write_text("1 2 3\n")
    with pytest.raises(InputFileError, match="cannot tell the instrument format"):
        read_impedance(path)


def test_duplicate_frequency_and_nan_are_refused(tmp_path):
    f = F.copy()
    f[3] = f[2]
    path = write_zplot(tmp_path / "d.z", f, Z, elapsed_s=np.arange(8.0), amplitude_v=0.01, area_cm2=1, comments=[])
    with pytest.raises(InputFileError, match="frequency appears twice"):
        read_impedance(path)
    z = Z.copy()
    z[2] = np.nan
    write_netcdf(impedance_dataset(F, z), tmp_path / "n.nc")
    with pytest.raises(InputFileError, match="NaN"):
        read_impedance(tmp_path / "n.nc")


def test_netcdf_round_trip(tmp_path):
    ds = impedance_dataset(F, Z, provenance="simulated stand-in")
    write_netcdf(ds, tmp_path / "a.nc")
    back = read_netcdf(tmp_path / "a.nc")
    np.testing.assert_allclose(complex_impedance(back), Z)
    assert back.attrs["provenance"] == "simulated stand-in"


def test_writers_refuse_data_raw():
    from lpsrepro import paths
    with pytest.raises(ValueError, match="raw data are read-only"):
        write_zplot(paths.RAW / "x.z", F, Z, elapsed_s=np.arange(8.0), amplitude_v=0.01, area_cm2=1, comments=[])


# ---------------------------------------------------------------- images
def test_image_scale_round_trip(tmp_path):
    pixels = np.random.default_rng(0).integers(0, 255, (20, 30), dtype=np.uint8)
    write_sem_tiff(tmp_path / "i.tif", pixels, pixel_size_nm=2.5, metadata={"provenance": "simulated stand-in"})
    da = read_sem_image(tmp_path / "i.tif")
    assert da.dims == ("y", "x") and da.attrs["pixel_size_nm"] == 2.5
    assert da["x"].values[-1] == pytest.approx(29 * 2.5) and da["x"].attrs["units"] == "nm"


def test_image_scale_from_resolution_tags(tmp_path):
    pixels = np.arange(100, dtype=np.uint8).reshape(10, 10)
    tifffile.imwrite(tmp_path / "r.tif", pixels, resolution=(1e7 / 4.0, 1e7 / 4.0), resolutionunit="CENTIMETER")
    assert read_sem_image(tmp_path / "r.tif").attrs["pixel_size_nm"] == pytest.approx(4.0)


def test_image_without_scale_is_refused(tmp_path):
    tifffile.imwrite(tmp_path / "n.tif", np.arange(100, dtype=np.uint8).reshape(10, 10))
    with pytest.raises(InputFileError, match="n.tif, field 'pixel size': the image has no scale"):
        read_sem_image(tmp_path / "n.tif")


def test_image_with_zero_scale_is_refused(tmp_path):
    tifffile.imwrite(tmp_path / "z.tif", np.arange(100, dtype=np.uint8).reshape(10, 10),
                     description=json.dumps({"pixel_size_nm": 0}), metadata=None)
    with pytest.raises(InputFileError, match="pixel size 0 is not a positive number"):
        read_sem_image(tmp_path / "z.tif")


def test_colour_blank_and_empty_images_are_refused(tmp_path):
    tifffile.imwrite(tmp_path / "c.tif", np.zeros((10, 10, 3), dtype=np.uint8) + np.arange(3, dtype=np.uint8),
                     photometric="rgb")
    with pytest.raises(InputFileError, match="single grey-scale image"):
        read_sem_image(tmp_path / "c.tif")
    tifffile.imwrite(tmp_path / "b.tif", np.full((10, 10), 7, dtype=np.uint8))
    with pytest.raises(InputFileError, match="blank"):
        read_sem_image(tmp_path / "b.tif")
    (tmp_path / "e.tif").write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_sem_image(tmp_path / "e.tif")


def test_image_scale_from_zeiss_smartsem_metadata(tmp_path):
    # Zeiss SmartSEM (the paper's Supra 55) writes the pixel size into TIFF tag 34118 (CZ_SEM)
    cz_sem = "\r\n".join(["0", "AP_IMAGE_PIXEL_SIZE", "Image Pixel Size = 3.721 nm",
                          "AP_MAG", "Mag = 50.00 K X"]) + "\r\n"
    pixels = np.arange(100, dtype=np.uint8).reshape(10, 10)
    tifffile.imwrite(tmp_path / "zeiss.tif", pixels, extratags=[(34118, 2, 0, cz_sem, True)])
    da = read_sem_image(tmp_path / "zeiss.tif")
    assert da.attrs["pixel_size_nm"] == pytest.approx(3.721)
    assert da.attrs["scale_from"] == "Zeiss CZ_SEM ap_image_pixel_size"
    cz_um = cz_sem.replace("3.721 nm", "0.012 µm")
    tifffile.imwrite(tmp_path / "zeiss_um.tif", pixels, extratags=[(34118, 2, 0, cz_um.encode("cp1252"), True)])
    assert read_sem_image(tmp_path / "zeiss_um.tif").attrs["pixel_size_nm"] == pytest.approx(12.0)
