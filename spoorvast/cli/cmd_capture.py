"""Capture commands: ``capture URL…`` / ``capture --from-file``, ``browser login``.

``capture --json`` prints one object per URL: ``{url, status (captured|failed), item,
final_url, http_status, findings, message}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from spoorvast.cli import context, output
from spoorvast.errors import UserError
from spoorvast.findings import render
from spoorvast.i18n import _, ngettext
from spoorvast.model.records import Finding
from spoorvast.services import cases as case_service
from spoorvast.storage.vault import Vault

if TYPE_CHECKING:  # the capture package loads Playwright: only when capturing
    from spoorvast.capture.batch import Outcome
    from spoorvast.capture.options import CaptureOptions
    from spoorvast.model.records import Case

TSA_SETTING = "capture.tsa_url"


def register(app: typer.Typer) -> None:
    app.command("capture", help=_("Capture web pages as sealed evidence: screenshots, "
                                  "MHTML, PDF, web archive (WACZ) and a provenance "
                                  "record."))(capture)
    browser = typer.Typer(help=_("The browser spoorvast captures with."),
                          no_args_is_help=True)
    browser.command("login", help=_("Open a visible browser to log in to platforms; the "
                                    "session is kept encrypted in the vault for "
                                    "--logged-in captures."))(login)
    from spoorvast.cli.browser_host import install_host, serve, unpair

    browser.command("install-host", help=_(
        "Let the spoorvast browser extension hand its captures to this vault (writes the "
        "native messaging host for Chromium, Chrome, Edge, Brave and Firefox)."))(
        install_host)
    browser.command("serve", help=_(
        "Where the host cannot be installed: let the extension hand its captures over "
        "HTTP on 127.0.0.1, after pairing with the code shown."))(serve)
    browser.command("unpair", help=_("Revoke every pairing of 'browser serve'."))(unpair)
    app.add_typer(browser, name="browser")


def capture(
    ctx: typer.Context,
    urls: Annotated[list[str] | None, typer.Argument(help=_("Web addresses."),
                                                     metavar="URL")] = None,
    from_file: Annotated[Path | None, typer.Option(
        "--from-file", help=_("A text file with one web address a line."))] = None,
    logged_in: Annotated[bool, typer.Option(
        "--logged-in", help=_("Use the session saved by 'spoorvast browser login'."))] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private-network",
        help=_("Also capture local and private network addresses."))] = False,
    tsa: Annotated[str | None, typer.Option(
        "--tsa", envvar="SPOORVAST_TSA_URL",
        help=_("Time-Stamp Authority URL for a trusted (RFC 3161) timestamp."))] = None,
    tsa_ca: Annotated[Path | None, typer.Option(
        "--tsa-ca", help=_("The TSA's CA certificate (PEM), kept with the token."))] = None,
    save_tsa: Annotated[bool, typer.Option(
        "--save-tsa", help=_("Remember --tsa for later captures in this vault."))] = False,
    timeout: Annotated[float, typer.Option(
        "--timeout", help=_("At most this many seconds per page."), min=1)] = 60.0,
    max_height: Annotated[int, typer.Option(
        "--max-height", help=_("Height cap of the full-page screenshot, in pixels."),
        min=100)] = 16_000,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help=_("Skip the PDF print."))] = False,
    no_videos: Annotated[bool, typer.Option(
        "--no-videos", help=_("Do not save the videos the page plays."))] = False,
    max_video_mb: Annotated[int, typer.Option(
        "--max-video-mb", help=_("At most this many MB of videos per page (larger ones "
                                 "are skipped or cut, with a finding)."), min=1)] = 500,
    case_id: Annotated[int | None, typer.Option("--case", help=_(
        "The case number (default: the current case)."))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Output JSON."))] = False,
) -> None:
    from spoorvast.capture.batch import Failed, read_url_file
    from spoorvast.capture.options import CaptureOptions

    targets = [*(urls or []), *(_read_list(from_file) if from_file else [])]
    if not targets:
        raise UserError(_("Give one or more web addresses, or --from-file with a list."))
    targets = [*read_url_file("\n".join(targets))]
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        tsa_url = _tsa(vault, tsa, save_tsa)
        options = CaptureOptions(timeout_seconds=timeout, load_timeout_seconds=min(
            timeout, 20.0), height_cap=max_height, allow_private_network=allow_private,
            logged_in=logged_in, pdf=not no_pdf, tsa_url=tsa_url, tsa_ca=tsa_ca,
            videos=not no_videos, max_video_bytes=max_video_mb << 20)
        outcomes = _run(vault, case, options, targets, quiet=as_json, batch=len(targets) > 1)
    if as_json:
        output.as_json([_json(o) for o in outcomes])
    failed = [o for o in outcomes if isinstance(o, Failed)]
    if failed and len(targets) == 1:
        raise UserError(failed[0].message)
    if failed:
        raise typer.Exit(7)


def _read_list(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(_("{path} cannot be read ({reason}).").format(
            path=path, reason=getattr(exc, "strerror", None) or type(exc).__name__)) from exc


def _tsa(vault: Vault, tsa: str | None, save: bool) -> str | None:
    if tsa and save:
        with vault.store.transaction() as tx:
            tx.set_setting(TSA_SETTING, tsa)
    return tsa or vault.store.setting(TSA_SETTING)


def _run(vault: Vault, case: Case, options: CaptureOptions, targets: list[str], quiet: bool,
         batch: bool) -> list[Outcome]:
    from spoorvast.capture.batch import capture_all

    columns = (TextColumn("{task.description:<50}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=output.stderr_console(), transient=True,
                  disable=quiet) as progress:
        task = progress.add_task(_("Capturing"), total=len(targets))

        def report(url: str, outcome: Outcome) -> None:
            progress.advance(task)
            if not quiet and (batch or not _failed(outcome)):
                progress.console.print(_line(outcome), highlight=False, markup=False)

        return capture_all(vault, case, options, targets, report)


def _failed(outcome: Outcome) -> bool:
    from spoorvast.capture.batch import Failed

    return isinstance(outcome, Failed)


def _line(outcome: Outcome) -> str:
    from spoorvast.capture.batch import Failed

    if isinstance(outcome, Failed):
        return _("{url}: not captured. {reason}").format(url=outcome.url,
                                                          reason=outcome.message)
    status = outcome.status if outcome.status is not None else "—"
    findings = len(outcome.problems)
    line = f"{outcome.label}  {status}  {outcome.final_url or outcome.url}"
    if findings:
        line += "  " + ngettext("({n} finding)", "({n} findings)", findings).format(n=findings)
    for problem in outcome.problems:
        line += "\n    " + render(Finding(None, 0, None, problem.severity, problem.code,
                                         problem.params, problem.location))
    return line


def _json(outcome: Outcome) -> dict[str, object]:
    from spoorvast.capture.batch import Failed

    if isinstance(outcome, Failed):
        return {"url": outcome.url, "status": "failed", "item": None, "final_url": None,
                "http_status": None, "findings": [], "message": outcome.message}
    return {"url": outcome.url, "status": "captured", "item": outcome.label,
            "final_url": outcome.final_url, "http_status": outcome.status,
            "findings": [p.code for p in outcome.problems], "message": None}


def login(
    ctx: typer.Context,
    url: Annotated[str | None, typer.Argument(help=_("A page to open first."))] = None,
) -> None:
    from spoorvast.capture import profile

    with context.open_vault(ctx) as vault:
        output.info(_("A browser window opens. Log in to the platforms you need, then "
                      "close the window; the session is then sealed in the vault."))
        profile.login(vault, start_urls=(url,) if url else ())
    output.line(_("The browser session is saved, encrypted, in the vault. Use "
                  "'spoorvast capture --logged-in URL' to capture with it."))
