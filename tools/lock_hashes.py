"""Add ``--hash=sha256:`` to every pin of requirements-lock.txt (re-runnable after pins are added).

    python tools/lock_hashes.py [requirements-lock.txt]

Reads the ``name==version`` pins (existing hashes are dropped), downloads each pinned
distribution with pip (``pip download --no-deps``, pip's own cache makes re-runs fast) for this
interpreter and platform (the compendium's: CPython 3.11 on Linux x86-64), and rewrites the file
with the SHA-256 of each downloaded file, in pip-compile's layout. ``make`` then installs with
``pip install --require-hashes``, which refuses any file whose hash differs.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
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


def main(lock: Path) -> None:
    header, pins = read_pins(lock.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="lpsrepro-lock-") as tmp:
        requirements = Path(tmp) / "pins.txt"
        requirements.write_text("".join(f"{n}=={v}\n" for n, v in pins))
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", tmp,
                        "--requirement", str(requirements)], check=True)
        hashes: dict[str, list[str]] = {}
        for path in sorted(Path(tmp).iterdir()):
            if path.suffix in (".whl", ".gz", ".zip"):
                name = canonical(re.split(r"-\d", path.name, maxsplit=1)[0])
                hashes.setdefault(name, []).append(hashlib.sha256(path.read_bytes()).hexdigest())
    missing = [n for n, _ in pins if canonical(n) not in hashes]
    if missing:
        raise SystemExit(f"no file downloaded for: {', '.join(missing)}")
    lines = [*header] if header else []
    if not any("hash" in h for h in header):
        lines.append("# Hashes (sha256, CPython 3.11 / Linux x86-64 files) added by tools/lock_hashes.py.")
    for name, version in pins:
        lines.append(f"{name}=={version} \\")
        digests = sorted(hashes[canonical(name)])
        lines.extend(f"    --hash=sha256:{h}" + (" \\" if i < len(digests) - 1 else "") for i, h in enumerate(digests))
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{lock}: {len(pins)} pins, each with its sha256")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "requirements-lock.txt")
