"""Identifiers a capture proposes: the URLs (checklist ``url``) and the account
(``account-id`` / ``suspect-profile``) with its platform and stable ID."""

from __future__ import annotations

from collections.abc import Iterator

from spoorvast.capture.page import Visit
from spoorvast.capture.platforms import PlatformFacts
from spoorvast.model.records import Identifier, IdentifierKind, IdentifierStatus, Item, Location


def identifiers_of(item: Item, visit: Visit, facts: PlatformFacts) -> Iterator[Identifier]:
    assert item.id is not None
    urls = [visit.requested_url]
    if visit.main is not None and visit.main.url not in urls:
        urls.append(visit.main.url)
    for url in urls:
        yield Identifier(None, item.case_id, IdentifierKind.URL, url, platform=facts.platform,
                         status=IdentifierStatus.PROPOSED, item_id=item.id,
                         location=Location(field="capture.json:final_url"))
    account = facts.stable_id or facts.handle
    if facts.platform and account:
        yield Identifier(None, item.case_id, IdentifierKind.ACCOUNT,
                         facts.handle or facts.stable_id or "", platform=facts.platform,
                         stable_id=facts.stable_id, status=IdentifierStatus.PROPOSED,
                         item_id=item.id,
                         location=Location(field=f"capture.json:platform.{facts.id_source}"))
