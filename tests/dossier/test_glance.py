"""Page 1 (the case at a glance) and the honest counts: what the suspect sent, through
confirmed identifiers only, without system lines or the victim's own messages."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from spoorvast.dossier.glance import amount_totals
from spoorvast.dossier.labels import short_hash
from spoorvast.dossier.model import NoteView
from spoorvast.dossier.when import instant_text, local_text
from spoorvast.model import instant
from spoorvast.services.patterns import category
from tests.dossier.builder import (
    EMAIL_BODY,
    OCR_MESSAGE,
    PV,
    SUSPECT_PHONE,
    UNLINKED_PHONE,
    VICTIM_PHONE,
)
from tests.dossier.conftest import Made
from tests.dossier.test_pdf import flat, text_of


def page_one(made: Made) -> str:
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1",
                          str(made.folder / "DOSSIER.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    return flat(raw.replace("\u200b", ""))


@pytest.mark.slow
def test_page_one_tells_the_case(rendered: Callable[..., Made]) -> None:
    text = page_one(rendered("nl"))
    assert "De zaak in één oogopslag" in text and "Anna Synthetic" in text
    assert f"Xavier Synthetic: telefoonnummer {SUSPECT_PHONE}" in text
    # the period of the incidents, written as Dutch writes it, with the offset
    assert "1 maart 2026, 20:10 (UTC+01:00) – " in text
    # of the 12 chat messages the suspect's number sent 4 (the others: the victim, a
    # third person); 3 events are marked
    assert "E-0006 (gesprek “WhatsApp chat with X”): 4 berichten" in text
    # one call came in from the suspect's number; the one the victim made is not counted
    assert "E-0010 (oproeplijst “calls.csv”): 1 oproep" in text
    # the e-mail event names no actor; its From is a confirmed address of the suspect
    assert "E-0008 (e-mail “Re: synthetic”): 1 e-mail" in text
    assert "150,00" in text and "€" in text and PV in text
    assert "stuurde de verdachte 1 oproep, 1 e-mail, 4 berichten, op 6 verschillende dagen" in text
    # 3 marked events, of which the suspect sent 1 (the victim's own message and a third
    # person's are marked too): page 1 calls them events, not incidents of the suspect
    assert "Gemarkeerde gebeurtenissen in het bewijs" in text
    assert "3 (door een verdachte gestuurd: 1)" in text
    assert ("3 gebeurtenissen zijn gemarkeerd in het bewijs en staan in de tijdlijn. Daarvan "
            "is er 1 door een verdachte gestuurd (herkend aan een bevestigd kenmerk).") in text
    assert "incident" not in text
    # the checklist's "unique ID" row shows the ID, not the handle alone (also in the
    # suspect's row above)
    assert text.count("x_synth (Instagram: 1790001)") >= 3
    # then the checklist with where each element is proven, and how to get what is missing
    assert "Waar het bewezen wordt" in text and "Hoe het nog verkregen kan worden" in text
    assert "spoorvast " not in text.replace("spoorvast 0.1.0", "")


@pytest.mark.slow  # waits out an auto-lock or builds a PDF: seconds, not ms
def test_contact_patterns_count_the_suspect_only_and_say_so(
        rendered: Callable[..., Made]) -> None:
    text = flat(text_of(rendered("nl").folder / "DOSSIER.pdf"))
    assert "Hier geteld: alleen de berichten, oproepen en e-mails die de verdachte" in text
    assert "6 contacten van de verdachte tussen" in text
    assert "12 contacten" not in text


def test_system_lines_and_notes_are_no_contact() -> None:
    assert category("system") is None and category("requested-action") is None
    assert category("message") == "message" and category("call") == "call"
    assert category("voice") == "message"


def _action(amount: str | None, currency: str | None) -> NoteView:
    return NoteView("requested-action", "x", "paid", None, None, None, None, amount,
                    currency, None, None)


def test_amounts_are_summed_per_currency_and_unreadable_ones_kept() -> None:
    notes = [_action("150", "EUR"), _action("20,50", "eur"), _action("10", "USD"),
             _action("about fifty", "EUR"), _action(None, None)]
    assert amount_totals(notes, "nl") == ["€\u00a0170,50", "US$\u00a010,00", "about fifty EUR"]
    assert amount_totals(notes, "fr")[0] == "170,50\u00a0€"


def test_amounts_of_other_notes_are_not_summed() -> None:
    other = NoteView("impact", "x", "t", None, None, None, None, "99", "EUR", None, None)
    assert amount_totals([other], "nl") == []


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", "12 maart 2026, 21:06 (UTC+01:00)"), ("fr", "12 mars 2026, 21:06 (UTC+01:00)"),
    ("de", "12. März 2026, 21:06 (UTC+01:00)"), ("en", "March 12, 2026, 21:06 (UTC+01:00)")])
def test_times_are_written_as_the_language_writes_them(language: str, expected: str) -> None:
    moment = instant.from_user_text("2026-03-12 21:06", "Europe/Brussels")
    assert instant_text(moment, language) == expected


def test_times_keep_their_own_offset_and_seconds() -> None:
    utc = datetime(2026, 7, 1, 4, 5, 6, tzinfo=UTC)
    assert local_text(utc, "nl", seconds=True) == "1 juli 2026, 04:05:06 (UTC+00:00)"
    assert instant_text(None, "nl") == "—"


def test_hashes_in_tables_are_shortened() -> None:
    assert short_hash("ab" * 32) == "abababababab…"


def test_an_actor_named_like_the_party_is_not_named_twice() -> None:
    from spoorvast.dossier.redact import Redactor, key_of
    from spoorvast.model.records import Identifier, IdentifierKind, Party, PartyRole

    party = Party(1, 1, PartyRole.SUSPECT, "Kevin V")
    named_only = Identifier(1, 1, IdentifierKind.NAME, "Kevin V", party_id=1)
    phone = Identifier(2, 1, IdentifierKind.PHONE, "+32470000001", party_id=1)
    redactor = Redactor(False, {1: party}, [named_only, phone])
    assert redactor.actor(key_of(named_only), None) == ("Kevin V", PartyRole.SUSPECT)
    assert redactor.actor(None, 2)[0] == "Kevin V (+32470000001)"


def test_the_call_list_has_time_number_direction_duration_and_the_called_number(
        rendered: Callable[..., Made]) -> None:
    text = flat(text_of(rendered("nl").folder / "DOSSIER.pdf"))
    assert ("9 maart 2026, 22:05 (UTC+01:00) Xavier Synthetic (+32470123456) (verdachte) "
            "inkomend 2:05 E-0010:m1") in text
    assert "uitgaand — E-0010:m2" in text
    assert (f"10 maart 2026, 03:12 (UTC+01:00) verborgen nummer; gebeld nummer van het "
            f"slachtoffer: {VICTIM_PHONE} gemist") in text


def test_an_email_is_shown_in_full_and_attributed(rendered: Callable[..., Made]) -> None:
    text = flat(text_of(rendered("nl").folder / "DOSSIER.pdf"))
    assert ("De e-mail Afzender (Van) X Synthetic <x@example.invalid> Verstuurd door "
            "Xavier Synthetic (verdachte; bevestigd e-mailadres) Naar anna@example.invalid "
            "Cc Third Synthetic <third@example.invalid> Datum 6 maart 2026, 21:30 "
            "(UTC+01:00) Onderwerp synthetic Bijlagen threat.pdf "
            f"(18 B) {EMAIL_BODY}") in text
    assert "verdict line (nl)" in text  # the header verdict in words
    assert ("Route van de e-mail, oudste tussenstation eerst 1. van laptop (192.0.2.7) · "
            "ontvangen door smtp.example.invalid 2. ontvangen door mx.example.invalid · "
            "Fri, 06 Mar 2026 21:30:05 +0100 · 3 s na het vorige tussenstation") in text


def test_messages_read_from_a_screenshot_keep_their_time_and_region(
        rendered: Callable[..., Made]) -> None:
    text = flat(text_of(rendered("nl").folder / "DOSSIER.pdf"))
    assert "Berichten gelezen uit de afbeelding (OCR) Gelezen door een machine" in text
    assert ("ontvangen (links) · tijd op de schermafbeelding: Vandaag 21:05 · gebied x 12, "
            f"y 340, 220 × 48 px: {OCR_MESSAGE}") in text
    assert "verstuurd (rechts) · geen tijd op de schermafbeelding" in text


def test_an_ocr_reading_without_messages_shows_its_text_and_odd_ones_nothing() -> None:
    from spoorvast.dossier.ocr_text import ocr_section

    section = ocr_section({"engine": "t", "text": "plain words"})
    assert section is not None and section.lines[-1] == "plain words"
    assert ocr_section({"text": ""}) is None and ocr_section(["not", "a", "dict"]) is None
    odd = ocr_section({"messages": [{"side": 3, "region": "x", "time": 5}, "junk"]})
    assert odd is not None and len(odd.lines) == 2  # the intro and one message


def test_a_confirmed_identifier_of_nobody_is_still_listed(
        rendered: Callable[..., Made]) -> None:
    text = flat(text_of(rendered("nl").folder / "DOSSIER.pdf"))
    assert ("Bevestigde kenmerken die aan niemand gekoppeld zijn (van wie is niet bekend)"
            in text)
    after = text.split("aan niemand gekoppeld zijn", 1)[1]
    assert f"telefoonnummer {UNLINKED_PHONE}" in after and "bevestigd E-0006" in after


def test_an_email_body_is_read_from_html_and_hostile_mime_stays_bounded() -> None:
    import email
    import time
    from email import policy

    from spoorvast.dossier.emails import body_text, hop_section

    html = email.message_from_bytes(
        b"Content-Type: text/html\r\n\r\n<p>Hello <b>there</b></p><script>x</script>",
        policy=policy.default)
    assert body_text(html) == "Hello there x"
    parts = b"".join(b"--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % n
                     for n in range(2000))
    many = (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + parts + b"--b--\r\n")
    started = time.monotonic()
    assert body_text(email.message_from_bytes(many, policy=policy.default)) == "part 0"
    assert time.monotonic() - started < 20
    assert hop_section({"analysis": {"hops": ["junk", {"number": "x", "hop": 3}]}}) is None


@pytest.mark.slow
def test_redaction_leaves_other_recipients_out_of_an_email(
        rendered: Callable[..., Made]) -> None:
    text = flat(text_of(rendered("en", "--redact-third-parties").folder / "DOSSIER.pdf"))
    assert "third@example.invalid" not in text and "Third Synthetic" not in text
    assert "To anna@example.invalid Cc 1 other recipient (third party)" in text


def test_redaction_hides_a_third_party_sender() -> None:
    from spoorvast.dossier.emails import email_view

    analysis = {"analysis": {"from_": [{"mailbox": "other@example.invalid",
                                        "display": "Other Person"}], "subject": "s"}}
    view = email_view(None, (), analysis, None, "en", {},  # type: ignore[arg-type]
                      shown={"anna@example.invalid"})
    rows = dict(view.section.rows)
    assert "other@example.invalid" not in str(rows) and rows["Sender (From)"] == "a third party"
