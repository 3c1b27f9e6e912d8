"""Vault commands: init, verify, passphrase change, and the guided start."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from spoorvast.cli import context, output, passphrase
from spoorvast.errors import IntegrityError
from spoorvast.i18n import _, ngettext
from spoorvast.services import verify as verify_service
from spoorvast.storage import rekey as rekey_plan
from spoorvast.storage import vault as vaultlib


def register(app: typer.Typer) -> None:
    app.command("init", help=_("Create a new encrypted vault (asks for a passphrase "
                               "twice)."))(init)
    app.command("verify", help=_("Re-hash every stored file and check the custody log."))(
        verify)
    pp = typer.Typer(help=_("Change the vault passphrase."), no_args_is_help=True)
    pp.command("change", help=_("Choose a new passphrase (with --rekey: and re-encrypt "
                                "everything under a new key)."))(change_passphrase)
    app.add_typer(pp, name="passphrase")


def init(
    ctx: typer.Context,
    metadata: Annotated[str | None, typer.Option(
        "--metadata", metavar="URL",
        help=_("Keep the vault's metadata (cases, items, messages, custody log) in this "
               "empty PostgreSQL database instead of the vault's encrypted file; the "
               "stored files and the key file stay in the vault folder. PostgreSQL does "
               "not encrypt it with the vault key: protect that database yourself."))] = None,
) -> None:
    path = context.vault_path(ctx)
    if vaultlib.is_vault(path):
        output.info(_("There is already a vault at {path}.").format(path=path))
        raise typer.Exit(3)
    secret = passphrase.ask_new(ctx.find_root().obj.passphrase_fd)
    vaultlib.create(path, secret, metadata=metadata).close()
    output.line(_("Vault created at {path}.").format(path=path))
    if metadata is not None:
        output.line(_("Its metadata is in PostgreSQL, which does not encrypt it with the "
                      "vault key: keep that database on an encrypted disk, and use TLS "
                      "when it is on another machine."))
    output.line(_("Keep your passphrase safe: without it nobody, not even us, can open "
                  "the vault."))
    output.line(_("Next: spoorvast case new \"a short title\""))


def verify(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=_("Output JSON."))] = False,
) -> None:
    with context.open_vault(ctx, writable=False, check_anchor=False) as vault:
        report = _run_verify(vault, show_progress=not as_json)
    if as_json:
        output.as_json(_report_json(report))
    else:
        _print_report(report)
    if not report.ok:
        raise IntegrityError(ngettext("verify found {n} problem.",
                                      "verify found {n} problems.",
                                      len(report.problems)).format(n=len(report.problems)))


def _run_verify(vault: vaultlib.Vault, show_progress: bool) -> verify_service.VerifyReport:
    total = verify_service.total_bytes(vault)
    with Progress("{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=output.stderr_console(), transient=True,
                  disable=not show_progress) as progress:
        task = progress.add_task(_("Checking"), total=total)
        return verify_service.verify(vault, lambda n: progress.advance(task, n))


def _report_json(report: verify_service.VerifyReport) -> dict[str, object]:
    return {
        "ok": report.ok, "chains": report.chains, "custody_entries": report.entries,
        "records": report.records, "blobs": report.blobs, "bytes": report.bytes,
        "unreferenced_blobs": report.unreferenced_blobs,
        "shared": [{"case": c.case_id, "entries": [
            {"pos": pos, "author": who, "action": what} for pos, who, what in c.authors]}
            for c in report.shared],
        "problems": [{"code": p.code, "subject": p.subject, "seq": p.seq, "sha256": p.sha,
                      "detail": p.detail, "message": p.message()} for p in report.problems],
    }


def _print_report(report: verify_service.VerifyReport) -> None:
    output.line(_("Checked {entries} custody entries in {chains} logs, {records} records and "
                  "{blobs} stored files ({size}).").format(
        entries=report.entries, chains=report.chains, records=report.records,
        blobs=report.blobs, size=output.human_size(report.bytes)))
    if report.unreferenced_blobs:
        output.line(_("Note: {n} stored files belong to no item (left by an interrupted "
                      "add); they are harmless.").format(n=report.unreferenced_blobs))
    for shared in report.shared:
        output.line(ngettext(
            "Shared case {id}: {n} entry of its kept chain checked without the server; "
            "signed by {authors}.",
            "Shared case {id}: {n} entries of its kept chain checked without the server; "
            "signed by {authors}.", len(shared.authors)).format(
            id=shared.case_id, n=len(shared.authors),
            authors=", ".join(f"{who} ×{count}" for who, count in shared.counts())))
    for problem in report.problems:
        output.line("✗ " + problem.message(), style="red")
    if report.ok:
        output.line(_("OK: everything matches."), style="green")


def change_passphrase(
    ctx: typer.Context,
    rekey: Annotated[bool, typer.Option(
        "--rekey", help=_("Also re-encrypt the database and every stored file under a new "
                          "key, so that a copy of the old key file with the old passphrase "
                          "opens nothing. Use it when someone else knows (or may know) "
                          "your passphrase."))] = False,
) -> None:
    path = context.vault_path(ctx)
    old = passphrase.ask(ctx.find_root().obj.passphrase_fd)
    new = passphrase.ask_new(None, _("New passphrase"), env="SPOORVAST_NEW_PASSPHRASE")
    if not rekey:
        vaultlib.change_passphrase(path, old, new)
        output.line(_("Passphrase changed."))
        output.line(_("If someone else knows (or may know) your old passphrase, run "
                      "'spoorvast passphrase change --rekey' as well: a plain change leaves "
                      "any copy of the old key file openable with the old passphrase."))
        return
    with Progress("{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=output.stderr_console(), transient=True) as progress:
        def announce(work: rekey_plan.Plan) -> rekey_plan.Progress:
            output.info(_("Re-encrypting the database and {n} stored files ({size}) under a "
                          "new key: about {seconds} s on this computer. If it is "
                          "interrupted, the vault opens with the old passphrase (or, at the "
                          "very end, with the new one).").format(
                n=len(work.blobs), size=output.human_size(work.nbytes),
                seconds=work.seconds(rekey_plan.speed())))
            task = progress.add_task(_("Re-encrypting"), total=work.work)
            return lambda n: progress.advance(task, n)

        vaultlib.rekey_vault(path, old, new, announce)
    output.line(_("Passphrase changed and everything re-encrypted under a new key: an old "
                  "key file with the old passphrase opens nothing in this vault any more."))
    output.line(_("Copies of the vault made before (backups) still open with the old "
                  "passphrase: replace them with a new copy."))


def guided_start(ctx: typer.Context) -> None:
    """What ``spoorvast`` alone (and the README's run command) does: a short guided start."""
    output.line(_("spoorvast keeps online traces as sealed evidence, on this computer, "
                  "encrypted. Nothing leaves this computer unless you ask."))
    if not passphrase.interactive():
        output.line(_("Start with: spoorvast init, then spoorvast case new \"title\", then "
                      "spoorvast add FILES. See spoorvast --help for everything."))
        return
    path = context.vault_path(ctx)
    if not vaultlib.is_vault(path):
        if not typer.confirm(_("There is no vault yet. Create one now?"), default=True):
            return
        init(ctx)
    from spoorvast.cli.cmd_cases import guided_case

    guided_case(ctx)
