"""The police checklist, computed from the case's data.

Each of the 15 elements of the Belgian guidance is *present* (with the items and
identifiers that satisfy it), *missing* (with how-to guidance), or *not applicable*
(the user said so, with a reason). Marking an element not applicable, or undoing that,
goes through the custody log; the latest such entry for an element decides.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import (
    ArtifactRole,
    Case,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    ItemKind,
    PartyRole,
)
from spoorvast.services import withdrawals
from spoorvast.services.notes import NoteKind
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

ELEMENTS = (
    "url", "account-id", "screenshot", "victim-email", "observed-at", "traces",
    "conversations", "emails", "actions", "suspect-emails", "suspect-profile",
    "suspect-phones", "called-number", "recordings", "calls",
)
EVENT_KINDS = (NoteKind.OBSERVATION.value, NoteKind.REQUESTED_ACTION.value, "call")
NA_ACTION, APPLICABLE_ACTION = "checklist.not-applicable", "checklist.applicable"


class Status(enum.StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True, slots=True)
class Element:
    id: str
    status: Status
    items: tuple[str, ...] = ()  # item labels that satisfy it
    identifiers: tuple[str, ...] = ()  # identifier values that satisfy it
    reason: str = ""  # why not applicable (the user's words)


@dataclass
class CaseFacts:
    """What the checklist rules look at, gathered once."""

    items: list[Item]
    kinds_by_item: dict[int, set[str]] = field(default_factory=dict)  # event kinds
    roles: dict[int, PartyRole] = field(default_factory=dict)  # party id -> role
    identifiers: list[Identifier] = field(default_factory=list)
    screenshot_items: set[int] = field(default_factory=set)

    def labels(self, predicate: Callable[[Item], bool]) -> tuple[str, ...]:
        return tuple(i.label for i in self.items if predicate(i))

    def with_event(self, *kinds: str) -> tuple[str, ...]:
        return self.labels(lambda i: bool(self.kinds_by_item.get(i.id or 0, set())
                                          & set(kinds)))

    def idents(self, kinds: set[IdentifierKind], role: PartyRole | None = None,
               stable: bool = False, not_role: PartyRole | None = None) -> tuple[str, ...]:
        return tuple(i.value for i in self.identifiers
                     if i.kind in kinds and i.status is not IdentifierStatus.REJECTED
                     and (role is None or self.roles.get(i.party_id or 0) is role)
                     and (not_role is None or self.roles.get(i.party_id or 0) is not not_role)
                     and (not stable or i.stable_id))


def gather(vault: Vault, case: Case) -> CaseFacts:
    assert case.id is not None
    facts = CaseFacts(items=withdrawals.current_items(vault, case))
    facts.kinds_by_item = vault.store.event_kinds_by_item(case.id, EVENT_KINDS)
    facts.roles = {p.id or 0: p.role for p in vault.store.parties(case.id)}
    facts.identifiers = withdrawals.listed_identifiers(vault, case)
    facts.screenshot_items = {i.id or 0 for i in facts.items if i.kind is ItemKind.CAPTURE
                              and _has_role(vault, i, ArtifactRole.SCREENSHOT)}
    return facts


def _has_role(vault: Vault, item: Item, role: ArtifactRole) -> bool:
    return any(a.role is role for a in vault.store.artifacts(item.id or 0))


def kind_is(*kinds: ItemKind) -> Callable[[Item], bool]:
    return lambda item: item.kind in kinds


def _rules(f: CaseFacts) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """element -> (item labels, identifier values) that satisfy it."""
    suspect, victim = PartyRole.SUSPECT, PartyRole.VICTIM
    images = f.labels(kind_is(ItemKind.IMAGE))
    return {
        "url": (f.labels(kind_is(ItemKind.CAPTURE)), f.idents({IdentifierKind.URL})),
        # the victim's own account (a capture made logged in) is not the account concerned
        "account-id": ((), f.idents({IdentifierKind.ACCOUNT}, stable=True, not_role=victim)),
        "screenshot": (f.labels(lambda i: (i.id or 0) in f.screenshot_items) + images, ()),
        "victim-email": ((), f.idents({IdentifierKind.EMAIL}, victim)),
        "observed-at": (f.with_event(NoteKind.OBSERVATION.value)
                        + f.labels(kind_is(ItemKind.CAPTURE)), ()),
        "traces": (images, ()),
        "conversations": (f.labels(kind_is(ItemKind.CONVERSATION)), ()),
        "emails": (f.labels(kind_is(ItemKind.EMAIL)), ()),
        "actions": (f.with_event(NoteKind.REQUESTED_ACTION.value), ()),
        "suspect-emails": ((), f.idents({IdentifierKind.EMAIL}, suspect)),
        "suspect-profile": ((), f.idents({IdentifierKind.ACCOUNT, IdentifierKind.URL},
                                         suspect)),
        "suspect-phones": ((), f.idents({IdentifierKind.PHONE}, suspect)),
        "called-number": (f.with_event("call") if f.idents({IdentifierKind.PHONE}, victim)
                          else (), f.idents({IdentifierKind.PHONE}, victim)),
        "recordings": (f.labels(kind_is(ItemKind.AUDIO, ItemKind.VIDEO)), ()),
        "calls": (f.with_event("call") + f.labels(kind_is(ItemKind.CALL_LOG)), ()),
    }


def _satisfied(element: str, items: tuple[str, ...], idents: tuple[str, ...]) -> bool:
    if element == "called-number":
        return bool(items) and bool(idents)
    return bool(items or idents)


def not_applicable(vault: Vault, case: Case) -> dict[str, str]:
    """element -> reason, from the custody log (latest entry per element wins)."""
    assert case.id is not None
    marks: dict[str, str] = {}
    for entry in vault.store.custody(case_chain(case.id)):
        if entry.action in (NA_ACTION, APPLICABLE_ACTION):
            element = entry.subject.removeprefix("checklist:")
            if entry.action == NA_ACTION:
                marks[element] = str(entry.payload.get("reason", ""))
            else:
                marks.pop(element, None)
    return marks


def compute(vault: Vault, case: Case) -> list[Element]:
    facts, marks = gather(vault, case), not_applicable(vault, case)
    elements = []
    for element, (items, idents) in _rules(facts).items():
        if _satisfied(element, items, idents):
            elements.append(Element(element, Status.PRESENT, _unique(items), _unique(idents)))
        elif element in marks:
            elements.append(Element(element, Status.NOT_APPLICABLE, reason=marks[element]))
        else:
            elements.append(Element(element, Status.MISSING))
    return elements


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def mark_not_applicable(vault: Vault, case: Case, element: str, reason: str | None) -> None:
    if element not in ELEMENTS:
        raise UserError(_("{element} is not a checklist element. They are: {all}.")
                        .format(element=element, all=", ".join(ELEMENTS)))
    assert case.id is not None
    action = NA_ACTION if reason is not None else APPLICABLE_ACTION
    if reason is not None and not reason.strip():
        raise UserError(_("Say briefly why it does not apply (for example: no calls)."))
    with vault.store.transaction() as tx:
        tx.log(case_chain(case.id), action, f"checklist:{element}",
               {"reason": reason} if reason is not None else {})
