"""Which time and day each bubble gets, from word boxes only (no Tesseract): a time
inside, under or beside its bubble; the nearest day separator above; no separator,
notice, tick or empty line as a message. Page 1080 × 2340, as a phone draws it."""

from __future__ import annotations

from datetime import date

from spoorvast.analysis.ocr import analyse
from spoorvast.analysis.ocr.model import OcrPage, Word
from spoorvast.model import instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    IdentifierKind,
    Item,
    ItemKind,
)
from spoorvast.services.ocr import proposed_identifiers
from tests.ocr.test_units import words

REF = date(2024, 3, 12)


def page(*rows: tuple[str, int, int]) -> OcrPage:
    found: list[Word] = list(words("14:32", 48, 20, (0, 0, 1), height=22))
    for number, (text, x, y) in enumerate(rows, 1):
        found += words(text, x, y, (number, 1, 1), height=22 if ":" in text else 40, char=20)
    return OcrPage(1080, 2340, tuple(found), "nld+eng")


def read(*rows: tuple[str, int, int]) -> list[tuple[str, str, str | None, date | None]]:
    chat = analyse(page(*rows), "t", REF, "BE").chat
    return [(m.side.value, m.text, m.time.raw if m.time else None,
             m.day.day if m.day else None) for m in chat.messages]


def test_time_under_each_bubble_is_its_own_not_the_next_ones() -> None:
    assert read(("Gisteren", 480, 280), ("Hoi daar", 60, 380), ("21:03", 42, 432),
                ("Laat me", 760, 520), ("21:05", 940, 572),
                ("Vandaag", 470, 660), ("Bel me", 60, 760), ("08:16", 42, 812)) == [
        ("left", "Hoi daar", "21:03", date(2024, 3, 11)),
        ("right", "Laat me", "21:05", date(2024, 3, 11)),
        ("left", "Bel me", "08:16", REF)]


def test_time_beside_a_bubble_of_two_lines() -> None:
    # the time sits at the right edge, between the bubble's two lines in reading order
    assert read(("Vandaag", 470, 280), ("Nee, laat me", 400, 380), ("21:05", 956, 410),
                ("met rust.", 400, 436), ("Hoi", 60, 540), ("21:06", 956, 548)) == [
        ("right", "Nee, laat me\nmet rust.", "21:05", REF),
        ("left", "Hoi", "21:06", REF)]


def test_a_bubble_without_a_time_takes_none_from_its_neighbours() -> None:
    assert read(("Vandaag", 470, 280), ("Hoi", 60, 380), ("Nog daar?", 60, 600),
                ("21:07", 42, 652)) == [
        ("left", "Hoi", None, REF), ("left", "Nog daar?", "21:07", REF)]


def test_ticks_after_a_time_are_not_a_message() -> None:
    assert read(("Vandaag", 470, 280), ("Laat me met rust.", 600, 380),
                ("21:05 vv", 900, 430)) == [("right", "Laat me met rust.", "21:05", REF)]


def test_centred_notice_without_time_is_not_a_message_but_a_centred_bubble_is() -> None:
    assert read(("Berichten zijn versleuteld", 280, 280),
                ("Ik ga dit melden.", 370, 380), ("08:20", 956, 388)) == [
        ("right", "Ik ga dit melden.", "08:20", None)]


def test_no_separator_means_no_day_never_a_guess() -> None:
    assert read(("Hoi", 60, 380), ("21:03", 42, 432)) == [("left", "Hoi", "21:03", None)]


def test_a_title_that_is_a_number_is_proposed_once_as_a_phone() -> None:
    rows = (("+32 470 12 34 56", 150, 138), ("Bel 0470 12 34 56", 60, 380), ("21:03", 42, 432))
    document = analyse(page(*rows), "t", REF, "BE")
    assert document.chat.title is not None and document.chat.title.raw == "+32 470 12 34 56"
    when = instant.now("Europe/Brussels")
    case = Case(1, "t", "nl", "Europe/Brussels", when)
    item = Item(1, 1, 1, ItemKind.IMAGE, "shot.png", when, "image")
    artifact = Artifact(1, 1, ArtifactRole.OCR_TEXT, "application/json", 1, "0" * 64,
                        "shot.ocr.json", when)
    found = [(i.kind, i.value) for i in proposed_identifiers(case, item, artifact, document)]
    assert found == [(IdentifierKind.PHONE, "+32470123456")]


def test_a_title_that_is_a_name_is_still_a_name() -> None:
    rows = (("sam", 150, 138), ("volg @sam", 60, 380), ("21:03", 42, 432))
    document = analyse(page(*rows), "t", REF, "BE")
    when = instant.now("Europe/Brussels")
    case = Case(1, "t", "nl", "Europe/Brussels", when)
    item = Item(1, 1, 1, ItemKind.IMAGE, "shot.png", when, "image")
    artifact = Artifact(1, 1, ArtifactRole.OCR_TEXT, "application/json", 1, "0" * 64,
                        "shot.ocr.json", when)
    found = {(i.kind, i.value) for i in proposed_identifiers(case, item, artifact, document)}
    assert found == {(IdentifierKind.ACCOUNT, "@sam"), (IdentifierKind.NAME, "sam")}


def test_a_time_under_a_bubble_ends_it_even_when_the_next_one_is_close() -> None:
    assert read(("Vandaag", 470, 280), ("Hoi", 60, 380), ("21:03", 42, 424),
                ("Nog daar?", 60, 450), ("21:04", 42, 494)) == [
        ("left", "Hoi", "21:03", REF), ("left", "Nog daar?", "21:04", REF)]
