"""The drop-box page of a shared case: its links for phones (purpose, until when, the
paired phone, what arrived through each), a form that makes one (the pairing link and
its QR code are shown once, on the answer to that form, and kept nowhere), and a button
that ends one at once.

It asks the case's server each time (through :mod:`services.sharing.dropbox`, the same
services as ``spoorvast case dropbox``); a server that cannot be reached or refuses is
said in a sentence on the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

import httpx
from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.i18n import N_, _
from spoorvast.services.sharing import dropbox as box
from spoorvast.services.sharing import drops
from spoorvast.services.sharing.api import ServerRefused
from spoorvast.services.sharing.case import ShareError
from spoorvast.web import render
from spoorvast.web.deps import case_of, check_csrf, vault_for

router = APIRouter()
Text = Annotated[str, Form()]
T = TypeVar("T")
STATES = {box.GrantState.UNUSED: N_("not used yet"), box.GrantState.PAIRED: N_("phone paired"),
          box.GrantState.ENDED: N_("ended"), box.GrantState.REVOKED: N_("revoked")}
MAX_PURPOSE = 200


def _asked(call: Callable[[], T]) -> tuple[T | None, str | None]:
    """The server's answer, or a sentence saying why there is none."""
    try:
        return call(), None
    except ShareError as exc:
        if exc.code == "not_shared":
            return None, _("This case is not shared, so it has no drop box yet. Share it "
                           "through an organisation's server first.")
        return None, _("The server's answer does not check ({code}).").format(code=exc.code)
    except ServerRefused as exc:
        return None, _("The server refused: {code} (HTTP {status}).").format(
            code=exc.code, status=exc.status)
    except httpx.HTTPError as exc:
        return None, _("The server could not be reached ({reason}). Try again when this "
                       "computer is online.").format(reason=type(exc).__name__)


def _page(request: Request, case_id: int, made: drops.GrantLink | None = None,
          problem: str | None = None, status: int = 200) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        server = box.server_of(vault, case)

        def listed() -> list[box.GrantRow]:
            with box.opened(vault, case) as shared:
                return box.rows(shared)
        found, failed = _asked(listed) if server else (None, None)
    return render.page(request, "dropbox.html", status=status, case=case, server=server,
                       grants=found or [], failed=failed, problem=problem, made=made,
                       states={k: _(v) for k, v in STATES.items()}, active="shared",
                       max_purpose=MAX_PURPOSE)


@router.get("/c/{case_id}/dropbox")
def dropbox_page(request: Request, case_id: int) -> Response:
    render.use_language(request)
    return _page(request, case_id)


@router.post("/c/{case_id}/dropbox", dependencies=[Depends(check_csrf)])
def dropbox_add(request: Request, case_id: int, purpose: Text = "", days: Text = "30"
                ) -> Response:
    render.use_language(request)
    purpose = purpose.strip()
    if not purpose or len(purpose) > MAX_PURPOSE:
        return _page(request, case_id, problem=_(
            "Say what the link is for (at most {n} characters), e.g. 'my phone'.").format(
            n=MAX_PURPOSE), status=422)
    if not days.strip().isdigit() or not 1 <= int(days) <= 366:
        return _page(request, case_id, problem=_(
            "The link can last from 1 to 366 days."), status=422)
    until = datetime.now(UTC) + timedelta(days=int(days))
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        server = box.server_of(vault, case) or ""

        def make() -> drops.GrantLink:
            with box.opened(vault, case) as shared:
                return drops.make_grant(shared, server, purpose, until)
        made, failed = _asked(make)
    response = _page(request, case_id, made=made, problem=failed,
                     status=200 if made else 502)
    response.headers["cache-control"] = "no-store"  # the link's key is on this page only
    return response


@router.post("/c/{case_id}/dropbox/{grant}/revoke", dependencies=[Depends(check_csrf)])
def dropbox_revoke(request: Request, case_id: int, grant: str) -> Response:
    render.use_language(request)
    try:
        grant_id = uuid.UUID(grant)
    except ValueError:
        return _page(request, case_id, problem=_("This is not a drop-box link."), status=404)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)

        def revoke() -> None:
            with box.opened(vault, case) as shared:
                drops.revoke_grant(shared, grant_id)
        _done, failed = _asked(revoke)
    if failed:
        return _page(request, case_id, problem=failed, status=502)
    return RedirectResponse(f"/c/{case_id}/dropbox?msg=revoked", status_code=303)
