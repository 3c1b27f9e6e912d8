"""Records to and from plain JSON values (for storage columns and custody payloads).

Instants become their ``to_json`` dicts, enums their values, tuples lists. The result
only holds str, int, float, bool, None, list and dict, so it canonicalises (RFC 8785).
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
from typing import Any, TypeVar

from spoorvast.model.instant import Instant
from spoorvast.model.records import FileFacts, Location, MediaFacts

T = TypeVar("T")


_PLAIN = frozenset((str, int, float, bool, type(None)))
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # per class: its dataclass fields, or None


def to_json(value: object) -> Any:
    """Dispatch on the exact type first (this runs for every record written: a custody
    payload per row); subclasses (a StrEnum member is a str) take the general path."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {str(k): to_json(v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind is list or kind is tuple:
        return [to_json(v) for v in value]  # type: ignore[attr-defined]
    if kind not in _FIELDS:
        _FIELDS[kind] = (tuple(f.name for f in dataclasses.fields(kind))
                         if dataclasses.is_dataclass(kind) and not issubclass(kind, Instant)
                         else None)
    names = _FIELDS[kind]
    if names is not None:
        # a field of a plain type is itself (to_json's first test), without the call:
        # most fields of a record are (a stored e-mail's four records: a third of the time)
        out: dict[str, Any] = {}
        for name in names:
            field = getattr(value, name)
            out[name] = field if type(field) in _PLAIN else to_json(field)
        return out
    if kind in _ENUMS:
        return value.value  # type: ignore[attr-defined]
    if isinstance(value, enum.Enum) and not isinstance(value, Instant):
        _ENUMS.add(kind)  # what _general gives it, found without its other tests
    return _general(value)


_ENUMS: set[type] = set()


_POSITIONAL: dict[type, tuple[tuple[str, ...], frozenset[str]] | None] = {}


def replaced(value: T, /, **changes: Any) -> T:
    """``dataclasses.replace(value, **changes)``, the same object made by the same
    ``__init__``, with the field values given in order: a stored record is copied
    with its new id five times per e-mail of an mbox, and ``replace`` walks the
    fields' definitions each time (12 -> 4 µs). A class whose fields cannot all be
    given in order (keyword-only or not in ``__init__``, an ``InitVar``), or an
    unknown name, takes ``dataclasses.replace`` itself (and its error)."""
    kind = type(value)
    if kind not in _POSITIONAL:
        _POSITIONAL[kind] = _positional(kind)
    known = _POSITIONAL[kind]
    if known is None or not changes.keys() <= known[1]:
        return dataclasses.replace(value, **changes)  # type: ignore[type-var]
    return kind(*[changes[name] if name in changes else getattr(value, name)
                  for name in known[0]])


def _positional(kind: type) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The field names, when ``kind(*values)`` binds as ``replace``'s ``kind(**values)``:
    its ``__init__`` (generated or not) takes exactly the fields, in order, each by
    position or keyword."""
    if not dataclasses.is_dataclass(kind):
        return None
    names = tuple(f.name for f in dataclasses.fields(kind) if f.init)
    try:
        params = list(inspect.signature(kind.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return None
    if tuple(p.name for p in params) != names or any(
            p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params) \
            or len(names) != len(dataclasses.fields(kind)):
        return None
    return names, frozenset(names)


def _general(value: object) -> Any:
    if isinstance(value, Instant):
        return value.to_json()
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def _instant(data: object) -> Instant | None:
    return Instant.from_json(data) if isinstance(data, dict) else None


def file_facts(data: dict[str, Any] | None) -> FileFacts | None:
    if data is None:
        return None
    return FileFacts(
        original_name=data["original_name"],
        size=int(data["size"]),
        media_type=data["media_type"],
        modified_at=_instant(data.get("modified_at")),
        changed_at=_instant(data.get("changed_at")),
    )


def media_facts(data: dict[str, Any] | None) -> MediaFacts | None:
    if data is None:
        return None
    return MediaFacts(
        width=data.get("width"),
        height=data.get("height"),
        taken_at=_instant(data.get("taken_at")),
        device=data.get("device"),
        gps_present=data.get("gps_present"),
        perceptual_hash=data.get("perceptual_hash"),
        duration_seconds=data.get("duration_seconds"),
        codecs=tuple(data.get("codecs") or ()),
        recorded_at=_instant(data.get("recorded_at")),
        page_count=data.get("page_count"),
        frame_count=data.get("frame_count"),
    )


def location(data: dict[str, Any] | None) -> Location | None:
    if data is None:
        return None
    region = data.get("region")
    return Location(
        artifact_sha256=data.get("artifact_sha256"),
        line=data.get("line"),
        byte_start=data.get("byte_start"),
        byte_end=data.get("byte_end"),
        field=data.get("field"),
        region=tuple(region) if region else None,
    )
