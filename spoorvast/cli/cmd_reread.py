"""``spoorvast reread E-0012 --date-order month-first``: read an export again from its
sealed original, with the day/month order the user checked against the phone; and the
question ``add`` asks when an export's dates cannot tell (interactive terminals only)."""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Annotated

import click
import typer
from babel.dates import format_date

from spoorvast.cli import context, output
from spoorvast.i18n import _, current_language
from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services.reread import ORDERS, date_question, reread
from spoorvast.storage.vault import Vault

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
OrderOption = Annotated[str, typer.Option("--date-order", help=_(
    "How the export writes dates: day-first (04/03 = 4 March), month-first (04/03 = "
    "April 3) or year-first."))]


def register(app: typer.Typer) -> None:
    app.command("reread", help=_("Read a WhatsApp export again with the day/month order "
                                 "you checked against the phone."))(reread_command)


def reread_command(ctx: typer.Context, label: Annotated[str, typer.Argument(
        metavar="ITEM", help=_("The export, e.g. E-0012."))], order: OrderOption,
                   case_id: CaseOption = None) -> None:
    with context.open_vault(ctx, writable=True) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        done = reread(vault, case, item, order)
    output.line(_("{item} read again as {order}: {events} events; marks kept on the same "
                  "lines.").format(item=done.item.label, order=order, events=done.events))


def ask_date_order(vault: Vault, case: Case, labels: list[str]) -> None:
    """After ``add``: name each export with an undecided date order; on a terminal, ask
    which order is right and read it again at once."""
    for label in labels:
        item = case_service.find_item(vault, case, label)
        question = date_question(vault, case, item)
        if question is None:
            continue
        assumed = question.assumed
        other = "month-first" if assumed == "day-first" else "day-first"
        output.line(_("{item}: the dates do not show whether the day or the month comes "
                      "first; {assumed} was assumed. Compare one message with the phone; "
                      "if it is wrong: spoorvast reread {item} --date-order {other}")
                    .format(item=item.label, assumed=assumed, other=other), style="yellow")
        if question.readings:
            readings = "; ".join(f"{order}: {_long(day)}" for order, day in question.readings)
            output.line(_("The message of {example} reads as {readings}.")
                        .format(example=question.example, readings=readings))
        if not _interactive():
            continue
        answer = typer.prompt(_("Which order is right for {item}?").format(item=item.label),
                              type=click.Choice(list(ORDERS)), default=assumed)
        if answer != assumed:
            done = reread(vault, case, item, answer)
            output.line(_("{item} read again as {order}: {events} events; marks kept on "
                          "the same lines.").format(item=item.label, order=answer,
                                                    events=done.events))


def _long(day: date) -> str:
    return format_date(day, format="long", locale=current_language())


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty() and not os.environ.get("CI")
