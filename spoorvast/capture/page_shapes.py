"""Where each platform's pages keep account data, as the pages are shaped (profile and
post pages saved logged out, and logged in as someone else).

An account's stable ID is taken only from an object (or element) that also holds the
handle the URL names, or from the object of the post the URL names, or from page-level
metadata about the page itself (its ``al:android:url``, ``profilePage_…``, its
``at://`` or ActivityPub alternate link). The viewer's own ("me") data is recognised by
its keys and never taken as the account of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_Pattern = re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Subject:
    """A page-level pattern naming the page's own account (group ``id``; ``post`` when
    given must be the URL's post), trusted only on pages of the listed kinds."""

    kinds: frozenset[str]
    pattern: _Pattern


@dataclass(frozen=True, slots=True)
class Shapes:
    id_format: _Pattern  # full match; the first non-empty group is the stable ID
    handle_keys: tuple[str, ...] = ()  # keys/attributes holding a handle or vanity (best first)
    id_keys: tuple[str, ...] = ()  # keys, in the same object, holding its stable ID (best first)
    nested: frozenset[str] = frozenset()  # child objects whose handle counts for the parent
    post_keys: frozenset[str] = frozenset()  # keys holding a post or comment ID
    author_keys: frozenset[str] = frozenset()  # in a post object: objects with its author
    author_id_keys: tuple[str, ...] = ()  # in a post object: its author's stable ID
    viewer_keys: frozenset[str] = frozenset()  # the viewer's own ID, wherever it is
    viewer_objects: frozenset[str] = frozenset()  # objects holding the viewer's own data
    viewer_markers: frozenset[tuple[str, str]] = frozenset()  # (key, value) of a "me" object
    viewer_refs: frozenset[str] = frozenset()  # the viewer's internal id, resolved by "id"
    acct_keys: frozenset[str] = frozenset()  # handle keys whose value lacks "@server"
    handle_mark: str = ""  # a handle value taken from a link must start with this
    subjects: tuple[Subject, ...] = ()

    def attr_keys(self) -> frozenset[str]:
        keys = {*self.handle_keys, *self.id_keys, *self.post_keys, *self.author_id_keys,
                *self.viewer_keys}
        return frozenset(k.lower() for k in keys)


def _re(pattern: str) -> _Pattern:
    return re.compile(pattern, re.I)


def _s(kinds: str, pattern: str) -> Subject:
    return Subject(frozenset(kinds.split()), _re(pattern))


def _meta(value: str) -> str:
    """``<meta|link …>`` with an attribute holding ``value``, either attribute order."""
    return r"<(?:meta|link)\b[^<>]{0,400}?=\s*[\"']" + value + r"[\"']"


def _keyed(key: str, value: str) -> str:
    """``<meta|link>`` whose attributes name ``key`` and whose content/href is ``value``."""
    return (r"<(?:meta|link)\b(?=[^<>]{0,400}[\"']" + key + r"[\"'])[^<>]{0,400}?"
            r"(?:content|href)=[\"']" + value + r"[\"']")


INNER_VIEWER_KEYS = ("id", "uid", "user_id", "userID", "pk", "rest_id", "*miniProfile",
                     "entityUrn", "did", "uri")
NOTHING = _re(r"(?!)")

SHAPES: dict[str, Shapes] = {
    "facebook": Shapes(
        _re(r"(\d{5,20})"), ("userVanity", "vanity", "username"),
        ("userID", "profile_id", "id"),
        post_keys=frozenset({"top_level_post_id", "story_fbid", "post_id", "video_id"}),
        author_keys=frozenset({"owner", "actors", "author"}),
        author_id_keys=("content_owner_id_new", "owner_id"),
        viewer_keys=frozenset({"USER_ID", "ACCOUNT_ID", "actorID", "viewerID", "viewer_id"}),
        viewer_objects=frozenset({"CurrentUserInitialData", "viewer", "viewerActor"}),
        subjects=(_s("profile", _meta(r"fb://profile/(?P<id>\d{5,20})")),)),
    "instagram": Shapes(
        _re(r"(\d{3,20})"), ("username",), ("pk", "pk_id", "id", "profile_id"),
        post_keys=frozenset({"code", "shortcode", "id"}),
        author_keys=frozenset({"user", "owner"}),
        viewer_keys=frozenset({"viewerId", "viewer_id", "ds_user_id"}),
        viewer_objects=frozenset({"viewer", "viewer_user", "viewerData"}),
        subjects=(_s("profile", r"\"profilePage_(?P<id>\d{3,20})\""),
                  _s("profile", _meta(r"instagram://user\?id=(?P<id>\d{3,20})")))),
    "x": Shapes(
        _re(r"(\d{1,20})"), ("screen_name",), ("rest_id", "id_str"),
        nested=frozenset({"legacy", "core"}),
        post_keys=frozenset({"rest_id", "id_str"}),
        author_keys=frozenset({"core", "user_results", "result", "user"}),
        author_id_keys=("user_id_str",),
        viewer_objects=frozenset({"viewer", "viewer_v2", "viewerv2", "session"})),
    "tiktok": Shapes(
        _re(r"(\d{5,25})"), ("uniqueId", "unique_id"),
        ("id", "uid", "userId", "authorId"),
        post_keys=frozenset({"id", "aweme_id"}), author_keys=frozenset({"author"}),
        author_id_keys=("authorId",),
        viewer_objects=frozenset({"webapp.app-context", "currentUser", "viewer"})),
    "youtube": Shapes(
        _re(r"(UC[\w-]{22})"), ("canonicalBaseUrl", "vanityChannelUrl"),
        ("externalId", "browseId", "channelId"), post_keys=frozenset({"videoId"}),
        author_id_keys=("channelId",),
        viewer_objects=frozenset({"activeAccountHeaderRenderer"}), handle_mark="@",
        subjects=(_s("profile post", _keyed("channelId", r"(?P<id>UC[\w-]{22})")),)),
    "snapchat": Shapes(_re(r"([0-9a-f-]{20,40})"), ("username",), ("userId",)),
    "telegram": Shapes(NOTHING),
    "discord": Shapes(NOTHING),
    "reddit": Shapes(
        _re(r"(t2_[a-z0-9]{1,12})"), ("author", "username", "name"),
        ("author-id", "author_fullname", "authorId", "id"),
        post_keys=frozenset({"id", "thingid", "post-id", "comment-id", "name"}),
        author_id_keys=("author-id", "author_fullname", "authorId"),
        viewer_keys=frozenset({"user-id"}),
        viewer_objects=frozenset({"me", "currentUser", "viewer", "loggedInUser"})),
    "linkedin": Shapes(
        _re(r"(?:urn:li:(?:fsd_profile|fs_miniProfile|fs_profile):)?(ACoA[\w-]{10,60})"
            r"|urn:li:member:(\d{3,15})"),
        ("publicIdentifier", "vanityName"),
        ("entityUrn", "*profile", "dashEntityUrn", "objectUrn"),
        viewer_markers=frozenset({("$type", "com.linkedin.voyager.common.Me"),
                                  ("$type", "com.linkedin.voyager.dash.common.Me")})),
    "bluesky": Shapes(
        _re(r"(did:(?:plc|web):[\w.:%-]{1,128})"), ("handle",), ("did",),
        viewer_objects=frozenset({"currentAccount", "viewer"}),
        subjects=(_s("profile post", _meta(r"at://(?P<id>did:(?:plc|web):[\w.:%-]{1,128})"
                                           r"(?:/app\.bsky\.feed\.post/(?P<post>[\w-]+))?")),)),
    "mastodon": Shapes(
        _re(r"(https?://[^\s\"'<>]{1,300}?/users/[\w.-]{1,64})"),
        ("acct",), ("uri",),
        viewer_refs=frozenset({"me"}), acct_keys=frozenset({"acct"}),
        subjects=(_s("profile post", r"<link\b(?=[^<>]{0,400}activity\+json)[^<>]{0,400}"
                     r"href=[\"'](?P<id>https?://[^\"'<>\s]{1,300}?/users/[\w.-]{1,64})"
                     r"(?:/statuses/(?P<post>\d+))?[\"']"),)),
    "threads": Shapes(
        _re(r"(\d{3,25})"), ("username",), ("pk", "pk_id", "id"),
        post_keys=frozenset({"code"}), author_keys=frozenset({"user"}),
        viewer_keys=frozenset({"viewerId", "viewer_id"}),
        viewer_objects=frozenset({"viewer"})),
}
