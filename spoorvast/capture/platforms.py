"""Platform awareness: which platform a captured URL belongs to, what the address names
(a profile, a post, a comment, a group…), and the account's handle and stable ID, from
the URL and from the page (``platform_rules.py`` for the URL forms, ``page_shapes.py``
and ``binding.py`` for where pages keep IDs and how they are tied to the account).

An ID is proposed only when it is bound to the account the URL names; the viewer's own
ID (the account the capture was made from) is recognised, kept apart and never taken
for the account captured. When unsure, nothing is proposed and :func:`problems` says
why, in the person's language, with how to find the ID on that platform.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote, urlsplit

from spoorvast.capture import binding
from spoorvast.capture.binding import Candidate, Viewer, Want
from spoorvast.capture.page_objects import Node, page_nodes
from spoorvast.capture.page_shapes import SHAPES, Shapes
from spoorvast.capture.platform_rules import FEDIVERSE, RULES, Rule, rule_for_host
from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.model.records import Location, Problem, Severity

MAX_HTML = 8 << 20
NOT_ACCOUNTS = frozenset({"group", "channel", "invite"})  # kinds naming no account
register_codes({f"capture.no-stable-id.{rule.platform}": rule.howto for rule in RULES})
register_codes({
    "capture.not-an-account": N_(
        "This address names a group, server, channel or invite ({place}) on {platform}, "
        "not a person's account; no account was proposed. Capture the profile of the "
        "person who wrote the message as well."),
    "capture.id-ambiguous": N_(
        "The page ties {count} different account numbers to {account}; none was proposed, "
        "so that no wrong account is named. Check the number on the profile itself."),
    "capture.id-unbound": N_(
        "The page holds account numbers, but none of them sits with {account}; none was "
        "proposed. A number taken from elsewhere on the page could be someone else's — "
        "often your own, when you were logged in."),
    "capture.id-is-viewer": N_(
        "The only account number found for {account} is the one of the account this "
        "capture was made from (you were logged in); it was not proposed as the account "
        "captured."),
    "capture.page-partly-read": N_(
        "The page is too large or too malformed to be searched whole for account numbers; "
        "the search stopped at its limit, so a number further down was not looked at."),
    "capture.viewer-account": N_(
        "This page was captured logged in to {platform} as account {viewer}. That is the "
        "account the capture was made from (normally your own), not the account captured: "
        "it is proposed apart, marked as the viewer's."),
})


@dataclass(frozen=True, slots=True)
class PlatformFacts:
    platform: str | None = None
    kind: str | None = None  # what the address names: profile, post, comment, group…
    handle: str | None = None
    stable_id: str | None = None
    post_id: str | None = None
    comment_id: str | None = None
    place: str | None = None  # a group, server, channel or invite: not an account
    profile_url: str | None = None
    id_source: str | None = None  # url, page, post, json-ld, meta, canonical
    viewer_id: str | None = None  # the account the capture was made from (logged in)
    viewer_handle: str | None = None
    unsure: str | None = None  # why no ID was proposed: ambiguous, viewer, unbound
    ambiguous: int = 0  # how many different IDs were tied to the account
    partly_read: bool = False  # the page was too large or malformed to be read whole
    display_name: str | None = None  # the name shown, beside the stable ID (it may change)


def from_url(url: str) -> PlatformFacts:
    parts = urlsplit(url)
    rule = rule_for_host(parts.hostname or "")
    return PlatformFacts() if rule is None else from_rule(rule, url)


def from_rule(rule: Rule, url: str) -> PlatformFacts:
    parts = urlsplit(url)
    target = unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for form in rule.forms:
        match = form.pattern.search(target)
        if match and _accept(rule, match.groupdict()):
            return _facts(rule, form.kind, url, match.groupdict())
    return PlatformFacts(platform=rule.platform)


def _accept(rule: Rule, groups: dict[str, str | None]) -> bool:
    handle = groups.get("handle")
    return handle is None or handle.lower() not in rule.reserved


def _facts(rule: Rule, kind: str, url: str, groups: dict[str, str | None]) -> PlatformFacts:
    stable, handle = groups.get("stable"), groups.get("handle")
    if rule is FEDIVERSE and handle and "@" not in handle:
        handle = f"{handle}@{(urlsplit(url).hostname or '').lower()}"
    return PlatformFacts(platform=rule.platform, kind=kind, handle=handle, stable_id=stable,
                         post_id=groups.get("post"), comment_id=groups.get("comment"),
                         place=groups.get("place"), profile_url=url,
                         id_source="url" if stable else None)


# -- page metadata ----------------------------------------------------------------

_LINKS = (re.compile(r'<link[^>]+rel=["\']canonical["\'][^>]*href=["\']([^"\']+)', re.I),
          re.compile(r'<link[^>]+href=["\']([^"\']+)["\'][^>]*rel=["\']canonical', re.I),
          re.compile(r'<meta[^>]+property=["\']og:url["\'][^>]*content=["\']([^"\']+)', re.I),
          re.compile(r'<meta[^>]+content=["\']([^"\']+)["\'][^>]*property=["\']og:url', re.I))
_JSON_LD = re.compile(r'<script[^>]+type=["\']application/ld\+json["\'][^>]*>(.*?)</script>',
                      re.I | re.S)
_FEDI_PAGE = re.compile(r"<link\b[^<>]{0,400}application/activity\+json", re.I)
_PROFILE_TYPES = {"person", "profilepage", "organization"}
_LD_HANDLES = ("alternateName", "additionalName")


def page_urls(html: str) -> list[str]:
    return [m.group(1) for pattern in _LINKS for m in pattern.finditer(html)]


def json_ld(html: str) -> Iterator[dict[str, Any]]:
    for match in _JSON_LD.finditer(html):
        try:
            value = json.loads(match.group(1))
        except (ValueError, RecursionError):
            continue
        yield from _objects(value, 0)


def _objects(value: object, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 8:
        return
    if isinstance(value, list):
        for entry in value:
            yield from _objects(entry, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key in ("mainEntity", "author", "@graph"):
            if key in value:
                yield from _objects(value[key], depth + 1)


def detect(url: str, html: bytes | None, requested: str | None = None) -> PlatformFacts:
    """The facts of a captured page at ``url`` (where the browser ended). When that is
    no account or post (a login or consent page), the address asked for still names
    the account: its handle is kept."""
    facts = from_url(url)
    asked = from_url(requested) if requested else PlatformFacts()
    if facts.kind is None and asked.kind is not None:
        facts = asked
    text = (html or b"")[:MAX_HTML].decode("utf-8", "replace")
    if facts.platform is None:
        facts = next((f for f in map(from_url, page_urls(text)) if f.platform), facts)
    if facts.platform is None and _FEDI_PAGE.search(text):
        fediverse = from_rule(FEDIVERSE, url)  # any server, when its address has a form
        facts = fediverse if fediverse.kind else facts
    if facts.platform is None or not text:
        return facts
    return _with_page(facts, text)


def _with_page(facts: PlatformFacts, text: str) -> PlatformFacts:
    shapes = SHAPES[facts.platform or ""]
    nodes, partial = page_nodes(text, shapes.attr_keys(), shapes.viewer_objects,
                                shapes.viewer_markers)
    host = urlsplit(facts.profile_url or "").hostname or ""
    want = Want(facts.platform or "", facts.kind or "", host,
                facts.handle.lower() if facts.handle else None, facts.stable_id,
                facts.comment_id or facts.post_id)
    viewer = binding.viewer_of(shapes, nodes, want.host)
    facts = replace(facts, viewer_id=viewer.one, partly_read=partial,
                    viewer_handle=viewer.handle if viewer.one else None)
    if want.handle and viewer.one and viewer.handle == want.handle:
        return replace(facts, stable_id=viewer.one, id_source="page", unsure="viewer-own")
    if facts.stable_id is not None:
        facts = _from_url_id(facts, shapes, nodes, want, viewer)
    else:
        facts = _choose(facts, shapes, nodes, want, viewer, text)
    if facts.stable_id is None or facts.unsure:
        return facts
    return replace(facts, display_name=binding.display_name_of(shapes, nodes,
                                                                facts.stable_id))


def _from_url_id(facts: PlatformFacts, shapes: Shapes, nodes: list[Node], want: Want,
                 viewer: Viewer) -> PlatformFacts:
    handle = facts.handle or binding.handle_of(shapes, nodes, facts.stable_id or "",
                                               want.host)
    if facts.stable_id in viewer.ids:
        return replace(facts, handle=handle, unsure="viewer-own")
    return replace(facts, handle=handle)


def _choose(facts: PlatformFacts, shapes: Shapes, nodes: list[Node], want: Want,
            viewer: Viewer, text: str) -> PlatformFacts:
    found, handles = _candidates(shapes, nodes, want, text)
    kept = [c for c in found if c.stable_id not in viewer.ids]
    best = min((c.rank for c in kept), default=0)
    ids = {c.stable_id: c for c in kept if c.rank == best}
    if len(ids) == 1:
        chosen = next(iter(ids.values()))
        handle = facts.handle or next(iter(handles), None) or binding.handle_of(
            shapes, nodes, chosen.stable_id, want.host)
        return replace(facts, stable_id=chosen.stable_id, handle=handle,
                       id_source=chosen.source)
    if ids:
        return replace(facts, unsure="ambiguous", ambiguous=len(ids))
    if len(kept) < len(found):
        return replace(facts, unsure="viewer")
    if binding.unbound_ids(shapes, nodes, viewer):
        return replace(facts, unsure="unbound")
    return facts


def _candidates(shapes: Shapes, nodes: list[Node], want: Want,
                text: str) -> tuple[list[Candidate], list[str]]:
    found = list(_subjects(shapes, want, text))
    if want.handle:
        found += [*binding.by_handle(shapes, nodes, want), *_ld(shapes, text, want),
                  *_canonical(shapes, text, want)]
        return found, []
    authors = list(binding.by_post(shapes, nodes, want)) if want.post else []
    return found + [c for c, _h in authors], [h for _c, h in authors if h]


def _subjects(shapes: Shapes, want: Want, text: str) -> Iterator[Candidate]:
    for subject in shapes.subjects:
        if want.kind not in subject.kinds:
            continue
        for match in subject.pattern.finditer(text):
            groups = match.groupdict()
            post = groups.get("post")
            found = binding.stable_of(shapes, groups.get("id"))
            if found and (post is None or post == want.post):
                yield Candidate(found[0], found[1], "meta")


def _ld(shapes: Shapes, text: str, want: Want) -> Iterator[Candidate]:
    for entity in json_ld(text):
        kinds = entity.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not {str(k).lower() for k in kinds} & _PROFILE_TYPES:
            continue
        if not any(binding.norm_handle(shapes, "", entity.get(k), want.host) == want.handle
                   for k in _LD_HANDLES):
            continue
        ident = entity.get("identifier")
        ident = ident.get("value") if isinstance(ident, dict) else ident
        found = binding.stable_of(shapes, ident)  # the platform's format only
        if found:
            yield Candidate(found[0], found[1], "json-ld")


def _canonical(shapes: Shapes, text: str, want: Want) -> Iterator[Candidate]:
    for link in page_urls(text):
        other = from_url(link)
        if (other.platform != want.platform or other.kind != "profile"
                or want.kind != "profile" or other.stable_id is None):
            continue
        if other.handle is None or other.handle.lower() == want.handle:
            found = binding.stable_of(shapes, other.stable_id)
            if found:
                yield Candidate(found[0], found[1], "canonical")


# -- findings ---------------------------------------------------------------------


def problems(facts: PlatformFacts) -> list[Problem]:
    if facts.platform is None:
        return []
    where = Location(field="capture.json:platform")
    found = [Problem(Severity.INFO, "capture.viewer-account",
                     (("platform", facts.platform), ("viewer", _viewer(facts))), where)
             ] if facts.viewer_id else []
    if facts.kind in NOT_ACCOUNTS and not (facts.handle or facts.stable_id):
        return [*found, Problem(Severity.INFO, "capture.not-an-account", (
            ("place", facts.place or ""), ("platform", facts.platform)), where)]
    if facts.unsure:
        found.append(_unsure(facts, where))
    if facts.stable_id is None and facts.partly_read:
        found.append(Problem(Severity.INFO, "capture.page-partly-read", location=where))
    if facts.stable_id is None:
        found.append(Problem(Severity.WARNING, f"capture.no-stable-id.{facts.platform}",
                             location=where))
    return found


def _viewer(facts: PlatformFacts) -> str:
    handle = f" (@{facts.viewer_handle})" if facts.viewer_handle else ""
    return f"{facts.viewer_id}{handle}"


def _unsure(facts: PlatformFacts, where: Location) -> Problem:
    account = facts.handle or facts.stable_id or facts.comment_id or facts.post_id or ""
    if facts.unsure == "ambiguous":
        return Problem(Severity.WARNING, "capture.id-ambiguous",
                       (("count", str(facts.ambiguous)), ("account", account)), where)
    if facts.unsure in ("viewer", "viewer-own"):
        return Problem(Severity.WARNING, "capture.id-is-viewer", (("account", account),),
                       where)
    return Problem(Severity.INFO, "capture.id-unbound", (("account", account),), where)
