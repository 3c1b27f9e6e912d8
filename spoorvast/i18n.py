"""Translations (gettext catalogs for nl, fr, de, en).

Every user-facing string goes through :func:`_` (or :func:`ngettext`). Strings defined at
import time are marked with :func:`N_` and translated where they are shown.

The catalogs are the ``.po`` files under ``spoorvast/locale/<lang>/LC_MESSAGES/``, one
file per part of the program (``core.po``, ``email.po``, …) so that parts can be worked
on apart; all files of a language are merged and compiled on first use, so there is no
build step and no binary file in the repository. Merging costs ≈80 ms of CPU per
language (Babel's import and .po parser), at every start of the CLI; so the compiled
catalog is kept, as Python keeps ``.pyc`` files, in ``locale/__pycache__/`` under a name
that changes with every .po file's name, size and modification time (a stale file is
never read), and a start reads it in about a millisecond. Where the package folder is
read-only it is compiled in memory each time, as before. It is written only beside the
program, never in the user's home (a cache folder there would tell someone looking at
the computer that spoorvast is used).
The process's language is chosen by :func:`set_language` (CLI ``--lang``,
``SPOORVAST_LANG``, then the locale environment), English otherwise. A web request
chooses its own with :func:`use_in_context` (a context variable: concurrent requests in
other languages, and other threads, keep theirs).
"""

from __future__ import annotations

import gettext
import hashlib
import io
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LANGUAGES = ("nl", "fr", "de", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
CACHE_DIR = LOCALE_DIR / "__pycache__"
CACHE_FORMAT = "1"  # change when merged_catalog changes what it makes
DOMAIN = "spoorvast"

_current = "en"
_chosen: ContextVar[str | None] = ContextVar("spoorvast_language", default=None)


def po_paths(language: str) -> list[Path]:
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


def merged_catalog(language: str) -> Catalog:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=language, domain=DOMAIN)
    for path in po_paths(language):
        with path.open("rb") as handle:
            part = read_po(handle, locale=language)
        # the plural rule of the .po files, not Babel's CLDR one (French has 3 forms
        # there, "one/many/other", while the catalogs give 2: n=9 would find no form
        # and print the English plural)
        merged.mime_headers = [("Plural-Forms", part.plural_forms)]
        for message in part:
            if message.id and message.string:
                merged[message.id] = message
    return merged


def compiled_catalog(language: str) -> bytes | None:
    """The merged catalog as .mo bytes; None when it has no translation."""
    from babel.messages.mofile import write_mo

    catalog = merged_catalog(language)
    if not len(catalog):
        return None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def cache_path(language: str, paths: list[Path]) -> Path:
    key = hashlib.sha256(f"{CACHE_FORMAT}\0{language}".encode())
    for path in paths:
        stat = path.stat()
        key.update(f"\0{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return CACHE_DIR / f"{DOMAIN}-{language}-{key.hexdigest()[:24]}.mo"


def _read_cached(path: Path) -> gettext.GNUTranslations | None:
    try:
        with path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except (OSError, ValueError, struct.error):  # absent, or not a catalog
        return None


def _keep(path: Path, data: bytes) -> None:
    """Write the compiled catalog under its final name atomically; drop older ones of
    the language. A read-only package folder is not an error."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        CACHE_DIR.mkdir(exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
        for old in CACHE_DIR.glob(path.name.rsplit("-", 1)[0] + "-*.mo"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        with suppress(OSError):
            partial.unlink(missing_ok=True)


@cache
def translations(language: str) -> gettext.NullTranslations:
    paths = po_paths(language)
    if not paths:
        return gettext.NullTranslations()
    kept = cache_path(language, paths)
    cached = _read_cached(kept)
    if cached is not None:
        return cached
    data = compiled_catalog(language)
    if data is None:
        return gettext.NullTranslations()
    _keep(kept, data)
    return gettext.GNUTranslations(io.BytesIO(data))


def pick_language(explicit: str | None = None) -> str:
    """The first supported language among explicit, SPOORVAST_LANG and the locale."""
    candidates = [explicit, os.environ.get("SPOORVAST_LANG")]
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        candidates.extend((os.environ.get(var) or "").split(":"))
    for candidate in candidates:
        code = (candidate or "").split("_")[0].split(".")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGES else "en"


def use_in_context(language: str) -> None:
    """The language of the current context only (a web request, and the job it
    starts with a copy of its context); the process's language stays as it is."""
    _chosen.set(language if language in LANGUAGES else "en")


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Translate with ``_()`` into ``language`` for a while (the dossier is written in
    the case's language), in this context only."""
    token = _chosen.set(language if language in LANGUAGES else "en")
    try:
        yield
    finally:
        _chosen.reset(token)


def current_language() -> str:
    return _chosen.get() or _current


def _(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def gettext_in(language: str, message: str) -> str:
    """Translate into a given language (the dossier uses the case language)."""
    return translations(language).gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with :func:`_`."""
    return message
