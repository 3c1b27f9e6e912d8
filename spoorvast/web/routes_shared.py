"""The shared case page: who has access (role, purpose, until when, fingerprint words)
and every access in words ("Bo opened E-0004 on 3 March 2026 at 14:02").

It reads only what the vault kept at its last sync (``services/sharing/kept.py``) and
checks that copy first, so it works offline and never shows a chain that does not hold.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from spoorvast.i18n import _
from spoorvast.services.sharing import kept, words
from spoorvast.services.sharing.sync import link_of
from spoorvast.web import render
from spoorvast.web.deps import case_of, vault_for

router = APIRouter()


@router.get("/c/{case_id}/shared")
def shared_page(request: Request, case_id: int) -> Response:
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        link = link_of(vault, case)
        if link is None:
            return render.page(request, "shared.html", case=case, link=None, active="shared")
        found = kept.check(vault, case, link.server_key)
        members = words.members(vault, case, kept.kept_members(vault, case))
        lines = words.access_lines(vault, case, found.entries)
    problem = None if found.problem is None else _(
        "The kept copy of this case's access log does not check at entry {where}: run "
        "Verify, and do not rely on this page until it is explained.").format(
        where=found.problem.where or "-")
    return render.page(request, "shared.html", case=case, link=link, members=members,
                       lines=lines, problem=problem, entries=len(found.entries),
                       active="shared")
