"""A capture made by the browser extension, read back from its inbox entry: the page's
facts as the extension reported them, every network response with its body as the
browser received it, and the files the browser made (screenshots, MHTML, PDF).

The host hashed every stream as it arrived (before encryption); reading checks each
body against that hash, so what is sealed is what the browser sent. Names and roles of
the files are the host's, never the extension's: only :data:`FILES` are taken.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nacl.public import PrivateKey

from spoorvast.capture.draft import Draft
from spoorvast.capture.exchanges import Exchange
from spoorvast.capture.probe import Probe, probe_of_value
from spoorvast.model.records import ArtifactRole
from spoorvast.storage import inbox

FILES = {"full-page.png": (ArtifactRole.SCREENSHOT, "image/png"),
         "viewport.png": (ArtifactRole.SCREENSHOT, "image/png"),
         "page.mhtml": (ArtifactRole.MHTML, "multipart/related"),
         "page.pdf": (ArtifactRole.PDF, "application/pdf")}
TILE = re.compile(r"full-page-\d{1,2}\.png")  # the tiles below the first, as headless
# page facts the end may set over the beginning's (the page after it was loaded again)
LATE = frozenset({"url", "title", "viewport", "settle", "notes"})
MAX_BODY = 512 << 20  # one response or file, read back into memory to be sealed


@dataclass
class Stream:
    open: dict[str, object]
    body: io.BytesIO = field(default_factory=io.BytesIO)
    sha256: str = ""
    browser_sha256: str | None = None


@dataclass
class Received:
    """One capture as the host wrote it (bytes are evidence: never logged)."""

    meta: dict[str, object]
    received_at: str
    host_version: str
    reply_key: bytes | None = None  # the host's one-time key for the receipt
    responses: list[Stream] = field(default_factory=list)
    files: list[Stream] = field(default_factory=list)

    def text(self, key: str) -> str:
        value = self.meta.get(key)
        return value if isinstance(value, str) else ""

    @property
    def url(self) -> str:
        return self.text("url")

    @property
    def differing(self) -> list[str]:
        """Streams whose hash in the browser differs from the host's (sent ≠ received)."""
        return [str(s.open.get("id")) for s in (*self.responses, *self.files)
                if s.browser_sha256 and s.browser_sha256 != s.sha256]


def read(path: Path, private: PrivateKey) -> Received:
    """The capture in an entry; :class:`inbox.InboxDamaged` when it cannot be read whole
    or a body does not have the hash the host recorded."""
    frames = inbox.frames(path, private)
    first = next(frames, None)
    head = first.json() if first is not None and first.kind == inbox.MESSAGE else {}
    meta = head.get("meta")
    if head.get("kind") != "meta" or not isinstance(meta, dict):
        raise inbox.InboxDamaged("no page facts")
    received = Received(meta, str(head.get("received_at", "")),
                        str(head.get("host_version", "")), _key(head.get("reply_key")))
    ended = False
    for stream in _streams(frames):
        if isinstance(stream, dict):  # the end, with the facts known only then
            ended = True
            late = stream.get("meta")
            if isinstance(late, dict):
                received.meta = {**meta, **{k: v for k, v in late.items() if k not in meta
                                            or k in LATE}}
            continue
        target = received.responses if stream.open.get("stream") == "response" \
            else received.files
        target.append(stream)
    if not ended:
        raise inbox.InboxDamaged("no end message")
    return received


def _key(value: object) -> bytes | None:
    try:
        key = base64.b64decode(str(value), validate=True) if isinstance(value, str) else b""
    except ValueError:
        return None
    return key if len(key) == 32 else None


def _streams(frames: Iterator[inbox.Frame]) -> Iterator[Stream | dict[str, object]]:
    current: Stream | None = None
    for frame in frames:
        if frame.kind == inbox.BODY:
            if current is None or current.body.tell() + len(frame.data) > MAX_BODY:
                raise inbox.InboxDamaged("body out of place or too large")
            current.body.write(frame.data)
            continue
        message = frame.json()
        kind = message.get("kind")
        if kind == "open" and current is None:
            current = Stream(message)
        elif kind == "close" and current is not None:
            yield _closed(current, message)
            current = None
        elif kind == "end" and current is None:
            yield message
        else:
            raise inbox.InboxDamaged("message out of order")


def _closed(stream: Stream, message: dict[str, object]) -> Stream:
    stream.sha256 = hashlib.sha256(stream.body.getvalue()).hexdigest()
    if message.get("sha256") != stream.sha256:
        raise inbox.InboxDamaged("a body differs from the hash taken when it arrived")
    browser = message.get("browser_sha256")
    stream.browser_sha256 = browser if isinstance(browser, str) else None
    return stream


# -- what the entry becomes ------------------------------------------------------------


def _headers(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple((str(pair[0]), str(pair[1])) for pair in value
                 if isinstance(pair, list) and len(pair) == 2 and not str(pair[0])
                 .startswith(":"))


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def exchange_of(stream: Stream) -> Exchange | None:
    meta = stream.open
    url = _text(meta.get("url"))
    status = meta.get("status")
    if not url.startswith(("http://", "https://")) or not isinstance(status, int):
        return None
    version = _text(meta.get("http_version"), "HTTP/1.1").upper()
    return Exchange(url=url, method=_text(meta.get("method"), "GET"),
                    http_version=version if version.startswith("HTTP/") else "HTTP/1.1",
                    request_headers=_headers(meta.get("request_headers")),
                    request_body=None, status=status,
                    status_text=_text(meta.get("status_text")),
                    response_headers=_headers(meta.get("response_headers")),
                    body=stream.body.getvalue(), server_ip=_text(meta.get("server_ip")) or None,
                    started=_text(meta.get("started")),
                    resource_type=_text(meta.get("resource_type")))


def exchanges_of(received: Received) -> list[Exchange]:
    return [e for s in received.responses if (e := exchange_of(s)) is not None]


def main_document(received: Received, exchanges: list[Exchange]) -> Exchange | None:
    """The page's own answer: the last document for the page's URL, else the first
    document the page loaded."""
    documents = [e for e in exchanges if e.resource_type.lower() == "document"]
    same = [e for e in documents if e.url == received.url]
    return same[-1] if same else (documents[0] if documents else None)


def file_drafts(received: Received) -> list[Draft]:
    found = []
    for stream in received.files:
        name = _text(stream.open.get("name"))
        kind = FILES.get(name) or ((ArtifactRole.SCREENSHOT, "image/png")
                                   if TILE.fullmatch(name) else None)
        if kind is not None and stream.body.getbuffer().nbytes:
            role, media = kind
            found.append(Draft(role, name, media, stream.body.getvalue()))
    return found


def probe_of(received: Received) -> Probe | None:
    value = received.meta.get("probe")
    if not isinstance(value, dict):
        return None
    return probe_of_value(value)
