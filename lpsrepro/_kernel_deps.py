"""Record, inside a notebook's kernel, what the notebook's result depends on.

Loaded by the build as an IPython extension (``--IPKernelApp.extensions``) when
the environment variable ``LPSREPRO_DEPS_FILE`` names a file. From then on the
kernel appends one JSON line per dependency it meets to that file:

* ``{"file": path}`` — a file opened for reading (a :func:`sys.addaudithook`
  hook on the ``open`` event, which every Python-level ``open``/``os.open``/
  ``io.open_code`` raises, PEP 578), and files that HDF5 opens from C
  (``h5py.File``, wrapped because C-level opens raise no audit event);
* ``{"dir": path}`` — a folder listed (``os.listdir``/``os.scandir``, which
  pathlib's and glob's listings use): a file added to a globbed folder
  changes the result (listings made by the import system — package folders,
  ``sys.path`` entries — are left out: modules are recorded themselves);
* ``{"module": path}`` — the source file of every module imported from the
  project or from the ``lpsrepro`` package (scanned after every cell);
* ``{"keyed": kind, "path": path, "key": key}`` — one entry of the
  assumptions ledger (``ledger``), the claims registry (``claims``) or the
  panel registry (``panels``) read by key, so that editing one ledger value
  re-runs only the notebooks that read that value. Reading a whole registry
  (iterating it) is recorded as key ``"*"``.

The build (``lpsrepro.buildcache``) hashes these after the run and compares
them at the next build. The file ends with ``{"complete": true}`` once the
kernel shuts down normally; a record without it is never trusted.

Only reads count: files written by the notebook (figures) are outputs.
Files of the interpreter, the installed packages, and per-user caches and
configuration (matplotlib's font cache, IPython's profile) are not inputs of
the analysis and are left out; the lock file stands for the installed packages.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading

ENV = "LPSREPRO_DEPS_FILE"
#: Folders whose files are never inputs of a result (besides the interpreter's own).
_SYSTEM_PREFIXES = ("/proc/", "/sys/", "/dev/", "/etc/", "/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/",
                    "/var/", "/run/", "/snap/", "/opt/conda/")

_state = threading.local()
_fd: int | None = None
_seen: set = set()
_excluded: tuple[str, ...] = ()
_package_dir = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _import_dirs() -> set:
    return {os.path.abspath(p or os.getcwd()) for p in sys.path if isinstance(p, str)}


def _emit(record: dict) -> None:
    key = json.dumps(record, sort_keys=True)
    if _fd is None or key in _seen:
        return
    _seen.add(key)
    os.write(_fd, (key + "\n").encode())  # os.write raises no "open" audit event: no recursion


def _interesting(path: str) -> bool:
    if not path.startswith(os.sep):
        return False
    if path.startswith(_SYSTEM_PREFIXES) or path.startswith(_excluded):
        return False
    parts = path.split(os.sep)
    # hidden folders (caches, .git, .ipython, .config ...) and compiled files are not inputs
    return not any(p.startswith(".") and p not in (".", "..") for p in parts[:-1]) \
        and "__pycache__" not in parts and not path.endswith((".pyc", ".so"))


def _audit(event: str, args: tuple) -> None:
    if getattr(_state, "muted", False):
        return
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None))[:3]
        if isinstance(path, int) or path is None:
            return
        if isinstance(mode, str) and any(c in mode for c in "wax+"):
            return
        if isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            return
        path = os.fsdecode(path)
        full = os.path.abspath(path)
        if _interesting(full) and not os.path.isdir(full):
            _emit({"file": full})
    elif event in ("os.listdir", "os.scandir"):
        path = args[0] if args and args[0] is not None else "."
        if isinstance(path, int):
            return
        full = os.path.abspath(os.fsdecode(path))
        # The import system lists package folders and sys.path entries (the notebook's folder among
        # them) to find modules; those listings are covered by the module records, not inputs.
        if (full + os.sep).startswith(_package_dir) or full in _import_dirs():
            return
        if _interesting(full + os.sep):
            _emit({"dir": full})


class _RecordingDict(dict):
    """A registry dict that records which keys are read (``"*"`` when iterated)."""

    def _note(self, key):
        _emit({"keyed": self._kind, "path": self._path, "key": str(key)})

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __iter__(self):
        self._note("*")
        return super().__iter__()

    def keys(self):
        self._note("*")
        return super().keys()

    def items(self):
        self._note("*")
        return super().items()

    def values(self):
        self._note("*")
        return super().values()

    def __len__(self):
        self._note("*")
        return super().__len__()

    def copy(self):
        self._note("*")
        return dict(super().items())


def _wrap_loader(module, name: str, kind: str | None) -> None:
    """Keep the registry file read by ``module.name(path)`` silent; with ``kind``, return a recording view.

    ``path`` (first argument, default the module's registry) names the file in the record.
    """
    original = getattr(module, name)
    views: dict = {}

    def loader(path=None, *args, **kwargs):
        _state.muted = True
        try:
            result = original(path, *args, **kwargs)
        finally:
            _state.muted = False
        if kind is None:
            return result
        view = views.get(id(result))
        if view is None or view[0] is not result:
            rec = _RecordingDict(result)
            rec._kind, rec._path = kind, os.path.abspath(os.fspath(path or _DEFAULT_PATHS[kind]()))
            view = (result, rec)
            if name.startswith("_"):  # cached loaders return the same dict each time
                views[id(result)] = view
        return view[1]

    loader.__wrapped__ = original
    loader.cache_clear = getattr(original, "cache_clear", lambda: None)
    setattr(module, name, loader)


def _paths():
    from lpsrepro import paths

    return paths


_DEFAULT_PATHS = {"ledger": lambda: _paths().ASSUMPTIONS, "claims": lambda: _paths().CLAIMS_REGISTRY,
                  "panels": lambda: _paths().PANELS_REGISTRY}


def _wrap_h5py() -> None:
    try:
        import h5py
    except ImportError:  # pragma: no cover
        return
    init = h5py.File.__init__

    def __init__(self, name, *args, **kwargs):
        if isinstance(name, (str, bytes, os.PathLike)):
            full = os.path.abspath(os.fsdecode(name))
            if _interesting(full):
                _emit({"file": full})
        init(self, name, *args, **kwargs)

    h5py.File.__init__ = __init__


def record_modules() -> None:
    """Record the source files of the project's and the package's imported modules."""
    root = os.environ.get("LPSREPRO_PROJECT_ROOT", "")
    roots = tuple(r for r in (_package_dir, root.rstrip(os.sep) + os.sep if root else "") if r)
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and path.endswith(".py") and os.path.abspath(path).startswith(roots):
            _emit({"module": os.path.abspath(path)})


def _finish() -> None:
    global _fd
    if _fd is None:
        return
    record_modules()
    os.write(_fd, b'{"complete": true}\n')
    os.close(_fd)
    _fd = None


def start(deps_file: str) -> None:
    """Start recording into ``deps_file`` (idempotent)."""
    global _fd, _excluded
    if _fd is not None:
        return
    home = os.path.expanduser("~")
    _excluded = tuple(os.path.abspath(p).rstrip(os.sep) + os.sep for p in
                      {sys.prefix, sys.base_prefix, sys.exec_prefix,
                       *(p for p in sys.path if p.endswith(("site-packages", "dist-packages"))),
                       *(os.environ.get(v, "") for v in ("LPSREPRO_FIGURES_DIR", "JUPYTER_RUNTIME_DIR",
                                                         "MPLCONFIGDIR", "IPYTHONDIR")),
                       os.path.join(home, ".cache")} if p)
    _fd = os.open(deps_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    # The registries are read by key: wrap their loaders before any notebook code imports them.
    from lpsrepro import claims, figures, ledger

    _wrap_loader(ledger, "_load", "ledger")  # get() indexes the cached dict directly
    _wrap_loader(claims, "_load_registry", None)
    _wrap_loader(claims, "registry", "claims")  # record() looks its claim up in registry()
    _wrap_loader(figures, "_load_panels", None)
    _wrap_loader(figures, "panel_registry", "panels")
    _wrap_h5py()
    sys.addaudithook(_audit)
    atexit.register(_finish)


def load_ipython_extension(ipython) -> None:
    """IPython entry point: start recording if the build asked for it."""
    deps_file = os.environ.get(ENV)
    if not deps_file:
        return
    start(deps_file)
    ipython.events.register("post_run_cell", lambda *_: record_modules())
