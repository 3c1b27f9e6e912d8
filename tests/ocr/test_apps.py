"""Chat screenshots of six app layouts, light and dark, at phone size: each bubble's
side, text, time (drawn inside, under or beside it) and day (from the nearest day
separator above); no separator or status-bar text as a message; no empty proposal;
the title that is a phone number proposed once, as a phone; confirmed messages keep
their instant."""

from __future__ import annotations

import io
import json
import os
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from spoorvast.analysis.ocr import OcrDocument, read_picture
from spoorvast.model.instant import OffsetSource, Precision
from spoorvast.model.records import IdentifierKind
from spoorvast.services import cases as case_service
from spoorvast.storage import vault as vaultlib
from tests.conftest import PASSPHRASE, Cli
from tests.ocr.accuracy import accuracy
from tests.ocr.apps import APPS, Screen, png
from tests.ocr.render import Bubble, Separator

pytestmark = pytest.mark.slow

REFERENCE = date(2024, 3, 12)
YESTERDAY = date(2024, 3, 11)
ITEMS = (
    Separator("Gisteren"),
    Bubble("left", "Hoi, ben je thuis vanavond?", "21:03"),
    Bubble("right", "Nee, laat me met rust alsjeblieft.", "21:05"),
    Separator("Vandaag"),
    Bubble("left", "Bel me op 0470 12 34 56 of mail naar sam.peeters@example.be", "08:16"),
    Bubble("right", "Ik ga dit melden bij de politie.", "08:20"),
)
GOLDEN_DAYS = [YESTERDAY, YESTERDAY, REFERENCE, REFERENCE]
# each app shows its day separators in another language and shape (12 March 2024 is a
# Tuesday): (the day before, the day itself, Tesseract languages)
SEPARATORS = {
    "whatsapp": ("Gisteren", "Vandaag", "nld+eng"),
    "telegram": ("11 maart", "12 maart", "nld+eng"),
    "sms": ("Hier", "Aujourd'hui", "fra+eng"),
    "messenger": ("Gestern", "Heute", "deu+eng"),
    "imessage": ("Monday", "Today", "eng"),
    "instagram": ("maandag", "12.03.2024", "nld+eng"),
}


def screen_of(app: str, dark: bool) -> Screen:
    before, day, _languages = SEPARATORS[app]
    items = (Separator(before), *ITEMS[1:3], Separator(day), *ITEMS[4:])
    return Screen(app, "14:32", "+32 470 12 34 56", items, dark)


SCREENS = [pytest.param(screen_of(app, dark), id=f"{app}-{'dark' if dark else 'light'}")
           for app in APPS for dark in (False, True)]


@cache
def read(screen: Screen) -> OcrDocument:
    return read_picture(png(screen), SEPARATORS[screen.app][2], REFERENCE, "BE")


def score(screen: Screen) -> tuple[int, int, int]:
    """(bubbles read, time right, date right) against the golden."""
    messages = read(screen).chat.messages
    read_n = time_n = day_n = 0
    for bubble, day in zip(screen.bubbles(), GOLDEN_DAYS, strict=True):
        match = [m for m in messages if m.side.value == bubble.side
                 and accuracy(m.text, bubble.text) >= 0.9]
        if not match:
            continue
        read_n += 1
        time_n += bool(match[0].time and match[0].time.raw == bubble.time)
        day_n += bool(match[0].day and match[0].day.day == day)
    return read_n, time_n, day_n


@pytest.mark.parametrize("screen", SCREENS)
def test_no_junk_and_no_wrong_time(screen: Screen) -> None:
    """Whatever is read is right: no separator, status-bar or empty message, and a
    bubble never carries another bubble's time or day."""
    document = read(screen)
    golden = {b.text: (b.side, b.time, d) for b, d in zip(screen.bubbles(), GOLDEN_DAYS,
                                                          strict=True)}
    for message in document.chat.messages:
        assert any(ch.isalnum() for ch in message.text)
        assert not any(word in message.text for word in SEPARATORS[screen.app][:2])
        assert "Proximus" not in message.text and "87%" not in message.text
        best = max(golden, key=lambda text: accuracy(message.text, text))
        if accuracy(message.text, best) < 0.9:
            continue  # a bubble read in pieces (counted as unread in the scores)
        side, shown, day = golden[best]
        assert message.side.value == side
        assert message.time is None or message.time.raw == shown
        assert message.day is None or message.day.day == day  # unknown, never wrong
    phones = [f for f in document.identifiers if f.kind is IdentifierKind.PHONE]
    assert [f.value for f in phones] == ["+32470123456"]


# (bubbles read, time right, date right) of 4, as measured; a drop is a regression.
# (Telegram light's day pills, white on a mid-grey pill, are read on their own,
# inverted: 0 of 4 days before.)
SCORES = {f"{app}-{mode}": (4, 4, 4) for app in APPS for mode in ("light", "dark")}


@pytest.mark.parametrize("screen", SCREENS)
def test_scores_per_layout(screen: Screen) -> None:
    measured = score(screen)
    key = f"{screen.app}-{'dark' if screen.dark else 'light'}"
    assert all(got >= want for got, want in zip(measured, SCORES[key], strict=True)), measured


def test_confirmed_messages_keep_their_instant(case_vault: Path, cli: Cli,
                                               tmp_path: Path) -> None:
    path = tmp_path / "sms.png"
    path.write_bytes(png(Screen("sms", "14:32", "+32 470 12 34 56", ITEMS)))
    stamp = datetime(2024, 3, 12, 14, 32).timestamp()
    os.utime(path, (stamp, stamp))
    assert cli("add", str(path), "--no-read").code == 0
    assert cli("ocr").code == 0
    listed = json.loads(cli("proposals", "E-0001", "--json").out)
    idents = [(p["identifier_kind"], p["text"]) for p in listed if p["kind"] == "identifier"]
    assert sorted(idents) == [("email", "sam.peeters@example.be"), ("phone", "+32470123456")]
    messages = [p for p in listed if p["kind"] == "message"]
    assert len(messages) == 4 and all(m["text"] for m in messages)
    assert cli("confirm", "E-0001").code == 0
    done = json.loads(cli("proposals", "E-0001", "--all", "--json").out)
    at = [p["at"][:16] for p in done if p["kind"] == "message"]
    assert at == ["2024-03-11T21:03", "2024-03-11T21:05", "2024-03-12T08:16",
                  "2024-03-12T08:20"]
    with vaultlib.open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        case = case_service.current_case(vault)
        item = case_service.find_item(vault, case, "E-0001")
        events = [e for e in vault.store.events(case.id or 0, item.id) if e.kind == "message"]
        findings = [f.code for f in vault.store.findings(case.id or 0)]
    assert [e.instant.local.strftime("%Y-%m-%d %H:%M") for e in events if e.instant] == [
        "2024-03-11 21:03", "2024-03-11 21:05", "2024-03-12 08:16", "2024-03-12 08:20"]
    for event in events:
        assert event.instant is not None
        assert event.instant.precision is Precision.MINUTE
        assert event.instant.source is OffsetSource.ASSUMED_ZONE
        assert event.instant.zone == case.time_zone
        assert dict(event.details)["day_from"] == "separator"
        # "Hier" and "Aujourd'hui" were counted from the file's time: said, not silent
        assert dict(event.details)["day_relative_to"] == "file-time"
    assert findings.count("ocr.message-day-relative-file") == 4


def test_a_relative_day_counted_from_the_exif_time_says_so(case_vault: Path, cli: Cli,
                                                          tmp_path: Path) -> None:
    picture = Image.open(io.BytesIO(png(Screen("whatsapp", "14:32", "Sam Peeters",
                                               ITEMS)))).convert("RGB")
    exif = Image.Exif()
    exif[0x8769] = {0x9003: "2024:03:12 14:32:05"}  # Exif IFD: DateTimeOriginal
    path = tmp_path / "exif.jpg"
    picture.save(path, "JPEG", quality=95, exif=exif)
    os.utime(path, (0, 0))  # a file time far from the EXIF one: the EXIF time counts
    assert cli("add", str(path), "--no-read").code == 0
    assert cli("ocr").code == 0
    assert cli("confirm", "E-0001").code == 0
    with vaultlib.open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        case = case_service.current_case(vault)
        item = case_service.find_item(vault, case, "E-0001")
        events = [e for e in vault.store.events(case.id or 0, item.id) if e.kind == "message"]
        findings = [f for f in vault.store.findings(case.id or 0)
                    if f.code.startswith("ocr.message-day")]
    assert [e.instant.local.date() for e in events if e.instant] == GOLDEN_DAYS
    assert {dict(e.details)["day_relative_to"] for e in events} == {"exif"}
    assert [f.code for f in findings] == ["ocr.message-day-relative-exif"] * 4
    assert dict(findings[0].params)["day"] == "2024-03-11"


def test_a_message_without_a_day_is_confirmed_with_a_finding(case_vault: Path, cli: Cli,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "no-day.png"
    path.write_bytes(png(Screen("whatsapp", "14:32", "Sam Peeters", ITEMS[1:3])))
    assert cli("add", str(path), "--no-read").code == 0
    assert cli("ocr").code == 0
    assert cli("confirm", "E-0001:p1").code == 0
    assert cli("confirm", "E-0001:p2", "--day", "2024-03-11").code == 0
    with vaultlib.open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        case = case_service.current_case(vault)
        item = case_service.find_item(vault, case, "E-0001")
        events = [e for e in vault.store.events(case.id or 0, item.id) if e.kind == "message"]
        findings = [f.code for f in vault.store.findings(case.id or 0)]
    first, second = events
    assert first.instant is None and dict(first.details)["day_from"] == "unknown"
    assert findings.count("ocr.message-day-unknown") == 1
    assert second.instant is not None and dict(second.details)["day_from"] == "user"
    assert second.instant.local.strftime("%Y-%m-%d %H:%M") == "2024-03-11 21:05"
