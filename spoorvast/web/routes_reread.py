"""The day/month question of a WhatsApp export, answered in the browser: the item page
shows how the date of one of its messages reads either way; the answer reads the export
again from its sealed parts (``services.reread``, the same as ``spoorvast reread``)."""

from __future__ import annotations

from typing import Annotated

from babel.dates import format_date
from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.i18n import current_language
from spoorvast.model.records import Case, Item
from spoorvast.services.reread import ORDERS, DateQuestion, date_question, reread
from spoorvast.storage.vault import Vault
from spoorvast.web import render
from spoorvast.web.deps import case_of, check_csrf, vault_for
from spoorvast.web.routes_items import find

router = APIRouter()


def question_view(vault: Vault, case: Case, item: Item) -> dict[str, object] | None:
    """For the item page: the assumed order, the example and its readings, or None."""
    question: DateQuestion | None = date_question(vault, case, item)
    if question is None:
        return None
    readings = [(order, format_date(day, format="long", locale=current_language()))
                for order, day in question.readings]
    return {"assumed": question.assumed, "example": question.example, "readings": readings}


@router.post("/c/{case_id}/items/{label}/date-order", dependencies=[Depends(check_csrf)])
def choose_date_order(request: Request, case_id: int, label: str,
                      order: Annotated[str, Form()] = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        item = find(vault, case, label)
        if order in ORDERS:
            reread(vault, case, item, order)
    return RedirectResponse(f"/c/{case_id}/items/{item.label}", status_code=303)
