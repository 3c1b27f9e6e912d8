"""The timeline pages by position and search caps its count, in the web app (#32)."""

from __future__ import annotations

import html
import re

import pytest

from spoorvast.model import instant
from spoorvast.model.records import Event, Item, ItemKind
from tests.web.conftest import Browserish

START = 1_767_225_600  # 2026-01-01 UTC


def _fill(client: Browserish, case_id: int, count: int) -> None:
    with client.live.app.state.session.use() as vault, vault.store.transaction() as tx:
        item = tx.add_item(Item(None, case_id, 0, ItemKind.CONVERSATION, "chat",
                                instant.now("Europe/Brussels"), "test"), [])
        tx.add_events(item, [
            Event(None, case_id, item.id, "message",
                  instant.from_epoch(START + n * 60, "Europe/Brussels"),
                  f"geld {'zeldzaam' if n == 7 else 'bericht'} {n}",
                  actor="phone:+32470000001") for n in range(count)])


def _link(page: str, name: str) -> str:
    found = re.search(rf'<a href="([^"]+)" id="page-{name}"', page)
    assert found, name
    return html.unescape(found.group(1))


@pytest.mark.slow
def test_timeline_links_name_positions_and_search_caps_its_count(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    _fill(client, case_id, 1205)
    base = f"/c/{case_id}/timeline"
    first = client.get(base).text
    assert "1–100 / 1205" in first and "page 1 of 13" in first
    assert 'id="page-earlier"' not in first
    later = _link(first, "later")
    assert later.startswith("?after=")
    second = client.get(base + later).text
    assert "101–200 / 1205" in second and "page 2 of 13" in second
    assert "geld bericht 100" in second and "geld bericht 99<" not in second
    back = client.get(base + _link(second, "earlier")).text
    assert "1–100 / 1205" in back
    last = client.get(base + _link(second, "last")).text
    assert "1201–1205 / 1205" in last and 'id="page-later"' not in last
    common = client.get(f"/c/{case_id}/search?q=geld").text
    assert "More than 1000 results; the newest first." in common
    assert "geld bericht 1204<" in common and "geld bericht 1154<" not in common  # newest 50
    rare = client.get(f"/c/{case_id}/search?q=zeldzaam").text
    assert re.search(r'id="search-total">1 result<', rare)
