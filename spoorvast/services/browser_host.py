"""The native messaging host's work: receive one capture from the browser extension and
write it, encrypted at once, into the vault's inbox (no passphrase needed; it is sealed
into a case at the next unlock by :mod:`spoorvast.services.browser_capture`).

Memory stays flat: each chunk (≤ 512 KiB of base64) is decoded, hashed and encrypted
into the entry as it arrives; nothing is kept but the running SHA-256 of the file being
received. Only the extension pinned here may talk to the host (the browser names the
caller; :func:`allowed`). Replies carry codes, not sentences: the extension shows them
in the user's language from its own catalogs.

Messages from the extension, in order::

    hello                       → ready (the probe script to run in the page)
    begin  {meta}               the page: URL, title, time, browser, extension, case…
    open   {id, kind, …}        a network response (kind "response") or a file ("file")
    chunk  {id, data}           base64 bytes of the open stream
    close  {id, sha256}         → closed (the SHA-256 the browser computed over what it
                                sent; the extension waits for the reply before the next
                                stream, so no more than one stream is ever in flight)
    end                         → done {entry, where: "inbox"}, or, when an unlocked
                                spoorvast sealed it meanwhile (its agent is present),
                                done {entry, where: "sealed", label, account, viewer}
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from nacl.public import PrivateKey

from spoorvast import __version__
from spoorvast.errors import UserError
from spoorvast.model import instant
from spoorvast.storage import inbox

HOST_NAME = "org.spoorvast.capture"
EXTENSION_ID = "mlakbgpbfkhgfpbidejamfeblopdflmm"  # pinned by the "key" of manifest.json
FIREFOX_ID = "capture@spoorvast.org"
ALLOWED = (f"chrome-extension://{EXTENSION_ID}/", FIREFOX_ID)
MAX_CAPTURE = 4 << 30  # bytes of one capture, all streams together
KINDS = ("response", "file")
RECEIPT_WAIT = 20.0  # seconds the host waits for an unlocked spoorvast to seal a capture


class ProtocolError(Exception):
    """A message out of order or malformed; ``code`` is shown by the extension."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def allowed(caller: str) -> bool:
    return caller in ALLOWED


@dataclass
class _Stream:
    id: str
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    size: int = 0


@dataclass
class Receiver:
    """One host process: one capture at a time, from ``begin`` to ``end``."""

    root: Path
    writer: inbox.EntryWriter | None = None
    stream: _Stream | None = None
    received: int = 0
    streams: int = 0
    wait_seconds: float = RECEIPT_WAIT
    reply_key: PrivateKey | None = None

    def handle(self, message: dict[str, object]) -> dict[str, object] | None:
        kind = message.get("type")
        try:
            return self._dispatch(str(kind), message)
        except ProtocolError as exc:
            self.abandon()
            return {"type": "error", "code": exc.code}
        except UserError:
            self.abandon()
            return {"type": "error", "code": "no-inbox"}
        except OSError:  # a full disk, a vault folder gone: nothing half-written is kept
            self.abandon()
            return {"type": "error", "code": "write-failed"}

    def _dispatch(self, kind: str, message: dict[str, object]) -> dict[str, object] | None:
        if kind == "hello":
            return self._hello()
        if kind == "begin":
            return self._begin(message)
        if kind == "open":
            self._open(message)
        elif kind == "chunk":
            self._chunk(message)
        elif kind == "close":
            return self._close(message)
        elif kind == "end":
            return self._end(message)
        else:
            raise ProtocolError("unknown-message")
        return None

    def _hello(self) -> dict[str, object]:
        from spoorvast.capture.probe_script import PROBE_JS

        inbox.public_key(self.root)  # raises when the vault has no inbox yet
        return {"type": "ready", "host": __version__, "probe": PROBE_JS}

    def _begin(self, message: dict[str, object]) -> dict[str, object]:
        meta = message.get("meta")
        if self.writer is not None or not isinstance(meta, dict):
            raise ProtocolError("out-of-order")
        self.writer = inbox.EntryWriter(self.root, inbox.public_key(self.root))
        self.reply_key = PrivateKey.generate()  # one-time: reads this entry's receipt
        self.writer.message({"kind": "meta", "host_version": __version__,
                             "received_at": instant.now("UTC").utc.isoformat(),
                             "reply_key": base64.b64encode(bytes(
                                 self.reply_key.public_key)).decode("ascii"),
                             "meta": meta})
        return {"type": "begun"}

    def _writer(self) -> inbox.EntryWriter:
        if self.writer is None:
            raise ProtocolError("out-of-order")
        return self.writer

    def _open(self, message: dict[str, object]) -> None:
        writer = self._writer()
        if self.stream is not None or message.get("kind") not in KINDS:
            raise ProtocolError("out-of-order")
        self.stream = _Stream(str(message.get("id", "")))
        fields = {k: v for k, v in message.items() if k not in ("type", "kind")}
        writer.message({**fields, "kind": "open", "stream": message.get("kind")})

    def _chunk(self, message: dict[str, object]) -> None:
        writer, stream = self._writer(), self.stream
        if stream is None or message.get("id") != stream.id:
            raise ProtocolError("out-of-order")
        try:
            data = base64.b64decode(str(message.get("data", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProtocolError("bad-chunk") from exc
        self.received += len(data)
        if self.received > MAX_CAPTURE:
            raise ProtocolError("too-large")
        stream.digest.update(data)
        stream.size += len(data)
        writer.body(data)

    def _close(self, message: dict[str, object]) -> dict[str, object]:
        writer, stream = self._writer(), self.stream
        if stream is None or message.get("id") != stream.id:
            raise ProtocolError("out-of-order")
        sha256 = stream.digest.hexdigest()
        writer.message({"kind": "close", "id": stream.id, "sha256": sha256,
                        "size": stream.size, "browser_sha256": message.get("sha256")})
        self.stream = None
        self.streams += 1
        return {"type": "closed", "id": stream.id}  # the extension sends on after this

    def _end(self, message: dict[str, object]) -> dict[str, object]:
        """``meta`` here: page facts known only at the end (Firefox streams the answers
        while the page loads, so it begins before it knows them); added to the first."""
        writer = self._writer()
        late = message.get("meta")
        if self.stream is not None or (late is not None and not isinstance(late, dict)):
            raise ProtocolError("out-of-order")
        writer.message({"kind": "end", "streams": self.streams, "bytes": self.received,
                        **({"meta": late} if late else {})})
        done = writer.finish()
        self.writer, self.received, self.streams = None, 0, 0
        sealed = self._receipt(done.stem)
        if sealed is None:
            return {"type": "done", "where": "inbox", "entry": done.stem}
        return {"type": "done", "where": "sealed", "entry": done.stem,
                **{k: sealed.get(k) for k in ("label", "account", "viewer")}}

    def _receipt(self, entry: str) -> dict[str, object] | None:
        """Where an unlocked spoorvast sealed the entry, when one is running."""
        key, self.reply_key = self.reply_key, None
        if key is None or not inbox.agent_present(self.root):
            return None
        until = time.monotonic() + self.wait_seconds
        while time.monotonic() < until:
            found = inbox.take_receipt(self.root, entry, key)
            if found is not None:
                return found
            time.sleep(0.2)
        return None

    def abandon(self) -> None:
        """Drop an unfinished entry (the browser went away, or a message was wrong)."""
        if self.writer is not None:
            self.writer.abandon()
        self.writer, self.stream, self.received, self.streams = None, None, 0, 0
