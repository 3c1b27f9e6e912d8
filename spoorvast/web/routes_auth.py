"""Unlock, first start (create the vault), lock, quick exit, language, activity pings."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from spoorvast.errors import TooManyAttempts, UserError, VaultLocked, WrongPassphrase
from spoorvast.i18n import LANGUAGES, _
from spoorvast.web import drafts, render
from spoorvast.web.deps import check_csrf, session_of
from spoorvast.web.security import SESSION_COOKIE, set_session_cookie
from spoorvast.web.session import VaultSession
from spoorvast.web.vault_settings import AUTOLOCK, LANGUAGE, TIME_ZONE, read_setting, write_settings

router = APIRouter()
MIN_PASSPHRASE = 8
DEFAULT_ZONE = "Europe/Brussels"
Text = Annotated[str, Form()]


@cache
def time_zones() -> list[str]:
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z
                  and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))


@router.get("/")
def start(request: Request) -> Response:
    session = session_of(request)
    if session.owns(request.cookies.get(SESSION_COOKIE)):
        return RedirectResponse("/cases", status_code=303)
    if not session.vault_exists():
        return render.page(request, "welcome.html", zones=time_zones(), zone=DEFAULT_ZONE,
                           error="")
    return render.page(request, "unlock.html", error="")


@router.post("/unlock", dependencies=[Depends(check_csrf)])
async def unlock(request: Request, passphrase: Text = "") -> Response:
    session = session_of(request)
    try:
        token, ended_other = await run_in_threadpool(session.unlock, passphrase)
    except WrongPassphrase:
        return render.page(request, "unlock.html", status=400, error=_(
            "That passphrase does not open the vault. Check it and try again."))
    except TooManyAttempts as exc:
        return render.page(request, "unlock.html", status=429, error=exc.message)
    except VaultLocked as exc:
        return render.page(request, "unlock.html", status=409, error=exc.message)
    return _entered(request, token, "/cases?msg=other-window-ended" if ended_other
                    else "/cases")


def _entered(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, token)  # a fresh id: the one from before unlock is dead
    session = session_of(request)
    minutes = read_setting(session, AUTOLOCK)
    if minutes and minutes.isdigit() and int(minutes) > 0:
        session.autolock_seconds = int(minutes) * 60
    language = read_setting(session, LANGUAGE)
    if language in LANGUAGES:
        response.set_cookie(render.LANG_COOKIE, language, httponly=True, samesite="strict")
    return response


@router.post("/create", dependencies=[Depends(check_csrf)])
async def create(request: Request, passphrase: Text = "", repeat: Text = "",
                 language: Text = "en", time_zone: Text = DEFAULT_ZONE) -> Response:
    session = session_of(request)
    render.use_language(request)
    error = _creation_problem(passphrase, repeat, time_zone)
    if error:
        return render.page(request, "welcome.html", status=400, zones=time_zones(),
                           zone=time_zone if time_zone in time_zones() else DEFAULT_ZONE,
                           error=error)
    try:
        token = await run_in_threadpool(session.create, passphrase)
    except UserError as exc:
        return render.page(request, "welcome.html", status=400, zones=time_zones(),
                           zone=time_zone, error=exc.message)
    write_settings(session, {LANGUAGE: language if language in LANGUAGES else "en",
                             TIME_ZONE: time_zone})
    return _entered(request, token, "/cases/new")


def _creation_problem(passphrase: str, repeat: str, time_zone: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        return _("The passphrase needs at least {n} characters. A few words "
                 "that only you know work well.").format(n=MIN_PASSPHRASE)
    if passphrase != repeat:
        return _("The two passphrases are not the same. Type them again.")
    if time_zone not in time_zones():
        return _("Choose a time zone from the list.")
    return ""


@router.post("/lock", dependencies=[Depends(check_csrf)])
def lock(request: Request, auto: Text = "") -> Response:
    """The lock button locks at once; the page's auto-lock (``auto``) waits while an
    upload or a job runs (409), and says so on the page."""
    session = session_of(request)
    if auto and session.busy() and session.owns(request.cookies.get(SESSION_COOKIE)):
        return JSONResponse({"busy": True}, status_code=409)
    session.lock()
    return RedirectResponse("/?msg=locked", status_code=303)


@router.get("/state")
def state(request: Request) -> Response:
    """What every open page asks each second: was the vault left by a quick exit (go to
    the neutral page), is it still open for this browser?"""
    session = session_of(request)
    return JSONResponse({"exited": session.exited,
                         "open": session.owns(request.cookies.get(SESSION_COOKIE))})


@router.post("/exit")
async def quick_exit(request: Request) -> Response:
    """Quick exit. No form token needed: locking can never hurt the user (the Origin
    check still applies), and it must work even from a stale page. The page sends the
    drafts of its forms with it; they are kept (in the vault) before it locks."""
    session = session_of(request)
    session.exited = True
    sent = await _drafts_sent(request)
    await run_in_threadpool(_lock_keeping, session, request, sent)
    response = RedirectResponse("/weather", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def _drafts_sent(request: Request) -> dict[str, dict[str, str]]:
    if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        return {}
    found: dict[str, dict[str, str]] = {}
    for key, value in (await request.form()).items():
        name = key.removeprefix("draft:")
        fields = drafts.parse(value) if isinstance(value, str) else None
        if key.startswith("draft:") and drafts.valid_name(name) and fields is not None:
            found[name] = fields
    return found


def _lock_keeping(session: VaultSession, request: Request,
                  sent: dict[str, dict[str, str]]) -> None:
    try:
        if sent and session.owns(request.cookies.get(SESSION_COOKIE)):
            for name, fields in sent.items():
                drafts.keep(session, name, fields)
    finally:
        session.lock()


@router.get("/weather")
def weather(request: Request) -> Response:
    return render.page(request, "weather.html")


@router.post("/activity", dependencies=[Depends(check_csrf)])
def activity(request: Request) -> Response:
    session = session_of(request)
    if session.owns(request.cookies.get(SESSION_COOKIE)):
        session.touch()
        return Response(status_code=204)
    return Response(status_code=401)


@router.post("/language", dependencies=[Depends(check_csrf)])
def language(request: Request, lang: Text = "en", back: Text = "/") -> Response:
    chosen = lang if lang in LANGUAGES else "en"
    target = back if back.startswith("/") and not back.startswith(("//", "/\\")) else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(render.LANG_COOKIE, chosen, httponly=True, samesite="strict")
    session = session_of(request)
    if session.owns(request.cookies.get(SESSION_COOKIE)):
        write_settings(session, {LANGUAGE: chosen})
    return response


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)
