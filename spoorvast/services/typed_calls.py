"""Calls the user types in (from memory or the phone's screen), and their corrections.

One item per call: the typed record as its sealed original (canonical JSON), one call
event, the caller's number as a proposed identifier. A call from a hidden number has no
caller; the victim's own number that was called (the police ask for it when the caller
is unknown) is stored with the record and as a confirmed phone identifier of the victim.
Everything is checked before anything is written: a refused call leaves nothing behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from spoorvast.analysis.phones import e164, zone_country
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model import instant
from spoorvast.model.custody import canonical
from spoorvast.model.instant import Instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Event,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    ItemKind,
    PartyRole,
)
from spoorvast.services import withdrawals
from spoorvast.storage.vault import Vault

TYPED_CALL = "typed-call"
DIRECTIONS = ("in", "out", "missed")


@dataclass(frozen=True, slots=True)
class TypedCall:
    number: str | None  # as typed; None: the number was hidden
    at: str  # as typed, in the case's time zone unless it carries an offset
    direction: str  # in, out, missed
    duration: int | None = None  # seconds
    called: str | None = None  # the victim's own number that was called, as typed


@dataclass(frozen=True, slots=True)
class _Checked:
    number: str | None  # E.164
    called: str | None  # E.164
    moment: Instant


def add_call(vault: Vault, case: Case, call: TypedCall, corrects: Item | None = None,
             reason: str = "") -> Item:
    """Seal the call; ``corrects``: the typed call record it replaces (which stays sealed,
    see services/withdrawals.py)."""
    if corrects is not None:
        if corrects.importer != TYPED_CALL:
            raise UserError(_("{label} is not a typed call record.").format(
                label=corrects.label))
        reason = withdrawals.correctable(vault, case, corrects, reason)
    checked = _check(case, call)
    return _store(vault, case, call, checked, (corrects, reason))


def _check(case: Case, call: TypedCall) -> _Checked:
    if call.direction not in DIRECTIONS:
        raise UserError(_("The direction is in, out or missed."))
    if call.duration is not None and call.duration < 0:
        raise UserError(_("A duration cannot be negative."))
    country = zone_country(case.time_zone)
    number = None if call.number is None else _phone(call.number, country)
    called = _phone(call.called, country) if call.called else None
    try:
        moment = instant.from_user_text(call.at, case.time_zone)
    except ValueError as exc:
        raise UserError(_("{text} is not a date and time (for example 2026-03-04 22:15).")
                        .format(text=call.at)) from exc
    return _Checked(number, called, moment)


def _phone(text: str, country: str | None) -> str:
    normalised = e164(text, country)
    if normalised is None:
        raise UserError(_("{number} is not a phone number.").format(number=text))
    return normalised


def _record(call: TypedCall, checked: _Checked) -> bytes:
    """The sealed original; the keys of a plain call are those of earlier versions."""
    record: dict[str, object] = {
        "record": TYPED_CALL, "number_as_typed": call.number, "number": checked.number,
        "at": checked.moment.to_json(), "direction": call.direction,
        "duration_seconds": call.duration}
    if call.number is None:
        record["hidden"] = True
    if checked.called is not None:
        record.update(called_as_typed=call.called, called_number=checked.called)
    return canonical(record)


def _details(call: TypedCall, checked: _Checked) -> tuple[tuple[str, str], ...]:
    details = [("direction", call.direction), ("typed", "1")]
    if call.duration is not None:
        details.append(("duration", str(call.duration)))
    if checked.number is None:
        details.append(("hidden", "1"))
    if checked.called is not None:
        details.append(("called", checked.called))
    return tuple(details)


def _store(vault: Vault, case: Case, call: TypedCall, checked: _Checked,
           correction: tuple[Item | None, str]) -> Item:
    blob = vault.blobs.ingest_bytes(_record(call, checked))
    now = instant.now(case.time_zone)
    original = Artifact(None, None, ArtifactRole.ORIGINAL, "application/json", blob.size,
                        blob.sha256, "typed-call.json", now)
    cid = case.id or 0
    actor = f"phone:{checked.number}" if checked.number else None
    victim = _victim(vault, case) if checked.called else None
    with vault.store.transaction() as tx:
        item = tx.add_item(Item(None, cid, 0, ItemKind.CALL_LOG, _("Typed call record"),
                                now, TYPED_CALL), [original])
        tx.add_events(item, [Event(None, cid, item.id, "call", checked.moment, "",
                                   actor=actor, details=_details(call, checked))])
        if checked.number is not None:
            tx.add_identifier(Identifier(None, cid, IdentifierKind.PHONE, checked.number,
                                         platform="phone", status=IdentifierStatus.PROPOSED,
                                         item_id=item.id))
        if checked.called is not None:
            tx.add_identifier(Identifier(
                None, cid, IdentifierKind.PHONE, checked.called, victim, "phone",
                status=IdentifierStatus.CONFIRMED if victim else IdentifierStatus.PROPOSED,
                item_id=item.id))
        if correction[0] is not None:
            tx.add_correction(item, correction[0], correction[1], now)
    return item


def _victim(vault: Vault, case: Case) -> int | None:
    """The victim's party, when the case has exactly one (else the number stays proposed,
    for the user to assign on the people page)."""
    victims = [p for p in vault.store.parties(case.id or 0) if p.role is PartyRole.VICTIM]
    return victims[0].id if len(victims) == 1 else None


@dataclass(frozen=True, slots=True)
class SealedCall:
    """A typed call record as sealed (read back from its original)."""

    number: str | None  # as typed; None: hidden
    moment: Instant | None
    direction: str
    duration: int | None
    called: str | None  # as typed


def read_call(vault: Vault, item: Item) -> SealedCall:
    assert item.id is not None
    original = next(a for a in vault.store.artifacts(item.id)
                    if a.role is ArtifactRole.ORIGINAL)
    data = json.loads(vault.blobs.read_bytes(original.sha256))
    at = data.get("at")
    duration = data.get("duration_seconds")
    return SealedCall(data.get("number_as_typed"), Instant.from_json(at) if at else None,
                      str(data.get("direction", "")),
                      duration if isinstance(duration, int) else None,
                      data.get("called_as_typed"))
