"""WhatsApp exports: every layout, the accounting, dates, attachments, bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.shared.zipsafe import shown
from spoorvast.importers.chat.whatsapp.importer import WhatsAppImporter, looks_like_chat
from spoorvast.importers.chat.whatsapp.lines import DateSurvey
from spoorvast.model.records import ItemKind, Severity
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.whatsapp_samples import SAMPLES, Sample


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_every_layout_round_trips(sample: Sample, tmp_path: Path) -> None:
    draft, _ = run(WhatsAppImporter(), write(tmp_path, "chat.txt", sample.text.encode()))
    c = counts(draft)
    assert (c["events"], c["system"], c["continued"], c["problems"]) == (
        sample.events, sample.system, sample.continued, sample.problems)
    assert closes(draft)
    assert c["read"] == sample.text.count("\n")
    first = draft.events[0].instant
    assert first is not None and first.isoformat() == sample.first_local
    assert first.source.value == "assumed-zone" and first.zone == "Europe/Brussels"
    assert tuple(i.value for i in draft.identifiers) == tuple(
        a.rsplit(":", 1)[-1] for a in sample.actors)
    assert {e.actor for e in draft.events if e.kind != "system"} <= set(sample.actors)
    order = [p for p in draft.problems if p.code.startswith("chat.date-order")]
    assert len(order) == 1
    assert sample.order_rule in dict(order[0].params).get("rule", "assumed-12-hour-slash")


def test_multi_line_text_is_exact_and_markers_are_typed(tmp_path: Path) -> None:
    draft, _ = run(WhatsAppImporter(), write(tmp_path, "c.txt", SAMPLES[0].text.encode()))
    texts = [e.text for e in draft.events]
    assert texts[2] == "first line\nsecond line\n\nfourth line"
    assert dict(draft.events[3].details)["media"] == "omitted"
    assert dict(draft.events[0].details)["system"] == "encryption-notice"
    nl, _ = run(WhatsAppImporter(), write(tmp_path, "nl.txt", SAMPLES[1].text.encode()))
    assert dict(nl.events[2].details) == {"non_contact": "1", "deleted": "1"}
    assert dict(nl.events[3].details)["attachment"] == "IMG-20260305-WA0001.jpg"
    assert "chat.attachment-missing" in codes(nl)
    de, _ = run(WhatsAppImporter(), write(tmp_path, "de.txt", SAMPLES[2].text.encode()))
    assert dict(de.events[1].details)["edited"] == "1"
    ios, _ = run(WhatsAppImporter(), write(tmp_path, "ios.txt", SAMPLES[4].text.encode()))
    assert [e.kind for e in ios.events] == ["system", "message", "message", "call", "message"]
    assert dict(ios.events[3].details) == {"direction": "missed", "media": "voice"}


def test_crlf_bom_and_broken_encoding_keep_every_byte_accounted(tmp_path: Path) -> None:
    data = ("\ufeff04/03/2026, 22:15 - Jan: één\r\ntwee\r\n".encode()
            + b"04/03/2026, 22:16 - Jan: caf\xe9\r\n"
            + b"24/03/2026, 22:17 - Jan: ok")
    draft, _ = run(WhatsAppImporter(), write(tmp_path, "c.txt", data))
    assert [e.text for e in draft.events] == ["één\r\ntwee", "café", "ok"]
    assert codes(draft).count("chat.encoding") == 1
    assert closes(draft) and counts(draft)["read"] == 4


def test_day_month_rules() -> None:
    def decide(dates: list[str], twelve: bool = False) -> tuple[str, str]:
        survey = DateSurvey(twelve_hour=twelve)
        for n, d in enumerate(dates, 1):
            a, b, c = d.replace(".", "/").split("/")
            survey.add(a, "." if "." in d else "/", b, c, lambda n=n: n)  # type: ignore[misc]
        found = survey.decide()
        return found.order, found.rule

    assert decide(["13/01/26"]) == ("dmy", "first-above-12")
    assert decide(["01/13/26"]) == ("mdy", "second-above-12")
    assert decide(["01/02/26", "02/02/26", "03/02/26", "01/03/26"]) == ("dmy", "chronological")
    assert decide(["02/01/26", "02/02/26", "02/03/26", "03/01/26"]) == ("mdy", "chronological")
    assert decide(["01.02.26"]) == ("dmy", "separator")
    assert decide(["01/02/26"], twelve=True) == ("mdy", "12-hour-slash")
    assert decide(["01/02/26"]) == ("dmy", "assumed")


def test_dst_gap_and_overlap_are_flagged(tmp_path: Path) -> None:
    text = ("29/03/2026, 01:59 - Jan: before\n"
            "29/03/2026, 02:30 - Jan: in the gap\n"
            "25/10/2026, 02:10 - Jan: first pass\n"
            "25/10/2026, 02:50 - Jan: first pass later\n"
            "25/10/2026, 02:20 - Jan: second pass\n")
    draft, _ = run(WhatsAppImporter(), write(tmp_path, "c.txt", text.encode()))
    assert codes(draft).count("chat.dst-gap") == 1
    overlaps = [dict(p.params)["which"] for p in draft.problems if p.code == "chat.dst-overlap"]
    assert overlaps == ["first", "first", "second"]
    assert [e.instant.offset_seconds for e in draft.events[2:]] == [7200, 7200, 3600]  # type: ignore[union-attr]


def test_unknown_layout_is_not_claimed(tmp_path: Path) -> None:
    assert not looks_like_chat(b"Dear Jan,\nthis is a letter.\n")
    assert not looks_like_chat(b"2026/03/04 22:15 Jan: almost\n")


def test_truncation_warning(tmp_path: Path) -> None:
    line = "04/03/2026, 22:15 - Jan: hoi\n"
    draft, _ = run(WhatsAppImporter(), write(tmp_path, "c.txt", (line * 38_500).encode()))
    assert "chat.truncated" in codes(draft) and closes(draft)
    small, _ = run(WhatsAppImporter(), write(tmp_path, "d.txt", (line * 100).encode()))
    assert "chat.truncated" not in codes(small)


def make_zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


IOS_MEDIA = ("[04/03/2026, 22:15:07] Jan: \u200e<attached: 00000012-PHOTO-2026-03-04.jpg>\n"
             "[04/03/2026, 22:16:00] Jan: \u200e<attached: 00000013-AUDIO-missing.opus>\n"
             "[14/03/2026, 22:16:00] Jan: hi\n")


def test_zip_attachments_resolve_both_ways(tmp_path: Path) -> None:
    data = make_zip({"_chat.txt": IOS_MEDIA.encode(),
                     "00000012-PHOTO-2026-03-04.jpg": b"\xff\xd8photo",
                     "00000099-extra.jpg": b"\xff\xd8other"})
    draft, sealed = run(WhatsAppImporter(), write(tmp_path, "WhatsApp Chat - Jan.zip", data))
    assert set(sealed.files) == {"_chat.txt", "00000012-PHOTO-2026-03-04.jpg",
                                 "00000099-extra.jpg"}
    assert len(draft.events[0].attachments) == 1 and draft.events[1].attachments == ()
    assert codes(draft).count("chat.attachment-missing") == 1
    assert codes(draft).count("chat.attachment-unreferenced") == 1
    assert [a.name for a in draft.artifacts][:2] == ["WhatsApp Chat - Jan.zip", "_chat.txt"]
    chat_sha = draft.artifacts[1].sha256
    assert draft.events[0].location is not None
    assert draft.events[0].location.artifact_sha256 == chat_sha


def test_zip_slip_and_zip_bomb_are_refused(tmp_path: Path) -> None:
    bomb = b"\0" * (300 << 20)
    data = make_zip({"_chat.txt": IOS_MEDIA.encode(), "../../evil.jpg": b"x",
                     "/etc/passwd": b"x", "00000012-PHOTO-2026-03-04.jpg": bomb})
    draft, sealed = run(WhatsAppImporter(), write(tmp_path, "chat.zip", data))
    assert "00000012-PHOTO-2026-03-04.jpg" not in sealed.files
    assert "evil.jpg" not in sealed.files and "passwd" not in sealed.files
    unsafe = [dict(p.params)["name"] for p in draft.problems
              if p.code == "chat.zip-unsafe-entry"]
    assert sorted(unsafe) == ["../../evil.jpg", "/etc/passwd"]  # each named, once
    assert "chat.zip-too-big" in codes(draft)
    assert closes(draft)


def test_a_chat_text_that_is_a_zip_bomb_keeps_the_archive_as_a_file(tmp_path: Path) -> None:
    data = make_zip({"_chat.txt": b"0" * (300 << 20), "../\x1b[31mx\n": b"x"})
    assert len(data) < 1 << 20
    draft, sealed = run(WhatsAppImporter(), write(tmp_path, "WhatsApp Chat - Jan.zip", data))
    assert draft.kind is ItemKind.FILE and not draft.events
    assert [a.name for a in draft.artifacts] == ["WhatsApp Chat - Jan.zip"]
    assert sealed.files == {}  # the vault seals the original itself; nothing else was
    bomb = [p for p in draft.problems if p.code == "chat.zip-too-big"]
    assert [(p.severity, dict(p.params)["name"]) for p in bomb] == [(Severity.ERROR,
                                                                     "_chat.txt")]
    unsafe = [dict(p.params)["name"] for p in draft.problems
              if p.code == "chat.zip-unsafe-entry"]
    assert unsafe == ["../\\x1b[31mx\\n"]  # control characters escaped


def test_shown_entry_names_are_short_and_printable() -> None:
    assert shown("a" * 500) == "a" * 200 + "…"
    assert shown("\u202egpj.exe") == "\\u202egpj.exe"  # right-to-left override


line_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(
    lambda s: s.replace("\n", " "))
header = st.sampled_from(["04/03/2026, 22:15 - ", "[3/4/26, 10:15:07\u202fPM] ",
                          "31/02/2026, 22:15 - ", "13.13.13, 99:99 - ", "", "2026-03-04 22:15 - "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(header, line_text), min_size=1, max_size=30), st.booleans())
def test_fuzzed_lines_never_crash_and_always_account(
        tmp_path: Path, lines: list[tuple[str, str]], crlf: bool) -> None:
    ending = "\r\n" if crlf else "\n"
    text = "04/03/2026, 22:15 - Jan: start" + ending + "".join(h + t + ending for h, t in lines)
    draft, _ = run(WhatsAppImporter(), write(tmp_path, "f.txt", text.encode()))
    assert closes(draft)
    assert counts(draft)["read"] == len(lines) + 1
