"""Platform, handle, stable ID and post ID from synthetic URLs and pages."""
# ruff: noqa: E501  (one table row a line reads best)

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.capture.platforms import PlatformFacts, detect, from_url, problems
from spoorvast.findings import registered_codes

# url -> (platform, handle, stable id, post id)
URLS = {
    "https://www.facebook.com/profile.php?id=100012345678": ("facebook", None, "100012345678", None),
    "https://m.facebook.com/synthetic.person": ("facebook", "synthetic.person", None, None),
    "https://www.facebook.com/synthetic.person/posts/pfbid0abc": ("facebook", "synthetic.person", None, "pfbid0abc"),
    "https://www.facebook.com/permalink.php?story_fbid=987&id=100055": ("facebook", None, "100055", "987"),
    "https://www.facebook.com/people/Synthetic-Person/100077/": ("facebook", None, "100077", None),
    "https://www.facebook.com/groups/": ("facebook", None, None, None),
    "https://www.instagram.com/synthetic.person/": ("instagram", "synthetic.person", None, None),
    "https://www.instagram.com/p/Cabc_12-x/": ("instagram", None, None, "Cabc_12-x"),
    "https://www.instagram.com/stories/synthetic.person/3141592653/": ("instagram", "synthetic.person", None, "3141592653"),
    "https://x.com/synth_person": ("x", "synth_person", None, None),
    "https://twitter.com/synth_person/status/1234567890123": ("x", "synth_person", None, "1234567890123"),
    "https://x.com/i/user/44196397": ("x", None, "44196397", None),
    "https://www.tiktok.com/@synth.person": ("tiktok", "synth.person", None, None),
    "https://www.tiktok.com/@synth.person/video/7298123456789": ("tiktok", "synth.person", None, "7298123456789"),
    "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv": ("youtube", None, "UCabcdefghijklmnopqrstuv", None),
    "https://www.youtube.com/@SynthChannel": ("youtube", "SynthChannel", None, None),
    "https://www.youtube.com/watch?v=abcdefghijk&t=3": ("youtube", None, None, "abcdefghijk"),
    "https://youtu.be/abcdefghijk": ("youtube", None, None, "abcdefghijk"),
    "https://www.youtube.com/shorts/abcdefghijk": ("youtube", None, None, "abcdefghijk"),
    "https://www.snapchat.com/add/synthsnap": ("snapchat", "synthsnap", None, None),
    "https://t.me/synthchannel": ("telegram", "synthchannel", None, None),
    "https://t.me/synthchannel/42": ("telegram", "synthchannel", None, "42"),
    "https://t.me/s/synthchannel/43": ("telegram", "synthchannel", None, "43"),
    "https://discord.com/users/123456789012345678": ("discord", None, "123456789012345678", None),
    "https://discord.com/channels/11111/22222/333333333333333333": ("discord", "11111", None, "333333333333333333"),
    "https://discord.gg/synthinvite": ("discord", "synthinvite", None, None),
    "https://www.reddit.com/user/synth_redditor/": ("reddit", "synth_redditor", None, None),
    "https://old.reddit.com/r/testing/comments/1abcde/some_title/": ("reddit", None, None, "1abcde"),
    "https://www.linkedin.com/in/synthetic-person-0a1b2c/": ("linkedin", "synthetic-person-0a1b2c", None, None),
    "https://www.linkedin.com/feed/update/urn:li:activity:7123456789012345678/": ("linkedin", None, None, "7123456789012345678"),
    "https://www.linkedin.com/posts/synthetic-person_topic-activity-7123456789-abcd": ("linkedin", "synthetic-person", None, "7123456789"),
    "https://example.org/synthetic": (None, None, None, None),
}


@pytest.mark.parametrize(("url", "expected"), URLS.items())
def test_url_patterns(url: str, expected: tuple[str | None, ...]) -> None:
    facts = from_url(url)
    assert (facts.platform, facts.handle, facts.stable_id, facts.post_id) == expected


# (url, html) -> (platform, handle, stable id, where)
PAGES = [
    ("https://www.instagram.com/synthetic.person/",
     '<script>{"profilePage_4815162342": 1}</script>', ("instagram", "synthetic.person", "4815162342", "page")),
    ("https://x.com/synth_person", '<script>{"rest_id":"1500000000000000001"}</script>',
     ("x", "synth_person", "1500000000000000001", "page")),
    ("https://www.tiktok.com/@synth.person", '{"authorId":"6800000000000000001"}',
     ("tiktok", "synth.person", "6800000000000000001", "page")),
    ("https://www.youtube.com/@SynthChannel",
     '<meta itemprop="channelId" content="UCzyxwvutsrqponmlkjihgfe">',
     ("youtube", "SynthChannel", "UCzyxwvutsrqponmlkjihgfe", "page")),
    ("https://www.facebook.com/synthetic.person", '<meta property="al:android:url" '
     'content="fb://profile/100099999">', ("facebook", "synthetic.person", "100099999", "page")),
    ("https://www.reddit.com/user/synth_redditor/", '<shreddit-profile author-id="t2_abc12">',
     ("reddit", "synth_redditor", "t2_abc12", "page")),
    ("https://www.linkedin.com/in/synthetic-person/", '"entityUrn":"urn:li:fsd_profile:ACoAABsynth"',
     ("linkedin", "synthetic-person", "ACoAABsynth", "page")),
    # a local copy: the platform comes from the canonical link, the ID from JSON-LD
    ("http://127.0.0.1:8000/profile",
     '<link rel="canonical" href="https://www.instagram.com/synthetic.person/">'
     '<script type="application/ld+json">{"@type":"ProfilePage","mainEntity":{"@type":'
     '"Person","alternateName":"@synthetic.person","identifier":"4815162342"}}</script>',
     ("instagram", "synthetic.person", "4815162342", "json-ld")),
]


@pytest.mark.parametrize(("url", "html", "expected"), PAGES)
def test_page_metadata(url: str, html: str, expected: tuple[str | None, ...]) -> None:
    facts = detect(url, html.encode())
    assert (facts.platform, facts.handle, facts.stable_id, facts.id_source) == expected


@pytest.mark.parametrize("platform", ["facebook", "instagram", "x", "tiktok", "youtube",
                                      "snapchat", "telegram", "discord", "reddit",
                                      "linkedin"])
def test_missing_stable_id_comes_with_guidance(platform: str) -> None:
    found = problems(PlatformFacts(platform=platform, handle="someone"))
    assert [p.code for p in found] == [f"capture.no-stable-id.{platform}"]
    assert len(registered_codes()[found[0].code]) > 60  # a real how-to, not a stub
    assert problems(PlatformFacts(platform=platform, stable_id="1")) == []
    assert problems(PlatformFacts()) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.binary(max_size=2000))
def test_hostile_input_never_crashes(path: str, html: bytes) -> None:
    for host in ("www.facebook.com", "x.com", "t.me", "example.org"):
        detect(f"https://{host}/{path}", html)
        detect(f"https://{host}/{path}", b'<script type="application/ld+json">' + html +
               b"</script>")
