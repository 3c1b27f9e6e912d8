"""A page captured logged in as A, looking at B, in real Chromium on 127.0.0.1: the
account stored is B's; A's ID is recognised, proposed as the victim's, and said so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.identifiers import VIEWER_FIELD
from spoorvast.capture.show import rows
from spoorvast.model.records import Case, IdentifierKind, PartyRole
from spoorvast.services.parties import create_party
from spoorvast.storage.vault import Vault
from tests.capture.conftest import LOCAL
from tests.capture.helpers import capture, record_of, stored
from tests.capture.platform_pages import IG_A, IG_B, IG_C, IG_VIEWER, script
from tests.capture.site import Response, _serve

PAGE = ("<!doctype html><html><head><title>Bram (@bram.subject)</title>"
        '<link rel="canonical" href="https://www.instagram.com/bram.subject/"></head><body>'
        + IG_VIEWER + script({"suggested": [{"pk": IG_C, "username": "carl.other"}]})
        + script({"data": {"user": {"pk": IG_B, "username": "bram.subject"}}})
        + "<p>Synthetic profile seen while logged in.</p></body></html>")


def _routes(path: str, headers: dict[str, str]) -> Response:
    return 200, "text/html; charset=utf-8", PAGE.encode(), {}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = _serve(_routes)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_logged_in_capture_names_b_and_marks_a_as_the_victims(
        vault: Vault, case: Case, session: BrowserSession, base: str) -> None:
    victim = create_party(vault, case, PartyRole.VICTIM, "Anna")
    result = capture(vault, case, session, base + "/bram", LOCAL)
    accounts = [i for i in vault.store.identifiers(case.id or 0)
                if i.kind is IdentifierKind.ACCOUNT]
    assert [(a.value, a.stable_id, a.party_id) for a in accounts] == [
        ("bram.subject", IG_B, None), ("anna.viewer", IG_A, victim.id)]
    assert accounts[1].location is not None and accounts[1].location.field == VIEWER_FIELD
    assert [p.code for p in result.problems if p.code.startswith("capture.viewer")] == [
        "capture.viewer-account"]
    _item, files = stored(vault, case, result.label)
    record = record_of(vault, files)
    shown = dict(rows(record))
    assert shown["Logged in as (the account the capture was made from)"] == (
        f"{IG_A} (@anna.viewer)")
    assert shown["Stable account ID"] == IG_B
    platform = record["platform"]
    assert isinstance(platform, dict)
    assert (platform["stable_id"], platform["viewer_id"], platform["id_source"]) == (
        IG_B, IG_A, "page")
