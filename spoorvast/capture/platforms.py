"""Platform awareness: which platform a captured URL belongs to, and the account's
handle, stable ID and the post ID, from the URL, the page's canonical link / og:url,
its JSON-LD and IDs the platform embeds in the page (table in ``platform_rules.py``).

Where the stable ID is not found, :func:`problems` returns a finding that tells the
person, in their language, how to find it on that platform.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote, urlsplit

from spoorvast.capture.platform_rules import RULES, Rule, rule_for_host
from spoorvast.findings import register_codes
from spoorvast.model.records import Location, Problem, Severity

MAX_HTML = 8 << 20
register_codes({f"capture.no-stable-id.{rule.platform}": rule.howto for rule in RULES})


@dataclass(frozen=True, slots=True)
class PlatformFacts:
    platform: str | None = None
    handle: str | None = None
    stable_id: str | None = None
    post_id: str | None = None
    profile_url: str | None = None
    id_source: str | None = None  # where the stable id was found: url, json-ld, page


def from_url(url: str) -> PlatformFacts:
    parts = urlsplit(url)
    rule = rule_for_host(parts.hostname or "")
    if rule is None:
        return PlatformFacts()
    target = unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for pattern in rule.paths:
        match = pattern.search(target)
        if match and _accept(rule, match.groupdict()):
            return _facts(rule, url, match.groupdict())
    return PlatformFacts(platform=rule.platform)


def _accept(rule: Rule, groups: dict[str, str | None]) -> bool:
    handle = groups.get("handle")
    return handle is None or handle.lower() not in rule.reserved


def _facts(rule: Rule, url: str, groups: dict[str, str | None]) -> PlatformFacts:
    stable = groups.get("stable")
    return PlatformFacts(platform=rule.platform, handle=groups.get("handle"),
                         stable_id=stable, post_id=groups.get("post"), profile_url=url,
                         id_source="url" if stable else None)


# -- page metadata ----------------------------------------------------------------

_LINKS = (re.compile(r'<link[^>]+rel=["\']canonical["\'][^>]*href=["\']([^"\']+)', re.I),
          re.compile(r'<link[^>]+href=["\']([^"\']+)["\'][^>]*rel=["\']canonical', re.I),
          re.compile(r'<meta[^>]+property=["\']og:url["\'][^>]*content=["\']([^"\']+)', re.I),
          re.compile(r'<meta[^>]+content=["\']([^"\']+)["\'][^>]*property=["\']og:url', re.I))
_JSON_LD = re.compile(r'<script[^>]+type=["\']application/ld\+json["\'][^>]*>(.*?)</script>',
                      re.I | re.S)
_PROFILE_TYPES = {"person", "profilepage", "organization"}


def page_urls(html: str) -> list[str]:
    return [m.group(1) for pattern in _LINKS for m in pattern.finditer(html)]


def json_ld(html: str) -> Iterator[dict[str, Any]]:
    for match in _JSON_LD.finditer(html):
        try:
            value = json.loads(match.group(1))
        except ValueError:
            continue
        yield from _objects(value)


def _objects(value: object) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for entry in value:
            yield from _objects(entry)
    elif isinstance(value, dict):
        yield value
        for key in ("mainEntity", "author", "@graph"):
            if key in value:
                yield from _objects(value[key])


def _ld_account(html: str) -> tuple[str | None, str | None]:
    """(stable id, handle) of the profile a page's JSON-LD describes."""
    for entity in json_ld(html):
        kinds = entity.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not {str(k).lower() for k in kinds} & _PROFILE_TYPES:
            continue
        ident = entity.get("identifier")
        ident = ident.get("value") if isinstance(ident, dict) else ident
        handle = entity.get("alternateName")
        if ident or handle:
            return (str(ident) if ident else None,
                    str(handle).lstrip("@") if handle else None)
    return None, None


def detect(url: str, html: bytes | None) -> PlatformFacts:
    facts = from_url(url)
    text = (html or b"")[:MAX_HTML].decode("utf-8", "replace")
    if facts.platform is None:
        facts = next((f for f in map(from_url, page_urls(text)) if f.platform), facts)
    if facts.platform is None or not text:
        return facts
    return _with_page_ids(facts, text)


def _with_page_ids(facts: PlatformFacts, text: str) -> PlatformFacts:
    stable, handle = _ld_account(text)
    if facts.handle is None and handle:
        facts = replace(facts, handle=handle)
    if facts.stable_id is None and stable:
        return replace(facts, stable_id=stable, id_source="json-ld")
    rule = next(r for r in RULES if r.platform == facts.platform)
    for pattern in rule.ids:
        match = pattern.search(text)
        if facts.stable_id is None and match:
            return replace(facts, stable_id=match.group(1), id_source="page")
    return facts


def problems(facts: PlatformFacts) -> list[Problem]:
    if facts.platform is None or facts.stable_id is not None:
        return []
    return [Problem(Severity.WARNING, f"capture.no-stable-id.{facts.platform}",
                    location=Location(field="capture.json:platform"))]
