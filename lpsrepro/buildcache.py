"""The build's cache: what each notebook's result depends on, hashed, and whether it is still fresh.

A notebook's result (its executed copy and its figures) is reused only when
every input is unchanged since the run that made it:

* its source (cell types, sources and tags — not its outputs),
* its parameters,
* the lock file (``requirements-lock.txt``, standing for the installed
  packages) and the Python version,
* everything the run itself recorded (:mod:`lpsrepro._kernel_deps`): the files
  it read, the folders it listed, the source of every project module it
  imported, and the ledger/registry entries it looked up by key.

The recorded dependencies are derived from the run, never listed by hand, so
a new ``lpsrepro/sections/*.py`` module or a new data file read by a notebook
is tracked without any change here. Hashes are SHA-256 of the bytes (of the
canonical JSON for registry entries); a missing file hashes as ``"missing"``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Bump when the meaning of a record changes: every cached result is then re-run.
CACHE_FORMAT = 1
MISSING = "missing"
#: Where each registry keeps its entries, and how an entry is found by key.
_KEYED_SECTIONS = {"ledger": "assumptions", "claims": "claims", "panels": "panels"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes, or ``"missing"``."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
        return MISSING


def dir_hash(path: str | Path) -> str:
    """SHA-256 of a folder's sorted entry names (a file added or removed changes it)."""
    try:
        names = sorted(os.listdir(path))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return MISSING
    return sha256_bytes("\n".join(names).encode())


def notebook_source_hash(path: Path) -> str:
    """Hash of what a notebook *says* (cell types, sources, tags), ignoring its outputs."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [[c.get("cell_type"), "".join(c.get("source", "")) if isinstance(c.get("source"), list)
              else c.get("source", ""), sorted(c.get("metadata", {}).get("tags", []))]
             for c in doc.get("cells", [])]
    return sha256_bytes(json.dumps(cells, sort_keys=True).encode())


def environment_hash(lock_file: Path) -> str:
    """Hash of the lock file and the interpreter version: changing either re-runs everything."""
    text = f"{CACHE_FORMAT}\n{sys.version_info[:3]}\n{file_hash(lock_file)}"
    return sha256_bytes(text.encode())


def parameters_hash(parameters: dict[str, Any]) -> str:
    return sha256_bytes(json.dumps(parameters, sort_keys=True, default=str).encode())


class _RegistryReader:
    """Parses each registry file once per build and hashes its entries by key."""

    def __init__(self):
        self._docs: dict[str, dict[str, Any] | None] = {}

    def entries(self, kind: str, path: str) -> dict[str, Any] | None:
        if path not in self._docs:
            import yaml

            try:
                loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: a no-op build stays fast
                doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader) or {}
                section = doc.get(_KEYED_SECTIONS[kind])
                if kind == "claims" and isinstance(section, list):
                    section = {str(e.get("id", f"#{i}")): e for i, e in enumerate(section)}
                self._docs[path] = section if isinstance(section, dict) else None
            except (OSError, ValueError, AttributeError, yaml.YAMLError):
                self._docs[path] = None
        return self._docs[path]

    def key_hash(self, kind: str, path: str, key: str) -> str:
        section = self.entries(kind, path)
        if section is None:
            return MISSING
        value = section if key == "*" else section.get(key, MISSING)
        return sha256_bytes(json.dumps(value, sort_keys=True, default=str).encode())


def read_deps(deps_file: Path) -> list[dict[str, Any]] | None:
    """The records a kernel wrote; ``None`` if the run did not finish recording."""
    try:
        lines = [json.loads(line) for line in deps_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError):
        return None
    if not lines or lines[-1] != {"complete": True}:
        return None
    return lines[:-1]


def hash_deps(records: list[dict[str, Any]], registries: _RegistryReader | None = None) -> dict[str, str]:
    """Turn recorded dependencies into ``{label: hash}`` (labels say what the input is)."""
    registries = registries or _RegistryReader()
    out: dict[str, str] = {}
    for rec in records:
        if "file" in rec:
            out[f"file {rec['file']}"] = file_hash(rec["file"])
        elif "module" in rec:
            out[f"module {rec['module']}"] = file_hash(rec["module"])
        elif "dir" in rec:
            out[f"folder {rec['dir']}"] = dir_hash(rec["dir"])
        elif "keyed" in rec:
            out[f"{rec['keyed']} {rec['path']} [{rec['key']}]"] = registries.key_hash(rec["keyed"], rec["path"], rec["key"])
    return dict(sorted(out.items()))


@dataclass
class Freshness:
    """Whether a cached result can be reused, and if not, why (for ``--dry-run``)."""

    fresh: bool
    reasons: list[str]


def static_inputs(notebook: Path, parameters: dict[str, Any], lock_file: Path) -> dict[str, str]:
    """The inputs known before running: source, parameters, environment."""
    return {"notebook source": notebook_source_hash(notebook), "parameters": parameters_hash(parameters),
            "environment (lock file, Python)": environment_hash(lock_file)}


def check(record: dict[str, Any] | None, static: dict[str, str], root: Path,
          registries: _RegistryReader | None = None) -> Freshness:
    """Compare a cached record with the inputs as they are now."""
    if not record:
        return Freshness(False, ["no cached result"])
    reasons = [f"{label} changed" for label, value in static.items() if record.get("static", {}).get(label) != value]
    if reasons:
        return Freshness(False, reasons)
    now = hash_deps([_record_of(label) for label in record.get("deps", {})], registries)
    for label, old in record.get("deps", {}).items():
        if now.get(label) != old:
            reasons.append(f"{_relative(label, root)} changed" if now.get(label) != MISSING
                           else f"{_relative(label, root)} is gone")
    return Freshness(not reasons, reasons)


def _record_of(label: str) -> dict[str, str]:
    kind, _, rest = label.partition(" ")
    if kind == "file":
        return {"file": rest}
    if kind == "module":
        return {"module": rest}
    if kind == "folder":
        return {"dir": rest}
    path, _, key = rest.rpartition(" [")
    return {"keyed": kind, "path": path, "key": key[:-1]}


def _relative(label: str, root: Path) -> str:
    return label.replace(str(root) + os.sep, "")
