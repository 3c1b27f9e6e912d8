"""Forms that do in the browser what the CLI does: merge two people, split addresses off
to a new person, paste e-mail headers, read a picture's text where it is shown. Each goes
through the service the CLI uses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import PartyRole
from spoorvast.services import cases as case_service
from spoorvast.services import email_headers, identities
from spoorvast.services.parties import party_role
from spoorvast.web import drafts, forms, picture_reading, render
from spoorvast.web.deps import (
    case_of,
    check_csrf,
    jobs_of,
    require_owner,
    session_of,
    vault_for,
)
from spoorvast.web.vault_settings import write_settings

router = APIRouter()
Text = Annotated[str, Form()]
Numbers = Annotated[list[str], Form()]
CSRF = [Depends(check_csrf)]
MAX_HEADERS = 1_000_000  # characters: far more than any message's headers


def _parties(case_id: int, msg: str) -> RedirectResponse:
    return RedirectResponse(f"/c/{case_id}/parties?msg={msg}", status_code=303)


@router.post("/c/{case_id}/parties/merge", dependencies=CSRF)
def merge(request: Request, case_id: int, keep: Text = "", absorb: Text = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        if not keep or not absorb:
            raise UserError(_("Choose the two people to merge."))
        kept = identities.find_party(vault, case, keep)
        identities.merge(vault, case, kept, identities.find_party(vault, case, absorb))
    return _parties(case_id, "merged")


@router.post("/c/{case_id}/parties/split", dependencies=CSRF)
def split(request: Request, case_id: int, source: Text = "", ids: Numbers | None = None,
          name: Text = "", role: Text = "suspect") -> Response:
    render.use_language(request)
    chosen = [int(n) for n in ids or [] if n.isdigit()]
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        if not chosen:
            raise UserError(_("Tick the addresses and numbers that belong to someone else."))
        owner = identities.find_party(vault, case, source)
        identities.split(vault, case, owner, chosen, name, _role(role))
    return _parties(case_id, "split")


def _role(text: str) -> PartyRole:
    try:
        return party_role(text)
    except (UserError, ValueError) as exc:
        raise UserError(_("Choose a role from the list.")) from exc


# -- pasted e-mail headers -------------------------------------------------------------

def _draft(case_id: int) -> str:
    return f"headers-{case_id}"


@router.get("/c/{case_id}/headers")
def headers_page(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
    form = drafts.kept(session_of(request), _draft(case_id))
    return render.page(request, "headers.html", case=case, form=form, error="",
                       active="add", flash=forms.flash(request))


@router.post("/c/{case_id}/headers", dependencies=CSRF)
def add_headers(request: Request, case_id: int, headers: Text = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        try:
            if len(headers) > MAX_HEADERS:
                raise UserError(_("This is far longer than e-mail headers; paste only the "
                                  "headers."))
            item, known = email_headers.add_pasted(vault, case, _bytes(headers))
        except UserError as exc:
            return render.page(request, "headers.html", status=400, case=case,
                               form={"headers": headers}, error=forms.refused(exc),
                               active="add", flash="")
    drafts.drop(session_of(request), _draft(case_id))
    msg = "headers-known" if known else "headers-added"
    return RedirectResponse(f"/c/{case_id}/items/{item.label}?msg={msg}", status_code=303)


def _bytes(text: str) -> bytes:
    """The pasted text as it was pasted: a browser sends line ends as CRLF in a form."""
    return text.replace("\r\n", "\n").encode("utf-8")


# -- reading a picture's text, and the setting for pictures just added -----------------

@router.post("/c/{case_id}/items/{label}/read-text", dependencies=CSRF)
def read_picture(request: Request, case_id: int, label: str) -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        item = case_service.find_item(vault, case, label)
        back = f"/c/{case_id}/items/{item.label}"
        job = picture_reading.start(jobs_of(request), case_id, frozenset({item.id or 0}),
                                    back)
    return RedirectResponse(f"{back}?job={job.id}#read-text-job", status_code=303)


@router.post("/settings/reading", dependencies=CSRF)
def reading_setting(request: Request, auto: Text = "") -> Response:
    write_settings(require_owner(request), {picture_reading.AUTO_SETTING: "1" if auto else "0"})
    return RedirectResponse("/settings?msg=saved", status_code=303)
