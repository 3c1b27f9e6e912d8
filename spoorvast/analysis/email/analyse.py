"""The header analysis of one message: from exact bytes to an :class:`EmailAnalysis`.

Never raises on any input: each defect becomes a Problem with its Location (artifact,
line, byte range, header name). The result is a typed record, stored as JSON next to
the original, and explained in plain language by :mod:`.verdict`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from spoorvast.analysis.email import indicators as ind
from spoorvast.analysis.email.addresses import Address, AddressIssue, parse_addresses
from spoorvast.analysis.email.authresults import (
    AUTH_HEADERS,
    AuthHeader,
    IpClaim,
    ip_claims,
    mark_trusted,
    parse_auth_header,
)
from spoorvast.analysis.email.dates import ParsedDate, parse_date
from spoorvast.analysis.email.headers import HeaderBlock, RawHeader, split_headers
from spoorvast.analysis.email.hints import (
    Boundary,
    ClientHint,
    Mailer,
    client_hints,
    find_boundary,
    mailers,
)
from spoorvast.analysis.email.problems import header_problems, problem
from spoorvast.analysis.email.psl import organisational_domain
from spoorvast.analysis.email.received import Hop, parse_received, received_facts
from spoorvast.analysis.email.signatures import (
    ArcCheck,
    KeySource,
    Resolver,
    SignatureCheck,
    check_arc,
    check_dkim,
    for_verification,
    listed,
)
from spoorvast.analysis.email.words import decode_words
from spoorvast.model.instant import Instant
from spoorvast.model.records import Problem, Severity

SKEW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Options:
    case_zone: str
    keys: Mapping[str, str] = field(default_factory=dict)  # "s._domainkey.d" -> TXT
    resolver: Resolver | None = None  # DNS look-ups only when the user allows them
    trusted_authserv_ids: frozenset[str] = frozenset()
    verify_signatures: bool = True
    pasted: bool = False  # text copied by a person: page chrome and lost folding allowed


@dataclass(frozen=True, slots=True)
class HopView:
    number: int  # 1 = the oldest hop
    hop: Hop
    line: int
    byte_start: int
    byte_end: int
    side: str  # "recipient", "hand-over" or "sender-claimed"
    delay_seconds: float | None  # since the previous (older) hop; None = unknown
    skew: bool  # earlier than the previous hop: a clock is wrong or a hop is forged


@dataclass(frozen=True, slots=True)
class EmailAnalysis:
    sha256: str
    subject: str | None
    message_id: str | None
    date: ParsedDate | None
    from_: tuple[Address, ...]
    sender: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    return_path: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    hops: tuple[HopView, ...]
    handover_line: int | None  # the hand-over Received line, 1-based
    date_line: int | None  # the Date header's line
    delivered_line: int | None  # the Received line whose date is the delivery time
    handover_check: str  # what the provider's own SPF record says about it (Boundary)
    handover_claim: IpClaim | None
    sending_ip: str | None
    sending_host: str | None
    received_by: str | None
    provider_domains: tuple[str, ...]
    delivered_at: Instant | None
    client_hints: tuple[ClientHint, ...]
    auth_results: tuple[AuthHeader, ...]
    dkim: tuple[SignatureCheck, ...]
    arc: ArcCheck | None
    alignment: ind.Alignment
    indicators: tuple[ind.Indicator, ...]
    mailers: tuple[Mailer, ...]
    header_count: int
    line_endings: tuple[str, ...]
    envelope: str | None
    body_offset: int
    problems: tuple[Problem, ...]


def _addresses(block: HeaderBlock, name: str) -> tuple[Address, ...]:
    return tuple(a for f in block.all(name) for a in parse_addresses(f.value))


def _hops(block: HeaderBlock, zone: str) -> list[tuple[RawHeader, Hop]]:
    """Newest first, as they appear in the header."""
    return [(f, parse_received(f.value, zone)) for f in block.all("Received")]


def _views(hops: list[tuple[RawHeader, Hop]], boundary: Boundary) -> tuple[HopView, ...]:
    views: list[HopView] = []
    previous: Instant | None = None
    for number, newest_index in enumerate(range(len(hops) - 1, -1, -1), 1):
        raw, hop = hops[newest_index]
        moment = hop.date.instant if hop.date else None
        delay = (moment.utc - previous.utc).total_seconds() if moment and previous else None
        views.append(HopView(number, hop, raw.line, raw.start, raw.end,
                             _side(newest_index, boundary.hop), delay,
                             delay is not None and delay < -SKEW_SECONDS))
        previous = moment
    return tuple(views)


def _side(newest_index: int, boundary: int | None) -> str:
    if boundary is None or newest_index < boundary:
        return "recipient"
    return "hand-over" if newest_index == boundary else "sender-claimed"


def analyse(data: bytes, sha256: str, options: Options,
            block: HeaderBlock | None = None) -> EmailAnalysis:
    """``block``: ``split_headers(data, pasted=options.pasted)``, when the caller has it."""
    if block is None:
        block = split_headers(data, pasted=options.pasted)
    return _analyse(block, data, sha256, options)


def _analyse(block: HeaderBlock, data: bytes, sha256: str, options: Options) -> EmailAnalysis:
    problems = header_problems(block, sha256)
    hops = _hops(block, options.case_zone)
    boundary = _boundary(block, hops)
    position = _boundary_position(block, hops, boundary)
    auth = _auth(block, position, boundary, options)
    checks, arc = _signatures(block, data, options)
    from_, sender = _addresses(block, "From"), _addresses(block, "Sender")
    reply_to, return_path = _addresses(block, "Reply-To"), _addresses(block, "Return-Path")
    align = ind.alignment(list(from_), checks, [a for a in auth if a.trusted])
    date = _date(block, options.case_zone)
    views = _views(hops, boundary)
    message_id = block.value("Message-ID")
    indicators = [
        *ind.address_indicators(list(from_), list(sender), list(reply_to),
                                list(return_path), message_id),
        *ind.duplicate_indicators(Counter(f.key for f in block.fields)),
        *ind.signature_indicators(checks, align, auth),
        *_time_indicators(date, views),
    ]
    problems += _date_problems(block, date, sha256)
    problems += _hop_problems([(r, h.understood, h.date) for r, h in hops], sha256)
    problems += _address_problems(block, sha256)
    handover = hops[boundary.hop][1] if boundary.hop is not None else None
    handover_line = hops[boundary.hop][0].line if boundary.hop is not None else None
    return EmailAnalysis(
        sha256=sha256, subject=_subject(block),
        message_id=message_id, date=date, from_=from_, sender=sender, reply_to=reply_to,
        return_path=return_path, to=_addresses(block, "To"), cc=_addresses(block, "Cc"),
        hops=views, handover_line=handover_line,
        date_line=_line(block.first("Date")), delivered_line=_delivered_line(hops),
        handover_check=boundary.spf_check, handover_claim=boundary.claim,
        sending_ip=handover.ip if handover else None,
        sending_host=(handover.rdns or handover.from_name) if handover else None,
        received_by=handover.by if handover else None,
        provider_domains=tuple(sorted(boundary.provider_domains)),
        delivered_at=_delivered(hops), client_hints=tuple(client_hints(block, position)),
        auth_results=tuple(auth), dkim=tuple(checks), arc=arc, alignment=align,
        indicators=tuple(indicators), mailers=tuple(mailers(block)),
        header_count=len(block.fields), line_endings=tuple(sorted(block.endings)),
        envelope=None if block.envelope is None else block.envelope.decode("latin-1"),
        body_offset=block.body_start, problems=tuple(problems),
    )


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What an import stores of a message's analysis: its findings and what its event
    and identifiers are made of. The same values as :func:`analyse` gives (the same
    functions make them), without the trust model, hops, signatures and indicators,
    which only the analysis document shows (rebuilt when read: ``email_report``)."""

    sha256: str
    subject: str | None
    date: ParsedDate | None
    from_: tuple[Address, ...]
    sender: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    return_path: tuple[Address, ...]
    delivered_at: Instant | None
    problems: tuple[Problem, ...]


def facts_of(analysis: EmailAnalysis) -> MessageFacts:
    a = analysis
    return MessageFacts(a.sha256, a.subject, a.date, a.from_, a.sender, a.reply_to,
                        a.return_path, a.delivered_at, a.problems)


def message_facts(data: bytes, sha256: str, options: Options,
                  block: HeaderBlock | None = None) -> MessageFacts:
    """:func:`facts_of` ``analyse(data, sha256, options)``, at 40 % less work (half of
    the analysis of a small message is the trust model and the signatures, unused by
    an import whose document is not sealed). Only for options without keys, resolver or
    trusted ids (those change nothing here, but their document is sealed: analyse).
    ``block``: ``split_headers(data, pasted=options.pasted)``, when the caller has it."""
    if block is None:
        block = split_headers(data, pasted=options.pasted)
    zone = options.case_zone
    problems = header_problems(block, sha256)
    hops = [(f, *received_facts(f.value, zone)) for f in block.all("Received")]
    date = _date(block, zone)
    problems += _date_problems(block, date, sha256) + _hop_problems(hops, sha256)
    problems += _address_problems(block, sha256)
    return MessageFacts(
        sha256=sha256, subject=_subject(block), date=date,
        from_=_addresses(block, "From"), sender=_addresses(block, "Sender"),
        reply_to=_addresses(block, "Reply-To"), return_path=_addresses(block, "Return-Path"),
        delivered_at=next((d.instant for _, _, d in hops if d and d.instant), None),
        problems=tuple(problems))


def _subject(block: HeaderBlock) -> str | None:
    found = block.first("Subject")
    return None if found is None else decode_words(found.value_bytes.strip()).text.strip()


def _boundary(block: HeaderBlock, hops: list[tuple[RawHeader, Hop]]) -> Boundary:
    index = {id(f): i for i, f in enumerate(block.fields)}
    claims = ip_claims((i, f.line, f.name, f.value) for i, f in enumerate(block.fields)
                       if f.key in ("received-spf", *AUTH_HEADERS))
    return find_boundary([h for _, h in hops], [index[id(f)] for f, _ in hops], claims)


def _boundary_position(block: HeaderBlock, hops: list[tuple[RawHeader, Hop]],
                       boundary: Boundary) -> int:
    """Index in the header of the hand-over Received header.

    Without a hand-over (no Received line, or only internal ones) nothing is known to
    be written by the recipient's border, so nothing is above the boundary.
    """
    if boundary.hop is None:
        return 0
    raw = hops[boundary.hop][0]
    return next(i for i, f in enumerate(block.fields) if f is raw)


def _auth(block: HeaderBlock, position: int, boundary: Boundary,
          options: Options) -> list[AuthHeader]:
    parsed = [parse_auth_header(f.name, f.value, i, f.line)
              for i, f in enumerate(block.fields) if f.key in AUTH_HEADERS]
    ids = {i.lower() for i in options.trusted_authserv_ids} | set(boundary.provider_domains)
    return mark_trusted(parsed, position, ids, organisational_domain)


def _signatures(block: HeaderBlock, data: bytes,
                options: Options) -> tuple[list[SignatureCheck], ArcCheck | None]:
    values = [f.value for f in block.all("DKIM-Signature")]
    if not options.verify_signatures:
        return listed(values), None
    source = KeySource(options.keys, options.resolver)
    message = for_verification(data, "cr" in block.endings)
    checks = check_dkim(message, values, source) if values else []
    arc = check_arc(message, source) if block.first("ARC-Seal") else None
    return checks, arc


def _date(block: HeaderBlock, zone: str) -> ParsedDate | None:
    value = block.value("Date")
    return None if value is None else parse_date(value, zone)


def _line(field_: RawHeader | None) -> int | None:
    return None if field_ is None else field_.line


def _delivered_line(hops: list[tuple[RawHeader, Hop]]) -> int | None:
    return next((raw.line for raw, hop in hops if hop.date and hop.date.instant), None)


def _delivered(hops: list[tuple[RawHeader, Hop]]) -> Instant | None:
    for _, hop in hops:
        if hop.date and hop.date.instant:
            return hop.date.instant
    return None


def _time_indicators(date: ParsedDate | None, views: tuple[HopView, ...]) -> list[ind.Indicator]:
    found = []
    first = next((v.hop.date.instant for v in views if v.hop.date and v.hop.date.instant), None)
    if date and date.instant and first:
        gap = (first.utc - date.instant.utc).total_seconds()
        if abs(gap) > ind.DATE_TOLERANCE_SECONDS:
            found.append(ind.Indicator("date-far-from-first-hop",
                                       (("minutes", str(round(gap / 60))),)))
    found.extend(ind.Indicator("hop-clock-skew", (("hop", str(v.number)),
                                                  ("seconds", str(round(v.delay_seconds or 0)))))
                 for v in views if v.skew)
    return found


def _date_problems(block: HeaderBlock, date: ParsedDate | None, sha: str) -> list[Problem]:
    if date is None:
        return [problem(Severity.WARNING, "email.date-missing", sha)]
    field_ = block.first("Date")
    assert field_ is not None
    if date.issue is None:
        return []
    severity = Severity.INFO if date.instant is not None else Severity.WARNING
    return [problem(severity, f"email.date-{date.issue}", sha, field_)]


def _hop_problems(hops: list[tuple[RawHeader, bool, ParsedDate | None]],
                  sha: str) -> list[Problem]:
    """Per hop (header, understood, date), newest first as written; the problems come
    oldest first, numbered as :class:`HopView` numbers the hops."""
    found = []
    for number, (raw, understood, date) in enumerate(reversed(hops), 1):
        where = (raw.line, raw.start, raw.end)
        if not understood:
            found.append(problem(Severity.WARNING, "email.received-unparsed", sha, None,
                                 where, (("hop", str(number)),)))
        if date is None or date.instant is None:
            found.append(problem(Severity.INFO, "email.received-no-date", sha, None, where,
                                 (("hop", str(number)),)))
    return found


def _address_problems(block: HeaderBlock, sha: str) -> list[Problem]:
    found = []
    for name in ("From", "Sender", "Reply-To", "To", "Cc", "Return-Path"):
        for field_ in block.all(name):
            issues = {i for a in parse_addresses(field_.value) for i in a.issues}
            if issues & {AddressIssue.INVALID, AddressIssue.GUESSED,
                         AddressIssue.SEVERAL_ANGLES}:
                found.append(problem(Severity.WARNING, "email.address-odd", sha, field_))
    if not block.all("From"):
        found.append(problem(Severity.WARNING, "email.from-missing", sha))
    return found
