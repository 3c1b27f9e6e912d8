"""Conversation commands: participants, search, mark/unmark, calls, call add.

JSON keys (``--json``): search -> ``{total, page, page_size, hits: [{ref, at, actor,
kind, text, marked, details}]}``; participants -> ``[{kind, value, platform, key, events,
party}]``; calls -> ``[{ref, at, number, actor, direction, duration_seconds, media,
source}]``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from spoorvast.cli import cmd_withdraw, context, output
from spoorvast.errors import UserError
from spoorvast.i18n import _, ngettext
from spoorvast.importers.chat.shared import codes as _codes  # noqa: F401  (finding messages)
from spoorvast.model.conversation import EventHit, EventQuery
from spoorvast.model.records import Case, Item
from spoorvast.services import cases as case_service
from spoorvast.services import events as event_service
from spoorvast.services import parties as party_service
from spoorvast.services import typed_calls
from spoorvast.services.ocr import find_in_pictures
from spoorvast.storage.vault import Vault

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Output JSON."))]
Values = Annotated[list[str] | None, typer.Option(help=_(
    "A participant (name or number as listed) to assign to this role; repeat as needed."))]


def register(app: typer.Typer) -> None:
    app.command("participants", help=_("Who speaks in an export; assign them to a suspect, "
                                       "victim or witness."))(participants)
    app.command("search", help=_("Search the messages and calls of the case."))(search)
    app.command("mark", help=_("Mark messages for the dossier (E-0012:m4711 …)."))(mark)
    app.command("unmark", help=_("Remove the mark from messages."))(unmark)
    app.command("calls", help=_("All calls of the case, numbers normalised."))(calls)
    call = typer.Typer(help=_("Typed call records."), no_args_is_help=True)
    call.command("add", help=_("Record a call you received or made."))(call_add)
    call.command("correct", help=_("Seal a corrected version of a typed call record (the "
                                   "earlier one stays sealed)."))(cmd_withdraw.call_correct)
    app.add_typer(call, name="call")


def _actor(key: str | None) -> str:
    return "" if key is None else key.rsplit(":", 1)[-1]


def participants(
    ctx: typer.Context, label: Annotated[str, typer.Argument(help=_("E-0001 or 1."))],
    suspect: Values = None, victim: Values = None, witness: Values = None,
    party: Annotated[str | None, typer.Option(help=_(
        "The party's name (default: the participant's own name)."))] = None,
    case_id: CaseOption = None, as_json: JsonOption = False,
) -> None:
    roles = {"suspect": suspect or [], "victim": victim or [], "witness": witness or []}
    with context.open_vault(ctx, writable=any(roles.values())) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        for role, values in roles.items():
            for value in values:
                _assign(vault, case, item, value, role, party)
        found = event_service.participants(vault, case, item)
    rows = [{"kind": p.identifier.kind.value, "value": p.identifier.value,
             "platform": p.identifier.platform, "key": p.key, "events": p.events,
             "party": p.party} for p in found]
    if as_json:
        output.as_json(rows)
        return
    table = output.table(_("Kind"), _("Participant"), _("Messages and calls"),
                         _("Assigned to party"))
    for row in rows:
        table.add_row(str(row["kind"]), str(row["value"]), str(row["events"]),
                      str(row["party"] or ""))
    output.stdout_console().print(table)


def _assign(vault: Vault, case: Case, item: Item, value: str, role: str,
            party_name: str | None) -> None:
    listed = event_service.participants(vault, case, item)
    match = next((p for p in listed if value.strip() in (p.identifier.value, p.key)), None)
    if match is None:
        raise typer.BadParameter(_("{value} does not speak in {item}.").format(
            value=value, item=item.label))
    party = party_service.party_for(vault, case, party_service.party_role(role),
                                    party_name or match.identifier.value)
    party_service.assign(vault, match.identifier, party)


def search(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help=_("Words to find (all must occur)."))]
    = None,
    party: Annotated[str | None, typer.Option("--party", help=_(
        "Only events of this party or identifier."))] = None,
    since: Annotated[str | None, typer.Option("--from", help=_(
        "From this date/time (case time zone)."))] = None,
    until: Annotated[str | None, typer.Option("--to", help=_(
        "Before this date/time (case time zone)."))] = None,
    item: Annotated[str | None, typer.Option("--item", help=_("Only in this item."))] = None,
    marked: Annotated[bool, typer.Option("--marked", help=_("Only marked events."))] = False,
    page: Annotated[int, typer.Option("--page", min=1, help=_("Page of results."))] = 1,
    case_id: CaseOption = None, as_json: JsonOption = False,
) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        query = EventQuery(
            case.id or 0, text=text,
            actors=event_service.party_actors(vault, case, party) if party else None,
            since=event_service.user_time(since, case.time_zone) if since else None,
            until=event_service.user_time(until, case.time_zone) if until else None,
            item_ids=(case_service.find_item(vault, case, item).id or 0,) if item else None,
            marked_only=marked, limit=event_service.PAGE_SIZE)
        found = event_service.search(vault, case, query, page)
        only_text = not (party or since or until or item or marked)
        pictures = find_in_pictures(vault, case, text) if text and only_text else []
    if as_json:
        output.as_json({"total": None if found.capped else found.total,
                        "more_than": found.cap if found.capped else None,
                        "order": found.order, "page": found.page,
                        "page_size": found.page_size, "hits": [_hit_json(h) for h in found.hits],
                        "pictures": [{"item": p.item.label, "snippet": p.snippet}
                                     for p in pictures]})
        return
    _print_hits(found.hits)
    output.info(_found_line(found))
    if pictures:
        output.line(_("In the text read from pictures:"), style="bold")
        for hit in pictures:
            output.line(f"  {hit.item.label}  {hit.snippet}")


def _found_line(found: event_service.SearchPage) -> str:
    if found.capped and found.newest_first:
        return _("More than {n} events found; the newest first.").format(n=found.cap)
    if found.capped:
        return _("More than {n} events found; the earliest first.").format(n=found.cap)
    return ngettext("{count} event found", "{count} events found", found.total).format(
        count=found.total)


def _hit_json(hit: EventHit) -> dict[str, object]:
    e = hit.event
    return {"ref": str(hit.ref), "at": e.instant.isoformat() if e.instant else None,
            "actor": e.actor, "kind": e.kind, "text": e.text, "marked": e.marked,
            "details": dict(e.details)}


def _print_hits(hits: list[EventHit]) -> None:
    table = output.table(_("Message"), _("Date and time"), _("Sender"), _("Message text"), "✓")
    for hit in hits:
        e = hit.event
        table.add_row(str(hit.ref), e.instant.isoformat() if e.instant else "",
                      _actor(e.actor), e.text[:100], "✓" if e.marked else "")
    output.print_table(table, whole=(0, 1))


RefsArgument = Annotated[list[str], typer.Argument(help=_("E-0012:m4711 …"))]


def mark(ctx: typer.Context, refs: RefsArgument, case_id: CaseOption = None) -> None:
    _set_marks(ctx, refs, case_id, True)


def unmark(ctx: typer.Context, refs: RefsArgument, case_id: CaseOption = None) -> None:
    _set_marks(ctx, refs, case_id, False)


def _set_marks(ctx: typer.Context, refs: list[str], case_id: int | None,
               marked: bool) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        changed = event_service.mark(vault, case, refs, marked)
    message = (ngettext("{count} message marked.", "{count} messages marked.", changed)
               if marked else
               ngettext("{count} message unmarked.", "{count} messages unmarked.", changed))
    output.line(message.format(count=changed))


def calls(ctx: typer.Context, case_id: CaseOption = None, as_json: JsonOption = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        records = event_service.calls(vault, case)
    rows = [{"ref": str(r.ref), "at": r.at.isoformat() if r.at else None, "number": r.number,
             "actor": r.actor, "direction": r.direction,
             "duration_seconds": r.duration_seconds, "media": r.media, "source": r.source}
            for r in records]
    if as_json:
        output.as_json(rows)
        return
    # the importer ("source") is in --json; the reference already names the item
    table = output.table(_("Reference"), _("Date and time"), _("Phone number"),
                         _("Call direction"), _("Call duration (s)"))
    for row in rows:
        table.add_row(str(row["ref"]), str(row["at"] or ""),
                      str(row["number"] or _actor(str(row["actor"] or "")) or ""),
                      str(row["direction"] or ""), str(row["duration_seconds"] or ""))
    output.print_table(table, whole=(0, 1, 2))


def call_add(
    ctx: typer.Context,
    at: Annotated[str, typer.Option("--at", help=_("When (case time zone), e.g. "
                                                   "2026-03-04 22:15."))],
    direction: Annotated[str, typer.Option("--direction", help=_("in, out or missed."))],
    number: Annotated[str | None, typer.Option("--number", help=_(
        "The number, as shown."))] = None,
    hidden: Annotated[bool, typer.Option("--hidden", help=_(
        "The caller's number was hidden (no --number)."))] = False,
    called: Annotated[str | None, typer.Option("--called", help=_(
        "Your own number that was called (it becomes yours, as the victim)."))] = None,
    duration: Annotated[int | None, typer.Option("--duration", min=0, help=_(
        "Duration in seconds."))] = None,
    case_id: CaseOption = None,
) -> None:
    if hidden == (number is not None):
        raise UserError(_("Give the caller's number with --number, or --hidden when it was "
                          "hidden."))
    call = typed_calls.TypedCall(number, at, direction, duration, called)
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        item = typed_calls.add_call(vault, case, call)
    output.line(_("{item}: call recorded.").format(item=item.label))
