"""The note form's fields made into a :class:`~spoorvast.services.notes.Note`: the time
in the case's zone, the amount as the person writes it in their language (Babel), the
currency as an ISO 4217 code from Babel's list, named in their language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    format_currency,
    get_currency_name,
    get_territory_currencies,
    list_currencies,
)

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import Case
from spoorvast.services import notes as note_service
from spoorvast.web import forms

FIRST = ("EUR", "USD", "GBP", "CHF")  # shown at the top of the list
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en"}


def note_of(form: dict[str, str], case: Case, language: str) -> note_service.Note:
    try:
        kind = note_service.NoteKind(form.get("kind", ""))
    except ValueError as exc:
        raise UserError(_("Choose a kind from the list.")) from exc
    amount = forms.amount(form.get("amount", ""), language)
    currency = form.get("currency", "").strip().upper() or None
    if currency is not None and currency not in list_currencies():
        raise UserError(_("{code} is not a currency; choose one from the list.")
                        .format(code=currency))
    if amount is not None and currency is None:
        raise UserError(_("Say in which currency the amount was."))
    return note_service.Note(
        kind, form.get("text", ""),
        note_service.parse_at(form.get("at", "").replace("T", " "), case.time_zone),
        url=_opt(form, "url"), amount=amount, currency=currency if amount else None,
        images_sent=True if form.get("images_sent") else None,
        to_account=_opt(form, "to_account"), reference=_opt(form, "reference"),
        authority=_opt(form, "authority"))


def _opt(form: dict[str, str], key: str) -> str | None:
    return form.get(key, "").strip() or None


@cache
def currencies(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name in the language), the usual ones first, then by name."""
    locale = LOCALES.get(language, "en")
    named = [(code, f"{get_currency_name(code, locale=locale)} ({code})")
             for code in in_use()]
    first = [c for c in named if c[0] in FIRST]
    first.sort(key=lambda c: FIRST.index(c[0]))
    rest = sorted((c for c in named if c[0] not in FIRST), key=lambda c: c[1].casefold())
    return tuple(first + rest)


@cache
def in_use() -> tuple[str, ...]:
    """The ISO 4217 currencies some country uses today (CLDR, through Babel): no
    Deutsche Mark or French franc in the list, no funds or precious metals."""
    codes: set[str] = set()
    today = date.today()
    for territory in Locale("en").territories:
        if isinstance(territory, str) and len(territory) == 2 and territory.isalpha():
            codes.update(get_territory_currencies(territory, today))
    return tuple(sorted(codes))


def money_in(language: str) -> Callable[[note_service.Note], str]:
    """How a note's amount is written for the reader ("€ 1.250,50" in Dutch)."""
    locale = LOCALES.get(language, "en")

    def money(note: note_service.Note) -> str:
        if not note.amount or not note.currency:
            return ""
        try:
            return format_currency(Decimal(note.amount), note.currency, locale=locale)
        except (ArithmeticError, ValueError):
            return f"{note.amount} {note.currency}"

    return money
