"""``spoorvast watch``: keep capturing a page on a schedule and say what changed.

``watch add URL --every 6h`` · ``watch list`` · ``watch pause/resume/remove N`` ·
``watch run`` (the due watches, now; ``--all``: every watch not paused) ·
``watch install`` / ``watch uninstall`` (a per-user systemd timer, or a crontab line,
that runs ``watch run --unattended`` without the app open: with the vault locked, the
captures wait encrypted in the vault's watch inbox and are sealed and compared at the
next unlock).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from spoorvast.cli import context, output
from spoorvast.errors import UserError
from spoorvast.i18n import _, ngettext
from spoorvast.services import cases as case_service
from spoorvast.services.watch import news, schedule, sentences, store
from spoorvast.services.watch.model import Change, Watch

if TYPE_CHECKING:
    from spoorvast.services.watch.service import RunOutcome
    from spoorvast.storage.vault import Vault

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
Number = Annotated[int, typer.Argument(help=_("The watch number (see 'watch list')."))]


def register(app: typer.Typer) -> None:
    watch = typer.Typer(help=_("Capture a page again on a schedule, keep the first capture, "
                               "and say what changed or vanished."), no_args_is_help=True)
    watch.command("add", help=_("Watch a web address (its first capture is due at once)."))(
        add)
    watch.command("list", help=_("The watches of the case and what their runs found."))(
        list_watches)
    watch.command("pause", help=_("Stop running a watch for now."))(pause)
    watch.command("resume", help=_("Run a paused watch again."))(resume)
    watch.command("remove", help=_("Stop watching; every capture and the history stay."))(
        remove)
    watch.command("run", help=_("Run the watches that are due now (one pass)."))(run)
    watch.command("install", help=_("Run due watches without the app open: a per-user "
                                    "systemd timer, or a crontab line."))(install)
    watch.command("uninstall", help=_("Remove what 'watch install' wrote."))(uninstall)
    app.add_typer(watch, name="watch")


def add(ctx: typer.Context,
        url: Annotated[str, typer.Argument(help=_("The web address."), metavar="URL")],
        every: Annotated[str, typer.Option("--every", help=_(
            "How often: 30m, 6h, 1d, 1w (at least 15 minutes)."))] = "6h",
        first: Annotated[str | None, typer.Option("--first", help=_(
            "An earlier capture of this page (E-0003) that becomes the first one."))] = None,
        allow_private: Annotated[bool, typer.Option(
            "--allow-private-network",
            help=_("Also capture local and private network addresses."))] = False,
        on_server: Annotated[bool, typer.Option("--on-server", help=_(
            "Let the shared case's server run the watch (its runs arrive at 'case "
            "sync' and are compared in each member's vault)."))] = False,
        case_id: CaseOption = None) -> None:
    from spoorvast.services.watch import service, unattended

    seconds = schedule.parse_every(every)
    if on_server:
        _add_on_server(ctx, url, seconds, case_id)
        return
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        watch = service.add(vault, case, url, seconds,
                            service.item_for(vault, case, first), allow_private)
        unattended.sync_schedule(vault)
    output.line(_("Watch {number} added: {url}, every {every}. The first run is due now "
                  "('spoorvast watch run', or the app when it is open).").format(
        number=watch.id, url=watch.url, every=every))


def _add_on_server(ctx: typer.Context, url: str, seconds: int, case_id: int | None) -> None:
    from spoorvast.cli.cmd_share import _linked, told
    from spoorvast.services.sharing.case import SharedCase, ShareError
    from spoorvast.services.watch import server_mode

    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (case, api, link)):
        shared = SharedCase(api, link.case)
        shared.load_keys()
        try:
            watch = server_mode.add(vault, case, shared, url, seconds)
        except ShareError as exc:
            raise UserError(_("This server does not capture pages (no worker is set up "
                              "for it).")) from exc
    output.line(_("Watch {number} added on the server: {url}, every {every}. Its runs "
                  "arrive at 'spoorvast case sync'.").format(
        number=watch.id, url=watch.url, every=schedule.every_text(seconds)))


def _when(epoch: float | None) -> str:
    if not epoch:
        return "-"
    return datetime.fromtimestamp(epoch, UTC).astimezone().strftime("%Y-%m-%d %H:%M %z")


def list_watches(ctx: typer.Context, case_id: CaseOption = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        found = store.watches(vault, case.id)
        lines = news.take(vault)
        last = {w.id: store.last_changes(vault, w) for w in found}
    for line in lines:
        output.info(line)
    if not found:
        output.line(_("No watches in this case. Add one with: spoorvast watch add URL "
                      "--every 6h"))
        return
    table = output.table("#", _("Address"), _("Every"), _("State"), _("First"), _("Last"),
                         _("Last found"), _("Next run"))
    for watch in found:
        found_words = ", ".join(sentences.short(Change(k)) for k in last[watch.id]) or "-"
        table.add_row(str(watch.id), watch.url, schedule.every_text(watch.every),
                      sentences.state(watch), watch.first or "-", watch.last or "-", found_words,
                      "-" if watch.paused or watch.server else _when(watch.next_due))
    output.print_table(table)


def _set(ctx: typer.Context, number: int, case_id: int | None, paused: bool | None) -> Watch:
    from spoorvast.services.watch import service, unattended

    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        watch = store.watch(vault, case.id or 0, number)
        if watch.server is not None:
            _tell_server(vault, case_id, watch, paused)
        if paused is None:
            service.remove(vault, watch)
        else:
            watch = service.set_paused(vault, watch, paused)
        unattended.sync_schedule(vault)
    return watch


def _tell_server(vault: Vault, case_id: int | None, watch: Watch,
                 paused: bool | None) -> None:
    import uuid

    from spoorvast.cli.cmd_share import _linked, told
    from spoorvast.services.sharing.case import SharedCase
    from spoorvast.services.sharing.server_capture import change_watch

    assert watch.server is not None
    with told(), _linked(vault, case_id) as (_case, api, link):
        change_watch(SharedCase(api, link.case), uuid.UUID(watch.server), paused=paused,
                     remove=paused is None)


def pause(ctx: typer.Context, number: Number, case_id: CaseOption = None) -> None:
    _set(ctx, number, case_id, True)
    output.line(_("Watch {number} paused.").format(number=number))


def resume(ctx: typer.Context, number: Number, case_id: CaseOption = None) -> None:
    _set(ctx, number, case_id, False)
    output.line(_("Watch {number} runs again.").format(number=number))


def remove(ctx: typer.Context, number: Number, case_id: CaseOption = None) -> None:
    _set(ctx, number, case_id, None)
    output.line(_("Watch {number} removed; its captures and history stay in the case.")
                .format(number=number))


def run(ctx: typer.Context,
        everything: Annotated[bool, typer.Option("--all", help=_(
            "Run every watch that is not paused, due or not."))] = False,
        unattended_: Annotated[bool, typer.Option("--unattended", help=_(
            "Ask no passphrase: run with the vault locked; the captures wait encrypted "
            "in the vault's inbox until the next unlock (what the timer runs)."))] = False,
        notify: Annotated[bool, typer.Option("--notify", help=_(
            "Say 'spoorvast has news' on the desktop when a page was removed or went "
            "behind a login (nothing more)."))] = False) -> None:
    from spoorvast.services.watch import service, unattended

    if unattended_:
        ran = unattended.run_locked(context.vault_path(ctx), everything)
        if ran.news and notify:
            news.notify()
        output.line(ngettext("{n} watch ran; its capture waits in the inbox.",
                             "{n} watches ran; their captures wait in the inbox.",
                             ran.count).format(n=ran.count))
        return
    from spoorvast.services.watch.runner import LocalRunner

    with context.open_vault(ctx) as vault:
        runner = LocalRunner(vault)
        try:
            outcomes = service.run_pass(vault, runner, everything)
        finally:
            runner.close()
        if everything:
            outcomes += _run_on_server(vault)
        unattended.sync_schedule(vault)
        said = news.take(vault)
    _report(outcomes)
    for line in said:
        output.info(line)
    if said and notify:
        news.notify()


def _run_on_server(vault: Vault) -> list[RunOutcome]:
    """Ask the server to run its watches now (through the Runner seam: each run is
    queued there and recorded here when it arrives at 'case sync')."""
    import random
    from contextlib import ExitStack

    from spoorvast.cli.cmd_share import _linked, told
    from spoorvast.model.records import Case
    from spoorvast.services.sharing.case import SharedCase
    from spoorvast.services.watch import service
    from spoorvast.services.watch.server_mode import ServerRunner

    found = [w for w in store.watches(vault) if w.server and not w.paused]
    with ExitStack() as stack:
        stack.enter_context(told())

        def shared_of(case: Case) -> SharedCase:
            _case, api, link = stack.enter_context(_linked(vault, case.id))
            return SharedCase(api, link.case)

        runner = ServerRunner(shared_of)
        return [service.run_one(vault, runner, w, random.SystemRandom()) for w in found]


def _report(outcomes: list[RunOutcome]) -> None:
    if not outcomes:
        output.line(_("No watch is due."))
    for outcome in outcomes:
        if outcome.error:
            output.error(_("Watch {number}: the capture failed ({reason}); it is tried "
                           "again later.").format(number=outcome.watch.id,
                                                  reason=outcome.error))
            continue
        if outcome.verdict is None and outcome.watch.server:
            output.line(_("Watch {number}: asked of the server; the run arrives at 'case "
                          "sync'.").format(number=outcome.watch.id))
            continue
        kinds = ", ".join(sentences.short(c) for c in outcome.verdict.changes) \
            if outcome.verdict else "-"
        output.line(_("Watch {number}: {label} — {found}").format(
            number=outcome.watch.id, label=outcome.label or "-", found=kinds))


def install(ctx: typer.Context,
            dry_run: Annotated[bool, typer.Option("--dry-run", help=_(
                "Print what would be written; write nothing."))] = False,
            notify: Annotated[bool, typer.Option("--notify", help=_(
                "Let the timer say 'spoorvast has news' on the desktop."))] = False,
            cron: Annotated[bool, typer.Option("--cron", help=_(
                "A crontab line even where systemd is there."))] = False) -> None:
    from spoorvast.services.watch import unattended

    root = context.vault_path(ctx)
    plan = unattended.plan(root, notify, force_cron=cron)
    if dry_run:
        for path, text in plan.files:
            output.line(f"# {path}")
            output.line(text)
        if plan.crontab:
            output.line("# crontab")
            output.line(plan.crontab)
        return
    with context.open_vault(ctx) as vault:
        unattended.enable(vault)
    for line in unattended.apply(plan):
        output.info(line)
    output.line(_("Installed: due watches run every {minutes} minutes without the app "
                  "open. The watched addresses are kept readable beside the vault "
                  "({path}) so that the timer can run while the vault is locked; "
                  "'spoorvast watch uninstall' removes them.").format(
        minutes=unattended.TIMER_MINUTES, path=unattended.schedule_path(root)))


def uninstall(ctx: typer.Context,
              dry_run: Annotated[bool, typer.Option("--dry-run", help=_(
                  "Print what would be removed; remove nothing."))] = False) -> None:
    from spoorvast.services.watch import unattended

    root = context.vault_path(ctx)
    removed = unattended.remove_plan(root)
    if dry_run:
        for line in removed:
            output.line(line)
        return
    unattended.uninstall(root)
    output.line(_("Removed: watches run only while the app is open or with 'spoorvast "
                  "watch run'."))
