"""``spoorvast case capture URL`` and ``spoorvast case captures``: capture on the server.

The organisation's server captures the page (a worker, one fresh browser per capture,
kept away from the server's own network) and drops the result, encrypted, to the shared
case; it arrives at the next ``case sync`` of every member, sealed as a capture whose
custody names the server's job. ``--wait`` waits for the job and says how it ended.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer

from spoorvast.cli import context, output
from spoorvast.cli.cmd_share import CaseOpt, _linked, told
from spoorvast.errors import UserError
from spoorvast.i18n import _

WAIT_SECONDS = 600.0
ENDED = ("done", "failed")


def add_case_commands(group: typer.Typer) -> None:
    """``spoorvast case capture …`` (called by cmd_cases.register)."""
    group.command("capture", help=_("Ask the organisation's server to capture a web page "
                                     "into the shared case."))(capture)
    group.command("captures", help=_("The server's captures of the shared case and how "
                                     "they stand."))(list_captures)


def _states() -> dict[str, str]:
    return {"queued": _("waiting for a worker"), "running": _("being captured"),
            "retrying": _("failed once; tried again"), "done": _("done"),
            "failed": _("failed")}


def capture(ctx: typer.Context,
            url: Annotated[str, typer.Argument(help=_("The web address."), metavar="URL")],
            wait: Annotated[bool, typer.Option("--wait", help=_(
                "Wait until the server's job ends."))] = False,
            case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import server_capture
    from spoorvast.services.sharing.case import SharedCase, ShareError

    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise UserError(_("Only web addresses (http:// or https://) can be captured: "
                          "{url}").format(url=url[:200]))
    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (_case, api, link)):
        shared = SharedCase(api, link.case)
        shared.load_keys()
        try:
            job = server_capture.ask_capture(shared, url)
        except ShareError as exc:
            raise UserError(_("This server does not capture pages (no worker is set up "
                              "for it).")) from exc
        output.line(_("Capture {job} asked; it arrives in the case at the next 'spoorvast "
                      "case sync'.").format(job=job))
        if wait:
            _tell(_waited(lambda: server_capture.capture_state(shared, job)))


def _waited(state: Any) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    found: dict[str, Any] = state()
    while found["status"] not in ENDED and time.monotonic() < deadline:
        time.sleep(2.0)
        found = state()
    return found


def _tell(found: dict[str, Any]) -> None:
    status = str(found["status"])
    line = _("Capture {job}: {state} (attempts: {attempts}).").format(
        job=found["capture"], state=_states().get(status, status), attempts=found["attempts"])
    if status == "failed":
        output.error(line + " " + _reason(str(found.get("error") or "")))
        raise typer.Exit(2)
    output.line(line)


def _reason(code: str) -> str:
    reasons = {
        "address_refused": _("The address points to a local or private network, which "
                             "the server does not capture."),
        "page_did_not_answer": _("The page did not answer, also when tried again."),
        "grant_ended": _("The drop-box link of the capture ended before it ran."),
        "drop_quota": _("The case's drop box has no room left for the capture (the "
                        "server's limit of bytes or files)."),
    }
    return reasons.get(code, _("The server's reason: {code}.").format(code=code))


def list_captures(ctx: typer.Context, case_id: CaseOpt = None) -> None:
    from spoorvast.services.sharing import server_capture
    from spoorvast.services.sharing.case import SharedCase

    with (context.open_vault(ctx) as vault, told(),
          _linked(vault, case_id) as (_case, api, link)):
        rows = server_capture.captures(SharedCase(api, link.case))
    table = output.table(_("Capture"), _("Asked"), _("State"), _("Attempts"), _("Reason"))
    states = _states()
    for row in rows:
        table.add_row(str(row["capture"]), str(row["created_at"])[:16].replace("T", " "),
                      states.get(str(row["status"]), str(row["status"])),
                      str(row["attempts"]), str(row.get("error") or "-"))
    output.print_table(table)

