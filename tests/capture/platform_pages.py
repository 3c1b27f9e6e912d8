"""Page snippets in the shapes of real platform pages, with synthetic people only.

Viewer A (Anna, the account the capture is made from) looks at B (Bram, the account
captured); C (Carl) is someone else on the page (a follower, a suggestion, a comment).
Each page says which stable ID is right (``want``, None when the page does not hold
B's), and which IDs are the viewer's (never to be proposed as the account).
"""
# ruff: noqa: E501  (page snippets read best on one line)

from __future__ import annotations

import html
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    html: str
    want: str | None  # B's stable ID when the page holds it
    viewer: str | None = None  # A's ID when the page is captured logged in
    handle: str | None = None  # the handle expected after the capture (lower case)


def script(value: object, kind: str = "application/json") -> str:
    return f'<script type="{kind}" data-sjs>{json.dumps(value)}</script>'


def assign(name: str, value: object) -> str:
    return f"<script>window.{name} = {json.dumps(value)};</script>"


def code(value: object) -> str:
    """LinkedIn keeps its API answers HTML-escaped in hidden <code> elements."""
    return f'<code style="display: none" id="bpr-guid-1">{html.escape(json.dumps(value))}</code>'


def ld(value: object) -> str:
    return script(value, "application/ld+json")


FB_A, FB_B, FB_C = "100000000000001", "100000000000002", "100000000000003"
FB_VIEWER = script({"require": [["CurrentUserInitialData", [], {"ACCOUNT_ID": FB_A, "USER_ID": FB_A, "NAME": "Anna Viewer"}, 270], ["RelayPrefetchedStreamCache", [], {"actorID": FB_A}]]})
FACEBOOK = [
    Page("fb profile, logged out", "https://www.facebook.com/bram.subject",
         f'<meta property="al:android:url" content="fb://profile/{FB_B}">' + script({"props": {"userVanity": "bram.subject", "userID": FB_B}}), FB_B),
    Page("fb profile, logged in as A", "https://www.facebook.com/bram.subject",
         FB_VIEWER + script({"friends": [{"id": FB_C, "profile_id": FB_C, "name": "Carl"}]}) + script({"props": {"userID": FB_B, "userVanity": "bram.subject"}}), FB_B, FB_A),
    Page("fb profile, logged in, B's ID not loaded", "https://www.facebook.com/bram.subject",
         FB_VIEWER + script({"friends": [{"id": FB_C, "profile_id": FB_C}]}), None, FB_A),
    Page("fb number address, logged in", f"https://www.facebook.com/{FB_B}",
         FB_VIEWER + script({"props": {"userID": FB_B, "userVanity": "bram.subject"}}), FB_B, FB_A, "bram.subject"),
    Page("m.fb group post, logged in", "https://m.facebook.com/groups/987654321/posts/1122334455/",
         FB_VIEWER + f"""<div data-ft='{json.dumps({"top_level_post_id": "1122334455", "content_owner_id_new": FB_B, "page_id": "987654321"})}'>post</div>"""
         + f"""<div data-ft='{json.dumps({"top_level_post_id": "1122334499", "content_owner_id_new": FB_C})}'>other</div>""", FB_B, FB_A),
    Page("m.fb watch, logged in", "https://m.facebook.com/watch/?v=998877665544",
         FB_VIEWER + script({"video": {"video_id": "998877665544", "owner": {"__typename": "User", "id": FB_B, "name": "Bram"}}}), FB_B, FB_A),
    Page("m.fb timeline, logged in", f"https://m.facebook.com/profile.php?id={FB_B}&v=timeline",
         FB_VIEWER + script({"profile": {"userID": FB_B, "userVanity": "bram.subject"}}), FB_B, FB_A, "bram.subject"),
]

IG_A, IG_B, IG_C = "1111111111", "4815162342", "2222222222"
IG_VIEWER = script({"config": {"viewerId": IG_A, "viewer": {"id": IG_A, "username": "anna.viewer"}}})
INSTAGRAM = [
    Page("ig profile, logged out", "https://www.instagram.com/bram.subject/",
         script({"page_id": f"profilePage_{IG_B}"}) + script({"data": {"user": {"id": IG_B, "username": "bram.subject"}}}), IG_B),
    Page("ig profile, logged in as A", "https://www.instagram.com/bram.subject/",
         IG_VIEWER + script({"suggested": [{"pk": IG_C, "username": "carl.other"}]}) + script({"data": {"user": {"pk": IG_B, "id": IG_B, "username": "bram.subject"}}}), IG_B, IG_A),
    Page("ig reels tab, logged in", "https://www.instagram.com/bram.subject/reels/",
         IG_VIEWER + script({"page_id": f"profilePage_{IG_B}"}), IG_B, IG_A),
    Page("ig post, logged in", "https://www.instagram.com/p/Cabc_12-x/",
         IG_VIEWER + script({"items": [{"code": "Cabc_12-x", "pk": "3141592653", "user": {"pk": IG_B, "username": "bram.subject"}}, {"code": "Czzz", "user": {"pk": IG_C, "username": "carl.other"}}]}), IG_B, IG_A, "bram.subject"),
    Page("ig story, logged in", "https://www.instagram.com/stories/bram.subject/3141592653/",
         IG_VIEWER + script({"reels_media": [{"id": IG_B, "user": {"pk": IG_B, "username": "bram.subject"}, "items": [{"id": f"3141592653_{IG_B}", "pk": "3141592653"}]}]}), IG_B, IG_A),
    Page("ig highlight, logged in", "https://www.instagram.com/stories/highlights/17912345678901234/",
         IG_VIEWER + script({"reels": {"highlight:17912345678901234": {"id": "highlight:17912345678901234", "user": {"pk": IG_B, "username": "bram.subject"}}}}), IG_B, IG_A, "bram.subject"),
]

X_A, X_B, X_C = "1500000000000000001", "1500000000000000002", "1500000000000000003"
X_STATE = assign("__INITIAL_STATE__", {"session": {"user_id": X_A, "country": "BE"}, "entities": {"users": {"entities": {X_A: {"id_str": X_A, "screen_name": "anna_viewer"}, X_C: {"id_str": X_C, "screen_name": "carl_other"}, X_B: {"id_str": X_B, "screen_name": "Bram_Subject"}}}}})
X_VIEWER = script({"data": {"viewer": {"user_results": {"result": {"rest_id": X_A, "legacy": {"screen_name": "anna_viewer"}}}}}})
X = [
    Page("x profile, logged out (JSON-LD)", "https://x.com/bram_subject",
         ld({"@context": "http://schema.org", "@type": "ProfilePage", "mainEntity": {"@type": "Person", "additionalName": "Bram_Subject", "identifier": X_B, "name": "Bram"}}), X_B),
    Page("x followers, logged in as A", "https://x.com/bram_subject/followers", X_STATE, X_B, X_A),
    Page("x @handle, logged in (GraphQL)", "https://x.com/@bram_subject",
         X_VIEWER + script({"data": {"user": {"result": {"__typename": "User", "rest_id": X_B, "core": {"screen_name": "Bram_Subject"}}}}}), X_B, X_A),
    Page("x i/status, logged in", "https://x.com/i/status/1234567890123",
         X_VIEWER + script({"data": {"tweetResult": {"result": {"__typename": "Tweet", "rest_id": "1234567890123", "core": {"user_results": {"result": {"rest_id": X_B, "legacy": {"screen_name": "Bram_Subject"}}}}}}}}), X_B, X_A, "bram_subject"),
    Page("x with_replies, logged in, only the viewer loaded", "https://x.com/bram_subject/with_replies", X_VIEWER, None, X_A),
]

TT_A, TT_B = "6900000000000000001", "6800000000000000002"
TT_DATA = {"__DEFAULT_SCOPE__": {"webapp.app-context": {"user": {"uid": TT_A, "uniqueId": "anna.viewer"}}, "webapp.user-detail": {"userInfo": {"user": {"id": TT_B, "uniqueId": "bram.subject", "secUid": "MS4wLjABAAAA"}}}}}
TIKTOK = [
    Page("tiktok profile, logged out", "https://www.tiktok.com/@bram.subject",
         ld({"@type": "Person", "identifier": "bram.subject", "alternateName": "bram.subject"}) + f'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{json.dumps({"__DEFAULT_SCOPE__": {"webapp.user-detail": TT_DATA["__DEFAULT_SCOPE__"]["webapp.user-detail"]}})}</script>', TT_B),
    Page("tiktok profile, logged in as A", "https://www.tiktok.com/@bram.subject",
         f'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{json.dumps(TT_DATA)}</script>', TT_B, TT_A),
    Page("tiktok video, logged in", "https://www.tiktok.com/@bram.subject/video/7298123456789",
         script({"__DEFAULT_SCOPE__": {"webapp.app-context": {"user": {"uid": TT_A, "uniqueId": "anna.viewer"}}, "webapp.video-detail": {"itemInfo": {"itemStruct": {"id": "7298123456789", "author": {"id": TT_B, "uniqueId": "bram.subject"}}}}}}), TT_B, TT_A),
    Page("tiktok JSON-LD only (identifier is the handle)", "https://www.tiktok.com/@bram.subject",
         ld({"@type": "Person", "identifier": "bram.subject", "alternateName": "bram.subject"}), None),
]

YT_B, YT_C = "UCbramsubject0000000002", "UCcarlother000000000003"
YT_B, YT_C = YT_B + "x", YT_C + "x"  # 24 characters, as YouTube's
YOUTUBE = [
    Page("yt channel, logged out", "https://www.youtube.com/@BramSubject",
         f'<link rel="canonical" href="https://www.youtube.com/channel/{YT_B}">' + assign("ytInitialData", {"metadata": {"channelMetadataRenderer": {"externalId": YT_B, "vanityChannelUrl": "http://www.youtube.com/@BramSubject"}}, "related": [{"browseId": YT_C, "canonicalBaseUrl": "/@CarlOther"}]}), YT_B),
    Page("yt watch, logged in", "https://www.youtube.com/watch?v=abcdefghijk",
         assign("ytInitialPlayerResponse", {"videoDetails": {"videoId": "abcdefghijk", "channelId": YT_B, "author": "Bram"}}) + assign("ytInitialData", {"owner": {"videoOwnerRenderer": {"navigationEndpoint": {"browseEndpoint": {"browseId": YT_B, "canonicalBaseUrl": "/@BramSubject"}}}}, "secondary": [{"videoId": "zzzzzzzzzzz", "channelId": YT_C}], "topbar": {"activeAccountHeaderRenderer": {"channelId": "UCannaviewer00000000001x"}}}), YT_B, "UCannaviewer00000000001x", "bramsubject"),
    Page("youtu.be with si, logged out", "https://youtu.be/abcdefghijk?si=Xy12_ab-CDefGh",
         f'<meta itemprop="channelId" content="{YT_B}">' + assign("ytInitialPlayerResponse", {"videoDetails": {"videoId": "abcdefghijk", "channelId": YT_B}}), YT_B),
]

RD_A, RD_B, RD_C = "t2_anna1", "t2_bram2", "t2_carl3"
REDDIT = [
    Page("reddit profile, logged in as A", "https://www.reddit.com/user/bram_subject/",
         f'<shreddit-post id="t3_1abcde" author="bram_subject" author-id="{RD_B}" user-id="{RD_A}"></shreddit-post>', RD_B, RD_A),
    Page("reddit post, logged in (user-id before author-id)", "https://www.reddit.com/r/testing/comments/1abcde/some_title/",
         f'<shreddit-post user-id="{RD_A}" id="t3_1abcde" author="bram_subject" author-id="{RD_B}"></shreddit-post><shreddit-comment thingid="t1_kx9z8y7" author="carl_other" author-id="{RD_C}"></shreddit-comment>', RD_B, RD_A, "bram_subject"),
    Page("reddit comment link, logged in", "https://www.reddit.com/r/testing/comments/1abcde/comment/kx9z8y7/",
         f'<shreddit-post user-id="{RD_A}" id="t3_1abcde" author="bram_subject" author-id="{RD_B}"></shreddit-post><shreddit-comment thingid="t1_kx9z8y7" author="carl_other" author-id="{RD_C}"></shreddit-comment>', RD_C, RD_A, "carl_other"),
    Page("old reddit post JSON, logged out", "https://old.reddit.com/r/testing/comments/1abcde/some_title/",
         script({"data": {"children": [{"data": {"name": "t3_1abcde", "author": "bram_subject", "author_fullname": RD_B}}]}}), RD_B, None, "bram_subject"),
]

LI_A, LI_B, LI_C = "ACoAAAnnaViewer01", "ACoAABramSubject2", "ACoAACarlOther003"
LI_ME = (code({"data": {"plainId": 111, "*miniProfile": f"urn:li:fs_miniProfile:{LI_A}", "$type": "com.linkedin.voyager.common.Me"}, "included": [{"publicIdentifier": "anna-viewer", "entityUrn": f"urn:li:fs_miniProfile:{LI_A}"}]})
         + code({"data": {"*profile": f"urn:li:fsd_profile:{LI_A}", "$type": "com.linkedin.voyager.dash.common.Me"}}))
LINKEDIN = [
    Page("linkedin /in/B, logged in as A", "https://www.linkedin.com/in/bram-subject/",
         LI_ME + code({"included": [{"publicIdentifier": "carl-other", "entityUrn": f"urn:li:fsd_profile:{LI_C}"}, {"publicIdentifier": "bram-subject", "entityUrn": f"urn:li:fsd_profile:{LI_B}", "objectUrn": "urn:li:member:222", "$type": "com.linkedin.voyager.dash.identity.profile.Profile"}]}), LI_B, LI_A),
    Page("linkedin /in/B, logged in, profile not loaded", "https://www.linkedin.com/in/bram-subject/",
         LI_ME + code({"included": [{"publicIdentifier": "carl-other", "entityUrn": f"urn:li:fsd_profile:{LI_C}"}]}), None, LI_A),
    Page("linkedin /in/B, logged out", "https://www.linkedin.com/in/bram-subject",
         ld({"@context": "http://schema.org", "@graph": [{"@type": "Person", "name": "Bram", "url": "https://be.linkedin.com/in/bram-subject"}]}), None),
]

BS_B = "did:plc:bramsubject2222222222222"
BLUESKY = [
    Page("bluesky profile", "https://bsky.app/profile/bram.bsky.social",
         f'<link rel="alternate" href="at://{BS_B}">', BS_B),
    Page("bluesky post quoting another", "https://bsky.app/profile/bram.bsky.social/post/3kabc2defgh2x",
         f'<link rel="alternate" href="at://{BS_B}/app.bsky.feed.post/3kabc2defgh2x"><a href="at://did:plc:carlother3333333333333333/app.bsky.feed.post/3zzz">', BS_B, None, "bram.bsky.social"),
]

MA_B = "https://mastodon.social/users/bram"
MASTODON = [
    Page("mastodon profile, logged in as A", "https://mastodon.social/@bram",
         f'<link href="{MA_B}" rel="alternate" type="application/activity+json">' + f'<script id="initial-state" type="application/json">{json.dumps({"meta": {"me": "1001"}, "accounts": {"1001": {"id": "1001", "acct": "anna", "uri": "https://mastodon.social/users/anna"}, "2002": {"id": "2002", "acct": "bram", "uri": MA_B}}})}</script>', MA_B, "https://mastodon.social/users/anna"),
    Page("fediverse post on any server", "https://social.example.be/@bram/1234",
         '<link href="https://social.example.be/users/bram/statuses/1234" rel="alternate" type="application/activity+json">', "https://social.example.be/users/bram", None, "bram@social.example.be"),
]

TH_A, TH_B = "63000000001", "63000000002"
THREADS = [
    Page("threads profile, logged in as A", "https://www.threads.net/@bram.subject",
         script({"viewer": {"pk": TH_A, "username": "anna.viewer"}}) + script({"user": {"pk": TH_B, "username": "bram.subject"}}), TH_B, TH_A),
    Page("threads post (threads.com)", "https://www.threads.com/@bram.subject/post/C9abcDEF_12",
         script({"post": {"code": "C9abcDEF_12", "user": {"pk": TH_B, "username": "bram.subject"}}}), TH_B),
]

OTHERS = [
    Page("discord invite (the server is not an account)", "https://discord.gg/synthinvite",
         script({"guild": {"id": "111111111111111111", "name": "Synth"}, "inviter": {"id": "222222222222222222"}}), None),
    Page("telegram private channel post", "https://t.me/c/1234567890/55", "<title>Telegram</title>", None),
]

PAGES = [*FACEBOOK, *INSTAGRAM, *X, *TIKTOK, *YOUTUBE, *REDDIT, *LINKEDIN, *BLUESKY,
         *MASTODON, *THREADS, *OTHERS]
