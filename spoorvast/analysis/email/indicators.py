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
from spoorvast.analysis.email.signatures import SignatureCheck, Status

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
    from_domain: str | None
    dkim_aligned: tuple[str, ...]  # d= of signatures we verified that align with From
    spf_domain: str | None  # the Return-Path (envelope sender) domain
    spf_result: str | None  # from the recipient's own Authentication-Results
    spf_aligned: bool | None
    reported_dmarc: str | None  # what the recipient's own Authentication-Results say
    result: str  # "pass", "fail" or "unknown"
    reason: str  # "dkim-aligned", "spf-aligned", "not-aligned", "unchecked-keys",
    #              "no-from", "no-spf-result", "headers-only"


def aligned(a: str | None, b: str | None) -> bool:
    return bool(a and b and org(a) is not None and org(a) == org(b))


def alignment(from_: list[Address], return_path: list[Address],
              checks: list[SignatureCheck], trusted: list[AuthHeader]) -> Alignment:
    from_domain = from_[0].domain if from_ and from_[0].mailbox else None
    spf_domain = return_path[0].domain if return_path and return_path[0].mailbox else None
    dkim_ok = tuple(c.domain for c in checks
                    if c.status == Status.PASS and c.domain and aligned(c.domain, from_domain))
    spf_result = _reported(trusted, "spf")
    spf_aligned = aligned(spf_domain, from_domain) if spf_domain and from_domain else None
    result, reason = _result(from_domain, dkim_ok, checks, spf_result, spf_aligned)
    return Alignment(from_domain, dkim_ok, spf_domain, spf_result, spf_aligned,
                     _reported(trusted, "dmarc"), result, reason)


def _result(from_domain: str | None, dkim_ok: tuple[str, ...], checks: list[SignatureCheck],
            spf_result: str | None, spf_aligned: bool | None) -> tuple[str, str]:
    if from_domain is None:
        return "unknown", "no-from"
    if dkim_ok:
        return "pass", "dkim-aligned"
    if spf_result == "pass" and spf_aligned:
        return "pass", "spf-aligned"
    if any(c.status == Status.NOT_CHECKABLE for c in checks):
        return "unknown", "headers-only"
    if any(c.status in _UNCHECKED for c in checks):
        return "unknown", "unchecked-keys"
    if spf_result is None:
        return "unknown", "no-spf-result"
    return "fail", "not-aligned"


def _reported(trusted: list[AuthHeader], method: str) -> str | None:
    for header in trusted:
        for result in header.results:
            if result.method == method:
                return result.result
    return None


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
    return [Indicator("duplicate-header", (("header", name), ("count", str(counts[name]))))
            for name in SINGLE_HEADERS if counts.get(name.lower(), 0) > 1]


def signature_indicators(checks: list[SignatureCheck], align: Alignment,
                         untrusted: list[AuthHeader]) -> list[Indicator]:
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
    claimed = [h.authserv_id or "?" for h in untrusted if any(
        r.result == "pass" for r in h.results)]
    if claimed:
        found.append(Indicator("untrusted-auth-results", (("ids", ", ".join(claimed)),)))
    return found
