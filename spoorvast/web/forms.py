"""Small helpers of the web's typed-entry forms (calls, notes with an amount, identifiers,
pasted headers, dossier options): the messages they flash, the message of a refused
entry, and numbers as the person wrote them in their language."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from fastapi import Request

from spoorvast.errors import UserError
from spoorvast.i18n import N_, _

FLASHES = {
    "call-added": N_("The call was sealed and added."),
    "call-corrected": N_("The corrected call was sealed; the earlier version stays sealed."),
    "note-added": N_("The note was sealed and added."),
    "headers-added": N_("The headers were sealed (a copy, not the original message)."),
    "headers-known": N_("These headers are already in this case."),
    "merged": N_("The two people are now one."),
    "split": N_("The chosen addresses and numbers now belong to a new person."),
    "saved": N_("Saved."),
    "no-display": N_("No browser window can open here: no screen is attached to spoorvast "
                     "on this computer (for example a server or a remote connection). "
                     "Start spoorvast on the computer you sit at to log in."),
}


def flash(request: Request) -> str:
    """The message a form's redirect asked for (``?msg=``): its own, or the app's."""
    from spoorvast.web import render

    render.use_language(request)
    code = request.query_params.get("msg", "")
    message = FLASHES.get(code)
    return _(message) if message else render.flash(code)


def refused(exc: Exception) -> str:
    """What to tell the person about an entry that was refused (nothing was written)."""
    return exc.message if isinstance(exc, UserError) else _("This entry was not accepted.")


def whole_number(text: str, what: str) -> int | None:
    """A count typed in a form (minutes, seconds): empty is None."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserError(_("{what}: {text} is not a whole number.").format(what=what, text=text))
    return int(text)


def amount(text: str, language: str) -> str | None:
    """An amount written as the person writes it ("1.250,50" in Dutch, "1 250,50" in
    French), read with Babel in their language; stored as plain digits ("1250.50")."""
    text = text.strip()
    if not text:
        return None
    try:  # spaces group thousands in French (a narrow no-break space in CLDR): none kept
        value = parse_decimal("".join(text.split()), locale=_LOCALES.get(language, "en"),
                              strict=True)
    except NumberFormatError as exc:
        raise UserError(_("{amount} is not an amount (write it like {example}).").format(
            amount=text, example=_example(language))) from exc
    if any(c.isalpha() for c in text) or value < 0 or value > Decimal("1e12"):
        raise UserError(_("{amount} is not an amount (write it like {example}).").format(
            amount=text, example=_example(language)))
    return format(value, "f")


_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en"}


def _example(language: str) -> str:
    return "150,50" if language in ("nl", "fr", "de") else "150.50"
