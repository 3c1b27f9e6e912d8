"""Watched pages: the list (add, pause, resume, remove, run now), one watch's history,
and two captures side by side (the word diff, both screenshots and a difference image).

Screenshots are shown through the item thumbnail route (blurred when the settings say
so); the difference image is made on request from the two sealed screenshots and kept
nowhere."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services.watch import schedule, sentences, store
from spoorvast.services.watch.model import Change, Watch
from spoorvast.storage.vault import Vault
from spoorvast.web import render
from spoorvast.web.deps import case_of, check_csrf, vault_for

router = APIRouter()
Text = Annotated[str, Form()]
EVERY_CHOICES = ("1h", "6h", "12h", "1d", "1w")


def _watch(vault: Vault, case: Case, watch_id: int) -> Watch:
    return store.watch(vault, case.id or 0, watch_id)


@router.get("/c/{case_id}/watches")
def watch_list(request: Request, case_id: int) -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        found = store.watches(vault, case_id)
        last = {w.id: [sentences.short(Change(k)) for k in store.last_changes(vault, w)]
                for w in found}
    zone = ZoneInfo(case.time_zone)
    return render.page(
        request, "watch_list.html", case=case, watches=found, last=last,
        choices=EVERY_CHOICES, every_names=sentences.every_names(),
        every_text={w.id: schedule.every_text(w.every) for w in found},
        states={w.id: sentences.state(w) for w in found},
        due={w.id: datetime.fromtimestamp(w.next_due, zone) for w in found},
        active="watches")


@router.post("/c/{case_id}/watches", dependencies=[Depends(check_csrf)])
def watch_add(request: Request, case_id: int, url: Text = "", every: Text = "6h",
              first: Text = "") -> Response:
    from spoorvast.services.watch import service, unattended

    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        first_item = case_service.find_item(vault, case, first) if first.strip() else None
        if first_item is not None and not url.strip():
            url = _address_of(vault, first_item.id or 0)
        watch = service.add(vault, case, url, schedule.parse_every(every), first_item)
        unattended.sync_schedule(vault)
    return RedirectResponse(f"/c/{case_id}/watches/{watch.id}?msg=saved", status_code=303)


def _address_of(vault: Vault, item_id: int) -> str:
    """The address a capture asked for (its URL identifier)."""
    item = vault.store.item_by_id(item_id)
    found = [i.value for i in vault.store.identifiers(item.case_id if item else 0)
             if i.item_id == item_id and i.kind.value == "url"]
    if not found:
        raise UserError(_("This capture names no web address to watch."))
    return found[0]


@router.post("/c/{case_id}/watches/{watch_id}/{action}", dependencies=[Depends(check_csrf)])
def watch_action(request: Request, case_id: int, watch_id: int, action: str) -> Response:
    from spoorvast.services.watch import service, unattended

    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        watch = _watch(vault, case, watch_id)
        if action in ("pause", "resume"):
            service.set_paused(vault, watch, action == "pause")
        elif action == "remove":
            service.remove(vault, watch)
        elif action == "now":
            with vault.store.transaction() as tx:
                store.save(tx, replace(watch, next_due=time.time(), paused=False))
        else:
            return Response(status_code=404)
        unattended.sync_schedule(vault)
    if action == "now":
        request.app.state.watches.wake()  # the app's scheduler runs it in the background
    target = f"/c/{case_id}/watches" if action == "remove" else \
        f"/c/{case_id}/watches/{watch_id}"
    return RedirectResponse(f"{target}?msg=saved", status_code=303)


@router.get("/c/{case_id}/watches/{watch_id}")
def watch_page(request: Request, case_id: int, watch_id: int) -> Response:
    from spoorvast.services.watch import views

    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        watch = _watch(vault, case, watch_id)
        rows = views.history(vault, watch)
    render.use_language(request)
    actions = [("now", _("Run now")),
               ("resume", _("Run again")) if watch.paused else ("pause", _("Pause")),
               ("remove", _("Stop watching"))]
    return render.page(request, "watch_page.html", case=case, watch=watch,
                       rows=list(reversed(rows)), short=sentences.detail,
                       state=sentences.state(watch), actions=actions, active="watches")


@router.get("/c/{case_id}/watches/{watch_id}/compare")
def watch_compare(request: Request, case_id: int, watch_id: int, before: str = "",
                  after: str = "") -> Response:
    from spoorvast.services.watch import views

    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        watch = _watch(vault, case, watch_id)
        shown = views.pair(vault, case, before, after)
    return render.page(request, "watch_compare.html", case=case, watch=watch, pair=shown,
                       active="watches")


@router.get("/c/{case_id}/watches/{watch_id}/difference.png")
def watch_difference(request: Request, case_id: int, watch_id: int, before: str = "",
                     after: str = "") -> Response:
    from spoorvast.services.watch import pictures, views

    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        _watch(vault, case, watch_id)
        old, new = views.screenshot(vault, case, before), views.screenshot(vault, case, after)
    if not old or not new:
        return Response(status_code=404)
    try:
        data, _share = pictures.difference(old, new)
    except (OSError, ValueError):
        return Response(status_code=404)
    return Response(data, media_type="image/png", headers={"Cache-Control": "no-store"})
