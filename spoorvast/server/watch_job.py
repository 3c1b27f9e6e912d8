"""Watches of shared cases, run by the server's workers.

A periodic job (``spoorvast.watch_tick``, every minute) makes a run (a capture row) for
each watch that is due and queues it as a ``spoorvast.capture`` job; the worker captures
and drops the result to the case like any server capture (``capture_job.py``). What
changed is decided in each member's vault when the drop is sealed at ``case sync``, by
the same classifier as a local watch: the server never sees a page.

Politeness, as in local mode: never sooner than the interval asked for; a random delay
on top (up to a tenth of the interval, at most 15 minutes); after a failed run, twice the
interval per failure in a row (at most a week); captures of one site spaced by the
site's turn (``capture_sites``).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from spoorvast.storage.server_captures import CaptureStore, WatchRow
from spoorvast.storage.server_pg import ServerStore, now

MIN_EVERY = 15 * 60
MAX_EVERY = 366 * 86400
JITTER_SHARE = 0.1
MAX_JITTER = 15 * 60.0
MAX_BACKOFF = 7 * 24 * 3600.0
HOLD = timedelta(hours=6)  # a run's watch is held back this long until the run ends


def wait_after(every: int, failures: int, rng: random.Random) -> float:
    wait = float(every)
    if failures:
        wait = min(wait * 2 ** min(failures, 20), max(MAX_BACKOFF, wait))
    return wait + rng.uniform(0.0, min(wait * JITTER_SHARE, MAX_JITTER))


def next_run(watch: WatchRow, ok: bool, rng: random.Random | None = None) -> datetime:
    failures = 0 if ok else watch.failures + 1
    return now() + timedelta(seconds=wait_after(watch.every, failures,
                                                rng or random.SystemRandom()))


def tick(store: ServerStore, defer: Callable[[uuid.UUID], None]) -> int:
    """Queue a run of every due watch; how many."""
    runs = CaptureStore(store).due_runs(now(), HOLD)
    for run in runs:
        defer(run.id)
    return len(runs)
