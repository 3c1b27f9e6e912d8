"""Pasted headers: blank lines, Gmail's "Show original" page and lost folding are read."""

from __future__ import annotations

from spoorvast.analysis.email.analyse import EmailAnalysis, Options, analyse
from tests.email.trust_shapes import GMAIL

ZONE = "Europe/Brussels"
HEADERS = GMAIL.split("\r\n\r\n")[0] + "\r\n"

GMAIL_PAGE = (
    "Original Message\n"
    "Message ID\t<genuine-1@example.org>\n"
    "Created at:\tTue, Mar 3, 2026 at 10:15 PM (Delivered after 7 seconds)\n"
    "From:\tSomeone Else <someone@example.com>\n"
    "To:\tvictim@gmail.com\n"
    "Subject:\tSynthetic genuine message\n"
    "SPF:\tPASS with IP 192.0.2.10 Learn more\n"
    "DKIM:\t'PASS' with domain example.org Learn more\n"
    "DMARC:\t'PASS' Learn more\n"
    "Download original\tCopy to clipboard\t\n"
)


def pasted(text: str) -> EmailAnalysis:
    return analyse(text.encode(), "0" * 64, Options(ZONE, verify_signatures=False,
                                                    pasted=True))


def test_a_leading_blank_line_is_skipped() -> None:
    result = pasted("\r\n\r\n" + HEADERS)
    assert result.sending_ip == "192.0.2.10"
    assert result.from_[0].mailbox == "pat.suspect@example.org"
    assert result.date is not None and result.date.instant is not None


def test_gmail_show_original_page_chrome_is_skipped() -> None:
    result = pasted(GMAIL_PAGE + HEADERS.replace("\r\n", "\n"))
    assert [a.mailbox for a in result.from_] == ["pat.suspect@example.org"]
    assert result.sending_ip == "192.0.2.10"
    assert result.alignment.result == "pass"
    skipped = [p for p in result.problems if p.code == "email.pasted-chrome"]
    assert len(skipped) == 10 and skipped[0].location.line == 1
    assert skipped[-1].location.byte_end == len(GMAIL_PAGE)


def test_lost_folding_indentation_is_restored() -> None:
    flat = "\n".join(line.lstrip() for line in HEADERS.replace("\r\n", "\n").split("\n"))
    result = pasted(flat)
    handover = [h for h in result.hops if h.side == "hand-over"]
    assert handover and handover[0].hop.by == "mx.google.com"
    assert handover[0].hop.date is not None and handover[0].hop.date.instant is not None
    assert result.alignment.reason == "provider-dmarc-pass"
    assert any(p.code == "email.folding-restored" for p in result.problems)


def test_an_eml_is_not_read_leniently() -> None:
    data = ("\r\n" + HEADERS).encode()
    result = analyse(data, "0" * 64, Options(ZONE, verify_signatures=False))
    assert result.from_ == ()
