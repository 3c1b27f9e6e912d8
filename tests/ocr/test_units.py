"""The reading rules without Tesseract: TSV parsing, times and days, identifiers,
chat layout from word boxes, near-duplicates, the stored form; and fuzzing."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.analysis.ocr import analyse, clock, decode, duplicates, encode
from spoorvast.analysis.ocr.identifiers import country_of_zone, find_identifiers
from spoorvast.analysis.ocr.model import Line, OcrPage, Word, union
from spoorvast.analysis.ocr.tesseract import languages_for, parse_tsv
from spoorvast.model.records import IdentifierKind

TSV_HEAD = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\t"
            "height\tconf\ttext\n")


def test_tsv_words_keep_boxes_confidence_and_line() -> None:
    tsv = TSV_HEAD + "1\t1\t0\t0\t0\t0\t0\t0\t720\t1280\t-1\t\n" \
        "5\t1\t2\t1\t3\t1\t10\t20\t30\t40\t91.5\tHoi\n" \
        "5\t1\t2\t1\t3\t2\t45\t20\t30\t40\t-1\t \n" \
        "5\t1\tx\t1\t3\t2\t45\t20\t30\t40\t90\tbad\n" \
        "5\t1\t2\t1\t3\t3\t80\t21\t50\t39\t88\tdaar"
    assert parse_tsv(tsv) == (Word("Hoi", (10, 20, 30, 40), 91.5, (2, 1, 3)),
                              Word("daar", (80, 21, 50, 39), 88.0, (2, 1, 3)))


@given(st.text())
def test_tsv_parser_never_crashes(text: str) -> None:
    for word in parse_tsv(text):
        assert word.text


def test_languages_and_phone_region_from_the_case() -> None:
    assert languages_for("nl") == "nld+eng"
    assert languages_for("en") == "eng"
    assert country_of_zone("Europe/Brussels") == "BE"
    assert country_of_zone("Europe/Berlin") == "DE"
    assert country_of_zone("Nowhere/Else") is None


def test_times_as_apps_show_them() -> None:
    assert [(t.hour, t.minute) for t in clock.find_times("21:05 9.07 8h30 9:41 PM 12:00 am")
            ] == [(21, 5), (9, 7), (8, 30), (21, 41), (0, 0)]
    assert clock.find_times("24:00 1:60 123:45 +32 470 12 34 56") == []
    assert clock.trailing_time("tot straks 21:05 ✓✓") is not None
    assert clock.trailing_time("om 21:05 bij mij") is None
    assert clock.is_time_only("21:05") and not clock.is_time_only("om 21:05")


REF = date(2024, 3, 13)  # a Wednesday


def test_days_in_four_languages() -> None:
    expected = {
        "Vandaag": REF, "Aujourd'hui": REF, "Heute": REF, "TODAY": REF,
        "Gisteren": date(2024, 3, 12), "hier": date(2024, 3, 12),
        "Gestern": date(2024, 3, 12), "Yesterday": date(2024, 3, 12),
        "maandag": date(2024, 3, 11), "lundi": date(2024, 3, 11),
        "Mittwoch": date(2024, 3, 6), "Sunday": date(2024, 3, 10),
        "12 maart 2024": date(2024, 3, 12), "3 février": date(2024, 2, 3),
        "1. Mai 2023": date(2023, 5, 1), "March 12, 2024": date(2024, 3, 12),
        "12/03/2024": date(2024, 3, 12), "12.03.24": date(2024, 3, 12),
        "lundi 11 mars 2024": date(2024, 3, 11), "Vandaag 21:05": REF,
    }
    for text, day in expected.items():
        found = clock.find_day(text, REF)
        assert found is not None and found.day == day, text
    assert clock.find_day("Vandaag", None) == clock.DayMark("Vandaag", None)
    assert clock.find_day("31/02/2024", REF) is None
    assert clock.find_day("Bel me morgen", REF) is None


@given(st.text(max_size=200), st.none() | st.dates())
def test_day_and_time_readers_never_crash(text: str, reference: date | None) -> None:
    clock.find_day(text, reference)
    clock.find_times(text)


def words(text: str, x: int, y: int, line: tuple[int, int, int], height: int = 30,
          char: int = 15) -> list[Word]:
    found = []
    for word in text.split(" "):
        found.append(Word(word, (x, y, len(word) * char, height), 90.0, line))
        x += (len(word) + 1) * char
    return found


def test_identifiers_with_the_union_box_of_their_words() -> None:
    line = Line(tuple(words("bel +32 470 12 34 56 of @sam_x88 of mail Sam.P@Example.BE "
                            "zie https://example.org/a?b=1).", 10, 100, (1, 1, 1))))
    found = {f.kind: f for f in find_identifiers([line], "BE")}
    assert found[IdentifierKind.PHONE].value == "+32470123456"
    assert found[IdentifierKind.PHONE].region == (70, 100, 16 * 15, 30)
    assert found[IdentifierKind.ACCOUNT].value == "@sam_x88"
    assert found[IdentifierKind.EMAIL].value == "Sam.P@example.be"
    assert found[IdentifierKind.URL].value == "https://example.org/a?b=1"
    assert set(found) == {IdentifierKind.PHONE, IdentifierKind.ACCOUNT,
                          IdentifierKind.EMAIL, IdentifierKind.URL}


def test_a_split_address_is_joined_only_when_the_boxes_touch() -> None:
    tight = Line((Word("alex.", (10, 10, 60, 30), 0, (1, 1, 1)),
                  Word("m@example.com", (72, 10, 200, 30), 0, (1, 1, 1))))
    apart = Line((Word("alex.", (10, 10, 60, 30), 0, (1, 1, 1)),
                  Word("m@example.com", (90, 10, 200, 30), 0, (1, 1, 1))))
    assert [f.value for f in find_identifiers([tight], None)] == ["alex.m@example.com"]
    assert [f.value for f in find_identifiers([apart], None)] == ["m@example.com"]
    assert find_identifiers([tight], None)[0].region == (10, 10, 262, 30)


def test_no_identifiers_in_plain_text_times_and_dates() -> None:
    line = Line(tuple(words("om 21:05 op 12.03.2024 ok. ik@ ben. @ thuis 0470", 0, 0,
                            (1, 1, 1))))
    assert find_identifiers([line], "BE") == []


@given(st.text(max_size=120))
@settings(max_examples=200)
def test_identifier_finder_never_crashes(text: str) -> None:
    line = Line(tuple(words(text.replace("\n", " "), 0, 0, (1, 1, 1)))) if text.strip() else None
    if line is not None and line.words:
        for found in find_identifiers([line], "BE"):
            assert found.region[2] >= 0


def chat_page() -> OcrPage:
    w: list[Word] = []
    w += words("14:32", 30, 10, (1, 1, 1), height=20)
    w += words("Sam", 40, 80, (2, 1, 1))
    w += words("Vandaag", 300, 180, (3, 1, 1))
    w += words("Hoi daar", 40, 260, (4, 1, 1))
    w += words("hoe gaat het? 21:03", 40, 300, (4, 1, 2))
    w += words("Laat me met rust", 400, 400, (5, 1, 1))
    w += words("alsjeblieft.", 400, 440, (5, 1, 2))
    w += words("21:05", 610, 480, (5, 1, 3), height=20)
    w += words("Bel me", 40, 580, (6, 1, 1))
    w += words("~", 40, 700, (7, 1, 1))
    return OcrPage(720, 1280, tuple(w), "nld+eng")


def test_chat_layout_from_word_boxes() -> None:
    document = analyse(chat_page(), "tesseract test", date(2024, 3, 12), "BE")
    chat = document.chat
    assert chat.status_clock is not None and chat.status_clock.raw == "14:32"
    assert chat.title is not None and chat.title.raw == "Sam"
    assert [(m.side.value, m.text, m.time.raw if m.time else None) for m in chat.messages] == [
        ("left", "Hoi daar\nhoe gaat het?", "21:03"),
        ("right", "Laat me met rust\nalsjeblieft.", "21:05"),
        ("left", "Bel me", None),
    ]
    assert {m.day.day for m in chat.messages if m.day} == {date(2024, 3, 12)}
    assert chat.messages[1].region == union(
        [(400, 400, 16 * 15, 30), (610, 480, 5 * 15, 20), (400, 440, 12 * 15, 30)])


def test_without_status_bar_there_is_no_header() -> None:
    page = OcrPage(720, 720, tuple(words("Hoi 10:00", 40, 30, (1, 1, 1))), "eng")
    chat = analyse(page, "t", None, None).chat
    assert chat.status_clock is None and chat.title is None
    assert [(m.text, m.day) for m in chat.messages] == [("Hoi", None)]


def test_the_stored_form_round_trips() -> None:
    document = analyse(chat_page(), "tesseract test", date(2024, 3, 12), "BE")
    assert decode(encode(document)) == document


def test_near_duplicates_need_close_hashes_and_alike_texts() -> None:
    c = duplicates.Candidate
    found = duplicates.groups([
        c(1, "ff00ff00ff00ff00", "Hoi daar, hoe gaat het?"),
        c(2, "ff00ff00ff00ff01", "Hoi daar, hoe gaat het ?"),
        c(3, "ff00ff00ff00ff03", "Iets heel anders geschreven hier"),
        c(4, "00ff00ff00ff00ff", None),
        c(5, "00ff00ff00ff00fe", None),
        c(6, "0123", None),
    ])
    assert found == [[1, 2], [4, 5]]
