"""Messages forwarded as attachments become items of their own, with exact bytes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from spoorvast.importers.email.forwarded import MAX_DEPTH, forwarded
from tests.conftest import Cli
from tests.email.helpers import BASE, delivered

INNER = delivered(BASE.encode())


def wrap(inner: bytes, boundary: str = "fw1", encoding: str | None = None) -> bytes:
    body = base64.encodebytes(inner).replace(b"\n", b"\r\n") if encoding else inner
    cte = f"Content-Transfer-Encoding: {encoding}\r\n".encode() if encoding else b""
    return (
        b"Received: from pc.example.net ([10.0.0.7]) by mx.example.net with ESMTPSA;"
        b" Wed, 4 Mar 2026 09:00:00 +0100\r\n"
        b"From: Vic Tim <victim@example.net>\r\nTo: helper@example.net\r\n"
        b"Subject: Fwd: look at this\r\nDate: Wed, 4 Mar 2026 09:00:00 +0100\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=\"" + boundary.encode() + b"\"\r\n\r\n"
        b"preamble\r\n--" + boundary.encode() + b"\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nSee the attached message.\r\n"
        b"--" + boundary.encode() + b"\r\nContent-Type: message/rfc822\r\n" + cte +
        b"Content-Disposition: attachment; filename=\"original.eml\"\r\n\r\n" + body +
        b"\r\n--" + boundary.encode() + b"--\r\n"
    )


def test_the_attached_message_keeps_its_exact_bytes() -> None:
    outer = wrap(INNER)
    [found] = forwarded(outer)
    assert found.data == INNER
    assert outer[found.byte_start:found.byte_end] == INNER


def test_nested_and_base64_forwards_are_found() -> None:
    nested = wrap(wrap(INNER, "fw2"), "fw1")
    assert [f.data for f in forwarded(nested)] == [wrap(INNER, "fw2")]
    assert [f.data for f in forwarded(wrap(INNER, encoding="base64"))] == [INNER]


def test_hostile_nesting_is_bounded() -> None:
    data = INNER
    for level in range(MAX_DEPTH * 4):
        data = wrap(data, f"b{level}")
    assert len(forwarded(data)) == 1  # only the outermost; deeper ones come per item


def test_a_forwarded_message_is_an_item_of_its_own(case_vault: Path, cli: Cli,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "fwd.eml"
    path.write_bytes(wrap(wrap(INNER, "fw2")))
    assert cli("add", str(path)).code == 0
    wrapper = json.loads(cli("show", "--json", "1").out)
    first = json.loads(cli("show", "--json", "2").out)
    inner = json.loads(cli("show", "--json", "3").out)
    assert first["artifacts"][0]["derived_from"] == wrapper["sha256"]
    assert inner["artifacts"][0]["derived_from"] == first["sha256"]
    assert inner["analysis"]["forwarded_in"]["sha256"] == first["sha256"]
    analysis = inner["analysis"]["analysis"]
    assert analysis["sending_ip"] == "192.0.2.10"
    assert analysis["from_"][0]["mailbox"] == "pat.suspect@example.org"
    assert [f["code"] for f in inner["findings"]] == ["email.forwarded-attachment"]
    exported = tmp_path / "out"
    assert cli("export-original", "E-0003", "--to", str(exported)).code == 0
    assert next(exported.iterdir()).read_bytes() == INNER
    assert cli("verify").code == 0


# -- #24 "none left": a forwarded message not made an item is said ---------------------


def _drafts(data: bytes) -> list[object]:
    import hashlib

    from spoorvast.importers.base import ImportContext
    from spoorvast.importers.email.common import MessageInput, message_drafts
    from spoorvast.model import instant
    from spoorvast.model.records import Artifact, ArtifactRole
    from tests.chat.helpers import ZONE, Sealed

    context = ImportContext(1, ZONE, instant.now(ZONE), Sealed())
    original = Artifact(None, None, ArtifactRole.ORIGINAL, "message/rfc822", len(data),
                        hashlib.sha256(data).hexdigest(), "wrapper.eml", instant.now(ZONE))
    return list(message_drafts(context, MessageInput(data, original, "wrapper.eml",
                                                     "email")))


def _codes(draft: object) -> list[str]:
    return [p.code for p in draft.problems]  # type: ignore[attr-defined]


def test_an_attached_message_whose_base64_does_not_decode_is_said() -> None:
    broken = wrap(INNER, encoding="base64").replace(b"\r\n--fw1--", b"A\r\n--fw1--")
    drafts = _drafts(broken)
    assert len(drafts) == 1  # no item made of the base64 text itself
    assert "email.forwarded-undecodable" in _codes(drafts[0])


def test_forwards_nested_past_the_limit_are_said() -> None:
    data = INNER
    for level in range(MAX_DEPTH + 2):
        data = wrap(data, f"b{level}")
    drafts = _drafts(data)
    assert len(drafts) == MAX_DEPTH + 1
    assert "email.forwarded-not-walked" in _codes(drafts[-1])
    assert not any("email.forwarded-not-walked" in _codes(d) for d in drafts[:-1])


def test_a_forward_past_the_parts_limit_is_said() -> None:
    from spoorvast.importers.email.forwarded import MAX_PARTS

    many = b"".join(b"--m\r\nContent-Type: text/plain\r\n\r\nx\r\n" for _ in range(MAX_PARTS))
    data = (b"From: a@example.org\r\nTo: b@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=m\r\n\r\n" + many +
            b"--m\r\nContent-Type: message/rfc822\r\n\r\n" + INNER + b"\r\n--m--\r\n")
    drafts = _drafts(data)
    assert len(drafts) == 1 and "email.forwarded-not-walked" in _codes(drafts[0])
