"""``spoorvast org passkey-link|oidc-link|oidc-subject``: browser logins on the server.

The app logs in with the member's own key and asks the server for a one-use link: a
browser that opens it adds a passkey to this account (``passkey-link``), or ties the
organisation's login (OIDC) it comes back with to an account (``oidc-link``: one's own,
or, for an org admin, a member's). ``oidc-subject`` lets an org admin tie the identity
provider's user id to a member directly. A browser login reaches the server only: case
keys stay in this app.
"""

from __future__ import annotations

import uuid
from contextlib import closing
from typing import Annotated

import typer

from spoorvast.cli import context, output
from spoorvast.i18n import _

ServerOpt = Annotated[str, typer.Option("--server", help=_("The server's address."))]


def add_org_commands(org: typer.Typer) -> None:
    org.command("passkey-link", help=_("Make a one-use link with which a browser adds a "
                                       "passkey to your account."))(passkey_link)
    org.command("oidc-link", help=_("Make a one-use link that ties an organisation login "
                                    "(OIDC) to an account."))(oidc_link)
    org.command("oidc-subject", help=_("Tie the identity provider's user id to a member's "
                                       "account (org admins)."))(oidc_subject)


def _id(text: str) -> uuid.UUID:
    from spoorvast.cli.cmd_share import _id as parsed

    return parsed(text)


def passkey_link(ctx: typer.Context, server: ServerOpt) -> None:
    from spoorvast.cli.cmd_share import told
    from spoorvast.services.sharing import sync as sharing

    with (context.open_vault(ctx) as vault, told(),
          closing(sharing.connect(vault, server)) as api):
        link = api.passkey_link()
    output.line(_("Open this link in the browser (one use, 10 minutes): {link}").format(
        link=link))


def oidc_link(ctx: typer.Context, server: ServerOpt, org: Annotated[str, typer.Argument()],
              account: Annotated[str | None, typer.Option(
                  "--account", help=_("A member's account (default: yours)."))] = None
              ) -> None:
    from spoorvast.cli.cmd_share import told
    from spoorvast.services.sharing import sync as sharing

    with (context.open_vault(ctx) as vault, told(),
          closing(sharing.connect(vault, server)) as api):
        link = api.oidc_link(_id(org), _id(account) if account else None)
    output.line(_("Open this link in the browser (one use, 7 days): {link}").format(
        link=link))


def oidc_subject(ctx: typer.Context, server: ServerOpt, org: Annotated[str, typer.Argument()],
                 account: Annotated[str, typer.Argument()],
                 subject: Annotated[str, typer.Argument()]) -> None:
    from spoorvast.cli.cmd_share import told
    from spoorvast.services.sharing import sync as sharing

    with (context.open_vault(ctx) as vault, told(),
          closing(sharing.connect(vault, server)) as api):
        api.link_oidc_subject(_id(org), _id(account), subject)
    output.line(_("Linked: {subject} now logs in to {account}.").format(
        subject=subject, account=account))
