"""Translations (gettext catalogs for nl, fr, de, en).

Every user-facing string goes through :func:`_` (or :func:`ngettext`). Strings defined at
import time are marked with :func:`N_` and translated where they are shown.

The catalogs are the ``.po`` files under ``spoorvast/locale/<lang>/LC_MESSAGES/``, one
file per part of the program (``core.po``, ``email.po``, …) so that parts can be worked
on apart; all files of a language are merged and compiled in memory on first use (a few
milliseconds), so there is no build step and no binary file in the repository.
The process's language is chosen by :func:`set_language` (CLI ``--lang``,
``SPOORVAST_LANG``, then the locale environment), English otherwise. A web request
chooses its own with :func:`use_in_context` (a context variable: concurrent requests in
other languages, and other threads, keep theirs).
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("nl", "fr", "de", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "spoorvast"

_current = "en"
_chosen: ContextVar[str | None] = ContextVar("spoorvast_language", default=None)


def po_paths(language: str) -> list[Path]:
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


def merged_catalog(language: str) -> Catalog:
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


@cache
def translations(language: str) -> gettext.NullTranslations:
    catalog = merged_catalog(language)
    if not len(catalog):
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


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
