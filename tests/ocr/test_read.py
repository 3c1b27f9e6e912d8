"""OCR of generated chat screenshots in nl, fr, de and en, light and dark: what
Tesseract reads back, the chat layout, and the identifiers with their regions."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import pytest

from spoorvast.analysis.ocr import OcrDocument, country_of_zone, languages_for, read_picture
from spoorvast.analysis.ocr.model import Box
from spoorvast.model.records import IdentifierKind
from tests.ocr.accuracy import accuracy
from tests.ocr.chats import ALL, Expected, dark
from tests.ocr.render import png

REFERENCE = date(2024, 3, 12)
CASES = [pytest.param(e, id=f"{e.language}-light") for e in ALL] + [
    pytest.param(dark(e), id=f"{e.language}-dark") for e in ALL]


@cache
def read(expected: Expected) -> OcrDocument:
    return read_picture(png(expected.chat), languages_for(expected.language), REFERENCE,
                        country_of_zone(expected.zone))


@pytest.mark.parametrize("expected", CASES)
def test_character_accuracy(expected: Expected) -> None:
    document = read(expected)
    assert document.page.dark is expected.chat.dark
    assert accuracy(document.text, expected.chat.expected_text()) >= 0.95


@pytest.mark.parametrize("expected", CASES)
def test_identifiers_are_exactly_the_ones_shown(expected: Expected) -> None:
    found = {(f.kind, f.value) for f in read(expected).identifiers}
    assert found == (
        {(IdentifierKind.PHONE, v) for v in expected.phones}
        | {(IdentifierKind.EMAIL, v) for v in expected.emails}
        | {(IdentifierKind.ACCOUNT, v) for v in expected.handles}
        | {(IdentifierKind.URL, v) for v in expected.urls})


@pytest.mark.parametrize("expected", CASES)
def test_identifier_regions_lie_in_their_bubble(expected: Expected) -> None:
    document = read(expected)
    for found in document.identifiers:
        holders = [m for m in document.chat.messages if _inside(found.region, m.region)]
        assert len(holders) == 1, found.kind
        assert found.raw.replace(" ", "") in holders[0].text.replace("\n", "").replace(" ", "")
        assert 10 <= found.region[3] <= 40  # one line of text, not the whole bubble


def _inside(inner: Box, outer: Box) -> bool:
    return (outer[0] <= inner[0] and outer[1] <= inner[1]
            and inner[0] + inner[2] <= outer[0] + outer[2]
            and inner[1] + inner[3] <= outer[1] + outer[3])


@pytest.mark.parametrize("expected", CASES)
def test_bubbles_become_messages_with_side_time_and_day(expected: Expected) -> None:
    chat = read(expected).chat
    bubbles = expected.chat.bubbles()
    assert [m.side.value for m in chat.messages] == [b.side for b in bubbles]
    assert [m.time.raw if m.time else None for m in chat.messages] == [b.time for b in bubbles]
    for message, bubble in zip(chat.messages, bubbles, strict=True):
        assert accuracy(message.text, bubble.text) >= 0.9
    days = {m.day.day if m.day else None for m in chat.messages}
    yesterday = REFERENCE - timedelta(days=1)
    assert days == {{"nl": REFERENCE, "fr": date(2024, 3, 12), "de": yesterday,
                     "en": yesterday}[expected.language]}


@pytest.mark.parametrize("expected", CASES)
def test_status_bar_clock_and_title(expected: Expected) -> None:
    chat = read(expected).chat
    assert chat.status_clock is not None and chat.status_clock.raw == expected.chat.clock
    assert chat.status_region is not None and chat.status_region[1] < 40
    assert chat.title is not None and chat.title.raw == expected.chat.title
