"""SEM TIFFs: real Zeiss and FEI files, the scale by parameter, and every way a scale can be wrong.

Real files (tests/data/SOURCES.md): a Zeiss ULTRA 55 image whose CZ_SEM "Pixel Size" refers to a
1024-px store while the image has 512 columns, and an FEI Helios image whose resolution tags say
64 dpi. The expected scales are the ones their source (RosettaSciIO's tests) states.
"""

import numpy as np
import pytest
import tifffile

from lpsrepro.errors import InputFileError
from lpsrepro.io.images import read_sem_image, write_sem_tiff


def test_zeiss_scale_is_field_width_over_pixel_columns(real_data):
    image = read_sem_image(real_data / "test_tiff_Zeiss_SEM_512pix.tif")
    # source: 0.011649976 µm per pixel (from SmartSEM's unnamed SI block × 1024 / 512); "Pixel Size =
    # 5.825 nm" is the 1024-px store's. "Width = 5.965 µm" has 4 digits: ± 0.0005 / 5.965 = 8.4e-5
    assert image.attrs["pixel_size_nm"] == pytest.approx(11.649976, rel=8.4e-5)
    assert image.attrs["scale_from"] == "Zeiss CZ_SEM ap_width / pixel columns"
    assert image.dims == ("y", "x") and image.sizes["x"] == 512


def test_fei_scale_comes_from_pixel_width_not_from_the_64_dpi_tag(real_data):
    image = read_sem_image(real_data / "FEI-Helios-Ebeam-8bits.tif")
    assert image.attrs["pixel_size_nm"] == pytest.approx(3372.4, rel=1e-5)  # source: 3.3724 µm
    assert image.attrs["scale_from"] == "FEI metadata [Scan] PixelWidth"


def test_scale_by_parameter_overrides_the_file(real_data):
    image = read_sem_image(real_data / "test_tiff_Zeiss_SEM_512pix.tif", pixel_size_nm=2.5)
    assert image.attrs["pixel_size_nm"] == 2.5 and image.attrs["scale_from"] == "pixel_size_nm parameter"


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), 1e308, True])
def test_absurd_parameter_scales_are_refused(real_data, bad):
    with pytest.raises(InputFileError, match="pixel_size_nm"):
        read_sem_image(real_data / "test_tiff_Zeiss_SEM_512pix.tif", pixel_size_nm=bad)


def _pixels():
    return np.arange(100, dtype=np.uint8).reshape(10, 10)


def test_print_resolution_is_not_a_scale(tmp_path):
    tifffile.imwrite(tmp_path / "dpi.tif", _pixels(), resolution=(72, 72), resolutionunit="INCH")
    with pytest.raises(InputFileError, match=r"dpi.tif, field 'pixel size'.*72 pixels per inch.*print resolution"):
        read_sem_image(tmp_path / "dpi.tif")
    assert read_sem_image(tmp_path / "dpi.tif", pixel_size_nm=4.0).attrs["pixel_size_nm"] == 4.0


@pytest.mark.parametrize("description, message", [
    ('{"pixel_size_nm": 1e308}', "outside"),
    ('{"pixel_size_nm": true}', "not a positive number"),
    ('{"pixel_size_nm": NaN}', "not a positive number"),
])
def test_absurd_scales_in_the_file_are_refused(tmp_path, description, message):
    tifffile.imwrite(tmp_path / "j.tif", _pixels(), description=description, metadata=None)
    with pytest.raises(InputFileError, match=message):
        read_sem_image(tmp_path / "j.tif")


def test_unitless_zeiss_pixel_size_is_refused(tmp_path):
    cz_sem = "\r\n".join(["0", "AP_PIXEL_SIZE", "Pixel Size = 3.721"]) + "\r\n"
    tifffile.imwrite(tmp_path / "z.tif", _pixels(), extratags=[(34118, 2, 0, cz_sem, True)])
    with pytest.raises(InputFileError, match=r"field 'CZ_SEM ap_pixel_size': value 3.721 has no unit"):
        read_sem_image(tmp_path / "z.tif")


def test_nan_pixels_are_refused(tmp_path):
    pixels = np.linspace(0, 1, 100, dtype=np.float32).reshape(10, 10)
    pixels[3, 4] = np.nan
    tifffile.imwrite(tmp_path / "nan.tif", pixels, resolution=(1e7 / 4, 1e7 / 4), resolutionunit="CENTIMETER")
    with pytest.raises(InputFileError, match="nan.tif, field 'pixels': 1 pixels are NaN"):
        read_sem_image(tmp_path / "nan.tif")


def test_compression_without_codec_is_one_clear_error(tmp_path):
    target = tmp_path / "zstd.tif"
    tifffile.imwrite(target, _pixels(), compression="zlib", resolution=(1e7 / 4, 1e7 / 4),
                     resolutionunit="CENTIMETER")
    data = target.read_bytes()
    entry = (259).to_bytes(2, "little") + (3).to_bytes(2, "little") + (1).to_bytes(4, "little")
    at = data.index(entry + (8).to_bytes(2, "little"))
    # declare ZSTD (50000), which tifffile decodes only with imagecodecs
    target.write_bytes(data[:at + 8] + (50000).to_bytes(2, "little") + data[at + 10:])
    try:
        import imagecodecs  # noqa: F401
        pytest.skip("imagecodecs is installed: ZSTD is decodable here")
    except ImportError:
        pass
    with pytest.raises(InputFileError, match=r"zstd.tif, field 'Compression.*imagecodecs"):
        read_sem_image(target)


def test_declared_size_is_checked_before_reading(tmp_path, monkeypatch):
    write_sem_tiff(tmp_path / "big.tif", np.arange(64 * 64, dtype=np.uint16).reshape(64, 64), pixel_size_nm=2.0,
                   metadata={"provenance": "test"})
    with pytest.raises(InputFileError, match="declares 0 MiB.*max_bytes"):
        read_sem_image(tmp_path / "big.tif", max_bytes=1000)
    monkeypatch.setenv("LPSREPRO_MAX_IMAGE_BYTES", "1000")
    with pytest.raises(InputFileError, match="LPSREPRO_MAX_IMAGE_BYTES"):
        read_sem_image(tmp_path / "big.tif")
    assert read_sem_image(tmp_path / "big.tif", max_bytes=10_000).attrs["pixel_size_nm"] == 2.0


def test_written_tiff_carries_the_zeiss_scale_and_consistent_resolution(tmp_path):
    write_sem_tiff(tmp_path / "w.tif", _pixels(), pixel_size_nm=0.8, metadata={"provenance": "simulated stand-in",
                                                                              "seed": 3})
    with tifffile.TiffFile(tmp_path / "w.tif") as tif:
        sem = tif.sem_metadata
        page = tif.pages.first
        assert sem["ap_image_pixel_size"][1:] == (0.8, "nm") and sem["ap_width"][1:] == (8, "nm")
        assert page.resolutionunit == 3 and page.get_resolution()[0] == pytest.approx(1e7 / 0.8)
        assert not tif.is_shaped and "provenance = simulated stand-in" in page.description
    image = read_sem_image(tmp_path / "w.tif")
    assert image.attrs["provenance"] == "simulated stand-in" and image.attrs["seed"] == 3


def test_fiji_calibration_is_read(tmp_path):
    # Fiji/ImageJ: unit in the ImageJ description, resolution in pixels per unit (no TIFF unit)
    tifffile.imwrite(tmp_path / "fiji.tif", _pixels(), imagej=True, resolution=(2.0, 2.0), metadata={"unit": "um"})
    image = read_sem_image(tmp_path / "fiji.tif")
    assert image.attrs["pixel_size_nm"] == pytest.approx(500.0)
    assert image.attrs["scale_from"] == "ImageJ metadata (unit, resolution)"


def test_zeiss_pixel_size_of_a_larger_store_is_rescaled(tmp_path):
    cz_sem = "\r\n".join(["0", "AP_PIXEL_SIZE", "Pixel Size = 5.825 nm",
                          "DP_IMAGE_STORE", "Store resolution = 1024 * 768"]) + "\r\n"
    tifffile.imwrite(tmp_path / "z.tif", _pixels(), extratags=[(34118, 2, 0, cz_sem, True)])
    assert read_sem_image(tmp_path / "z.tif").attrs["pixel_size_nm"] == pytest.approx(5.825 * 1024 / 10)
