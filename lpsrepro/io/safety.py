"""Guards shared by every reader: size caps, format sniffing, text decoding, timeouts.

A reader must never return wrong data silently, never leak a library's own
exception (``UnicodeDecodeError``, ``KeyError``, pandas' ``ParserError`` ...)
and never let a file decide how much memory or time it takes. The pieces
here do the parts common to all techniques:

* :func:`check_file` — the path is a regular file (not a folder, not
  ``/dev/zero``), not empty, and not larger than the reader's cap
  (:data:`MAX_BYTES`, overridable per call with ``max_bytes=`` or for all
  readers with the environment variable ``LPSREPRO_MAX_FILE_MB``).
* :func:`sniff_format` — what a file *is*, from its first bytes (magic
  numbers and XML roots), not from its extension, so that a binary or zip
  file gets "this looks like a <format> file" instead of a parse error on
  line 1.
* :func:`read_text` — bytes → ``str``: a UTF-8 BOM is removed (it must not
  hide a header line), UTF-16 exports (BOM) are decoded, a file with NUL
  bytes is refused as binary, and Windows-1252 is the fallback for legacy
  exports.
* :func:`run_with_timeout` — run a format library in a forked child process
  and give up after ``timeout_s`` (``LPSREPRO_READ_TIMEOUT_S``): some
  libraries spin on corrupted files (h5netcdf's dimension scan on a damaged
  HDF5 file loops for minutes).
* :func:`split_decimal_comma`, :func:`last_row_cut` — the two ways a text
  row can give a wrong number that still parses: a decimal comma read as a
  field separator (``1200,00 100`` → 1200 and 0) and a file cut inside its
  last number.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lpsrepro.errors import InputFileError

#: Default size cap per reader kind, in bytes (override with ``max_bytes=`` or ``LPSREPRO_MAX_FILE_MB``).
MAX_BYTES = {
    "text": 64 * 2**20,       # a 2θ scan or a spectrum is < 1 MB; a long cycler export tens of MB
    "netcdf": 256 * 2**20,
    "zip": 256 * 2**20,       # Bruker .brml / Rigaku .rasx / Neware .ndax (compressed size)
    "binary": 512 * 2**20,    # BioLogic .mpr, Neware .nda, Renishaw .wdf
}
#: Cap on the *decompressed* size of one member of a zip container (a zip bomb is refused before inflating).
MAX_UNZIPPED_BYTES = 512 * 2**20
#: Seconds a format library may take on one file before the read is abandoned.
DEFAULT_TIMEOUT_S = 60.0

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA_FIELD = re.compile(r"^[+-]?\d+,\d+([eE][+-]?\d+)?$")


def max_bytes_for(kind: str, override: int | None = None) -> int:
    """The size cap (bytes) of a reader kind: ``override``, else ``LPSREPRO_MAX_FILE_MB``, else :data:`MAX_BYTES`."""
    if override is not None:
        return int(override)
    env = os.environ.get("LPSREPRO_MAX_FILE_MB")
    if env:
        try:
            return int(float(env) * 2**20)
        except ValueError:
            pass
    return MAX_BYTES[kind]


def timeout_s(override: float | None = None) -> float:
    """Seconds allowed to a format library: ``override``, else ``LPSREPRO_READ_TIMEOUT_S``, else 60 s."""
    if override is not None:
        return float(override)
    try:
        return float(os.environ.get("LPSREPRO_READ_TIMEOUT_S", DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S


def check_file(path: str | Path, *, what: str, kind: str = "text", max_bytes: int | None = None) -> Path:
    """Refuse a missing path, a folder, a device (``/dev/zero``), an empty or an oversized file.

    Parameters
    ----------
    path : path
    what : str
        What the reader expects, in the user's words (e.g. ``"a powder XRD pattern"``).
    kind : {"text", "netcdf", "zip", "binary"}
        Selects the default cap in :data:`MAX_BYTES`.
    max_bytes : int, optional
        Overrides the cap for this call.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "file not found", expected=what)
    if path.is_dir():
        raise InputFileError(path, "this is a folder, not a file", expected=what)
    if not path.is_file():
        raise InputFileError(path, "this is not a regular file (a device, pipe or socket)", expected=what)
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(path, "the file is empty", expected=what)
    cap = max_bytes_for(kind, max_bytes)
    if size > cap:
        raise InputFileError(path, f"the file has {size / 2**20:.1f} MB, more than the reader's cap of "
                             f"{cap / 2**20:.0f} MB", expected=f"{what}; raise the cap with max_bytes= "
                             "or the environment variable LPSREPRO_MAX_FILE_MB if the file is genuine")
    return path


# --------------------------------------------------------------------------- sniffing
#: Human names of the formats :func:`sniff_format` recognises.
FORMAT_NAMES = {
    "netcdf4": "NetCDF4/HDF5", "netcdf3": "NetCDF3", "zip": "zip archive",
    "bruker-brml": "Bruker DIFFRAC .brml", "bruker-raw": "Bruker .raw (binary RAW v1–v4)",
    "rigaku-rasx": "Rigaku SmartLab .rasx", "panalytical-xrdml": "PANalytical .xrdml",
    "renishaw-wdf": "Renishaw WiRE .wdf", "horiba-xml": "Horiba LabSpec .xml",
    "biologic-mpr": "BioLogic EC-Lab .mpr", "biologic-mpt": "BioLogic EC-Lab .mpt text export",
    "neware-nda": "Neware .nda", "neware-ndax": "Neware .ndax", "arbin-res": "Arbin .res (MS Access database)",
    "zplot": "Scribner ZPlot .z", "gamry": "Gamry .DTA", "tiff": "TIFF image", "excel": "Excel workbook",
    "pdf": "PDF document", "gzip": "gzip-compressed file", "binary": "binary (non-text)",
}


#: Format → the bytes its files start with (after a UTF-8 byte-order mark, which only text formats carry).
_MAGIC = (
    ("netcdf4", (b"\x89HDF\r\n\x1a\n",)),
    ("netcdf3", (b"CDF\x01", b"CDF\x02")),
    ("bruker-raw", (b"RAW4.00", b"RAW1.01", b"RAW_1.01", b"RAW ")),
    ("renishaw-wdf", (b"WDF1",)),
    ("biologic-mpr", (b"BIO-LOGIC MODULAR FILE",)),
    ("biologic-mpt", (b"EC-Lab ASCII FILE", b"BT-Lab ASCII FILE")),
    ("neware-nda", (b"NEWARE",)),
    ("tiff", (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")),
    ("excel", (b"\xd0\xcf\x11\xe0",)),
    ("pdf", (b"%PDF",)),
    ("gzip", (b"\x1f\x8b",)),
    ("zplot", (b"ZPLOT2 ASCII",)),
    ("gamry", (b"EXPLAIN",)),
)


def sniff_format(path: Path, head: bytes | None = None) -> str:
    """Name the format of a file from its content (see :data:`FORMAT_NAMES`); ``"text"`` when plain text.

    Only the first 4 kB are read, plus the member list of a zip archive.
    """
    if head is None:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head[4:19] in (b"Standard Jet DB", b"Standard ACE DB"):     # the MS Access header sits after 4 bytes
        return "arbin-res"
    bom_free = head.lstrip(b"\xef\xbb\xbf")
    for name, prefixes in _MAGIC:
        if bom_free.startswith(prefixes):
            return name
    text_head = bom_free
    if text_head.lstrip().startswith(b"<?xml") or text_head.lstrip().startswith(b"<"):
        lower = text_head.lower()
        if b"xrdmeasurements" in lower or b"xrdml" in lower:
            return "panalytical-xrdml"
        if b"labspec" in lower or b"<lsx" in lower:
            return "horiba-xml"
        return "xml"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "zip"
    lower = [n.lower() for n in names]
    if any(n.endswith("rawdata0.xml") or n == "experimentcollection.xml" for n in lower):
        return "bruker-brml"
    if any(n.endswith("profile0.txt") for n in lower) or "root.xml" in lower and any(n.startswith("data0/") for n in lower):
        return "rigaku-rasx"
    if any(n.endswith(".ndc") or n == "testinfo.xml" for n in lower):
        return "neware-ndax"
    if any(n.startswith("xl/") for n in lower):
        return "excel"
    return "zip"


def unsupported(path: Path, fmt: str, *, technique: str, export_hint: str) -> InputFileError:
    """The error for a recognised format the reader does not read: names it and says what to export."""
    name = FORMAT_NAMES.get(fmt, fmt)
    article = "an" if name[:1].upper() in "AEIOU" else "a"
    return InputFileError(path, f"this looks like {article} {name} file, which is not supported as {technique}",
                          expected=export_hint)


# --------------------------------------------------------------------------- text
def read_text(path: Path, *, what: str, max_bytes: int | None = None) -> str:
    """Decode a text export: BOM removed, UTF-16 decoded, binary refused, Windows-1252 fallback."""
    check_file(path, what=what, kind="text", max_bytes=max_bytes)
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputFileError(path, "the file starts with a UTF-16 mark but is not valid UTF-16",
                                 expected=what) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        fmt = sniff_format(path)
        name = FORMAT_NAMES.get(fmt, "binary (non-text)")
        raise InputFileError(path, f"this is a {name} file, not a text export", expected=what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    # a BOM can also sit inside (a concatenation of exports); it is never data
    return text.replace("\ufeff", "")


def is_number(text: str) -> bool:
    """True for a plain decimal number (``1``, ``-2.5``, ``3e-4``); False for ``nan``, ``inf``, ``1,5``."""
    return bool(_NUMBER.match(text))


def split_decimal_comma(fields: list[str]) -> bool:
    """True when fields separated by blanks/semicolons hold decimal commas (``1200,00``)."""
    return any(_DECIMAL_COMMA_FIELD.match(f) for f in fields)


def number_shape(text: str) -> tuple[int, bool]:
    """(digits after the decimal point, has exponent) — the printed format of a number."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2]) if "." in mantissa else 0
    return decimals, bool(exponent)


def last_row_cut(text: str, rows: list[list[str]]) -> bool:
    """True when the file does not end with a line break and its last row is printed unlike the rows before.

    A file cut inside its last number still parses (``1234.5`` → ``123``).
    An exporter prints a column with one fixed format; when the rows before
    the last agree on a column's format (decimals, exponent) and the last row
    does not — in a file without its final line break — the file was cut.
    A last row with fewer fields, or a field printed with fewer characters
    than in each of the four rows before, is taken as cut too (the safe
    side: such a file is refused, never read with a wrong last value).
    """
    if len(rows) < 3 or text.endswith(("\n", "\r")):
        return False
    last, previous = rows[-1], rows[-5:-1]
    if len(last) < len(previous[-1]):
        return True
    for j, field in enumerate(last):
        column = [row[j] for row in previous if j < len(row)]
        shapes = {number_shape(value) for value in column}
        if len(shapes) == 1 and number_shape(field) != next(iter(shapes)):
            return True
        # an integer column cut inside its last number keeps its format but loses digits
        if column and len(field) < min(len(value) for value in column):
            return True
    return False


# --------------------------------------------------------------------------- timeouts
def _child(conn, fn, args, kwargs):  # pragma: no cover - runs in the forked child
    try:  # a damaged file makes some libraries print tracebacks from destructors; they are not the user's concern
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
    except OSError:
        pass
    try:
        result = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - any failure is reported to the parent
        result = ("error", (type(exc).__name__, str(exc)[:2000], exc if isinstance(exc, InputFileError) else None))
    try:
        conn.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
        conn.send_bytes(pickle.dumps(("error", (type(exc).__name__, str(exc)[:2000], None))))
    finally:
        conn.close()


def run_with_timeout(fn: Callable[..., Any], *args: Any, path: Path, what: str, seconds: float | None = None,
                     **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` in a forked child; refuse the file if it takes longer than ``seconds``.

    Used around format libraries that can loop on a corrupted file. The child
    is killed on timeout, so a spinning library cannot hold the CPU. Any
    exception in the child comes back as an :class:`InputFileError` naming
    the file (an ``InputFileError`` raised by ``fn`` itself is passed through).
    """
    limit = timeout_s(seconds)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, fn, args, kwargs), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise InputFileError(path, f"reading did not finish within {limit:g} s (the file is probably "
                                 "corrupted and the format library loops on it)",
                                 expected=f"{what}; raise the limit with LPSREPRO_READ_TIMEOUT_S if the file is genuine")
        try:
            status, payload = pickle.loads(receiver.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            raise InputFileError(path, "the format library crashed while reading the file", expected=what) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if status == "ok":
        return payload
    name, message, original = payload
    if original is not None:
        raise original
    raise InputFileError(path, f"could not be read ({name}: {message})", expected=what)
