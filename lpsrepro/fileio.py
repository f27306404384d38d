"""Writing files whole or not at all.

Every output of the compendium (figures, data stand-ins, claims, executed
notebooks) is written to a temporary file in the destination folder and then
renamed over the target, so that an interrupted run never leaves a half file
and never destroys the previous one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lpsrepro import paths
from lpsrepro.errors import ParameterError


def refuse_raw_data(target: Path) -> None:
    """Refuse to write into data/raw unless the stand-in generator allows it.

    The build and the analyses never write there; only ``lpsrepro simulate``
    does, by setting ``LPSREPRO_ALLOW_RAW_WRITES``.
    """
    target = Path(target).resolve()
    raw = paths.RAW.resolve()
    if (target == raw or raw in target.parents) and not os.environ.get("LPSREPRO_ALLOW_RAW_WRITES"):
        raise ParameterError("output path", str(target),
                             "a path outside data/raw (raw data are read-only; "
                             "only `lpsrepro simulate` regenerates them)")


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it onto ``target`` on success."""
    target = Path(target)
    refuse_raw_data(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)  # mkstemp makes 0600 files
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: str | Path, text: str) -> None:
    """Write a text file (UTF-8, ``\\n`` line ends) atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_json(target: str | Path, doc: Any) -> None:
    """Write JSON (sorted keys off, two-space indent, final newline) atomically."""
    write_text(target, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
