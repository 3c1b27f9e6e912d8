"""Streaming manifests a page plays: HLS playlists (RFC 8216) and DASH MPDs (ISO/IEC
23009-1), read far enough to list the files of one rendition, the highest.

Only what is needed to fetch a whole recorded video is read: an HLS master playlist's
variants (``#EXT-X-STREAM-INF`` with ``BANDWIDTH``), a media playlist's segments, its
initialisation section (``#EXT-X-MAP``) and whether it is encrypted (``#EXT-X-KEY``); a
DASH video Representation's ``BaseURL``, ``SegmentList`` or ``SegmentTemplate`` (with
``SegmentTimeline`` or a fixed ``duration``). A live stream (no ``#EXT-X-ENDLIST``, or
``type="dynamic"``) is read as it stands. Anything else raises :class:`Unsupported`,
which becomes a finding. XML is parsed with ``defusedxml`` (no entities, no network).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

MAX_SEGMENTS = 20_000  # one rendition's files, at most (about 11 hours of 2 s segments)
HLS_TYPES = ("application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl",
             "audio/x-mpegurl")
DASH_TYPES = ("application/dash+xml",)


class Unsupported(ValueError):
    """The manifest cannot be read into a list of files (the reason is the message)."""


@dataclass(frozen=True, slots=True)
class Rendition:
    """The files of one rendition, in play order (``init`` first when there is one)."""

    init: str | None
    segments: tuple[str, ...]
    bandwidth: int | None = None
    resolution: str | None = None
    encrypted: bool = False
    live: bool = False
    media_playlist: str | None = None  # HLS: the variant's own playlist URL

    @property
    def files(self) -> tuple[str, ...]:
        return ((self.init,) if self.init else ()) + self.segments


# -- HLS ------------------------------------------------------------------------------

_ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


def _attributes(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in _ATTR.findall(line.split(":", 1)[-1])}


def hls_variants(text: str, base: str) -> list[tuple[int, str | None, str]]:
    """A master playlist's variants as (bandwidth, resolution, URL), best first; empty
    for a media playlist."""
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for number, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF"):
            uri = next((u for u in lines[number + 1:] if u and not u.startswith("#")), None)
            attrs = _attributes(line)
            if uri is not None:
                found.append((_int(attrs.get("BANDWIDTH")), attrs.get("RESOLUTION"),
                              urljoin(base, uri)))
    return sorted(found, key=lambda v: v[0], reverse=True)


def hls_media(text: str, base: str) -> Rendition:
    if not text.lstrip().startswith("#EXTM3U"):
        raise Unsupported("not an HLS playlist (no #EXTM3U)")
    init, segments, encrypted = None, [], False
    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("#EXT-X-MAP"):
            init = urljoin(base, _attributes(line).get("URI", ""))
        elif line.startswith("#EXT-X-KEY"):
            encrypted = encrypted or _attributes(line).get("METHOD", "NONE") != "NONE"
        elif line and not line.startswith("#"):
            segments.append(urljoin(base, line))
    if not segments:
        raise Unsupported("the playlist lists no segments")
    return Rendition(init, tuple(segments[:MAX_SEGMENTS]), encrypted=encrypted,
                     live="#EXT-X-ENDLIST" not in text)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


# -- DASH -----------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: Element, name: str) -> list[Element]:
    return [c for c in element if _local(c.tag) == name]


def _base(element: Element, base: str) -> str:
    found = _child(element, "BaseURL")
    return urljoin(base, (found.text or "").strip()) if found is not None else base


def dash_rendition(text: bytes, base: str) -> Rendition:
    try:
        root = ElementTree.fromstring(text)
    except Exception as exc:  # defusedxml raises several kinds for hostile XML
        raise Unsupported(f"the MPD is not readable XML ({type(exc).__name__})") from exc
    if _local(root.tag) != "MPD":
        raise Unsupported("not a DASH MPD")
    period = next(iter(_children(root, "Period")), None)
    if period is None:
        raise Unsupported("the MPD has no Period")
    base = _base(period, _base(root, base))
    best = _best_video(period)
    if best is None:
        raise Unsupported("the MPD has no video Representation")
    adaptation, representation = best
    where = _base(representation, _base(adaptation, base))
    duration = _seconds(period.get("duration") or root.get("mediaPresentationDuration"))
    init, segments = _segments(adaptation, representation, where, duration)
    return Rendition(init, tuple(segments[:MAX_SEGMENTS]),
                     _int(representation.get("bandwidth")),
                     _resolution(representation, adaptation),
                     encrypted=any(_local(c.tag) == "ContentProtection"
                                   for c in (*adaptation, *representation)),
                     live=root.get("type") == "dynamic")


def _is_video(adaptation: Element, representation: Element) -> bool:
    kinds = (adaptation.get("contentType"), adaptation.get("mimeType"),
             representation.get("mimeType"))
    return any((k or "").startswith("video") for k in kinds)


def _best_video(period: Element) -> tuple[Element, Element] | None:
    found = [(a, r) for a in _children(period, "AdaptationSet")
             for r in _children(a, "Representation") if _is_video(a, r)]
    return max(found, key=lambda p: _int(p[1].get("bandwidth")), default=None)


def _resolution(representation: Element, adaptation: Element) -> str | None:
    width = representation.get("width") or adaptation.get("width")
    height = representation.get("height") or adaptation.get("height")
    return f"{width}x{height}" if width and height else None


def _segments(adaptation: Element, representation: Element, base: str,
              duration: float | None) -> tuple[str | None, list[str]]:
    listed = _child(representation, "SegmentList") or _child(adaptation, "SegmentList")
    if listed is not None:
        init = _child(listed, "Initialization")
        return (urljoin(base, init.get("sourceURL", "")) if init is not None else None,
                [urljoin(base, s.get("media", "")) for s in _children(listed, "SegmentURL")])
    template = _child(representation, "SegmentTemplate") \
        or _child(adaptation, "SegmentTemplate")
    if template is None:
        return None, [base]  # one file (the Representation's BaseURL)
    fill = _filler(representation)
    first = template.get("initialization")
    numbers = _numbers(template, duration)
    media = template.get("media") or ""
    return (urljoin(base, fill(first, 0, 0)) if first else None,
            [urljoin(base, fill(media, n, t)) for n, t in numbers])


def _numbers(template: Element, duration: float | None) -> list[tuple[int, int]]:
    """(number, start time) of every segment."""
    start = _int(template.get("startNumber") or "1")
    timeline = _child(template, "SegmentTimeline")
    if timeline is not None:
        found: list[tuple[int, int]] = []
        time = 0
        for entry in _children(timeline, "S"):
            time = _int(entry.get("t")) if entry.get("t") else time
            for _repeat in range(_int(entry.get("r")) + 1):
                found.append((start + len(found), time))
                time += _int(entry.get("d"))
                if len(found) >= MAX_SEGMENTS:
                    return found
        return found
    each, scale = _int(template.get("duration")), _int(template.get("timescale") or "1")
    if not each or duration is None:
        raise Unsupported("a SegmentTemplate without a timeline or a known duration")
    count = min(MAX_SEGMENTS, math.ceil(duration * max(scale, 1) / each))
    return [(start + n, n * each) for n in range(count)]


_FIELD = re.compile(r"\$(RepresentationID|Number|Time|Bandwidth)(%0(\d+)d)?\$")


def _filler(representation: Element) -> Callable[[str, int, int], str]:
    def fill(pattern: str, number: int, time: int) -> str:
        values: dict[str, object] = {"RepresentationID": representation.get("id") or "",
                  "Number": number, "Time": time,
                  "Bandwidth": representation.get("bandwidth") or ""}

        def one(match: re.Match[str]) -> str:
            value = values[match.group(1)]
            width = match.group(3)
            return f"{int(str(value)):0{int(width)}d}" if width else str(value)

        return _FIELD.sub(one, pattern).replace("$$", "$")

    return fill


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$")


def _seconds(text: str | None) -> float | None:
    """An xs:duration such as ``PT1M4.5S`` in seconds (None when absent or unread)."""
    found = _DURATION.match((text or "").strip())
    if not found or not any(found.groups()):
        return None
    days, hours, minutes, seconds = found.groups()
    return (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
            + float(seconds or 0))
