"""Add ``--hash=sha256:`` to every pin of requirements-lock.txt (re-runnable after pins are added).

    python tools/lock_hashes.py [requirements-lock.txt]

Reads the ``name==version`` pins (existing hashes are dropped) and, for each, asks the package index's
JSON simple API (PEP 691, ``https://pypi.org/simple/<name>/``) for the SHA-256 of **every** file of that
version that CPython 3.11 can install on any platform: the sdist and each wheel tagged ``py3``,
``cp311``, or ``abi3`` for an older CPython — Linux, macOS and Windows, x86-64 and ARM alike, as
``pip-compile --generate-hashes`` does. ``make`` then installs with ``pip install --require-hashes``:
pip picks the file for the machine it runs on and refuses any file whose hash is not listed. (Hashing
only the files downloaded on one machine would lock every other platform out.)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\;]+)")


def read_pins(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    header, pins = [], []
    for line in text.splitlines():
        if line.startswith("#") and not pins:
            header.append(line)
        match = PIN.match(line)
        if match:
            pins.append((match.group(1), match.group(2)))
    return header, pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


INDEX = "https://pypi.org/simple/{name}/"


def installable_on_cpython311(filename: str, version: str) -> bool:
    """Whether ``filename`` is a distribution of ``version`` that CPython 3.11 can install (any platform)."""
    from packaging.tags import Tag
    from packaging.utils import (InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename,
                                 parse_wheel_filename)
    from packaging.version import Version

    try:
        if filename.endswith(".whl"):
            _, file_version, _, tags = parse_wheel_filename(filename)
            return file_version == Version(version) and any(_tag_fits(t) for t in tags)
        if filename.endswith((".tar.gz", ".zip")):
            _, file_version = parse_sdist_filename(filename)
            return file_version == Version(version)
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return False
    return False


def _tag_fits(tag) -> bool:
    if tag.interpreter in ("py3", "py2.py3") or tag.interpreter.startswith("py3"):
        return True
    if tag.interpreter == "cp311":
        return True
    if tag.abi == "abi3" and tag.interpreter.startswith("cp3"):
        return int(tag.interpreter[3:] or 0) <= 11
    return False


def index_hashes(name: str, version: str) -> list[str]:
    """SHA-256 of every file of ``name==version`` that CPython 3.11 can install, from the index's JSON API."""
    import json
    import urllib.request

    request = urllib.request.Request(INDEX.format(name=canonical(name)),
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    return sorted({f["hashes"]["sha256"] for f in files
                   if "sha256" in f.get("hashes", {}) and not f.get("yanked")
                   and installable_on_cpython311(f["filename"], version)})


def main(lock: Path) -> None:
    header, pins = read_pins(lock.read_text(encoding="utf-8"))
    hashes = {canonical(n): index_hashes(n, v) for n, v in pins}
    missing = [n for n, _ in pins if not hashes[canonical(n)]]
    if missing:
        raise SystemExit(f"the index lists no installable file for: {', '.join(missing)}")
    header = [h for h in header if "Hashes (sha256" not in h]
    lines = [*header, "# Hashes (sha256 of every CPython 3.11 file, all platforms) added by tools/lock_hashes.py."]
    for name, version in pins:
        lines.append(f"{name}=={version} \\")
        digests = hashes[canonical(name)]
        lines.extend(f"    --hash=sha256:{h}" + (" \\" if i < len(digests) - 1 else "") for i, h in enumerate(digests))
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{lock}: {len(pins)} pins, {sum(map(len, hashes.values()))} file hashes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "requirements-lock.txt")
