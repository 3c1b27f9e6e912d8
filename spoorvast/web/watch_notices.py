"""At the next page after an unlock: what watching found while no one looked ("Watching:
1 page was removed."), said once, in the reader's language (see services/watch/news.py)."""

from __future__ import annotations

from spoorvast.errors import UserError
from spoorvast.services.watch import news
from spoorvast.web.session import Locked, VaultSession


def watch_notices(session: VaultSession) -> list[str]:
    try:
        with session.use() as vault:
            return news.take(vault)
    except (Locked, UserError):
        return []
