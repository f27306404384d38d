"""Grey-scale microscope images (SEM) with their scale, as xarray.

Reader order for the scale (nm per pixel):

1. the JSON image description that lpsrepro writes (``pixel_size_nm``);
2. Zeiss SmartSEM metadata (TIFF tag 34118, ``CZ_SEM``, item
   ``ap_image_pixel_size``), which the paper's Zeiss Supra 55 writes;
3. the TIFF resolution tags, when their unit is centimetre or inch.

An image without any of these is refused: sizes in pixels are meaningless.

Dataset convention: a DataArray ``intensity`` with dimensions ``y`` and ``x``
(nm from the top-left corner, y pointing down as in the image) and the
attributes ``pixel_size_nm``, ``source_file`` and the file's own metadata.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import tifffile
import xarray as xr

from lpsrepro.errors import InputFileError
from lpsrepro.fileio import atomic_path

_NM_PER_UNIT = {"nm": 1.0, "µm": 1e3, "um": 1e3, "μm": 1e3, "mm": 1e6, "pm": 1e-3}


def image_dataarray(pixels: np.ndarray, pixel_size_nm: float, **attrs) -> xr.DataArray:
    """Wrap a 2-D grey image with its scale as a DataArray with coordinates in nm."""
    ny, nx = pixels.shape
    return xr.DataArray(
        pixels, dims=("y", "x"), name="intensity",
        coords={"y": ("y", np.arange(ny) * pixel_size_nm, {"units": "nm", "long_name": "depth in image"}),
                "x": ("x", np.arange(nx) * pixel_size_nm, {"units": "nm", "long_name": "position in image"})},
        attrs={"units": "1", "long_name": "detector intensity (grey level)",
               "pixel_size_nm": float(pixel_size_nm), **attrs})


def pixel_size_nm(image: xr.DataArray) -> float:
    """The scale of an image DataArray in nm per pixel, checked.

    For analyses that accept any 2-D DataArray (not only one read by
    :func:`read_sem_image`): a missing, non-positive or non-finite
    ``pixel_size_nm`` attribute, or an image that is not 2-D, is refused with
    a message naming the image.
    """
    source = str(image.attrs.get("source_file", "image"))
    pixel = image.attrs.get("pixel_size_nm")
    if pixel is None:
        raise InputFileError(source, "the image has no scale", field="pixel_size_nm",
                             expected="an image read with lpsrepro.io.images.read_sem_image, or a "
                             "DataArray with attribute pixel_size_nm")
    if isinstance(pixel, bool) or not (isinstance(pixel, (int, float)) and np.isfinite(pixel) and pixel > 0):
        raise InputFileError(source, f"pixel size {pixel!r} is not a positive number", field="pixel_size_nm")
    if image.ndim != 2:
        raise InputFileError(source, f"image has {image.ndim} dimensions", expected="a 2-D grey-scale image")
    return float(pixel)


def write_sem_tiff(target: str | Path, pixels: np.ndarray, *, pixel_size_nm: float,
                   metadata: dict[str, Any]) -> Path:
    """Write an 8- or 16-bit grey image as TIFF with its scale in its own metadata."""
    target = Path(target)
    description = json.dumps({"pixel_size_nm": pixel_size_nm, **metadata}, sort_keys=True)
    pixels_per_cm = 1e7 / pixel_size_nm
    with atomic_path(target) as tmp:
        tifffile.imwrite(tmp, pixels, description=description, metadata=None, software="lpsrepro",
                         resolution=(pixels_per_cm, pixels_per_cm), resolutionunit="CENTIMETER",
                         photometric="minisblack")
    return target


def read_sem_image(path: str | Path) -> xr.DataArray:
    """Read a grey-scale SEM TIFF and its scale.

    Raises
    ------
    InputFileError
        Missing/empty/unreadable file, a colour or stacked image, a blank
        image, or no scale in the metadata (the message says which tags were
        looked for).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found", expected="a TIFF image")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty", expected="a TIFF image")
    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages[0]
            pixels = page.asarray()
            description = page.description or ""
            sem = tif.sem_metadata if tif.is_sem else None
            resolution, unit = page.get_resolution(), page.resolutionunit
    except (tifffile.TiffFileError, ValueError, OSError) as exc:
        raise InputFileError(path, f"is not a readable TIFF image ({exc})") from None
    if pixels.ndim != 2:
        raise InputFileError(path, f"image has shape {pixels.shape}",
                             expected="a single grey-scale image (2-D); convert colour images to grey first")
    if float(pixels.max()) == float(pixels.min()):
        raise InputFileError(path, "the image is blank (all pixels have one value)")
    attrs: dict[str, Any] = {"source_file": str(path)}
    pixel_size_nm = None
    try:
        meta = json.loads(description) if description.strip().startswith("{") else {}
    except json.JSONDecodeError:
        meta = {}
    if "pixel_size_nm" in meta:
        pixel_size_nm = meta.pop("pixel_size_nm")
        attrs.update({k: v if isinstance(v, (str, int, float)) else json.dumps(v) for k, v in meta.items()})
        attrs["scale_from"] = "image description (pixel_size_nm)"
    elif sem and "ap_image_pixel_size" in sem:
        _, value, unit_text = sem["ap_image_pixel_size"]
        if unit_text not in _NM_PER_UNIT:
            raise InputFileError(path, f"unknown pixel-size unit '{unit_text}'", field="CZ_SEM ap_image_pixel_size")
        pixel_size_nm = float(value) * _NM_PER_UNIT[unit_text]
        attrs["scale_from"] = "Zeiss CZ_SEM ap_image_pixel_size"
    elif unit in (2, 3) and resolution and resolution[0] > 1:
        per_nm = {2: 2.54e7, 3: 1e7}[int(unit)]  # inch or centimetre in nm
        pixel_size_nm = per_nm / float(resolution[0])
        attrs["scale_from"] = "TIFF resolution tags"
    if pixel_size_nm is None:
        raise InputFileError(path, "the image has no scale", field="pixel size",
                             expected="'pixel_size_nm' in the JSON description, Zeiss CZ_SEM metadata, "
                             "or TIFF resolution tags in cm or inch; add one, e.g. with tifffile")
    if not (isinstance(pixel_size_nm, (int, float)) and np.isfinite(pixel_size_nm) and pixel_size_nm > 0):
        raise InputFileError(path, f"pixel size {pixel_size_nm!r} is not a positive number", field="pixel_size_nm")
    return image_dataarray(pixels, float(pixel_size_nm), **attrs)
