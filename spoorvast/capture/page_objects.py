"""The structures of a captured page where platforms keep account data: JSON objects in
``<script>`` and ``<code>`` elements (and JSON strings inside them), JSON-valued
attributes (``data-ft``, ``data-store``) and the attributes of one element taken
together (``<shreddit-post author=… author-id=…>``).

An account ID is only ever read *with* the structure it sits in, so that it can be tied
to a handle in the same object (see ``binding.py``). Hostile pages are bounded: the
parser spends at most a few times the page's length on failed attempts, and keeps at
most ``MAX_NODES`` objects.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_NODES = 400_000
WINDOW = 2048  # first window of a JSON attempt, in characters
_DECODER = json.JSONDecoder()
_SCRIPT = re.compile(r"<(script|code)\b([^>]{0,2000})>(.*?)</\1\s*>", re.I | re.S)
_VALUE = r"""(?:"[^"]{0,20000}"|'[^']{0,20000}'|[^\s"'<>]{1,2000})"""
_TAG = re.compile(r"<([a-zA-Z][\w:-]{0,60})((?:\s+[^\s=<>\"'/]{1,80}(?:\s*=\s*" + _VALUE
                  + r")?){1,300})\s*/?>")  # a quoted value may hold ">"
_ATTR = re.compile(r"""([^\s=<>/"']{1,80})\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_JSON_START = re.compile(r"[{\[]\s*\"")
_LD = re.compile(r"application/ld\+json", re.I)


@dataclass(frozen=True, slots=True)
class Node:
    """One object of the page, and whether it lies inside the viewer's own data."""

    data: dict[str, object]
    viewer: bool


@dataclass(slots=True)
class Budget:
    chars: int
    nodes: int = MAX_NODES

    def spend(self, count: int) -> bool:
        self.chars -= max(count, 1)
        return self.chars > 0


def page_nodes(text: str, attr_keys: frozenset[str], viewer_objects: frozenset[str],
               viewer_markers: frozenset[tuple[str, str]] = frozenset()
               ) -> tuple[list[Node], bool]:
    """Every object of the page that may hold account data, in page order, and whether
    reading stopped at a limit (the rest of the page was not read)."""
    budget = Budget(chars=3 * len(text) + (1 << 20))
    found: list[Node] = []
    walker = _Walker(found, budget, viewer_objects, viewer_markers)
    for match in _SCRIPT.finditer(text):
        if _LD.search(match.group(2)):
            continue
        body = match.group(3)
        for value in json_values(html.unescape(body) if match.group(1).lower() == "code"
                                 else body, budget):
            walker.walk(value)
    for attrs in _elements(text, attr_keys):
        walker.walk(attrs)
    return found, budget.chars <= 0 or len(found) >= budget.nodes


def json_values(text: str, budget: Budget) -> Iterator[object]:
    """JSON objects and arrays found in a script body (``x = {…};`` or plain JSON)."""
    pos = 0
    while budget.chars > 0:
        start = _JSON_START.search(text, pos)
        if start is None:
            return
        found = _decode_at(text, start.start(), budget)
        if found is None:
            pos = start.start() + 1
            continue
        yield found[0]
        pos = found[1]


def _decode_at(text: str, start: int, budget: Budget) -> tuple[object, int] | None:
    """The JSON value at ``start``, read from a window that grows only while the value
    may be cut by the window's end, so that a failed attempt costs its window, not the
    whole text (``JSONDecodeError`` counts lines from the start of what it was given).
    The budget is charged what was parsed, plus a sixteenth of each window copied."""
    size = WINDOW
    while budget.chars > 0:
        window = text[start:start + size]
        try:
            value, used = _DECODER.raw_decode(window)
        except json.JSONDecodeError as exc:
            scanned = len(window) if _unterminated(exc) else exc.pos
            budget.spend(scanned + len(window) // 16)
            if start + size >= len(text) or not _maybe_cut(exc, len(window)):
                return None
            size *= 4
            continue
        except RecursionError:  # nesting deeper than Python's stack: not a page's data
            budget.spend(len(window))
            return None
        budget.spend(used + len(window) // 16)
        return value, start + used
    return None


def _maybe_cut(exc: json.JSONDecodeError, size: int) -> bool:
    """Whether the error may come from the window's end (a cut token, escape or string)."""
    return exc.pos >= size - 32 or _unterminated(exc)


def _unterminated(exc: json.JSONDecodeError) -> bool:
    """A string that runs to the end (its error names where the string started)."""
    return exc.msg.startswith("Unterminated string")


def _elements(text: str, attr_keys: frozenset[str]) -> Iterator[dict[str, object]]:
    for tag in _TAG.finditer(text):
        attrs = {m.group(1).lower(): html.unescape(m.group(2) if m.group(2) is not None
                                                   else m.group(3) or "")
                 for m in _ATTR.finditer(tag.group(2))}
        wanted = {k: v for k, v in attrs.items()
                  if k in attr_keys or v.lstrip()[:2] in ('{"', '[{')}
        if wanted:
            yield dict(wanted)


class _Walker:
    """Flattens JSON values into nodes, iteratively (no recursion on hostile depth)."""

    def __init__(self, found: list[Node], budget: Budget, viewer_objects: frozenset[str],
                 viewer_markers: frozenset[tuple[str, str]]) -> None:
        self.found, self.budget = found, budget
        self.viewer_objects, self.viewer_markers = viewer_objects, viewer_markers

    def walk(self, value: object) -> None:
        stack: list[tuple[object, bool]] = [(value, False)]
        while stack and len(self.found) < self.budget.nodes:
            item, viewer = stack.pop()
            if isinstance(item, dict):
                viewer = viewer or self._is_viewer(item)
                self.found.append(Node(item, viewer))
                stack.extend(reversed([(v, viewer or str(k) in self.viewer_objects)
                                       for k, v in item.items()]))
            elif isinstance(item, list):  # a list in "me" data lists others (friends,
                stack.extend(reversed([(v, False) for v in item]))  # searches): not "me"
            elif isinstance(item, str) and item[:2] in ('{"', '[{'):
                stack.extend((v, viewer) for v in json_values(item, self.budget))

    def _is_viewer(self, item: dict[str, object]) -> bool:
        return any(item.get(key) == value for key, value in self.viewer_markers)
