"""Vault-wide screens: verify (a background job), settings (language, time zone,
auto-lock, blurring, passphrase change), and the job progress the pages poll."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from spoorvast.errors import UserError
from spoorvast.i18n import LANGUAGES, _
from spoorvast.services import verify as verify_service
from spoorvast.storage.vault import Vault
from spoorvast.web import picture_reading, rekey, render
from spoorvast.web.adapters import passphrase as passphrase_adapter
from spoorvast.web.deps import check_csrf, jobs_of, require_owner
from spoorvast.web.jobs import Job, Link
from spoorvast.web.routes_auth import DEFAULT_ZONE, MIN_PASSPHRASE, time_zones
from spoorvast.web.vault_settings import (
    AUTOLOCK,
    BLUR_ALL,
    LANGUAGE,
    TIME_ZONE,
    read_setting,
    write_settings,
)

router = APIRouter()
Text = Annotated[str, Form()]
CSRF = [Depends(check_csrf)]


@router.get("/jobs/{job_id}")
def job_state(request: Request, job_id: str) -> Response:
    require_owner(request)
    job = jobs_of(request).get(job_id)
    if job is None:
        return JSONResponse({"state": "gone"}, status_code=404)
    render.use_language(request)
    return JSONResponse(job.to_json())


@router.get("/verify")
def verify_page(request: Request, job: str = "") -> Response:
    require_owner(request)
    return render.page(request, "verify.html", job=job, active="verify")


@router.post("/verify", dependencies=CSRF)
def start_verify(request: Request) -> Response:
    require_owner(request)
    job = jobs_of(request).submit("verify", None, _verify_work)
    return RedirectResponse(f"/verify?job={job.id}", status_code=303)


def _verify_work(job: Job, vault: Vault) -> None:
    job.total = max(1, verify_service.total_bytes(vault))

    def progress(nbytes: int) -> None:
        job.done += nbytes

    report = verify_service.verify(vault, progress)
    job.lines.append(_("Checked {entries} custody entries in {chains} logs, {records} "
                       "records and {blobs} stored files.").format(
        entries=report.entries, chains=report.chains, records=report.records,
        blobs=report.blobs))
    if report.ok:
        job.lines.append(_("Everything matches: nothing was changed or lost."))
    else:
        job.message = _("Problems were found:")
        job.lines.extend(problem.message() for problem in report.problems)
    job.links.append(Link(_("Check again"), "/verify"))


@router.get("/settings")
def settings_page(request: Request, job: str = "") -> Response:
    session = require_owner(request)
    current = {key: read_setting(session, key) for key in (TIME_ZONE, AUTOLOCK, BLUR_ALL)}
    return render.page(request, "settings.html", zones=time_zones(), error="",
                       zone=current[TIME_ZONE] or DEFAULT_ZONE,
                       minutes=int(session.autolock_seconds // 60) or 1,
                       blur_all=current[BLUR_ALL] == "1", active="settings",
                       read_after_add=picture_reading.auto_setting(session),
                       rekey_job=job if jobs_of(request).get(job) else "")


@router.post("/settings", dependencies=CSRF)
def save_settings(request: Request, language: Text = "en", time_zone: Text = DEFAULT_ZONE,
                  minutes: Text = "10", blur_all: Text = "") -> Response:
    session = require_owner(request)
    render.use_language(request)
    if (time_zone not in time_zones() or language not in LANGUAGES or not minutes.isdigit()
            or not 1 <= int(minutes) <= 240):
        raise UserError(_("Choose a time zone from the list and between 1 and 240 minutes."))
    chosen = language
    write_settings(session, {LANGUAGE: chosen, TIME_ZONE: time_zone, AUTOLOCK: minutes,
                             BLUR_ALL: "1" if blur_all else "0"})
    session.autolock_seconds = int(minutes) * 60
    request.app.state.thumbnails.clear()
    response = RedirectResponse("/settings?msg=saved", status_code=303)
    response.set_cookie(render.LANG_COOKIE, chosen, httponly=True, samesite="strict")
    return response


@router.post("/settings/passphrase", dependencies=CSRF)
async def change_passphrase(request: Request, old: Text = "", new: Text = "",
                            repeat: Text = "") -> Response:
    session = require_owner(request)
    render.use_language(request)
    if len(new) < MIN_PASSPHRASE or new != repeat:
        raise UserError(_("The new passphrase needs at least {n} characters, typed the same "
                          "twice.").format(n=MIN_PASSPHRASE))
    if jobs_of(request).running():
        raise UserError(_("Wait until the work in progress has finished, then try again."))
    await run_in_threadpool(passphrase_adapter.change, session, old, new)
    return RedirectResponse("/settings?msg=passphrase-changed", status_code=303)


@router.post("/settings/rekey", dependencies=CSRF)
async def start_rekey(request: Request, old: Text = "", new: Text = "",
                      repeat: Text = "") -> Response:
    """Re-encrypt everything under a new key (the CLI's ``passphrase change --rekey``),
    as a job the settings page follows."""
    session = require_owner(request)
    render.use_language(request)
    if len(new) < MIN_PASSPHRASE or new != repeat:
        raise UserError(_("The new passphrase needs at least {n} characters, typed the same "
                          "twice.").format(n=MIN_PASSPHRASE))
    if session.busy():  # an upload's blob or a job's write would be left out
        raise UserError(_("Wait until the work in progress has finished, then try again."))
    await run_in_threadpool(rekey.check_old, session, old)
    job = rekey.start(jobs_of(request), session, new)
    return RedirectResponse(f"/settings?job={job.id}#rekey", status_code=303)
