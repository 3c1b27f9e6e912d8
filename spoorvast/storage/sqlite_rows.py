"""Rows of the embedded vault's tables to records and back."""

from __future__ import annotations

import json
from typing import Any

from spoorvast.model import serialize
from spoorvast.model.instant import Instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Correction,
    CustodyEntry,
    Finding,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    ItemKind,
    Party,
    PartyRole,
    Severity,
    Withdrawal,
)

Row = tuple[Any, ...]


def dumps(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(serialize.to_json(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def instant(text: str | None) -> Instant | None:
    data = loads(text)
    return None if data is None else Instant.from_json(data)


def required_instant(text: str) -> Instant:
    value = instant(text)
    if value is None:
        raise ValueError("missing instant")
    return value


CASE_COLUMNS = "id, title, language, time_zone, created_at, description"


def case(row: Row) -> Case:
    return Case(id=row[0], title=row[1], language=row[2], time_zone=row[3],
                created_at=required_instant(row[4]), description=row[5])


ITEM_COLUMNS = "id, case_id, number, kind, title, acquired_at, importer, file, media"


def item(row: Row) -> Item:
    return Item(
        id=row[0], case_id=row[1], number=row[2], kind=ItemKind(row[3]), title=row[4],
        acquired_at=required_instant(row[5]), importer=row[6],
        file=serialize.file_facts(loads(row[7])), media=serialize.media_facts(loads(row[8])),
    )


ARTIFACT_COLUMNS = "id, item_id, role, media_type, size, sha256, name, created_at, derived_from"


def artifact(row: Row) -> Artifact:
    return Artifact(
        id=row[0], item_id=row[1], role=ArtifactRole(row[2]), media_type=row[3], size=row[4],
        sha256=row[5], name=row[6], created_at=required_instant(row[7]), derived_from=row[8],
    )


PARTY_COLUMNS = "id, case_id, role, name, notes"


def party(row: Row) -> Party:
    return Party(id=row[0], case_id=row[1], role=PartyRole(row[2]), name=row[3], notes=row[4])


IDENTIFIER_COLUMNS = (
    "id, case_id, kind, value, party_id, platform, stable_id, status, item_id, location"
)


def identifier(row: Row) -> Identifier:
    return Identifier(
        id=row[0], case_id=row[1], kind=IdentifierKind(row[2]), value=row[3], party_id=row[4],
        platform=row[5], stable_id=row[6], status=IdentifierStatus(row[7]), item_id=row[8],
        location=serialize.location(loads(row[9])),
    )


FINDING_COLUMNS = "id, case_id, item_id, severity, code, params, location"


def finding(row: Row) -> Finding:
    params = tuple((str(k), str(v)) for k, v in loads(row[5]))
    return Finding(
        id=row[0], case_id=row[1], item_id=row[2], severity=Severity(row[3]), code=row[4],
        params=params, location=serialize.location(loads(row[6])),
    )


WITHDRAWAL_COLUMNS = "item_id, case_id, at, reason"


def withdrawal(row: Row) -> Withdrawal:
    return Withdrawal(item_id=row[0], case_id=row[1], at=required_instant(row[2]),
                      reason=row[3])


CORRECTION_COLUMNS = "item_id, case_id, supersedes, at, reason"


def correction(row: Row) -> Correction:
    return Correction(item_id=row[0], case_id=row[1], supersedes=row[2],
                      at=required_instant(row[3]), reason=row[4])


CUSTODY_COLUMNS = "chain, seq, at, actor, action, subject, payload, prev_hash, hash"


def custody(row: Row) -> CustodyEntry:
    return CustodyEntry(
        chain=row[0], seq=row[1], at=row[2], actor=row[3], action=row[4], subject=row[5],
        payload=json.loads(row[6]), prev_hash=row[7], hash=row[8],
    )
