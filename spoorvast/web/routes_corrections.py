"""Correcting an identifier from the people page (see services/identifier_corrections.py)
and a confirmed message read from a picture from its item page (ocr_corrections.py).
A refused correction shows the error page (its draft stays, see drafts.py)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.services import identifier_corrections, ocr_corrections
from spoorvast.web import render
from spoorvast.web.deps import case_of, check_csrf, vault_for

router = APIRouter()
Text = Annotated[str, Form()]


@router.post("/c/{case_id}/proposals/correct", dependencies=[Depends(check_csrf)])
def correct_reading(request: Request, case_id: int, ref: Text = "", text: Text = "",
                    reason: Text = "") -> Response:
    """A confirmed message read from a picture, corrected (a new event replaces it)."""
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        ocr_corrections.correct(vault, case, ref, text, reason)
        label = ref.partition(":")[0].strip()
    return RedirectResponse(f"/c/{case_id}/items/{quote(label)}?msg=saved", status_code=303)


@router.post("/c/{case_id}/identifiers/{identifier_id}/correct",
             dependencies=[Depends(check_csrf)])
def correct_identifier(request: Request, case_id: int, identifier_id: int, value: Text = "",
                       reason: Text = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        new = identifier_corrections.correct(vault, case, identifier_id, value, reason)
    return RedirectResponse(f"/c/{case_id}/parties?msg=saved#id-{new.id}", status_code=303)
