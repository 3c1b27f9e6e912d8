"""Codes shown as words: times as the reader's language writes them, people instead of
actor keys, and the words for event kinds, custody actions, stored-file roles, importers
and OCR states. The ISO form and the codes stay in JSON, the bundle and the custody log.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, get_datetime_format

from spoorvast.i18n import N_, _, current_language
from spoorvast.model.instant import Instant, Precision

EVENT_KINDS = {
    "message": N_("message"), "call": N_("call"), "email": N_("e-mail"),
    "system": N_("system line"), "observation": N_("observation"),
    "observed-at": N_("observation"),
    "requested-action": N_("something I was made to do"),
    "police-report": N_("police report"), "platform-report": N_("report to a platform"),
    "helpline-report": N_("help line"), "impact": N_("impact on me"), "other": N_("other"),
    "note": N_("note"), "capture": N_("web page"),
    "page-change": N_("watched page changed"),
}
CUSTODY_ACTIONS = {
    "item.added": N_("added and sealed"), "artifact.sealed": N_("file sealed"),
    "events.added": N_("messages and events read"),
    "events.replaced": N_("read again"), "event.marked": N_("marked for the dossier"),
    "event.unmarked": N_("mark removed"), "event.mark-removed": N_("mark removed"),
    "finding.recorded": N_("finding recorded"), "identifier.added": N_("address or number found"),
    "identifier.updated": N_("address or number decided"),
    "export.original": N_("original downloaded"), "item.corrected": N_("corrected"),
    "item.marked-harmful": N_("picture hidden behind a blur"),
    "item.restored": N_("restored"), "item.withdrawn": N_("withdrawn"),
    "ocr.proposal-rejected": N_("text read from the picture rejected"),
    "chat.date-order": N_("day or month order chosen"),
    "import.dated-after-adding": N_("dates read after adding"),
    "dossier.created": N_("dossier made"),
}
IMPORTERS = {
    "file": N_("stored as a file"), "email": N_("e-mail (.eml)"), "mbox": N_("mailbox (mbox)"),
    "outlook-msg": N_("Outlook message (.msg)"), "email-headers": N_("pasted e-mail header"),
    "whatsapp": N_("WhatsApp export"), "telegram": N_("Telegram export"),
    "sms-backup-restore": N_("SMS backup"), "meta-messages": N_("Instagram or Facebook download"),
    "messenger-e2ee": N_("Messenger download"),
    "discord-chat-exporter": N_("Discord export"), "discord-package": N_("Discord data package"),
    "call-log-csv": N_("call list"), "capture": N_("web page capture"), "note": N_("your note"),
}
OCR_STATES = {"proposed": N_("to decide"), "confirmed": N_("confirmed"),
              "rejected": N_("rejected")}
HOP_SIDES = {"sender-claimed": N_("written by the sender's side (a claim)"),
             "hand-over": N_("hand-over to the recipient's provider"),
             "recipient": N_("at the recipient's provider")}
SEVERITIES = {"info": N_("note"), "warning": N_("check"), "error": N_("problem")}


def word(names: dict[str, str], code: str | None) -> str:
    """The word for a code; a code without one is shown as it is."""
    if not code:
        return ""
    return _(names[code]) if code in names else code


def offset_text(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "−"
    hours, rest = divmod(abs(seconds), 3600)
    return f"UTC{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")


def local_text(moment: datetime, precision: Precision | None = None,
               language: str | None = None) -> str:
    """``12 maart 2026, 21:06`` in the reader's language (the moment as it is given)."""
    locale = language or current_language()
    day = _day(moment.date(), locale)
    if precision is Precision.DAY:
        return day
    clock = f"{moment:%H:%M}" if precision in (Precision.MINUTE, None) else f"{moment:%H:%M:%S}"
    return _joined(locale).replace("{1}", day).replace("{0}", clock)


@lru_cache(maxsize=4096)
def _day(day: date, locale: str) -> str:
    """A page of messages holds few days: each is written by Babel once."""
    return str(format_date(day, "long", locale=locale))


@lru_cache(maxsize=8)
def _joined(locale: str) -> str:
    return str(get_datetime_format("medium", locale=locale))  # "{1}, {0}"


def when(value: Instant | None) -> str:
    """An instant at the offset it was observed with, and that offset: ``12 maart 2026,
    21:06 (UTC+1)``."""
    if value is None:
        return _("no date")
    text = local_text(value.local, value.precision)
    return text if value.precision is Precision.DAY else \
        f"{text} ({offset_text(value.offset_seconds)})"


def when_moment(moment: datetime) -> str:
    """An aware moment at its own offset, to the minute, with that offset."""
    offset = moment.utcoffset()
    shown = local_text(moment, Precision.MINUTE)
    return shown if offset is None else f"{shown} ({offset_text(int(offset.total_seconds()))})"


def when_iso(text: str | datetime | None) -> str:
    """A stored ISO time (the custody log's) as a person reads it, with its offset."""
    if not text:
        return ""
    try:
        moment = text if isinstance(text, datetime) else datetime.fromisoformat(text)
    except ValueError:
        return str(text)
    offset = moment.utcoffset()
    shown = local_text(moment, Precision.SECOND)
    return shown if offset is None else f"{shown} ({offset_text(int(offset.total_seconds()))})"


def person(actor: str | None) -> str:
    """An actor key as a person reads it: ``name:whatsapp:Kevin V`` → ``Kevin V``,
    ``phone:+32470…`` → the number, ``account:telegram:42`` → ``42``."""
    if not actor:
        return ""
    kind, _sep, rest = actor.partition(":")
    if kind in ("phone", "email", "ip", "url") or not rest:
        return rest or actor
    return rest.partition(":")[2] or rest


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 120:
        return _("{n} s").format(n=round(seconds))
    return _("{n} min").format(n=round(seconds / 60))
