"""Workspace commands: notes, the checklist, the timeline, patterns and guidance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spoorvast.cli import cmd_withdraw, context, output
from spoorvast.errors import UserError
from spoorvast.guidance import ADVICE, HELP_LINES, HOWTO, PRIVACY_SETTINGS, TITLES
from spoorvast.i18n import _, current_language
from spoorvast.model.conversation import Position
from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services import checklist as checklist_service
from spoorvast.services import notes as note_service
from spoorvast.services import patterns as pattern_service
from spoorvast.services import timeline as timeline_service

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Output JSON."))]


def register(app: typer.Typer) -> None:
    note = typer.Typer(help=_("Notes: what you saw, what you were made to do, earlier "
                              "reports, the impact on you."), no_args_is_help=True)
    note.command("add", help=_("Write down a note (sealed like any evidence)."))(add_note)
    note.command("list", help=_("List the notes."))(list_notes)
    note.command("correct", help=_("Seal a corrected version of a note (the earlier one "
                                   "stays sealed)."))(cmd_withdraw.note_correct)
    app.add_typer(note, name="note")
    check = typer.Typer(help=_("The police checklist."), invoke_without_command=True)
    check.callback()(show_checklist)
    check.command("na", help=_("Mark an element as not applicable, with the reason."))(
        mark_na)
    check.command("applicable", help=_("Undo 'not applicable' for an element."))(
        mark_applicable)
    app.add_typer(check, name="checklist")
    app.command("timeline", help=_("Every event of the case in time order."))(timeline)
    app.command("patterns", help=_("Charts of contact per day and per hour of the week."))(
        patterns)
    app.command("guidance", help=_("Advice, and where to find help."))(guidance)


def add_note(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help=_("What happened, in your own words."))],
    kind: Annotated[note_service.NoteKind, typer.Option("--kind", help=_(
        "observation, requested-action, police-report, platform-report, helpline-report, "
        "impact or other."))] = note_service.NoteKind.OBSERVATION,
    at: Annotated[str | None, typer.Option("--at", help=_(
        "When, e.g. '2026-03-04 21:00' (in the case's time zone)."))] = None,
    url: Annotated[str | None, typer.Option("--url", help=_("Where (an address)."))] = None,
    amount: Annotated[str | None, typer.Option("--amount", help=_("Money sent."))] = None,
    currency: Annotated[str | None, typer.Option("--currency", help=_("e.g. EUR."))] = None,
    images_sent: Annotated[bool | None, typer.Option("--images-sent/--no-images-sent", help=_(
        "Whether you sent pictures."))] = None,
    to_account: Annotated[str | None, typer.Option("--to-account", help=_(
        "The account or number money or pictures went to."))] = None,
    reference: Annotated[str | None, typer.Option("--reference", help=_(
        "Report number (PV number, ticket)."))] = None,
    authority: Annotated[str | None, typer.Option("--authority", help=_(
        "Police zone, platform or help line."))] = None,
    case_id: CaseOption = None,
) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        note = note_service.Note(
            kind, text, note_service.parse_at(at, case.time_zone), url, amount, currency,
            images_sent, to_account, reference, authority)
        item = note_service.add_note(vault, case, note)
    output.line(_("{label} sealed: {kind}.").format(label=item.label,
                                                    kind=_(note_service.KIND_LABELS[kind])))


def list_notes(ctx: typer.Context, case_id: CaseOption = None, as_json: JsonOption = False
               ) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        found = note_service.notes(vault, case)
    if as_json:
        output.as_json([{"item": i.label, "kind": n.kind.value, "text": n.text,
                         "at": n.at.isoformat() if n.at else None, "url": n.url,
                         "reference": n.reference} for i, n in found])
        return
    table = output.table(_("Item"), _("Kind"), _("When"), _("Text"))
    for item, note in found:
        table.add_row(item.label, _(note_service.KIND_LABELS[note.kind]),
                      note.at.isoformat() if note.at else "", note.text)
    output.stdout_console().print(table)


def show_checklist(ctx: typer.Context, case_id: CaseOption = None,
                   as_json: JsonOption = False) -> None:
    if ctx.invoked_subcommand is not None:
        return
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        elements = checklist_service.compute(vault, case)
    if as_json:
        output.as_json([{"element": e.id, "status": e.status.value, "items": list(e.items),
                         "identifiers": list(e.identifiers), "reason": e.reason or None,
                         "title": _(TITLES[e.id]), "howto": _(HOWTO[e.id])}
                        for e in elements])
        return
    _print_checklist(elements)


MARKS = {"present": "✓", "missing": "✗", "not-applicable": "–"}


def _print_checklist(elements: list[checklist_service.Element]) -> None:
    present = sum(e.status is checklist_service.Status.PRESENT for e in elements)
    output.line(_("{n} of {total} elements present.").format(n=present, total=len(elements)),
                style="bold")
    for element in elements:
        evidence = ", ".join((*element.items[:6], *element.identifiers[:4]))
        output.line(f"{MARKS[element.status.value]} {_(TITLES[element.id])}"
                    + (f"  [{evidence}]" if evidence else "")
                    + (f"  ({element.reason})" if element.reason else ""))
        if element.status is checklist_service.Status.MISSING:
            output.line("    " + _(HOWTO[element.id]), style="dim")


def mark_na(ctx: typer.Context,
            element: Annotated[str, typer.Argument(help=_("The element, e.g. recordings."))],
            reason: Annotated[str, typer.Option("--reason", help=_("Why it does not apply."))],
            case_id: CaseOption = None) -> None:
    _mark(ctx, element, reason, case_id)


def mark_applicable(ctx: typer.Context,
                    element: Annotated[str, typer.Argument(help=_("The element."))],
                    case_id: CaseOption = None) -> None:
    _mark(ctx, element, None, case_id)


def _mark(ctx: typer.Context, element: str, reason: str | None, case_id: int | None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        checklist_service.mark_not_applicable(vault, case, element, reason)
    output.line(_("Checklist updated."))


def timeline(
    ctx: typer.Context,
    marked: Annotated[bool, typer.Option("--marked", help=_("Only marked events."))] = False,
    start: Annotated[str | None, typer.Option("--from", help=_("From this date."))] = None,
    end: Annotated[str | None, typer.Option("--to", help=_("Up to this date."))] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help=_(
        "Only these kinds (message, call, email, observation…)."))] = None,
    utc: Annotated[bool, typer.Option("--utc", help=_("Show UTC too."))] = False,
    limit: Annotated[int, typer.Option("--limit", help=_("Rows per page."))] = 100,
    page_number: Annotated[int, typer.Option("--page", help=_("Page number."))] = 1,
    after: Annotated[str | None, typer.Option("--after", help=_(
        "The page after this position (printed under each page)."))] = None,
    before: Annotated[str | None, typer.Option("--before", help=_(
        "The page before this position (printed under each page)."))] = None,
    case_id: CaseOption = None, as_json: JsonOption = False,
) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        f = timeline_service.TimelineFilter(
            kinds=tuple(kind or ()), marked_only=marked,
            start=note_service.parse_at(start, case.time_zone),
            end=note_service.parse_at(end, case.time_zone))
        limit = max(1, limit)
        page = timeline_service.page(vault, case, f, max(0, page_number - 1) * limit, limit,
                                     after=_position(after), before=_position(before))
    if as_json:
        output.as_json({"total": page.total, "start": page.start,
                        "after": page.last.token if page.has_later and page.last else None,
                        "before": page.first.token if page.has_earlier and page.first
                        else None, "rows": [_row_json(r) for r in page.rows]})
        return
    _print_timeline(page, utc)


def _position(token: str | None) -> Position | None:
    if token is None:
        return None
    found = Position.parse(token)
    if found is None:
        raise UserError(_("{token} is not a timeline position (the timeline prints them "
                          "under each page, e.g. --after 1767225600000000_42).").format(
                              token=token))
    return found


def _row_json(row: timeline_service.Row) -> dict[str, object]:
    at = row.event.instant
    return {"at": at.isoformat() if at else None, "utc": at.utc.isoformat() if at else None,
            "offset_source": at.source.value if at else None, "kind": row.event.kind,
            "item": row.item_label, "actor": row.actor, "party": row.party,
            "text": row.event.text, "marked": row.event.marked, "burst": row.burst,
            "gap_days": row.gap_before.days if row.gap_before else None}


def _print_timeline(page: timeline_service.Page, utc: bool) -> None:
    table = output.table(_("When"), *([_("UTC")] if utc else []), _("Kind"), _("Who"),
                         _("Text"), _("Source"))
    for row in page.rows:
        if row.gap_before:
            table.add_row(_("… {days} days without contact …").format(
                days=row.gap_before.days), *([""] * (5 if utc else 4)), style="dim")
        at = row.event.instant
        table.add_row(("★ " if row.event.marked else "") + (at.isoformat() if at else "?"),
                      *([at.utc.isoformat(timespec="minutes") if at else ""] if utc else []),
                      row.event.kind + (" ⚡" if row.burst else ""),
                      row.party or row.actor or "", row.event.text[:80], row.item_label or "")
    output.stdout_console().print(table)
    output.line(_("{shown} of {total} events.").format(shown=len(page.rows), total=page.total))
    if page.rows:
        output.line(_("Events {first}–{last}.").format(first=page.start + 1,
                                                       last=page.start + len(page.rows)))
    if page.has_later and page.last:
        output.line(_("Next page: --after {token}").format(token=page.last.token))
    if page.has_earlier and page.first:
        output.line(_("Previous page: --before {token}").format(token=page.first.token))


def patterns(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=_("Folder for the charts."))],
    party: Annotated[str | None, typer.Option("--party", help=_(
        "Only this party (name or number)."))] = None,
    case_id: CaseOption = None,
) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        actors, title = _actors(vault, case, party)
        found = pattern_service.compute(vault, case, actors)
    for line in pattern_service.summary_lines(found):
        output.line(line)
    for path in pattern_service.draw(found, out, title):
        output.line(str(path))


def _actors(vault: object, case: Case, party: str | None) -> tuple[set[str] | None, str]:
    from spoorvast.storage.vault import Vault

    assert isinstance(vault, Vault)
    if party is None:
        return None, case.title
    for p in vault.store.parties(case.id or 0):
        if party in (p.name, str(p.id)):
            return pattern_service.party_actors(vault, case, p.id or 0), p.name
    raise UserError(_("There is no party {party} in this case.").format(party=party))


def guidance(ctx: typer.Context) -> None:
    language = current_language()
    for key in ("not-alone", "no-reply", "privacy"):
        output.line("• " + _(ADVICE[key]))
    output.line()
    output.line(_("Where to find help:"), style="bold")
    for line in HELP_LINES:
        if language in line.languages or language == "en":
            output.line(f"  {line.number:<12} {_(line.name)} — {_(line.what)} ({line.source})")
    output.line()
    output.line(_("Privacy settings to check:"), style="bold")
    for platform, advice in PRIVACY_SETTINGS.items():
        output.line(f"  {platform}: {_(advice)}")


def render_note(note: object, item: object) -> tuple[object, object]:
    """``show`` of a note: what was typed, as sealed."""
    from spoorvast.model.serialize import to_json

    assert isinstance(note, note_service.Note)

    def printer() -> None:
        output.line(_(note_service.KIND_LABELS[note.kind]), style="bold")
        if note.at:
            output.line(_("When: {at}").format(at=note.at.isoformat()))
        for label, value in ((_("Where"), note.url), (_("Amount"), note.amount),
                             (_("Currency"), note.currency), (_("To"), note.to_account),
                             (_("Reference"), note.reference), (_("Authority"), note.authority)):
            if value:
                output.line(f"{label}: {value}")
        output.line(note.text)

    return to_json(note), printer
