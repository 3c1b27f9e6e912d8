"""Videos on the page are saved whole as attachments of the capture: direct files and
the highest rendition of an HLS stream, within a byte limit, with a finding when a video
is skipped or cut (#25 item 7)."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.show import record_of as shown_record
from spoorvast.capture.show import rows
from spoorvast.model.records import ArtifactRole, Case
from spoorvast.storage.vault import Vault
from tests.capture.conftest import LOCAL
from tests.capture.helpers import blob, capture, record_of, stored
from tests.capture.site import Site
from tests.capture.video_site import DASH_MPD, DATA, HLS_MASTER, segments

QUICK = replace(LOCAL, pdf=False, watch_after_seconds=0.2)


def codes(result: object) -> list[str]:
    return [p.code for p in getattr(result, "problems", ())]


def test_direct_videos_are_saved_whole(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/video-direct"), QUICK)
    _item, files = stored(vault, case, result.label)
    videos = {a.name: a for a in files.values() if a.role is ArtifactRole.ATTACHMENT}
    assert sorted(videos) == ["video-1.webm", "video-2.mp4"] or \
        sorted(videos) == ["video-1.mp4", "video-2.webm"]
    saved = {a.media_type: blob(vault, a) for a in videos.values()}
    assert saved["video/webm"] == (DATA / "synthetic.webm").read_bytes()
    assert saved["video/mp4"] == (DATA / "synthetic.mp4").read_bytes()
    entries = record_of(vault, files)["videos"]["saved"]  # type: ignore[index]
    assert {e["state"] for e in entries} == {"whole"}
    for entry in entries:
        assert entry["sha256"] == videos[entry["files"][0]].sha256
    assert not [c for c in codes(result) if c.startswith("capture.video")]


def test_an_hls_stream_is_saved_in_its_highest_rendition(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/video-hls"), QUICK)
    item, files = stored(vault, case, result.label)
    shown = dict(rows(shown_record(vault, item) or {}))
    assert shown["Video"].endswith("saved whole; files video-1.m3u8, "
                                   "video-1-rendition.m3u8, video-1.ts")
    assert blob(vault, files["video-1.m3u8"]) == HLS_MASTER
    assert blob(vault, files["video-1-rendition.m3u8"]) == \
        (DATA / "hls" / "high.m3u8").read_bytes()
    assert blob(vault, files["video-1.ts"]) == b"".join(segments("high"))
    assert files["video-1.ts"].media_type == "video/mp2t"
    entry = record_of(vault, files)["videos"]["saved"][0]  # type: ignore[index]
    assert entry["state"] == "whole" and entry["rendition"]["bandwidth"] == 400000
    offsets = [(p["offset"], p["size"]) for p in entry["parts"]]
    joined = blob(vault, files["video-1.ts"])
    for (offset, size), part in zip(offsets, entry["parts"], strict=True):
        assert hashlib.sha256(joined[offset:offset + size]).hexdigest() == part["sha256"]
    assert "joined byte for byte" in entry["how"]
    # the renditions' own playlists were not taken as other videos
    assert [e["url"] for e in record_of(vault, files)["videos"]["saved"]] == [  # type: ignore[index]
        site.url("/media/hls/master.m3u8")]


def test_a_video_over_the_limit_is_skipped_and_a_stream_cut_with_a_finding(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    small = replace(QUICK, max_video_bytes=3000)  # the WebM is 3,868 bytes
    result = capture(vault, case, session, site.url("/video-direct"), small)
    assert "capture.video-too-large" in codes(result)
    _item, files = stored(vault, case, result.label)
    assert not any(name.endswith(".webm") for name in files)
    cut = replace(QUICK, max_video_bytes=8000)  # the master, playlist, 1 segment
    result = capture(vault, case, session, site.url("/video-hls"), cut)
    found = next(p for p in result.problems if p.code == "capture.video-cut")
    assert dict(found.params)["total"] == "4" and dict(found.params)["saved"] in "123"
    _item, files = stored(vault, case, result.label)
    saved = int(dict(found.params)["saved"])
    assert blob(vault, files["video-1.ts"]) == b"".join(segments("high")[:saved])


def test_a_video_at_an_address_the_guard_bars_is_not_fetched(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    """Only the page's own origin is allowed: the video on the other local origin is
    refused by the videos' guard proxy too (never fetched around it)."""
    guarded = replace(QUICK, allow_private_network=False, test_only_origins=(site.base,))
    result = capture(vault, case, session, site.url("/video-elsewhere"), guarded)
    failed = [p for p in result.problems if p.code == "capture.video-failed"]
    assert len(failed) == 1 and dict(failed[0].params)["url"].startswith(site.other_base)
    _item, files = stored(vault, case, result.label)
    assert not [a for a in files.values() if a.role is ArtifactRole.ATTACHMENT]


def test_a_dash_stream_is_saved_in_its_highest_representation(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/video-dash"), QUICK)
    _item, files = stored(vault, case, result.label)
    assert blob(vault, files["video-1.mpd"]) == DASH_MPD
    assert blob(vault, files["video-1.ts"]) == b"".join(segments("high"))
    entry = record_of(vault, files)["videos"]["saved"][0]  # type: ignore[index]
    assert entry["kind"] == "dash" and entry["state"] == "whole"
    assert entry["rendition"]["resolution"] == "128x96"
