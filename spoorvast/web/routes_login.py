"""Logging in once in a visible browser window, for captures of pages that need an
account (the CLI's ``browser login``): a job that opens the window and, when the person
closes it, seals the session in the vault. Where no window can open (no display: a
server, a remote shell), the page says so instead of failing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.i18n import _
from spoorvast.storage.vault import Vault
from spoorvast.web import render
from spoorvast.web.adapters import capture as capture_adapter
from spoorvast.web.deps import case_of, check_csrf, jobs_of, vault_for
from spoorvast.web.jobs import Job, Link

router = APIRouter()
Text = Annotated[str, Form()]
CSRF = [Depends(check_csrf)]

@router.post("/c/{case_id}/capture/login", dependencies=CSRF)
def start_login(request: Request, case_id: int, url: Text = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case_of(vault, case_id)
    if not capture_adapter.available() or not capture_adapter.can_show_window():
        return RedirectResponse(f"/c/{case_id}/capture?msg=no-display#login",
                                status_code=303)
    start = url.strip() or None

    def work(job: Job, vault: Vault) -> None:
        job.total = 1
        job.lines.append(_("A browser window is open: log in to the sites you need, then "
                           "close the window."))
        capture_adapter.login(vault, start)
        job.done = 1
        job.lines.append(_("You are logged in: captures can now use this session."))
        job.links.append(Link(_("Capture a page"), f"/c/{case_id}/capture"))

    job = jobs_of(request).submit("login", case_id, work)
    return RedirectResponse(f"/c/{case_id}/capture?job={job.id}", status_code=303)
