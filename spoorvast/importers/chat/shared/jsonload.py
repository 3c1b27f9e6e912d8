"""Loading platform JSON exports without trusting them.

* A UTF-8 byte order mark is skipped.
* Invalid ``\\xHH`` escapes (Telegram Desktop writes them) are read as ``\\u00HH`` and
  counted; the sealed original keeps its bytes.
* Lone surrogates (``\\ud800``) are accepted here; callers replace them when storing.
* Bytes that are not UTF-8 are read with U+FFFD and reported.
* A document that ends early (truncated) or breaks in the middle is cut back to its last
  complete array element and closed, so every record before that point is read; the
  finding names the byte offset in the original.

Parsed JSON is reached only through the small typed getters below, so no untyped value
leaves this module's callers.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from spoorvast.importers.chat.shared import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.model.records import Location, Problem, Severity

JsonObject = dict[str, object]
_BOM = b"\xef\xbb\xbf"
_BAD_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*(?:"|$)|[\[\]{}]', re.DOTALL)
_CLOSE = {"{": "}", "[": "]"}


@dataclass
class Loaded:
    value: object | None
    problems: list[Problem] = field(default_factory=list)
    repaired: int = 0
    cut_at: int | None = None  # byte offset in the original where reading stopped


def load_json(data: bytes, sha256: str) -> Loaded:
    skip = len(_BOM) if data.startswith(_BOM) else 0
    body, shifts = repair_escapes(data[skip:])
    loaded = Loaded(None, repaired=len(shifts))
    try:
        loaded.value = orjson.loads(body)
    except orjson.JSONDecodeError:
        _slow_load(body, loaded, sha256, lambda pos: skip + unshift(pos, shifts))
    if shifts:
        loaded.problems.insert(0, Problem(Severity.WARNING, "chat.escapes-repaired",
                                          (("count", str(len(shifts))),),
                                          Location(artifact_sha256=sha256)))
    return loaded


def repair_escapes(body: bytes) -> tuple[bytes, list[int]]:
    """``\\xHH`` -> ``\\u00HH``; the positions (in the repaired text) of each repair."""
    if b"\\x" not in body:
        return body, []
    shifts: list[int] = []

    def fix(match: re.Match[bytes]) -> bytes:
        shifts.append(match.start() + 2 * len(shifts))
        return match.group(1) + b"\\u00" + match.group(2)

    return _BAD_ESCAPE.sub(fix, body), shifts


def unshift(pos: int, shifts: list[int]) -> int:
    """A byte offset in the repaired text, as an offset in the original."""
    return pos - 2 * bisect.bisect_left(shifts, pos)


def _slow_load(body: bytes, loaded: Loaded, sha256: str,
               original_offset: Callable[[int], int]) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = body.decode("utf-8", errors="replace")
        loaded.problems.append(Problem(
            Severity.WARNING, "chat.encoding",
            (("where", f"byte {original_offset(exc.start)}"), ("encoding", "UTF-8 (U+FFFD)")),
            Location(artifact_sha256=sha256, byte_start=original_offset(exc.start))))
    try:
        loaded.value = json.loads(text)
        return
    except json.JSONDecodeError as exc:
        position = exc.pos
        truncated = exc.msg.startswith("Unterminated string") or not text[position:].strip()
    end = len(body) if truncated else len(text[:position].encode("utf-8", "surrogatepass"))
    offset = original_offset(end)
    loaded.cut_at = offset
    code = "chat.json-truncated" if truncated else "chat.json-invalid"
    loaded.problems.append(Problem(Severity.ERROR, code, (("offset", str(offset)),),
                                   Location(artifact_sha256=sha256, byte_start=offset)))
    loaded.value = salvage(text[:position])


def salvage(text: str) -> object | None:
    """The longest prefix of a broken document that ends after a complete array
    element, closed; None when there is no such prefix."""
    stack: list[str] = []
    cut: tuple[int, str] | None = None
    for token in _TOKEN.finditer(text):
        char = token.group()[0]
        if char in "{[":
            stack.append(char)
        elif char in "]}":
            if not stack or _CLOSE[stack.pop()] != char:
                break
            if stack and stack[-1] == "[":
                cut = (token.end(), "".join(_CLOSE[c] for c in reversed(stack)))
    if cut is None:
        return None
    try:
        value: object = json.loads(text[:cut[0]] + cut[1])
    except json.JSONDecodeError:
        return None
    return value


# -- typed access ---------------------------------------------------------------------


def obj(value: object) -> JsonObject | None:
    return value if isinstance(value, dict) else None


def arr(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def integer(value: object) -> int | None:
    """An int, or a string of digits (Telegram writes ``"date_unixtime": "1772…"``)."""
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)  # the usual case, first
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def get_str(record: JsonObject, key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def scalar(value: object) -> str | None:
    """A string or number as text (IDs are either, depending on the exporter)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int):
        return str(value)
    return None


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer: ``pointer("messages", 17)`` -> ``/messages/17``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def without_surrogates(text: str) -> tuple[str, bool]:
    """Lone surrogates (from JSON ``\\ud800`` escapes) cannot be stored as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text), True
    return text, False


_SURROGATE = re.compile("[\ud800-\udfff]")
