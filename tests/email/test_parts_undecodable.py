"""An e-mail part whose transfer encoding cannot be decoded is said, never sealed as an
empty attachment nor dropped without a word (#24, "none left"); the defects that only
decoding finds (bad base64 characters) are findings too."""

from __future__ import annotations

from spoorvast.importers.base import ImportContext
from spoorvast.importers.email.parts import read_parts
from spoorvast.model import instant
from tests.chat.helpers import ZONE, Sealed

HEAD = (b"From: x@example.org\r\nTo: v@example.net\r\nSubject: t\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: text/plain\r\n\r\nHello\r\n--B\r\n")


def _read(part: bytes) -> tuple[list[tuple[str, tuple[tuple[str, str], ...]]], Sealed]:
    sealed = Sealed()
    context = ImportContext(1, ZONE, instant.now(ZONE), sealed)
    parts = read_parts(context, HEAD + part + b"\r\n--B--\r\n", "0" * 64)
    return [(p.code, p.params) for p in parts.problems], sealed


def test_an_attachment_of_garbage_base64_is_said_not_sealed_empty() -> None:
    problems, sealed = _read(b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
                             b"Content-Disposition: attachment; filename=foto.png\r\n\r\n"
                             b"!!!!****\r\n")
    assert ("email.part-undecodable", (("part", "2"), ("type", "image/png"))) in problems
    assert "foto.png" not in sealed.files


def test_an_inline_part_of_garbage_base64_is_said_not_dropped() -> None:
    problems, sealed = _read(b"Content-Type: image/gif\r\nContent-Transfer-Encoding: base64"
                             b"\r\n\r\n%%%%\r\n")
    assert ("email.part-undecodable", (("part", "2"), ("type", "image/gif"))) in problems
    assert sealed.files == {}


def test_bad_characters_found_while_decoding_are_findings() -> None:
    problems, sealed = _read(b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
                             b"Content-Disposition: attachment; filename=foto.png\r\n\r\n"
                             b"iVBORw0KGgo=AAAA!!\r\n")
    assert ("email.mime-defect", (("defect", "InvalidBase64CharactersDefect"),)) in problems
    assert sealed.files["foto.png"].startswith(b"\x89PNG")


def test_an_empty_part_stays_quiet() -> None:
    problems, _sealed = _read(b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64"
                              b"\r\n\r\n\r\n")
    assert not [c for c, _p in problems if c == "email.part-undecodable"]
