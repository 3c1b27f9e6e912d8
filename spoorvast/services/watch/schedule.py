"""When a watch runs: never before the interval asked for has passed since its last run;
a random delay on top (jitter: up to a tenth of the interval, at most 15 minutes), so
runs do not come at fixed, recognisable moments; after an error, twice the interval per
error in a row (at most a week); and within a pass, captures of one site are spaced by
:data:`SITE_GAP` seconds. Only one pass runs at a time per vault (a lock file), so the
app's scheduler and the timer never capture the same page twice at once.
"""

from __future__ import annotations

import fcntl
import os
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.services.watch.model import Watch

MIN_EVERY = 15 * 60  # seconds: the shortest interval a watch may ask for
JITTER_SHARE = 0.1
MAX_JITTER = 15 * 60.0
MAX_BACKOFF = 7 * 24 * 3600.0
SITE_GAP = 20.0  # seconds between two captures of one site in a pass
UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
EVERY = re.compile(r"\s*(\d{1,5})\s*([mhdw])\s*", re.I)


def parse_every(text: str) -> int:
    """``6h``, ``30m``, ``1d``, ``2w`` as seconds (at least :data:`MIN_EVERY`)."""
    match = EVERY.fullmatch(text or "")
    if match is None:
        raise UserError(_("'{text}' is not an interval: write a number and m, h, d or w "
                          "(for example 6h or 1d).").format(text=text[:40]))
    seconds = int(match.group(1)) * UNITS[match.group(2).lower()]
    if seconds < MIN_EVERY:
        raise UserError(_("A watch runs at most every 15 minutes (asked: {text}).")
                        .format(text=text[:40]))
    return seconds


def every_text(seconds: int) -> str:
    """Seconds as the shortest ``--every`` that says them (``6h``)."""
    for unit, size in (("w", UNITS["w"]), ("d", UNITS["d"]), ("h", UNITS["h"])):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


def jitter(every: float, rng: random.Random) -> float:
    return rng.uniform(0.0, min(every * JITTER_SHARE, MAX_JITTER))


def next_due(watch: Watch, ran_at: float, failures: int, rng: random.Random) -> float:
    """Never sooner than asked: the interval (longer after errors) plus jitter."""
    wait = float(watch.every)
    if failures:
        wait = min(wait * 2 ** min(failures, 20), max(MAX_BACKOFF, wait))
    return ran_at + wait + jitter(wait, rng)


def is_due(watch: Watch, now: float) -> bool:
    return not watch.paused and watch.next_due <= now


def site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.").removeprefix("m.")


def polite_order(due: list[Watch]) -> list[Watch]:
    """The due watches, sites taking turns (so the wait of :data:`SITE_GAP` between two
    captures of one site is rarely needed)."""
    by_site: dict[str, list[Watch]] = {}
    for watch in sorted(due, key=lambda w: (w.next_due, w.id)):
        by_site.setdefault(site(watch.url), []).append(watch)
    rounds = max((len(v) for v in by_site.values()), default=0)
    return [group[turn] for turn in range(rounds) for group in by_site.values()
            if len(group) > turn]


class SiteClock:
    """How long to wait before capturing a site again (monotonic seconds)."""

    def __init__(self, gap: float = SITE_GAP) -> None:
        self.gap = gap
        self.last: dict[str, float] = {}

    def wait_for(self, url: str, now: float) -> float:
        last = self.last.get(site(url))
        return 0.0 if last is None else max(0.0, last + self.gap - now)

    def ran(self, url: str, now: float) -> None:
        self.last[site(url)] = now


@contextmanager
def one_pass(root: Path) -> Iterator[bool]:
    """True while this process holds the vault's watch lock; False when another pass
    runs (the app's scheduler and the timer never run two at once)."""
    folder = root / "watch"
    folder.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(folder / "pass.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
