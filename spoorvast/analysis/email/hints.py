"""The trust boundary, client-IP hints and mailer identification.

Trust boundary: the newest Received headers were written by the recipient's provider
(they are as trustworthy as that provider); going down the chain, the first hop whose
sending side is outside the provider is the hand-over. Its IP is the sending server as
the recipient's provider saw it. Everything older was written by the sending side and
can be forged. Internal hops are recognised by a private IP, a reverse-DNS name in the
provider's organisational domain, or (without rDNS) an internal protocol (HTTP, LMTP,
Exchange) from a host named in that domain. No country-based judgement is made.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from spoorvast.analysis.email.headers import HeaderBlock
from spoorvast.analysis.email.psl import organisational_domain as org
from spoorvast.analysis.email.received import Hop

_INTERNAL_PROTOCOLS = ("HTTP", "LMTP", "MICROSOFT SMTP", "MAPI", "LOCAL")
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


def private(ip: str | None) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in _INTERNAL)


def find_boundary(newest_first: list[Hop]) -> Boundary:
    domains: set[str] = set()
    for index, hop in enumerate(newest_first):
        by_org = org(hop.by)
        if by_org:
            domains.add(by_org)
        if not _internal(hop, domains):
            return Boundary(index, frozenset(domains))
    return Boundary(None, frozenset(domains))


def _internal(hop: Hop, domains: set[str]) -> bool:
    if hop.local or (hop.from_name is None and hop.ip is None):
        return True
    if private(hop.ip) or (hop.rdns and org(hop.rdns) in domains):
        return True
    protocol = (hop.with_ or "").upper()
    named_inside = org(hop.from_name) in domains
    return hop.rdns is None and named_inside and protocol.startswith(_INTERNAL_PROTOCOLS)


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
