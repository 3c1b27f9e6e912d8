"""Identifiers a capture proposes: the URLs (checklist ``url``), the account the
address names (``account-id`` / ``suspect-profile``) with its platform and stable ID,
and, apart, the viewer's own account (the account the capture was made from), proposed
as the victim's when the case has one victim.

No account is proposed for an address that names a group, server, channel or invite,
nor when the only ID found was the viewer's (``PlatformFacts.unsure``)."""

from __future__ import annotations

from collections.abc import Iterator

from spoorvast.capture.platforms import NOT_ACCOUNTS, PlatformFacts
from spoorvast.capture.visit import Visit
from spoorvast.model.records import Identifier, IdentifierKind, IdentifierStatus, Item, Location

VIEWER_FIELD = "capture.json:platform.viewer_id"


def identifiers_of(item: Item, visit: Visit, facts: PlatformFacts,
                   victim_id: int | None = None) -> Iterator[Identifier]:
    assert item.id is not None
    urls = [visit.requested_url]
    if visit.main is not None and visit.main.url not in urls:
        urls.append(visit.main.url)
    for url in urls:
        yield Identifier(None, item.case_id, IdentifierKind.URL, url, platform=facts.platform,
                         status=IdentifierStatus.PROPOSED, item_id=item.id,
                         location=Location(field="capture.json:final_url"))
    yield from accounts_of(item, facts, victim_id)


def accounts_of(item: Item, facts: PlatformFacts,
                victim_id: int | None) -> Iterator[Identifier]:
    account = _account(item, facts)
    if account is not None:
        yield account
    if facts.platform and facts.viewer_id and victim_id is not None:
        yield Identifier(None, item.case_id, IdentifierKind.ACCOUNT,
                         facts.viewer_handle or facts.viewer_id, party_id=victim_id,
                         platform=facts.platform, stable_id=facts.viewer_id,
                         status=IdentifierStatus.PROPOSED, item_id=item.id,
                         location=Location(field=VIEWER_FIELD))


def _account(item: Item, facts: PlatformFacts) -> Identifier | None:
    if not facts.platform or not (facts.handle or facts.stable_id):
        return None
    if facts.unsure == "viewer-own" or (facts.kind in NOT_ACCOUNTS and not facts.stable_id):
        return None
    return Identifier(None, item.case_id, IdentifierKind.ACCOUNT,
                      facts.handle or facts.stable_id or "", platform=facts.platform,
                      stable_id=facts.stable_id, status=IdentifierStatus.PROPOSED,
                      item_id=item.id,
                      location=Location(field=f"capture.json:platform.{facts.id_source}"))
