"""Pages that play videos, for the capture tests: a WebM and an MP4 in <video>, and an
HLS stream (a master playlist with two renditions of MPEG-TS segments) fetched by a
script as a player such as hls.js does. The media are synthetic test patterns made with
ffmpeg (``tests/data/video/README.md``)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "video"
HLS_MASTER = b"""#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=150000,RESOLUTION=64x48
low.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=128x96
high.m3u8
"""
DASH_MPD = b"""<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT2S"
     profiles="urn:mpeg:dash:profile:isoff-live:2011"><Period>
 <AdaptationSet contentType="video" mimeType="video/mp2t">
  <SegmentTemplate media="../hls/$RepresentationID$_$Number$.ts" startNumber="0"
      duration="1" timescale="2"/>
  <Representation id="low" bandwidth="150000" width="64" height="48"/>
  <Representation id="high" bandwidth="400000" width="128" height="96"/>
 </AdaptationSet></Period></MPD>"""
PAGES = {
    "/video-direct": b"""<!doctype html><html><head><title>Videos</title></head><body>
<p>A post with two videos.</p><video src="/media/synthetic.webm" controls></video>
<video controls><source src="/media/synthetic.mp4" type="video/mp4"></video>
</body></html>""",
    "/video-hls": b"""<!doctype html><html><head><title>Stream</title></head><body>
<p>A post with a stream.</p><video id="v" controls></video>
<script>(async () => {  // what a player such as hls.js does
  const master = await (await fetch('/media/hls/master.m3u8')).text();
  const low = await (await fetch('/media/hls/low.m3u8')).text();
  await fetch('/media/hls/low_0.ts');
})();</script></body></html>""",
    "/video-dash": b"""<!doctype html><html><head><title>Dash</title></head><body>
<p>A post with a DASH stream.</p><video controls></video>
<script>fetch('/media/dash/manifest.mpd');</script></body></html>""",
}
TYPES = {".webm": "video/webm", ".mp4": "video/mp4", ".ts": "video/mp2t",
         ".m3u8": "application/vnd.apple.mpegurl"}


def video_route(path: str) -> tuple[int, str, bytes, dict[str, str]] | None:
    if path in PAGES:
        return 200, "text/html; charset=utf-8", PAGES[path], {}
    if path == "/media/hls/master.m3u8":
        return 200, TYPES[".m3u8"], HLS_MASTER, {}
    if path == "/media/dash/manifest.mpd":
        return 200, "application/dash+xml", DASH_MPD, {}
    if not path.startswith("/media/"):
        return None
    name = path.removeprefix("/media/")
    file = DATA / name
    if ".." in name or not file.is_file():
        return 404, "text/plain", b"no such file", {}
    return 200, TYPES.get(file.suffix, "application/octet-stream"), file.read_bytes(), {}


def segments(rendition: str) -> list[bytes]:
    return [(DATA / "hls" / f"{rendition}_{n}.ts").read_bytes() for n in range(4)]
