"""The table of platforms: hosts and the URL forms people paste.

Each URL form is a *kind* (what the address names) and a pattern over the path (plus
``?query``) with named groups: ``handle`` and ``stable`` name the **account** (its
handle or vanity, its stable numeric or opaque ID), ``post`` and ``comment`` the
content, ``place`` a group, server, channel or invite that is *not* an account (a
Facebook group, a Discord server, a private Telegram channel). The first form that
matches wins, so the specific forms come before the catch-all ``/<handle>``.

Where pages embed IDs, and how they are tied to the account the URL names, is in
``page_shapes.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spoorvast.i18n import N_


@dataclass(frozen=True, slots=True)
class Form:
    kind: str  # profile, post, comment, story, highlight, group, channel, invite
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Rule:
    platform: str
    hosts: tuple[str, ...]
    forms: tuple[Form, ...]
    reserved: frozenset[str]
    howto: str  # how to find the stable ID on this platform (translated when shown)


def _f(*pairs: tuple[str, str]) -> tuple[Form, ...]:
    return tuple(Form(kind, re.compile(p, re.IGNORECASE)) for kind, p in pairs)


H = r"(?P<handle>[A-Za-z0-9._-]{1,64})"
END = r"/?(?:\?|$)"
_FB_HOWTO = N_("Facebook: open the profile, then look at the address of its profile picture "
               "or use 'Copy link' on the profile; a link with profile.php?id=… holds the "
               "number. In the page source (Ctrl+U) search for \"userID\".")
_YT_HOWTO = N_("YouTube: on the channel page choose 'More about this channel' → 'Share "
               "channel' → 'Copy channel ID' (it starts with UC).")
_DISCORD_HOWTO = N_("Discord: in User Settings → Advanced, turn on Developer Mode; then "
                    "right-click (or long-press) the user and choose 'Copy User ID'.")
_REDDIT_HOWTO = N_("Reddit: the account ID starts with t2_. In the page source (Ctrl+U) of a "
                   "post or the profile search for \"t2_\" next to the username.")
_Q_FBID = r"(?=(?:.*&)?story_fbid=(?P<post>[\w-]+))"

FACEBOOK = _f(
    ("profile", r"^/profile\.php\?(?:.*&)?id=(?P<stable>\d+)"),
    ("post", r"^/(?:permalink|story)\.php\?" + _Q_FBID + r"(?=(?:.*&)?id=(?P<stable>\d+))"),
    ("post", r"^/(?:permalink|story)\.php\?" + _Q_FBID),
    ("post", r"^/photo(?:\.php|/)?\?(?=(?:.*&)?fbid=(?P<post>\d+))"
             r"(?=(?:.*&)?set=pb\.(?P<stable>\d+)\.)"),
    ("post", r"^/photo(?:\.php|/)?\?(?:.*&)?fbid=(?P<post>\d+)"),
    ("post", r"^/(?:reel|reels)/(?P<post>\d+)"),
    ("post", r"^/watch/?\?(?:.*&)?v=(?P<post>\d+)"),
    ("profile", r"^/people/[^/]+/(?P<stable>\d+)"),
    ("post", r"^/groups/(?P<place>[\w.-]+)/(?:posts|permalink)/(?P<post>\d+)"),
    ("profile", r"^/groups/(?P<place>[\w.-]+)/user/(?P<stable>\d+)"),
    ("group", r"^/groups/(?P<place>[\w.-]+)" + END),
    ("post", r"^/(?P<stable>\d{5,})/(?:posts|videos|photos)/(?:[\w.-]+/)?(?P<post>[\w-]+)"),
    ("profile", r"^/(?P<stable>\d{5,})" + END),
    ("post", r"^/" + H + r"/(?:posts|videos|photos)/(?:[\w.-]+/)?(?P<post>[\w-]+)"),
    ("profile", r"^/" + H + r"/(?:timeline|about|friends|photos|videos|reels)" + END),
    ("profile", r"^/" + H + END))
INSTAGRAM = _f(
    ("post", r"^/(?:p|reel|reels|tv)/(?P<post>[\w-]+)"),
    ("highlight", r"^/stories/highlights/(?P<post>\d+)"),
    ("story", r"^/stories/" + H + r"/(?P<post>\d+)"),
    ("story", r"^/stories/" + H + END),
    ("post", r"^/" + H + r"/(?:p|reel|tv)/(?P<post>[\w-]+)"),
    ("profile", r"^/" + H + r"/(?:reels|tagged|followers|following)" + END),
    ("profile", r"^/" + H + END))
X_FORMS = _f(
    ("profile", r"^/i/user/(?P<stable>\d+)"),
    ("post", r"^/i/(?:web/)?status/(?P<post>\d+)"),
    ("profile", r"^/intent/user\?(?:.*&)?user_id=(?P<stable>\d+)"),
    ("post", r"^/@?" + H + r"/status(?:es)?/(?P<post>\d+)"),
    ("profile", r"^/@?" + H + r"/(?:with_replies|media|likes|followers|following|"
                r"verified_followers|highlights|articles)" + END),
    ("profile", r"^/@?" + H + END))
YOUTUBE = _f(
    ("profile", r"^/channel/(?P<stable>UC[\w-]{22})"),
    ("post", r"^/watch\?(?:.*&)?v=(?P<post>[\w-]{11})"),
    ("post", r"^/(?:shorts|live|embed|v)/(?P<post>[\w-]{11})"),
    ("profile", r"^/@" + H + r"(?:/|\?|$)"),
    ("profile", r"^/(?:c|user)/" + H))
TELEGRAM = _f(
    ("post", r"^/c/(?P<place>\d+)/(?:\d+/)?(?P<post>\d+)"),
    ("channel", r"^/c/(?P<place>\d+)" + END),
    ("invite", r"^/(?:joinchat/|\+)(?P<place>[\w-]+)"),
    ("post", r"^/s/" + H + r"/(?P<post>\d+)"), ("profile", r"^/s/" + H),
    ("post", r"^/" + H + r"/(?P<post>\d+)"), ("profile", r"^/" + H + END))
DISCORD = _f(
    ("profile", r"^/users/(?P<stable>\d{15,})"),
    ("post", r"^/channels/@me/\d+/(?P<post>\d{15,})"),
    ("post", r"^/channels/(?P<place>\d+)/\d+/(?P<post>\d{15,})"),
    ("channel", r"^/channels/(?P<place>\d+)/\d+" + END),
    ("invite", r"^/invite/(?P<place>[\w-]+)"))
_COMMENT = r"/comments/(?P<post>[a-z0-9]+)/[^/?]*/(?P<comment>[a-z0-9]+)" + END
REDDIT = _f(
    ("comment", r"^/r/\w+" + _COMMENT),
    ("post", r"^/r/\w+/comments/(?P<post>[a-z0-9]+)"),
    ("comment", r"^/(?:user|u)/" + H + _COMMENT),
    ("post", r"^/(?:user|u)/" + H + r"/comments/(?P<post>[a-z0-9]+)"),
    ("profile", r"^/(?:user|u)/" + H),
    ("comment", _COMMENT.replace("/comments", "^/comments", 1)),
    ("post", r"^/comments/(?P<post>[a-z0-9]+)"))
_BSKY_ID = r"(?:(?P<stable>did:(?:plc|web):[\w.:%-]{1,128})|" + H + ")"
BLUESKY = _f(
    ("post", r"^/profile/" + _BSKY_ID + r"/post/(?P<post>[\w-]+)"),
    ("profile", r"^/profile/" + _BSKY_ID + r"(?:/|\?|$)"))
ACCT = r"(?P<handle>[A-Za-z0-9_.-]{1,64}(?:@[A-Za-z0-9.-]{1,253})?)"
MASTODON = _f(
    ("post", r"^/@" + ACCT + r"/(?P<post>\d+)"),
    ("profile", r"^/@" + ACCT + r"(?:/(?:with_replies|media|followers|following))?" + END),
    ("post", r"^/users/(?P<handle>[\w.-]{1,64})/statuses/(?P<post>\d+)"),
    ("profile", r"^/users/(?P<handle>[\w.-]{1,64})" + END))
THREADS = _f(
    ("post", r"^/@" + H + r"/post/(?P<post>[\w-]+)"),
    ("profile", r"^/@" + H + r"(?:/(?:replies|reposts|media))?" + END))

# Instances people in Belgium and nearby often use; any other server is recognised
# from its page (see platforms.detect).
MASTODON_HOSTS = ("mastodon.social", "mastodon.online", "mas.to", "mstdn.social",
                  "mastodon.world", "mastodon.nl", "mastodon.art", "fosstodon.org",
                  "hachyderm.io", "infosec.exchange", "social.vivaldi.net", "toot.community",
                  "mastodon.gougere.fr", "piaille.fr", "framapiaf.org", "troet.cafe",
                  "chaos.social", "norden.social", "mastodon.be")

RULES = (
    Rule("facebook", ("facebook.com", "fb.com", "fb.me"), FACEBOOK, frozenset({
        "groups", "pages", "watch", "events", "photo", "photo.php", "share", "login",
        "messages", "marketplace", "story.php", "permalink.php", "profile.php", "help",
        "settings", "gaming", "reel", "reels", "friends", "home.php", "search", "people",
        "notifications", "bookmarks", "hashtag", "stories"}), _FB_HOWTO),
    Rule("facebook", ("fb.watch",), _f(("post", r"^/(?P<post>[\w-]+)" + END)),
         frozenset(), _FB_HOWTO),
    Rule("instagram", ("instagram.com", "instagr.am"), INSTAGRAM, frozenset({
        "p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "about",
        "legal", "developer", "highlights"}),
        N_("Instagram: the number is not always on the page. Capture the profile while "
           "logged in (spoorvast browser login) or, in the page source (Ctrl+U), search "
           "for \"profilePage_\" or \"profile_id\".")),
    Rule("x", ("x.com", "twitter.com"), X_FORMS, frozenset({
        "home", "explore", "search", "i", "intent", "settings", "messages", "notifications",
        "login", "signup", "tos", "privacy", "hashtag", "compose"}),
        N_("X/Twitter: capture the profile while logged in (spoorvast browser login); "
           "the page then holds \"rest_id\", the account's number. A link x.com/i/user/"
           "NUMBER opens the account whatever its current name.")),
    Rule("tiktok", ("tiktok.com",), _f(
        ("post", r"^/@" + H + r"/(?:video|photo)/(?P<post>\d+)"),
        ("profile", r"^/@" + H + END)), frozenset(),
        N_("TikTok: in the page source (Ctrl+U) of the profile search for \"authorId\" "
           "or \"id\" next to \"uniqueId\"; that number stays when the @name changes.")),
    Rule("youtube", ("youtube.com",), YOUTUBE, frozenset(), _YT_HOWTO),
    Rule("youtube", ("youtu.be",), _f(("post", r"^/(?P<post>[\w-]{11})" + END)),
         frozenset(), _YT_HOWTO),
    Rule("snapchat", ("snapchat.com",), _f(
        ("profile", r"^/add/" + H), ("profile", r"^/@" + H),
        ("post", r"^/spotlight/(?P<post>[\w-]+)")), frozenset({"add", "spotlight", "discover"}),
        N_("Snapchat shows no account number on the web. Keep the username exactly as "
           "written (it can change only rarely) and a screenshot of the profile in the "
           "app with its Snapcode.")),
    Rule("telegram", ("t.me", "telegram.me", "telegram.dog"), TELEGRAM, frozenset({
        "s", "c", "joinchat", "addstickers", "addemoji", "share", "proxy", "socks"}),
        N_("Telegram shows no account number on the web. In Telegram Desktop: Settings → "
           "Advanced → Experimental settings → 'Show Peer IDs in Profile'; then open the "
           "profile and note the ID.")),
    Rule("discord", ("discord.com", "discordapp.com"), DISCORD, frozenset(), _DISCORD_HOWTO),
    Rule("discord", ("discord.gg",), _f(("invite", r"^/(?P<place>[\w-]+)" + END)),
         frozenset(), _DISCORD_HOWTO),
    Rule("reddit", ("reddit.com",), REDDIT, frozenset(), _REDDIT_HOWTO),
    Rule("reddit", ("redd.it",), _f(("post", r"^/(?P<post>[a-z0-9]{4,10})" + END)),
         frozenset(), _REDDIT_HOWTO),
    Rule("linkedin", ("linkedin.com", "lnkd.in"), _f(
        ("post", r"^/feed/update/urn:li:(?:activity|share|ugcPost):(?P<post>\d+)"),
        ("post", r"^/posts/" + H + r"_[\w-]*?activity-(?P<post>\d+)"),
        ("profile", r"^/in/" + H), ("profile", r"^/company/" + H)), frozenset(),
        N_("LinkedIn: capture the profile while logged in (spoorvast browser login); "
           "the page then holds its member ID (urn:li:member or fsd_profile). The /in/ "
           "address alone can be changed by its owner.")),
    Rule("bluesky", ("bsky.app",), BLUESKY, frozenset(),
         N_("Bluesky: the account's lasting ID is its DID (it starts with did:plc:); the "
            "@handle can change. In the page source (Ctrl+U) of the profile or the post, "
            "search for \"at://did:\".")),
    Rule("mastodon", MASTODON_HOSTS, MASTODON, frozenset(),
         N_("Mastodon and the fediverse: the account is user@server, and its lasting "
            "address is the actor link (https://server/users/name). In the page source "
            "(Ctrl+U) search for \"activity+json\".")),
    Rule("threads", ("threads.net", "threads.com"), THREADS, frozenset(),
         N_("Threads: the number is not always on the page. Capture the profile while "
            "logged in (spoorvast browser login), or note the @name exactly and keep a "
            "screenshot of the profile.")),
)

FEDIVERSE = next(rule for rule in RULES if rule.platform == "mastodon")


def rule_for_host(host: str) -> Rule | None:
    host = host.lower().rstrip(".")
    for rule in RULES:
        if any(host == h or host.endswith("." + h) for h in rule.hosts):
            return rule
    return None
