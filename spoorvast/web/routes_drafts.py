"""The drafts of forms marked ``data-draft`` (see ``drafts.py``): read, keep, discard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import JSONResponse, Response

from spoorvast.web import drafts
from spoorvast.web.deps import check_csrf, require_owner

router = APIRouter()
Text = Annotated[str, Form()]
CSRF = [Depends(check_csrf)]


@router.get("/drafts/{name}")
def draft(request: Request, name: str) -> Response:
    """What was kept of a form (an empty object when nothing was)."""
    if not drafts.valid_name(name):
        return Response(status_code=404)
    fields = drafts.kept(require_owner(request), name)
    return JSONResponse({"fields": fields}, headers={"Cache-Control": "no-store"})


@router.post("/drafts/{name}", dependencies=CSRF)
def keep_draft(request: Request, name: str, fields: Text = "") -> Response:
    """The form as typed so far (the page sends it a moment after each change)."""
    parsed = drafts.parse(fields)
    if not drafts.valid_name(name) or parsed is None:
        return Response(status_code=400)
    drafts.keep(require_owner(request), name, parsed)
    return Response(status_code=204)


@router.post("/drafts/{name}/discard", dependencies=CSRF)
def discard_draft(request: Request, name: str) -> Response:
    if not drafts.valid_name(name):
        return Response(status_code=400)
    drafts.drop(require_owner(request), name)
    return Response(status_code=204)
