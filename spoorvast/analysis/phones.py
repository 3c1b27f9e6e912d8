"""Phone numbers: the default region of a case, E.164 normalisation, number facts.

One place for what every importer and analyser needs (chats, e-mail bodies, OCR, typed
identifiers): the country of the case's IANA zone (from the system's ``zone.tab``, with
a small built-in table for the zones our users live in when the system has none), and
``phonenumbers`` (Apache-2.0) for parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import TZPATH

import phonenumbers
from phonenumbers import phonenumbermatcher, phonenumberutil

_KNOWN = {
    "Europe/Brussels": "BE", "Europe/Amsterdam": "NL", "Europe/Paris": "FR",
    "Europe/Berlin": "DE", "Europe/Luxembourg": "LU", "Europe/Vienna": "AT",
    "Europe/Zurich": "CH", "Europe/London": "GB", "America/New_York": "US",
}
_PHONE_SHAPE = re.compile(r"^\+?[\d\s\-().]{6,24}$")
# what phones and apps write inside numbers: every Unicode dash (U+2010-U+2015 with the
# non-breaking hyphen U+2011, the minus sign, small and full-width hyphen-minus) reads as
# "-", every space (no-break, narrow, thin, figure, ideographic) as " ", the full-width
# plus as "+"; bidi marks, joiners and the BOM are dropped
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_INVISIBLE = ("\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060"
              "\u2066\u2067\u2068\u2069\ufeff")
_NORMAL = str.maketrans({**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SPACES, " "),
                         **dict.fromkeys(_INVISIBLE, None), "\uff0b": "+"})


def plain_number(text: str) -> str:
    """``text`` with the dashes, spaces and marks of a written number made plain (for
    matching only; the text shown keeps what was written)."""
    return text.translate(_NORMAL).strip()


@cache
def _zone_countries() -> dict[str, str]:
    found = dict(_KNOWN)
    for folder in (*TZPATH, "/usr/share/zoneinfo"):
        table = Path(folder) / "zone.tab"
        if table.is_file():
            for row in table.read_text(encoding="utf-8", errors="replace").splitlines():
                cells = row.split("\t")
                if len(cells) >= 3 and not row.startswith("#"):
                    found.setdefault(cells[2].strip(), cells[0])
            break
    return found


def zone_country(zone_name: str) -> str | None:
    """The ISO 3166 country of an IANA zone (the default region for phone numbers)."""
    return _zone_countries().get(zone_name)


def e164(text: str, region: str | None) -> str | None:
    """``text`` as an E.164 number, or None when it is not a plausible phone number
    (``+1 (555) 010\u20119999`` with a non-breaking hyphen is one)."""
    text = plain_number(text)
    if not _PHONE_SHAPE.match(text) or sum(c.isdigit() for c in text) < 6:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    e164: str
    region: str | None
    kind: str  # mobile, fixed-line, voip, …


_TYPE_NAMES = {value: name.lower().replace("_", "-")
               for name, value in vars(phonenumbers.PhoneNumberType).items() if name.isupper()}


def phone_facts(number_e164: str) -> PhoneFacts | None:
    try:
        number = phonenumbers.parse(number_e164, None)
    except phonenumbers.NumberParseException:
        return None
    return PhoneFacts(number_e164, phonenumbers.region_code_for_number(number),
                      _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown"))


# What ``PhoneNumberMatcher._parse_and_verify`` decides about one candidate depends on
# the candidate, the character before it and the one after it (its Latin-letter and
# punctuation checks: it reads nothing else of the text), the region and the leniency
# (the default, VALID, here). Its decisions are kept for the candidates last seen: the
# same numbers come back in message after message (signatures, quoted replies), and
# parsing and checking one was half the cost of searching an e-mail body. The first
# decision is the library's own, made on the shortest text that gives it the same
# inputs (before + candidate + after); ``tests/analysis/test_phones.py`` compares the
# results with the plain matcher on varied texts.
_DECISIONS = 4096
# ``_Matcher`` repeats and overrides private parts of the matcher of these versions of
# phonenumbers (compared with the plain matcher by the tests); with any other version
# the plain matcher is used: the same numbers, found more slowly, and nothing private
# touched (an upgrade must never break or change what an import finds)
MIRRORED_VERSIONS = frozenset({"9.0.43"})
_CANDIDATE: re.Pattern[str] | None = getattr(phonenumbermatcher, "_PATTERN", None)
_SECOND_NUMBER_START: re.Pattern[str] | None = getattr(
    phonenumberutil, "_SECOND_NUMBER_START_PATTERN", None)


@lru_cache(maxsize=_DECISIONS)
def _decision(candidate: str, before: str, after: str,
              region: str) -> phonenumbers.PhoneNumber | None:
    matcher = phonenumbers.PhoneNumberMatcher(before + candidate + after, region)
    found = phonenumbers.PhoneNumberMatcher._parse_and_verify(
        matcher, candidate, len(before))
    return None if found is None else found.number


# Every candidate of the matcher's pattern holds a digit (``\\d``, any script), with
# at most 2 x (a lead character and 4 punctuation characters) before its first one.
# So no candidate starts more than this before the first digit at or after a search
# position: the search may start there (scanning letters for a pattern that cannot
# match in them was most of the cost of searching a long text).
_BEFORE_DIGIT = 10
_DIGIT = re.compile(r"\d")


class _Matcher(phonenumbers.PhoneNumberMatcher):
    def _find(self, index: int) -> Any:
        """``PhoneNumberMatcher._find`` (phonenumbers 9.0.43) with each search of the
        pattern started at most ``_BEFORE_DIGIT`` before the next digit (the same
        candidate: see ``_BEFORE_DIGIT``), and none when no digit is left."""
        match = self._search(index)
        while self._max_tries > 0 and match is not None:
            start = match.start()
            candidate = self.text[start:match.end()]
            assert _SECOND_NUMBER_START is not None  # see _matcher_type
            candidate = self._trim_after_first_match(_SECOND_NUMBER_START, candidate)
            candidate_len = len(candidate)
            if candidate_len >= self._min_candidate_length:
                found = self._extract_match(candidate, start)
                if found is not None:
                    return found
                self._max_tries -= 1
            index = start + candidate_len
            match = self._search(index)
        return None

    def _search(self, index: int) -> re.Match[str] | None:
        digit = _DIGIT.search(self.text, index)
        if digit is None:
            return None
        assert _CANDIDATE is not None  # see _matcher_type
        return _CANDIDATE.search(self.text, max(index, digit.start() - _BEFORE_DIGIT))

    def _parse_and_verify(self, candidate: str, offset: int) -> Any:
        text, end = self.text, offset + len(candidate)
        number = _decision(candidate, text[offset - 1] if offset > 0 else "",
                           text[end] if end < len(text) else "", self.preferred_region)
        return None if number is None else phonenumbers.PhoneNumberMatch(offset, candidate,
                                                                         number)


@cache
def _matcher_type() -> type[phonenumbers.PhoneNumberMatcher]:
    """``_Matcher`` on a version of phonenumbers it was compared with, else the plain
    matcher (see ``MIRRORED_VERSIONS``)."""
    mirrored = (phonenumbers.__version__ in MIRRORED_VERSIONS and _CANDIDATE is not None
                and _SECOND_NUMBER_START is not None)
    return _Matcher if mirrored else phonenumbers.PhoneNumberMatcher


def numbers_in(text: str, region: str | None, max_tries: int) -> Iterator[str]:
    """The E.164 form of each phone number ``phonenumbers.PhoneNumberMatcher(text,
    region or "ZZ", max_tries=max_tries)`` finds, in order (the same numbers: see
    ``_decision``)."""
    for match in _matcher_type()(text, region or "ZZ", max_tries=max_tries):
        yield phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
