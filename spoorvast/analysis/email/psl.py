"""Organisational domains (for DMARC alignment) from a pinned Public Suffix List.

The list is shipped in ``data/public_suffix_list.dat``, unmodified, as published by
the Mozilla Foundation under the MPL-2.0 (the licence header is kept in the file; see
:data:`PSL_VERSION`). It is never fetched at run time, so results are reproducible.
The matching follows the algorithm on publicsuffix.org (rules, ``*`` wildcards, ``!``
exceptions; an unlisted TLD is its own public suffix).
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "public_suffix_list.dat"


@cache
def _rules() -> tuple[frozenset[str], frozenset[str], frozenset[str], str]:
    normal, wild, exceptions, version = set(), set(), set(), ""
    for line in DATA.read_text("utf-8").splitlines():
        line = line.strip()
        if line.startswith("// VERSION:"):
            version = line.split(":", 1)[1].strip()
        if not line or line.startswith("//"):
            continue
        rule = _ascii(line)
        if rule.startswith("!"):
            exceptions.add(rule[1:])
        elif rule.startswith("*."):
            wild.add(rule[2:])
        else:
            normal.add(rule)
    return frozenset(normal), frozenset(wild), frozenset(exceptions), version


def psl_version() -> str:
    return _rules()[3]


def _ascii(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return domain.lower()


def public_suffix(domain: str) -> str:
    normal, wild, exceptions, _version = _rules()
    labels = _ascii(domain.strip(".")).split(".")
    for index in range(len(labels)):
        candidate = ".".join(labels[index:])
        if candidate in exceptions:
            return ".".join(labels[index + 1:])
        if candidate in normal:
            return candidate
        parent = ".".join(labels[index + 1:])
        if parent and parent in wild:
            return candidate
    return labels[-1]


@lru_cache(maxsize=8192)
def organisational_domain(domain: str | None) -> str | None:
    """``mail.example.co.uk`` → ``example.co.uk``; None for an IP, a bare TLD or nothing."""
    if not domain or "." not in domain.strip("."):
        return None
    name = _ascii(domain.strip(".").strip("[]"))
    if name.replace(".", "").isdigit() or ":" in name:
        return None
    suffix = public_suffix(name)
    if name == suffix:
        return None
    rest = name[: -len(suffix) - 1]
    return f"{rest.rsplit('.', 1)[-1]}.{suffix}"
