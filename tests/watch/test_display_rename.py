"""A new display name with the same stable ID and handle is read as "renamed (display
name)", not as a text edit: on recorded captures, from a page's own data, and on pages
served on 127.0.0.1 captured by real Chromium."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.platforms import detect
from spoorvast.i18n import in_language
from spoorvast.model.records import Case
from spoorvast.services.watch import sentences, service, store
from spoorvast.services.watch.model import DISPLAY_NAME, ChangeKind, Verdict
from spoorvast.services.watch.runner import LocalRunner
from spoorvast.storage.vault import Vault
from tests.capture.platform_pages import IG_B, script
from tests.capture.site import Response, _serve
from tests.watch.recorded import Page, RecordedRunner

URL = "https://www.instagram.com/bram.subject/"
K = ChangeKind
SAYS = "posted: you will regret this, everyone knows where you live."


def _page(name: str, says: str = SAYS) -> Page:
    return Page(words=f"{name} {says}", display_name=name)


def _verdicts(vault: Vault, case: Case, pages: list[Page]) -> list[Verdict]:
    watch = service.add(vault, case, URL, 6 * 3600)
    runner = RecordedRunner(vault, pages)
    found = []
    for _ in pages:
        outcome = service.run_one(vault, runner, store.watch(vault, case.id or 0, watch.id),
                                  random.Random(1))
        assert outcome.verdict is not None
        found.append(outcome.verdict)
    return found


def test_a_new_display_name_alone_is_a_rename_not_an_edit(vault: Vault, case: Case) -> None:
    last = _verdicts(vault, case, [_page("Bram Subject"), _page("Bram the Great")])[-1]
    assert last.kinds == (K.RENAMED,)
    change = last.changes[0]
    assert change.param("what") == DISPLAY_NAME
    assert (change.param("old"), change.param("new")) == ("Bram Subject", "Bram the Great")
    with in_language("en"):
        assert sentences.short(change) == "renamed (display name)"
    with in_language("nl"):
        assert sentences.short(change) != "renamed (display name)"
    finding = [f for f in vault.store.findings(case.id or 0) if f.code == "watch.renamed"]
    assert len(finding) == 1
    assert not [f for f in vault.store.findings(case.id or 0) if f.code == "watch.edited"]


def test_a_new_display_name_and_other_words_counts_only_the_other_words(
        vault: Vault, case: Case) -> None:
    edited = _page("Bram the Great", SAYS.replace("live", "work"))
    last = _verdicts(vault, case, [_page("Bram Subject"), edited])[-1]
    assert last.kinds == (K.RENAMED, K.EDITED)
    assert last.words == (1, 1)  # "live" → "work"; the name is not counted


def test_a_new_handle_stays_a_handle_rename(vault: Vault, case: Case) -> None:
    renamed = Page(handle="bram.renamed", display_name="Bram the Great")
    last = _verdicts(vault, case, [Page(display_name="Bram Subject"), renamed])[-1]
    assert last.kinds == (K.RENAMED,)
    assert last.changes[0].param("what") == ""
    assert last.changes[0].param("new") == "bram.renamed"


def test_another_account_with_another_name_is_no_rename(vault: Vault, case: Case) -> None:
    other = Page(stable_id="999", words="Someone Else " + SAYS, display_name="Someone Else")
    last = _verdicts(vault, case, [_page("Bram Subject"), other])[-1]
    assert K.RENAMED not in last.kinds


def _html(handle: str, name: str) -> bytes:
    user = {"pk": IG_B, "username": handle, "full_name": name}
    return ("<!doctype html><html><head><title>Bram</title>"
            f'<link rel="canonical" href="https://www.instagram.com/{handle}/"></head>'
            f"<body>{script({'data': {'user': user}})}<h1>{name}</h1>"
            f"<p>{SAYS}</p></body></html>").encode()


def test_the_display_name_is_read_beside_the_stable_id() -> None:
    facts = detect(URL, _html("bram.subject", "Bram  Subject"))
    assert facts.stable_id == IG_B
    assert facts.display_name == "Bram Subject"


def test_no_display_name_without_a_stable_id() -> None:
    page = b"<html><body><script>{\"full_name\": \"Nobody\"}</script></body></html>"
    assert detect(URL, page).display_name is None


class _Site:
    def __init__(self) -> None:
        self.name = "Bram Subject"
        self.server = _serve(self.routes)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def routes(self, path: str, headers: dict[str, str]) -> Response:
        return 200, "text/html; charset=utf-8", _html("bram.subject", self.name), {}


@pytest.fixture
def site() -> Iterator[_Site]:
    served = _Site()
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.mark.slow
def test_a_display_name_changed_on_a_live_page_is_renamed(vault: Vault, case: Case,
                                                          site: _Site) -> None:
    options = CaptureOptions(allow_private_network=True, timeout_seconds=20,
                             load_timeout_seconds=10, settle_seconds=0.3, pdf=False)
    watch = service.add(vault, case, site.base + "/bram", 6 * 3600, private=True)
    with BrowserSession() as session:
        runner = LocalRunner(vault, options, session)
        kinds = []
        for name in ("Bram Subject", "Bram Subject", "Bram the Great"):
            site.name = name
            outcome = service.run_one(vault, runner, store.watch(vault, case.id or 0,
                                                                  watch.id), random.Random(2))
            assert outcome.verdict is not None, outcome.error
            kinds.append(outcome.verdict)
    assert [v.kinds for v in kinds] == [(K.FIRST,), (K.UNCHANGED,), (K.RENAMED,)]
    assert kinds[-1].changes[0].param("what") == DISPLAY_NAME
    assert kinds[-1].changes[0].param("new") == "Bram the Great"
