"""Hostile sizes in chat files are read in bounded time and memory (issue 22, W9): one
200 MB XML attribute (expat 2.5 re-parses an unfinished token at each read: > 600 s),
one 200 MB WhatsApp line (3.0 GB), one 200 MB CSV field (1.5 GB). Each is cut or refused
with a finding that names the place; what comes before it is read.

The caps are checked small and fast here; the 200 MB inputs run in a fresh interpreter
(for its peak RSS) and are marked slow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spoorvast.importers.chat.calls import importer as calllog_csv
from spoorvast.importers.chat.calls.importer import CallLogCsvImporter
from spoorvast.importers.chat.shared import textfile
from spoorvast.importers.chat.sms import importer as smsxml
from spoorvast.importers.chat.sms.importer import SmsBackupImporter
from spoorvast.importers.chat.whatsapp.importer import WhatsAppImporter
from tests.chat.helpers import codes, run

BIG = 200 << 20


def sms(body: bytes, date: str) -> bytes:
    return (b'  <sms protocol="0" address="+32470123456" date="' + date.encode()
            + b'" type="1" body="' + body + b'" />\n')


def sms_xml(path: Path, big: int) -> Path:
    with path.open("wb") as out:
        out.write(b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
                  b'<smses count="3">\n' + sms(b"eerste", "1772658907000"))
        out.write(b'  <sms protocol="0" address="+32470123456" date="1772658908000" '
                  b'type="1" body="')
        _fill(out, big, b"A")
        out.write(b'" />\n' + sms(b"derde", "1772658909000") + b"</smses>\n")
    return path


def chat_txt(path: Path, big: int, letter: bytes = "é".encode()) -> Path:
    with path.open("wb") as out:
        out.write(b"[04/03/2026, 22:15:07] Jan: eerste\n[04/03/2026, 22:16:07] Jan: ")
        _fill(out, big, letter)
        out.write(b"\n[04/03/2026, 22:17:07] Piet: derde\n")
    return path


def calls_csv(path: Path, big: int) -> Path:
    with path.open("wb") as out:
        out.write(b"number,datetime,direction,duration_seconds,name\n"
                  b"+32 470 12 34 56,2026-03-04 22:15:07+01:00,in,75,Jan\n"
                  b'+32 470 12 34 57,2026-03-04 22:16:07+01:00,in,75,"')
        _fill(out, big, b"x")
        out.write(b'"\n+32 470 12 34 58,2026-03-04 22:17:07+01:00,out,5,Piet\n')
    return path


def _fill(out: object, size: int, unit: bytes) -> None:
    block = unit * ((1 << 20) // len(unit))
    for _ in range(size // len(block)):
        out.write(block)  # type: ignore[attr-defined]


def test_a_long_line_is_cut_at_a_character_and_the_lines_after_are_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textfile, "MAX_LINE", 1001)  # "é" is 2 bytes: a cut inside one
    monkeypatch.setattr(textfile, "BLOCK", 256)
    draft, _ = run(WhatsAppImporter(), chat_txt(tmp_path / "chat.txt", 1 << 20))
    texts = [e.text for e in draft.events]
    assert texts[0] == "eerste" and texts[2] == "derde" and len(texts) == 3
    assert set(texts[1]) == {"é"}  # the cut fell inside a character: it is left out
    assert len(b"[04/03/2026, 22:16:07] Jan: " + texts[1].encode()) == 1000
    cut = next(p for p in draft.problems if p.code == "chat.line-cut")
    assert cut.location is not None and cut.location.line == 2
    assert "chat.encoding" not in codes(draft)


def test_a_long_xml_token_stops_the_reading_with_its_offset(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smsxml, "MAX_TOKEN", 1 << 20)
    monkeypatch.setattr(smsxml, "FIRST_READ", 1024)
    draft, _ = run(SmsBackupImporter(), sms_xml(tmp_path / "sms.xml", 4 << 20))
    assert [e.text for e in draft.events] == ["eerste"]
    refused = next(p for p in draft.problems if p.code == "chat.xml-token-too-long")
    assert refused.location is not None and refused.location.byte_start is not None


def test_a_big_but_allowed_xml_token_is_read(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smsxml, "FIRST_READ", 1024)
    draft, _ = run(SmsBackupImporter(), sms_xml(tmp_path / "sms.xml", 4 << 20))
    assert len(draft.events) == 3 and len(draft.events[1].text or "") == 4 << 20
    assert "chat.xml-token-too-long" not in codes(draft)


def test_a_long_csv_row_stops_the_reading_at_its_line(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calllog_csv, "MAX_ROW", 4096)
    draft, _ = run(CallLogCsvImporter(), calls_csv(tmp_path / "calls.csv", 1 << 20))
    assert len(draft.events) == 1
    refused = next(p for p in draft.problems if p.code == "chat.csv-row-too-long")
    assert refused.location is not None and refused.location.line == 3


_MEASURE = """
import sys, time
from pathlib import Path
from spoorvast.model.message_run import count_of
from tests.chat.helpers import run
from spoorvast.importers.chat.{module} import {cls}
started = time.monotonic()
draft, _ = run({cls}(), Path(sys.argv[1]))
elapsed = time.monotonic() - started
status = open("/proc/self/status").read()
peak = [line for line in status.splitlines() if line.startswith("VmHWM:")][0]
print(len(draft.events), int(peak.split()[1]) // 1024, round(elapsed, 1),
      ",".join(p.code for p in draft.problems))
"""


def measure(path: Path, module: str, cls: str) -> tuple[int, int, float, list[str]]:
    """(events, peak RSS in MB, seconds, finding codes) of a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _MEASURE.format(module=module, cls=cls),
                          str(path)], check=True, capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).parents[2]).stdout.split()
    return int(out[0]), int(out[1]), float(out[2]), out[3].split(",") if len(out) > 3 else []


@pytest.mark.slow
@pytest.mark.parametrize(("make", "module", "cls", "events", "code"), [
    (sms_xml, "sms.importer", "SmsBackupImporter", 1, "chat.xml-token-too-long"),
    (chat_txt, "whatsapp.importer", "WhatsAppImporter", 3, "chat.line-cut"),
    (calls_csv, "calls.importer", "CallLogCsvImporter", 1, "chat.csv-row-too-long"),
], ids=["sms-xml-attribute", "whatsapp-line", "csv-field"])
def test_200_mb_token_bounded_in_time_and_memory(tmp_path: Path, make: object, module: str,
                                                 cls: str, events: int, code: str) -> None:
    path = make(tmp_path / "big", BIG)  # type: ignore[operator]
    found, peak, seconds, found_codes = measure(path, module, cls)
    assert found == events and code in found_codes
    assert peak < 500, f"{peak} MB"
    assert seconds < 60, f"{seconds} s"
