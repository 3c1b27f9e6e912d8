"""The header analysis in plain language (nl, fr, de, en), for an officer.

Sent from what, via what, when (UTC and the case zone side by side), authenticated
yes / no / unknown and why, and what to ask a provider. No country-based judgements.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from spoorvast.analysis.email.analyse import EmailAnalysis
from spoorvast.analysis.email.indicators import Indicator
from spoorvast.analysis.email.signatures import SignatureCheck
from spoorvast.i18n import LANGUAGES, N_, gettext_in
from spoorvast.model.instant import Instant

DKIM_STATUS = {
    "pass": N_("valid"),
    "fail": N_("does not match: the signed headers were changed or the signature is forged"),
    "body-changed": N_("does not match: the body was changed after signing"),
    "expired": N_("expired"),
    "key-not-supplied": N_("not checked: no key supplied and DNS look-ups are off"),
    "key-gone": N_("cannot be checked any more: the key is no longer published (this does "
                   "not mean it is forged)"),
    "dns-error": N_("not checked: the DNS look-up failed"),
    "key-invalid": N_("not checked: the key is unusable"),
    "malformed": N_("malformed signature"),
    "not-checkable": N_("cannot be checked from a copy of the headers (the body is not "
                        "there)"),
    "weak-key": N_("valid, but made with a key too short to prove anything today (under "
                   "1024 bits); this does not mean it is forged"),
    "pre-standard": N_("a signature in a pre-standard (draft) form, which is not checked; "
                       "this does not mean it is forged"),
    "unsupported": N_("written in a form spoorvast cannot check yet; this does not mean it "
                      "is forged"),
}
ARC_STATUS = {"pass": N_("valid"), "fail": N_("broken"), "none": N_("not present"),
              **{k: v for k, v in DKIM_STATUS.items()
                 if k.startswith(("key", "dns", "mal", "not"))}}
INDICATORS = {
    "display-shows-other-address": N_(
        "The display name shows the address {shown}, but the real mailbox is {mailbox}."),
    "reply-to-differs": N_("Replies go to {other}, another domain than the sender {from}."),
    "return-path-differs": N_(
        "The envelope sender (Return-Path) {other} is in another domain than {from}; usual "
        "for newsletters and mailing services, otherwise worth a look."),
    "sender-differs": N_("The Sender header {other} is in another domain than {from}."),
    "several-from-without-sender": N_("From names several mailboxes and there is no Sender."),
    "message-id-domain-differs": N_(
        "The Message-ID was made by {domain}, not by the sender's domain {from}."),
    "punycode-domain": N_("The domain {domain} is an international name shown as {shown}; "
                          "check it is not a look-alike."),
    "mixed-script-domain": N_("The domain {domain} mixes scripts ({scripts}): a possible "
                              "look-alike."),
    "non-ascii-domain": N_("The domain {domain} uses non-Latin letters ({scripts})."),
    "duplicate-header": N_("The {header} header appears {count} times; it may appear only "
                           "once (a sign of tampering)."),
    "no-dkim-signature": N_("The message has no DKIM signature."),
    "dkim-not-aligned": N_("Valid signatures come from {signers}, not from the sender's "
                           "domain {from}."),
    "dkim-fail": N_("The DKIM signature of {domain} does not match the message."),
    "dkim-body-changed": N_("The body was changed after {domain} signed it."),
    "untrusted-auth-results": N_(
        "Authentication results written by other servers ({ids}, header lines {lines}) "
        "claim success; they can be forged and were not taken into account."),
    "auth-results-below-handover": N_(
        "Authentication results bearing the recipient's own name ({ids}) stand below the "
        "recipient's Received line (header lines {lines}): the provider or the sender may "
        "have written them, so they were not taken into account."),
    "date-far-from-first-hop": N_(
        "The Date header differs {minutes} minutes from the first server's time."),
    "hop-clock-skew": N_("Hop {hop} is dated {seconds} seconds before the previous one: a "
                         "wrong clock or a forged line."),
}


def _t(language: str, message: str, **params: object) -> str:
    return _translated(language, message).format(**params)


@lru_cache(maxsize=1024)
def _translated(language: str, message: str) -> str:
    """The catalogs do not change while the program runs; a verdict is written in four
    languages for every message of a mailbox (about 50 look-ups each)."""
    return gettext_in(language, message)


def when(moment: Instant, zone: str) -> str:
    return _when(moment.utc, zone)


@lru_cache(maxsize=256)
def _when(utc: datetime, zone: str) -> str:
    """Rendered once per moment: the verdict is written in four languages, each naming
    the same moments (a third of its time at 50,000 messages)."""
    local = utc.astimezone(ZoneInfo(zone))
    return f"{utc:%Y-%m-%d %H:%M:%S} UTC · {local:%Y-%m-%d %H:%M:%S%z} ({zone})"


def indicator_text(language: str, indicator: Indicator) -> str:
    template = INDICATORS.get(indicator.code)
    if template is None:
        return indicator.code
    return _t(language, template, **dict(indicator.params))


def verdicts(analysis: EmailAnalysis, zone: str) -> dict[str, list[str]]:
    return {language: verdict(analysis, language, zone) for language in LANGUAGES}


def verdict(a: EmailAnalysis, language: str, zone: str) -> list[str]:
    return [*_route(a, language), *_times(a, language, zone), *_auth(a, language),
            *_signatures(a, language), *_mailer(a, language), *_points(a, language),
            *_asks(a, language, zone)]


def _lines_note(lang: str, lines: list[int | None]) -> str:
    numbers = sorted({n for n in lines if n})
    if not numbers:
        return ""
    return " " + _t(lang, N_("(header lines {lines})"),
                    lines=", ".join(str(n) for n in numbers))


_HANDOVER = {
    "confirmed": N_("Sent from the server {ip} ({host}); the recipient's provider ({by}) "
                    "recorded this hand-over, and its own SPF check names the same address, "
                    "so it is reliable."),
    "moved": N_("Sent from the server {ip} ({host}); the recipient's provider ({by}) "
                "recorded this hand-over, and its own SPF check names the same address, so "
                "it is reliable (the Received lines above it are the provider's internal "
                "hops)."),
    "none": N_("Sent from the server {ip} ({host}), as the recipient's provider ({by}) "
               "recorded the hand-over; the provider left no record of the address it "
               "checked to confirm it."),
    "unconfirmed": N_("Sent from the server {ip} ({host}), as the recipient's provider "
                      "({by}) recorded the hand-over; the provider left no record of the "
                      "address it checked to confirm it."),
    "lower-claimed": N_(
        "Handed over by the server {ip} ({host}), as the recipient's provider ({by}) "
        "recorded it; an SPF record written below that line names {checked}, an older hop: "
        "if the provider wrote it, {ip} is its own internal server and {checked} the "
        "sender's. That record could also come from the sender, so only the provider can "
        "confirm which."),
    "mismatch": N_("The recipient's provider checked the address {checked}, which is in no "
                   "Received line; the hand-over written as {ip} ({host}) cannot be "
                   "confirmed: only the provider can say which server delivered it."),
}


def _route(a: EmailAnalysis, lang: str) -> list[str]:
    lines = []
    if not a.hops:
        lines.append(_t(lang, N_("The header has no Received lines, so it does not show "
                                 "which server sent the message.")))
    elif a.sending_ip:
        claim = a.handover_claim
        text = _t(lang, _HANDOVER.get(a.handover_check, _HANDOVER["none"]), ip=a.sending_ip,
                  host=a.sending_host or "?", by=a.received_by or "?",
                  checked=claim.ip if claim else "?")
        used = [a.handover_line, claim.line if claim and a.handover_check != "unconfirmed"
                else None]
        lines.append(text + _lines_note(lang, used))
    else:
        lines.append(_t(lang, N_("Every Received line was written inside the provider "
                                 "({provider}); the sender's IP address is not in the "
                                 "header: only the provider can give it."),
                        provider=", ".join(a.provider_domains) or "?")
                     + _lines_note(lang, [h.line for h in a.hops]))
    claimed = [h for h in a.hops if h.side == "sender-claimed"]
    if claimed:
        lines.append(_t(lang, N_("Older Received lines written by the sending side: "
                                 "{count}. They can be forged and are shown as claimed."),
                        count=len(claimed)) + _lines_note(lang, [h.line for h in claimed]))
    for hint in a.client_hints:
        lines.append(_t(lang, N_("A client IP address is named in {source}: {ip}."),
                        source=hint.source, ip=hint.ip) + _lines_note(lang, [hint.line]))
    return lines


def _times(a: EmailAnalysis, lang: str, zone: str) -> list[str]:
    lines = []
    if a.date and a.date.instant:
        lines.append(_t(lang, N_("Date written by the sender: {when}."),
                        when=when(a.date.instant, zone)) + _lines_note(lang, [a.date_line]))
    else:
        lines.append(_t(lang, N_("The message has no usable Date header.")))
    if a.delivered_at:
        lines.append(_t(lang, N_("Received by the last server: {when}."),
                        when=when(a.delivered_at, zone))
                     + _lines_note(lang, [a.delivered_line]))
    return lines


_AUTH = {
    "dkim-aligned": N_("Authenticated: yes. A DKIM signature of {domain}, the domain in "
                       "From, was checked by spoorvast and is valid: the message went "
                       "through that domain's mail system and was not changed since."),
    "provider-dmarc-pass": N_("Authenticated: yes, according to the recipient's provider: "
                              "its DMARC check for {domain} passed when the message was "
                              "delivered."),
    "provider-dkim-aligned": N_("Authenticated: yes, according to the recipient's "
                                "provider: it found a valid DKIM signature of {domain}, the "
                                "domain in From, when the message was delivered."),
    "spf-aligned": N_("Authenticated: yes. The recipient's provider found the sending "
                      "server allowed to send for {spf_domain} (SPF, {identity}), which "
                      "matches the From domain {domain}."),
    "spf-aligned-signature-broken": N_(
        "Authenticated: unknown. The recipient's provider found the sending server allowed "
        "to send for {spf_domain}, but the signature of the From domain {domain} no longer "
        "matches this copy: it was changed after signing, in transit or afterwards."),
    "provider-dmarc-fail": N_("Authenticated: no. The recipient's provider itself reported "
                              "that the DMARC check for {domain} failed: the From address "
                              "may be forged."),
    "dmarc-fail-signature-valid": N_(
        "Authenticated: unknown. The recipient's provider reported that the DMARC check "
        "failed, but spoorvast found a valid signature of {domain} with the key it was "
        "given: ask the provider."),
    "not-aligned": N_("Authenticated: no. No valid signature and no permitted sender "
                      "matches the From domain {domain}: the From address may be forged."),
    "unchecked-keys": N_("Authenticated: unknown. The signing keys were not available (not "
                         "supplied, or no longer published), so the signatures cannot be "
                         "checked any more; this does not mean they are forged."),
    "no-spf-result": N_("Authenticated: unknown. No signature matches the From domain "
                        "{domain}, and the recipient's provider left no result above its "
                        "own Received line for the sending server."),
    "spf-identity-unknown": N_("Authenticated: unknown. The recipient's provider found the "
                               "sending server allowed, but did not say for which domain."),
    "spf-inconclusive": N_("Authenticated: unknown. The recipient's provider could not "
                           "complete its check of the sending server (SPF {spf_result})."),
    "no-from": N_("Authenticated: unknown. The message has no readable From address."),
    "signature-inconclusive": N_(
        "Authenticated: unknown. The signature of {domain} could not prove anything (a weak "
        "key, a pre-standard form or an unusable key); this does not mean it is forged."),
    "headers-only": N_("Authenticated: unknown. Only a copy of the headers is here, so "
                       "spoorvast cannot check the signatures itself."),
}
_IDENTITY = {"mailfrom": N_("envelope sender"), "helo": N_("server name (HELO)")}


def _auth(a: EmailAnalysis, lang: str) -> list[str]:
    align = a.alignment
    domain = (align.dkim_aligned[0] if align.dkim_aligned else align.from_domain) or "?"
    identity = _t(lang, _IDENTITY.get(align.spf_identity or "", N_("unnamed identity")))
    lines = [_t(lang, _AUTH[align.reason], domain=domain, spf_domain=align.spf_domain or "?",
                identity=identity, spf_result=align.spf_result or "?")
             + _lines_note(lang, list(align.lines))]
    if align.reported_dmarc and not align.reason.startswith(("provider-dmarc", "dmarc")):
        lines.append(_t(lang, N_("The recipient's provider itself reported: DMARC "
                                 "{result}."), result=align.reported_dmarc))
    return lines


def _signatures(a: EmailAnalysis, lang: str) -> list[str]:
    lines = [_dkim_line(check, lang) for check in a.dkim]
    if any(c.key is not None and c.key.outcome == "dns" for c in a.dkim):
        lines.append(_t(lang, N_("Keys were looked up in DNS when the message was added: a "
                                 "valid signature verifies with the key published then, "
                                 "which is not the same as the provider's check at "
                                 "delivery.")))
    if any(c.key is not None and c.key.outcome == "supplied" for c in a.dkim):
        lines.append(_t(lang, N_("Keys were supplied by the person who added the message: "
                                 "a valid signature verifies with that key, which is not "
                                 "the same as the provider's check at delivery.")))
    if a.arc is not None:
        lines.append(_t(lang, N_("ARC chain (the record of forwarders): {status}."),
                        status=_t(lang, ARC_STATUS.get(a.arc.status, a.arc.status))))
    return lines


def _dkim_line(check: SignatureCheck, lang: str) -> str:
    status = DKIM_STATUS.get(check.status, check.status)
    return _t(lang, N_("DKIM signature of {domain} (selector {selector}): {status}."),
              domain=check.domain or "?", selector=check.selector or "?",
              status=_t(lang, status))


def _mailer(a: EmailAnalysis, lang: str) -> list[str]:
    if not a.mailers:
        return []
    return [_t(lang, N_("Written with: {mailers}."),
               mailers="; ".join(f"{m.name} ({m.evidence})" for m in a.mailers))]


def _points(a: EmailAnalysis, lang: str) -> list[str]:
    if not a.indicators:
        return []
    return [_t(lang, N_("Points to look at:")),
            *(f"- {indicator_text(lang, i)}" for i in a.indicators)]


def _asks(a: EmailAnalysis, lang: str, zone: str) -> list[str]:
    moment = (a.date.instant if a.date else None) or a.delivered_at
    at = when(moment, zone) if moment else "?"
    lines = []
    for address in [*a.from_[:1], *a.reply_to[:1]]:
        if address.mailbox:
            lines.append(_t(lang, N_("Ask the provider of {address} who holds that account "
                                     "and which IP addresses logged in to it around {when}."),
                            address=address.mailbox, when=at))
    ip = next((h.ip for h in a.client_hints), None) or a.sending_ip
    if ip:
        lines.append(_t(lang, N_("Ask the network operator of {ip} (a whois look-up names "
                                 "it) who used that address at {when}."), ip=ip, when=at))
    return lines
