"""Identifiers in read text: phone numbers, e-mail addresses, @handles and URLs.

Each is found within one line of text and comes with the union box of the words it
was read from. Phone numbers are read by ``phonenumbers`` (Apache-2.0) and given in
E.164; numbers written without a country code are read in the case zone's country.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import phonenumbers

from spoorvast.analysis.ocr.model import Box, Line, Word, union
from spoorvast.analysis.phones import zone_country
from spoorvast.model.records import IdentifierKind

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")
URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|be|nl|fr|de|eu|lu|ch|at|uk|io|me|ly|co|tv|gg|app)"
    r"/[^\s<>\"']*",
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_JOINERS = "._-@"
TIGHT_GAP = 0.3
_TRAILING = ".,;:!?)]}'\"’”…"
@dataclass(frozen=True, slots=True)
class Found:
    kind: IdentifierKind
    value: str  # normalised: E.164, lower-case e-mail domain, @handle, URL as read
    raw: str  # as read
    region: Box


def find_identifiers(lines: Iterable[Line], region_code: str | None) -> list[Found]:
    """Every identifier in the lines, once per (kind, value), first place kept."""
    seen: dict[tuple[IdentifierKind, str], Found] = {}
    for line in lines:
        for found in _in_line(line, region_code):
            seen.setdefault((found.kind, found.value), found)
    return list(seen.values())


def _in_line(line: Line, region_code: str | None) -> Iterator[Found]:
    text, spans = tight_text(line)
    taken: list[tuple[int, int]] = []
    for kind, start, end, value in _matches(text, region_code):
        if any(start < e and end > s for s, e in taken):
            continue
        taken.append((start, end))
        touched = [w.box for s, e, w in spans if s < end and e > start]
        yield Found(kind, value, text[start:end], union(touched or [line.box]))


def tight_text(line: Line) -> tuple[str, list[tuple[int, int, Word]]]:
    """The line's text with a space dropped where OCR split an identifier.

    Tesseract sometimes cuts ``alex.m@example.com`` into ``alex.`` and ``m@…`` with
    almost no gap between the boxes; such words are joined when one side ends or
    starts with ``. _ - @`` and the gap is under :data:`TIGHT_GAP` of the height.
    """
    parts: list[str] = []
    spans: list[tuple[int, int, Word]] = []
    position, previous = 0, None
    for word in line.words:
        if previous is not None and not _tight(previous, word):
            parts.append(" ")
            position += 1
        parts.append(word.text)
        spans.append((position, position + len(word.text), word))
        position, previous = position + len(word.text), word
    return "".join(parts), spans


def _tight(before: Word, after: Word) -> bool:
    gap = after.box[0] - (before.box[0] + before.box[2])
    height = max(before.box[3], after.box[3])
    joined = before.text[-1:] in _JOINERS or after.text[:1] in _JOINERS
    return joined and gap < TIGHT_GAP * height


def _matches(text: str, region: str | None) -> Iterator[tuple[IdentifierKind, int, int, str]]:
    for match in EMAIL.finditer(text):
        yield IdentifierKind.EMAIL, match.start(), match.end(), _email(match.group(0))
    for match in URL.finditer(text):
        raw = match.group(0).rstrip(_TRAILING)
        yield IdentifierKind.URL, match.start(), match.start() + len(raw), raw
    for match in HANDLE.finditer(text):
        yield IdentifierKind.ACCOUNT, match.start(), match.end(), match.group(0)
    yield from _phones(text, region)


def _email(raw: str) -> str:
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


def _phones(text: str, region: str | None) -> Iterator[tuple[IdentifierKind, int, int, str]]:
    matcher = phonenumbers.PhoneNumberMatcher(text, region or "ZZ",
                                              leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        yield IdentifierKind.PHONE, match.start, match.end, e164


country_of_zone = zone_country
