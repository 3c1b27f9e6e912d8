"""SMS Backup & Restore XML: messages, MMS parts, calls, count, offsets, hostile XML."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.sms.importer import SmsBackupImporter, looks_like_backup
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.sms_samples import (
    BILLION_LAUGHS,
    CALLS_EXPECTED,
    CALLS_FILE,
    EXTERNAL_ENTITY,
    HEADER,
    PIXEL,
    SMS_EXPECTED,
    SMS_FILE,
    T0,
    mms,
    sms,
)
from tests.chat.test_whatsapp import write


def params(draft: object, code: str) -> dict[str, str]:
    problems = draft.problems  # type: ignore[attr-defined]
    return dict(next(p for p in problems if p.code == code).params)


def test_sms_file_expected_values(tmp_path: Path) -> None:
    draft, sealed = run(SmsBackupImporter(), write(tmp_path, "sms-20260305.xml",
                                                   SMS_FILE.encode()))
    c = counts(draft)
    assert (c["read"], c["events"], c["problems"]) == (
        SMS_EXPECTED["read"], SMS_EXPECTED["events"], SMS_EXPECTED["problems"])
    assert closes(draft) and draft.kind.value == "conversation"
    first, sent, _, picture = draft.events
    assert first.text == "Waar is mijn géld\nnu" and first.actor == "phone:+32470123456"
    assert first.instant is not None and first.instant.source.value == "epoch"
    assert first.instant.isoformat() == "2026-03-04T22:15:07.000+01:00"
    assert first.instant.raw == "4 mrt. 2026 22:15:07"
    assert sent.actor is None and dict(sent.details) == {
        "direction": "out", "contact_name": "Jan", "to": "phone:+32470123456"}
    assert picture.text == "foto" and len(picture.attachments) == 1
    assert sealed.files["image0.png"].startswith(b"\x89PNG")
    hints = params(draft, "chat.phone-offset")
    assert (int(hints["agree"]), int(hints["differ"])) == (
        SMS_EXPECTED["agree"], SMS_EXPECTED["differ"])
    assert hints["offsets"] == "+01:00, -06:00"
    assert "chat.count-mismatch" not in codes(draft)
    assert {(i.kind.value, i.value) for i in draft.identifiers} == {
        ("phone", "+32470123456"), ("name", "Jan"), ("phone", "+32471987654")}
    assert params(draft, "chat.unreadable")["where"] == "/smses/*[5]"


def test_calls_file_directions_count_and_hidden_number(tmp_path: Path) -> None:
    draft, _ = run(SmsBackupImporter(), write(tmp_path, "calls-20260305.xml",
                                              CALLS_FILE.encode()))
    assert draft.kind.value == "call-log" and closes(draft)
    assert counts(draft)["events"] == CALLS_EXPECTED["events"]
    assert [dict(e.details)["direction"] for e in draft.events] == CALLS_EXPECTED["directions"]
    assert [e.actor for e in draft.events][:2] == ["phone:+32470123456"] * 2
    assert dict(draft.events[0].details)["duration"] == "75"
    assert dict(draft.events[3].details)["number_hidden"] == "restricted"
    assert params(draft, "chat.count-mismatch") == {"expected": "5", "found": "4"}


def test_entity_expansion_and_external_entities_are_refused(tmp_path: Path) -> None:
    for name, text in (("laughs.xml", BILLION_LAUGHS), ("xxe.xml", EXTERNAL_ENTITY)):
        draft, _ = run(SmsBackupImporter(), write(tmp_path, name, text.encode()))
        assert "chat.xml-refused" in codes(draft)
        assert draft.events == [] and closes(draft)


def test_truncated_xml_keeps_records_before_the_break(tmp_path: Path) -> None:
    data = SMS_FILE.encode()
    cut = data.index(b"<sms", data.index(b"Laat me"))
    draft, _ = run(SmsBackupImporter(), write(tmp_path, "sms.xml", data[:cut + 20]))
    assert "chat.xml-invalid" in codes(draft)
    assert [e.text for e in draft.events] == ["Waar is mijn géld\nnu", "Laat me met rust"]
    assert closes(draft)


def test_detection() -> None:
    assert looks_like_backup(SMS_FILE.encode()) and looks_like_backup(CALLS_FILE.encode())
    assert looks_like_backup(BILLION_LAUGHS.encode())
    assert not looks_like_backup(b"<html><body>count=\"3\"</body></html>")
    assert not looks_like_backup(b'{"smses count="1"}')


body = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "9", "x", ""]), body,
                          st.sampled_from([str(T0), "", "-5", "99999999999999999"])),
                max_size=10), st.integers(min_value=0, max_value=2000))
def test_fuzzed_records_never_crash_and_account(tmp_path: Path,
                                                records: list[tuple[str, str, str]],
                                                cut: int) -> None:
    from xml.sax.saxutils import quoteattr
    lines = "".join(
        sms(T0, 1, "+32470123456", "x", "r").replace('type="1"', f"type={quoteattr(k)}")
        .replace('body="x"', f"body={quoteattr(b)}").replace(f'date="{T0}"', f'date="{d}"')
        for k, b, d in records)
    text = HEADER + f'<smses count="{len(records)}">\n{lines}</smses>\n'
    draft, _ = run(SmsBackupImporter(), write(tmp_path, "f.xml", text.encode()))
    assert closes(draft) and counts(draft)["read"] == len(records)
    if looks_like_backup(text.encode()[:cut]):
        draft, _ = run(SmsBackupImporter(), write(tmp_path, "g.xml", text.encode()[:cut]))
        assert closes(draft)


def _old_mms(date_ms: int, address: str, box: str, m_type: str) -> str:
    """An MMS of the older layout: no <addrs>, the other side in ``address``."""
    box_attr = f'msg_box="{box}" ' if box else ""
    return (f'  <mms date="{date_ms}" {box_attr}m_type="{m_type}" address="{address}" '
            'readable_date="null" contact_name="null">\n    <parts>\n'
            '      <part seq="0" ct="text/plain" cl="text0.txt" text="kijk" />\n'
            f'      <part seq="1" ct="image/jpeg" cl="image0.jpg" data="{PIXEL}" />\n'
            '    </parts>\n  </mms>\n')


def test_an_mms_without_addresses_gets_its_sender_and_says_it_was_an_mms(
        tmp_path: Path) -> None:
    text = (HEADER + '<smses count="5">\n'
            + _old_mms(T0, "+32470123456", "1", "132")  # received, inbox
            + _old_mms(T0 + 1000, "+32470123456", "2", "128")  # sent
            + _old_mms(T0 + 2000, "0470 12 34 56", "", "132")  # no msg_box: m_type says
            + _old_mms(T0 + 3000, "+32470123456~+32471987654", "1", "132")  # group
            + sms(T0 + 4000, 1, "+32470123456", "sms", "null")
            + "</smses>\n")
    draft, _ = run(SmsBackupImporter(), write(tmp_path, "sms.xml", text.encode()))
    assert closes(draft)
    received, sent, by_type, group, plain = draft.events
    assert received.actor == "phone:+32470123456" and by_type.actor == "phone:+32470123456"
    assert dict(received.details)["direction"] == "in"
    assert dict(by_type.details)["direction"] == "in"
    assert sent.actor is None and dict(sent.details)["to"] == "phone:+32470123456"
    for mms_event in (received, sent, by_type, group):
        details = dict(mms_event.details)
        assert (details["channel"], details["media"]) == ("mms", "image")
        assert len(mms_event.attachments) == 1
    assert group.actor is None and params(draft, "chat.mms-sender-unknown")["count"] == "2"
    assert "channel" not in dict(plain.details)


def test_an_mms_part_the_backup_does_not_hold_is_said(tmp_path: Path) -> None:
    """#24 "none left": a picture named by an MMS but not in the backup (media not
    backed up) was skipped in silence; now the message says it carried an image and a
    finding says it is not in the export."""
    text = (HEADER + '<smses count="1">\n'
            + mms(T0, 1, "+32470123456", "kijk", "4 mrt. 2026 22:15:07", data="null")
            + "</smses>\n")
    draft, sealed = run(SmsBackupImporter(), write(tmp_path, "sms.xml", text.encode()))
    [event] = draft.events
    assert dict(event.details)["media"] == "image" and event.attachments == ()
    assert params(draft, "chat.attachment-missing")["where"]
    assert "image0.png" not in sealed.files
