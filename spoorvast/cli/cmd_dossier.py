"""Dossier commands: ``dossier`` (PDF + bundle folder + ZIP) and ``verify-bundle``.

``verify-bundle`` needs no vault: it checks a folder or ZIP with the bundle's own files.
JSON (``--json``): ``dossier`` gives ``{folder, pdf, zip, bundle_sha256, pdf_sha256,
pages, files}``; ``verify-bundle`` gives ``{ok, files, custody_entries, timestamps,
bundle_sha256, problems: [{code, path, line, detail, message}]}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from spoorvast.cli import context, output
from spoorvast.dossier.build import DossierResult, make_dossier
from spoorvast.dossier.bundle_stamps import default_urls
from spoorvast.dossier.model import DossierOptions
from spoorvast.errors import UserError
from spoorvast.i18n import LANGUAGES, _
from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services import withdrawals
from spoorvast.storage.vault import Vault

if TYPE_CHECKING:
    from spoorvast.dossier.verify import BundleReport

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Output JSON."))]


def register(app: typer.Typer) -> None:
    app.command("dossier", help=_("Make the complaint dossier: a PDF to read and a bundle "
                                  "(folder and ZIP) anyone can verify."))(dossier)
    app.command("verify-bundle", help=_("Check a dossier bundle (folder or ZIP) with its own "
                                        "checksums; no vault needed."))(verify_bundle_cmd)


class BarObserver:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID = progress.add_task("", total=1)

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def step(self, description: str) -> None:
        self.progress.update(self.task, description=description)
        self.progress.advance(self.task)


def dossier(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=_(
        "Folder to write the dossier into."))] = Path("."),
    lang: Annotated[str | None, typer.Option("--lang", help=_(
        "Language of the dossier: nl, fr, de or en (default: the case language)."))] = None,
    redact_third_parties: Annotated[bool, typer.Option(
        "--redact-third-parties", help=_("Hide other people's names and identifiers in the "
                                         "PDF (the bundle stays complete)."))] = False,
    include_gps: Annotated[bool, typer.Option(
        "--include-gps", help=_("Keep the location (GPS) data of your own photos in the PDF "
                                "and make no copies without it."))] = False,
    no_zip: Annotated[bool, typer.Option("--no-zip", help=_("Do not make the ZIP."))] = False,
    timestamp: Annotated[bool, typer.Option("--timestamp", help=_(
        "Have the bundle time-stamped now by two independent public time-stamp authorities "
        "over the internet (only the bundle's SHA-256 is sent)."))] = False,
    tsa: Annotated[list[str] | None, typer.Option("--tsa", help=_(
        "A time-stamp authority (RFC 3161 address) to use instead of the public ones; "
        "give it twice for two. Implies --timestamp."))] = None,
    only: Annotated[str | None, typer.Option("--only", help=_(
        "Only these items, e.g. E-0001,E-0003 (the others are left out, and the dossier "
        "says so)."))] = None,
    leave_out: Annotated[str | None, typer.Option("--leave-out", help=_(
        "Leave these items out, e.g. E-0002 (the dossier says so; they stay in the "
        "vault)."))] = None,
    case_id: CaseOption = None,
    as_json: JsonOption = False,
) -> None:
    if lang is not None and lang not in LANGUAGES:
        raise UserError(_("Unknown language {lang}: choose nl, fr, de or en.").format(lang=lang))
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        options = DossierOptions(lang or case.language, redact_third_parties, include_gps,
                                 not no_zip, tsa_urls=_authorities(timestamp, tsa),
                                 left_out=_left_out(vault, case, only, leave_out))
        columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=output.stderr_console(), transient=True) as bar:
            result = make_dossier(vault, case, options, out.expanduser(), BarObserver(bar))
    _print_result(result, as_json)


def _left_out(vault: Vault, case: Case, only: str | None, leave_out: str | None
              ) -> tuple[str, ...]:
    """The labels to leave out: those not named by ``--only``, and those named by
    ``--leave-out`` (each written E-0001 or 1)."""
    named = {kind: [case_service.find_item(vault, case, text.strip()).label
                    for text in (given or "").split(",") if text.strip()]
             for kind, given in (("only", only), ("out", leave_out))}
    current = [item.label for item in withdrawals.current_items(vault, case)]
    kept = set(named["only"]) if only is not None else set(current)
    return tuple(label for label in current if label not in kept or label in named["out"])


def _authorities(timestamp: bool, named: list[str] | None) -> tuple[str, ...]:
    """No network unless asked: the addresses given, else the public defaults."""
    for url in named or ():
        if not url.startswith(("http://", "https://")):
            raise UserError(_("{url} is not a time-stamp authority's web address "
                              "(http:// or https://).").format(url=url))
    if named:
        return tuple(dict.fromkeys(named))
    return default_urls() if timestamp else ()


def _print_result(result: DossierResult, as_json: bool) -> None:
    if as_json:
        output.as_json({"folder": str(result.folder), "pdf": str(result.pdf),
                        "zip": str(result.zip) if result.zip else None,
                        "bundle_sha256": result.bundle_sha256,
                        "pdf_sha256": result.pdf_sha256, "pages": result.pages,
                        "files": result.files})
        return
    output.line(_("PDF:    {path} ({pages} pages)").format(path=result.pdf, pages=result.pages))
    output.line(_("Bundle: {path} ({files} files)").format(path=result.folder,
                                                           files=result.files))
    if result.zip:
        output.line(_("ZIP:    {path}").format(path=result.zip))
    output.line(_("Bundle SHA-256 (of SHA256SUMS): {sha}").format(sha=result.bundle_sha256))


def verify_bundle_cmd(
    path: Annotated[Path, typer.Argument(help=_("The dossier folder or its ZIP."))],
    as_json: JsonOption = False,
) -> None:
    if not path.exists():
        raise UserError(_("{path} does not exist.").format(path=path))
    from spoorvast.dossier.verify import verify_bundle  # not needed to make a dossier

    report = verify_bundle(path)
    if as_json:
        output.as_json(_report_json(report))
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(9)


def _report_json(report: BundleReport) -> dict[str, object]:
    return {"ok": report.ok, "files": report.files, "custody_entries": report.custody_entries,
            "timestamps": report.timestamps, "bundle_sha256": report.bundle_sha256,
            "problems": [{"code": p.code, "path": p.path, "line": p.line, "detail": p.detail,
                          "message": p.message()} for p in report.problems]}


def _print_report(report: BundleReport) -> None:
    for problem in report.problems:
        output.error(problem.message())
    summary = _("{files} files, {entries} custody entries, {stamps} timestamps checked; "
                "bundle SHA-256 {sha}.").format(files=report.files,
                                                entries=report.custody_entries,
                                                stamps=report.timestamps,
                                                sha=report.bundle_sha256)
    output.line(summary)
    if report.ok:
        output.line(_("The bundle is intact."))
    else:
        output.error(_("The bundle does NOT check out: {n} problems.").format(
            n=len(report.problems)))
