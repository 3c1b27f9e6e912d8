"""Facts from recordings: pymediainfo (MIT; bundles libmediainfo, BSD-2). Internal.

The file is handed to MediaInfo as an open file, never as a name, so that nothing in a
path can make it reach for the network. Whether a recording is audio or video is
decided by its tracks, not its container (an ``.mp4`` with only sound is AUDIO).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from pymediainfo import MediaInfo, Track

from spoorvast.analysis._media_base import (
    RECORDING_TIME_ASSUMED_ZONE,
    RECORDING_TIME_INVALID,
    RECORDING_UNREADABLE,
    Reading,
    failure,
    quiet,
)
from spoorvast.analysis._media_time import mediainfo_stamp, resolve
from spoorvast.model.instant import Instant
from spoorvast.model.records import ItemKind, Location, MediaFacts, Problem, Severity

# In order of preference: when it was recorded, then when the file was written.
_DATE_FIELDS = ("recorded_date", "encoded_date", "tagged_date")
_CODEC_MAX_CHARS = 40


def read_recording(path: Path, zone_name: str) -> Reading:
    try:
        with quiet("pymediainfo"), path.open("rb") as handle:
            info = MediaInfo.parse(handle)
    except Exception as exc:  # untrusted bytes: any parser error is a finding
        return Reading(None, (failure(RECORDING_UNREADABLE, exc),))
    if not isinstance(info, MediaInfo):  # only with output=..., which we never pass
        return Reading(None, (failure(RECORDING_UNREADABLE, TypeError()),))
    return _from_info(info, zone_name)


def _from_info(info: MediaInfo, zone_name: str) -> Reading:
    video, audio = list(info.video_tracks), list(info.audio_tracks)
    if not video and not audio:
        no_tracks = Problem(Severity.WARNING, RECORDING_UNREADABLE, (("reason", "no-tracks"),))
        return Reading(None, (no_tracks,))
    general = info.general_tracks[0] if info.general_tracks else None
    problems: list[Problem] = []
    facts = MediaFacts(
        width=_number(video[0].width) if video else None,
        height=_number(video[0].height) if video else None,
        duration_seconds=_duration([general, *video, *audio]),
        codecs=_codecs([*video, *audio]),
        recorded_at=_recorded_at(general, zone_name, problems) if general else None,
    )
    kind = ItemKind.VIDEO if video else ItemKind.AUDIO
    return Reading(facts, tuple(problems), kind)


def _number(value: object) -> int | None:
    number = _float(value)
    return None if number is None else int(number)


def _float(value: object) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _duration(tracks: Sequence[Track | None]) -> float | None:
    """Seconds, from the container if it says, else from the first track that does."""
    for track in tracks:
        millis = _float(track.duration) if track is not None else None
        if millis is not None:
            return round(millis / 1000, 3)
    return None


def _codecs(tracks: Sequence[Track]) -> tuple[str, ...]:
    names = (str(track.format)[:_CODEC_MAX_CHARS] for track in tracks if track.format)
    return tuple(dict.fromkeys(name for name in names if name.isprintable()))


def _recorded_at(general: Track, zone_name: str, problems: list[Problem]) -> Instant | None:
    """The first real date among the fields, with a problem for each unusable one."""
    for field in _DATE_FIELDS:
        try:
            found = _date(getattr(general, field), zone_name)
        except ValueError:
            problems.append(_problem(RECORDING_TIME_INVALID, field))
            continue
        if found is not None:
            moment, assumed = found
            if assumed:
                problems.append(_problem(RECORDING_TIME_ASSUMED_ZONE, field, zone_name))
            return moment
    return None


def _date(value: object, zone_name: str) -> tuple[Instant, bool] | None:
    stamp = None if value is None else mediainfo_stamp(str(value))
    return None if stamp is None else resolve(stamp, zone_name)


def _problem(code: str, field: str, zone_name: str | None = None) -> Problem:
    if zone_name is None:
        return Problem(Severity.WARNING, code, location=Location(field=field))
    return Problem(Severity.INFO, code, (("zone", zone_name),), Location(field=field))
