"""Party commands: party add / list / show / merge / split, party id add / confirm /
reject, and the list of identifiers (proposed ones first)."""

from __future__ import annotations

from typing import Annotated

import typer

from spoorvast.analysis.phones import phone_facts
from spoorvast.cli import cmd_withdraw, context, output
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import (
    Case,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    PartyRole,
)
from spoorvast.services import cases as case_service
from spoorvast.services import identities
from spoorvast.storage.vault import Vault

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Output JSON."))]


def register(app: typer.Typer) -> None:
    party = typer.Typer(help=_("People in the case: you (victim), suspects, witnesses."),
                        no_args_is_help=True)
    party.command("add", help=_("Add a party: victim, suspect, witness or other."))(add)
    party.command("list", help=_("List the parties."))(list_parties)
    party.command("show", help=_("A party with every identifier and where it came from."))(
        show)
    party.command("merge", help=_("Two parties are the same person: keep the first."))(merge)
    party.command("split", help=_("Move identifiers off a party to a new one."))(split)
    ident = typer.Typer(help=_("Identifiers: e-mail, phone, account, address, IP, name."),
                        no_args_is_help=True)
    ident.command("add", help=_("Add identifiers you know to a party."))(id_add)
    ident.command("confirm", help=_("Confirm a proposed identifier (and assign it)."))(
        id_confirm)
    ident.command("reject", help=_("Reject a proposed identifier."))(id_reject)
    ident.command("correct", help=_("Correct a confirmed identifier: a new one replaces it "
                                    "(the earlier one stays recorded)."))(
        cmd_withdraw.identifier_correct)
    party.add_typer(ident, name="id")
    app.add_typer(party, name="party")
    app.command("identifiers", help=_("All identifiers of the case, proposed first."))(
        list_identifiers)


def add(ctx: typer.Context,
        role: Annotated[PartyRole, typer.Argument(help=_("victim, suspect, witness, other"))],
        name: Annotated[str, typer.Argument(help=_("A name or nickname."))],
        case_id: CaseOption = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        party = identities.add_party(vault, case, role, name)
    output.line(_("Party {id} added: {name} ({role}).").format(
        id=party.id, name=party.name, role=party.role.value))


def list_parties(ctx: typer.Context, case_id: CaseOption = None,
                 as_json: JsonOption = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        parties = vault.store.parties(case.id or 0)
        idents = vault.store.identifiers(case.id or 0)
    counts = {p.id: sum(i.party_id == p.id for i in idents) for p in parties}
    if as_json:
        output.as_json([{"id": p.id, "role": p.role.value, "name": p.name,
                         "identifiers": counts[p.id]} for p in parties])
        return
    table = output.table("#", _("Role"), _("Name"), _("Identifiers"))
    for p in parties:
        table.add_row(str(p.id), p.role.value, p.name, str(counts[p.id]))
    output.stdout_console().print(table)


def _ident_json(vault: Vault, case: Case, i: Identifier) -> dict[str, object]:
    item = vault.store.item_by_id(i.item_id) if i.item_id else None
    facts = phone_facts(i.value) if i.kind is IdentifierKind.PHONE else None
    return {"id": i.id, "kind": i.kind.value, "value": i.value, "party_id": i.party_id,
            "platform": i.platform, "stable_id": i.stable_id, "status": i.status.value,
            "source": item.label if item else "typed",
            "place": _place(i), "phone_type": facts.kind if facts else None,
            "phone_region": facts.region if facts else None}


def _place(i: Identifier) -> str | None:
    loc = i.location
    if loc is None:
        return None
    if loc.region:
        return _("region {x},{y} {w}×{h}").format(x=loc.region[0], y=loc.region[1],
                                                   w=loc.region[2], h=loc.region[3])
    if loc.line is not None:
        return _("line {n}").format(n=loc.line)
    return loc.field


def show(ctx: typer.Context, name: Annotated[str, typer.Argument(help=_("Name or number."))],
         case_id: CaseOption = None, as_json: JsonOption = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        party = identities.find_party(vault, case, name)
        rows = [_ident_json(vault, case, i) for i in vault.store.identifiers(case.id or 0)
                if i.party_id == party.id]
    if as_json:
        output.as_json({"id": party.id, "role": party.role.value, "name": party.name,
                        "identifiers": rows})
        return
    output.line(f"{party.name} ({party.role.value})", style="bold")
    _print_identifiers(rows)


def _print_identifiers(rows: list[dict[str, object]]) -> None:
    table = output.table("#", _("Kind"), _("Value"), _("Details"), _("Status"), _("From"))
    for r in rows:
        details = " ".join(str(v) for v in (r["platform"], r["stable_id"], r["phone_type"],
                                            r["phone_region"]) if v)
        source = str(r["source"]) if r["source"] != "typed" else _("typed by you")
        table.add_row(str(r["id"]), str(r["kind"]), str(r["value"]), details,
                      str(r["status"]), source + (f" ({r['place']})" if r["place"] else ""))
    output.stdout_console().print(table)


def id_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The party (name or number)."))],
    email: Annotated[list[str] | None, typer.Option("--email")] = None,
    phone: Annotated[list[str] | None, typer.Option("--phone")] = None,
    account: Annotated[str | None, typer.Option("--account", help=_(
        "A handle or profile address."))] = None,
    platform: Annotated[str | None, typer.Option("--platform", help=_(
        "For --account: Instagram, Facebook, TikTok…"))] = None,
    stable_id: Annotated[str | None, typer.Option("--id", help=_(
        "For --account: the account's unique number."))] = None,
    url: Annotated[list[str] | None, typer.Option("--url")] = None,
    ip: Annotated[list[str] | None, typer.Option("--ip")] = None,
    alias: Annotated[list[str] | None, typer.Option("--name", help=_("Another name."))] = None,
    case_id: CaseOption = None,
) -> None:
    wanted = [(IdentifierKind.EMAIL, v) for v in email or []]
    wanted += [(IdentifierKind.PHONE, v) for v in phone or []]
    wanted += [(IdentifierKind.URL, v) for v in url or []]
    wanted += [(IdentifierKind.IP, v) for v in ip or []]
    wanted += [(IdentifierKind.NAME, v) for v in alias or []]
    if account:
        wanted.append((IdentifierKind.ACCOUNT, account))
    elif platform or stable_id:  # they belong to an account: never dropped silently
        raise UserError(_("--platform and --id describe an account: give the account with "
                          "--account as well."))
    if not wanted:
        raise UserError(_("Give at least one identifier, e.g. --phone or --email."))
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        party = identities.find_party(vault, case, name)
        for kind, value in wanted:
            extra = (platform, stable_id) if kind is IdentifierKind.ACCOUNT else (None, None)
            added = identities.add_identifier(vault, case, party, kind, value, *extra)
            output.line(_("{kind} {value} added to {party}.").format(
                kind=kind.value, value=added.value, party=party.name))


def id_confirm(ctx: typer.Context,
               identifier_id: Annotated[int, typer.Argument(help=_("Identifier number."))],
               party: Annotated[str | None, typer.Option("--party", help=_(
                   "Assign it to this party."))] = None,
               case_id: CaseOption = None) -> None:
    _set(ctx, identifier_id, IdentifierStatus.CONFIRMED, party, case_id)


def id_reject(ctx: typer.Context,
              identifier_id: Annotated[int, typer.Argument(help=_("Identifier number."))],
              case_id: CaseOption = None) -> None:
    _set(ctx, identifier_id, IdentifierStatus.REJECTED, None, case_id)


def _set(ctx: typer.Context, identifier_id: int, status: IdentifierStatus,
         party_name: str | None, case_id: int | None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        party = identities.find_party(vault, case, party_name) if party_name else None
        changed = identities.set_status(vault, case, identifier_id, status, party)
    output.line(_("{value}: {status}.").format(value=changed.value, status=status.value))


def merge(ctx: typer.Context,
          keep: Annotated[str, typer.Argument(help=_("The party to keep."))],
          absorb: Annotated[str, typer.Argument(help=_("The party merged into it."))],
          case_id: CaseOption = None) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        kept = identities.find_party(vault, case, keep)
        moved = identities.merge(vault, case, kept, identities.find_party(vault, case, absorb))
    output.line(_("{n} identifiers moved to {party}.").format(n=moved, party=kept.name))


def split(ctx: typer.Context,
          name: Annotated[str, typer.Argument(help=_("The party to split."))],
          ids: Annotated[str, typer.Option("--ids", help=_("Identifier numbers, e.g. 3,4."))],
          new: Annotated[str, typer.Option("--new", help=_("Name of the new party."))],
          role: Annotated[PartyRole, typer.Option("--role")] = PartyRole.SUSPECT,
          case_id: CaseOption = None) -> None:
    try:
        numbers = [int(n) for n in ids.split(",") if n.strip()]
    except ValueError as exc:
        raise UserError(_("--ids takes numbers separated by commas.")) from exc
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        source = identities.find_party(vault, case, name)
        party = identities.split(vault, case, source, numbers, new, role)
    output.line(_("Party {id} added: {name} ({role}).").format(
        id=party.id, name=party.name, role=party.role.value))


def list_identifiers(ctx: typer.Context,
                     proposed: Annotated[bool, typer.Option("--proposed", help=_(
                         "Only those waiting for your decision."))] = False,
                     case_id: CaseOption = None, as_json: JsonOption = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        idents = vault.store.identifiers(case.id or 0)
        rows = [_ident_json(vault, case, i) for i in sorted(
            idents, key=lambda i: (i.status is not IdentifierStatus.PROPOSED, i.id or 0))
            if not proposed or i.status is IdentifierStatus.PROPOSED]
    if as_json:
        output.as_json(rows)
        return
    _print_identifiers(rows)
