"""The AM/PM words of WhatsApp's headers, from CLDR (Babel), for every locale WhatsApp
ships: ``오후 11:58`` (ko, before the time), ``9:12 م`` (ar, after), ``下午8:01`` (zh,
glued), ``8:01 de la tarde`` (es, a flexible day period), ``10:15 p. m.``.

Each word means a span of the day (``am``: 00:00-12:00, ``pm``: 12:00-24:00, a flexible
period such as 晚上: 19:00-24:00 in zh); the hour written on a 12-hour clock is read as
the one of its two readings (h or h + 12) that falls in the span. Built once, lazily, from
Babel's data (no table typed by hand).
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError

# the languages of WhatsApp's app (Android and iOS), as CLDR locales
LOCALES = (
    "af", "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "en_GB", "en_IN",
    "es", "es_419", "es_MX", "et", "fa", "fi", "fil", "fr", "ga", "gu", "he", "hi", "hr",
    "hu", "id", "it", "ja", "kk", "kn", "ko", "lo", "lt", "lv", "mk", "ml", "mr", "ms", "nb",
    "nl", "pa", "pl", "pt", "pt_BR", "pt_PT", "ro", "ru", "sk", "sl", "sq", "sr", "sv",
    "sw", "ta", "te", "th", "tr", "uk", "ur", "uz", "vi", "zh_Hans_CN", "zh_Hant_HK",
    "zh_Hant_TW",
)
MARKS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
SPACES = " \u00a0\u202f\u2009\u2007"  # (zh-TW joins date and time with U+2009)
_DAY = 86_400
_HALF = _DAY // 2
Span = tuple[int, int]  # seconds from midnight: from, before


def key(word: str) -> str:
    """A word as looked up: without dots, spaces and marks, case-folded."""
    return "".join(c for c in word if c not in MARKS + SPACES + ".").casefold()


def _spans(rules: object, period: str) -> tuple[Span, ...]:
    if period == "am":
        return ((0, _HALF),)
    if period == "pm":
        return ((_HALF, _DAY),)
    found: list[Span] = []
    for rule in getattr(rules, "get", lambda _p: None)(period) or ():
        if "at" in rule:
            found.append((rule["at"], rule["at"] + 3600))
        elif rule["from"] < rule["before"]:
            found.append((rule["from"], rule["before"]))
        else:  # across midnight
            found += [(rule["from"], _DAY), (0, rule["before"])]
    return tuple(found)


@cache
def _locale_words(code: str) -> dict[str, tuple[bool, set[Span]]]:
    """Word -> (whether it is the locale's plain AM or PM, its spans). The narrow forms
    (single letters) are left out: WhatsApp writes the abbreviated ones."""
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return {}
    rules = locale.day_period_rules.get(None) or {}
    words: dict[str, tuple[bool, set[Span]]] = {}
    for context in ("format", "stand-alone"):
        for width in ("abbreviated", "wide"):
            names = locale.day_periods.get(context, {}).get(width, {})
            for period, word in names.items():
                plain, spans = words.setdefault(word, (False, set()))
                words[word] = (plain or period in ("am", "pm"),
                               spans | set(_spans(rules, period)))
    return words


@cache
def table() -> dict[str, tuple[Span, ...]]:
    """Word (as :func:`key` gives it) -> the spans of the day it stands for; a word that
    is some locale's plain AM or PM stands for that half of the day only."""
    plain: dict[str, set[Span]] = {}
    flexible: dict[str, set[Span]] = {}
    for code in LOCALES:
        for word, (is_plain, spans) in _locale_words(code).items():
            if key(word) and spans:
                into = plain if is_plain else flexible
                into.setdefault(key(word), set()).update(
                    {s for s in spans if s in ((0, _HALF), (_HALF, _DAY))} if is_plain
                    else spans)
    merged = {**flexible, **plain}
    return {word: tuple(sorted(spans)) for word, spans in merged.items()}


@cache
def by_locale() -> dict[str, frozenset[str]]:
    """Locale -> the keys of its words (a file's words tell which locales it may be)."""
    return {code: frozenset(k for w in _locale_words(code) if (k := key(w)) in table())
            for code in LOCALES}


def word_pattern(words: frozenset[str] | None = None) -> str:
    """A regular expression for the words (all of them when None), longest first, each
    letter by letter with optional dots, spaces and marks between (``a.\u202fm.``,
    ``a. m.``, ``am``, ``AM`` are one word)."""
    keys = sorted(table() if words is None else words, key=lambda w: (-len(w), w))
    gap = f"[.{SPACES}{MARKS}]{{0,6}}"
    shapes = (gap.join(re.escape(c) for c in word) + f"(?:[{MARKS}]*\\.)?"
              for word in keys)
    return "(?i:" + "|".join(shapes) + ")"


# words written after a 24-hour time that say nothing of the half of the day (Thai
# "HH:mm น.")
CLOCK_WORDS = frozenset({"น"})


def known(word: str) -> bool:
    return key(word) in table() or key(word) in CLOCK_WORDS


def locales_of(words: set[str]) -> frozenset[str]:
    """Every word of the locales that use one of ``words`` (keys): a file that writes
    下午 is read with 上午 too."""
    found = {w for words_of in by_locale().values() if words_of & words for w in words_of}
    return frozenset(found | words)


def hour24(word: str, hour: int) -> int:
    """The hour of the day that ``hour`` (1-12) with ``word`` stands for (ValueError when
    the word is unknown or the hour is not on a 12-hour clock)."""
    if key(word) in CLOCK_WORDS:
        if not 0 <= hour <= 23:
            raise ValueError("not an hour")
        return hour
    spans = table().get(key(word))
    if spans is None or not 0 <= hour <= 12:
        raise ValueError("not a 12-hour time")
    low = hour % 12
    for candidate in (low, low + 12):
        if any(start <= candidate * 3600 < end for start, end in spans):
            return candidate
    middle = sum(start + end for start, end in spans) / (2 * len(spans))
    return low + 12 if middle >= _HALF else low


def _pattern_order(pattern: str) -> str:
    letters = [c for c in pattern.lower() if c in "dmy"]
    return "".join(dict.fromkeys(letters))


def language_order(words: frozenset[str] | None) -> str | None:
    """How the locales whose AM/PM words a file uses write a short date ("ymd" for ko,
    zh, ja), when they all agree; None when the words are only the plain AM/PM that many
    locales share, or the locales disagree."""
    own = (words or frozenset()) - {"am", "pm"} - CLOCK_WORDS
    if not own:
        return None
    orders = {_pattern_order(Locale.parse(code).date_formats["short"].pattern)
              for code, words_of in by_locale().items() if words_of & own}
    return next(iter(orders)) if len(orders) == 1 else None


@cache
def country_order(country: str | None) -> str:
    """How the people of a country write a short date, from CLDR: "mdy" (US), "ymd"
    or "dmy" (the default, also for an unknown country)."""
    if not country:
        return "dmy"
    try:
        pattern = Locale.parse(f"und_{country}").date_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        return "dmy"
    first = _pattern_order(pattern)
    return first if first in ("mdy", "ymd") else "dmy"
