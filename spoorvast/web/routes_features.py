"""Feature screens, each wired through its adapter when the feature is present:
capture a URL, search and mark messages, read text from pictures (OCR), the dossier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from spoorvast.errors import UserError
from spoorvast.i18n import _, ngettext
from spoorvast.model.records import Case, Item
from spoorvast.services import cases as case_service
from spoorvast.services.ocr import find_in_pictures
from spoorvast.storage.vault import Vault
from spoorvast.web import dossier_options, forms, render
from spoorvast.web.adapters import capture as capture_adapter
from spoorvast.web.adapters import dossier as dossier_adapter
from spoorvast.web.adapters import events as event_adapter
from spoorvast.web.adapters import sections
from spoorvast.web.deps import case_of, check_csrf, jobs_of, vault_for
from spoorvast.web.jobs import Job, Link, Work

router = APIRouter()
Text = Annotated[str, Form()]
CSRF = [Depends(check_csrf)]


# -- capture ---------------------------------------------------------------------------

@router.get("/c/{case_id}/capture")
def capture_page(request: Request, case_id: int, job: str = "") -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        tsa = vault.store.setting(capture_adapter.TSA_SETTING) or ""
        session = capture_adapter.available() and capture_adapter.has_session(vault)
    return render.page(request, "capture.html", case=case, job=job, tsa=tsa,
                       available=capture_adapter.available(), active="capture",
                       has_session=session, flash=forms.flash(request))


@router.post("/c/{case_id}/capture", dependencies=CSRF)
def start_capture(request: Request, case_id: int, url: Text = "", private: Text = "",
                  tsa: Text = "", logged_in: Text = "") -> Response:
    with vault_for(request) as vault:
        case_of(vault, case_id)
        if tsa.strip():
            with vault.store.transaction() as tx:
                tx.set_setting(capture_adapter.TSA_SETTING, tsa.strip())
    job = jobs_of(request).submit("capture", case_id,
                                  _capture_work(case_id, url.strip(), bool(private),
                                                tsa.strip(), bool(logged_in)))
    return RedirectResponse(f"/c/{case_id}/capture?job={job.id}", status_code=303)


def _capture_work(case_id: int, url: str, allow_private: bool, tsa: str,
                  logged_in: bool = False) -> Work:
    def work(job: Job, vault: Vault) -> None:
        case = case_service.get_case(vault, case_id)
        job.total = 1
        outcome = capture_adapter.capture(vault, case, url, allow_private, tsa or None,
                                          logged_in)
        job.done = 1
        if outcome.label is None:
            job.message = outcome.message
            return
        job.lines.append(_("Captured as {label}.").format(label=outcome.label))
        job.lines.extend(outcome.problems)
        job.links.append(Link(_("See the capture"), f"/c/{case_id}/items/{outcome.label}"))

    return work


# -- search and mark ---------------------------------------------------------------------

@router.get("/c/{case_id}/search")
def search_page(request: Request, case_id: int, q: str = "", item: str = "",
                marked: int = 0, page: int = 1) -> Response:
    hits: list[object] = []
    total, error, newest = 0, "", False
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        try:
            found = _item(vault, case, item)
        except UserError as exc:  # never search everything instead of the item asked for
            found, error, q, marked = None, exc.message, "", 0
        if event_adapter.available() and (q.strip() or found or marked):
            hits, total, newest = event_adapter.search(
                vault, case, q.strip(), found.id if found else None, bool(marked),
                max(1, page))
        pictures = (find_in_pictures(vault, case, q) if q.strip() and not (item or marked)
                    and page <= 1 else [])
    return render.page(request, "search.html", case=case, q=q, item=item, marked=marked,
                       error=error,
                       page=max(1, page), events=hits, total=total, newest=newest,
                       pictures=pictures,
                       size=event_adapter.PAGE_SIZE, available=event_adapter.available(),
                       cap=event_adapter.CAP, active="search")


def _item(vault: Vault, case: Case, label: str) -> Item | None:
    """The item a search is limited to; a label that names none is said (UserError)."""
    if not label.strip():
        return None
    return case_service.find_item(vault, case, label)


# -- OCR -----------------------------------------------------------------------------------

@router.post("/c/{case_id}/read-text", dependencies=CSRF)
def read_text(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case_of(vault, case_id)

    def work(job: Job, vault: Vault) -> None:
        case = case_service.get_case(vault, case_id)

        def progress(done: int, total: int, item: Item) -> None:
            job.done, job.total = done, total

        count = sections.read_text(vault, case, progress)
        job.lines.append(ngettext("Text read from {n} picture.", "Text read from {n} pictures.",
                                  count).format(n=count))
        job.links.append(Link(_("See the items"), f"/c/{case_id}/items"))

    job = jobs_of(request).submit("ocr", case_id, work)
    return RedirectResponse(f"/c/{case_id}/dossier?job={job.id}", status_code=303)


# -- dossier -------------------------------------------------------------------------------

@router.get("/c/{case_id}/dossier")
def dossier_page(request: Request, case_id: int, job: str = "") -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        choices = dossier_options.choices(case, vault)
    return render.page(request, "dossier.html", case=case, job=job, choices=choices,
                       available=dossier_adapter.available(),
                       ocr_available=sections.can_read_text(), active="dossier")


@router.post("/c/{case_id}/dossier", dependencies=CSRF)
def make_dossier(request: Request, case_id: int, language: Text = "", redact: Text = "",
                 gps: Text = "", timestamp: Text = "", listed: Text = "",
                 include: Annotated[list[str] | None, Form()] = None) -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        options = dossier_options.chosen(
            case, language, redact, gps, timestamp,
            dossier_options.left_out(vault, case, listed, include or []))
    private = request.app.state.private
    folder = private.create()
    made: dict[str, Path] = request.app.state.dossiers

    def work(job: Job, vault: Vault) -> None:
        case = case_service.get_case(vault, case_id)

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        made[job.id] = dossier_adapter.make(vault, case, folder, progress, options)
        job.lines.append(_("The dossier is ready."))
        job.links.append(Link(_("Download the dossier"), f"/c/{case_id}/dossier/{job.id}"))

    job = jobs_of(request).submit("dossier", case_id, work)
    return RedirectResponse(f"/c/{case_id}/dossier?job={job.id}", status_code=303)


@router.get("/c/{case_id}/dossier/{job_id}")
def download_dossier(request: Request, case_id: int, job_id: str) -> Response:
    with vault_for(request):
        path = request.app.state.dossiers.get(job_id)
    if path is None or not Path(path).is_file():
        return Response(status_code=404)

    def chunks() -> object:
        with Path(path).open("rb") as handle:
            while block := handle.read(1 << 20):
                yield block

    return StreamingResponse(chunks(), media_type="application/zip",  # type: ignore[arg-type]
                             headers={"Content-Disposition":
                                      f"attachment; filename=\"{Path(path).name}\""})
