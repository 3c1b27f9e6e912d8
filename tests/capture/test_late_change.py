"""A post a timer puts in after the dwell, with no request, is waited for or named: the
mutation watch extends the wait and looks on after the files were taken (#25 item 2)."""

from __future__ import annotations

from dataclasses import replace

from spoorvast.capture.browser import BrowserSession
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from tests.capture.conftest import LOCAL
from tests.capture.helpers import blob, capture, record_of, stored
from tests.capture.site import Site

# the watch after the files lasts 2.5 s: longer than the 3 s timer needs on any machine
WATCHFUL = replace(LOCAL, pdf=False, watch_after_seconds=2.5)
SHORT_WATCH = replace(LOCAL, pdf=False, watch_after_seconds=0.3)


def codes(result: object) -> list[str]:
    return [p.code for p in getattr(result, "problems", ())]


def test_a_post_put_in_by_a_timer_at_1_5_s_is_in_the_files(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/timer-1500"), WATCHFUL)
    _item, files = stored(vault, case, result.label)
    assert b"TIMER-POST-1500" in blob(vault, files["dom.html"])
    assert b"TIMER-POST-1500" in blob(vault, files["page.mhtml"])
    assert "capture.changed-while-taken" not in codes(result)
    state = record_of(vault, files)["page_state"]
    assert isinstance(state, dict) and state["visible_dom_changes"] >= 1


def test_a_post_at_3_s_is_in_the_files_or_named_never_silently_missed(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/timer-3000"), WATCHFUL)
    _item, files = stored(vault, case, result.label)
    dom = blob(vault, files["dom.html"])
    state = record_of(vault, files)["page_state"]
    assert isinstance(state, dict)
    if b"TIMER-POST-3000" in dom:
        assert state["files_taken_again"] is True or "capture.changed-while-taken" \
            not in codes(result)
        assert b"TIMER-POST-3000" in blob(vault, files["page.mhtml"])
    else:
        assert "capture.changed-after-taken" in codes(result)
        assert str(state["changed_after_taken"]).endswith("Z")


def test_a_change_after_a_short_watch_is_not_claimed(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    """The record says how long the page was watched after its files, so a reader knows
    what "no change seen" covers."""
    result = capture(vault, case, session, site.url("/timer-3000"), SHORT_WATCH)
    _item, files = stored(vault, case, result.label)
    state = record_of(vault, files)["page_state"]
    assert isinstance(state, dict)
    assert 0 < state["watched_after_seconds"] <= 1.5
