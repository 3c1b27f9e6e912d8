"""Correct a confirmed OCR proposal (a message read wrong, or an observation time
``E-0003:t`` read wrong, then confirmed): never in place (#24).

The correction is a new event on the same screenshot item, with the same provenance
(artifact, region, proposal) and the corrected text, or for an observation time the
corrected instant (as the person typed it, ``OffsetSource.USER``, with the time the
picture showed kept in ``details``); an ``event_corrections`` row links
it to the event it supersedes, logged in custody (``event.corrected``, with the reason).
Both events stay stored; case-wide reads (timeline, search, patterns, dossier) leave
the superseded one out. ``verify`` compares the rows with the custody log and checks
that each correction links a newer event of the same item and proposal
(:func:`problems`).
"""

from __future__ import annotations

from dataclasses import replace

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model import instant
from spoorvast.model.records import Case, Event
from spoorvast.services import ocr_review
from spoorvast.services.notes import parse_at
from spoorvast.services.withdrawals import clean_reason
from spoorvast.storage.vault import Vault

TEXT_LIMIT = 20_000


def _current(vault: Vault, case: Case, proposal: ocr_review.Proposal) -> Event:
    """The latest event that confirmed ``proposal`` (none superseded it)."""
    key = proposal.ref.rpartition(":")[2]
    gone = set(vault.store.superseded_event_ids(case.id or 0))
    found = [e for e in vault.store.events(case.id or 0, proposal.item.id)
             if e.id not in gone and dict(e.details).get("source") == ocr_review.SOURCE
             and dict(e.details).get("proposal") == key]
    if not found:
        raise UserError(_("{ref} is not confirmed: confirm it first, or reject it.")
                        .format(ref=proposal.ref))
    return max(found, key=lambda e: e.id or 0)


def correct(vault: Vault, case: Case, ref: str, text: str, reason: str) -> Event:
    """Store the corrected message (or, for ``E-0003:t``, the corrected observation
    time, ``text`` as typed: 2026-03-04 21:07); the one it replaces stays, no longer
    listed."""
    cleaned = clean_reason(reason)
    proposal = ocr_review.find(vault, case, ref)
    if proposal.kind is ocr_review.Kind.OBSERVED:
        old = _current(vault, case, proposal)
        return _store(vault, case, proposal, old, _with_time(case, proposal, old, text),
                      cleaned)
    if proposal.kind is not ocr_review.Kind.MESSAGE:
        raise UserError(_("{ref} is not a message or an observation time read from a "
                          "picture: only those can be corrected this way.")
                        .format(ref=proposal.ref))
    corrected = text.strip()
    if not corrected or len(corrected) > TEXT_LIMIT:
        raise UserError(_("Give the corrected text (at most {limit} characters).")
                        .format(limit=TEXT_LIMIT))
    old = _current(vault, case, proposal)
    if corrected == old.text:
        raise UserError(_("The corrected text is the same as {ref}: nothing to correct.")
                        .format(ref=proposal.ref))
    return _store(vault, case, proposal, old, replace(old, text=corrected), cleaned)


def _with_time(case: Case, proposal: ocr_review.Proposal, old: Event, text: str) -> Event:
    """The observation event at the time the person typed (in the case's zone unless an
    offset is given); what the picture showed stays in ``details``."""
    at = parse_at(text, case.time_zone)
    if at is None:
        raise UserError(_("Give the corrected date and time, like 2026-03-04 21:07."))
    if old.instant is not None and at.utc == old.instant.utc:
        raise UserError(_("The corrected time is the same as {ref}: nothing to correct.")
                        .format(ref=proposal.ref))
    details = dict(old.details)
    if old.instant is not None and "read_as" not in details:
        details["read_as"] = old.instant.isoformat()
    return replace(old, instant=at, details=tuple(details.items()))


def _store(vault: Vault, case: Case, proposal: ocr_review.Proposal, old: Event,
           corrected: Event, reason: str) -> Event:
    """The corrected event beside the old one, linked (custody-logged), marked as the
    old one was."""
    fresh = replace(corrected, id=None, seq=None, marked=False)
    with vault.store.transaction() as tx:
        tx.add_events(proposal.item, [fresh])
        new = max(vault.store.events(case.id or 0, proposal.item.id),
                  key=lambda e: e.id or 0)
        tx.add_event_correction(new, old, reason, instant.now(case.time_zone))
        if old.marked:  # a marked message stays marked for the dossier, corrected
            tx.set_event_marks(case.id or 0, [new.id or 0], True)
    return replace(new, marked=old.marked)


def problems(vault: Vault, case: Case) -> list[str]:
    """For ``verify``: the subjects of event corrections that do not hold together."""
    found: list[str] = []
    for fixed in vault.store.event_corrections(case.id or 0):
        new = vault.store.event_by_id(fixed.event_id)
        old = vault.store.event_by_id(fixed.supersedes)
        if (new is None or old is None or new.item_id != old.item_id
                or new.case_id != old.case_id or new.case_id != case.id
                or (new.id or 0) <= (old.id or 0)
                or dict(new.details).get("proposal") != dict(old.details).get("proposal")):
            found.append(f"event-{fixed.event_id}")
    return found
