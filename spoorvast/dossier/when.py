"""Times as the dossier language writes them, always with the offset they were seen
with: "12 maart 2026, 21:06 (UTC+01:00)" rather than ``2026-03-12T21:06+01:00``.

Babel's long date form per language (nl "12 maart 2026", fr "12 mars 2026",
de "12. März 2026", en "March 12, 2026"); the hour on the 24-hour clock; the offset
as ``UTC±hh:mm`` because it is what the evidence carried (a zone name could be wrong
for an instant seen with a bare offset). Seconds only where the moment has them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from babel.dates import format_date

from spoorvast.model.instant import Instant, Precision

FALLBACK_LOCALE = "en"


def _locale(language: str) -> str:
    return language if language in ("nl", "fr", "de", "en") else FALLBACK_LOCALE


def offset_text(delta: timedelta | None) -> str:
    seconds = int(delta.total_seconds()) if delta is not None else 0
    sign = "+" if seconds >= 0 else "−"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@cache
def day_text(day: date, language: str) -> str:
    """Cached: a dossier writes the same few days thousands of times."""
    return format_date(day, "long", locale=_locale(language))


def local_text(moment: datetime, language: str, seconds: bool = False) -> str:
    """An aware datetime in its own offset."""
    clock = moment.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{day_text(moment.date(), language)}, {clock} ({offset_text(moment.utcoffset())})"


def instant_text(moment: Instant | None, language: str, missing: str = "—") -> str:
    if moment is None:
        return missing
    if moment.precision is Precision.DAY:
        return day_text(moment.local.date(), language)
    return local_text(moment.local, language, seconds=moment.precision is not Precision.MINUTE)
