"""The records of watching: a watch, what one capture showed, what a run found."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields

from spoorvast.model.instant import Instant


class ChangeKind(enum.StrEnum):
    FIRST = "first"  # the first capture of the watch: nothing to compare with
    UNCHANGED = "unchanged"
    EDITED = "edited"  # the page's words changed
    MEDIA = "media"  # a picture on the page changed (perceptual hash)
    RENAMED = "renamed"  # another handle or display name, the same stable account ID
    RESTRICTED = "restricted"  # a login wall or private where it was open
    REOPENED = "reopened"  # open again after a wall
    GONE_ONCE = "gone-once"  # not there: a first sighting, confirmed only by the next run
    REMOVED = "removed"  # not there on two runs in a row: removed since the first sighting
    FLAPPED = "flapped"  # back after one "not there": not counted as removed
    BACK = "back"  # back after a confirmed removal


DISPLAY_NAME = "display-name"  # the ``what`` of a rename of the display name only

# the kinds that are changes of the page (a finding and an event on the timeline)
EVENTFUL = frozenset({ChangeKind.EDITED, ChangeKind.MEDIA, ChangeKind.RENAMED,
                      ChangeKind.RESTRICTED, ChangeKind.REMOVED, ChangeKind.BACK})
NEWS = frozenset({ChangeKind.EDITED, ChangeKind.MEDIA, ChangeKind.RENAMED,
                  ChangeKind.RESTRICTED, ChangeKind.REMOVED})


@dataclass(frozen=True, slots=True)
class Watch:
    """One watched address and where its watching stands (kept in the vault settings;
    every run and every decision is also a custody entry)."""

    id: int
    case_id: int
    url: str
    every: int  # seconds between runs, as asked
    added_at: str  # UTC, ISO 8601
    paused: bool = False
    first: str | None = None  # label of the first capture (never replaced)
    baseline: str | None = None  # the last capture where the page was there and open
    last: str | None = None  # the last run's capture
    last_run_at: float | None = None  # epoch seconds of the last attempt
    next_due: float = 0.0  # epoch seconds
    failures: int = 0  # runs that failed in a row (back-off)
    gone_since: str | None = None  # UTC of the first "not there" not yet resolved
    gone_label: str | None = None  # the capture that saw it first
    removed: bool = False  # confirmed on a second run
    restricted: bool = False
    runs: int = 0
    private: bool = False  # a local or private network address may be captured
    server: str | None = None  # its id on the shared case's server, which runs it

    @property
    def subject(self) -> str:
        """The custody subject of this watch's entries."""
        return f"watch-{self.id}"

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, object]) -> Watch:
        names = {f.name for f in fields(cls)}
        known = {k: v for k, v in value.items() if k in names}
        return cls(**known)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What one sealed capture showed, as far as comparing needs (no evidence is logged:
    this lives in memory and in the vault only)."""

    label: str
    at: Instant
    status: int | None = None
    final_url: str | None = None
    codes: frozenset[str] = frozenset()  # the capture's finding codes
    title: str = ""
    text: str = ""  # the words the page showed (from its DOM)
    images: tuple[str, ...] = ()  # perceptual hashes (hex) of the page's pictures
    screenshot: str | None = None  # perceptual hash of the viewport screenshot
    platform: str | None = None
    handle: str | None = None
    stable_id: str | None = None
    display_name: str | None = None  # the name shown beside the stable ID
    hashes: tuple[tuple[str, str], ...] = ()  # (file name, SHA-256)

    @property
    def gone(self) -> bool:
        """Not there: 404/410, or the platform's own "not available" page."""
        return self.status in (404, 410) or "capture.unavailable" in self.codes \
            or "capture.removed" in self.codes

    @property
    def walled(self) -> bool:
        """A login wall, a password form or "private" in place of the page."""
        return self.status in (401, 403) or "capture.password-form" in self.codes \
            or any(c.startswith("capture.wall-") for c in self.codes)


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    params: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> str:
        return dict(self.params).get(name, "")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a run found, and the watch's state after it."""

    changes: tuple[Change, ...]
    watch: Watch
    compared_with: str | None = None  # the capture this run was compared with
    words: tuple[int, int] = (0, 0)  # words removed, added
    notes: tuple[str, ...] = field(default=())

    @property
    def kinds(self) -> tuple[ChangeKind, ...]:
        return tuple(c.kind for c in self.changes)
