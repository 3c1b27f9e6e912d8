"""MIME parts: attachments and inline images sealed as derived artifacts; HTML stored.

The stdlib parser with ``compat32`` (it does not raise on real-world mail) walks the
structure; every leaf that is not the plain-text body is sealed with its own hash,
derived from the message. HTML bodies are stored as files and never rendered.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

from spoorvast.analysis.email.words import decode_words
from spoorvast.importers.base import ImportContext
from spoorvast.model.records import Artifact, ArtifactRole, Location, Problem, Severity

_SAFE = re.compile(r"[^\w.\- ()]+")


@dataclass
class Parts:
    artifacts: list[Artifact] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # plain-text bodies, for identifiers
    html: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def safe_name(name: str, fallback: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE.sub("_", base).strip(" .")
    return cleaned[:120] or fallback


def read_parts(context: ImportContext, data: bytes, sha: str) -> Parts:
    parts = Parts()
    message = email.message_from_bytes(data, policy=policy.compat32)
    for index, part in enumerate(message.walk()):
        if not part.is_multipart():  # first: decoding adds its own defects (bad base64)
            _leaf(context, part, index, sha, parts)
        for defect in part.defects:
            parts.problems.append(Problem(
                Severity.INFO, "email.mime-defect", (("defect", type(defect).__name__),),
                Location(artifact_sha256=sha, field=f"part {index}")))
    return parts


def _leaf(context: ImportContext, part: Message, index: int, sha: str, parts: Parts) -> None:
    ctype = part.get_content_type()
    filename = _filename(part)
    attached = filename is not None or "attachment" in str(part.get("Content-Disposition", ""))
    payload = _payload(part)
    if payload is None:  # never an empty attachment, never dropped without a word
        parts.problems.append(Problem(
            Severity.WARNING, "email.part-undecodable",
            (("part", str(index)), ("type", ctype)),
            Location(artifact_sha256=sha, field=f"part {index}")))
        return
    if ctype == "text/plain" and not attached:
        parts.text.append(_text(part, payload))
        return
    if ctype == "text/html" and not attached:
        parts.html.append(_text(part, payload))
        name = f"body-{index}.html"
    elif ctype == "message/rfc822" or (not payload and not attached):
        return
    else:
        name = safe_name(filename or "", f"part-{index}.bin")
    parts.artifacts.append(context.seal(payload, ArtifactRole.ATTACHMENT, name, ctype, sha))


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, LookupError, TypeError):
        return None
    return None if name is None else decode_words(str(name)).text


def _payload(part: Message) -> bytes | None:
    """The decoded bytes of a leaf part; None when they cannot be decoded (an error, or
    a part that holds text but decodes to nothing: base64 with no valid character)."""
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError, AssertionError):
        return None
    if not isinstance(payload, bytes):
        return b""
    if not payload and str(part.get_payload(decode=False) or "").strip():
        return None
    return payload


def _text(part: Message, payload: bytes) -> str:
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("latin-1")


def bodies(data: bytes) -> tuple[list[str], list[str]]:
    """The plain-text and HTML bodies of a message (not its attachments), decoded."""
    plain: list[str] = []
    html: list[str] = []
    for part in email.message_from_bytes(data, policy=policy.compat32).walk():
        if part.is_multipart() or _filename(part) is not None \
                or "attachment" in str(part.get("Content-Disposition", "")):
            continue
        ctype = part.get_content_type()
        if ctype in ("text/plain", "text/html"):
            (plain if ctype == "text/plain" else html).append(
                _text(part, _payload(part) or b""))
    return plain, html
