"""The table of platforms: hosts, URL patterns and where pages embed stable IDs.

URL patterns use named groups ``handle``, ``stable`` (the account's stable numeric or
opaque ID) and ``post``; the first pattern that matches the path (plus ``?query``) wins.
``ids`` are patterns over the page's HTML whose first group is the account's stable ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spoorvast.i18n import N_


@dataclass(frozen=True, slots=True)
class Rule:
    platform: str
    hosts: tuple[str, ...]
    paths: tuple[re.Pattern[str], ...]
    ids: tuple[re.Pattern[str], ...]
    reserved: frozenset[str]
    howto: str  # how to find the stable ID on this platform (translated when shown)


def _p(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


H = r"(?P<handle>[A-Za-z0-9._-]{1,64})"

RULES = (
    Rule("facebook", ("facebook.com", "fb.com", "fb.me"), _p(
        r"^/profile\.php\?(?:.*&)?id=(?P<stable>\d+)",
        r"^/permalink\.php\?(?:.*&)?story_fbid=(?P<post>[\w-]+)&(?:.*&)?id=(?P<stable>\d+)",
        r"^/people/[^/]+/(?P<stable>\d+)",
        r"^/groups/(?P<handle>[\w.-]+)/(?:posts|permalink)/(?P<post>\d+)",
        r"^/" + H + r"/(?:posts|videos|photos)/(?:[\w.-]+/)?(?P<post>[\w-]+)",
        r"^/" + H + r"/?(?:\?|$)"), _p(
        r'"userID"\s*:\s*"(\d{5,})"', r'fb://profile/(\d{5,})', r'"profile_id"\s*:\s*"?(\d{5,})',
        r'"entity_id"\s*:\s*"(\d{5,})"'),
        frozenset({"groups", "pages", "watch", "events", "photo", "photo.php", "share",
                   "login", "messages", "marketplace", "story.php", "help", "settings",
                   "gaming", "reel", "reels", "friends", "home.php", "search"}),
        N_("Facebook: open the profile, then look at the address of its profile picture "
           "or use 'Copy link' on the profile; a link with profile.php?id=… holds the "
           "number. In the page source (Ctrl+U) search for \"userID\".")),
    Rule("instagram", ("instagram.com", "instagr.am"), _p(
        r"^/(?:p|reel|reels|tv)/(?P<post>[\w-]+)",
        r"^/stories/" + H + r"/(?P<post>\d+)",
        r"^/" + H + r"/?(?:\?|$)"), _p(
        r'"profile_id"\s*:\s*"(\d{3,})"', r'"profilePage_(\d{3,})"',
        r'instagram://user\?id=(\d{3,})', r'"user_id"\s*:\s*"(\d{3,})"'),
        frozenset({"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct",
                   "about", "legal", "developer"}),
        N_("Instagram: the number is not always on the page. Capture the profile while "
           "logged in (spoorvast browser login) or, in the page source (Ctrl+U), search "
           "for \"profilePage_\" or \"profile_id\".")),
    Rule("x", ("x.com", "twitter.com"), _p(
        r"^/i/user/(?P<stable>\d+)",
        r"^/" + H + r"/status(?:es)?/(?P<post>\d+)",
        r"^/intent/user\?(?:.*&)?user_id=(?P<stable>\d+)",
        r"^/" + H + r"/?(?:\?|$)"), _p(
        r'"rest_id"\s*:\s*"(\d+)"', r'twitter://user\?id=(\d+)',
        r'"identifier"\s*:\s*"(\d{3,})"'),
        frozenset({"home", "explore", "search", "i", "intent", "settings", "messages",
                   "notifications", "login", "signup", "tos", "privacy", "hashtag"}),
        N_("X/Twitter: capture the profile while logged in (spoorvast browser login); "
           "the page then holds \"rest_id\", the account's number. A link x.com/i/user/"
           "NUMBER opens the account whatever its current name.")),
    Rule("tiktok", ("tiktok.com",), _p(
        r"^/@" + H + r"/(?:video|photo)/(?P<post>\d+)",
        r"^/@" + H + r"/?(?:\?|$)"), _p(
        r'"authorId"\s*:\s*"(\d+)"', r'"id"\s*:\s*"(\d{6,})"\s*,\s*"shortId"',
        r'"userId"\s*:\s*"(\d+)"'),
        frozenset(),
        N_("TikTok: in the page source (Ctrl+U) of the profile search for \"authorId\" "
           "or \"id\" next to \"uniqueId\"; that number stays when the @name changes.")),
    Rule("youtube", ("youtube.com", "youtu.be"), _p(
        r"^/channel/(?P<stable>UC[\w-]{22})",
        r"^/watch\?(?:.*&)?v=(?P<post>[\w-]{11})",
        r"^/(?:shorts|live|embed)/(?P<post>[\w-]{11})",
        r"^/@" + H + r"(?:/|\?|$)",
        r"^/(?:c|user)/" + H,
        r"^/(?P<post>[\w-]{11})$"), _p(
        r'itemprop="channelId"\s+content="(UC[\w-]{22})"', r'"channelId"\s*:\s*"(UC[\w-]{22})"',
        r'"externalId"\s*:\s*"(UC[\w-]{22})"', r'youtube\.com/channel/(UC[\w-]{22})'),
        frozenset(),
        N_("YouTube: on the channel page choose 'More about this channel' → 'Share "
           "channel' → 'Copy channel ID' (it starts with UC).")),
    Rule("snapchat", ("snapchat.com",), _p(
        r"^/add/" + H, r"^/@" + H, r"^/spotlight/(?P<post>[\w-]+)"), _p(
        r'"userId"\s*:\s*"([0-9a-f-]{20,})"',),
        frozenset({"add", "spotlight", "discover"}),
        N_("Snapchat shows no account number on the web. Keep the username exactly as "
           "written (it can change only rarely) and a screenshot of the profile in the "
           "app with its Snapcode.")),
    Rule("telegram", ("t.me", "telegram.me", "telegram.dog"), _p(
        r"^/s/" + H + r"/(?P<post>\d+)", r"^/s/" + H,
        r"^/" + H + r"/(?P<post>\d+)", r"^/" + H + r"/?(?:\?|$)"), (),
        frozenset({"s", "joinchat", "addstickers", "share", "proxy", "socks"}),
        N_("Telegram shows no account number on the web. In Telegram Desktop: Settings → "
           "Advanced → Experimental settings → 'Show Peer IDs in Profile'; then open the "
           "profile and note the ID.")),
    Rule("discord", ("discord.com", "discordapp.com", "discord.gg"), _p(
        r"^/users/(?P<stable>\d{15,})",
        r"^/channels/(?P<handle>\d+|@me)/\d+/(?P<post>\d{15,})",
        r"^/invite/" + H, r"^/" + H + r"$"), _p(),
        frozenset({"channels", "users", "invite", "login", "register", "app"}),
        N_("Discord: in User Settings → Advanced, turn on Developer Mode; then right-click "
           "(or long-press) the user and choose 'Copy User ID'.")),
    Rule("reddit", ("reddit.com", "redd.it"), _p(
        r"^/r/[\w]+/comments/(?P<post>[a-z0-9]+)",
        r"^/(?:user|u)/" + H + r"/comments/(?P<post>[a-z0-9]+)",
        r"^/(?:user|u)/" + H, r"^/comments/(?P<post>[a-z0-9]+)"), _p(
        r'(?:user-id|author-id|authorId)="?(t2_[a-z0-9]+)',
        r'"author_fullname"\s*:\s*"(t2_[a-z0-9]+)"'),
        frozenset(),
        N_("Reddit: the account ID starts with t2_. In the page source (Ctrl+U) of a post "
           "or the profile search for \"t2_\" next to the username.")),
    Rule("linkedin", ("linkedin.com", "lnkd.in"), _p(
        r"^/feed/update/urn:li:(?:activity|share|ugcPost):(?P<post>\d+)",
        r"^/posts/" + H + r"_[\w-]*?activity-(?P<post>\d+)",
        r"^/in/" + H, r"^/company/" + H), _p(
        r'urn:li:fsd_profile:(ACoA[\w-]+)', r'urn:li:member:(\d+)',
        r'"objectUrn"\s*:\s*"urn:li:member:(\d+)"'),
        frozenset(),
        N_("LinkedIn: capture the profile while logged in (spoorvast browser login); "
           "the page then holds its member ID (urn:li:member or fsd_profile). The /in/ "
           "address alone can be changed by its owner.")),
)


def rule_for_host(host: str) -> Rule | None:
    host = host.lower().rstrip(".")
    for rule in RULES:
        if any(host == h or host.endswith("." + h) for h in rule.hosts):
            return rule
    return None
