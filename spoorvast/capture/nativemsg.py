"""Native messaging framing (the browser ⇄ a host program over stdin/stdout).

Each message is UTF-8 JSON preceded by its length as a 32-bit integer in the machine's
byte order. Browsers cap a message to the host at 64 MiB and one to the extension at
1 MB; spoorvast's extension sends bodies in chunks of at most 512 KiB of base64, so the
host refuses anything above :data:`MAX_IN` without reading it into memory. The caller
is named by the browser on the command line: Chromium-family browsers pass the origin
``chrome-extension://<id>/`` as the first argument, Firefox the path of the host
manifest and then the add-on ID.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import BinaryIO

MAX_IN = 4 << 20  # bytes of one message from the extension
MAX_OUT = 1 << 20  # the browser's own limit towards the extension
_LENGTH = struct.Struct("=I")


class FramingError(Exception):
    """The other side sent something that is not a native message we accept."""


def read_message(source: BinaryIO) -> dict[str, object] | None:
    """The next message, or None at the end of input (the browser closed the port)."""
    head = source.read(_LENGTH.size)
    if not head:
        return None
    if len(head) != _LENGTH.size:
        raise FramingError("cut-off length")
    (size,) = _LENGTH.unpack(head)
    if size > MAX_IN:
        raise FramingError("message too large")
    data = source.read(size)
    if len(data) != size:
        raise FramingError("cut-off message")
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise FramingError("not JSON") from exc
    if not isinstance(value, dict):
        raise FramingError("not an object")
    return value


def write_message(sink: BinaryIO, value: dict[str, object]) -> None:
    data = json.dumps(value, ensure_ascii=False).encode("utf-8")
    if len(data) > MAX_OUT:
        raise FramingError("reply too large")
    sink.write(_LENGTH.pack(len(data)) + data)
    sink.flush()


def caller_of(argv: list[str]) -> str:
    """The extension that started the host, as the browser named it: a Chromium origin
    (``chrome-extension://<id>/``) or a Firefox add-on ID (second argument)."""
    if argv and argv[0].startswith("chrome-extension://"):
        return argv[0]
    if len(argv) >= 2 and not argv[1].startswith("-"):
        return argv[1]
    return ""


def stdio() -> tuple[BinaryIO, BinaryIO]:
    return sys.stdin.buffer, sys.stdout.buffer
