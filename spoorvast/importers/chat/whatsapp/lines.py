"""WhatsApp export lines: the header patterns of a file's shape (``shape``),
and the day/month order decided from the whole file.

Android: ``04/03/2026, 22:15 - Jan: text`` (also ``04-03-2026 22:15``, ``04.03.26, 22:15``,
``04/03/2026 à 22:15``, ``3/4/26, 10:15 PM`` with U+202F before ``PM``).
iOS: ``[04/03/2026, 22:15:07] Jan: text`` (also ``[3/4/26, 10:15:07 PM]``), and the
shapes of every locale (``[2023. 12. 31. 오후 11:58:02]``, ``[2024/2/9 下午8:01:15]``).
A line that does not have the file's shape continues the message before it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from spoorvast.importers.chat.whatsapp import periods
from spoorvast.importers.chat.whatsapp.shape import Shape, build, compiled, establish

# day, month and year in some order, in the raw text of an instant (for the date question
# of ``reread``): any digits, ``2023. 12. 31.``, marks around the separators
_RAW_MARKS = "[\u061c\u200e\u200f]*"
DATE = (rf"(\d{{1,4}}){_RAW_MARKS}(\.\s|[./-]){_RAW_MARKS}(\d{{1,2}}){_RAW_MARKS}\2"
        rf"{_RAW_MARKS}(\d{{1,4}})")

# the loose patterns of each layout (tests, and files read without a shape of their own)
LAYOUTS = {layout: compiled(Shape(layout)) for layout in ("android", "ios")}
_SURVEYED = frozenset({"a", "sep", "b", "c", "ap1", "ap2"})

# headers whose date alone settles most files (see ``parse.date_order``): the
# first field has four digits; the first field is above 12; the second is above 12
_ABOVE_12 = r"(?=\d{1,4}\D)0*(?:1[3-9]|[2-9]\d|[1-9]\d\d\d?)"
_DECIDING_FIELDS = {
    "year-first": (r"\d{4}", ""),
    "first-above-12": (_ABOVE_12, ""),
    "second-above-12": ("", r"(?:1[3-9]|[2-9]\d)"),
}


def as_shape(layout: str | Shape) -> Shape:
    return Shape(layout) if isinstance(layout, str) else layout


@cache
def survey_header(layout: str | Shape) -> tuple[re.Pattern[str], tuple[int, ...]]:
    """The headers after a newline, capturing only day, month, year and AM/PM: what the
    day/month survey needs (consecutive headers of one day are then equal tuples), and
    where (a, separator, b, c, AM/PM before, AM/PM after) sit in each found tuple."""
    pattern = re.compile("\n" + build(as_shape(layout), _SURVEYED))
    names = sorted(_SURVEYED, key=pattern.groupindex.__getitem__)
    return pattern, tuple(names.index(n) for n in ("a", "sep", "b", "c", "ap1", "ap2"))


@cache
def deciding_headers(layout: str | Shape) -> dict[str, re.Pattern[str]]:
    shape = as_shape(layout)
    return {rule: re.compile("\n" + build(shape, frozenset({"sep"}), fields))
            for rule, fields in _DECIDING_FIELDS.items()}


def detect_layout(lines: list[str]) -> Shape | None:
    """The shape of the file's headers (None if no line is one): see ``shape``."""
    return establish(lines)


@dataclass(frozen=True, slots=True)
class DateOrder:
    order: str  # "dmy", "mdy" or "ymd"
    rule: str  # "year-first", "first-above-12", "second-above-12", "chronological",
    #            "separator", "12-hour-slash", "zone", "assumed", "chosen" (by the user)
    line: int | None = None  # the line that decided, when one did

    @property
    def ambiguous(self) -> bool:
        return self.rule in ("assumed", "12-hour-slash", "zone", "language")


@dataclass
class DateSurvey:
    """Everything about the dates of a file needed to decide the order, gathered in one
    pass: the first line where each position exceeds 12, and the sequence of distinct
    consecutive dates (for the chronological rule)."""

    year_first: int | None = None
    first_big: int | None = None
    second_big: int | None = None
    separator: str = ""
    twelve_hour: bool = False
    sequence: list[tuple[int, int, int]] | None = None
    last_key: str = ""  # the last date text seen (a survey in blocks continues from it)

    def add(self, a: str, sep: str, b: str, c: str, line: Callable[[], int]) -> None:
        """A date that differs from the one before; ``line`` finds its line number (only
        asked for the first date that triggers each rule)."""
        if self.sequence is None:
            self.sequence, self.separator = [], sep
        if len(a) == 4 and self.year_first is None:
            self.year_first = line()
        x, y = int(a), int(b)
        if x > 12 and self.first_big is None:
            self.first_big = line()
        if y > 12 and self.second_big is None:
            self.second_big = line()
        key = (x, y, int(c))
        if not self.sequence or self.sequence[-1] != key:
            self.sequence.append(key)

    def decide(self, default: str = "dmy", language: str | None = None) -> DateOrder:
        """The order the dates prove, else the best guess (``default``: the order of the
        case's country, :func:`periods.country_order`; ``language``: the order
        of the locales whose AM/PM words the file writes, which settles a year-first
        date with a two-digit year, ``24. 2. 9.`` in Korean, unless a second field
        above 12 rules it out)."""
        if self.year_first is not None:
            return DateOrder("ymd", "year-first", self.year_first)
        if language == "ymd" and self.second_big is None:
            return DateOrder("ymd", "language")
        if self.first_big is not None and self.second_big is None:
            return DateOrder("dmy", "first-above-12", self.first_big)
        if self.second_big is not None and self.first_big is None:
            return DateOrder("mdy", "second-above-12", self.second_big)
        by_time = self._chronological()
        if by_time is not None:
            return DateOrder(by_time, "chronological")
        if self.separator.strip() in (".", "-"):
            return DateOrder("dmy", "separator")
        if self.twelve_hour:
            return DateOrder("mdy", "12-hour-slash")  # the US layout; still a guess
        if language in ("dmy", "mdy"):
            return DateOrder(language, "language")
        if default == "mdy":
            return DateOrder("mdy", "zone")  # the case's country writes month first
        return DateOrder("dmy", "assumed")

    def _chronological(self) -> str | None:
        seq = self.sequence or []
        backwards = {order: sum(1 for p, q in itertools.pairwise(seq)
                                if _ordinal(q, order) < _ordinal(p, order))
                     for order in ("dmy", "mdy")}
        if backwards["dmy"] == backwards["mdy"]:
            return None
        return "dmy" if backwards["dmy"] < backwards["mdy"] else "mdy"


def _ordinal(date: tuple[int, int, int], order: str) -> tuple[int, int, int]:
    first, second, year = date
    return (year, second, first) if order == "dmy" else (year, first, second)


def wall_time(groups: tuple[str | None, ...], order: str) -> datetime:
    """The wall-clock time of a header match (ValueError if it is not a real time)."""
    a, _sep, b, c, hh, mm, ss, ampm = groups
    assert a is not None and b is not None and c is not None and hh is not None
    if order == "ymd":
        year, month, day = int(a), int(b), int(c)
    elif order == "dmy":
        day, month, year = int(a), int(b), int(c)
    else:
        month, day, year = int(a), int(b), int(c)
    if year < 100:
        year += 2000
    hour = int(hh)
    if ampm is not None:
        if not 0 <= hour <= 12 and periods.key(ampm) not in periods.CLOCK_WORDS:
            raise ValueError("hour out of range for a 12-hour clock")
        hour = periods.hour24(ampm, hour)
    return datetime(year, month, day, hour, int(mm or 0), int(ss or 0))


SENDER_LIMIT = 80


_EMPTY_AFTER = periods.MARKS + periods.SPACES


def split_sender(body: str) -> tuple[str | None, str]:
    """``Jan: text`` -> (``Jan``, ``text``); ``Carol:`` with nothing after it (the text
    on the next lines, or a view-once photo) -> (``Carol``, the rest after the colon);
    a system line -> (None, body)."""
    at = body.find(": ")
    if at < 0 and body.rstrip(_EMPTY_AFTER).endswith(":"):
        at = body.rstrip(_EMPTY_AFTER).rfind(":")
        if 0 < at <= SENDER_LIMIT and ":" not in body[:at]:
            return body[:at], body[at + 1:]
        return None, body
    if at <= 0 or at > SENDER_LIMIT:
        return None, body
    sender = body[:at]
    if '"' in sender or "\u201c" in sender:
        return None, body
    return sender, body[at + 2:]
