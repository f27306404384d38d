"""The YAML registries of ``data/paper/``: one loader, one cache, one set of errors.

Three registries describe the paper and the compendium's inputs:

- ``claims.yaml`` (:mod:`lpsrepro.claims`): every published number, as printed;
- ``assumptions.yaml`` (:mod:`lpsrepro.ledger`): every model input the paper does not state;
- ``panels.yaml`` (:mod:`lpsrepro.figures`): every figure panel of the paper.

Each module parses its own entries; reading the file, checking its top-level key,
caching the parsed result per path and the error messages are here, once
(:func:`loader`). A broken file is the user's to fix and raises
:class:`~lpsrepro.errors.InputFileError` naming the file and the field. Code that
asks a registry for an entry it does not have (a claim id typed wrong in a
notebook, an unknown panel) is a bug of that code, not a mistake of the user: it
raises :class:`ProgrammingError`, which the command line and the build show with
its traceback instead of as an input problem.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from lpsrepro.errors import InputFileError

T = TypeVar("T")


class ProgrammingError(Exception):
    """The calling code asked for something that does not exist — a bug, not bad input.

    Deliberately *not* an :class:`~lpsrepro.errors.LpsreproError`: the CLI and the build
    print those as one-line user messages and keep the traceback for everything else,
    which is what a bug needs.
    """


def read_section(path: Path, what: str, top_key: str, container: type, *, required: bool = True) -> Any:
    """The value under ``top_key`` of the YAML file ``path``.

    Parameters
    ----------
    path : Path
        The registry file.
    what : str
        What the file is, in the user's words (``"the claims registry"``), for messages.
    top_key : str
        The top-level key whose value is returned (e.g. ``"claims"``).
    container : type
        ``dict`` or ``list``: what the value must be.
    required : bool
        With ``False`` a missing or empty ``top_key`` gives an empty ``container``.

    Raises
    ------
    InputFileError
        The file is missing, is not valid YAML, or ``top_key`` is missing or of the wrong kind.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, f"{what} is missing")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputFileError(path, f"is not valid YAML: {exc}") from None
    if doc is not None and not isinstance(doc, dict):
        raise InputFileError(path, "is not a YAML mapping", expected=f"a top-level key '{top_key}'")
    section = (doc or {}).get(top_key)
    if section is None and not required:
        return container()
    if not isinstance(section, container):
        kind = "mapping" if container is dict else "list"
        raise InputFileError(path, f"has no '{top_key}' {kind}", field=top_key)
    return section


def loader(what: str, top_key: str, container: type, *,
           required: bool = True) -> Callable[[Callable[[Path, Any], T]], Callable[[Path], T]]:
    """Decorator: turn ``parse(path, section) -> T`` into a cached ``load(path) -> T``.

    ``load`` reads ``path`` with :func:`read_section` and keeps the parsed result per path
    (``functools.lru_cache``; ``load.cache_clear()`` forgets it, e.g. after a test rewrites
    the file). ``parse`` raises :class:`~lpsrepro.errors.InputFileError` for bad entries.
    """
    def decorate(parse: Callable[[Path, Any], T]) -> Callable[[Path], T]:
        @functools.lru_cache(maxsize=4)
        def load(path: Path) -> T:
            path = Path(path)
            return parse(path, read_section(path, what, top_key, container, required=required))
        functools.update_wrapper(load, parse)
        return load
    return decorate


def lookup(entries: dict[str, T], key: str, what: str, source: str) -> T:
    """``entries[key]``; a key the registry does not have is a :class:`ProgrammingError`.

    ``what`` names the kind of key (``"claim id"``), ``source`` the registry
    (``"data/paper/claims.yaml"``); the message lists the known keys.
    """
    try:
        return entries[key]
    except KeyError:
        raise ProgrammingError(f"{what} {key!r} is not in {source}; known: {_listing(entries)}") from None


def require_known(keys: Iterable[str], entries: dict[str, Any], what: str, source: str) -> None:
    """Raise :class:`ProgrammingError` for the first of ``keys`` that ``entries`` lacks."""
    unknown = sorted(set(keys) - set(entries))
    if unknown:
        raise ProgrammingError(f"{what} {unknown[0]!r} is not in {source}; known: {_listing(entries)}")


def _listing(entries: dict[str, Any]) -> str:
    return ", ".join(sorted(entries))
