"""Publishing a build's outputs as one set: all old or all new, never torn.

A build stages every new file first. :func:`publish` then

1. hard-links the current version of every file it will replace or delete
   into a backup folder (no copy; a copy where hard links are impossible),
2. writes a journal (atomically, fsync'ed) listing every replacement,
3. renames the staged files over their targets and deletes pruned files,
4. removes the journal.

A process killed (even by SIGKILL) during step 3 leaves the journal behind;
:func:`recover`, which every build runs first under the lock, rolls the
half-published set back to the old one from the backups. Killed before the
journal exists, nothing was changed yet; killed after it is removed, the new
set is complete. Readers therefore find, after any kill and the next build's
start, either the previous outputs or the new ones — the write-ahead
journal of databases, at the scale of a few dozen files.

:class:`BuildLock` refuses a second build writing to the same place while one
runs (``fcntl.flock``: released by the kernel when its holder dies, so a
killed build never leaves a stale lock), and :func:`remove_debris` deletes
the staging and kernel-runtime folders of builds that died.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from pathlib import Path

from lpsrepro.errors import LpsreproError

JOURNAL = "publish-journal.json"
#: Prefixes of the folders a build creates in its state folder while it runs (owned by its pid).
TRANSIENT_PREFIXES = (".staging-", ".publish-", ".run-")


class BuildLocked(LpsreproError):
    """Another build is writing to the same outputs."""


class BuildLock:
    """An exclusive, non-blocking lock on a build's state folder (context manager)."""

    def __init__(self, state_dir: Path):
        self.path = Path(state_dir) / "lock"
        self._fh = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise BuildLocked(f"another lpsrepro build (pid {holder}) is writing to "
                                  f"{self.path.parent.parent}; wait for it to finish or stop it") from None
            raise
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_debris(state_dir: Path) -> list[Path]:
    """Delete staging/publish/runtime folders left by builds that are no longer running.

    Call with the lock held. Folder names end with ``-<pid>``; a folder whose
    process is alive (this build) is kept.
    """
    removed = []
    if not Path(state_dir).is_dir():
        return removed
    for path in Path(state_dir).iterdir():
        if not path.name.startswith(TRANSIENT_PREFIXES):
            continue
        try:
            pid = int(path.name.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            pid = -1
        if pid == os.getpid() or (pid > 0 and _pid_alive(pid) and pid != os.getppid() and _is_build(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _is_build(pid: int) -> bool:
    """Whether a live pid is an lpsrepro build (pids are reused after a build dies)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # cannot tell: keep its folder
    return b"lpsrepro" in cmdline or b"pytest" in cmdline


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(path: Path, doc: dict, tmp: Path) -> None:
    """Write the journal whole: into ``tmp`` (inside the publish's work folder, removed as debris) then rename."""
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _backup(target: Path, backup: Path) -> None:
    backup.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)


def publish(state_dir: Path, replacements: dict[Path, Path], deletions: list[Path] = (),
            *, pause=None) -> None:
    """Move ``staged → target`` for every item and delete ``deletions``, as one set.

    ``state_dir`` must be on the same file system as the targets (renames
    are atomic only there). ``pause`` (tests only) is called between two
    renames, to let a test kill the process in the middle of the set.
    """
    state_dir = Path(state_dir)
    work = state_dir / f".publish-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    entries = []
    for i, (staged, target) in enumerate(sorted(replacements.items(), key=lambda kv: str(kv[1]))):
        target = Path(target)
        backup = work / "old" / f"{i:05d}"
        if target.exists():
            _backup(target, backup)
        entries.append({"target": str(target), "new": str(staged), "old": str(backup) if target.exists() else None})
    for j, target in enumerate(deletions, start=len(entries)):
        target = Path(target)
        if target.exists():
            backup = work / "old" / f"{j:05d}"
            _backup(target, backup)
            entries.append({"target": str(target), "new": None, "old": str(backup)})
    journal = state_dir / JOURNAL
    work.mkdir(parents=True, exist_ok=True)
    _write_journal(journal, {"state": "publishing", "work": str(work), "entries": entries}, work / "journal.tmp")
    try:
        for entry in entries:
            target = Path(entry["target"])
            if entry["new"] is None:
                target.unlink(missing_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(entry["new"], target)
            if pause is not None:
                pause()
    except BaseException:  # Ctrl-C or an error in the middle of the set: put the old set back now
        recover(state_dir)
        raise
    for folder in {Path(e["target"]).parent for e in entries}:
        _fsync_dir(folder)
    journal.unlink()  # the commit point: from here on the new set is the published one
    _fsync_dir(state_dir)
    shutil.rmtree(work, ignore_errors=True)


def recover(state_dir: Path) -> bool:
    """Roll back a publish that a killed build left half done; True if there was one.

    Call with the lock held, before anything else touches the outputs.
    """
    journal = Path(state_dir) / JOURNAL
    if not journal.exists():
        return False
    try:
        doc = json.loads(journal.read_text(encoding="utf-8"))
    except ValueError:  # the journal is written by rename: a torn journal means it never took effect
        journal.unlink()
        return False
    for entry in reversed(doc.get("entries", [])):
        target = Path(entry["target"])
        if entry["old"] is not None:
            old = Path(entry["old"])
            if old.exists():
                os.replace(old, target)
        else:
            target.unlink(missing_ok=True)
    journal.unlink()
    shutil.rmtree(doc.get("work", ""), ignore_errors=True)
    return True
