"""Read an export again from its sealed original, with what the user said about it.

A WhatsApp export whose dates never tell day/month from month/day is read with an
assumption and a warning; the user who checks a message against the phone says which
order is right, and the export is read again: from the sealed bytes (the file on disk
may be long gone), in one transaction, the custody log recording why. Marks stay on the
messages of the same source lines. The original and its artifacts do not change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.chat.whatsapp import importer as whatsapp
from spoorvast.importers.chat.whatsapp.lines import DATE
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Artifact, ArtifactRole, Case, Finding, Item
from spoorvast.services.dated_after import dated_after
from spoorvast.storage.vault import Vault

ORDERS = {"day-first": "dmy", "month-first": "mdy", "year-first": "ymd"}
REREADABLE = ("whatsapp",)


@dataclass(frozen=True, slots=True)
class Reread:
    item: Item
    events: int
    findings: int  # findings that are new for the item


def reread(vault: Vault, case: Case, item: Item, order: str) -> Reread:
    if item.importer not in REREADABLE:
        raise UserError(_("{item} cannot be read again with a date order: only WhatsApp "
                          "exports have one.").format(item=item.label))
    if order not in ORDERS:
        raise UserError(_("Unknown date order {order}; use day-first, month-first or "
                          "year-first.").format(order=order))
    draft = _draft(vault, case, item, ORDERS[order])
    reason = f"date order {order} chosen by the user"
    with vault.store.transaction() as tx:
        count = tx.replace_events(item, draft.events, reason)  # parses now
        if count == 0:
            raise UserError(_("Read as {order}, {item} holds no message with a real date; "
                              "nothing was changed.").format(order=order, item=item.label))
        known = {(f.code, f.params) for f in vault.store.findings(case.id or 0, item.id)}
        late = dated_after(vault.store, item, item.acquired_at)
        fresh = [p for p in [*draft.problems, *([late] if late else [])]
                 if (p.code, p.params) not in known]
        for problem in fresh:
            tx.add_finding(item, problem)
    return Reread(item, count, len(fresh))


def _draft(vault: Vault, case: Case, item: Item, order: str) -> ItemDraft:
    """The importer's draft, read from the item's sealed artifacts only."""
    assert case.id is not None and item.id is not None

    def seal(data: bytes, role: ArtifactRole, name: str, media_type: str,
             derived_from: str | None) -> Artifact:
        raise AssertionError("reading again seals nothing new")

    context = ImportContext(case.id, case.time_zone, item.acquired_at, seal, vault.blobs.open,
                            order)
    try:
        return whatsapp.read_again(context, item.title, vault.store.artifacts(item.id))
    except (StopIteration, ValueError) as exc:
        raise UserError(_("{item} could not be read again.").format(item=item.label)) from exc


_DATE = re.compile(DATE)
_EXAMPLES = 500  # messages looked through for one whose date reads two ways


@dataclass(frozen=True, slots=True)
class DateQuestion:
    """What to ask about an export whose dates did not tell day from month."""

    assumed: str  # day-first or month-first
    example: str  # the time of a message, as written in the export (see date_question)
    readings: tuple[tuple[str, date], ...]  # (order, the example's date read that way)


def assumed_order(findings: list[Finding]) -> str | None:
    """``day-first`` or ``month-first`` when the last word of an item's findings on its
    date order is an assumption (a ``reread`` with the user's choice comes after it)."""
    orders = [f for f in findings if f.code in ("chat.date-order", "chat.date-order-ambiguous")]
    if not orders or orders[-1].code != "chat.date-order-ambiguous":
        return None
    shown = dict(orders[-1].params).get("order", "")
    if shown.startswith("year"):
        return "year-first"  # a two-digit year first, from the locale (``24. 1. 30.``)
    return "month-first" if shown.startswith("month") else "day-first"


def date_question(vault: Vault, case: Case, item: Item) -> DateQuestion | None:
    """The question, when the item's last word on its date order is an assumption."""
    if item.importer not in REREADABLE or case.id is None or item.id is None:
        return None
    assumed = assumed_order(vault.store.findings(case.id, item.id))
    if assumed is None:
        return None
    # the first message whose date reads differently either way (04/03, not 03/03: the
    # user is to look it up on the phone), else the first message
    first = vault.store.search_events(EventQuery(case.id, item_ids=(item.id,),
                                                 limit=_EXAMPLES))
    raws = [hit.event.instant.raw or "" for hit in first if hit.event.instant is not None]
    year_first = assumed == "year-first"
    for raw in raws:
        readings = _readings(raw, year_first)
        if len({day for _order, day in readings}) > 1:
            return DateQuestion(assumed, raw, readings)
    example = raws[0] if raws else ""
    return DateQuestion(assumed, example, _readings(example, year_first))


def _readings(example: str, year_first: bool = False) -> tuple[tuple[str, date], ...]:
    """How the date of ``example`` reads day-first and month-first (and year-first, when
    that was assumed or the first field has four digits)."""
    found = _DATE.search(example)
    if found is None:
        return ()
    a, _sep, b, c = found.groups()
    readings = []
    for order, (year, month, day) in (("day-first", (c, b, a)), ("month-first", (c, a, b)),
                                      ("year-first", (a, b, c))):
        if order == "year-first" and not (year_first or len(a) == 4):
            continue
        try:
            full = int(year) + (2000 if len(year) <= 2 else 0)
            readings.append((order, date(full, int(month), int(day))))
        except ValueError:
            continue
    return tuple(readings)
