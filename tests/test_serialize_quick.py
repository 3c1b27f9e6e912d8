"""``serialize.replaced`` makes exactly what ``dataclasses.replace`` makes (the same
``__init__`` runs), and leaves the classes it cannot call in order to ``replace``."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from spoorvast.model.instant import Instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Identifier,
    IdentifierKind,
    Item,
    ItemKind,
    Location,
)
from spoorvast.model.serialize import replaced


def test_records_are_copied_as_replace_copies_them() -> None:
    at = Instant.from_json({"utc": "2026-03-03T12:00:00+00:00", "offset_seconds": 3600,
                            "source": "clock", "precision": "second",
                            "zone": "Europe/Brussels", "raw": None})
    item = Item(None, 1, 0, ItemKind.EMAIL, "t", at, "email", None, None)
    artifact = Artifact(None, None, ArtifactRole.ORIGINAL, "message/rfc822", 3, "a" * 64,
                        "m.eml", at, "b" * 64)
    identifier = Identifier(None, 1, IdentifierKind.EMAIL, "a@example.org",
                            location=Location("a" * 64, field="From"))
    for value, changes in ((item, {"id": 5, "number": 2}), (artifact, {"id": 1, "item_id": 5}),
                           (identifier, {"item_id": 5}), (identifier, {})):
        made = replaced(value, **changes)
        assert made == dataclasses.replace(value, **changes)  # type: ignore[type-var]
        assert type(made) is type(value) and made is not value


@dataclasses.dataclass(frozen=True)
class _Checked:
    a: int
    b: int = 0
    c: dataclasses.InitVar[int] = 0

    def __post_init__(self, c: int) -> None:
        if self.a < 0:
            raise ValueError("a")


@dataclasses.dataclass(frozen=True)
class _KeywordOnly:
    a: int
    b: int = dataclasses.field(default=0, kw_only=True)


@dataclasses.dataclass
class _NotInInit:
    a: int
    b: int = dataclasses.field(default=7, init=False)


@dataclasses.dataclass(init=False)
class _OwnInit:
    a: int
    b: int

    def __init__(self, b: int, a: int) -> None:  # the fields in another order
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)


def test_other_classes_and_unknown_names_take_replace_and_its_errors() -> None:
    assert replaced(_OwnInit(1, 2), a=5) == dataclasses.replace(_OwnInit(1, 2), a=5)
    assert replaced(_OwnInit(b=1, a=2), a=5).b == 1
    assert replaced(_Checked(1), b=2) == dataclasses.replace(_Checked(1), b=2)
    assert replaced(_Checked(1), b=2, c=3) == _Checked(1, 2)
    with pytest.raises(ValueError, match="a"):  # __post_init__ still runs
        replaced(_Checked(1), a=-1, c=0)
    assert replaced(_KeywordOnly(1, b=2), a=3) == _KeywordOnly(3, b=2)
    assert replaced(_NotInInit(1), a=2).b == 7
    with pytest.raises(TypeError):
        replaced(_KeywordOnly(1), nope=1)
    with pytest.raises(TypeError):
        replaced(Location("a" * 64), nope=1)


def _reference(value: object) -> object:
    """``to_json`` as it was written before its quick paths (53fded5)."""
    import enum

    if isinstance(value, Instant):
        return value.to_json()
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_reference(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _reference(v) for k, v in value.items()}
    return value


def test_to_json_of_records_is_what_the_general_walk_gives() -> None:
    from spoorvast.model.records import FileFacts, MediaFacts, Severity
    from spoorvast.model.serialize import to_json

    at = Instant.from_json({"utc": "2026-03-03T12:00:00.250000+00:00", "offset_seconds": 0,
                            "source": "clock", "precision": "microsecond", "zone": None,
                            "raw": "x"})
    facts = FileFacts("é.eml", 12, "message/rfc822", at, None)
    media = MediaFacts(width=3, height=4, duration_seconds=1.5, codecs=("a", "b"))
    values: list[object] = [
        Item(None, 1, 0, ItemKind.EMAIL, "t", at, "email", facts, media),
        Identifier(3, 1, IdentifierKind.PHONE, "+32470123456", item_id=4,
                   location=Location("a" * 64, region=(1, 2, 3, 4))),
        Artifact(1, 2, ArtifactRole.ATTACHMENT, "a/b", 3, "a" * 64, "n", at, None),
        {"k": [Severity.WARNING, (1, 2.5), {3: None}], "i": at}, [ItemKind.EMAIL, True]]
    for value in values:  # the same bytes: key order, true not 1
        for _ in range(2):  # the second time: the kinds kept
            assert orjson.dumps(to_json(value)) == orjson.dumps(_reference(value))
