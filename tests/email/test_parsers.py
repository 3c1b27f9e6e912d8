"""Table-driven tests: Received shapes, dates, addresses, the byte-exact splitter."""

from __future__ import annotations

import pytest

from spoorvast.analysis.email.addresses import AddressIssue, parse_addresses
from spoorvast.analysis.email.analyse import Options, analyse
from spoorvast.analysis.email.dates import parse_date
from spoorvast.analysis.email.headers import split_headers
from spoorvast.analysis.email.psl import organisational_domain
from spoorvast.analysis.email.received import parse_received
from spoorvast.analysis.email.words import decode_words

ZONE = "Europe/Brussels"

# (shape, header value, from_name, ip, rdns, by, with, tls, authenticated, UTC date)
RECEIVED = [
    ("postfix", "from mail.example.org (mail.example.org [192.0.2.10]) (using TLSv1.3 with "
     "cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature "
     "RSA-PSS (2048 bits) server-digest SHA256) (No client certificate requested) by "
     "mx.example.net (Postfix) with ESMTPS id 4Abc123 for <bob@example.net>; Tue,  3 Mar "
     "2026 22:15:07 +0100 (CET)", "mail.example.org", "192.0.2.10", "mail.example.org",
     "mx.example.net", "ESMTPS", "TLSv1.3", False, "2026-03-03T21:15:07"),
    ("exim", "from [192.0.2.5] (helo=host.example.com) by mx.example.net with esmtpsa "
     "(TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@example.com>) id "
     "1rAbC-000123-Xy for bob@example.net; Tue, 03 Mar 2026 21:15:07 +0000", "[192.0.2.5]",
     "192.0.2.5", None, "mx.example.net", "esmtpsa tls TLS_AES_256_GCM_SHA384", "TLS1.3", True,
     "2026-03-03T21:15:07"),
    ("exchange-https", "from AM0PR01MB1234.eurprd01.prod.exchangelabs.com "
     "(2603:10a6:208:1::12) by AM0PR01MB5678.eurprd01.prod.exchangelabs.com with HTTPS; "
     "Tue, 3 Mar 2026 21:15:05 +0000", "AM0PR01MB1234.eurprd01.prod.exchangelabs.com",
     "2603:10a6:208:1::12", None, "AM0PR01MB5678.eurprd01.prod.exchangelabs.com", "HTTPS",
     "HTTPS", False, "2026-03-03T21:15:05"),
    ("exchange-smtp", "from DB9PR01MB1234.eurprd01.prod.outlook.com (2603:10a6:10:1::1) by "
     "DB9PR01MB9999.eurprd01.prod.outlook.com (2603:10a6:10:2::2) with Microsoft SMTP Server "
     "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7000.1; Tue, 3 "
     "Mar 2026 21:15:04 +0000", "DB9PR01MB1234.eurprd01.prod.outlook.com", "2603:10a6:10:1::1",
     None, "DB9PR01MB9999.eurprd01.prod.outlook.com", "Microsoft SMTP Server", "TLS1_2", False,
     "2026-03-03T21:15:04"),
    ("gmail-internal", "by 2002:a05:6a10:1234:b0:5a1:2345:6789 with SMTP id "
     "abc123csp1234567pxb; Tue, 3 Mar 2026 13:15:08 -0800 (PST)", None, None, None,
     "2002:a05:6a10:1234:b0:5a1:2345:6789", "SMTP", None, False, "2026-03-03T21:15:08"),
    ("gmail-mx", "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by "
     "mx.google.com with SMTPS id x12sor1234567wrs.12.2026.03.03.13.15.07 for "
     "<bob@gmail.example> (Google Transport Security); Tue, 03 Mar 2026 13:15:07 -0800 (PST)",
     "mail-sor-f41.google.com", "209.85.220.41", "mail-sor-f41.google.com", "mx.google.com",
     "SMTPS", "TLS", False, "2026-03-03T21:15:07"),
    ("sendgrid-no-semicolon", "from o1.ptr1234.sendgrid.example (o1.ptr1234.sendgrid.example "
     "[198.51.100.77]) by mx.example.net (Postfix) with ESMTPS id 4XyZ for <bob@example.net> "
     "Tue, 03 Mar 2026 21:15:07 +0000", "o1.ptr1234.sendgrid.example", "198.51.100.77",
     "o1.ptr1234.sendgrid.example", "mx.example.net", "ESMTPS", "ESMTPS", False,
     "2026-03-03T21:15:07"),
    ("qmail-network", "from unknown (HELO mail.example.com) (192.0.2.7) by mx.example.net with "
     "SMTP; 3 Mar 2026 21:15:01 -0000", "unknown", "192.0.2.7", None, "mx.example.net", "SMTP",
     None, False, "2026-03-03T21:15:01"),
    ("qmail-local", "(qmail 12345 invoked by uid 89); 3 Mar 2026 21:15:00 -0000", None, None,
     None, None, None, None, False, "2026-03-03T21:15:00"),
    ("ipv6-literal-folded", "from [IPv6:2001:db8::1] (unknown [IPv6:2001:db8::1]) by "
     "smtp.example.org (Postfix) with ESMTPSA id ABC; Tue, 3 Mar 2026\r\n 22:15:00 +0100",
     "[IPv6:2001:db8::1]", "2001:db8::1", "unknown", "smtp.example.org", "ESMTPSA", "ESMTPSA",
     True, "2026-03-03T21:15:00"),
    ("sendmail-forged", "from helo.example (host.example [192.0.2.44] (may be forged)) by "
     "relay.example.net (8.15.2/8.15.2) with ESMTP id 123AbC; Tue, 3 Mar 2026 21:14:59 GMT",
     "helo.example", "192.0.2.44", "host.example", "relay.example.net", "ESMTP", None, False,
     "2026-03-03T21:14:59"),
    ("bracket-without-parentheses", "from relay.example.org [192.0.2.77] by "
     "mx.example.net (MDaemon) with ESMTP id MD123; Tue, 3 Mar 2026 22:15:00 +0100",
     "relay.example.org", "192.0.2.77", None, "mx.example.net", "ESMTP", None, False,
     "2026-03-03T21:15:00"),
    ("bracket-without-parentheses-exim3", "from [198.51.100.4] (helo=pc.example) by "
     "mx.example.net with smtp (Exim 3.36 #1) id 1A2b3C; Tue, 3 Mar 2026 22:15:00 +0100",
     "[198.51.100.4]", "198.51.100.4", None, "mx.example.net", "smtp", None, False,
     "2026-03-03T21:15:00"),
    ("port-and-comment-date", "from client.example (client.example [198.51.100.9]:54321) by "
     "mx.example.net with ESMTP; Tue, 3 Mar 2026 22:15:00 +0100 (MET)", "client.example",
     "198.51.100.9", "client.example", "mx.example.net", "ESMTP", None, False,
     "2026-03-03T21:15:00"),
]


@pytest.mark.parametrize(("shape", "value", "from_name", "ip", "rdns", "by", "with_", "tls",
                          "auth", "utc"), RECEIVED, ids=[r[0] for r in RECEIVED])
def test_received_shapes(shape: str, value: str, from_name: str | None, ip: str | None,
                         rdns: str | None, by: str | None, with_: str | None,
                         tls: str | None, auth: bool, utc: str) -> None:
    hop = parse_received(value.replace("\r\n", ""), ZONE)
    assert (hop.from_name, hop.ip, hop.rdns, hop.by, hop.with_, hop.tls, hop.authenticated) \
        == (from_name, ip, rdns, by, with_, tls, auth)
    assert hop.date is not None and hop.date.instant is not None
    assert hop.date.instant.utc.isoformat().startswith(utc)
    assert hop.date.instant.source.value == "explicit"


# (text, UTC, offset seconds, source, issue)
DATES = [
    ("Tue, 3 Mar 2026 22:15:00 +0100", "2026-03-03T21:15:00", 3600, "explicit", None),
    ("Tue, 3 Mar 2026 22:15:00 CEST", "2026-03-03T20:15:00", 7200, "explicit", None),
    ("3 Mar 2026 22:15 CET", "2026-03-03T21:15:00", 3600, "explicit", None),
    ("Tue, 03 Mar 26 22:15:00 EST", "2026-03-04T03:15:00", -18000, "explicit", None),
    ("Tue, 3 Mar 2026 22:15:00 -0000", "2026-03-03T22:15:00", 0, "explicit",
     "zone-unknown-utc"),
    ("Tue, 3 Mar 2026 22:15:00 +0100 (CET)", "2026-03-03T21:15:00", 3600, "explicit", None),
    ("Tue, 3 Mar 2026 22:15:00 (CEST)", "2026-03-03T20:15:00", 7200, "explicit", None),
    ("Tue, 3 Mar 2026 22:15:00", "2026-03-03T21:15:00", 3600, "assumed-zone", "no-zone"),
    ("Tue, 3 Mar 2026 22:15:00 IST", "2026-03-03T22:15:00", 0, "explicit",
     "unknown-zone"),
    ("Tue, 3 Mar 2026 22:15:00 A", "2026-03-03T22:15:00", 0, "explicit", "unknown-zone"),
    ("Tue, 3 Mar 2026 22:15:00 ZZZZ", "2026-03-03T22:15:00", 0, "explicit",
     "unknown-zone"),
    ("Fri Feb 07 10:18:12 2003 -0800", "2003-02-07T18:18:12", -28800, "explicit", None),
    ("Fri Feb 07 10:18:12 PST 2003", "2003-02-07T18:18:12", -28800, "explicit", None),
    ("Tue, 3 Jul 2026 22:15:00 GMT+0200", "2026-07-03T20:15:00", 7200, "explicit", None),
    ("Tue Mar  3 22:15:00 2026", "2026-03-03T21:15:00", 3600, "assumed-zone", "no-zone"),
    ("2026-03-03T22:15:00.250+01:00", "2026-03-03T21:15:00.250", 3600, "explicit", None),
    ("Tue, 3 Mar 2026\r\n 22:15:00 +0100", "2026-03-03T21:15:00", 3600, "explicit", None),
]


@pytest.mark.parametrize(("text", "utc", "offset", "source", "issue"), DATES)
def test_dates_are_never_naive(text: str, utc: str, offset: int, source: str,
                               issue: str | None) -> None:
    parsed = parse_date(text.replace("\r\n", ""), ZONE)
    assert parsed.instant is not None
    assert parsed.instant.utc.isoformat().startswith(utc)
    assert (parsed.instant.offset_seconds, parsed.instant.source.value, parsed.issue) == (
        offset, source, issue)


@pytest.mark.parametrize(("text", "issue"), [("31 Feb 2026 10:00:00 +0000", "invalid"),
                                            ("yesterday", "unparsable"),
                                            ("3 Foo 2026 10:00 +0000", "unparsable"),
                                            ("3 Mar 2026 25:00 +0000", "invalid")])
def test_bad_dates_are_reported(text: str, issue: str) -> None:
    parsed = parse_date(text, ZONE)
    assert parsed.instant is None and parsed.issue == issue


def test_display_name_with_another_address_keeps_the_real_mailbox() -> None:
    [address] = parse_addresses("a@bank.example <evil@x.example>")
    assert address.mailbox == "evil@x.example"
    assert address.display == "a@bank.example"
    assert AddressIssue.DISPLAY_SHOWS_OTHER in address.issues


@pytest.mark.parametrize(("value", "mailboxes", "displays"), [
    ('"Doe, Jan" <jan@Example.ORG>, piet@example.org (Piet)',
     ["jan@example.org", "piet@example.org"], ["Doe, Jan", "Piet"]),
    ("=?utf-8?B?UMOpdGVy?= <peter@example.org>", ["peter@example.org"], ["Péter"]),
    ("=?iso-8859-1?Q?Andr=E9?= <andre@example.org>", ["andre@example.org"], ["André"]),
    ("=?koi8-r?B?6dfBzg==?= <ivan@example.org>", ["ivan@example.org"], ["Иван"]),
    ("Friends: a@example.org, b@example.org;", ["a@example.org", "b@example.org"], ["", ""]),
    ('"<fake@bank.example>" <real@x.example>', ["real@x.example"], ["<fake@bank.example>"]),
    ("Pat <pat(work)@example.org (Pat's)>", ["pat@example.org"], ["Pat"]),
    ("pat(work) @ example.org", ["pat@example.org"], ["work"]),
])
def test_address_lists(value: str, mailboxes: list[str], displays: list[str]) -> None:
    parsed = parse_addresses(value)
    assert [a.mailbox for a in parsed] == mailboxes
    assert [a.display for a in parsed] == displays


def test_encoded_words_with_raw_8bit_bytes_are_decoded_in_their_charset() -> None:
    from spoorvast.analysis.email.words import decode_words

    assert decode_words(b"=?utf-8?Q?caf\xc3\xa9_op?= dinsdag").text == "café op dinsdag"
    assert decode_words(b"=?iso-8859-1?Q?caf\xe9?= \xc3\xa9t\xc3\xa9").text == "café été"
    data = b"Subject: =?utf-8?Q?Caf\xc3\xa9?=\r\nFrom: a@example.org\r\n\r\n"
    assert analyse(data, "0" * 64, Options(ZONE)).subject == "Café"


def test_duplicate_header_indicator_counts_the_copies() -> None:
    data = b"From: a@example.org\r\nFrom: b@example.org\r\nSubject: x\r\n\r\n"
    found = [dict(i.params) for i in analyse(data, "0" * 64, Options(ZONE)).indicators
             if i.code == "duplicate-header"]
    assert found == [{"header": "From", "count": "2"}]


def test_encoded_words_in_several_charsets() -> None:
    assert decode_words("=?utf-8?q?caf=C3=A9?= =?utf-8?q?_bar?=").text == "café bar"
    assert decode_words("=?windows-1252?Q?=80uro?=").text == "€uro"
    bad = decode_words("=?x-unknown?B?AAAA?= ok")
    assert bad.bad and bad.text.endswith(" ok")


MESSAGE = (b"From: Pat <pat@example.org>\r\nX-Long: a\r\n\tfolded\r\n value\r\n"
           b"Subject: =?utf-8?B?SMOpIQ==?=\r\n\r\nbody\r\n")


def test_splitter_is_byte_exact_and_accounts_for_every_byte() -> None:
    block = split_headers(MESSAGE)
    rebuilt = b"".join(MESSAGE[f.start:f.end] for f in block.fields)
    assert rebuilt + b"\r\n" == MESSAGE[:block.body_start]
    assert [(f.name, f.line, f.ending, f.folded) for f in block.fields] == [
        ("From", 1, "crlf", False), ("X-Long", 2, "crlf", True), ("Subject", 5, "crlf", False)]
    assert block.fields[1].value == "a\tfolded value"
    assert MESSAGE[block.body_start:] == b"body\r\n"


def test_a_malformed_line_does_not_push_later_headers_into_the_body() -> None:
    data = b"From: a@example.org\nthis is not a header\nTo: b@example.org\n\nbody"
    block = split_headers(data)
    assert [f.name for f in block.fields] == ["From", "To"]
    assert [(d.code, d.line, d.start) for d in block.defects] == [("not-a-field", 2, 20)]


@pytest.mark.parametrize(("domain", "org"), [
    ("mail.example.co.uk", "example.co.uk"), ("a.b.example.com", "example.com"),
    ("x.blogspot.com", "x.blogspot.com"), ("com", None), ("192.0.2.1", None),
    ("a.b.kawasaki.jp", "a.b.kawasaki.jp"), ("city.kawasaki.jp", "city.kawasaki.jp"),
    ("MX.Google.COM.", "google.com"), ("mail.xn--bcher-kva.example", "xn--bcher-kva.example"),
])
def test_organisational_domain_from_the_pinned_list(domain: str, org: str | None) -> None:
    assert organisational_domain(domain) == org
