"""``spoorvast case share|invite|join|sync|members|access|remove``: a case shared through
an organisation's server (see ``services/sharing``), and ``spoorvast org`` to set one up.

The usual way: the helper runs ``case join URL`` once (it prints their account and its
fingerprint), the victim runs ``case share --server URL --org ORG`` and then ``case
invite ACCOUNT --role advocate`` after comparing the fingerprint words aloud, which prints
an invitation; the helper runs ``case join INVITATION``; both run ``case sync``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from spoorvast.cli import context, output
from spoorvast.errors import IntegrityError, UserError
from spoorvast.i18n import N_, _, current_language, ngettext

if TYPE_CHECKING:
    from spoorvast.model.records import Case
    from spoorvast.services.sharing.api import Api
    from spoorvast.services.sharing.sync import Link, SyncReport
    from spoorvast.storage.vault import Vault

CaseOpt = Annotated[int | None, typer.Option("--case", help=_("The case (default: the "
                                                               "current one)."))]
OperatorOpt = Annotated[str | None, typer.Option(
    "--operator-token", envvar="SPOORVAST_SERVER_OPERATOR_TOKEN",
    help=_("The server operator's token (default: SPOORVAST_SERVER_OPERATOR_TOKEN)."))]
InvitationOpt = Annotated[str | None, typer.Option(
    "--invitation", help=_("The invitation an organisation gave you (to make your "
                           "account on its server)."))]
REFUSALS = {
    "invitation_required": N_("This server makes accounts by invitation only: ask the "
                              "organisation for an invitation and give it with "
                              "--invitation."),
    "operator_only": N_("Only the server's operator can make an organisation (give its "
                        "token with --operator-token)."),
}
NameOpt = Annotated[str, typer.Option("--name", help=_("Your name as the other members "
                                                       "will see it."))]


def add_case_commands(group: typer.Typer) -> None:
    """The shared-case commands of ``spoorvast case`` (called by cmd_cases.register)."""
    group.command("share", help=_("Share the case through an organisation's server."))(share)
    group.command("invite", help=_("Give someone access to the shared case."))(invite)
    group.command("join", help=_("Join a shared case (or, with only a server address, "
                                 "make your account there)."))(join)
    group.command("sync", help=_("Send and receive the shared case's new items."))(sync)
    group.command("members", help=_("Who can see or add to the shared case."))(members)
    group.command("access", help=_("Who opened what in the shared case, and when."))(access)
    group.command("remove", help=_("Take someone's access away (a new key is made for the "
                                   "others)."))(remove)


def register(app: typer.Typer) -> None:
    org = typer.Typer(help=_("Organisations on a server of shared cases."),
                      no_args_is_help=True)
    org.command("create", help=_("Make an organisation; you become its admin."))(org_create)
    org.command("grant", help=_("Give an account a role in an organisation."))(org_grant)
    org.command("invite", help=_("Make a one-use invitation to make an account with a role "
                                 "in an organisation."))(org_invite)
    from spoorvast.cli.cmd_logins import add_org_commands

    add_org_commands(org)  # passkey and OIDC links for a browser
    app.add_typer(org, name="org")


@contextmanager
def told() -> Iterator[None]:
    """Server answers and broken chains as sentences (never a traceback)."""
    import httpx

    from spoorvast.services.sharing.api import ServerRefused
    from spoorvast.services.sharing.case import ShareError

    try:
        yield
    except ServerRefused as exc:
        if exc.code in REFUSALS:
            raise UserError(_(REFUSALS[exc.code])) from exc
        raise UserError(_("The server refused: {code} (HTTP {status}).").format(
            code=exc.code, status=exc.status)) from exc
    except httpx.HTTPError as exc:
        raise UserError(_("The server could not be reached ({reason}).").format(
            reason=type(exc).__name__)) from exc
    except ShareError as exc:
        if exc.code.startswith("capture_bundle_"):
            raise IntegrityError(_(
                "A web capture a member sent does not check ({code}, record {record}): "
                "none of its files was added.").format(code=exc.code,
                                                       record=exc.where[:8])) from exc
        raise IntegrityError(_("The shared case does not check: {code} at {where}.").format(
            code=exc.code, where=exc.where or "-")) from exc


@contextmanager
def _linked(vault: Vault, case_id: int | None) -> Iterator[tuple[Case, Api, Link]]:
    from spoorvast.services import cases
    from spoorvast.services.sharing import sync as sharing

    case = cases.current_case(vault, case_id)
    link = sharing.link_of(vault, case)
    if link is None:
        raise UserError(_("Case {id} is not shared. Share it first with 'spoorvast case "
                          "share --server URL --org ORG'.").format(id=case.id))
    with closing(sharing.connect(vault, link.server)) as api:
        yield case, api, link


def _id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError as exc:
        raise UserError(_("{text} is not an account, case or organisation id.").format(
            text=text[:60])) from exc


def _invitation(server: str, case: uuid.UUID) -> str:
    return f"{server.rstrip('/')}#{case}"


def share(ctx: typer.Context, server: Annotated[str, typer.Option("--server")],
          org: Annotated[str, typer.Option("--org")], name: NameOpt,
          purpose: Annotated[str, typer.Option("--purpose")] = "",
          case_id: CaseOpt = None) -> None:
    from spoorvast.services import cases
    from spoorvast.services.sharing import sync as sharing

    with context.open_vault(ctx) as vault, told():
        case = cases.current_case(vault, case_id)
        if sharing.link_of(vault, case) is not None:
            raise UserError(_("Case {id} is shared already.").format(id=case.id))
        with closing(sharing.connect(vault, server)) as api:
            link = sharing.share(vault, case, api, _id(org), name, purpose)
            report = sharing.sync(vault, case, api)
    output.line(ngettext("Case {id} is shared; {count} item sent.",
                         "Case {id} is shared; {count} items sent.", report.pushed).format(
        id=case.id, count=report.pushed))
    output.line(_("Invitation for the members you add: {invite}").format(
        invite=_invitation(server, link.case)))


def invite(ctx: typer.Context, account: Annotated[str, typer.Argument()],
           name: Annotated[str, typer.Option("--name", help=_("Their name."))],
           role: Annotated[str, typer.Option("--role")] = "advocate",
           purpose: Annotated[str, typer.Option("--purpose")] = "",
           days: Annotated[int, typer.Option("--days", min=1, max=3650)] = 365,
           fingerprint: Annotated[str, typer.Option("--fingerprint")] = "",
           case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import sync as sharing
    from spoorvast.services.sharing.case import SharedCase
    from spoorvast.storage.sharing_keys import fingerprint_words

    if role not in ("advocate", "lawyer", "contributor"):
        raise UserError(_("Unknown role {role}: choose advocate, lawyer or contributor.")
                        .format(role=role))
    with context.open_vault(ctx) as vault, told(), _linked(vault, case_id) as (case, api, link):
        words = fingerprint_words(api.account_keys(_id(account)))
        if " ".join(fingerprint.split()) != words:
            output.line(_("Their fingerprint: {words}").format(words=words))
            if fingerprint or not typer.confirm(_("Are these the words they read to you?")):
                raise UserError(_("Not added: the fingerprint was not confirmed."))
        shared = SharedCase(api, link.case)
        shared.load_keys()
        shared.add_member(_id(account), role, name, purpose,
                          datetime.now(UTC) + timedelta(days=days))
        sharing.remember_member(vault, case, str(_id(account)), name, role)
    output.line(_("{name} was added. Their invitation: {invite}").format(
        name=name, invite=_invitation(link.server, link.case)))


def join(ctx: typer.Context, invitation: Annotated[str, typer.Argument()],
         case_zone: Annotated[str, typer.Option("--tz")] = "Europe/Brussels",
         account_invitation: InvitationOpt = None, operator_token: OperatorOpt = None
         ) -> None:
    from spoorvast.services.sharing import sync as sharing
    from spoorvast.storage.sharing_keys import fingerprint_words

    server, _sep, case = invitation.partition("#")
    with (context.open_vault(ctx) as vault, told(),
          closing(sharing.connect(vault, server, operator_token, account_invitation)) as api):
        if not case:
            output.line(_("Your account: {account}").format(account=api.account))
            output.line(_("Your fingerprint: {words}").format(
                words=fingerprint_words(api.identity.public())))
            return
        joined = sharing.join(vault, api, _id(case), current_language(), case_zone)
        report = sharing.sync(vault, joined, api)
    output.line(ngettext("Joined as case {id}: {count} item received.",
                         "Joined as case {id}: {count} items received.",
                         len(report.pulled)).format(id=joined.id, count=len(report.pulled)))
    _say_refused(report)


def _say_refused(report: SyncReport) -> None:
    """Each record or drop not added, in words (the sync went on past it)."""
    for record, code in report.refused:
        if code.startswith("capture_bundle_"):
            said = _("A web capture a member sent does not check ({code}, record {record}): "
                     "none of its files was added. It is tried again at the next sync.")
        else:
            said = _("A shared record does not check or could not be added ({code}, record "
                     "{record}): nothing of it was added. It is tried again at the next "
                     "sync.")
        output.error(said.format(code=code, record=record[:8]))
    for upload, code in report.drops_refused:
        output.error(_("A drop does not check and was not added ({code}, {upload}); it "
                       "stays on the server.").format(code=code, upload=upload[:8]))


def sync(ctx: typer.Context, case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import sync as sharing

    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (case, api, _link)):
        report = sharing.sync(vault, case, api)
    output.line(_("Received: {received}. Sent: {sent}.").format(
        received=len(report.pulled), sent=report.pushed))
    if report.dropped:
        output.line(_("From the drop box: {labels}.").format(labels=", ".join(report.dropped)))
    _say_refused(report)
    if report.skipped:
        output.line(ngettext(
            "{count} item without exactly one original file (and not a web capture) is "
            "not shared.",
            "{count} items without exactly one original file (and not web captures) are "
            "not shared.", report.skipped).format(count=report.skipped))


def members(ctx: typer.Context, case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import words

    with context.open_vault(ctx) as vault, told(), _linked(vault, case_id) as (case, api, link):
        lines = words.members(vault, case, api.members(link.case))
    table = output.table(_("Name"), _("Role"), _("Until"), _("Fingerprint"))
    for line in lines:
        table.add_row(line.name if line.active else _("{name} (no access)").format(
            name=line.name), line.role, line.until, line.fingerprint)
    output.print_table(table)


def access(ctx: typer.Context, case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import sync as sharing
    from spoorvast.services.sharing import words

    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (case, api, _link)):
        entries = sharing.checked_chain(vault, case, api)
        lines = words.access_lines(vault, case, entries)
    for line in lines:
        output.line(line)


def remove(ctx: typer.Context, account: Annotated[str, typer.Argument()],
           case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import sync as sharing
    from spoorvast.services.sharing.case import SharedCase

    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (case, api, link)):
        shared = SharedCase(api, link.case)
        shared.load_keys()
        epoch = shared.remove_member(_id(account))
        sharing.mark_rotated(vault, case, _id(account))
    output.line(_("Removed. What is added from now on uses a new key ({epoch}).").format(
        epoch=epoch))


def org_create(ctx: typer.Context, server: Annotated[str, typer.Option("--server")],
               operator_token: OperatorOpt = None) -> None:
    from spoorvast.services.sharing import sync as sharing

    with (context.open_vault(ctx) as vault, told(),
          closing(sharing.connect(vault, server, operator_token)) as api):
        org = api.create_org()
    output.line(_("Organisation {org} made; you are its admin.").format(org=org))


def org_grant(ctx: typer.Context, server: Annotated[str, typer.Option("--server")],
              org: Annotated[str, typer.Argument()], account: Annotated[str, typer.Argument()],
              role: Annotated[str, typer.Argument()]) -> None:
    from spoorvast.services.sharing import sync as sharing

    with (context.open_vault(ctx) as vault, told(),
          closing(sharing.connect(vault, server)) as api):
        api.add_org_role(_id(org), _id(account), role)
    output.line(_("Done: {role} in {org}.").format(role=role, org=org))


def org_invite(ctx: typer.Context, server: Annotated[str, typer.Option("--server")],
               org: Annotated[str, typer.Argument()],
               role: Annotated[str, typer.Option("--role")] = "client",
               days: Annotated[int, typer.Option("--days", min=1, max=90)] = 7) -> None:
    from spoorvast.services.sharing import sync as sharing

    with (context.open_vault(ctx) as vault, told(),
          closing(sharing.connect(vault, server)) as api):
        code = api.invite(_id(org), role, days)
    output.line(ngettext("Invitation (one use, {days} day): {code}",
                         "Invitation (one use, {days} days): {code}", days).format(
        days=days, code=code))
    output.line(_("They make their account with: spoorvast case join {server} --invitation "
                  "{code}").format(server=server, code=code))
