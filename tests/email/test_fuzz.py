"""Hypothesis: the splitter, the Received parser, the date parser and the whole analysis
never raise, and every offset stays inside the input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.analysis.email.addresses import parse_addresses
from spoorvast.analysis.email.analyse import Options, analyse
from spoorvast.analysis.email.dates import parse_date
from spoorvast.analysis.email.headers import split_headers
from spoorvast.analysis.email.received import parse_received

ZONE = "Europe/Brussels"
PIECES = [b"Received: ", b"from ", b"by ", b"(", b")", b"[", b"]", b"<", b">", b";", b":",
          b"\r\n", b"\n", b"\r", b" ", b"\t", b"=?utf-8?B?", b"?=", b"From ", b"Date: ",
          b"192.0.2.1", b"IPv6:2001:db8::1", b"Tue, 3 Mar 2026 22:15:00 +0100", b"@",
          b"DKIM-Signature: v=1; d=example.org; s=s1; b=AAAA; bh=AAAA; h=from",
          b"ARC-Seal: i=1; cv=none; d=x; s=y; b=AA", b"Authentication-Results: x; dkim=pass",
          b"\xff", b"\xc3\xa9", b"\x00"]
messages = st.one_of(st.binary(max_size=2000),
                     st.lists(st.sampled_from(PIECES), max_size=120).map(b"".join))
FAST = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(messages)
def test_splitter_never_raises_and_offsets_stay_inside(data: bytes) -> None:
    block = split_headers(data)
    assert 0 <= block.body_start <= len(data)
    for field in block.fields:
        assert 0 <= field.start < field.end <= len(data)
        assert data[field.start:field.end].startswith(field.raw)
    for defect in block.defects:
        assert 0 <= defect.start <= defect.end <= len(data)
    ends = [f.end for f in block.fields]
    assert ends == sorted(ends)


texts = st.one_of(st.text(max_size=400),
                  st.lists(st.sampled_from([p.decode("latin-1") for p in PIECES]),
                           max_size=60).map("".join))


@FAST
@given(texts)
def test_received_parser_never_raises(value: str) -> None:
    hop = parse_received(value, ZONE)
    assert hop.raw == value


@FAST
@given(texts)
def test_date_parser_never_raises_and_is_never_naive(value: str) -> None:
    parsed = parse_date(value, ZONE)
    if parsed.instant is not None:
        assert parsed.instant.utc.tzinfo is not None


@FAST
@given(texts)
def test_address_parser_never_raises(value: str) -> None:
    for address in parse_addresses(value):
        assert address.mailbox == "" or "@" in address.mailbox or address.issues


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_whole_analysis_never_raises(data: bytes) -> None:
    result = analyse(data, "0" * 64, Options(ZONE))
    for problem in result.problems:
        location = problem.location
        assert location is not None
        if location.byte_start is not None and location.byte_end is not None:
            assert 0 <= location.byte_start <= location.byte_end <= len(data)


lines = st.lists(st.sampled_from([b"From a@example.org Tue Mar  3 21:15:00 2026\n",
                                  b"From nobody\n", b">From x Tue 3 Mar 2026 10:00\n",
                                  b"Subject: x\n", b"\n", b"body From y 10:00\n", b"x" * 40]),
                 max_size=80).map(b"".join)


@FAST
@given(lines, st.integers(min_value=1, max_value=64))
def test_mbox_index_finds_the_same_from_lines_whatever_the_block_size(
        data: bytes, block: int) -> None:
    import hashlib
    import io
    import re

    from spoorvast.importers.email import mbox

    expected = [m.start() for m in re.finditer(rb"(?m)^From \S+.*\d{1,2}:\d{2}", data)]
    original = mbox.BLOCK
    try:
        mbox.BLOCK = block
        digest = hashlib.sha256()
        found = [offset for offset, _ in mbox.from_lines(io.BytesIO(data), digest)]
    finally:
        mbox.BLOCK = original
    assert found == expected
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
