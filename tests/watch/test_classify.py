"""Each kind of change classified right, on recorded captures (no browser): edit, media
swap, rename, login wall, 404, a "not available" page answered 200, a flapping 404; the
first capture stays the first; findings, events and custody entries are written."""

from __future__ import annotations

import random

import pytest

from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services import verify
from spoorvast.services.watch import news, service, store
from spoorvast.services.watch.classify import pictures_changed, word_change
from spoorvast.services.watch.facts import facts_of, page_words
from spoorvast.services.watch.model import ChangeKind
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault
from tests.watch.recorded import Page, RecordedRunner, picture, record

URL = "https://www.instagram.com/bram.subject/"
K = ChangeKind


def runs(vault: Vault, case: Case, pages: list[Page]) -> list[tuple[ChangeKind, ...]]:
    watch = service.add(vault, case, URL, 6 * 3600)
    runner = RecordedRunner(vault, pages)
    found = []
    for _page in pages:
        outcome = service.run_one(vault, runner, store.watch(vault, case.id or 0, watch.id),
                                  random.Random(1))
        assert outcome.verdict is not None
        found.append(outcome.verdict.kinds)
    return found


def test_unchanged_then_edited_with_a_word_count(vault: Vault, case: Case) -> None:
    edited = Page(words="Bram posted: you will regret this, everyone knows where you work.")
    assert runs(vault, case, [Page(), Page(), edited]) == [
        (K.FIRST,), (K.UNCHANGED,), (K.EDITED,)]
    finding = [f for f in vault.store.findings(case.id or 0) if f.code == "watch.edited"]
    assert dict(finding[0].params)["removed"] == "1"
    assert dict(finding[0].params)["added"] == "1"
    assert dict(finding[0].params)["before"] == "E-0002"
    events = [e for e in vault.store.events(case.id or 0) if e.kind == "page-change"]
    assert len(events) == 1
    # the case is Dutch: the timeline says it in Dutch, with the first capture's date
    assert "3 maart 2026" in events[0].text and "E-0001" in events[0].text
    assert "1 woord veranderd" in events[0].text


def test_a_picture_swapped_is_media_changed(vault: Vault, case: Case) -> None:
    assert runs(vault, case, [Page(), Page(pictures=("disc",))])[-1] == (K.MEDIA,)


def test_the_same_picture_re_encoded_is_not_a_change() -> None:
    from spoorvast.services.watch.facts import picture_hash

    one = picture_hash(picture("stripes"))
    assert one is not None
    assert pictures_changed((one,), (one,)) == 0
    other = picture_hash(picture("disc"))
    assert other is not None and pictures_changed((one,), (other,)) == 1


def test_a_new_handle_with_the_same_id_is_renamed(vault: Vault, case: Case) -> None:
    renamed = Page(handle="bram.renamed")
    assert runs(vault, case, [Page(), renamed])[-1] == (K.RENAMED,)
    other = Page(handle="someone.else", stable_id="999")
    assert runs(vault, case_service.create_case(vault, "b", "en", "UTC"),
                [Page(), other])[-1] == (K.UNCHANGED,)


def test_a_login_wall_where_it_was_open_is_restricted(vault: Vault, case: Case) -> None:
    walled = Page(words="Log in to see this", codes=("capture.wall-login",))
    assert runs(vault, case, [Page(), walled, walled, Page()]) == [
        (K.FIRST,), (K.RESTRICTED,), (K.UNCHANGED,), (K.REOPENED,)]


@pytest.mark.parametrize("gone", [
    Page(words="Not found", status=404, pictures=()),
    Page(words="Not there", status=410, pictures=()),
    Page(words="Sorry, this page isn't available.", pictures=(),
         codes=("capture.unavailable",)),
], ids=["404", "410", "status-200 removal page"])
def test_removed_only_when_a_second_run_confirms_it(vault: Vault, case: Case,
                                                    gone: Page) -> None:
    kinds = runs(vault, case, [Page(), gone, gone, gone])
    assert kinds == [(K.FIRST,), (K.GONE_ONCE,), (K.REMOVED,), (K.UNCHANGED,)]
    removed = [f for f in vault.store.findings(case.id or 0) if f.code == "watch.removed"]
    params = dict(removed[0].params)
    assert params["first_label"] == "E-0002"  # the first sighting's capture and time kept
    assert params["first_seen"].startswith("2026-03-03T21:00")
    assert params["last_there"] == "E-0001"


def test_a_flapping_404_is_not_a_removal(vault: Vault, case: Case) -> None:
    gone = Page(words="Not found", status=404, pictures=())
    kinds = runs(vault, case, [Page(), gone, Page(), gone, Page()])
    assert kinds == [(K.FIRST,), (K.GONE_ONCE,), (K.FLAPPED,), (K.GONE_ONCE,), (K.FLAPPED,)]
    assert not [f for f in vault.store.findings(case.id or 0) if f.code == "watch.removed"]


def test_back_after_a_confirmed_removal(vault: Vault, case: Case) -> None:
    gone = Page(status=404, pictures=())
    assert runs(vault, case, [Page(), gone, gone, Page()])[-1] == (K.BACK,)


def test_edits_are_compared_with_the_last_open_capture(vault: Vault, case: Case) -> None:
    """A 404 in between is no baseline: the edit is against the page as last seen."""
    gone = Page(status=404, pictures=(), words="Not found")
    edited = Page(words="Bram posted: nothing.")
    assert runs(vault, case, [Page(), gone, edited])[-1] == (K.FLAPPED, K.EDITED)


def test_the_first_capture_stays_and_the_chain_verifies(vault: Vault, case: Case) -> None:
    first = record(vault, case, Page(), 0)
    watch = service.add(vault, case, URL, 6 * 3600, first)
    runner = RecordedRunner(vault, [Page(words="changed words here"), Page(status=404)])
    service.run_pass(vault, runner, everything=True, sleep=lambda s: None)
    service.run_pass(vault, runner, everything=True, sleep=lambda s: None)
    after = store.watch(vault, case.id or 0, watch.id)
    assert after.first == "E-0001" and after.last == "E-0003" and after.runs == 2
    entries = store.runs(vault, after)
    assert [e.payload["first"] for e in entries] == ["E-0001", "E-0001"]
    assert [e.payload["compared_with"] for e in entries] == ["E-0001", "E-0002"]
    assert all(len(str(e.payload["files"])) > 64 for e in entries)  # SHA-256 of each file
    assert facts_of(vault, case_service.find_item(vault, case, "E-0001")).text == \
        facts_of(vault, first).text
    report = verify.verify(vault)
    assert report.ok, report.problems
    assert vault.store.custody(case_chain(case.id or 0))


def test_news_says_kinds_and_counts_once(vault: Vault, case: Case) -> None:
    gone = Page(status=404, pictures=())
    runs(vault, case, [Page(), Page(words="other words"), gone, gone])
    said = news.take(vault)
    assert said == ["Watching: 1 page was removed.", "Watching: 1 page was edited."]
    assert news.take(vault) == []


def test_page_words_leave_scripts_and_styles_out() -> None:
    html = b"<html><head><title>T</title><style>a{}</style></head><body><p>Hello  " \
           b"<b>there</b></p><script>var no = 1;</script></body></html>"
    assert page_words(html).split() == ["Hello", "there"]


def test_word_change_counts() -> None:
    assert word_change("a b c d", "a b c d") == (0, 0)
    assert word_change("a b c d", "a x c d") == (1, 1)
    assert word_change("a b c d", "a b c d e f") == (0, 2)


def test_a_long_repetitive_page_is_compared_exactly_and_quickly() -> None:
    """One word edited in each of 60 repetitive paragraphs (difflib alone took 45 s)."""
    import time

    def page(version: int) -> str:
        return "\n".join(f"Post {i} (version {version}). " + "words here " * 25
                         for i in range(60))

    started = time.perf_counter()
    assert word_change(page(1), page(2)) == (60, 60)
    assert time.perf_counter() - started < 5.0  # ≈10 ms measured; generous when loaded


def test_a_run_stops_when_asked(vault: Vault, case: Case) -> None:
    service.add(vault, case, URL, 6 * 3600)
    service.add(vault, case, URL + "other", 6 * 3600)
    runner = RecordedRunner(vault, [Page(), Page()])
    calls = iter([False, True])
    waited: list[float] = []
    done = service.run_pass(vault, runner, everything=True, stopped=lambda: next(calls),
                            sleep=waited.append)
    assert len(done) == 1
    assert waited and waited[0] > 15  # the same site: its gap was waited before the second


class FailingRunner:
    """A runner whose captures fail (the page's server did not answer)."""

    def capture(self, case: Case, watch: object) -> str:
        from spoorvast.services.watch.runner import WatchRunFailed

        raise WatchRunFailed("The page could not be reached.")

    def close(self) -> None:
        return None


def test_a_failing_capture_backs_off_and_says_so(vault: Vault, case: Case) -> None:
    from spoorvast.services.watch import sentences

    watch = service.add(vault, case, URL, 3600)
    for failures in (1, 2):
        outcome = service.run_one(vault, FailingRunner(), store.watch(
            vault, case.id or 0, watch.id), random.Random(9))
        assert outcome.error == "The page could not be reached."
        later = outcome.watch
        assert later.failures == failures
        assert later.next_due - (later.last_run_at or 0) >= 3600 * 2 ** failures
    assert sentences.state(later) == \
        "the capture failed 2 times in a row; tried again later"
    assert [e.action for e in store.history(vault, later)][-2:] == [
        "watch.run-failed", "watch.run-failed"]
    runner = RecordedRunner(vault, [Page()])
    back = service.run_one(vault, runner, later, random.Random(9))
    assert back.watch.failures == 0 and sentences.state(back.watch) == "watching"
