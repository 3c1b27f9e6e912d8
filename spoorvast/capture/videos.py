"""Videos on the page, saved whole as attachments of the capture.

Found two ways while the visit runs: the answers the browser received (a video file, an
HLS playlist, a DASH MPD, by media type or by the end of the address) and the page's
``<video>`` elements (their ``src`` and ``<source>`` addresses, read in the probe's
isolated world). A video file the network alone showed is taken only when the page
played no manifest (a manifest's own segments can be served as ``video/mp4``).

Each is then fetched again by spoorvast, after the page's own files, with the page's
cookies, through a guard proxy of its own with the visit's policy (so never to an address
the capture may not reach) and a byte budget: what is left of
``CaptureOptions.max_video_bytes``. A direct file is kept as it came. For HLS and DASH the
highest rendition is chosen; its manifest(s) are kept as they came and its files (the
initialisation section, then every segment in play order) are joined byte for byte into
one file; the record lists each part's address, offset, size and SHA-256, so each can be
checked against the joined file. A video over the budget or the time limit is skipped or
cut, and a finding says so. These are spoorvast's own fetches, not the bytes the
browser played (the record says so too).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import APIRequestContext, CDPSession, Playwright
from playwright.sync_api import Error as PlaywrightError

from spoorvast.capture.draft import Draft
from spoorvast.capture.guard import Policy, Resolver
from spoorvast.capture.proxy import GuardProxy, Resolution
from spoorvast.capture.streams import (
    DASH_TYPES,
    HLS_TYPES,
    Rendition,
    Unsupported,
    dash_rendition,
    hls_media,
    hls_variants,
)
from spoorvast.model.records import ArtifactRole, Problem, Severity

DIRECT_TYPES = {"video/mp4": ".mp4", "video/webm": ".webm", "video/quicktime": ".mov",
                "video/ogg": ".ogv", "video/x-matroska": ".mkv"}
SUFFIX_KIND = {".m3u8": "hls", ".mpd": "dash", ".mp4": "direct", ".webm": "direct",
               ".mov": "direct", ".ogv": "direct", ".mkv": "direct", ".m4v": "direct"}
MAX_VIDEOS = 20  # per capture, at most
MARGIN = 64 << 10  # headers and the like, over the byte budget of one fetch
HOW_JOINED = ("the rendition's initialisation section (if any) followed by every segment "
              "in playlist order, joined byte for byte; each part is listed with its "
              "offset, size and SHA-256")
VIDEOS_JS = r"""({agent: navigator.userAgent,
  urls: [...document.querySelectorAll('video')].flatMap((v) =>
    [v.currentSrc, v.getAttribute('src') && v.src,
     ...[...v.querySelectorAll('source')].map((s) => s.src)])
    .filter((u) => u && /^https?:/.test(u))})"""


def kind_of(url: str, media_type: str = "") -> str | None:
    media = media_type.split(";")[0].strip().lower()
    if media in HLS_TYPES:
        return "hls"
    if media in DASH_TYPES:
        return "dash"
    if media in DIRECT_TYPES:
        return "direct"
    return SUFFIX_KIND.get(PurePosixPath(urlsplit(url).path).suffix.lower())


@dataclass
class MediaLog:
    """The videos a visit met: address → kind (network and DOM), sizes the browser saw."""

    network: dict[str, str] = field(default_factory=dict)
    dom: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    cookies: Any = None  # the context's storage state (for the fetches; never stored)
    user_agent: str | None = None
    referer: str | None = None

    def watch(self, cdp: CDPSession) -> None:
        cdp.on("Network.responseReceived", self._received)

    def _received(self, event: dict[str, Any]) -> None:
        response = event.get("response") or {}
        url = str(response.get("url") or "")
        kind = kind_of(url, str(response.get("mimeType") or ""))
        if kind and url.startswith(("http://", "https://")) and len(self.network) < 200:
            self.network.setdefault(url, kind)
            size = _total_size(response.get("headers") or {})
            if size is not None:
                self.sizes[url] = size

    def read_dom(self, cdp: CDPSession, world: int) -> None:
        answer = cdp.send("Runtime.evaluate", {"expression": VIDEOS_JS, "contextId": world,
                                               "returnByValue": True, "timeout": 3000})
        value = answer.get("result", {}).get("value") or {}
        for url in value.get("urls") or []:
            self.dom.setdefault(str(url), kind_of(str(url)) or "direct")
        self.user_agent = str(value.get("agent") or "") or None

    def candidates(self) -> list[tuple[str, str]]:
        """Manifests first, then video files (those of the network only when no
        manifest was played)."""
        every = {**self.network, **self.dom}
        manifests = [(u, k) for u, k in every.items() if k in ("hls", "dash")]
        direct = [(u, k) for u, k in every.items() if k == "direct"
                  and (u in self.dom or not manifests)]
        return (manifests + direct)[:MAX_VIDEOS]


def _total_size(headers: dict[str, Any]) -> int | None:
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    total = lower.get("content-range", "").rpartition("/")[2]
    if total.isdigit():
        return int(total)
    length = lower.get("content-length", "")
    return int(length) if length.isdigit() and "content-range" not in lower else None


@dataclass
class Saved:
    """What became of the videos: the files to seal, the record's entries, findings."""

    drafts: list[Draft] = field(default_factory=list)
    entries: list[dict[str, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resolved: list[Resolution] = field(default_factory=list)


@dataclass
class _Run:
    playwright: Playwright
    media: MediaLog
    policy: Policy
    resolve: Resolver
    left: int  # bytes
    until: float  # time.monotonic()
    saved: Saved = field(default_factory=Saved)
    covered: set[str] = field(default_factory=set)

    def client(self, proxy: GuardProxy) -> APIRequestContext:
        headers = {"Referer": self.media.referer} if self.media.referer else {}
        return self.playwright.request.new_context(
            proxy={"server": proxy.server}, storage_state=self.media.cookies,
            user_agent=self.media.user_agent, extra_http_headers=headers)

    def get(self, url: str) -> tuple[bytes, str]:
        """One whole answer (body, media type) within the budget; OSError when not."""
        if time.monotonic() >= self.until:
            raise TimeoutError("time limit for videos")
        with GuardProxy(self.policy, self.resolve, self.left + MARGIN) as proxy:
            client = self.client(proxy)
            try:
                answer = client.get(url, timeout=1000 * (self.until - time.monotonic()),
                                    fail_on_status_code=False)
                body, status = answer.body(), answer.status
                media = answer.headers.get("content-type", "")
            except PlaywrightError as exc:
                over = proxy.log.over_budget
                raise (_OverBudget() if over else OSError(_short(exc))) from exc
            finally:
                client.dispose()
                self.saved.resolved.extend(proxy.log.resolved)
        if status >= 400:
            raise OSError(f"HTTP {status}")
        if len(body) > self.left:
            raise _OverBudget()
        self.left -= len(body)
        return body, media


class _OverBudget(OSError):
    """The video would pass the bytes left for videos."""


def _short(exc: PlaywrightError) -> str:
    lines = str(exc.message or "").strip().splitlines()
    return (lines[0] if lines else "failed")[:120]


def save_videos(playwright: Playwright, media: MediaLog, policy: Policy,
                resolve: Resolver, limits: tuple[int, float]) -> Saved:
    """Fetch every video found (``limits``: bytes, seconds for all of them)."""
    run = _Run(playwright, media, policy, resolve, limits[0],
               time.monotonic() + limits[1])
    for number, (url, kind) in enumerate(media.candidates(), 1):
        if url in run.covered:
            continue
        _one(run, number, url, kind)
    return run.saved


def _one(run: _Run, number: int, url: str, kind: str) -> None:
    known = run.media.sizes.get(url)
    if kind == "direct" and known is not None and known > run.left:
        _problem(run, "capture.video-too-large", url, limit=str(run.left >> 20))
        _entry(run, url, kind, "skipped", reason=f"{known} bytes, over the limit")
        return
    try:
        if kind == "direct":
            _direct(run, number, url)
        else:
            _stream(run, number, url, kind)
    except _OverBudget:
        _problem(run, "capture.video-too-large", url, limit=str(run.left >> 20))
        _entry(run, url, kind, "skipped", reason="over the limit")
    except (OSError, Unsupported) as exc:
        _problem(run, "capture.video-failed", url, error=str(exc)[:160])
        _entry(run, url, kind, "failed", reason=str(exc)[:160])


def _direct(run: _Run, number: int, url: str) -> None:
    body, media = run.get(url)
    if kind_of(url, media) in ("hls", "dash"):  # a <video src> that is a manifest
        _stream(run, number, url, kind_of(url, media) or "hls", (body, media))
        return
    name = f"video-{number}{_suffix(url, media)}"
    run.saved.drafts.append(Draft(ArtifactRole.ATTACHMENT, name,
                                  media.split(";")[0] or "application/octet-stream", body))
    _entry(run, url, "direct", "whole", files=[name], size=len(body),
           sha256=hashlib.sha256(body).hexdigest())


def _suffix(url: str, media: str) -> str:
    found = DIRECT_TYPES.get(media.split(";")[0].strip().lower())
    return found or PurePosixPath(urlsplit(url).path).suffix.lower()[:6] or ".bin"


def _stream(run: _Run, number: int, url: str, kind: str,
            first: tuple[bytes, str] | None = None) -> None:
    body, _media = first or run.get(url)
    files = [_keep(run, f"video-{number}.{'m3u8' if kind == 'hls' else 'mpd'}", body,
                   "application/vnd.apple.mpegurl" if kind == "hls"
                   else "application/dash+xml")]
    rendition = _rendition(run, number, url, kind, body, files)
    _join(run, number, url, kind, rendition, files)


def _rendition(run: _Run, number: int, url: str, kind: str, body: bytes,
               files: list[str]) -> Rendition:
    if kind == "dash":
        return dash_rendition(body, url)
    text = body.decode("utf-8", "replace")
    variants = hls_variants(text, url)
    run.covered.update(v[2] for v in variants)
    if not variants:
        return hls_media(text, url)
    bandwidth, resolution, chosen = variants[0]
    playlist, _media = run.get(chosen)
    files.append(_keep(run, f"video-{number}-rendition.m3u8", playlist,
                       "application/vnd.apple.mpegurl"))
    found = hls_media(playlist.decode("utf-8", "replace"), chosen)
    return Rendition(found.init, found.segments, bandwidth, resolution, found.encrypted,
                     found.live, chosen)


def _keep(run: _Run, name: str, data: bytes, media: str) -> str:
    run.saved.drafts.append(Draft(ArtifactRole.ATTACHMENT, name, media, data))
    return name


def _join(run: _Run, number: int, url: str, kind: str, rendition: Rendition,
          files: list[str]) -> None:
    joined, parts, stopped = bytearray(), [], None
    for part in rendition.files:
        try:
            body, _media = run.get(part)
        except (OSError, Unsupported) as exc:
            stopped = "over the limit" if isinstance(exc, _OverBudget) else str(exc)[:120]
            break
        parts.append({"url": part, "offset": len(joined), "size": len(body),
                      "sha256": hashlib.sha256(body).hexdigest()})
        joined += body
    name = f"video-{number}{_joined_suffix(rendition)}"
    if joined:
        files.append(_keep(run, name, bytes(joined), _joined_type(rendition)))
    whole = stopped is None
    if not whole:
        _problem(run, "capture.video-cut", url, saved=str(len(parts)),
                 total=str(len(rendition.files)), reason=stopped or "")
    if rendition.encrypted:
        _problem(run, "capture.video-encrypted", url)
    _entry(run, url, kind, "whole" if whole else "cut", files=files, parts=parts,
           how=HOW_JOINED, size=len(joined), sha256=hashlib.sha256(joined).hexdigest(),
           rendition={"bandwidth": rendition.bandwidth, "resolution": rendition.resolution,
                      "playlist": rendition.media_playlist, "live": rendition.live,
                      "encrypted": rendition.encrypted, "parts": len(rendition.files)},
           reason=stopped)


def _joined_suffix(rendition: Rendition) -> str:
    first = PurePosixPath(urlsplit(rendition.files[0]).path).suffix.lower() \
        if rendition.files else ""
    return ".mp4" if rendition.init or first in (".mp4", ".m4s", ".m4v") else ".ts"


def _joined_type(rendition: Rendition) -> str:
    return "video/mp4" if _joined_suffix(rendition) == ".mp4" else "video/mp2t"


def _entry(run: _Run, url: str, kind: str, state: str, **facts: object) -> None:
    run.saved.entries.append({"url": url, "kind": kind, "state": state,
                              **{k: v for k, v in facts.items() if v is not None}})


def _problem(run: _Run, code: str, url: str, **params: str) -> None:
    run.saved.problems.append(Problem(Severity.WARNING, code,
                                      (("url", url), *params.items())))
