"""Evidence shown as people read it: an e-mail's page gives subject, from, to, date,
the body as text (an HTML body as its text, never as markup), the attachments, the
header verdict and the hops; the body is found by search; times, senders, custody
actions and OCR states are words, not codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from spoorvast.analysis.email.body import html_to_text
from spoorvast.i18n import in_language
from spoorvast.model import instant
from spoorvast.model.instant import OffsetSource, Precision
from spoorvast.web import words
from spoorvast.web.render import browser_language
from tests.web.conftest import Browserish
from tests.web.helpers import upload, wait_job

THREAT = "ik weet waar je woont"
PLAIN = (b"Received: from mail.example.org (mail.example.org [192.0.2.10])\r\n"
         b"\tby mx.example.net with ESMTPS id 4Abc; Tue, 3 Mar 2026 22:15:07 +0100\r\n"
         b"From: Pat Suspect <pat.suspect@example.org>\r\nTo: Vic Tim <vic.tim@example.net>\r\n"
         b"Subject: Dinsdag\r\nDate: Tue, 3 Mar 2026 22:15:00 +0100\r\n"
         b"Message-ID: <m1@example.org>\r\n"
         b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
         b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
         b"Hallo.\r\nIk weet waar je woont. Tot morgen.\r\n"
         b"--b1\r\nContent-Type: image/png\r\n"
         b"Content-Disposition: attachment; filename=\"foto.png\"\r\n"
         b"Content-Transfer-Encoding: base64\r\n\r\n"
         b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
         b"rkJggg==\r\n"
         b"--b1--\r\n")
HTML_ONLY = (b"From: pat.suspect@example.org\r\nTo: vic.tim@example.net\r\nSubject: Kijk\r\n"
             b"Date: Wed, 4 Mar 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: text/html; charset=utf-8\r\n\r\n"
             b"<html><head><style>p{color:red}</style></head><body><p>Ik ben <b>vlakbij</b>"
             b"</p><script>alert('x')</script><img src=x onerror=alert(1)></body></html>\r\n")


def test_html_body_is_text_without_markup_or_script() -> None:
    text = html_to_text("<p>Ik ben <b>vlakbij</b> &amp; jij</p><script>alert(1)</script>"
                        "<style>p{}</style><div>tweede</div>")
    assert text == "Ik ben vlakbij & jij\n\ntweede" or text == "Ik ben vlakbij & jij\ntweede"
    assert "alert" not in text and "<" not in text


@pytest.mark.parametrize(("header", "expected"), [
    ("nl-BE,nl;q=0.9,en;q=0.8", "nl"), ("fr-BE,fr;q=0.9", "fr"), ("de-BE", "de"),
    ("en-US,en;q=0.5", "en"), ("es-ES,fr;q=0.3,nl;q=0.7", "nl"), ("es", None), ("", None)])
def test_the_browsers_language(header: str, expected: str | None) -> None:
    assert browser_language(header) == expected


def test_times_and_people_in_words() -> None:
    moment = instant.from_aware(datetime(2026, 3, 12, 20, 6, tzinfo=UTC),
                                OffsetSource.EXPLICIT, Precision.MINUTE)
    moment = instant.Instant(moment.utc, 3600, moment.source, moment.precision)
    with in_language("nl"):
        assert words.when(moment) == "12 maart 2026, 21:06 (UTC+1)"
        assert words.word(words.CUSTODY_ACTIONS, "item.added") == "toegevoegd en verzegeld"
    with in_language("fr"):
        assert words.when(moment) == "12 mars 2026, 21:06 (UTC+1)"
    assert words.person("name:whatsapp:Kevin V") == "Kevin V"
    assert words.person("phone:+32470123456") == "+32470123456"
    assert words.person("account:telegram:user42") == "user42"


def test_an_emails_page_and_its_body_in_search(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    job = upload(client, case_id, {"dinsdag.eml": PLAIN, "kijk.eml": HTML_ONLY})
    assert job["state"] == "done", job
    client.post("/language", {"lang": "nl", "back": "/"})
    page = client.http.get(f"/c/{case_id}/items/E-0001").text
    email = page[page.index('id="email"'):page.index("</section>", page.index('id="email"'))]
    assert "Dinsdag" in email and "Pat Suspect &lt;pat.suspect@example.org&gt;" in email
    assert "Vic Tim &lt;vic.tim@example.net&gt;" in email
    assert "3 maart 2026, 22:15:00 (UTC+1)" in email
    assert "Ik weet waar je woont. Tot morgen." in email
    assert "foto.png" in email  # the attachment, listed
    assert 'id="email-hops"' in email and "192.0.2.10" in email
    assert 'id="email-verdict"' in email and "Verzonden vanaf de server 192.0.2.10" in email
    assert '<details id="email-header">' in email and "Message-ID: &lt;m1@example.org&gt;" in email
    assert "item.added" not in page and "artifact.sealed" not in page
    assert "toegevoegd en verzegeld" in page
    assert not re.search(r"<details[^>]*open[^>]*><summary>Analyse", page)  # JSON folded
    html_page = client.http.get(f"/c/{case_id}/items/E-0002").text
    assert "Ik ben vlakbij" in html_page
    assert "<script>alert" not in html_page and "<b>vlakbij" not in html_page
    found = client.http.get(f"/c/{case_id}/search", params={"q": THREAT}).text
    assert 'id="search-total">1 resultaat' in found, found[found.find("search-total"):][:200]
    assert "Ik weet waar je woont" in found
    assert "vlakbij" in client.http.get(f"/c/{case_id}/search", params={"q": "vlakbij"}).text


@pytest.mark.slow
def test_a_message_read_without_a_day_gets_the_day_asked_for(client: Browserish) -> None:
    """A screenshot showing only times: the page asks for the day (proposing the
    picture's), and the confirmed message has its date on the timeline."""
    from tests.ocr.render import png
    from tests.web.realistic import SCREENSHOT

    client.unlock()
    case_id = client.new_case()
    assert upload(client, case_id, {"chat.png": png(SCREENSHOT)})["state"] == "done"
    started = client.post(f"/c/{case_id}/read-text")
    wait_job(client, started.headers["location"].split("job=")[1], timeout=120)
    client.post("/language", {"lang": "nl", "back": "/"})
    page = client.http.get(f"/c/{case_id}/items/E-0001").text
    assert 'type="date"' in page and 'value="2023-11-14"' in page  # the file's day
    ref = re.search(r'data-ref="(E-0001:p\d+)"', page)
    assert ref
    done = client.post(f"/c/{case_id}/proposals", {"ref": ref.group(1), "decision": "confirm",
                                                   "day": "2026-03-12", "back": "E-0001"})
    assert done.status_code == 303
    timeline = client.http.get(f"/c/{case_id}/timeline").text
    assert "12 maart 2026, 21:03 (UTC+1)" in timeline
    assert "geen datum" not in timeline
