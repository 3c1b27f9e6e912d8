"""A message of one part is not parsed twice: ``parts.single_part`` builds the stdlib's
``compat32`` message from the header split the analysis made. It must be exactly the
message ``email.message_from_bytes`` makes (headers, payload, Unix From line, defects,
every attribute), or None; and what ``read_parts`` finds must not depend on it."""

from __future__ import annotations

import email
from email import policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.analysis.email.headers import split_headers
from spoorvast.importers.base import ImportContext
from spoorvast.importers.email.parts import read_parts, single_part
from spoorvast.model import instant
from tests.chat.helpers import ZONE, Sealed
from tests.email.test_fuzz import messages

DATA = Path(__file__).parent.parent / "data" / "email"
_BREAKS = [b"\n", b"\r\n", b"\r"]
_NAMES = [b"From", b"To", b"Subject", b"Content-Type", b"content-type",
          b"Content-Transfer-Encoding", b"Content-Disposition", b"X-Odd", b"MIME-Version",
          b"Received", b"From ", b"Date"]
_VALUES = [b"", b" ", b"\t", b"  text/plain; charset=utf-8", b" text/html", b" multipart/mixed; "
           b"boundary=B", b" message/rfc822", b" message/delivery-status", b" base64",
           b" quoted-printable", b" attachment; filename=a.txt", b" =?utf-8?B?w6k=?=",
           b" caf\xc3\xa9", b" \xff\xfe", b" a:b:c", b" x", b" TEXT/PLAIN",
           b" text/plain; name=\"x.txt\"", b" multipart/digest; boundary=q"]
_CONTINUATIONS = [b" more", b"\tmore", b" ", b"\t\t", b" \xc3\xa9"]
_BODIES = [b"", b"Hello", b"line\r\nline\rline\n", b"\xff\x00body", b"From me\n>From you\n",
           b"--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n", b"aGVsbG8=\n", b"=C3=A9\n"]


@st.composite
def _well_formed(draw: Any) -> bytes:
    """Messages most of which take the single-part way (and some that do not)."""
    out = [b"From pat@example.org Tue Mar  3 21:15:00 2026" + draw(st.sampled_from(_BREAKS))
           ] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 8))):
        field = draw(st.sampled_from(_NAMES)) + b":" + draw(st.sampled_from(_VALUES))
        for _ in range(draw(st.integers(0, 2))):
            field += draw(st.sampled_from(_BREAKS)) + draw(st.sampled_from(_CONTINUATIONS))
        out.append(field + draw(st.sampled_from(_BREAKS)))
    ending = draw(st.sampled_from([*_BREAKS, b""]))
    return b"".join(out) + ending + draw(st.sampled_from(_BODIES))


def _state(message: Message) -> dict[str, Any]:
    state = dict(vars(message))
    state["defects"] = [type(d) for d in message.defects]
    state["policy"] = type(message.policy)
    return state


def _same(data: bytes) -> bool:
    """The message built from the split is the stdlib's; True when it was built."""
    built = single_part(data, split_headers(data))
    if built is None:
        return False
    parsed = email.message_from_bytes(data, policy=policy.compat32)
    assert _state(built) == _state(parsed)
    assert not parsed.is_multipart() and built.as_bytes() == parsed.as_bytes()
    assert [p.get_content_type() for p in built.walk()] == [parsed.get_content_type()]
    return True


def _parts(data: bytes, block: bool) -> tuple[Any, dict[str, bytes]]:
    sealed = Sealed()
    context = ImportContext(1, ZONE, instant.now(ZONE), sealed)
    parts = read_parts(context, data, "0" * 64, split_headers(data) if block else None)
    # the artifacts' times differ: compare what they are, not when they were made
    artifacts = [(a.role, a.media_type, a.size, a.sha256, a.name, a.derived_from)
                 for a in parts.artifacts]
    return (artifacts, parts.text, parts.html, parts.problems), sealed.files


@pytest.mark.parametrize("data", [
    b"From: a@example.org\nSubject: x\n\nHello\n",
    b"From x@y Tue Mar  3 21:15:00 2026\r\nSubject: envelope\r\n \tfolded\r\n\r\nbody\r\n",
    b"Subject: \r\n\tonly folded\r\n\r\n", b"Subject:no space\rX: \xc3\xa9\r\rbody",
    b"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable"
    b"\n\ncaf=E9\n",
    b"Content-Type: application/pdf\nContent-Disposition: attachment; filename=a.pdf\n"
    b"Content-Transfer-Encoding: base64\n\nJVBERi0=\n",
    b"Content-Type: text/html\n\n<p>Hi</p>\n", b"\nbody only", b"",
])
def test_single_part_messages_are_the_stdlibs(data: bytes) -> None:
    assert _same(data)
    assert _parts(data, True) == _parts(data, False)


@pytest.mark.parametrize("data", [
    b"Content-Type: multipart/mixed; boundary=B\n\n--B\n\nx\n--B--\n",
    b"Content-Type: message/rfc822\n\nSubject: inner\n\nx\n",
    b"Subject : space before the colon\n\nx", b"not a field\nSubject: x\n\ny",
    b" continuation first\nSubject: x\n\ny", b"Subject: no body separator",
])
def test_other_messages_are_left_to_the_stdlib(data: bytes) -> None:
    assert single_part(data, split_headers(data)) is None
    assert _parts(data, True) == _parts(data, False)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.eml")), ids=lambda p: p.name)
def test_sample_files_read_the_same(path: Path) -> None:
    data = path.read_bytes()
    _same(data)
    assert _parts(data, True) == _parts(data, False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_well_formed(), messages))
def test_generated_messages_read_the_same(data: bytes) -> None:
    _same(data)
    assert _parts(data, True) == _parts(data, False)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_well_formed(), messages))
def test_many_generated_messages_read_the_same(data: bytes) -> None:
    _same(data)
    assert _parts(data, True) == _parts(data, False)


def test_the_generated_messages_mostly_take_the_single_part_way() -> None:
    # not a vacuous comparison: most well-formed examples are built from the split
    import random
    rng = random.Random(7)
    taken = 0
    for _ in range(200):
        fields = [rng.choice(_NAMES[:3]) + b": x" + rng.choice(_BREAKS) for _ in range(3)]
        data = b"".join(fields) + rng.choice(_BREAKS) + rng.choice(_BODIES)
        taken += _same(data)
    assert taken >= 150
