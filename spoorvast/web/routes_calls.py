"""Calls typed in the browser: the form (number or "number hidden", the victim's own
number that was called, date, time, direction, duration), the list of every call of the
case, and the correction of a typed call as a new sealed version. All through
:mod:`spoorvast.services.typed_calls` and :mod:`spoorvast.services.events`, like the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import Case, Item
from spoorvast.services import cases as case_service
from spoorvast.services import events as event_service
from spoorvast.services import typed_calls, withdrawals
from spoorvast.storage.vault import Vault
from spoorvast.web import drafts, forms, render
from spoorvast.web.deps import case_of, check_csrf, session_of, vault_for

router = APIRouter()
Text = Annotated[str, Form()]
CSRF = [Depends(check_csrf)]
PAGE = 100  # calls a page
FIELDS = ("number", "hidden", "called", "day", "time", "direction", "minutes", "seconds")


def _draft(case_id: int) -> str:
    return f"call-{case_id}"


@router.get("/c/{case_id}/calls")
def calls_page(request: Request, case_id: int, offset: int = 0) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        return _page(request, vault, case, drafts.kept(session_of(request), _draft(case_id)),
                     offset=offset)


def _page(request: Request, vault: Vault, case: Case, form: dict[str, str], error: str = "",
          status: int = 200, offset: int = 0) -> Response:
    current = withdrawals.current_items(vault, case)  # not withdrawn, not corrected since
    records, total = event_service.calls_page(vault, case, tuple(i.id or 0 for i in current),
                                              offset, PAGE)
    typed = {i.id: i.label for i in current if i.importer == typed_calls.TYPED_CALL}
    return render.page(request, "calls.html", status=status, case=case, records=records,
                       typed=typed, form=form, error=error, active="calls",
                       flash=forms.flash(request), total=total, offset=max(0, offset),
                       size=PAGE)


def _call(form: dict[str, str]) -> typed_calls.TypedCall:
    """The call as typed in the form; refuses what is missing before anything is stored."""
    hidden = bool(form.get("hidden"))
    number = form.get("number", "").strip()
    if not hidden and not number:
        raise UserError(_("Type the number that called, or tick \"number hidden\"."))
    day, time = form.get("day", "").strip(), form.get("time", "").strip()
    if not day or not time:
        raise UserError(_("Give the date and the time of the call."))
    minutes = forms.whole_number(form.get("minutes", ""), _("Minutes"))
    seconds = forms.whole_number(form.get("seconds", ""), _("Seconds"))
    duration = None if minutes is None and seconds is None else \
        (minutes or 0) * 60 + (seconds or 0)
    return typed_calls.TypedCall(None if hidden else number, f"{day} {time}",
                                 form.get("direction", ""), duration,
                                 form.get("called", "").strip() or None)


@router.post("/c/{case_id}/calls", dependencies=CSRF)
def add_call(request: Request, case_id: int, number: Text = "", hidden: Text = "",
             called: Text = "", day: Text = "", time: Text = "", direction: Text = "",
             minutes: Text = "", seconds: Text = "") -> Response:
    render.use_language(request)
    form = dict(zip(FIELDS, (number, hidden, called, day, time, direction, minutes, seconds),
                    strict=True))
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        try:
            typed_calls.add_call(vault, case, _call(form))
        except UserError as exc:
            return _page(request, vault, case, form, forms.refused(exc), 400)
    drafts.drop(session_of(request), _draft(case_id))
    return RedirectResponse(f"/c/{case_id}/calls?msg=call-added", status_code=303)


@router.get("/c/{case_id}/calls/{label}/correct")
def correct_page(request: Request, case_id: int, label: str) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        older = _typed(vault, case, label)
        form = _as_form(vault, older)
    return render.page(request, "call_correct.html", case=case, older=older, form=form,
                       error="", active="calls")


@router.post("/c/{case_id}/calls/{label}/correct", dependencies=CSRF)
def correct(request: Request, case_id: int, label: str, number: Text = "", hidden: Text = "",
            called: Text = "", day: Text = "", time: Text = "", direction: Text = "",
            minutes: Text = "", seconds: Text = "", reason: Text = "") -> Response:
    render.use_language(request)
    form = dict(zip(FIELDS, (number, hidden, called, day, time, direction, minutes, seconds),
                    strict=True))
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        older = _typed(vault, case, label)
        try:
            typed_calls.add_call(vault, case, _call(form), corrects=older, reason=reason)
        except UserError as exc:
            return render.page(request, "call_correct.html", status=400, case=case,
                               older=older, form={**form, "reason": reason},
                               error=forms.refused(exc), active="calls")
    return RedirectResponse(f"/c/{case_id}/calls?msg=call-corrected", status_code=303)


def _typed(vault: Vault, case: Case, label: str) -> Item:
    item = case_service.find_item(vault, case, label)
    if item.importer != typed_calls.TYPED_CALL:
        raise UserError(_("{label} is not a typed call record.").format(label=item.label))
    return item


def _as_form(vault: Vault, item: Item) -> dict[str, str]:
    """The typed call's fields, to start the correction from."""
    record = typed_calls.read_call(vault, item)
    local = record.moment.local if record.moment else None
    seconds = record.duration or 0
    return {"number": record.number or "", "hidden": "1" if record.number is None else "",
            "called": record.called or "", "direction": record.direction,
            "day": local.strftime("%Y-%m-%d") if local else "",
            "time": local.strftime("%H:%M") if local else "",
            "minutes": str(seconds // 60) if record.duration is not None else "",
            "seconds": str(seconds % 60) if record.duration is not None else ""}
