"""Case commands: case new / list / use."""

from __future__ import annotations

from typing import Annotated

import typer

from spoorvast.cli import context, output
from spoorvast.guidance import ADVICE
from spoorvast.i18n import _, current_language
from spoorvast.model.records import Case
from spoorvast.model.serialize import to_json
from spoorvast.services import cases as case_service

DEFAULT_ZONE = "Europe/Brussels"


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=_("Cases: one person's matter each."), no_args_is_help=True)
    group.command("new", help=_("Start a new case and make it the current one."))(new)
    group.command("list", help=_("List the cases."))(list_cases)
    group.command("use", help=_("Make another case the current one."))(use)
    from spoorvast.cli import cmd_dropbox, cmd_server_capture, cmd_share

    cmd_share.add_case_commands(group)  # share, join, sync, …
    cmd_dropbox.add_case_commands(group)
    cmd_server_capture.add_case_commands(group)  # capture, captures
    app.add_typer(group, name="case")


def new(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help=_("A short title, e.g. 'Messages from X'."))],
    lang: Annotated[str, typer.Option("--lang", help=_(
        "Language of the dossier: nl, fr, de or en."))] = "",
    tz: Annotated[str, typer.Option("--tz", help=_(
        "Time zone of the case, e.g. Europe/Brussels."))] = DEFAULT_ZONE,
    description: Annotated[str, typer.Option("--description", help=_(
        "A few words about the case."))] = "",
    as_json: Annotated[bool, typer.Option("--json", help=_("Output JSON."))] = False,
) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.create_case(vault, title, lang or current_language(), tz,
                                        description)
    if as_json:
        output.as_json(case_json(case))
        return
    output.line(_("Case {id} created: {title} ({lang}, {tz}). It is now the current case.")
                .format(id=case.id, title=case.title, lang=case.language, tz=case.time_zone))
    advice = ADVICE["not-alone"]
    output.line(_(advice) + " " + _("See: spoorvast guidance"), style="dim")


def case_json(case: Case) -> dict[str, object]:
    data = to_json(case)
    assert isinstance(data, dict)
    return data


def list_cases(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=_("Output JSON."))] = False,
) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        cases = vault.store.cases()
        current = vault.store.setting(case_service.CURRENT_CASE)
        counts = {c.id: len(vault.store.items(c.id or 0)) for c in cases}
    if as_json:
        output.as_json([{**case_json(c), "current": str(c.id) == current,
                         "items": counts[c.id]} for c in cases])
        return
    table = output.table(_("Case"), _("Title"), _("Language"), _("Time zone"), _("Items"))
    for case in cases:
        marker = " *" if str(case.id) == current else ""
        table.add_row(f"{case.id}{marker}", case.title, case.language, case.time_zone,
                      str(counts[case.id]))
    output.stdout_console().print(table)


def use(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(help=_("The case number."))],
) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.use_case(vault, case_id)
    output.line(_("Current case: {id} {title}").format(id=case.id, title=case.title))


def guided_case(ctx: typer.Context) -> None:
    with context.open_vault(ctx) as vault:
        cases = vault.store.cases()
        if not cases:
            title = typer.prompt(_("A short title for your case"))
            case = case_service.create_case(vault, title, current_language(), DEFAULT_ZONE)
        else:
            case = case_service.current_case(vault)
        count = len(vault.store.items(case.id or 0))
    output.line(_("Current case: {id} {title} ({n} items).").format(
        id=case.id, title=case.title, n=count))
    output.line(_("Add evidence with: spoorvast add FILES (screenshots, recordings, "
                  "photos…). Check it any time with: spoorvast verify"))
