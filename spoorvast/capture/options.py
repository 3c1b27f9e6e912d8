"""The options of one capture run (recorded in every provenance record)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# How far down a page is scrolled and photographed (px), in tiles of 16,000 px
# (shots.TILE_HEIGHT): a harmful comment 40,000 px down is in the third tile. 120,000 px
# is 8 tiles; an endless feed stops here (a finding says so).
DEFAULT_HEIGHT_CAP = 120_000
DEFAULT_MAX_BYTES = 128 << 20  # what one visit may receive (wire and decoded), at most
# One document, script or style sheet the renderer must parse: a 128 MB HTML page took
# 3.6 GB of memory and over a minute (measured); 16 MB is far above real pages.
DEFAULT_MAX_DOCUMENT_BYTES = 16 << 20
DEFAULT_MAX_VIDEO_BYTES = 500 << 20  # all videos of one capture, at most


@dataclass(frozen=True, slots=True)
class CaptureOptions:
    viewport_width: int = 1280
    viewport_height: int = 800
    height_cap: int = DEFAULT_HEIGHT_CAP
    timeout_seconds: float = 60.0  # the whole visit, artifacts included
    load_timeout_seconds: float = 20.0  # waiting for the page's load event
    settle_seconds: float = 1.5  # waiting for lazy content after scrolling, at most
    min_dwell_seconds: float = 1.0  # after the load event, at least (posts come by script)
    idle_timeout_seconds: float = 8.0  # waiting for the page to be quiet, at most
    watch_after_seconds: float = 1.5  # watching for late changes after the files, at most
    allow_private_network: bool = False
    logged_in: bool = False
    pdf: bool = True
    tsa_url: str | None = None
    tsa_ca: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    videos: bool = True  # save the page's videos (direct files, HLS, DASH)
    max_video_bytes: int = DEFAULT_MAX_VIDEO_BYTES
    video_timeout_seconds: float = 300.0  # fetching all videos, at most
    # Test-only: exact loopback origins ("http://127.0.0.1:8000") a visit that starts at
    # one of them may reach. Never set by the CLI or the web app (see guard.py).
    test_only_origins: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "viewport": [self.viewport_width, self.viewport_height],
            "height_cap": self.height_cap, "timeout_seconds": self.timeout_seconds,
            "load_timeout_seconds": self.load_timeout_seconds,
            "settle_seconds": self.settle_seconds,
            "min_dwell_seconds": self.min_dwell_seconds,
            "idle_timeout_seconds": self.idle_timeout_seconds,
            "watch_after_seconds": self.watch_after_seconds,
            "allow_private_network": self.allow_private_network,
            "logged_in": self.logged_in, "pdf": self.pdf, "tsa_url": self.tsa_url,
            "max_bytes": self.max_bytes, "max_document_bytes": self.max_document_bytes,
            "test_only_origins": list(self.test_only_origins),
            "videos": self.videos, "max_video_bytes": self.max_video_bytes,
            "video_timeout_seconds": self.video_timeout_seconds,
        }
