"""Reading HLS playlists and DASH MPDs into the files of their highest rendition."""

from __future__ import annotations

import pytest

from spoorvast.capture.streams import Unsupported, dash_rendition, hls_media, hls_variants
from spoorvast.capture.videos import kind_of

BASE = "https://video.example.test/v/1/"


def test_hls_master_and_media_playlists() -> None:
    master = ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,"
              'CODECS="avc1.4d401e,mp4a.40.2"\nmid/index.m3u8\n'
              "#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720\nhd/index.m3u8\n")
    assert hls_variants(master, BASE)[0] == (2500000, "1280x720", BASE + "hd/index.m3u8")
    media = ('#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXT-X-KEY:METHOD=NONE\n'
             "#EXTINF:2.0,\nseg1.m4s\n#EXTINF:2.0,\n/abs/seg2.m4s\n#EXT-X-ENDLIST\n")
    found = hls_media(media, BASE + "hd/index.m3u8")
    assert found.files == (BASE + "hd/init.mp4", BASE + "hd/seg1.m4s",
                           "https://video.example.test/abs/seg2.m4s")
    assert not found.encrypted and not found.live
    locked = hls_media("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\na.ts\n", BASE)
    assert locked.encrypted and locked.live
    with pytest.raises(Unsupported):
        hls_media("not a playlist", BASE)


MPD_TEMPLATE = b"""<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static"
     mediaPresentationDuration="PT5S"><Period>
 <AdaptationSet contentType="audio"><Representation id="a" bandwidth="999999999">
  <BaseURL>audio.mp4</BaseURL></Representation></AdaptationSet>
 <AdaptationSet contentType="video">
  <SegmentTemplate initialization="$RepresentationID$/init.mp4"
      media="$RepresentationID$/seg-$Number%05d$.m4s" startNumber="1" duration="2"
      timescale="1"/>
  <Representation id="v480" bandwidth="1000000" width="854" height="480"/>
  <Representation id="v720" bandwidth="3000000" width="1280" height="720"/>
 </AdaptationSet></Period></MPD>"""

MPD_TIMELINE = b"""<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><Period>
 <AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="5">
  <SegmentTemplate initialization="init-$Bandwidth$.mp4" media="t-$Time$.m4s"
      timescale="1000"><SegmentTimeline><S t="0" d="2000" r="2"/><S d="1000"/>
  </SegmentTimeline></SegmentTemplate></Representation></AdaptationSet></Period></MPD>"""

MPD_LIST = b"""<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><BaseURL>media/</BaseURL><Period>
 <AdaptationSet mimeType="video/webm"><Representation id="v" bandwidth="5">
  <SegmentList><Initialization sourceURL="i.webm"/><SegmentURL media="1.webm"/>
  <SegmentURL media="2.webm"/></SegmentList></Representation></AdaptationSet>
 </Period></MPD>"""


def test_dash_renditions() -> None:
    found = dash_rendition(MPD_TEMPLATE, BASE + "manifest.mpd")
    assert (found.bandwidth, found.resolution) == (3000000, "1280x720")
    assert found.files == (BASE + "v720/init.mp4", BASE + "v720/seg-00001.m4s",
                           BASE + "v720/seg-00002.m4s", BASE + "v720/seg-00003.m4s")
    timeline = dash_rendition(MPD_TIMELINE, BASE + "m.mpd")
    assert timeline.files == (BASE + "init-5.mp4", BASE + "t-0.m4s", BASE + "t-2000.m4s",
                              BASE + "t-4000.m4s", BASE + "t-6000.m4s")
    listed = dash_rendition(MPD_LIST, BASE + "m.mpd")
    assert listed.files == (BASE + "media/i.webm", BASE + "media/1.webm",
                            BASE + "media/2.webm")


def test_bad_manifests_are_named_not_raised_as_tracebacks() -> None:
    for bad in (b"<MPD", b"<html/>", b"<MPD><Period/></MPD>",
                b'<!DOCTYPE x [<!ENTITY a "b">]><MPD>&a;</MPD>'):
        with pytest.raises(Unsupported):
            dash_rendition(bad, BASE)


def test_kinds_of_media() -> None:
    assert kind_of("https://x.test/a/master.m3u8?token=1") == "hls"
    assert kind_of("https://x.test/a", "application/dash+xml") == "dash"
    assert kind_of("https://x.test/a", "video/webm; codecs=vp8") == "direct"
    assert kind_of("https://x.test/a.ts", "video/mp2t") is None
