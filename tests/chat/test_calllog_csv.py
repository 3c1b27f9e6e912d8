"""The documented call-log CSV (docs/call-log-csv.md)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.calls.importer import CallLogCsvImporter, header_of
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.test_whatsapp import write

EXAMPLE = ("number,datetime,direction,duration_seconds,name\n"
           "+32 470 12 34 56,2026-03-04 22:15:07+01:00,in,75,Jan\n"
           "0470 12 34 56,2026-03-04 23:00,missed,,Jan\n"
           "private,2026-03-05 01:15,rejected,0,\n")


def test_documented_example(tmp_path: Path) -> None:
    draft, _ = run(CallLogCsvImporter(), write(tmp_path, "oproepen.csv", EXAMPLE.encode()))
    assert draft.kind.value == "call-log" and closes(draft)
    assert counts(draft)["events"] == 3
    first, second, third = draft.events
    assert first.actor == second.actor == "phone:+32470123456"
    assert first.instant is not None and first.instant.source.value == "explicit"
    assert second.instant is not None and second.instant.source.value == "assumed-zone"
    assert second.instant.isoformat() == "2026-03-04T23:00+01:00"
    assert dict(first.details) == {"direction": "in", "duration": "75", "contact_name": "Jan"}
    assert third.actor is None and dict(third.details)["number_hidden"] == "1"
    assert second.location.line == 3  # type: ignore[union-attr]
    assert {(i.kind.value, i.value) for i in draft.identifiers} == {
        ("phone", "+32470123456"), ("name", "Jan")}
    assert "chat.zone-assumed" in codes(draft)


def test_semicolons_bom_crlf_dutch_words_and_bad_rows(tmp_path: Path) -> None:
    text = ("\ufeffName;Number;Datetime;Direction;Duration_seconds\r\n"
            "Jan;0470123456;04/03/2026 22:15;inkomend;12\r\n"
            "Jan;0470123456;29/03/2026 02:30;gemist;\r\n"
            "\r\n"
            "Jan;hello;04/03/2026 22:15;in;1\r\n"
            "Jan;0470123456;gisteren;in;1\r\n"
            "Jan;0470123456;04/03/2026 22:15;sideways;1\r\n"
            "Jan;0470123456;04/03/2026 22:15;in;lang\r\n")
    draft, _ = run(CallLogCsvImporter(), write(tmp_path, "c.csv", text.encode()))
    c = counts(draft)
    assert (c["read"], c["events"], c["problems"]) == (6, 2, 4) and closes(draft)
    assert [dict(e.details)["direction"] for e in draft.events] == ["in", "missed"]
    assert "chat.dst-gap" in codes(draft)
    lines = [p.location.line for p in draft.problems  # type: ignore[union-attr]
             if p.code == "chat.unreadable"]
    assert lines == [5, 6, 7, 8]


def test_detection() -> None:
    assert header_of(EXAMPLE.encode()) == (",", ["number", "datetime", "direction",
                                                 "duration_seconds", "name"])
    assert header_of(b"number;datetime;direction\n") is not None
    assert header_of(b"ID,Timestamp,Contents,Attachments\n") is None


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(max_size=20), max_size=7), max_size=10))
def test_fuzzed_rows_never_crash_and_account(tmp_path: Path, rows: list[list[str]]) -> None:
    import csv
    import io
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["number", "datetime", "direction", "duration_seconds", "name"])
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    draft, _ = run(CallLogCsvImporter(), write(tmp_path, "f.csv", data))
    assert closes(draft)


def test_a_quote_never_closed_is_said_not_merged_in_silence(tmp_path: Path) -> None:
    """#24 "none left": a stray quote made the csv module read every following line
    into one field, and those calls were gone without a word."""
    text = ("number,datetime,direction,duration_seconds,name\n"
            '+32470123456,2026-03-04 22:15,in,75,"Jan\n'
            "+32470123456,2026-03-04 23:00,missed,,Jan\n"
            "+32470123456,2026-03-05 01:15,in,3,Jan\n")
    draft, _ = run(CallLogCsvImporter(), write(tmp_path, "oproepen.csv", text.encode()))
    spans = [p for p in draft.problems if p.code == "chat.csv-record-spans-lines"]
    assert [dict(p.params) for p in spans] == [{"where": "line 2", "lines": "3"}]
    assert spans[0].location is not None and spans[0].location.line == 2
