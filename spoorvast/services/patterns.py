"""Patterns of contact: per-day counts, an hour × weekday heatmap, first and last
contact and the longest run of days with contact — what shows persistence (belaging).

Counting reads only (time, kind, actor) of each event, in the case zone; the charts are
drawn with matplotlib (Agg, no display) as PNG and SVG.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from spoorvast.i18n import N_, _, current_language
from spoorvast.model.conversation import EventBucket, actor_key
from spoorvast.model.instant import zone
from spoorvast.model.records import Case, IdentifierStatus, PartyRole
from spoorvast.storage.vault import Vault

CATEGORIES = {"call": N_("calls"), "email": N_("e-mails")}
MESSAGES = N_("messages")
NOT_CONTACT = {"observation", "requested-action", "police-report", "platform-report",
               "helpline-report", "impact", "other", "proposed-message",
               "system"}  # "X joined", "messages are end-to-end encrypted": nobody sent it


def category(kind: str) -> str | None:
    if kind in NOT_CONTACT:
        return None
    return kind if kind in CATEGORIES else "message"


@dataclass
class Patterns:
    per_day: dict[date, Counter[str]] = field(default_factory=dict)
    heatmap: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    first: datetime | None = None
    last: datetime | None = None
    total: int = 0

    def add(self, local: datetime, what: str) -> None:
        self.per_day.setdefault(local.date(), Counter())[what] += 1
        self.heatmap[local.weekday()][local.hour] += 1
        self.first = local if self.first is None else min(self.first, local)
        self.last = local if self.last is None else max(self.last, local)
        self.total += 1

    def add_count(self, local: datetime, what: str, count: int) -> None:
        """``count`` events in the hour of ``local`` (not the first or the last)."""
        self.per_day.setdefault(local.date(), Counter())[what] += count
        self.heatmap[local.weekday()][local.hour] += count
        self.total += count

    def longest_streak(self) -> tuple[int, date | None]:
        """(days, first day) of the longest run of consecutive days with contact."""
        best, best_start, run, start, previous = 0, None, 0, None, None
        for day in sorted(self.per_day):
            run, start = (run + 1, start) if previous and day - previous == timedelta(1) \
                else (1, day)
            if run > best:
                best, best_start = run, start
            previous = day
        return best, best_start


def compute(vault: Vault, case: Case, actors: set[str] | None = None,
            skip: tuple[str, ...] = ()) -> Patterns:
    """Contact events (messages, calls, e-mails) of the case, or of these actor keys;
    events of the ``skip`` kinds are left for the caller to add.

    Counted from the counts the vault keeps (``event_buckets``), per hour of UTC: an hour
    that is one hour of one day in the case zone adds its counts at once; the others (a
    zone whose offset is no whole hour) are taken per ten minutes, and what still
    straddles two local hours, and the first and the last bucket (for the exact first and
    last moment), row by row. Equal to :func:`compute_rows` (tested)."""
    tz, result = zone(case.time_zone), Patterns()
    wanted = _Wanted(actors, skip)
    kept = wanted.buckets(vault.store.event_buckets(case.id or 0, minutes=60))
    if not kept:
        return result
    first, last = kept[0][0].start, kept[-1][0].start
    uneven = _add_whole(result, kept, tz, timedelta(hours=1), {first, last})
    by_rows = {(first, timedelta(hours=1)), (last, timedelta(hours=1))}
    if uneven - {first, last}:
        fine = [(b, what) for b, what in wanted.buckets(
            vault.store.event_buckets(case.id or 0, minutes=10))
            if b.start.replace(minute=0) in uneven - {first, last}]
        by_rows |= {(s, _BUCKET) for s in _add_whole(result, fine, tz, _BUCKET, set())}
    for start, width in sorted(by_rows):
        for utc_text, kind, actor, _item in vault.store.event_rows(
                case.id or 0, since=start, until=start + width):
            what = wanted(kind, actor)
            if utc_text is not None and what is not None:
                result.add(datetime.fromisoformat(utc_text).astimezone(tz), what)
    return result


class _Wanted:
    """The category an event of (kind, actor) counts as, or None (looked up once)."""

    def __init__(self, actors: set[str] | None, skip: tuple[str, ...]) -> None:
        self.actors, self.skip = actors, skip
        self.known: dict[tuple[str, str | None], str | None] = {}

    def __call__(self, kind: str, actor: str | None) -> str | None:
        key = (kind, actor)
        if key not in self.known:
            what = category(kind)
            outside = self.actors is not None and actor not in self.actors
            self.known[key] = None if what is None or kind in self.skip or outside else what
        return self.known[key]

    def buckets(self, found: list[EventBucket]) -> list[tuple[EventBucket, str]]:
        return [(b, what) for b in found if (what := self(b.kind, b.actor)) is not None]


def _add_whole(result: Patterns, kept: list[tuple[EventBucket, str]], tz: tzinfo,
               width: timedelta, skipped: set[datetime]) -> set[datetime]:
    """Add the buckets that fall in one local hour (bar ``skipped``); return the starts of
    those that do not."""
    hours: dict[datetime, datetime | None] = {}
    summed: Counter[tuple[datetime, str]] = Counter()
    uneven: set[datetime] = set()
    for bucket, what in kept:
        local = hours.get(bucket.start, _UNSEEN)
        if local is _UNSEEN:
            local = hours[bucket.start] = _local_hour(bucket.start, tz, width)
        if local is None:
            uneven.add(bucket.start)
        elif bucket.start not in skipped:
            summed[(local, what)] += bucket.count
    for (local, what), count in summed.items():
        result.add_count(local, what, count)
    return uneven


_BUCKET = timedelta(minutes=10)


def _local_hour(start: datetime, tz: tzinfo, width: timedelta) -> datetime | None:
    """The local hour (as a datetime) that the whole bucket falls in, or None when it
    straddles two local hours (an offset that is no multiple of its width)."""
    local = start.astimezone(tz)
    end = (start + width - timedelta(microseconds=1)).astimezone(tz)
    if (local.date(), local.hour) != (end.date(), end.hour):
        return None
    return local.replace(minute=0, second=0, microsecond=0)


_UNSEEN = datetime.min
_BUCKET = timedelta(minutes=10)


def compute_rows(vault: Vault, case: Case, actors: set[str] | None = None,
                 skip: tuple[str, ...] = ()) -> Patterns:
    """:func:`compute` from every row (the plain way; what the counts are tested against)."""
    tz, result = zone(case.time_zone), Patterns()
    for utc_text, kind, actor, _item in vault.store.event_rows(case.id or 0):
        what = category(kind)
        if utc_text is None or what is None or kind in skip or \
                (actors is not None and actor not in actors):
            continue
        result.add(datetime.fromisoformat(utc_text).astimezone(tz), what)
    return result


def party_actors(vault: Vault, case: Case, party_id: int) -> set[str]:
    """The actor keys events carry for the party's identifiers."""
    return {actor_key(i.kind.value, i.value, i.platform, i.stable_id)
            for i in vault.store.identifiers(case.id or 0) if i.party_id == party_id}


def suspect_actors(vault: Vault, case: Case) -> set[str]:
    """The actor keys of the suspects' confirmed identifiers: what attributes an event to a
    suspect (a proposed or rejected identifier attributes nothing)."""
    suspects = {p.id for p in vault.store.parties(case.id or 0)
                if p.role is PartyRole.SUSPECT}
    return {actor_key(i.kind.value, i.value, i.platform, i.stable_id)
            for i in vault.store.identifiers(case.id or 0)
            if i.party_id in suspects and i.status is IdentifierStatus.CONFIRMED}


def per_item(vault: Vault, case: Case, actors: set[str],
             skip: tuple[str, ...] = ()) -> Counter[tuple[int, str]]:
    """(item id, category) -> contacts these actors made."""
    counts: Counter[tuple[int, str]] = Counter()
    for _utc, kind, actor, item in vault.store.event_rows(case.id or 0):
        what = category(kind)
        if what is not None and kind not in skip and actor in actors:
            counts[(item, what)] += 1
    return counts


def draw(patterns: Patterns, out: Path, title: str,
         formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write per-day.{png,svg} and heatmap.{png,svg} into ``out`` (the web app shows only
    the SVGs: ``formats=("svg",)``); return the paths."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, checkable
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, figure in (("per-day", _per_day_figure(patterns, title)),
                         ("heatmap", _heatmap_figure(patterns, title))):
        for suffix in formats:
            path = out / f"{name}.{suffix}"
            figure.savefig(path, dpi=150, bbox_inches="tight",
                           metadata=_metadata(suffix))
            written.append(path)
        _close(figure)
    return written


def _metadata(suffix: str) -> dict[str, str | None]:
    # no creation date or software stamp: the same data gives the same file
    return {"Date": None} if suffix == "svg" else {"Software": None}


def _close(figure: object) -> None:
    import matplotlib.pyplot as plt

    plt.close(figure)  # type: ignore[arg-type]


def _per_day_figure(patterns: Patterns, title: str) -> Any:
    """Stacked bars per day, one category on the other. Each category's bars are one
    collection of rectangles, not a patch per day (a year of days made ``bar`` spend
    seconds on layout), drawn as ``bar`` would: width 0.9 day, the colour cycle's order,
    the same legend."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    days = _all_days(patterns.per_day)
    figure, axes = plt.subplots(figsize=(10, 3.2))
    centres = [float(mdates.date2num(d)) for d in days]  # type: ignore[no-untyped-call]
    bottom = [0] * len(days)
    handles: list[Patch] = []
    for what, label in (("message", MESSAGES), *CATEGORIES.items()):
        counts = [patterns.per_day.get(d, Counter())[what] for d in days]
        if any(counts):
            colour = f"C{len(handles)}"
            boxes = [[(x - 0.45, b), (x - 0.45, b + c), (x + 0.45, b + c), (x + 0.45, b)]
                     for x, b, c in zip(centres, bottom, counts, strict=True) if c]
            axes.add_collection(PolyCollection(boxes, facecolors=colour, edgecolors="none"))
            handles.append(Patch(facecolor=colour, label=_(label)))
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    if days:
        axes.update_datalim([(centres[0] - 0.45, 0), (centres[-1] + 0.45, max(bottom))])
        axes.autoscale_view()
        axes.set_ylim(bottom=0)
        axes.xaxis_date()
        axes.xaxis.set_major_formatter(_day_formatter())
    axes.set_title(title)
    axes.set_ylabel(_("contacts per day"))
    if handles:
        axes.legend(handles=handles, loc="upper left", frameon=False)
    figure.autofmt_xdate()
    return figure


def _day_formatter() -> Any:
    """Tick labels as the reader's language writes a day ("4 mrt 2026", "Mar 4, 2026"),
    from CLDR through Babel, not matplotlib's ISO ``2026-03-04``."""
    from babel.dates import format_date
    from matplotlib.dates import num2date
    from matplotlib.ticker import FuncFormatter

    language = current_language()
    return FuncFormatter(lambda x, _pos: format_date(
        num2date(x).date(), format="medium", locale=language))  # type: ignore[no-untyped-call]


def _all_days(per_day: dict[date, Counter[str]]) -> list[date]:
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def _heatmap_figure(patterns: Patterns, title: str) -> Any:
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(10, 3.2))
    image = axes.imshow(patterns.heatmap, aspect="auto", cmap="Reds")
    axes.set_yticks(range(7), [_(d) for d in WEEKDAYS])
    axes.set_xticks(range(0, 24, 2), [f"{h:02d}h" for h in range(0, 24, 2)])
    for day, row in enumerate(patterns.heatmap):
        for hour, count in enumerate(row):
            if count:
                # inside the axes: left out of the tight bounding box's search (a week of
                # 24 cells laid out again for each of the two formats cost seconds)
                axes.text(hour, day, str(count), ha="center", va="center", fontsize=7,
                          in_layout=False)
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label=_("contacts"))
    return figure


def summary_lines(patterns: Patterns,
                  shown: Callable[[datetime], str] | None = None) -> Iterable[str]:
    """The summary in words; ``shown`` writes a moment (ISO with its offset unless a
    reader's form is given: the web app writes it as the reader's language does)."""
    streak, since = patterns.longest_streak()
    shown = shown or (lambda moment: moment.isoformat(timespec="minutes"))
    if patterns.first is None or patterns.last is None:
        yield _("No contact events in this case yet.")
        return
    yield _("{n} contacts between {first} and {last}.").format(
        n=patterns.total, first=shown(patterns.first), last=shown(patterns.last))
    yield _("Contact on {days} different days; longest run: {streak} days in a row "
            "(from {since}).").format(days=len(patterns.per_day), streak=streak, since=since)
