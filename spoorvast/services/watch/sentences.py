"""A run's changes said as a person would say them, in a given language: "the page of
3 March (E-0001) was found edited on 5 March at 14:00; 2 words changed". The timeline
event is written in the case's language (the dossier's); the web shows the same
sentences in the reader's language."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_time

from spoorvast.i18n import _, current_language, ngettext
from spoorvast.model.instant import Instant
from spoorvast.services.watch.model import DISPLAY_NAME, Change, ChangeKind, Watch


def day(moment: datetime) -> str:
    return format_date(moment, "d MMMM yyyy", locale=current_language())


def clock(moment: datetime) -> str:
    return format_time(moment, "HH:mm", locale=current_language())


def local(utc_text: str, like: Instant) -> datetime | None:
    """A UTC ISO time from a watch's state, in the offset of ``like``."""
    try:
        moment = datetime.fromisoformat(utc_text)
    except ValueError:
        return None
    return moment.astimezone(like.local.tzinfo)


def sentence(change: Change, first: tuple[str, Instant], now: Instant) -> str:
    """One change, in the current language: ``first`` is the watch's first capture."""
    label, at = first
    when = {"before": day(at.local), "label": label, "day": day(now.local),
            "time": clock(now.local)}
    kind = change.kind
    if kind is ChangeKind.EDITED:
        count = max(int(change.param("removed") or 0), int(change.param("added") or 0))
        return ngettext(
            "The page of {before} ({label}) was found edited on {day} at {time}; "
            "{n} word changed.",
            "The page of {before} ({label}) was found edited on {day} at {time}; "
            "{n} words changed.", count).format(n=count, **when)
    if kind is ChangeKind.MEDIA:
        return _("A picture on the page of {before} ({label}) was found changed on {day} "
                 "at {time}.").format(**when)
    if kind is ChangeKind.RENAMED and change.param("what") == DISPLAY_NAME:
        return _("The display name of the account of the page of {before} ({label}) was "
                 "found changed on {day} at {time}: {old} is now {new} (same account ID, "
                 "same handle).").format(old=change.param("old"), new=change.param("new"),
                                         **when)
    if kind is ChangeKind.RENAMED:
        return _("The account of the page of {before} ({label}) was found renamed on {day} "
                 "at {time}: {old} is now {new} (same account ID).").format(
            old=change.param("old"), new=change.param("new"), **when)
    if kind is ChangeKind.RESTRICTED:
        return _("The page of {before} ({label}) was found behind a login or private on "
                 "{day} at {time}.").format(**when)
    if kind is ChangeKind.REMOVED:
        seen = local(change.param("first_seen"), now) or now.local
        return _("The page of {before} ({label}) was found removed on {seen_day} at "
                 "{seen_time}; confirmed on {day} at {time}.").format(
            seen_day=day(seen), seen_time=clock(seen), **when)
    if kind is ChangeKind.BACK:
        return _("The page of {before} ({label}) was found back on {day} at {time}, after "
                 "it had been removed.").format(**when)
    return short(change)


def short(change: Change) -> str:
    """A few words for a list of runs."""
    words = {
        ChangeKind.FIRST: _("first capture"), ChangeKind.UNCHANGED: _("unchanged"),
        ChangeKind.EDITED: _("text edited"), ChangeKind.MEDIA: _("picture changed"),
        ChangeKind.RENAMED: _("renamed"), ChangeKind.RESTRICTED: _("behind a login"),
        ChangeKind.REOPENED: _("open again"),
        ChangeKind.GONE_ONCE: _("not there (to be confirmed)"),
        ChangeKind.REMOVED: _("removed (confirmed)"),
        ChangeKind.FLAPPED: _("back (it was not there once)"),
        ChangeKind.BACK: _("back after removal"),
    }
    if change.kind is ChangeKind.RENAMED and change.param("what") == DISPLAY_NAME:
        return _("renamed (display name)")
    return words[change.kind]


def detail(change: Change) -> str:
    """A few words and the figures that go with them (a history row)."""
    text = short(change)
    if change.kind is ChangeKind.EDITED:
        return _("{what} ({removed} words gone, {added} new)").format(
            what=text, removed=change.param("removed"), added=change.param("added"))
    if change.kind is ChangeKind.RENAMED:
        return f"{text} ({change.param('old')} → {change.param('new')})"
    return text


def state(watch: Watch) -> str:
    """Where a watch stands, in a few words."""
    if watch.paused:
        return _("paused")
    if watch.removed:
        return _("removed (confirmed)")
    if watch.gone_since:
        return _("not there (to be confirmed)")
    if watch.restricted:
        return _("behind a login")
    if watch.failures:
        return ngettext("the capture failed {n} time; tried again later",
                        "the capture failed {n} times in a row; tried again later",
                        watch.failures).format(n=watch.failures)
    if watch.server:
        return _("watching (on the server)")
    return _("watching")


def every_names() -> dict[str, str]:
    return {"1h": _("every hour"), "6h": _("every 6 hours"), "12h": _("every 12 hours"),
            "1d": _("every day"), "1w": _("every week")}
