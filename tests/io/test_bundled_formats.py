"""Every bundled file opens in the standard tool of its kind, not only in lpsrepro.

One test per format: SEM TIFF in tifffile, scikit-image and Pillow (what Fiji uses, the
TIFF baseline tags, is what Pillow reads); ZPlot ``.z`` in impedance.py's ``readFile``;
NetCDF in xarray; text (``.xy``, ``.txt``, ``.csv``) in numpy and pandas.
"""

import numpy as np
import pandas as pd
import pytest
import tifffile
import xarray as xr

from lpsrepro import paths
from lpsrepro.io.images import read_sem_image


def raw(suffix):
    files = sorted(paths.RAW.glob(f"*{suffix}"))
    assert files, f"no bundled {suffix} file"
    return files


@pytest.mark.parametrize("path", raw(".tif"), ids=lambda p: p.name)
def test_tiff_opens_in_tifffile_skimage_and_pillow_with_its_scale(path):
    import skimage.io
    from PIL import Image

    pixels = tifffile.imread(path)
    assert pixels.ndim == 2
    assert np.array_equal(skimage.io.imread(path), pixels)
    with Image.open(path) as im:
        assert np.array_equal(np.asarray(im), pixels)
        dpi = im.info["dpi"][0]  # Pillow reports the resolution tags in pixels per inch
    with tifffile.TiffFile(path) as tif:
        assert not tif.is_shaped  # the description is not taken for tifffile's own JSON metadata
        sem_nm = tif.sem_metadata["ap_image_pixel_size"][1]
        assert tif.sem_metadata["ap_image_pixel_size"][2] == "nm"
    # the three statements of the scale agree: CZ_SEM, resolution tags, lpsrepro's reader
    assert 2.54e7 / dpi == pytest.approx(sem_nm, rel=1e-6)
    assert read_sem_image(path).attrs["pixel_size_nm"] == pytest.approx(sem_nm, rel=1e-12)


@pytest.mark.parametrize("path", raw(".z"), ids=lambda p: p.name)
def test_zplot_opens_in_impedance_py(path):
    from impedance.preprocessing import readFile

    from lpsrepro.io.impedance import read_impedance

    frequency, z = readFile(str(path), instrument="zplot")
    ours = read_impedance(path)
    assert frequency.size == ours.sizes["frequency"] and np.all(np.isfinite(z))
    assert np.allclose(np.sort(frequency), np.sort(ours["frequency"].values), rtol=0, atol=0)


@pytest.mark.parametrize("path", raw(".nc"), ids=lambda p: p.name)
def test_netcdf_opens_in_xarray(path):
    with xr.open_dataset(path) as ds:
        assert ds.attrs["provenance"] == "simulated stand-in"
        assert all("units" in ds[name].attrs for name in ds.data_vars)
        assert all(np.all(np.isfinite(ds[name].values)) for name in ds.data_vars
                   if ds[name].dtype.kind in "fc")


@pytest.mark.parametrize("path", raw(".xy") + raw(".txt") + raw(".csv"), ids=lambda p: p.name)
def test_text_opens_in_numpy_and_pandas(path):
    if path.suffix == ".csv":
        table = pd.read_csv(path, comment="#")
        assert len(table) > 10 and table.select_dtypes("number").shape[1] >= 2
        return
    data = np.loadtxt(path, comments="#")
    assert data.ndim == 2 and data.shape[1] >= 2 and np.all(np.isfinite(data))
    table = pd.read_csv(path, comment="#", sep=r"\s+", header=None)
    assert np.array_equal(table.to_numpy(), data)
