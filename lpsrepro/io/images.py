"""Grey-scale microscope images (SEM) with their scale, as xarray.

Reader order for the scale (nm per pixel), first found wins:

1. the ``pixel_size_nm`` argument of :func:`read_sem_image` (the user's word beats the file);
2. ``pixel_size_nm`` in a JSON image description (files written by lpsrepro before 0.2);
3. FEI/Thermo Fisher metadata (TIFF tags 34680/34682, ``[Scan] PixelWidth`` in m), parsed by
   :attr:`tifffile.TiffFile.fei_metadata`;
4. Zeiss SmartSEM metadata (TIFF tag 34118, ``CZ_SEM``), parsed by
   :attr:`tifffile.TiffFile.sem_metadata`: ``ap_image_pixel_size`` (the image's own
   pixel size), else ``ap_width`` / pixel columns (the field of view), else
   ``ap_pixel_size`` — which SmartSEM states for the store resolution
   (``dp_image_store``, e.g. 1024 px), so it is rescaled by store columns / image
   columns when the two differ. The paper's Zeiss Supra 55 writes these;
5. ImageJ/Fiji metadata (``unit=`` in the ImageJ description, resolution in pixels per unit);
6. the TIFF resolution tags, when their unit is centimetre or inch *and* they state a
   microscope scale: a resolution below :data:`PRINT_RESOLUTION_MAX_PX_PER_INCH` pixels per inch
   (pixels of 2.5 µm or more) is a print resolution ("72 dpi") that image software writes
   by default, and is refused as a scale.

An image without any of these is refused: sizes in pixels are meaningless.

The bundled stand-ins are written as the paper's microscope writes its files
(:func:`write_sem_tiff`): CZ_SEM tag with ``AP_IMAGE_PIXEL_SIZE``, ``AP_PIXEL_SIZE``,
``AP_WIDTH`` and ``AP_HEIGHT``, TIFF resolution tags in pixels per centimetre that agree
with it, and the provenance as ``key = value`` lines in the ImageDescription (plain text,
so that tifffile does not take it for its own "shaped" JSON metadata and
``tifffile.imread``, ``skimage.io.imread``, Pillow and Fiji open the file).

Bounded resources: the declared size of the decompressed image is checked
before any pixel is read (:data:`MAX_IMAGE_BYTES`, 512 MiB, overridable by the
``max_bytes`` argument or the ``LPSREPRO_MAX_IMAGE_BYTES`` environment variable).

Dataset convention: a DataArray ``intensity`` with dimensions ``y`` and ``x``
(nm from the top-left corner, y pointing down as in the image) and the
attributes ``pixel_size_nm``, ``source_file``, ``scale_from`` and the file's own metadata.

References
----------
Zeiss SmartSEM TIFF tag 34118 and FEI tags 34680/34682: C. Gohlke, tifffile
(https://github.com/cgohlke/tifffile), ``read_cz_sem`` and ``read_fei_metadata``.
TIFF 6.0 specification, section 8 (XResolution, YResolution, ResolutionUnit).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from struct import error as struct_error
from typing import Any

import numpy as np
import tifffile
import xarray as xr

from lpsrepro.errors import InputFileError
from lpsrepro.fileio import atomic_path

_NM_PER_UNIT = {"nm": 1.0, "µm": 1e3, "um": 1e3, "μm": 1e3, "micron": 1e3, "mm": 1e6, "pm": 1e-3, "m": 1e9,
                "cm": 1e7, "\\u00B5m": 1e3}  # the last: ImageJ writes µm escaped in its description
#: Default cap on the decompressed size of an image, bytes (override: ``max_bytes`` or the variable below).
MAX_IMAGE_BYTES = 512 * 1024**2
MAX_IMAGE_BYTES_ENV = "LPSREPRO_MAX_IMAGE_BYTES"
#: Resolution tags at or below this many pixels per inch (pixels ≥ 2.54 µm) are taken for a print resolution.
PRINT_RESOLUTION_MAX_PX_PER_INCH = 10_000.0
#: Plausible SEM pixel sizes, nm: from 1 pm to 1 mm (a navigation camera). Outside: refused as absurd.
PIXEL_SIZE_RANGE_NM = (1e-3, 1e6)
#: ImageDescription first line of the files lpsrepro writes.
DESCRIPTION_HEADER = "lpsrepro SEM image"


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


def _cz_sem_tag(pixel_size_nm: float, shape: tuple[int, int], instrument: str) -> bytes:
    """CZ_SEM (tag 34118) text as Zeiss SmartSEM writes it: upper-case key line, then ``Name = value unit``."""
    ny, nx = shape
    number = f"{pixel_size_nm:.6g}"
    items = [("AP_IMAGE_PIXEL_SIZE", f"Image Pixel Size = {number} nm"),
             ("AP_PIXEL_SIZE", f"Pixel Size = {number} nm"),
             ("AP_WIDTH", f"Width = {float(number) * nx:.6g} nm"),
             ("AP_HEIGHT", f"Height = {float(number) * ny:.6g} nm"),
             ("DP_IMAGE_STORE", f"Store resolution = {nx} * {ny}"),
             ("SV_SERIAL_NUMBER", f"Serial No. = {instrument}")]
    text = "\r\n".join(["0"] + [line for item in items for line in item]) + "\r\n"
    return text.encode("cp1252")  # SmartSEM writes Windows-1252 (µ = 0xB5)


def _description(metadata: dict[str, Any]) -> str:
    """Provenance as plain ``key = value`` lines (values that are not strings as JSON)."""
    lines = [DESCRIPTION_HEADER]
    for key in sorted(metadata):
        value = metadata[key]
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        lines.append(f"{key} = {' '.join(str(text).split())}")
    return "\n".join(lines) + "\n"


def parse_description(description: str) -> dict[str, Any]:
    """Metadata of an ImageDescription written by :func:`write_sem_tiff` (``key = value`` lines).

    Values that are JSON (numbers, objects) are decoded, others kept as text;
    a description of another origin gives an empty dict.
    """
    lines = description.splitlines()
    if not lines or lines[0].strip() != DESCRIPTION_HEADER:
        return {}
    out: dict[str, Any] = {}
    for line in lines[1:]:
        key, sep, value = line.partition(" = ")
        if not sep:
            continue
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip()] = value
    return out


def write_sem_tiff(target: str | Path, pixels: np.ndarray, *, pixel_size_nm: float,
                   metadata: dict[str, Any], instrument: str = "lpsrepro simulated stand-in") -> Path:
    """Write an 8- or 16-bit grey image as TIFF with its scale, as a Zeiss SmartSEM does.

    The scale is in the CZ_SEM tag (34118) and in the TIFF resolution tags
    (pixels per centimetre, the same number); ``metadata`` (the provenance)
    goes into the ImageDescription as ``key = value`` lines. No timestamp and
    no software version are written, so the bytes depend on the inputs only.
    """
    target = Path(target)
    pixels = np.asarray(pixels)
    if pixels.ndim != 2:
        raise ValueError(f"expected a 2-D grey image, got shape {pixels.shape}")
    pixels_per_cm = 1e7 / pixel_size_nm
    extratags = [(34118, 1, 0, _cz_sem_tag(pixel_size_nm, pixels.shape, instrument), True)]
    with atomic_path(target) as tmp:
        tifffile.imwrite(tmp, pixels, description=_description(metadata), metadata=None, software=False,
                         resolution=(pixels_per_cm, pixels_per_cm), resolutionunit="CENTIMETER",
                         photometric="minisblack", extratags=extratags)
    return target


def _cap_bytes(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return int(max_bytes)
    env = os.environ.get(MAX_IMAGE_BYTES_ENV)
    if not env:
        return MAX_IMAGE_BYTES
    try:
        return int(float(env))
    except ValueError:
        from lpsrepro.errors import ParameterError
        raise ParameterError(MAX_IMAGE_BYTES_ENV, env, "a number of bytes, e.g. 1e9") from None


def _nm(path: Path, field: str, entry: Any) -> float:
    """A CZ_SEM ``(name, value, unit)`` entry in nm; a missing or unknown unit is refused."""
    if not isinstance(entry, tuple) or len(entry) < 2:
        raise InputFileError(path, f"unreadable entry {entry!r}", field=field, expected="'Name = value unit'")
    if len(entry) < 3:
        raise InputFileError(path, f"value {entry[1]!r} has no unit", field=field,
                             expected="a length with its unit, e.g. '5.825 nm' or '0.012 µm'")
    value, unit = entry[1], str(entry[2])
    if unit not in _NM_PER_UNIT:
        raise InputFileError(path, f"unknown pixel-size unit '{unit}'", field=field,
                             expected="nm, µm, mm or pm")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputFileError(path, f"value {value!r} is not a number", field=field)
    return float(value) * _NM_PER_UNIT[unit]


def _zeiss_pixel_size_nm(path: Path, sem: dict[str, Any], nx: int) -> tuple[float, str]:
    if "ap_image_pixel_size" in sem:
        return _nm(path, "CZ_SEM ap_image_pixel_size", sem["ap_image_pixel_size"]), \
            "Zeiss CZ_SEM ap_image_pixel_size"
    if "ap_width" in sem:
        # the field of view over the pixel columns: right whatever the store resolution was
        return _nm(path, "CZ_SEM ap_width", sem["ap_width"]) / nx, "Zeiss CZ_SEM ap_width / pixel columns"
    pixel = _nm(path, "CZ_SEM ap_pixel_size", sem["ap_pixel_size"])
    # "Pixel Size" belongs to the store resolution ("Store resolution = 1024 * 768"): rescale to this image
    store = sem.get("dp_image_store")
    try:
        store_nx = int(str(store[1]).split("*")[0]) if isinstance(store, tuple) else None
    except ValueError:
        store_nx = None
    if store_nx and store_nx != nx:
        return pixel * store_nx / nx, "Zeiss CZ_SEM ap_pixel_size × store columns / pixel columns"
    return pixel, "Zeiss CZ_SEM ap_pixel_size"


def _fei_pixel_size_nm(path: Path, fei: dict[str, Any]) -> float:
    scan = fei.get("Scan") or fei.get("EScan") or {}
    value = scan.get("PixelWidth") if isinstance(scan, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputFileError(path, f"PixelWidth {value!r} is not a number", field="FEI [Scan] PixelWidth",
                             expected="the pixel width in metres")
    return float(value) * 1e9


def _resolution_pixel_size_nm(path: Path, resolution, unit) -> float | None:
    """Pixel size from the TIFF resolution tags, or None when they are absent or a print resolution."""
    if not resolution or unit is None or int(unit) not in (2, 3):
        return None
    per_unit = float(resolution[0])
    if not (math.isfinite(per_unit) and per_unit > 0):
        return None
    per_inch = per_unit * (2.54 if int(unit) == 3 else 1.0)
    if per_inch <= PRINT_RESOLUTION_MAX_PX_PER_INCH:
        return None  # "72 dpi": a print resolution, not a microscope scale
    return {2: 2.54e7, 3: 1e7}[int(unit)] / per_unit


def read_sem_image(path: str | Path, *, pixel_size_nm: float | None = None,
                   max_bytes: int | None = None) -> xr.DataArray:
    """Read a grey-scale SEM TIFF and its scale.

    Parameters
    ----------
    path : str or Path
        The TIFF file.
    pixel_size_nm : float, optional
        The scale in nm per pixel, when the file has none or a wrong one (it
        overrides the file's metadata; ``scale_from`` says so).
    max_bytes : int, optional
        Largest decompressed image accepted, bytes (default :data:`MAX_IMAGE_BYTES`
        or ``$LPSREPRO_MAX_IMAGE_BYTES``). Checked before the pixels are read.

    Raises
    ------
    InputFileError
        Missing/empty/unreadable file, a compression that needs a missing codec
        (imagecodecs), an image larger than the cap, a colour or stacked image,
        a blank image or one with NaN/inf pixels, a unitless or non-numeric
        scale, a pixel size outside :data:`PIXEL_SIZE_RANGE_NM`, or no scale in
        the metadata (the message says which tags were looked for).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found", expected="a TIFF image")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty", expected="a TIFF image")
    if pixel_size_nm is not None:
        _check_pixel_size(path, pixel_size_nm, "pixel_size_nm (parameter)")
    cap = _cap_bytes(max_bytes)
    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            declared = int(np.prod(page.shape, dtype=np.int64)) * np.dtype(page.dtype).itemsize \
                if page.dtype is not None else 0
            if declared > cap:
                raise InputFileError(path, f"the image declares {declared / 2**20:.0f} MiB decompressed",
                                     field="ImageWidth x ImageLength", expected=f"at most {cap / 2**20:.0f} MiB "
                                     f"(raise the cap with max_bytes or ${MAX_IMAGE_BYTES_ENV})")
            try:
                pixels = page.asarray()
            except (ValueError, NotImplementedError, KeyError, RuntimeError, ImportError) as exc:
                compression = getattr(page.compression, "name", page.compression)
                raise InputFileError(path, f"the pixels cannot be decoded ({exc})", field=f"Compression ({compression})",
                                     expected="an uncompressed TIFF, or install the 'imagecodecs' package "
                                     "for this compression") from None
            description = page.description or ""
            sem = tif.sem_metadata if tif.is_sem else None
            fei = tif.fei_metadata if tif.is_fei else None
            imagej = tif.imagej_metadata if tif.is_imagej else None
            resolution, unit = page.get_resolution(), page.resolutionunit
    except InputFileError:
        raise
    except (tifffile.TiffFileError, ValueError, OSError, KeyError, IndexError, TypeError, struct_error) as exc:
        raise InputFileError(path, f"is not a readable TIFF image ({exc})") from None
    if pixels.ndim != 2:
        raise InputFileError(path, f"image has shape {pixels.shape}",
                             expected="a single grey-scale image (2-D); convert colour images to grey first")
    if pixels.dtype.kind == "f" and not np.all(np.isfinite(pixels)):
        raise InputFileError(path, f"{int(np.sum(~np.isfinite(pixels)))} pixels are NaN or infinite",
                             field="pixels", expected="finite grey levels")
    if pixels.dtype.kind not in "uif":
        raise InputFileError(path, f"pixels of type {pixels.dtype}", field="pixels", expected="grey levels (numbers)")
    if float(pixels.max()) == float(pixels.min()):
        raise InputFileError(path, "the image is blank (all pixels have one value)")
    attrs: dict[str, Any] = {"source_file": str(path)}
    scale = None
    own = parse_description(description)
    try:
        legacy = json.loads(description) if description.strip().startswith("{") else {}
    except json.JSONDecodeError:
        legacy = {}
    if not isinstance(legacy, dict):
        legacy = {}
    for meta in (own, legacy):
        attrs.update({k: v if isinstance(v, (str, int, float)) and not isinstance(v, bool) else json.dumps(v)
                      for k, v in meta.items() if k != "pixel_size_nm"})
    if pixel_size_nm is not None:
        scale, attrs["scale_from"] = float(pixel_size_nm), "pixel_size_nm parameter"
    elif "pixel_size_nm" in legacy:
        scale, attrs["scale_from"] = legacy["pixel_size_nm"], "image description (pixel_size_nm)"
    elif fei:
        scale, attrs["scale_from"] = _fei_pixel_size_nm(path, fei), "FEI metadata [Scan] PixelWidth"
    elif sem and {"ap_image_pixel_size", "ap_width", "ap_pixel_size"} & set(sem):
        scale, attrs["scale_from"] = _zeiss_pixel_size_nm(path, sem, pixels.shape[1])
    elif imagej and str(imagej.get("unit", "")) in _NM_PER_UNIT and resolution and resolution[0] > 0:
        scale = _NM_PER_UNIT[str(imagej["unit"])] / float(resolution[0])
        attrs["scale_from"] = "ImageJ metadata (unit, resolution)"
    else:
        scale = _resolution_pixel_size_nm(path, resolution, unit)
        if scale is not None:
            attrs["scale_from"] = "TIFF resolution tags"
    if scale is None:
        dpi_note = ""
        if resolution and unit is not None and int(unit) in (2, 3) and resolution[0] > 0:
            dpi_note = (f" (its resolution tags, {float(resolution[0]):g} pixels per "
                        f"{'inch' if int(unit) == 2 else 'cm'}, are a print resolution, not a microscope scale)")
        raise InputFileError(path, "the image has no scale" + dpi_note, field="pixel size",
                             expected="pixel_size_nm given as a parameter, Zeiss CZ_SEM or FEI metadata, "
                             "ImageJ calibration, or TIFF resolution tags in cm or inch at a microscope scale")
    _check_pixel_size(path, scale, attrs["scale_from"])
    return image_dataarray(pixels, float(scale), **attrs)


def _check_pixel_size(path: Path, value: Any, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InputFileError(path, f"pixel size {value!r} is not a positive number", field=field)
    low, high = PIXEL_SIZE_RANGE_NM
    if not low <= value <= high:
        raise InputFileError(path, f"pixel size {value!r} nm is outside {low:g}–{high:g} nm", field=field,
                             expected="a microscope pixel size")
