"""Watches: add, pause, resume, remove, run a pass, and record a run.

A run is a full sealed capture (a new item, made by a :class:`Runner`); recording it
reads what it showed, classifies it against the last open capture, and writes in one
transaction: a finding on the new item per change, an event on the timeline per change
of the page, the custody entry ``watch.run`` (the watch, the first capture, the capture
compared with, the changes, the SHA-256 of every file of the new capture), and the
watch's new state. The first capture is never replaced: it stays the watch's ``first``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from spoorvast.errors import UserError
from spoorvast.i18n import _, in_language
from spoorvast.model import instant
from spoorvast.model.records import Case, Event, Item, ItemKind, Problem, Severity
from spoorvast.model.secrets import strip_url
from spoorvast.services import cases as case_service
from spoorvast.services.watch import codes as _codes  # noqa: F401  (finding codes)
from spoorvast.services.watch import news, schedule, sentences, store
from spoorvast.services.watch.classify import classify
from spoorvast.services.watch.facts import facts_of
from spoorvast.services.watch.model import EVENTFUL, Change, ChangeKind, RunFacts, Verdict, Watch
from spoorvast.services.watch.runner import Runner, WatchRunFailed
from spoorvast.storage.base import Transaction, case_chain
from spoorvast.storage.vault import Vault

EVENT_KIND = "page-change"
SEVERITY = {ChangeKind.GONE_ONCE: Severity.INFO, ChangeKind.FLAPPED: Severity.INFO,
            ChangeKind.REOPENED: Severity.INFO}


@dataclass(frozen=True, slots=True)
class RunOutcome:
    watch: Watch
    label: str | None  # the new capture (None: failed, or waiting in the inbox)
    verdict: Verdict | None
    error: str | None = None


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _log(tx: Transaction, watch: Watch, action: str, extra: dict[str, object]) -> None:
    tx.log(case_chain(watch.case_id), action, watch.subject,
           {"watch": watch.id, "url": strip_url(watch.url), **extra})


# -- the user's decisions --------------------------------------------------------------


def add(vault: Vault, case: Case, url: str, every: int, first: Item | None = None,
        private: bool = False) -> Watch:
    """Watch ``url``; ``first`` is an earlier capture of it that becomes the first one
    (else the first run makes it). The first run is due at once."""
    assert case.id is not None
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise UserError(_("Only web addresses (http:// or https://) can be watched: "
                          "{url}").format(url=url[:200]))
    if first is not None and first.kind is not ItemKind.CAPTURE:
        raise UserError(_("{label} is not a captured web page.").format(label=first.label))
    if any(w.url == url for w in store.watches(vault, case.id)):
        raise UserError(_("This address is already watched in this case."))
    due = time.time() if first is None else max(
        time.time(), first.acquired_at.utc.timestamp() + every)  # never sooner than asked
    watch = Watch(store.next_id(vault), case.id, url, every, _utc_now(),
                  first=first.label if first else None,
                  baseline=first.label if first else None, next_due=due, private=private)
    with vault.store.transaction() as tx:
        store.allocate(tx, watch.id)
        store.save(tx, watch)
        _log(tx, watch, "watch.added", {"every_seconds": every, "first": watch.first})
    return watch


def set_paused(vault: Vault, watch: Watch, paused: bool) -> Watch:
    changed = replace(watch, paused=paused,
                      next_due=watch.next_due if paused else max(watch.next_due, time.time()))
    with vault.store.transaction() as tx:
        store.save(tx, changed)
        _log(tx, changed, "watch.paused" if paused else "watch.resumed", {})
    return changed


def remove(vault: Vault, watch: Watch) -> None:
    """Stop watching; every capture and the watch's history stay."""
    with vault.store.transaction() as tx:
        store.forget(tx, watch)
        _log(tx, watch, "watch.stopped", {"runs": watch.runs, "first": watch.first,
                                          "last": watch.last})


def item_for(vault: Vault, case: Case, label: str | None) -> Item | None:
    return case_service.find_item(vault, case, label) if label else None


# -- runs ------------------------------------------------------------------------------


def run_pass(vault: Vault, runner: Runner, everything: bool = False,
             sleep: Callable[[float], object] = time.sleep,
             rng: random.Random | None = None,
             stopped: Callable[[], bool] = lambda: False) -> list[RunOutcome]:
    """Run the watches that are due (``everything``: every watch not paused), one at a
    time, politely; nothing when another pass of this vault is running. ``stopped`` is
    asked before each capture (the app's lock ends a pass after the capture under way)."""
    rng = rng or random.SystemRandom()
    with schedule.one_pass(vault.root) as mine:
        if not mine:
            return []
        now = time.time()
        due = [w for w in store.watches(vault) if not w.paused and w.server is None
               and (everything or schedule.is_due(w, now))]  # the server runs its own
        clock, outcomes = schedule.SiteClock(), []
        for watch in schedule.polite_order(due):
            wait = clock.wait_for(watch.url, time.monotonic())
            if wait:
                sleep(wait)
            if stopped():
                break
            outcomes.append(run_one(vault, runner, watch, rng))
            clock.ran(watch.url, time.monotonic())
    return outcomes


def run_one(vault: Vault, runner: Runner, watch: Watch, rng: random.Random) -> RunOutcome:
    case = case_service.get_case(vault, watch.case_id)
    started = time.time()
    try:
        label = runner.capture(case, watch)
    except WatchRunFailed as exc:
        return _failed(vault, watch, started, exc.message, rng)
    if not label:  # queued (locked vault, server job): recorded when it lands
        return RunOutcome(store.watch(vault, watch.case_id, watch.id), None, None)
    current = store.watch(vault, watch.case_id, watch.id)
    verdict = record_run(vault, case, current, case_service.find_item(vault, case, label),
                         started, rng)
    return RunOutcome(verdict.watch, label, verdict)


def _failed(vault: Vault, watch: Watch, started: float, message: str,
            rng: random.Random) -> RunOutcome:
    failures = watch.failures + 1
    later = replace(watch, failures=failures, last_run_at=started,
                    next_due=schedule.next_due(watch, started, failures, rng))
    with vault.store.transaction() as tx:
        store.save(tx, later)
        _log(tx, later, "watch.run-failed", {"failures": failures})
    return RunOutcome(later, None, None, message)


def baseline_facts(vault: Vault, case: Case, watch: Watch) -> RunFacts | None:
    item = item_for(vault, case, watch.baseline)
    return facts_of(vault, item, screenshot=False) if item is not None else None


def record_run(vault: Vault, case: Case, watch: Watch, item: Item, started: float,
               rng: random.Random | None = None) -> Verdict:
    """Classify the capture ``item`` of a run and write what it found."""
    current = facts_of(vault, item)
    verdict = classify(watch, baseline_facts(vault, case, watch), current)
    after = replace(verdict.watch, failures=0, last_run_at=started,
                    next_due=schedule.next_due(watch, started, 0,
                                               rng or random.SystemRandom()))
    verdict = replace(verdict, watch=after)
    first = item_for(vault, case, after.first) or item
    with vault.store.transaction() as tx:
        _write(tx, case, item, verdict, current, (first.label, first.acquired_at))
    return verdict


def _write(tx: Transaction, case: Case, item: Item, verdict: Verdict, current: RunFacts,
           first: tuple[str, instant.Instant]) -> None:
    for change in verdict.changes:
        if change.kind not in (ChangeKind.UNCHANGED, ChangeKind.FIRST):
            tx.add_finding(item, _problem(change, verdict))
    events = [_event(case, item, change, first) for change in verdict.changes
              if change.kind in EVENTFUL]
    if events:
        tx.add_events(item, events)
    store.save(tx, verdict.watch)
    _log(tx, verdict.watch, "watch.run", {
        "item": item.label, "first": verdict.watch.first,
        "compared_with": verdict.compared_with,
        "changes": [c.kind.value for c in verdict.changes],
        "details": {c.kind.value: dict(c.params) for c in verdict.changes if c.params},
        "screenshot_phash": current.screenshot, "files": dict(current.hashes)})
    news.note(tx, [c.kind for c in verdict.changes])


def _problem(change: Change, verdict: Verdict) -> Problem:
    params = (("before", verdict.compared_with or ""), *change.params)
    return Problem(SEVERITY.get(change.kind, Severity.WARNING), f"watch.{change.kind.value}",
                   params)


def _event(case: Case, item: Item, change: Change, first: tuple[str, instant.Instant]
           ) -> Event:
    assert case.id is not None
    with in_language(case.language):
        text = sentences.sentence(change, first, item.acquired_at)
    return Event(None, case.id, item.id, EVENT_KIND, item.acquired_at, text,
                 details=(("change", change.kind.value), ("first", first[0])))
