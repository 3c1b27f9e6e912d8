"""Timeline (one page at a time, bursts and gaps) and the pattern charts.

Charts are drawn by ``services/patterns.py`` into a private in-memory folder, read
back, and the folder is wiped at once; the SVG bytes are kept in memory while the
vault is unlocked and shown through ``<img>`` (an SVG in an image cannot run script).
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from spoorvast.model.conversation import Position
from spoorvast.model.records import Case
from spoorvast.services import patterns, timeline
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault
from spoorvast.web import render, words
from spoorvast.web.deps import case_of, vault_for
from spoorvast.web.private import PrivateDirs

router = APIRouter()
PAGE = 100
CHARTS = ("per-day", "heatmap")
_draw_lock = threading.Lock()  # matplotlib's pyplot keeps global state


@router.get("/c/{case_id}/timeline")
def timeline_page(request: Request, case_id: int, offset: int = 0, party: str = "",
                  kind: str = "", marked: int = 0,
                  item: Annotated[int | None, Query()] = None, after: str = "",
                  before: str = "") -> Response:
    """One page of 100 events. "Later" / "Earlier" name the event the page starts after /
    ends before (``after`` / ``before``: read by position, as fast deep in a million
    events as at the start); ``offset`` (a page number's first event, and older links)
    is turned into a position from the index."""
    filters = timeline.TimelineFilter(party_id=int(party) if party.isdigit() else None,
                                      kinds=(kind,) if kind else (),
                                      marked_only=bool(marked), item_number=item)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        page = timeline.page(vault, case, filters, max(0, offset), PAGE,
                             after=Position.parse(after) if after else None,
                             before=Position.parse(before) if before else None)
        parties = vault.store.parties(case_id)
    pages = max(1, -(-page.total // PAGE))
    return render.page(request, "timeline.html", case=case, page=page, size=PAGE,
                       number=page.start // PAGE + 1, pages=pages,
                       last_offset=(pages - 1) * PAGE, parties=parties, party=party,
                       kind=kind, marked=marked, item=item if item is not None else "",
                       active="timeline")


@router.get("/c/{case_id}/patterns")
def patterns_page(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        found = patterns.compute(vault, case)
    return render.page(request, "patterns.html", case=case, total=found.total,
                       summary=list(patterns.summary_lines(found, words.when_moment)),
                       charts=CHARTS, active="patterns")


@router.get("/c/{case_id}/charts/{name}.svg")
def chart(request: Request, case_id: int, name: str) -> Response:
    if name not in CHARTS:
        return Response(status_code=404)
    language = render.use_language(request)
    cache: dict[tuple[int, str, str, int], bytes] = request.app.state.charts
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        head = vault.store.chain_head(case_chain(case_id))
        key = (case_id, name, language, head[0] if head else 0)
        if key not in cache:
            cache.clear()
            cache.update(_draw(request.app.state.private, vault, case, key))
    return Response(cache[key], media_type="image/svg+xml",
                    headers={"Content-Security-Policy": "default-src 'none'; "
                             "style-src 'unsafe-inline'; sandbox"})


def _draw(private: PrivateDirs, vault: Vault, case: Case,
          key: tuple[int, str, str, int]) -> dict[tuple[int, str, str, int], bytes]:
    found = patterns.compute(vault, case)
    folder = private.create()
    try:
        with _draw_lock:
            patterns.draw(found, folder, "", formats=("svg",))
        return {(key[0], name, key[2], key[3]): (folder / f"{name}.svg").read_bytes()
                for name in CHARTS}
    finally:
        private.wipe(folder)
