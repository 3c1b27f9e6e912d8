"""Platform, kind, handle, stable ID and post ID from the URL forms people paste, and the
account's ID bound to it in pages captured logged in and logged out (synthetic people)."""
# ruff: noqa: E501  (one table row a line reads best)

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.capture.identifiers import VIEWER_FIELD, accounts_of
from spoorvast.capture.page_objects import Budget, json_values
from spoorvast.capture.platform_rules import RULES
from spoorvast.capture.platforms import PlatformFacts, detect, from_url, problems
from spoorvast.findings import registered_codes
from spoorvast.model import instant
from spoorvast.model.records import Item, ItemKind
from tests.capture.platform_pages import PAGES, Page, assign, code, script

# url -> (platform, kind, handle, stable id, post id, comment id, place: group / server / channel)
URLS_BY_PLATFORM: dict[str, dict[str, tuple[str | None, ...]]] = {
    "facebook": {
        "https://www.facebook.com/profile.php?id=100012345678": ("facebook", "profile", None, "100012345678", None, None, None),
        "https://m.facebook.com/synthetic.person": ("facebook", "profile", "synthetic.person", None, None, None, None),
        "https://m.facebook.com/synthetic.person?v=timeline": ("facebook", "profile", "synthetic.person", None, None, None, None),
        "https://m.facebook.com/profile.php?id=100012345678&v=timeline": ("facebook", "profile", None, "100012345678", None, None, None),
        "https://www.facebook.com/synthetic.person/posts/pfbid0abc": ("facebook", "post", "synthetic.person", None, "pfbid0abc", None, None),
        "https://www.facebook.com/permalink.php?story_fbid=987&id=100055": ("facebook", "post", None, "100055", "987", None, None),
        "https://www.facebook.com/story.php?story_fbid=pfbid02xyz&id=100055&mibextid=abc": ("facebook", "post", None, "100055", "pfbid02xyz", None, None),
        "https://m.facebook.com/story.php?id=100055&story_fbid=987": ("facebook", "post", None, "100055", "987", None, None),
        "https://www.facebook.com/photo/?fbid=555666777&set=pb.100055.-2207520000": ("facebook", "post", None, "100055", "555666777", None, None),
        "https://www.facebook.com/photo.php?fbid=555666777&set=a.1234": ("facebook", "post", None, None, "555666777", None, None),
        "https://www.facebook.com/reel/1234567890123": ("facebook", "post", None, None, "1234567890123", None, None),
        "https://m.facebook.com/watch/?v=998877665544": ("facebook", "post", None, None, "998877665544", None, None),
        "https://fb.watch/abCD12_x/": ("facebook", "post", None, None, "abCD12_x", None, None),
        "https://www.facebook.com/people/Synthetic-Person/100077/": ("facebook", "profile", None, "100077", None, None, None),
        "https://www.facebook.com/groups/987654321/posts/1122334455/": ("facebook", "post", None, None, "1122334455", None, "987654321"),
        "https://www.facebook.com/groups/synthgroup/permalink/1122334455/": ("facebook", "post", None, None, "1122334455", None, "synthgroup"),
        "https://www.facebook.com/groups/987654321/user/100088/": ("facebook", "profile", None, "100088", None, None, "987654321"),
        "https://www.facebook.com/groups/987654321": ("facebook", "group", None, None, None, None, "987654321"),
        "https://www.facebook.com/100012345678": ("facebook", "profile", None, "100012345678", None, None, None),
        "https://www.facebook.com/100012345678/posts/4455": ("facebook", "post", None, "100012345678", "4455", None, None),
        "https://www.facebook.com/groups/": ("facebook", None, None, None, None, None, None),
    },
    "instagram": {
        "https://www.instagram.com/synthetic.person/": ("instagram", "profile", "synthetic.person", None, None, None, None),
        "https://www.instagram.com/synthetic.person/reels/": ("instagram", "profile", "synthetic.person", None, None, None, None),
        "https://www.instagram.com/synthetic.person/p/Cabc_12-x/": ("instagram", "post", "synthetic.person", None, "Cabc_12-x", None, None),
        "https://www.instagram.com/synthetic.person/reel/Cabc_12-x/": ("instagram", "post", "synthetic.person", None, "Cabc_12-x", None, None),
        "https://www.instagram.com/p/Cabc_12-x/": ("instagram", "post", None, None, "Cabc_12-x", None, None),
        "https://www.instagram.com/stories/synthetic.person/3141592653/": ("instagram", "story", "synthetic.person", None, "3141592653", None, None),
        "https://www.instagram.com/stories/synthetic.person/": ("instagram", "story", "synthetic.person", None, None, None, None),
        "https://www.instagram.com/stories/highlights/17912345678901234/": ("instagram", "highlight", None, None, "17912345678901234", None, None),
    },
    "x": {
        "https://x.com/synth_person": ("x", "profile", "synth_person", None, None, None, None),
        "https://x.com/@synth_person": ("x", "profile", "synth_person", None, None, None, None),
        "https://x.com/synth_person/with_replies": ("x", "profile", "synth_person", None, None, None, None),
        "https://x.com/synth_person/media": ("x", "profile", "synth_person", None, None, None, None),
        "https://x.com/synth_person/followers": ("x", "profile", "synth_person", None, None, None, None),
        "https://twitter.com/synth_person/status/1234567890123": ("x", "post", "synth_person", None, "1234567890123", None, None),
        "https://x.com/i/status/1234567890123": ("x", "post", None, None, "1234567890123", None, None),
        "https://x.com/i/web/status/1234567890123": ("x", "post", None, None, "1234567890123", None, None),
        "https://x.com/i/user/44196397": ("x", "profile", None, "44196397", None, None, None),
    },
    "tiktok": {
        "https://www.tiktok.com/@synth.person": ("tiktok", "profile", "synth.person", None, None, None, None),
        "https://www.tiktok.com/@synth.person/video/7298123456789": ("tiktok", "post", "synth.person", None, "7298123456789", None, None),
    },
    "youtube": {
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv": ("youtube", "profile", None, "UCabcdefghijklmnopqrstuv", None, None, None),
        "https://www.youtube.com/@SynthChannel": ("youtube", "profile", "SynthChannel", None, None, None, None),
        "https://www.youtube.com/@SynthChannel/videos": ("youtube", "profile", "SynthChannel", None, None, None, None),
        "https://www.youtube.com/watch?v=abcdefghijk&t=3": ("youtube", "post", None, None, "abcdefghijk", None, None),
        "https://youtu.be/abcdefghijk": ("youtube", "post", None, None, "abcdefghijk", None, None),
        "https://youtu.be/abcdefghijk?si=Xy12_ab-CDefGh": ("youtube", "post", None, None, "abcdefghijk", None, None),
        "https://www.youtube.com/shorts/abcdefghijk": ("youtube", "post", None, None, "abcdefghijk", None, None),
    },
    "snapchat": {
        "https://www.snapchat.com/add/synthsnap": ("snapchat", "profile", "synthsnap", None, None, None, None),
    },
    "telegram": {
        "https://t.me/synthchannel": ("telegram", "profile", "synthchannel", None, None, None, None),
        "https://t.me/synthchannel/42": ("telegram", "post", "synthchannel", None, "42", None, None),
        "https://t.me/s/synthchannel/43": ("telegram", "post", "synthchannel", None, "43", None, None),
        "https://t.me/c/1234567890/55": ("telegram", "post", None, None, "55", None, "1234567890"),
        "https://t.me/c/1234567890/12/55": ("telegram", "post", None, None, "55", None, "1234567890"),
        "https://t.me/+AbCdEf123": ("telegram", "invite", None, None, None, None, "AbCdEf123"),
    },
    "discord": {
        "https://discord.com/users/123456789012345678": ("discord", "profile", None, "123456789012345678", None, None, None),
        "https://discord.com/channels/111111111111111111/222222222222222222/333333333333333333": ("discord", "post", None, None, "333333333333333333", None, "111111111111111111"),
        "https://discord.com/channels/@me/222222222222222222/333333333333333333": ("discord", "post", None, None, "333333333333333333", None, None),
        "https://discord.gg/synthinvite": ("discord", "invite", None, None, None, None, "synthinvite"),
        "https://discord.com/invite/synthinvite": ("discord", "invite", None, None, None, None, "synthinvite"),
    },
    "reddit": {
        "https://www.reddit.com/user/synth_redditor/": ("reddit", "profile", "synth_redditor", None, None, None, None),
        "https://www.reddit.com/u/synth_redditor": ("reddit", "profile", "synth_redditor", None, None, None, None),
        "https://old.reddit.com/r/testing/comments/1abcde/some_title/": ("reddit", "post", None, None, "1abcde", None, None),
        "https://www.reddit.com/r/testing/comments/1abcde/some_title/kx9z8y7/": ("reddit", "comment", None, None, "1abcde", "kx9z8y7", None),
        "https://www.reddit.com/r/testing/comments/1abcde/comment/kx9z8y7/?context=3": ("reddit", "comment", None, None, "1abcde", "kx9z8y7", None),
        "https://redd.it/1abcde": ("reddit", "post", None, None, "1abcde", None, None),
    },
    "linkedin": {
        "https://www.linkedin.com/in/synthetic-person-0a1b2c/": ("linkedin", "profile", "synthetic-person-0a1b2c", None, None, None, None),
        "https://www.linkedin.com/feed/update/urn:li:activity:7123456789012345678/": ("linkedin", "post", None, None, "7123456789012345678", None, None),
        "https://www.linkedin.com/posts/synthetic-person_topic-activity-7123456789-abcd": ("linkedin", "post", "synthetic-person", None, "7123456789", None, None),
    },
    "bluesky": {
        "https://bsky.app/profile/synth.bsky.social": ("bluesky", "profile", "synth.bsky.social", None, None, None, None),
        "https://bsky.app/profile/synth.bsky.social/post/3kabc2defgh2x": ("bluesky", "post", "synth.bsky.social", None, "3kabc2defgh2x", None, None),
        "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3kabc2defgh2x": ("bluesky", "post", None, "did:plc:abcdefghijklmnopqrstuvwx", "3kabc2defgh2x", None, None),
    },
    "mastodon": {
        "https://mastodon.social/@synth": ("mastodon", "profile", "synth@mastodon.social", None, None, None, None),
        "https://mastodon.social/@synth/111222333444555666": ("mastodon", "post", "synth@mastodon.social", None, "111222333444555666", None, None),
        "https://mastodon.social/@other@example.social": ("mastodon", "profile", "other@example.social", None, None, None, None),
    },
    "threads": {
        "https://www.threads.net/@synth.person": ("threads", "profile", "synth.person", None, None, None, None),
        "https://www.threads.com/@synth.person/post/C9abcDEF_12": ("threads", "post", "synth.person", None, "C9abcDEF_12", None, None),
    },
    "none": {
        "https://example.org/synthetic": (None, None, None, None, None, None, None),
        "https://example.org/@someone": (None, None, None, None, None, None, None),
        "https://medium.com/@someone/a-story-1234": (None, None, None, None, None, None, None),
    },
}
URLS = [(url, expected) for table in URLS_BY_PLATFORM.values() for url, expected in table.items()]


@pytest.mark.parametrize(("url", "expected"), URLS)
def test_url_forms(url: str, expected: tuple[str | None, ...]) -> None:
    f = from_url(url)
    assert (f.platform, f.kind, f.handle, f.stable_id, f.post_id, f.comment_id, f.place) == expected


def test_every_platform_has_url_forms_and_pages() -> None:
    platforms = {rule.platform for rule in RULES}
    assert platforms <= set(URLS_BY_PLATFORM)
    with_pages = {from_url(page.url).platform for page in PAGES}
    assert platforms - with_pages <= {"snapchat"}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_ids_are_bound_to_the_account_in_the_address(page: Page) -> None:
    facts = detect(page.url, page.html.encode())
    assert facts.stable_id == page.want
    assert facts.viewer_id == page.viewer
    if page.handle is not None:
        assert (facts.handle or "").lower() == page.handle


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_viewer_is_never_proposed_as_the_account(page: Page) -> None:
    facts = detect(page.url, page.html.encode())
    accounts = list(accounts_of(ITEM, facts, victim_id=7))
    for account in accounts:
        if account.location and account.location.field == VIEWER_FIELD:
            assert (account.stable_id, account.party_id) == (page.viewer, 7)
        else:
            assert account.party_id is None
            assert account.stable_id is None or account.stable_id != page.viewer
            assert account.stable_id == page.want
    if page.viewer is not None:
        assert not any(a.stable_id == page.viewer for a in accounts if a.party_id is None)


def test_viewer_account_is_proposed_only_with_one_victim() -> None:
    page = next(p for p in PAGES if p.viewer and p.want)
    facts = detect(page.url, page.html.encode())
    assert [a.stable_id for a in accounts_of(ITEM, facts, victim_id=None)] == [page.want]
    codes = [p.code for p in problems(facts)]
    assert codes == ["capture.viewer-account"]


ITEM = Item(1, 1, 1, ItemKind.CAPTURE, "capture", instant.now("Europe/Brussels"), "capture")


# -- when unsure, nothing, and a finding that says why -------------------------------

def _codes(url: str, html: str) -> tuple[PlatformFacts, list[str]]:
    facts = detect(url, html.encode())
    return facts, [p.code for p in problems(facts)]


def test_two_ids_for_one_handle_propose_none() -> None:
    html = ('<script>{"a":{"screen_name":"bram","rest_id":"11"}}</script>'
            '<script>{"b":{"screen_name":"bram","rest_id":"22"}}</script>')
    facts, codes = _codes("https://x.com/bram", html)
    assert facts.stable_id is None and facts.unsure == "ambiguous"
    assert codes == ["capture.id-ambiguous", "capture.no-stable-id.x"]
    assert dict(problems(facts)[0].params) == {"count": "2", "account": "bram"}


def test_ids_of_others_only_propose_none() -> None:
    facts, codes = _codes("https://www.instagram.com/bram/",
                          '<script>{"users":[{"pk":"123456","username":"carl"}]}</script>')
    assert facts.stable_id is None
    assert codes == ["capture.id-unbound", "capture.no-stable-id.instagram"]


def test_first_id_in_the_page_is_not_taken() -> None:
    """The old reading: the first "rest_id" / "user-id" / fsd_profile in the page."""
    for url, html in [
        ("https://x.com/bram/followers", '<script>{"rest_id":"1400"}</script>'),
        ("https://www.reddit.com/user/bram/", '<div user-id="t2_anna">'),
        ("https://www.linkedin.com/in/bram/", '"entityUrn":"urn:li:fsd_profile:ACoAAAnnaViewer01"'),
        ("https://www.facebook.com/bram", '{"profile_id":"1000000001"}'),
    ]:
        assert detect(url, html.encode()).stable_id is None, url


def test_own_profile_is_the_viewers_not_a_suspects() -> None:
    html = ('<script>{"viewer":{"id":"1111111","username":"anna"}}</script>'
            '<script>{"user":{"pk":"1111111","username":"anna"}}</script>')
    facts, codes = _codes("https://www.instagram.com/anna/", html)
    assert facts.unsure == "viewer-own" and facts.viewer_id == "1111111"
    assert codes == ["capture.viewer-account", "capture.id-is-viewer"]
    assert [a.location.field if a.location else None
            for a in accounts_of(ITEM, facts, victim_id=3)] == [VIEWER_FIELD]


@pytest.mark.parametrize("url", ["https://discord.gg/synthinvite",
                                 "https://www.facebook.com/groups/987654321",
                                 "https://t.me/c/1234567890"])
def test_groups_servers_and_invites_are_not_accounts(url: str) -> None:
    facts = from_url(url)
    assert list(accounts_of(ITEM, facts, victim_id=None)) == []
    assert [p.code for p in problems(facts)] == ["capture.not-an-account"]


@pytest.mark.parametrize("platform", sorted({rule.platform for rule in RULES}))
def test_missing_stable_id_comes_with_guidance(platform: str) -> None:
    found = problems(PlatformFacts(platform=platform, handle="someone"))
    assert [p.code for p in found] == [f"capture.no-stable-id.{platform}"]
    assert len(registered_codes()[found[0].code]) > 60  # a real how-to, not a stub
    assert problems(PlatformFacts(platform=platform, stable_id="1")) == []
    assert problems(PlatformFacts()) == []


# -- hostile pages: bounded time, never a crash ----------------------------------------

@pytest.mark.slow  # 5-10 s: in the full run only
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.binary(max_size=2000))
def test_hostile_input_never_crashes(path: str, html: bytes) -> None:
    for host in ("www.facebook.com", "x.com", "t.me", "example.org", "bsky.app"):
        detect(f"https://{host}/{path}", html)
        detect(f"https://{host}/{path}", b'<script type="application/ld+json">' + html +
               b"</script>")
        detect(f"https://{host}/{path}", b"<script>" + html + b"</script>")


@pytest.mark.parametrize("body", [
    '{"a":' * 200_000,  # deeper than Python's stack
    '{"' * 400_000,  # a failed start at every position
    '{"a":[' + '1,' * 1_000_000 + '!',  # one long attempt that fails at the end
    '<x author="bram" author-id="t2_x" ' + 'a="1" ' * 200_000,  # an element that never ends
    '<a b="<' * 150_000,  # quoted values that open tags
])
def test_hostile_pages_take_bounded_time(body: str) -> None:
    started = time.monotonic()
    for url in ("https://x.com/bram", "https://www.reddit.com/user/bram"):
        detect(url, f"<script>{body}</script>".encode())
        detect(url, f"<code>{body}</code>".encode())
    assert time.monotonic() - started < 20  # quadratic work here took over 300 s


def test_json_cut_by_the_first_window_is_still_read_whole() -> None:
    obj = {"items": [{"a": True, "b": None, "s": "é😀 \\\"x\\u0041", "n": -1.25e10, "id": str(i)}
                     for i in range(300)]}
    for ascii_only in (True, False):
        text = "x = " + json.dumps(obj, ensure_ascii=ascii_only)
        for shift in range(0, 200, 3):
            assert next(iter(json_values(" " * shift + text, Budget(1 << 30)))) == obj


def test_a_page_read_only_in_part_says_so() -> None:
    body = ('{"a":[' + "1," * 500) * 600 + '{"a":"' + "x" * 1_000_000  # runs to the end
    facts = detect("https://x.com/bram", f"<script>{body}</script>".encode())
    assert facts.partly_read and facts.stable_id is None
    assert [p.code for p in problems(facts)] == ["capture.page-partly-read",
                                                "capture.no-stable-id.x"]


# -- property: whatever the order and wrapping, only B's ID or nothing ---------------

_USER_SHAPES = {
    "x": ("https://x.com/bram", lambda h, i: {"rest_id": i, "legacy": {"screen_name": h}},
          lambda i: {"viewer": {"rest_id": i, "legacy": {"screen_name": "anna"}}}),
    "instagram": ("https://www.instagram.com/bram/", lambda h, i: {"pk": i, "username": h},
                  lambda i: {"viewerId": i}),
    "tiktok": ("https://www.tiktok.com/@bram", lambda h, i: {"id": i, "uniqueId": h},
               lambda i: {"webapp.app-context": {"user": {"uid": i, "uniqueId": "anna"}}}),
    "threads": ("https://www.threads.net/@bram", lambda h, i: {"pk": i, "username": h},
                lambda i: {"viewer": {"pk": i, "username": "anna"}}),
}


@settings(max_examples=150, deadline=None)
@given(platform=st.sampled_from(sorted(_USER_SHAPES)), with_b=st.booleans(),
       others=st.lists(st.sampled_from(["carl", "dora", "BRAMX", "bram_", "anna"]), max_size=4),
       order=st.randoms(use_true_random=False), wrap=st.sampled_from(["script", "assign", "code"]))
def test_only_bs_id_or_nothing(platform: str, with_b: bool, others: list[str],
                               order: object, wrap: str) -> None:
    url, user, viewer = _USER_SHAPES[platform]
    objects = [viewer("1111111111")]
    objects += [user(h, str(2222222222 + n)) for n, h in enumerate(others)]
    if with_b:
        objects.append(user("Bram", "4444444444"))
    order.shuffle(objects)  # type: ignore[attr-defined]
    put = {"script": script, "assign": lambda v: assign("__DATA__", v), "code": code}[wrap]
    facts = detect(url, "".join(put(o) for o in objects).encode())
    assert facts.stable_id == ("4444444444" if with_b else None)
    assert facts.viewer_id == "1111111111"


def test_accounts_listed_in_the_viewers_data_are_not_the_viewer() -> None:
    """B in the viewer's recent searches is still B, and A is still the viewer."""
    html = script({"viewer": {"rest_id": "1400", "legacy": {"screen_name": "anna"},
                              "recent_searches": [{"rest_id": "1500",
                                                   "legacy": {"screen_name": "bram"}}]}})
    facts = detect("https://x.com/bram", html.encode())
    assert (facts.stable_id, facts.viewer_id) == ("1500", "1400")


def test_an_attribute_value_may_hold_a_greater_than_sign() -> None:
    html = ('<shreddit-post post-title="a > b" id="t3_1abcde" checked author="bram" '
            'author-id="t2_bram2" user-id="t2_anna1"></shreddit-post>')
    facts = detect("https://www.reddit.com/r/t/comments/1abcde/x/", html.encode())
    assert (facts.stable_id, facts.handle, facts.viewer_id) == ("t2_bram2", "bram", "t2_anna1")


@pytest.mark.parametrize("final", [
    "https://www.instagram.com/accounts/login/?next=%2Fbram.subject%2F",
    "https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2F%40bram",
    "https://accounts.example.net/signin"])
def test_a_wall_keeps_the_handle_of_the_address_asked_for(final: str) -> None:
    asked = ("https://www.youtube.com/@bram" if "youtube" in final
             else "https://www.instagram.com/bram.subject/")
    facts = detect(final, b"<form>log in</form>", requested=asked)
    assert (facts.platform, facts.kind, facts.handle, facts.stable_id) == (
        from_url(asked).platform, "profile", from_url(asked).handle, None)
    assert detect(asked, b"", requested=final).handle == from_url(asked).handle
