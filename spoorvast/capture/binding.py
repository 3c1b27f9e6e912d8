"""Tie an account ID to the account the URL names, and recognise the viewer's own.

A page captured while logged in holds the viewer's IDs (often first), and a profile or
post page holds the IDs of every account it mentions. So an ID is never taken because
it is *in* the page: it must sit in the same object as the URL's handle, be the author
of the URL's post, or be page-level metadata about the page itself, and it must not be
the viewer's. When two different IDs qualify, none is taken (``ambiguous``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spoorvast.capture.page_objects import Node
from spoorvast.capture.page_shapes import INNER_VIEWER_KEYS, Shapes


@dataclass(frozen=True, slots=True)
class Want:
    """What the URL names: the account's handle or stable ID, or a post."""

    platform: str
    kind: str
    host: str
    handle: str | None = None
    stable: str | None = None
    post: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    stable_id: str
    rank: int  # which group of the platform's ID format matched (lower is better)
    source: str  # page, post, json-ld, meta, canonical


@dataclass(frozen=True, slots=True)
class Viewer:
    ids: frozenset[str]
    handle: str | None = None

    @property
    def one(self) -> str | None:
        return next(iter(self.ids)) if len(self.ids) == 1 else None


def stable_of(shapes: Shapes, value: object) -> tuple[str, int] | None:
    """(the stable ID, its rank) when ``value`` is in the platform's ID format."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    match = shapes.id_format.fullmatch(str(value).strip())
    if match is None:
        return None
    return next(((g, i) for i, g in enumerate(match.groups()) if g), None)


def norm_handle(shapes: Shapes, key: str, value: object, host: str,
                keep_case: bool = False) -> str | None:
    """The handle a value names (``@h``, ``/@h``, a profile link), lower case to compare."""
    if not isinstance(value, str) or not value.strip():
        return None
    last = value.strip().rstrip("/").rsplit("/", 1)[-1]
    if shapes.handle_mark and not last.startswith(shapes.handle_mark):
        return None
    last = last.lstrip("@") if keep_case else last.lstrip("@").lower()
    if key in shapes.acct_keys and "@" not in last:
        last = f"{last}@{host}"
    return last or None


# -- the viewer -------------------------------------------------------------------


def viewer_of(shapes: Shapes, nodes: list[Node], host: str) -> Viewer:
    ids = set(_viewer_ids(shapes, nodes))
    handle = next((h for n in nodes if (h := _handle_for(shapes, n, ids, host))), None)
    return Viewer(frozenset(ids), handle)


def _viewer_ids(shapes: Shapes, nodes: list[Node]) -> Iterator[str]:
    inner = (*shapes.id_keys, *INNER_VIEWER_KEYS)
    refs = {str(n.data[k]) for n in nodes for k in shapes.viewer_refs if k in n.data}
    for node in nodes:
        keys: Iterable[str] = shapes.viewer_keys
        if node.viewer:
            keys = (*keys, *inner)
        elif refs and str(node.data.get("id")) in refs:
            keys = shapes.id_keys
        for key in keys:
            found = stable_of(shapes, node.data.get(key))
            if found:
                yield found[0]


def _handle_for(shapes: Shapes, node: Node, ids: set[str], host: str) -> str | None:
    if not ids or not _ids_of(shapes, node.data) & ids:
        return None
    return next((h for k in shapes.handle_keys
                 if (h := norm_handle(shapes, k, node.data.get(k), host, keep_case=True))),
                None)


def _ids_of(shapes: Shapes, data: dict[str, object]) -> set[str]:
    return {f[0] for k in shapes.id_keys if (f := stable_of(shapes, data.get(k)))}


# -- the account the URL names ----------------------------------------------------


def by_handle(shapes: Shapes, nodes: list[Node], want: Want) -> Iterator[Candidate]:
    """IDs of objects (outside the viewer's data) that hold the URL's handle."""
    for node in nodes:
        if not node.viewer and _holds_handle(shapes, node.data, want):
            found = _first_id(shapes, node.data, shapes.id_keys)
            if found:
                yield Candidate(found[0], found[1], "page")


def _holds_handle(shapes: Shapes, data: dict[str, object], want: Want) -> bool:
    objects = [data, *(v for k in shapes.nested if isinstance(v := data.get(k), dict))]
    return any(norm_handle(shapes, k, obj.get(k), want.host) == want.handle
               for obj in objects for k in shapes.handle_keys if k in obj)


def _first_id(shapes: Shapes, data: dict[str, object],
              keys: Iterable[str]) -> tuple[str, int] | None:
    return next((f for k in keys if (f := stable_of(shapes, data.get(k)))), None)


def by_post(shapes: Shapes, nodes: list[Node], want: Want) -> Iterator[tuple[Candidate,
                                                                           str | None]]:
    """The author (ID, handle) of the object of the URL's post."""
    for node in nodes:
        if node.viewer or not _is_post(shapes, node.data, want.post or ""):
            continue
        author = _author(shapes, node.data, want.host)
        if author is not None:
            yield author


def _is_post(shapes: Shapes, data: dict[str, object], post: str) -> bool:
    return bool(post) and any(post.lower() in _post_forms(data.get(k))
                              for k in shapes.post_keys if k in data)


def _post_forms(value: object) -> set[str]:
    """``t3_abc``, ``highlight:17``, ``314_48`` (media_user) all name the post."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return set()
    text = str(value).lower()
    last = text.rsplit(":", 1)[-1]
    head, _, tail = last.partition("_")
    return {text, last, head, tail}


def _author(shapes: Shapes, data: dict[str, object],
            host: str) -> tuple[Candidate, str | None] | None:
    direct = _first_id(shapes, data, shapes.author_id_keys)
    if direct:
        return Candidate(direct[0], direct[1], "post"), _own_handle(shapes, data, host)
    level = [data]
    for _depth in range(3):
        level = [v for obj in level for k in shapes.author_keys
                 for v in _children(obj.get(k))]
        for obj in level:
            found = _first_id(shapes, obj, shapes.id_keys)
            if found:
                return Candidate(found[0], found[1], "post"), _own_handle(shapes, obj, host)
    return None


def _children(value: object) -> list[dict[str, object]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return [value[0]]
    return []


def _own_handle(shapes: Shapes, data: dict[str, object], host: str) -> str | None:
    objects = [data, *(v for k in shapes.nested if isinstance(v := data.get(k), dict))]
    return next((h for obj in objects for k in shapes.handle_keys
                 if (h := norm_handle(shapes, k, obj.get(k), host, keep_case=True))), None)


def handle_of(shapes: Shapes, nodes: list[Node], stable: str, host: str) -> str | None:
    """The handle held in the same object as a known stable ID (outside viewer data)."""
    for node in nodes:
        if not node.viewer and stable in _ids_of(shapes, node.data):
            handle = _own_handle(shapes, node.data, host)
            if handle:
                return handle
    return None


NAME_KEYS = ("full_name", "fullName", "display_name", "displayName", "name")
MAX_NAME = 200


def display_name_of(shapes: Shapes, nodes: list[Node], stable: str) -> str | None:
    """The display name held in the same object as a known stable ID (outside viewer
    data): a key the platform does not use for handles or posts (Reddit's ``name`` is
    its ``t2_`` ID). Names change freely; the stable ID ties them to one account."""
    taken = {k.lower() for k in (*shapes.handle_keys, *shapes.post_keys)}
    keys = [k for k in NAME_KEYS if k.lower() not in taken]
    for node in nodes:
        if node.viewer or stable not in _ids_of(shapes, node.data):
            continue
        for key in keys:
            value = node.data.get(key)
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())[:MAX_NAME]
    return None


def unbound_ids(shapes: Shapes, nodes: list[Node], viewer: Viewer) -> int:
    """How many distinct account-shaped IDs the page holds that were not the viewer's."""
    keys = (*shapes.id_keys, *shapes.author_id_keys)
    return len({f[0] for n in nodes if not n.viewer for k in keys
                if (f := stable_of(shapes, n.data.get(k)))} - viewer.ids)
