"""Withdraw, restore and correct: nothing is ever deleted (see services/withdrawals.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from spoorvast.cli import context, output
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.services import cases as case_service
from spoorvast.services import events as event_service
from spoorvast.services import identifier_corrections, ocr_corrections, withdrawals
from spoorvast.services import notes as note_service

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
Label = Annotated[str, typer.Argument(help=_("E-0001 or 1."))]
Reason = Annotated[str, typer.Option("--reason", help=_(
    "Why (kept in the custody log and shown with the item)."))]


def register(app: typer.Typer) -> None:
    app.command("withdraw", help=_(
        "Take an item out of the checklist, timeline, search and dossier. Its sealed "
        "original stays in the vault; 'restore' undoes it."))(withdraw)
    app.command("restore", help=_("Undo 'withdraw': the item is listed again."))(restore)


def withdraw(ctx: typer.Context, label: Label, reason: Reason,
             case_id: CaseOption = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        withdrawals.withdraw(vault, case, item, reason)
    output.line(_("{label} withdrawn. Its sealed original stays in the vault; "
                  "'spoorvast restore {label}' undoes this.").format(label=item.label))


def restore(ctx: typer.Context, label: Label,
            reason: Annotated[str, typer.Option("--reason", help=_(
                "Why (kept in the custody log)."))] = "",
            case_id: CaseOption = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        withdrawals.restore(vault, case, item, reason)
    output.line(_("{label} restored.").format(label=item.label))


def note_correct(
    ctx: typer.Context, label: Label,
    text: Annotated[str, typer.Argument(help=_("The corrected text, in full."))],
    reason: Reason,
    at: Annotated[str | None, typer.Option("--at", help=_(
        "When, if that changes too (default: as in the note it corrects)."))] = None,
    case_id: CaseOption = None,
) -> None:
    """A new sealed note that replaces the note LABEL; its other fields are kept."""
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        older = case_service.find_item(vault, case, label)
        if older.importer != note_service.IMPORTER:
            raise UserError(_("{label} is not a note.").format(label=older.label))
        before = note_service.read_note(vault, older)
        when = note_service.parse_at(at, case.time_zone) if at else before.at
        item = note_service.correct_note(vault, case, older,
                                         replace(before, text=text, at=when), reason)
    output.line(_("{label} sealed: it corrects {older}, which stays sealed.").format(
        label=item.label, older=older.label))


def identifier_correct(
    ctx: typer.Context,
    identifier_id: Annotated[int, typer.Argument(help=_("Identifier number."))],
    value: Annotated[str, typer.Argument(help=_("The corrected value, in full."))],
    reason: Reason,
    platform: Annotated[str | None, typer.Option("--platform", help=_(
        "Accounts: the corrected platform (default: as before)."))] = None,
    stable_id: Annotated[str | None, typer.Option("--stable-id", help=_(
        "Accounts: the corrected account ID (default: as before)."))] = None,
    case_id: CaseOption = None,
) -> None:
    """A new identifier that replaces identifier N; the earlier one stays recorded."""
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        new = identifier_corrections.correct(vault, case, identifier_id, value, reason,
                                             platform, stable_id)
    output.line(_("I-{new} ({value}) corrects I-{old}, which stays recorded in the custody "
                  "log but is no longer listed.").format(new=new.id, value=new.value,
                                                         old=identifier_id))


def reading_correct(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help=_(
        "A confirmed message (E-0003:p2) or observation time (E-0003:t)."))],
    text: Annotated[str, typer.Argument(help=_(
        "The corrected text, in full; for an observation time the date and time "
        "(2026-03-04 21:07, in the case's time zone)."))],
    reason: Reason,
    case_id: CaseOption = None,
) -> None:
    """A corrected message or observation time replaces one read from a picture and
    confirmed."""
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        event = ocr_corrections.correct(vault, case, ref, text, reason)
    if event.kind == "observed-at":
        output.line(_("{ref} corrected: the time read before stays stored but is no longer "
                      "listed.").format(ref=ref))
        return
    output.line(_("{ref} corrected: the message read before stays stored but is no longer "
                  "listed.").format(ref=ref))


def call_correct(
    ctx: typer.Context, label: Label,
    number: Annotated[str, typer.Option("--number", help=_("The number, as shown."))],
    at: Annotated[str, typer.Option("--at", help=_("When (case time zone), e.g. "
                                                   "2026-03-04 22:15."))],
    direction: Annotated[str, typer.Option("--direction", help=_("in, out or missed."))],
    reason: Reason,
    duration: Annotated[int | None, typer.Option("--duration", min=0, help=_(
        "Duration in seconds."))] = None,
    case_id: CaseOption = None,
) -> None:
    """A new sealed call record that replaces the typed call record LABEL."""
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        older = case_service.find_item(vault, case, label)
        item = event_service.add_call(vault, case, number, at, direction, duration,
                                      corrects=older, reason=reason)
    output.line(_("{label} sealed: it corrects {older}, which stays sealed.").format(
        label=item.label, older=older.label))
