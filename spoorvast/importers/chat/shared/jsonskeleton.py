"""The structure of a JSON document read in pieces, without its big arrays.

A streamed reader hands every byte that is *not* inside a streamed array to a
:class:`Skeleton`: it keeps that text (small: headers, a contact list) and follows the
structure token by token, so the reader always knows the JSON path it is at (``/chats/
list/3/messages``), where the enclosing objects began (to read a chat's header) and the
values of the root's members (``personal_information``). Pieces must end between tokens
(the streamed reader cuts at line ends: a JSON string cannot hold a raw newline).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import orjson

JsonPath = tuple[str | int, ...]
_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+|"')
_OPEN, _CLOSE = b"{[", b"}]"
OBJECT, ARRAY = ord("{"), ord("[")


@dataclass(slots=True)
class Frame:
    kind: int  # OBJECT or ARRAY
    start: int  # offset of the opening bracket in the skeleton text
    key: str = ""  # object: the member being read
    index: int = 0  # array: the element being read
    want_key: bool = True

    def child(self) -> str | int:
        return self.key if self.kind == OBJECT else self.index


@dataclass
class Skeleton:
    text: bytearray = field(default_factory=bytearray)
    stack: list[Frame] = field(default_factory=list)
    root: int | None = None  # OBJECT, ARRAY, or 0 for a scalar
    keys: set[str] = field(default_factory=set)  # the root object's members
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # root members' values
    lists: set[str] = field(default_factory=set)  # X of every array at /X/list
    error_at: int | None = None  # position in the piece where the structure broke
    closed: bool = False  # the root value is complete

    def feed(self, piece: bytes) -> None:
        """Follow one more piece; on a structural error, ``error_at`` is its position
        in the piece and the rest is ignored."""
        if self.error_at is not None:
            return
        base = len(self.text)
        self.text += piece
        for token in _TOKEN.finditer(piece):
            if not self._token(token.group(), base + token.start()):
                self.error_at = token.start()
                return

    def path(self) -> JsonPath:
        """The path of the innermost open container."""
        return tuple(frame.child() for frame in self.stack[:-1])

    def enclosing(self, depth: int = 2) -> int:
        """Where the ``depth``-th innermost open container began in the text."""
        return self.stack[-depth].start

    def value(self, key: str) -> object | None:
        """A root member's value, parsed (None when absent; a streamed array's members
        are not kept)."""
        span = self.spans.get(key)
        return None if span is None else parse_loose(bytes(self.text[span[0]:span[1]]))

    def _token(self, token: bytes, at: int) -> bool:
        first = token[0]
        if first in _OPEN:
            return self._open(first, at)
        if first in _CLOSE:
            return self._close(first, at)
        if token == b'"' or self.closed:  # an unterminated string; or after the end
            return False
        if not self.stack:  # a scalar document
            self.root, self.closed = 0, True
            return True
        top = self.stack[-1]
        if first == ord(","):
            top.want_key = True
            top.index += 1
        elif first == ord(":"):
            top.want_key = False
        elif first == ord('"') and top.kind == OBJECT and top.want_key:
            top.key = decode_key(token)
            if len(self.stack) == 1:
                self.keys.add(top.key)
        elif len(self.stack) == 1 and top.kind == OBJECT:  # a root member's scalar value
            self.spans[top.key] = (at, at + len(token))
        return True

    def _open(self, kind: int, at: int) -> bool:
        if self.closed or (self.stack and self.stack[-1].kind == OBJECT
                           and self.stack[-1].want_key):
            return False
        if self.root is None:
            self.root = kind
        if kind == ARRAY and len(self.stack) == 2 and self.stack[1].key == "list":
            self.lists.add(self.stack[0].key)
        self.stack.append(Frame(kind, at))
        return True

    def _close(self, kind: int, at: int) -> bool:
        if not self.stack or self.stack[-1].kind != kind - 2:  # "}" - 2 == "{"
            return False
        frame = self.stack.pop()
        if len(self.stack) == 1 and self.root == OBJECT:
            self.spans[self.stack[0].key] = (frame.start, at + 1)
        self.closed = not self.stack
        return True


def decode_key(token: bytes) -> str:
    if b"\\" not in token:
        return token[1:-1].decode("utf-8", errors="replace")
    try:
        value = json.loads(token.decode("utf-8", errors="replace"))
    except ValueError:
        return token[1:-1].decode("utf-8", errors="replace")
    return value if isinstance(value, str) else ""


def parse_loose(data: bytes) -> object | None:
    """A small JSON value (a header, a root member), or None when it does not parse."""
    try:
        parsed: object = orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    else:
        return parsed
    try:
        value: object = json.loads(data.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return value
