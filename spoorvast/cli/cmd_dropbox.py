"""``spoorvast case dropbox add|list|revoke``: the drop box of a shared case.

``add`` makes a grant for one device (a phone) with a purpose and an expiry and prints
its pairing link, also as a QR code (in the terminal, or ``--qr FILE.svg|.png``); the
phone opens it once and can then only add. ``revoke`` ends a grant at once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from spoorvast.cli import context, output
from spoorvast.cli.cmd_share import CaseOpt, _linked, told
from spoorvast.errors import UserError
from spoorvast.i18n import _


def add_case_commands(group: typer.Typer) -> None:
    """``spoorvast case dropbox …`` (called by cmd_cases.register)."""
    box = typer.Typer(help=_("Phones and others that may add to the shared case but read "
                             "nothing."), no_args_is_help=True)
    box.command("add", help=_("Make a pairing link (and QR code) for one phone."))(add)
    box.command("list", help=_("The drop-box links of the shared case."))(list_grants)
    box.command("revoke", help=_("End a drop-box link at once."))(revoke)
    group.add_typer(box, name="dropbox")


def add(ctx: typer.Context,
        purpose: Annotated[str, typer.Option("--purpose", help=_("What the phone is for, "
                                                                 "e.g. 'my phone'."))],
        days: Annotated[int, typer.Option("--days", min=1, max=366)] = 30,
        qr: Annotated[Path | None, typer.Option("--qr", help=_(
            "Also write the QR code to this .svg or .png file."))] = None,
        case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import drops
    from spoorvast.services.sharing.case import SharedCase

    if qr is not None and qr.suffix.lower() not in (".svg", ".png"):
        raise UserError(_("{file}: the QR code can be written as .svg or .png.").format(
            file=qr))
    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (_case, api, link)):
        shared = SharedCase(api, link.case)
        shared.load_keys()
        until = datetime.now(UTC) + timedelta(days=days)
        made = drops.make_grant(shared, link.server, purpose, until)
    if qr is not None:
        if qr.suffix.lower() == ".png":
            made.qr_png(qr)
        else:
            qr.write_text(made.qr_svg(), encoding="utf-8")
    output.line(_("Open this link once on the phone (it works for one phone, until "
                  "{until}):").format(until=until.date().isoformat()))
    output.line(made.url)
    output.line(_("Drop-box link {grant}. Anyone who sees the link before the phone opens "
                  "it could pair instead: show it only to the phone.").format(
        grant=made.grant))


def list_grants(ctx: typer.Context, case_id: CaseOpt = None) -> None:
    from spoorvast.i18n import ngettext
    from spoorvast.services.sharing import dropbox
    from spoorvast.services.sharing.case import SharedCase

    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (_case, api, link)):
        shared = SharedCase(api, link.case)
        shared.load_keys()
        rows = dropbox.rows(shared)
    states = {dropbox.GrantState.REVOKED: _("revoked"), dropbox.GrantState.ENDED: _("ended"),
              dropbox.GrantState.PAIRED: _("phone paired"),
              dropbox.GrantState.UNUSED: _("not used yet")}
    table = output.table(_("Link"), _("Purpose"), _("Until"), _("State"), _("Arrived"))
    for row in rows:
        table.add_row(str(row.grant), row.purpose, row.expires_at.date().isoformat(),
                      states[row.state],
                      ngettext("{n} file", "{n} files", row.drops).format(n=row.drops))
    output.print_table(table)


def revoke(ctx: typer.Context, grant: Annotated[str, typer.Argument()],
           case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import drops
    from spoorvast.services.sharing.case import SharedCase

    try:
        grant_id = uuid.UUID(grant.strip())
    except ValueError as exc:
        raise UserError(_("{text} is not a drop-box link id.").format(text=grant[:60])) \
            from exc
    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (_case, api, link)):
        drops.revoke_grant(SharedCase(api, link.case), grant_id)
    output.line(_("The drop-box link is ended; the phone can add nothing more."))
