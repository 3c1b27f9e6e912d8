"""Spoofing indicators and DMARC alignment.

An indicator is a fact worth a look, not a judgement: mailing lists, newsletters and
forwarding explain many of them. Each carries the values it is about.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from spoorvast.analysis.email.addresses import Address
from spoorvast.analysis.email.authresults import AuthHeader
from spoorvast.analysis.email.psl import organisational_domain as org
from spoorvast.analysis.email.signatures import (
    INCONCLUSIVE,
    SignatureCheck,
    Status,
    qp_decoded,
)

SINGLE_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date",
                  "Message-ID", "In-Reply-To", "References")
DATE_TOLERANCE_SECONDS = 3600
_UNCHECKED = (Status.KEY_NOT_SUPPLIED, Status.KEY_GONE, Status.DNS_ERROR)


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Alignment:
    """DMARC-style alignment, from the identities the recipient's provider checked.

    SPF is judged on the identity the provider's own Authentication-Results name
    (``smtp.mailfrom``, or ``smtp.helo`` for the null sender of a bounce), never on a
    Return-Path header, which the sender can write. DKIM counts when spoorvast verified
    a signature itself, or when the provider reported ``dkim=pass`` with a ``header.d``
    aligned with From. The provider's own DMARC result is never contradicted.
    """

    from_domain: str | None
    dkim_aligned: tuple[str, ...]  # d= of signatures we verified that align with From
    spf_domain: str | None  # the domain of the identity the provider checked
    spf_result: str | None  # from the recipient's own Authentication-Results
    spf_aligned: bool | None
    reported_dmarc: str | None  # what the recipient's own Authentication-Results say
    result: str  # "pass", "fail" or "unknown"
    reason: str  # a key of verdict._AUTH
    spf_identity: str | None = None  # "mailfrom" or "helo"
    provider_dkim: tuple[str, ...] = ()  # header.d the provider found valid and aligned
    lines: tuple[int, ...] = ()  # the header lines the result rests on


def aligned(a: str | None, b: str | None) -> bool:
    return bool(a and b and org(a) is not None and org(a) == org(b))


def domain_of(identity: str | None) -> str | None:
    text = (identity or "").strip().strip("<>").strip('"').rstrip(".")
    domain = text.rpartition("@")[2].lower()
    return domain or None


@dataclass(frozen=True, slots=True)
class _Spf:
    result: str | None = None
    domain: str | None = None
    identity: str | None = None
    line: int | None = None


def _provider_spf(trusted: list[AuthHeader]) -> _Spf:
    """The topmost trusted SPF result, with the identity it was about."""
    for header in trusted:
        for result in header.results:
            if result.method != "spf":
                continue
            mailfrom = domain_of(result.prop("smtp.mailfrom"))
            helo = domain_of(result.prop("smtp.helo"))
            if mailfrom:
                return _Spf(result.result, mailfrom, "mailfrom", header.line)
            if helo:
                return _Spf(result.result, helo, "helo", header.line)
            return _Spf(result.result, None, None, header.line)
    return _Spf()


def _provider_dkim(trusted: list[AuthHeader], from_domain: str | None) -> tuple[
        tuple[str, ...], tuple[int, ...]]:
    found: list[str] = []
    lines: list[int] = []
    for header in trusted:
        for result in header.results:
            identity = result.prop("header.i")  # the i= tag as signed: may be QP-encoded
            domain = domain_of(result.prop("header.d")
                               or (qp_decoded(identity) if identity else None))
            if result.method == "dkim" and result.result == "pass" and aligned(
                    domain, from_domain) and domain:
                found.append(domain)
                lines.append(header.line)
    return tuple(dict.fromkeys(found)), tuple(lines)


def _provider_dmarc(trusted: list[AuthHeader]) -> tuple[str | None, int | None]:
    for header in trusted:
        for result in header.results:
            if result.method == "dmarc":
                return result.result, header.line
    return None, None


def alignment(from_: list[Address], checks: list[SignatureCheck],
              trusted: list[AuthHeader]) -> Alignment:
    from_domain = from_[0].domain if from_ and from_[0].mailbox else None
    dkim_ok = tuple(c.domain for c in checks
                    if c.status == Status.PASS and c.domain and aligned(c.domain, from_domain))
    spf = _provider_spf(trusted)
    spf_aligned = aligned(spf.domain, from_domain) if spf.domain and from_domain else None
    provider_dkim, dkim_lines = _provider_dkim(trusted, from_domain)
    dmarc, dmarc_line = _provider_dmarc(trusted)
    facts = _Facts(from_domain, dkim_ok, checks, spf.result, spf_aligned, provider_dkim,
                   dmarc)
    result, reason = _result(facts)
    lines = _lines(reason, spf.line, dkim_lines, dmarc_line)
    return Alignment(from_domain, dkim_ok, spf.domain, spf.result, spf_aligned, dmarc,
                     result, reason, spf.identity, provider_dkim, lines)


@dataclass(frozen=True, slots=True)
class _Facts:
    from_domain: str | None
    dkim_ok: tuple[str, ...]
    checks: list[SignatureCheck]
    spf_result: str | None
    spf_aligned: bool | None
    provider_dkim: tuple[str, ...]
    dmarc: str | None


_DMARC_PASS = ("pass", "bestguesspass")


def _result(f: _Facts) -> tuple[str, str]:
    if f.from_domain is None:
        return "unknown", "no-from"
    if f.dmarc == "fail":
        return ("unknown", "dmarc-fail-signature-valid") if f.dkim_ok else (
            "fail", "provider-dmarc-fail")
    if f.dkim_ok:
        return "pass", "dkim-aligned"
    if f.dmarc in _DMARC_PASS:
        return "pass", "provider-dmarc-pass"
    if f.provider_dkim:
        return "pass", "provider-dkim-aligned"
    if f.spf_result == "pass" and f.spf_aligned:
        changed = any(c.status in (Status.FAIL, Status.BODY_CHANGED)
                      and aligned(c.domain, f.from_domain) for c in f.checks)
        return ("unknown", "spf-aligned-signature-broken") if changed else (
            "pass", "spf-aligned")
    return _not_passed(f)


def _not_passed(f: _Facts) -> tuple[str, str]:
    if any(c.status == Status.NOT_CHECKABLE for c in f.checks):
        return "unknown", "headers-only"
    if any(c.status in _UNCHECKED for c in f.checks):
        return "unknown", "unchecked-keys"
    if any(c.status in INCONCLUSIVE and aligned(c.domain, f.from_domain) for c in f.checks):
        return "unknown", "signature-inconclusive"
    if f.spf_result is None:
        return "unknown", "no-spf-result"
    if f.spf_result == "pass" and f.spf_aligned is None:
        return "unknown", "spf-identity-unknown"
    if f.spf_result in ("temperror", "permerror", "none", "neutral"):
        return "unknown", "spf-inconclusive"
    return "fail", "not-aligned"


def _lines(reason: str, spf_line: int | None, dkim_lines: tuple[int, ...],
           dmarc_line: int | None) -> tuple[int, ...]:
    if reason in ("provider-dmarc-fail", "provider-dmarc-pass", "dmarc-fail-signature-valid"):
        picked: list[int | None] = [dmarc_line]
    elif reason == "provider-dkim-aligned":
        picked = list(dkim_lines)
    else:
        picked = [spf_line]
    return tuple(sorted({line for line in picked if line}))


def address_indicators(from_: list[Address], sender: list[Address],
                       reply_to: list[Address], return_path: list[Address],
                       message_id: str | None) -> list[Indicator]:
    found: list[Indicator] = []
    for address in [*from_, *reply_to, *sender]:
        shown = address.shown_address
        if shown:
            found.append(Indicator("display-shows-other-address",
                                   (("shown", shown), ("mailbox", address.mailbox))))
        found.extend(_idn(address.domain))
    main = from_[0].domain if from_ else None
    for code, others in (("reply-to-differs", reply_to), ("return-path-differs", return_path),
                         ("sender-differs", sender)):
        found.extend(Indicator(code, (("from", main or ""), ("other", a.mailbox)))
                     for a in others if a.mailbox and main and not aligned(a.domain, main))
    if len([a for a in from_ if a.mailbox]) > 1 and not sender:
        found.append(Indicator("several-from-without-sender"))
    mid_domain = (message_id or "").strip("<> ").rpartition("@")[2].rstrip(">")
    if mid_domain and main and "." in mid_domain and not aligned(mid_domain, main):
        found.append(Indicator("message-id-domain-differs",
                               (("domain", mid_domain), ("from", main))))
    return found


def _idn(domain: str) -> list[Indicator]:
    if not domain:
        return []
    if "xn--" in domain:
        return [Indicator("punycode-domain", (("domain", domain), ("shown", _unicode(domain))))]
    if not domain.isascii():
        scripts = _scripts(domain)
        code = "mixed-script-domain" if len(scripts) > 1 else "non-ascii-domain"
        return [Indicator(code, (("domain", domain), ("scripts", ", ".join(sorted(scripts)))))]
    return []


def _unicode(domain: str) -> str:
    try:
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return domain


def _scripts(domain: str) -> set[str]:
    found = set()
    for char in domain:
        if char.isalpha():
            name = unicodedata.name(char, "UNKNOWN")
            found.add(name.split(" ")[0])
    return found


def duplicate_indicators(counts: dict[str, int]) -> list[Indicator]:
    return [Indicator("duplicate-header",
                      (("header", name), ("count", str(counts[name.lower()]))))
            for name in SINGLE_HEADERS if counts.get(name.lower(), 0) > 1]


def signature_indicators(checks: list[SignatureCheck], align: Alignment,
                         auth: list[AuthHeader]) -> list[Indicator]:
    found = []
    if not checks:
        found.append(Indicator("no-dkim-signature"))
    elif not align.dkim_aligned and align.from_domain and any(
            c.status == Status.PASS for c in checks):
        signers = ", ".join(sorted({c.domain or "?" for c in checks if c.status == Status.PASS}))
        found.append(Indicator("dkim-not-aligned", (("from", align.from_domain),
                                                    ("signers", signers))))
    for check in checks:
        if check.status in (Status.FAIL, Status.BODY_CHANGED):
            found.append(Indicator(f"dkim-{check.status}", (("domain", check.domain or "?"),)))
    return found + auth_indicators(auth)


def _outcome(header: AuthHeader) -> frozenset[tuple[str, str]]:
    return frozenset((r.method, r.result) for r in header.results)


def auth_indicators(auth: list[AuthHeader]) -> list[Indicator]:
    """Untrusted results that claim success; a copy that repeats a trusted header is not."""
    trusted = {_outcome(h) for h in auth if h.trusted}
    claiming = [h for h in auth if not h.trusted and h.parsed
                and any(r.result == "pass" for r in h.results) and _outcome(h) not in trusted]
    found = []
    own = [h for h in claiming if h.own_id and h.authserv_id]
    other = [h for h in claiming if h not in own]
    if own:
        found.append(Indicator("auth-results-below-handover", (
            ("ids", ", ".join(sorted({h.authserv_id or "?" for h in own}))),
            ("lines", ", ".join(str(h.line) for h in own)))))
    if other:
        found.append(Indicator("untrusted-auth-results", (
            ("ids", ", ".join(h.authserv_id or "?" for h in other)),
            ("lines", ", ".join(str(h.line) for h in other)))))
    return found
