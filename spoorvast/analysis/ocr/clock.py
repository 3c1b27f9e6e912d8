"""Times and dates as chat apps show them, in Dutch, French, German and English.

Only what the picture shows is read: ``21:05``, ``9:05 PM``, ``21.05``, ``21h05``;
day separators and group stamps such as ``Vandaag``, ``Hier``, ``Gestern``,
``Today 21:03``, ``maandag``,
``12 maart 2024``, ``12 mars``, ``March 12, 2024``, ``12.03.2024``, ``12/03/24``
(numeric dates are read day first, as in Belgium, the Netherlands, France and
Germany). Resolving a day word needs a reference day (the screenshot's own date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

TIME = re.compile(
    r"(?<![\d:.])([01]?\d|2[0-3])\s?[:.h]\s?([0-5]\d)(?:\s?([AaPp])\.?\s?[Mm]\.?)?(?![\d:])")
# the sent/read ticks after a time, as drawn (✓✓) or as OCR reads them (vv, W, v/)
_TICKS = r"(?:\s*(?:[✓✔]{1,2}|[vV]{1,2}/?|W|v/))?"
_TIME_ONLY = re.compile(rf"^\W*(?:{TIME.pattern}){_TICKS}\W*$")

_MONTHS = {
    1: ("januari", "janvier", "januar", "jänner", "january", "jan"),
    2: ("februari", "février", "fevrier", "februar", "february", "feb", "févr", "fev"),
    3: ("maart", "mars", "märz", "marz", "march", "mar", "mrt"),
    4: ("april", "avril", "apr", "avr"),
    5: ("mei", "mai", "may"),
    6: ("juni", "juin", "june", "jun"),
    7: ("juli", "juillet", "july", "jul", "juil"),
    8: ("augustus", "août", "aout", "august", "aug"),
    9: ("september", "septembre", "sep", "sept"),
    10: ("oktober", "octobre", "october", "okt", "oct"),
    11: ("november", "novembre", "nov"),
    12: ("december", "décembre", "decembre", "dezember", "dec", "déc", "dez"),
}
MONTH_NAMES = {name: number for number, names in _MONTHS.items() for name in names}
_DAYS_BACK = {
    0: ("vandaag", "aujourd'hui", "aujourd’hui", "heute", "today"),
    1: ("gisteren", "hier", "gestern", "yesterday"),
}
DAY_WORDS = {word: back for back, words in _DAYS_BACK.items() for word in words}
_WEEKDAYS = (
    ("maandag", "lundi", "montag", "monday"),
    ("dinsdag", "mardi", "dienstag", "tuesday"),
    ("woensdag", "mercredi", "mittwoch", "wednesday"),
    ("donderdag", "jeudi", "donnerstag", "thursday"),
    ("vrijdag", "vendredi", "freitag", "friday"),
    ("zaterdag", "samedi", "samstag", "saturday"),
    ("zondag", "dimanche", "sonntag", "sunday"),
)
WEEKDAYS = {name: index for index, names in enumerate(_WEEKDAYS) for name in names}

_MONTH = "|".join(sorted((re.escape(m) for m in MONTH_NAMES), key=len, reverse=True))
_NUMERIC = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ClockTime:
    hour: int
    minute: int
    raw: str
    start: int = field(default=0, compare=False)  # offsets in the text it was read from
    end: int = field(default=0, compare=False)


def find_times(text: str) -> list[ClockTime]:
    found = (_clock(m) for m in TIME.finditer(text))
    return [clock for clock in found if clock is not None]


def _clock(match: re.Match[str]) -> ClockTime | None:
    hour, minute, half = int(match.group(1)), int(match.group(2)), match.group(3)
    if half:
        if hour > 12 or hour == 0:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    return ClockTime(hour, minute, match.group(0).strip(), match.start(), match.end())


def is_time_only(text: str) -> bool:
    return _TIME_ONLY.match(text) is not None


def trailing_time(text: str) -> ClockTime | None:
    """A time that ends the text (how chat apps print it at the end of a bubble)."""
    found = find_times(text)
    if found and re.fullmatch(rf"{_TICKS}\W*", text[found[-1].end:]):
        return found[-1]
    return None


@dataclass(frozen=True, slots=True)
class DayMark:
    """A day as the picture names it; ``day`` is None until it can be resolved."""

    raw: str
    day: date | None


def find_day(text: str, reference: date | None) -> DayMark | None:
    """The day a separator line names, resolved against ``reference`` where needed."""
    cleaned = text.strip().casefold()
    for finder in (_numeric, _day_month, _month_day, _day_word, _weekday):
        found = finder(cleaned, reference)
        if found is not None:
            return DayMark(text.strip(), found if isinstance(found, date) else None)
    return None


def is_relative(text: str) -> bool:
    """Whether a day separator names its day relative to when the picture was taken
    (``Today 21:03``, ``Gisteren``, ``maandag``: within the last week), so that its
    date is only as sure as the picture's own time."""
    word = _first_word(text.strip().casefold())
    return word in DAY_WORDS or word in WEEKDAYS


def _first_word(text: str) -> str:
    return (text.split() or [""])[0].strip(" .,")


def _day_word(text: str, reference: date | None) -> date | bool | None:
    word = _first_word(text)
    if word not in DAY_WORDS:
        return None
    return reference - timedelta(days=DAY_WORDS[word]) if reference else True


def _weekday(text: str, reference: date | None) -> date | bool | None:
    word = _first_word(text)
    if word not in WEEKDAYS:
        return None
    if reference is None:
        return True
    back = (reference.weekday() - WEEKDAYS[word]) % 7 or 7
    return reference - timedelta(days=back)


def _numeric(text: str, reference: date | None) -> date | bool | None:
    match = _NUMERIC.search(text)
    if match is None:
        return None
    year = int(match.group(3))
    return _date(year + 2000 if year < 100 else year, int(match.group(2)), int(match.group(1)))


def _day_month(text: str, reference: date | None) -> date | bool | None:
    match = _DAY_MONTH.search(text)
    if match is None:
        return None
    month = MONTH_NAMES[match.group(2).casefold()]
    return _with_year(match.group(3), month, int(match.group(1)), reference)


def _month_day(text: str, reference: date | None) -> date | bool | None:
    match = _MONTH_DAY.search(text)
    if match is None:
        return None
    month = MONTH_NAMES[match.group(1).casefold()]
    return _with_year(match.group(3), month, int(match.group(2)), reference)


def _with_year(year: str | None, month: int, day: int,
               reference: date | None) -> date | bool | None:
    if year:
        return _date(int(year), month, day)
    return _date(reference.year, month, day) if reference else True


def _date(year: int, month: int, day: int) -> date | bool | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
