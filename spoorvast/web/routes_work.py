"""Workspace screens: checklist with how-to, notes, parties and identifiers, and the
small actions on items and events (mark, proposals, harmful pictures)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from spoorvast import guidance
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import IdentifierKind, IdentifierStatus, PartyRole
from spoorvast.services import checklist, identifier_corrections, identities
from spoorvast.services import notes as note_service
from spoorvast.services.parties import party_role
from spoorvast.web import forms, howto, note_form, render, words
from spoorvast.web.adapters import events as event_adapter
from spoorvast.web.adapters import review, sections
from spoorvast.web.deps import case_of, check_csrf, vault_for
from spoorvast.web.routes_items import find

router = APIRouter()
Text = Annotated[str, Form()]
CSRF = [Depends(check_csrf)]


def _back(target: str, fallback: str) -> str:
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) \
        else fallback


# -- checklist ------------------------------------------------------------------------

@router.get("/c/{case_id}/checklist")
def checklist_page(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        elements = checklist.compute(vault, case)
    return render.page(request, "checklist.html", case=case, elements=elements,
                       titles=guidance.TITLES, howto=howto.HOWTO, advice=guidance.ADVICE,
                       help_lines=guidance.HELP_LINES, active="checklist")


@router.post("/c/{case_id}/checklist/{element}", dependencies=CSRF)
def checklist_mark(request: Request, case_id: int, element: str, reason: Text = "",
                   applicable: Text = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        checklist.mark_not_applicable(vault, case, element, None if applicable else reason)
    return RedirectResponse(f"/c/{case_id}/checklist#el-{element}", status_code=303)


# -- notes -----------------------------------------------------------------------------

@router.get("/c/{case_id}/notes")
def notes_page(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        written = note_service.notes(vault, case)
    return render.page(request, "notes.html", case=case, written=written, error="",
                       kinds=note_service.KIND_LABELS, form={}, active="notes",
                       currencies=note_form.currencies(render.use_language(request)),
                       money=note_form.money_in(render.use_language(request)))


@router.post("/c/{case_id}/notes", dependencies=CSRF)
def add_note(request: Request, case_id: int, kind: Text = "observation", text: Text = "",
             at: Text = "", url: Text = "", reference: Text = "", amount: Text = "",
             currency: Text = "", to_account: Text = "", authority: Text = "",
             images_sent: Text = "") -> Response:
    language = render.use_language(request)
    form = {"kind": kind, "text": text, "at": at, "url": url, "reference": reference,
            "amount": amount, "currency": currency, "to_account": to_account,
            "authority": authority, "images_sent": images_sent}
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        try:
            note_service.add_note(vault, case, note_form.note_of(form, case, language))
        except (UserError, ValueError) as exc:
            written = note_service.notes(vault, case)
            message = exc.message if isinstance(exc, UserError) else str(exc)
            return render.page(request, "notes.html", status=400, case=case,
                               written=written, error=message, kinds=note_service.KIND_LABELS,
                               form=form, active="notes",
                               currencies=note_form.currencies(language),
                               money=note_form.money_in(language))
    return RedirectResponse(f"/c/{case_id}/notes?msg=note-added", status_code=303)


# -- parties and identifiers -----------------------------------------------------------

@router.get("/c/{case_id}/parties")
def parties_page(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        parties = vault.store.parties(case_id)
        idents = vault.store.identifiers(case_id)
        labels = {i.id: i.label for i in vault.store.items(case_id)}
        corrects = {c.new: c.old for c in identifier_corrections.corrections(vault, case)}
    return render.page(request, "parties.html", case=case, parties=parties, error="",
                       corrects=corrects,
                       identifiers=idents, item_labels=labels, roles=list(PartyRole),
                       id_kinds=list(IdentifierKind), active="parties",
                       flash=forms.flash(request))


@router.post("/c/{case_id}/parties", dependencies=CSRF)
def add_party(request: Request, case_id: int, role: Text = "suspect",
              name: Text = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        identities.add_party(vault, case, party_role(role), name)
    return RedirectResponse(f"/c/{case_id}/parties?msg=party-added", status_code=303)


@router.post("/c/{case_id}/identifiers", dependencies=CSRF)
def add_identifier(request: Request, case_id: int, party: Text = "", kind: Text = "email",
                   value: Text = "", platform: Text = "", stable_id: Text = "") -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        owner = identities.find_party(vault, case, party)
        identities.add_identifier(vault, case, owner, _id_kind(kind), value,
                                  platform.strip() or None, stable_id.strip() or None)
    return RedirectResponse(f"/c/{case_id}/parties?msg=saved", status_code=303)


@router.post("/c/{case_id}/identifiers/{identifier_id}", dependencies=CSRF)
def decide_identifier(request: Request, case_id: int, identifier_id: int,
                      decision: Text = "confirm", party: Text = "") -> Response:
    render.use_language(request)
    status = IdentifierStatus.CONFIRMED if decision == "confirm" else IdentifierStatus.REJECTED
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        owner = identities.find_party(vault, case, party) if party else None
        identities.set_status(vault, case, identifier_id, status, owner)
    return RedirectResponse(f"/c/{case_id}/parties#id-{identifier_id}", status_code=303)


def _id_kind(text: str) -> IdentifierKind:
    try:
        return IdentifierKind(text)
    except ValueError as exc:
        raise UserError(_("Choose a kind from the list.")) from exc


# -- marks, proposals, harmful pictures ------------------------------------------------

@router.post("/c/{case_id}/mark", dependencies=CSRF)
def mark(request: Request, case_id: int, ref: Text = "", marked: Text = "1",
         back: Text = "") -> Response:
    """Mark or unmark; a page's script gets the new state as JSON (it updates the row
    in place), a plain form post goes back to the page."""
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        event_adapter.mark(vault, case, [ref], marked == "1")
    if in_place(request):
        return JSONResponse({"ref": ref, "marked": marked == "1",
                             "said": _("Marked.") if marked == "1" else _("Mark removed.")})
    return RedirectResponse(_back(back, f"/c/{case_id}/timeline"), status_code=303)


@router.post("/c/{case_id}/proposals", dependencies=CSRF)
def proposal(request: Request, case_id: int, ref: Text = "", decision: Text = "confirm",
             back: Text = "", day: Text = "") -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        row = review.decide(vault, case, ref, decision == "confirm", day)
    if in_place(request):
        return JSONResponse({"ref": row.ref, "state": row.state,
                             "state_words": words.word(words.OCR_STATES, row.state),
                             "at": words.when(row.at) if row.at else ""})
    return RedirectResponse(f"/c/{case_id}/items/{find_label(back)}", status_code=303)


def in_place(request: Request) -> bool:
    """Sent by the page's script (which updates the page itself), not a plain form."""
    return "application/json" in request.headers.get("accept", "")


def find_label(text: str) -> str:
    return text if text.replace("-", "").isalnum() else ""


@router.post("/c/{case_id}/items/{label}/harmful", dependencies=CSRF)
def harmful(request: Request, case_id: int, label: str) -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        sections.mark_harmful(vault, case, find(vault, case, label))
    request.app.state.thumbnails.clear()
    return RedirectResponse(f"/c/{case_id}/items/{label}", status_code=303)
