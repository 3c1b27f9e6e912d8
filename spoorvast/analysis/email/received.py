"""Received headers: comment-aware parsing of from / by / via / with / id / for / date.

Real-world shapes differ (Postfix, Exim, Sendmail, qmail, Exchange, Gmail, SendGrid
without ``;`` before the date, IPv6 literals, folded dates): the clauses are read as a
sequence of words and comments; IPs and HELO names are taken from the comments that
follow ``from``. Nothing raises; what cannot be placed stays in ``raw``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spoorvast.analysis.email.dates import ParsedDate, parse_date

KEYWORDS = ("from", "by", "via", "with", "id", "for")
_TOKEN = re.compile(r"\s*(?:(\()|(<[^<>]*>)|(\[[^\]]*\])|([^\s()<>\[;]+)|(;))")
_DELIMITERS = re.compile(r"[();]")
_DATE_TAIL = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+\d{2,4}\s+\d{1,2}:\d{2}",
    re.IGNORECASE)
_IP_CANDIDATE = re.compile(r"(?:IPv6:)?([0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]+)")
_HELO = re.compile(r"\b(?:HELO|EHLO|helo)[=\s]+([^\s()\[\]]+)")
_TLS = re.compile(r"\b(TLS[v_ ]?1[._]?[0-3]|TLSv?1\.[0-3]|SSLv3|TLS)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hop:
    raw: str
    from_name: str | None = None  # the name after "from" (often the HELO name)
    helo: str | None = None
    rdns: str | None = None  # the name the receiving server found for the IP
    ip: str | None = None
    by: str | None = None
    by_software: str | None = None
    via: str | None = None
    with_: str | None = None
    tls: str | None = None
    id: str | None = None
    for_: str | None = None
    date: ParsedDate | None = None
    authenticated: bool = False
    local: bool = False  # qmail "invoked by uid", local pickup

    @property
    def understood(self) -> bool:
        return bool(self.from_name or self.by or self.ip or self.local)


Clauses = dict[str, tuple[list[str], list[str]]]  # keyword -> (words, comments)


def parse_received(value: str, case_zone: str) -> Hop:
    return _hop(value, *_read(value, case_zone))


def received_facts(value: str, case_zone: str) -> tuple[bool, ParsedDate | None]:
    """``(hop.understood, hop.date)`` of ``parse_received``, without reading the rest
    of the hop when a ``from`` or ``by`` name already makes it understood (what an
    import stores of each hop: its findings and the delivery time)."""
    clauses, date_text = _split_date(value)
    date = parse_date(date_text, case_zone) if date_text.strip() else None
    if _from_or_by_named(clauses):
        return True, date
    return _hop(value, _clauses(clauses), date).understood, date


def _read(value: str, case_zone: str) -> tuple[Clauses, ParsedDate | None]:
    clauses, date_text = _split_date(value)
    return _clauses(clauses), (parse_date(date_text, case_zone) if date_text.strip()
                               else None)


def _hop(value: str, clause_map: Clauses, date: ParsedDate | None) -> Hop:
    from_words, from_comments = clause_map.get("from", ([], []))
    by_words, by_comments = clause_map.get("by", ([], []))
    with_words, with_comments = clause_map.get("with", ([], []))
    comments = " ".join(c for _, cs in clause_map.values() for c in cs)
    from_name = from_words[0] if from_words else None
    rdns, ip = _rdns_ip(from_comments, from_name)
    if ip is None:  # "from host [192.0.2.1]" (Exim 3, MDaemon, SMTPD32, fetchmail)
        ip = next((v for v in (_valid_ip(w) for w in from_words[1:] if w.startswith("["))
                   if v), None)
    protocol = " ".join(with_words) or None
    return Hop(
        raw=value, from_name=from_name, helo=_helo(from_comments) or _bare(from_name),
        rdns=rdns, ip=ip, by=_first(by_words), by_software=_software(by_comments),
        via=_first(clause_map.get("via", ([], []))[0]), with_=protocol,
        tls=_tls(protocol, comments + " " + " ".join(with_comments)),
        id=_first(clause_map.get("id", ([], []))[0]),
        for_=_strip_angle(_first(clause_map.get("for", ([], []))[0])), date=date,
        authenticated=_authenticated(protocol, comments),
        local="invoked by uid" in comments or "invoked for bounce" in comments,
    )


def _first(words: list[str]) -> str | None:
    return words[0] if words else None


def _software(comments: list[str]) -> str | None:
    return next((c for c in comments if _valid_ip(c.strip()) is None), None)


def _strip_angle(text: str | None) -> str | None:
    return text.strip("<>") if text else None


def _split_date(value: str) -> tuple[str, str]:
    depth = 0
    last = -1
    for mark in _DELIMITERS.finditer(value):  # only the characters that matter
        char = mark.group()
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char == ";" and depth == 0:
            last = mark.start()
    if last >= 0:
        return value[:last], value[last + 1:]
    found = list(_DATE_TAIL.finditer(value))
    if found and not _inside_comment(value, found[-1].start()):
        return value[:found[-1].start()], value[found[-1].start():]
    return value, ""


def _inside_comment(value: str, index: int) -> bool:
    return value[:index].count("(") > value[:index].count(")")


def _comment_at(value: str, start: int) -> tuple[str, int]:
    depth, index = 0, start
    while index < len(value):
        if value[index] == "(":
            depth += 1
        elif value[index] == ")":
            depth -= 1
            if depth == 0:
                return value[start + 1:index], index + 1
        index += 1
    return value[start + 1:], len(value)


def _tokens(text: str) -> Iterator[tuple[bool, str]]:
    """(is a comment, text) of each comment and word, in order (``;`` is a word)."""
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            pos += 1  # a stray ")" or ">": skip it
            continue
        if match.group(1):
            comment, pos = _comment_at(text, match.start(1))
            yield True, comment
            continue
        pos = match.end()
        yield False, match.group(0).strip()


def _clauses(text: str) -> Clauses:
    current: tuple[list[str], list[str]] = ([], [])
    found: Clauses = {"": current}
    for comment, word in _tokens(text):
        if comment:
            current[1].append(word)
        elif word.lower() in KEYWORDS and word.lower() not in found:
            current = ([], [])
            found[word.lower()] = current
        elif word != ";":
            current[0].append(word)
    return found


def _from_or_by_named(text: str) -> bool:
    """Whether ``_clauses(text)`` gives the ``from`` or the ``by`` clause a word, read
    only as far as the first such word (a hop that names them is understood)."""
    seen: set[str] = set()
    current = ""
    for comment, word in _tokens(text):
        if comment:
            continue
        key = word.lower()
        if key in KEYWORDS and key not in seen:
            seen.add(key)
            current = key
        elif word != ";" and current in ("from", "by"):
            return True
    return False


def _rdns_ip(comments: list[str], from_name: str | None) -> tuple[str | None, str | None]:
    rdns = ip = None
    for comment in comments:
        for candidate in _IP_CANDIDATE.findall(comment):
            ip = ip or _valid_ip(candidate)
        if ip and rdns is None:
            rdns = _rdns_name(comment)
    if ip is None and from_name:
        ip = _valid_ip(from_name.strip("[]").removeprefix("IPv6:"))
    return rdns, ip


def _rdns_name(comment: str) -> str | None:
    words = comment.replace("[", " [").split()
    if len(words) >= 2 and words[1].startswith("[") and "=" not in words[0]:
        return words[0].rstrip(".")
    return None


@functools.lru_cache(maxsize=256)  # the same few addresses, read per hop
def _valid_ip(candidate: str) -> str | None:
    text = candidate.strip("[]").removeprefix("IPv6:").removeprefix("ipv6:")
    if text.count(":") == 1 and "." in text:
        text = text.split(":")[0]  # 192.0.2.1:54321
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _helo(comments: list[str]) -> str | None:
    for comment in comments:
        match = _HELO.search(comment)
        if match:
            return match.group(1)
    return None


def _bare(name: str | None) -> str | None:
    if name is None or name.startswith("["):
        return None
    return name


def _tls(protocol: str | None, comments: str) -> str | None:
    match = _TLS.search(comments)
    if match:
        return match.group(1)
    if "Google Transport Security" in comments:
        return "TLS"
    proto = (protocol or "").upper().split(" ")[0]
    if proto.endswith(("SMTPS", "SMTPSA", "LMTPS", "LMTPSA", "HTTPS")):
        return proto
    return None


def _authenticated(protocol: str | None, comments: str) -> bool:
    proto = (protocol or "").upper().split(" ")[0]
    return proto.endswith(("SMTPA", "SMTPSA")) or "authenticated" in comments.lower()
