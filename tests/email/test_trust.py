"""The trust model: forged headers never make "authenticated"; genuine shapes are not
called forged. Every message here is synthetic (RFC 5737 / 2606 names and addresses).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.analysis.email.analyse import EmailAnalysis, Options, analyse
from spoorvast.analysis.email.verdict import verdict
from tests.email import trust_shapes as shapes
from tests.email.trust_shapes import FORGED, GENUINE, microsoft

ZONE = "Europe/Brussels"


def check(data: bytes) -> EmailAnalysis:
    return analyse(data, "0" * 64, Options(ZONE))


def said(result: EmailAnalysis) -> str:
    return "\n".join(verdict(result, "en", ZONE))


@pytest.mark.parametrize("name", sorted(FORGED))
def test_forged_headers_never_make_authenticated(name: str) -> None:
    result = check(FORGED[name])
    assert result.alignment.result != "pass", name
    assert "Authenticated: yes" not in said(result)
    assert not any(h.trusted and h.authserv_id == "mx.example.net" and h.position > 2
                   for h in result.auth_results)


def test_the_provider_checked_envelope_not_the_inserted_return_path() -> None:
    result = check(FORGED["inserted Return-Path, provider checked the attacker's envelope"])
    assert result.alignment.spf_domain == "attacker.example"
    assert (result.alignment.result, result.alignment.reason) == ("fail",
                                                                  "provider-dmarc-fail")
    text = said(result)
    assert "DMARC check for bank.example failed" in text


def test_helo_in_the_recipients_domain_does_not_move_the_hand_over() -> None:
    result = check(FORGED["HELO in the recipient's domain, fake stack below"])
    assert result.sending_ip == "203.0.113.66"
    assert [h.side for h in result.hops][-2:] == ["hand-over", "recipient"]


def test_microsoft_named_helo_is_caught_by_the_providers_own_sender_ip() -> None:
    result = check(FORGED["Microsoft-named HELO, genuine Exchange AR above says fail"])
    assert result.sending_ip == "203.0.113.66"
    assert result.handover_check == "confirmed"
    assert result.alignment.reason == "provider-dmarc-fail"


def test_fake_auth_results_below_are_named_with_their_lines() -> None:
    result = check(FORGED["fake AR below the recipient's Received"])
    found = {i.code: dict(i.params) for i in result.indicators}
    assert found["auth-results-below-handover"] == {"ids": "mx.example.net", "lines": "6"}
    assert "header lines 6" in said(result)


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_genuine_shapes_are_not_called_forged(name: str) -> None:
    result = check(GENUINE[name])
    assert result.alignment.result == "pass", (name, result.alignment)
    assert result.sending_ip == "192.0.2.10"
    assert result.handover_check in ("confirmed", "moved", "none")
    text = said(result)
    assert "forged" not in text.split("Points to look at:")[0].replace(
        "They can be forged and are shown as claimed", ""), text


def test_gmail_results_below_its_received_line_are_not_called_forgeable() -> None:
    result = check(GENUINE["Gmail (ARC results above, A-R below its Received line)"])
    codes = {i.code for i in result.indicators}
    assert not codes & {"untrusted-auth-results", "auth-results-below-handover"}
    assert result.handover_check == "confirmed"
    assert result.alignment.reason == "provider-dmarc-pass"


def test_icloud_internal_hop_is_not_the_sender() -> None:
    result = check(GENUINE["iCloud with an internal hop"])
    assert result.handover_check == "moved"
    assert [h.side for h in result.hops] == ["hand-over", "recipient"]
    assert "17.172.84.240" not in said(result)


def test_microsoft_365_results_with_a_trailing_semicolon_are_read() -> None:
    result = check(GENUINE["Microsoft 365 (no authserv-id, trailing ;)"])
    trusted = [h for h in result.auth_results if h.trusted]
    assert [h.authserv_id for h in trusted] == [None]
    assert {r.method for r in trusted[0].results} >= {"spf", "dkim", "dmarc", "compauth"}
    failed = check(microsoft("fail", "fail"))
    assert (failed.alignment.result, failed.alignment.reason) == ("fail",
                                                                  "provider-dmarc-fail")


def test_bounce_is_aligned_through_the_helo_identity() -> None:
    result = check(GENUINE["bounce with an empty Return-Path (SPF on HELO)"])
    assert result.alignment.spf_identity == "helo"
    assert result.alignment.spf_domain == "mail.example.org"
    assert "server name (HELO)" in said(result)


def test_route_time_and_verdict_sentences_name_their_header_lines() -> None:
    result = check(GENUINE["Gmail (ARC results above, A-R below its Received line)"])
    text = verdict(result, "en", ZONE)
    named = [line for line in text if "(header lines " in line]
    assert [line.split(" ")[0] for line in named] == ["Sent", "Date", "Received",
                                                      "Authenticated:"]
    assert named[0].endswith("(header lines 8, 13)")  # ARC results, hand-over line
    for lang in ("nl", "fr", "de"):
        assert sum("(" in line for line in verdict(result, lang, ZONE)) >= 4


FORGED_BLOCKS = [shapes.FAKE_AR, shapes.FAKE_AR_NO_ID, shapes.FAKE_ARC, shapes.FAKE_SPF,
                 shapes.FAKE_HOP, shapes.FAKE_INTERNAL_HOP, shapes.FAKE_AR.replace(
                     "\r\n", ";\r\n"), "Return-Path: <support@bank.example>\r\n",
                 shapes.FAKE_SPF.replace("198.51.100.7", "203.0.113.66"),
                 shapes.FAKE_HOP.replace("mail.bank.example", "mx3.example.net")]
GENUINE_TOPS = ["", shapes.GENUINE_AR, shapes.GENUINE_AR.replace("dmarc=fail", "dmarc=none")
                .replace("spf=pass", "spf=softfail")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FORGED_BLOCKS), min_size=1, max_size=8),
       st.sampled_from(GENUINE_TOPS),
       st.sampled_from([shapes.REAL_HANDOVER, shapes.HELO_SPOOF, shapes.MS_SPOOF]))
def test_no_arrangement_of_forged_headers_makes_authenticated(
        below: list[str], top: str, handover: str) -> None:
    result = check(shapes.delivered(*below, top=top, handover=handover))
    assert result.alignment.result != "pass"
    assert result.sending_ip == "203.0.113.66"


def test_a_provider_record_below_an_internal_hop_is_told_not_trusted() -> None:
    """iCloud-like, with the provider's Received-SPF between its internal hop and the
    hand-over: the same shape a sender can forge below a real hop, so it is only told."""
    lines = GENUINE["iCloud with an internal hop"].split(b"\r\n")
    spf = lines.pop(0)
    at = next(i for i, line in enumerate(lines) if line.startswith(b"Received: from mail"))
    lines.insert(at, spf)
    result = check(b"\r\n".join(lines))
    assert result.handover_check == "lower-claimed"
    assert result.sending_ip == "17.172.84.240"
    assert "an older hop" in said(result) and "192.0.2.10" in said(result)
