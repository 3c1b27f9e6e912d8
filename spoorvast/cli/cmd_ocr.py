"""OCR commands: ``ocr``, ``ocr-text``, ``proposals``, ``confirm``, ``reject``,
``harmful`` and ``duplicates``.

JSON (``--json``) keys: ``ocr`` gives one ``{item, artifact, messages, identifiers,
refused}`` per picture read; ``proposals`` one ``{ref, kind, state, item, text, region,
identifier_kind, at, side, shown_time, file_time, provenance}`` per proposal;
``duplicates`` one list of item labels per group (the first is the one shown);
``show --json`` of a plain-file item adds ``analysis: {ocr: {artifact, text, refused,
proposals}, harmful}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from spoorvast.cli import cmd_withdraw, context, output
from spoorvast.errors import UserError
from spoorvast.i18n import N_, _, ngettext
from spoorvast.model.records import Case, Item
from spoorvast.services import cases as case_service
from spoorvast.services import ocr as ocr_service
from spoorvast.services import ocr_care, ocr_review
from spoorvast.services.ocr_review import Proposal, State
from spoorvast.services.picture_text import proposal_json
from spoorvast.storage.vault import Vault

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Output JSON."))]
ItemArgument = Annotated[str, typer.Argument(help=_("E-0001 or 1."))]
REFUSALS = {
    "too-large": N_("too large to read safely"), "heic": N_("HEIC cannot be opened here"),
    "unreadable": N_("damaged or cut off"), "failed": N_("text recognition failed"),
    "blob-damaged": N_("stored file damaged"),
}
WORDS = {
    "message": N_("chat message"), "observed-at": N_("observation time"),
    "identifier": N_("identifier read"), "left": N_("left bubble"), "right": N_("right bubble"),
    "proposed": N_("awaiting confirmation"), "confirmed": N_("confirmed as evidence"),
    "rejected": N_("rejected by you"),
    "phone": N_("phone number read"), "email": N_("e-mail address read"),
    "account": N_("account handle read"), "url": N_("URL read"), "name": N_("name read"),
}


def word(key: str) -> str:
    return _(WORDS[key]) if key in WORDS else key


def register(app: typer.Typer) -> None:
    app.command("ocr", help=_("Read the text of every picture in the case that was not "
                              "read yet (screenshots, photos)."))(ocr)
    app.command("ocr-text", help=_("Print the text read from a picture."))(ocr_text)
    app.command("proposals", help=_("What was read from pictures and awaits your "
                                    "confirmation: messages, times, identifiers."))(proposals)
    app.command("confirm", help=_("Confirm proposals (E-0003:p2, E-0003:t, I-17, or E-0003 "
                                  "for all of a picture): they become evidence."))(confirm)
    app.command("reject", help=_("Reject proposals read from pictures."))(reject)
    app.command("correct", help=_("Correct a message or an observation time read from a "
                                  "picture and confirmed: the corrected one replaces it "
                                  "(the earlier one stays stored)."))(
        cmd_withdraw.reading_correct)
    app.command("harmful", help=_("Mark a picture as harmful: it is shown blurred by "
                                  "default."))(harmful)
    app.command("duplicates", help=_("List pictures that show the same thing (near-"
                                     "duplicates)."))(duplicate_groups)


def ocr(ctx: typer.Context, case_id: CaseOption = None, as_json: JsonOption = False,
        languages: Annotated[str | None, typer.Option("--languages", help=_(
            "Tesseract languages, e.g. nld+fra+eng (default: the case language and "
            "English)."))] = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=output.stderr_console(), transient=True) as bar:
            task = bar.add_task(_("Reading"), total=None)

            def advance(done: int, total: int, item: Item) -> None:
                bar.update(task, completed=done, total=total, description=item.label)

            outcomes = ocr_service.run_ocr(vault, case, advance, languages=languages)
    if as_json:
        output.as_json([{"item": o.item.label, "artifact": o.artifact.sha256,
                         "messages": o.messages, "identifiers": o.identifiers,
                         "refused": o.refused} for o in outcomes])
        return
    for o in outcomes:
        output.line(outcome_line(o))
    if not outcomes:
        output.info(_("Every picture of this case has been read already."))


def outcome_line(outcome: ocr_service.OcrOutcome) -> str:
    if outcome.refused:
        return _("{item}: not read ({reason}).").format(
            item=outcome.item.label, reason=_(REFUSALS[outcome.refused]))
    messages = ngettext("{n} message", "{n} messages", outcome.messages).format(
        n=outcome.messages)
    identifiers = ngettext("{n} identifier", "{n} identifiers", outcome.identifiers).format(
        n=outcome.identifiers)
    return _("{item}: {messages} and {identifiers} proposed.").format(
        item=outcome.item.label, messages=messages, identifiers=identifiers)


def ocr_text(ctx: typer.Context, label: ItemArgument, case_id: CaseOption = None) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        texts = [d.text for i, _a, d in ocr_service.documents(vault, case) if i.id == item.id]
    if not texts:
        raise UserError(_("{item} has not been read yet: run 'spoorvast ocr'.")
                        .format(item=item.label))
    output.line(texts[0])


def proposals(ctx: typer.Context, label: Annotated[str | None, typer.Argument(
        help=_("Only this picture (E-0003)."))] = None,
        everything: Annotated[bool, typer.Option("--all", help=_(
            "Also the proposals already confirmed or rejected."))] = False,
        case_id: CaseOption = None, as_json: JsonOption = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label) if label else None
        listed = [p for p in ocr_review.proposals(vault, case, item)
                  if everything or p.state is State.OPEN]
    if as_json:
        output.as_json([proposal_json(p) for p in listed])
        return
    _print_proposals(listed)


def _print_proposals(listed: list[Proposal]) -> None:
    if not listed:
        output.info(_("No proposals waiting."))
        return
    table = output.table(_("Proposal"), _("What"), _("Decision"), _("Time shown"), _("Text read"))
    for p in listed:
        what = word(p.identifier.kind.value) if p.identifier else word(p.kind.value)
        what = what if p.side is None else f"{what} ({word(p.side)})"
        when = p.at.isoformat() if p.at else (p.shown_time or "")
        if p.file_time is not None:
            when = _("{clock} (status bar); file {file}").format(
                clock=when, file=p.file_time.isoformat())
        table.add_row(p.ref, what, word(p.state.value), when, p.text)
    output.stdout_console().print(table)


def _decide(ctx: typer.Context, refs: list[str], case_id: int | None, accept: bool,
            day: date | None = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        for ref in refs:
            for proposal in _expand(vault, case, ref):
                done = (ocr_review.confirm(vault, case, proposal, day) if accept
                        else ocr_review.reject(vault, case, proposal))
                output.line(_decision_line(done))


def _expand(vault: Vault, case: Case, ref: str) -> list[Proposal]:
    """One proposal, or every open proposal of a picture (``E-0003``)."""
    if ":" not in ref and not ref.strip().upper().startswith("I"):
        item = case_service.find_item(vault, case, ref)
        return [p for p in ocr_review.proposals(vault, case, item) if p.state is State.OPEN]
    return [ocr_review.find(vault, case, ref)]


def _decision_line(p: Proposal) -> str:
    where = ocr_review.provenance(p.item.label, p.region)
    return _("{ref}: {state}, {where}").format(ref=p.ref, state=word(p.state.value),
                                              where=where)


def confirm(ctx: typer.Context, refs: Annotated[list[str], typer.Argument(
        help=_("Proposals: E-0003:p2, E-0003:t, I-17, or E-0003 for all."))],
        day: Annotated[str | None, typer.Option("--day", help=_(
            "The day (YYYY-MM-DD) of messages whose picture shows only a time."))] = None,
        case_id: CaseOption = None) -> None:
    _decide(ctx, refs, case_id, True, _parse_day(day))


def _parse_day(day: str | None) -> date | None:
    if day is None:
        return None
    try:
        return date.fromisoformat(day)
    except ValueError as exc:
        raise UserError(_("{day} is not a day; write it as 2024-03-12.").format(day=day)
                        ) from exc


def reject(ctx: typer.Context, refs: Annotated[list[str], typer.Argument(
        help=_("Proposals: E-0003:p2, E-0003:t, I-17, or E-0003 for all."))],
        case_id: CaseOption = None) -> None:
    _decide(ctx, refs, case_id, False)


def harmful(ctx: typer.Context, label: ItemArgument, case_id: CaseOption = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        artifact = ocr_care.mark_harmful(vault, case, item)
    output.line(_("{item} is marked harmful; it is shown blurred by default (preview "
                  "{sha}…).").format(item=item.label, sha=artifact.sha256[:12]))


def duplicate_groups(ctx: typer.Context, case_id: CaseOption = None,
                     as_json: JsonOption = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        groups = ocr_care.near_duplicates(vault, case)
    if as_json:
        output.as_json([[i.label for i in g.items] for g in groups])
        return
    for group in groups:
        first, *others = group.items
        output.line(_("{item} is also shown by {others}").format(
            item=first.label, others=", ".join(i.label for i in others)))
    if not groups:
        output.info(_("No near-duplicate pictures."))


EXCERPT = 400


def render(data: dict[str, Any], item: Item) -> tuple[object, Callable[[], None] | None]:
    """``show`` for plain files: the text read from the picture and its proposals."""
    read = data.get("ocr")
    if read is None:
        return data, None

    def show() -> None:
        output.line()
        output.line(_("Text read from the picture"), style="bold")
        text = str(read["text"])
        output.line(text[:EXCERPT] + ("…" if len(text) > EXCERPT else ""))
        waiting = sum(1 for p in read["proposals"] if p["state"] == State.OPEN.value)
        output.line(_("{count} proposals await your decision: spoorvast proposals {item}")
                    .format(count=waiting, item=item.label))
        if data.get("harmful"):
            output.line(_("Marked harmful: shown blurred by default."))

    return data, show
