"""Authentication-Results, ARC-Authentication-Results and Received-SPF.

Anyone can write these headers into a message before sending it. Every header the
sender wrote lies *below* the Received line the recipient's border wrote when it took
the message in (the hand-over), so only headers above that line, with the recipient
side's own ``authserv-id``, say something (RFC 8601 §5, RFC 7001 §7.1). There is no
fallback for a header below the hand-over line: a sender can put one exactly there,
so such a header is kept and shown as "claimed", never trusted.

Parsing uses ``authres``, with two tested repairs for real shapes it refuses: the
trailing ``;`` Exchange Online always writes, and the null sender ``smtp.mailfrom=<>``
(or ``=""``, which authres runs into the next property).
Exchange Online also writes no authserv-id at all; such a header is read under a
placeholder and its authserv-id is ``None``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import authres

_INSTANCE = re.compile(r"\s*i\s*=\s*(\d+)\s*;")
_NULL_SENDER = re.compile(r"=\s*(?:<>|\"\")")
# authres reads ``=""`` followed by another property as one value; the null sender is
# parsed under this placeholder and given back as "".
_NULL_PLACEHOLDER = "null-sender.spoorvast.invalid"
# The IP the provider checked, as written in a result's comment or properties.
_IP_TEXTS = (re.compile(r"sender IP is ([0-9A-Fa-f:.]+)", re.IGNORECASE),
             re.compile(r"designates ([0-9A-Fa-f:.]+) as permitted sender", re.IGNORECASE),
             re.compile(r"does not designate ([0-9A-Fa-f:.]+) as permitted", re.IGNORECASE),
             re.compile(r"\bclient-ip\s*=\s*([0-9A-Fa-f:.]+)", re.IGNORECASE),
             re.compile(r"\bsmtp\.remote-ip\s*=\s*([0-9A-Fa-f:.]+)", re.IGNORECASE))
AUTH_HEADERS = ("authentication-results", "arc-authentication-results")


@dataclass(frozen=True, slots=True)
class AuthResult:
    method: str
    result: str
    reason: str | None
    properties: tuple[tuple[str, str], ...]

    def prop(self, name: str) -> str | None:
        return next((v for k, v in self.properties if k == name), None)


@dataclass(frozen=True, slots=True)
class AuthHeader:
    header: str
    position: int  # index of the field in the header block (0 = topmost)
    authserv_id: str | None
    instance: int | None
    results: tuple[AuthResult, ...]
    parsed: bool
    trusted: bool = False
    line: int = 0  # 1-based line of the header in the message
    checked_ip: str | None = None  # the connecting IP the writer says it checked
    own_id: bool = False  # its authserv-id is the recipient side's (or it has none)


@dataclass(frozen=True, slots=True)
class IpClaim:
    """An IP address a header says the writer checked SPF on (Received-SPF, A-R)."""

    ip: str
    position: int
    line: int
    header: str


def parse_auth_header(name: str, value: str, position: int, line: int = 0) -> AuthHeader:
    instance = None
    match = _INSTANCE.match(value)
    if name.lower() == "arc-authentication-results" and match:
        instance, value = int(match.group(1)), value[match.end():]
    authserv, results, parsed = _parse(value)
    return AuthHeader(name, position, authserv, instance, results, parsed, line=line,
                      checked_ip=ip_in(value))


def repaired(value: str) -> str:
    """Unfolded, without the trailing ``;`` and with ``<>`` written as ``""``."""
    text = " ".join(value.split())
    text = _NULL_SENDER.sub("=" + _NULL_PLACEHOLDER, text)
    return text.rstrip("; ")


def _parse(value: str) -> tuple[str | None, tuple[AuthResult, ...], bool]:
    text = repaired(value)
    quick = _common_shape(text)
    if quick is not None:
        return quick
    try:
        header = authres.AuthenticationResultsHeader.parse(
            "Authentication-Results: " + text)
        return header.authserv_id, tuple(_result(r) for r in header.results), True
    except Exception:  # authres raises its own SyntaxError and others on odd input
        pass
    try:  # Exchange Online writes no authserv-id at all
        header = authres.AuthenticationResultsHeader.parse(
            "Authentication-Results: unnamed.invalid; " + text)
        return None, tuple(_result(r) for r in header.results), True
    except Exception:
        return None, (), False


# The common shapes, read without authres (a quarter of an mbox import's time went to
# its recompiled patterns): printable ASCII only, no quoted strings, backslashes,
# nested comments, reasons or version numbers, every property of a known type with a
# non-empty value. Anything else goes to authres. tests/email/test_authres_quick.py
# checks that both readings agree on every shape this accepts.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_KTEXT = r"[A-Za-z0-9!#$%&'*+?^_`{|}~-]"
_PTEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]"
_COMMENT = r"\([\x20-\x27\x2a-\x5b\x5d-\x7e]*\)"
_QUICK_ID = re.compile(rf"({_ATEXT}+(?:\.{_ATEXT}+)*)")
_QUICK_RESULT = re.compile(
    rf" ?({_KTEXT}+(?:\.{_KTEXT}+)*) ?= ?({_ATEXT}+(?:\.{_ATEXT}+)*)(?: ?{_COMMENT})*")
_QUICK_PROP = re.compile(
    rf" ?((?i:smtp|header|body|policy))\.({_KTEXT}+(?:\.{_KTEXT}+)*) ?= ?({_PTEXT}+)"
    rf"(?: ?{_COMMENT})*")
_QUICK_TEXT = re.compile(r"[\x20-\x7e]*")


def _common_shape(text: str) -> tuple[str | None, tuple[AuthResult, ...], bool] | None:
    if not _QUICK_TEXT.fullmatch(text) or '"' in text or "\\" in text:
        return None
    pieces = text.split(";")
    head = _QUICK_ID.fullmatch(pieces[0].rstrip())
    if head is None or len(pieces) < 2 or "reason" in text.lower():
        return None
    results = [_quick_result(piece) for piece in pieces[1:]]
    if any(r is None for r in results):
        return None
    return head.group(1).lower(), tuple(r for r in results if r is not None), True


def _quick_result(piece: str) -> AuthResult | None:
    match = _QUICK_RESULT.match(piece)
    if match is None or match.group(1).lower().startswith("none"):
        return None
    properties, at = [], match.end()
    while at < len(piece.rstrip()):
        prop = _QUICK_PROP.match(piece, at)
        if prop is None:
            return None
        value = "" if prop.group(3) == _NULL_PLACEHOLDER else prop.group(3)
        properties.append((f"{prop.group(1).lower()}.{prop.group(2).lower()}", value))
        at = prop.end()
    return AuthResult(match.group(1).lower(), match.group(2).lower(), None, tuple(properties))


def _result(result: object) -> AuthResult:
    props = tuple((f"{p.type}.{p.name}", "" if str(p.value) == _NULL_PLACEHOLDER
                   else str(p.value)) for p in getattr(result, "properties", ()) or ())
    reason = getattr(result, "reason", None)
    return AuthResult(str(getattr(result, "method", "")).lower(),
                      str(getattr(result, "result", "")).lower(),
                      None if reason is None else str(reason), props)


def ip_in(text: str) -> str | None:
    """The first valid IP address the text says was checked."""
    for pattern in _IP_TEXTS:
        for candidate in pattern.findall(text):
            try:
                return str(ipaddress.ip_address(candidate.strip(".:")))
            except ValueError:
                continue
    return None


def ip_claims(fields: Iterable[tuple[int, int, str, str]]) -> list[IpClaim]:
    """(position, line, name, value) of the header fields -> the IPs they say were checked."""
    claims = []
    for position, line, name, value in fields:
        if name.lower() not in ("received-spf", *AUTH_HEADERS):
            continue
        ip = ip_in(value)
        if ip is not None:
            claims.append(IpClaim(ip, position, line, name))
    return claims


def mark_trusted(headers: Iterable[AuthHeader], boundary_position: int,
                 provider_ids: set[str],
                 org: Callable[[str | None], str | None]) -> list[AuthHeader]:
    """Trust the recipient side's own headers: its authserv-id, above the hand-over.

    ``provider_ids`` holds the recipient side's organisational domains and any
    authserv-id the user named; ``org`` maps a name to its organisational domain. A
    header below the hand-over line is never trusted, whatever its authserv-id: the
    sender can write it exactly there.
    """

    def own(header: AuthHeader) -> bool:
        name = header.authserv_id
        return name is None or name.lower() in provider_ids or org(name) in provider_ids

    return [replace(h, own_id=own(h),
                    trusted=h.parsed and own(h) and h.position < boundary_position)
            for h in headers]
