"""The quick paths of the e-mail header work give exactly what the general ones give:
the header split read a field at a time (a block of LF lines holding only fields), on
generated header blocks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.analysis.email import headers
from spoorvast.analysis.email.headers import split_headers

_NAMES = st.sampled_from(["Subject", "From", "X-A", "to", "Received", "Content-Type",
                          "Weird!Name~", "A"])
_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x24FF), max_size=12)
_ENDING = st.sampled_from(["\n", "\n", "\n", "\n", "\r\n", "\r", ""])


@st.composite
def _blocks(draw: st.DrawFn) -> bytes:
    lines: list[str] = []
    if draw(st.integers(0, 4)) == 0:
        lines.append("From pat@example.org Tue Mar  3 21:15:00 2026" + draw(_ENDING))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 9))
        if kind <= 5:
            space = draw(st.sampled_from(["", "", " ", "\t "]))
            line = f"{draw(_NAMES)}{space}:{draw(_TEXT)}"
        elif kind <= 7:
            line = draw(st.sampled_from([" ", "\t"])) + draw(_TEXT)
        elif kind == 8:
            line = draw(_TEXT)  # anything: not a field, a blank line, a fold
        else:
            line = ""
        lines.append(line + draw(_ENDING))
    body = draw(st.sampled_from(["", "\n", "\nbody\n", "\r\nbody", "\n\n"]))
    encoding = draw(st.sampled_from(["utf-8", "latin-1"]))
    return ("".join(lines) + body).encode(encoding, "replace")


def _walked(data: bytes, monkeypatch: pytest.MonkeyPatch) -> headers.HeaderBlock:
    with monkeypatch.context() as patch:
        patch.setattr(headers, "_lf_fields", lambda *args: None)
        return split_headers(data)


@pytest.mark.slow  # 400 blocks: about 3 s
@settings(max_examples=400, deadline=None)
@given(_blocks())
def test_the_quick_split_equals_the_line_walk(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        walked = _walked(data, monkeypatch)
    quick = split_headers(data)
    assert quick == walked
    assert quick.by_key == walked.by_key


def test_the_quick_split_is_taken_for_usual_headers_and_left_for_others() -> None:
    usual = (b"From x Tue Mar  3 21:15:00 2026\nReceived: a\n\tb\nSubject: s\n"
             b"From: p@example.org\n\nbody\r\n")
    assert headers._lf_fields(usual, usual.index(b"\n") + 1, 2) is not None
    block = split_headers(usual)
    assert [(h.name, h.raw, h.start, h.end, h.line, h.ending) for h in block.fields] == [
        ("Received", b"Received: a\n\tb", 32, 47, 2, "lf"),
        ("Subject", b"Subject: s", 47, 58, 4, "lf"),
        ("From", b"From: p@example.org", 58, 78, 5, "lf")]
    assert block.body_start == 79 and block.endings == {"lf"} and not block.defects
    for other in (b"Subject: s\r\n\r\n", b" fold first\nSubject: s\n\n",
                  b"Subject: s\nno colon here\n\n", b"Subject: s\n\rX: y\n\n"):
        assert headers._lf_fields(other, 0, 1) is None
    end = b"Subject: s\nX: y"  # no blank line, no final LF
    assert split_headers(end).defects[0].code == "no-body-separator"


_WORDISH = st.lists(st.sampled_from(["=?", "?=", "utf-8", "?Q?", "?b?", "a", " ", "\t", "\n",
                                     "=", "?", "é", "=?utf-8?q?x?=", "=?x?B?YQ==?="]),
                    max_size=10).map("".join)


@given(_WORDISH)
def test_the_space_between_words_needs_two_words(value: str) -> None:
    """decode_words drops the space between two encoded words only where ``=?`` occurs
    twice or more: with fewer, the substitution it skips changes nothing."""
    from spoorvast.analysis.email import words

    raw = value.encode()
    dropped = words._BETWEEN.sub(lambda m: m.group(0)[: -len(m.group(1))], raw)
    if raw.count(b"=?") <= 1:
        assert dropped == raw
    assert words.decode_words(value).text == words.decode_words(raw).text


_TYPES = st.sampled_from([
    "text/plain", "text/plain; charset=utf-8", "application/pdf; name=a.pdf",
    "application/pdf; NAME=\"b c.pdf\"", "image/png; Name*=utf-8''%C3%A9.png",
    "image/png; name*0=a; name*1=b.png", "text/plain; filename=x.txt", "x; nam=e",
    "text/plain; charset=\"us-ascii\"; format=flowed", "a/b; =?utf-8?q?name?=", ";;;=",
    "text/plain; na\tme=x"])
_DISPOSITIONS = st.sampled_from([None, "inline", "attachment", "attachment; filename=a.txt",
                                 "inline; FILENAME=\"x.bin\"", "attachment; name=y"])


@given(_TYPES, _DISPOSITIONS)
def test_a_part_without_a_name_parameter_has_no_file_name(ctype: str,
                                                          disposition: str | None) -> None:
    """``_filename`` answers None without parsing when nothing can be a name: the same
    answer as ``get_filename`` (through its error handling)."""
    from email.message import Message

    from spoorvast.importers.email import parts

    part = Message()
    part["Content-Type"] = ctype
    if disposition is not None:
        part["Content-Disposition"] = disposition
    try:
        name = part.get_filename()
        expected = None if name is None else parts.decode_words(str(name)).text
    except (ValueError, LookupError, TypeError):
        expected = None
    assert parts._filename(part) == expected


_MAIL_TEXT = st.lists(st.sampled_from(
    ["a", "Z", "0", "@", "@", ".", "-", "!", "_", " ", "\n", "é", "\u00a0", "\U0001f600",
     "<", ">", ",", "\"", "x@y.org", "pat.suspect@example.org", "@@", "..", "\ud800",
     "\uffff", "\U00010000", "(", "b.com!x"]), max_size=30).map("".join)


@given(_MAIL_TEXT)
def test_addresses_in_a_text_are_those_the_pattern_finds(text: str) -> None:
    from spoorvast.analysis.email.addresses import ADDRESS, addresses_in

    assert addresses_in(text) == ADDRESS.findall(text)


def test_addresses_next_to_each_other_and_long_runs() -> None:
    from spoorvast.analysis.email.addresses import ADDRESS, addresses_in

    for text in ("a@b.com!x@y.org", "a@b@c.com", "x" * 5000 + "@example.org y@z.be",
                 "mail pat1@example.org.\nLorem " * 20, "no address here", "@", "a@b",
                 "é@ü.be 😀a@b.co", "a.@b.c.d@e.f"):
        assert addresses_in(text) == ADDRESS.findall(text)
