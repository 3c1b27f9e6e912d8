"""Case list and new case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.errors import UserError
from spoorvast.services import cases as case_service
from spoorvast.web import render
from spoorvast.web.deps import case_of, check_csrf, require_owner, vault_for
from spoorvast.web.routes_auth import DEFAULT_ZONE, time_zones
from spoorvast.web.vault_settings import LANGUAGE, TIME_ZONE, read_setting

router = APIRouter()
Text = Annotated[str, Form()]


@router.get("/cases")
def case_list(request: Request) -> Response:
    with vault_for(request) as vault:
        cases = vault.store.cases()
        counts = {c.id: len(vault.store.items(c.id or 0)) for c in cases}
        current = vault.store.setting(case_service.CURRENT_CASE)
    return render.page(request, "cases.html", cases=cases, counts=counts,
                       current=int(current) if current else None, active="cases")


@router.get("/cases/new")
def new_case_form(request: Request) -> Response:
    session = require_owner(request)
    return render.page(request, "case_new.html", zones=time_zones(), error="",
                       zone=read_setting(session, TIME_ZONE) or DEFAULT_ZONE,
                       case_lang=read_setting(session, LANGUAGE) or render.language_of(request),
                       title="", description="", active="cases")


@router.post("/cases/new", dependencies=[Depends(check_csrf)])
def new_case(request: Request, title: Text = "", language: Text = "en",
             time_zone: Text = DEFAULT_ZONE, description: Text = "") -> Response:
    render.use_language(request)
    try:
        with vault_for(request) as vault:
            case = case_service.create_case(vault, title, language, time_zone, description)
    except UserError as exc:
        return render.page(request, "case_new.html", status=400, zones=time_zones(),
                           error=exc.message, zone=time_zone, case_lang=language,
                           title=title, description=description, active="cases")
    return RedirectResponse(f"/c/{case.id}/add?msg=case-created", status_code=303)


@router.get("/c/{case_id}")
def open_case(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        case_service.use_case(vault, case.id or 0)
    return RedirectResponse(f"/c/{case_id}/items", status_code=303)
