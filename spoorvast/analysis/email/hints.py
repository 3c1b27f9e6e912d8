"""The trust boundary (the hand-over), client-IP hints and mailer identification.

The newest Received headers were written by the recipient's organisation; going down
the chain, the hand-over is the first hop that crosses from outside that organisation.
Its IP is the sending server as the recipient's border saw it; everything older was
written by the sending side and can be forged.

What the recipient's border writes about the *connecting* server (its HELO name, its
reverse DNS) is chosen by that server, so a name inside the recipient's organisation
proves nothing on its own: a sender can say HELO mx.recipient.example. A hop is
therefore taken as internal without further proof only when the border's own words
say so: a local pickup, no sending side, a private address, or an internal protocol
(HTTP, LMTP, MAPI; "Microsoft SMTP Server" only inside Exchange Online and with an
IPv6 address, as it writes its internal hops: Exchange Online always records the
sender IP it checked above its hand-over line, which catches a sender naming itself
after a Microsoft host). Hops that are internal only by
name are confirmed by the provider's own SPF check: the topmost Received-SPF or
Authentication-Results naming the IP it checked (``client-ip=``, "sender IP is",
"designates … as permitted sender"). The topmost such header is the provider's own
whenever the provider writes one, because the sender's headers all lie below its
Received line. When that header names the IP of a hop, that hop is the hand-over;
when it names none, the hand-over is marked as not confirmed. No country-based
judgement is made.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

from spoorvast.analysis.email.authresults import IpClaim
from spoorvast.analysis.email.headers import HeaderBlock
from spoorvast.analysis.email.psl import organisational_domain as org
from spoorvast.analysis.email.received import Hop

_INTERNAL_PROTOCOLS = ("HTTP", "LMTP", "MAPI", "LOCAL")
CLIENT_HEADERS = ("x-originating-ip", "x-sender-ip", "x-client-ip", "x-real-ip",
                  "x-forwarded-for", "x-yahoo-post-ip", "x-aol-ip",
                  "x-ms-exchange-organization-originalclientipaddress",
                  "x-mailgun-sending-ip", "x-originating-client-ip")
# Internal ranges only (RFC 1918, 6598, 4193, loopback, link-local). Not ipaddress's
# ``is_private``, which also counts the documentation ranges as private.
_INTERNAL = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"))
_IP = re.compile(r"[0-9A-Fa-f:.]{3,45}")
_CIP = re.compile(r"\bCIP:\s*([0-9A-Fa-f:.]+)")


@dataclass(frozen=True, slots=True)
class Boundary:
    hop: int | None  # index into the newest-first hop list; None: no hand-over found
    provider_domains: frozenset[str]
    spf_check: str = "none"  # "confirmed", "moved", "mismatch", "unconfirmed",
    #                          "lower-claimed", "none"
    claim: IpClaim | None = None  # the provider's own record of the IP it checked


@dataclass(frozen=True, slots=True)
class ClientHint:
    ip: str
    source: str  # the header it comes from
    line: int
    recipient_side: bool  # written above the trust boundary (by the recipient's side)


@dataclass(frozen=True, slots=True)
class Mailer:
    name: str
    evidence: str  # the header that shows it


@functools.lru_cache(maxsize=256)  # the same few addresses, read per hop
def private(ip: str | None) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in _INTERNAL)


def find_boundary(newest_first: list[Hop], positions: list[int] | None = None,
                  claims: list[IpClaim] | None = None) -> Boundary:
    """The hand-over hop; ``positions`` are the hops' field indexes in the header."""
    positions = positions if positions is not None else list(range(len(newest_first)))
    first = _first_outside(newest_first)
    claim = min(claims or [], key=lambda c: c.position, default=None)
    if first is None:
        return Boundary(None, _domains(newest_first, len(newest_first)), "none", claim)
    hop, check = first, "none"
    if claim is not None:
        hop, check = _by_claim(newest_first, positions, first, claim)
    return Boundary(hop, _domains(newest_first, hop + 1), check, claim)


def _by_claim(hops: list[Hop], positions: list[int], first: int,
              claim: IpClaim) -> tuple[int, str]:
    named = next((i for i, h in enumerate(hops) if h.ip == claim.ip), None)
    if claim.position < positions[first]:  # written by the recipient side
        if named is None:
            return first, "mismatch"
        return named, "confirmed" if named == first else "moved"
    if named == first:  # Gmail writes it just below its own Received line
        return first, "confirmed"
    if named is not None and named > first:  # below the hop: the provider's or the sender's
        return first, "lower-claimed"
    return first, "unconfirmed"


def _first_outside(newest_first: list[Hop]) -> int | None:
    domains: set[str] = set()
    for index, hop in enumerate(newest_first):
        by_org = org(hop.by)
        if by_org:
            domains.add(by_org)
        if not _internal(hop, domains):
            return index
    return None


# One provider under several organisational domains: its authserv-id may name another
# of them than its Received lines (iCloud writes "by *.mac.com", "icloud.com; dmarc=").
# Used only for headers above the hand-over, which the sender cannot write.
PROVIDER_FAMILIES = (
    frozenset({"icloud.com", "me.com", "mac.com", "apple.com"}),
    frozenset({"google.com", "gmail.com", "googlemail.com"}),
    frozenset({"outlook.com", "office365.com", "hotmail.com", "live.com",
               "microsoft.com"}),
    frozenset({"yahoo.com", "yahoodns.net", "aol.com"}),
)


_MICROSOFT = PROVIDER_FAMILIES[2]


def _domains(hops: list[Hop], upto: int) -> frozenset[str]:
    found = {d for d in (org(h.by) for h in hops[:upto]) if d}
    for family in PROVIDER_FAMILIES:
        if found & family:
            found |= family
    return frozenset(found)


def _internal(hop: Hop, domains: set[str]) -> bool:
    """Internal by what the receiving server itself wrote, not by the sender's names."""
    if hop.local or (hop.from_name is None and hop.ip is None):
        return True
    if private(hop.ip):
        return True
    protocol = (hop.with_ or "").upper()
    named_inside = org(hop.from_name) in domains and (hop.rdns is None
                                                      or org(hop.rdns) in domains)
    if not named_inside:
        return False
    if protocol.startswith(_INTERNAL_PROTOCOLS):
        return True
    return (protocol.startswith("MICROSOFT SMTP") and not _public_v4(hop.ip)
            and org(hop.by) in _MICROSOFT)


def _public_v4(ip: str | None) -> bool:
    if not ip:
        return False
    try:
        return ipaddress.ip_address(ip).version == 4 and not private(ip)
    except ValueError:
        return False


def client_hints(block: HeaderBlock, boundary_position: int) -> list[ClientHint]:
    hints: list[ClientHint] = []
    for position, header in enumerate(block.fields):
        above = position < boundary_position
        if header.key in CLIENT_HEADERS:
            hints.extend(ClientHint(ip, header.name, header.line, above)
                         for ip in _ips(header.value))
        elif header.key == "x-forefront-antispam-report":
            match = _CIP.search(header.value)
            if match and _valid(match.group(1)):
                hints.append(ClientHint(str(_valid(match.group(1))), header.name + " CIP",
                                        header.line, above))
    return hints


def _ips(text: str) -> list[str]:
    found = []
    for candidate in _IP.findall(text):
        valid = _valid(candidate.strip("[]"))
        if valid and valid not in found:
            found.append(valid)
    return found


@functools.lru_cache(maxsize=256)  # the same few addresses, read per hop
def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


_BY_HEADER = (
    ("x-google-smtp-source", "Gmail"), ("x-gm-message-state", "Gmail"),
    ("x-ms-exchange-organization-authas", "Microsoft Exchange"),
    ("x-ms-exchange-crosstenant-id", "Microsoft 365 / Exchange Online"),
    ("x-mimeole", "Microsoft Outlook (MimeOLE)"), ("x-sg-eid", "SendGrid"),
    ("x-mailgun-sid", "Mailgun"), ("x-ses-outgoing", "Amazon SES"),
    ("x-ymail-osg", "Yahoo Mail"), ("x-mailer-sid", "Mailjet"),
    ("x-pm-message-id", "Proton Mail"),
)
_BY_MESSAGE_ID = (
    ("mail.gmail.com", "Gmail"), ("prod.outlook.com", "Microsoft 365 / Outlook.com"),
    ("email.amazonses.com", "Amazon SES"), ("sendgrid", "SendGrid"),
    ("protonmail", "Proton Mail"), ("yahoo.com", "Yahoo Mail"),
)


def mailers(block: HeaderBlock) -> list[Mailer]:
    found: list[Mailer] = []
    for name in ("X-Mailer", "User-Agent"):
        value = block.value(name)
        if value:
            found.append(Mailer(value[:120], name))
    keys = {f.key for f in block.fields}
    found.extend(Mailer(label, key) for key, label in _BY_HEADER if key in keys)
    message_id = (block.value("Message-ID") or "").lower()
    found.extend(Mailer(label, "Message-ID") for part, label in _BY_MESSAGE_ID
                 if part in message_id.rpartition("@")[2])
    unique: dict[str, Mailer] = {}
    for mailer in found:
        unique.setdefault(mailer.name, mailer)
    return list(unique.values())
