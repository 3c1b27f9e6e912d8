"""The header analysis in plain language (nl, fr, de, en), for an officer.

Sent from what, via what, when (UTC and the case zone side by side), authenticated
yes / no / unknown and why, and what to ask a provider. No country-based judgements.
"""

from __future__ import annotations

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
        "Authentication results written by other servers ({ids}) claim success; they can "
        "be forged and were not taken into account."),
    "date-far-from-first-hop": N_(
        "The Date header differs {minutes} minutes from the first server's time."),
    "hop-clock-skew": N_("Hop {hop} is dated {seconds} seconds before the previous one: a "
                         "wrong clock or a forged line."),
}


def _t(language: str, message: str, **params: object) -> str:
    return gettext_in(language, message).format(**params)


def when(moment: Instant, zone: str) -> str:
    local = moment.utc.astimezone(ZoneInfo(zone))
    return f"{moment.utc:%Y-%m-%d %H:%M:%S} UTC · {local:%Y-%m-%d %H:%M:%S%z} ({zone})"


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


def _route(a: EmailAnalysis, lang: str) -> list[str]:
    lines = []
    if not a.hops:
        lines.append(_t(lang, N_("The header has no Received lines, so it does not show "
                                 "which server sent the message.")))
    elif a.sending_ip:
        lines.append(_t(lang, N_("Sent from the server {ip} ({host}); the recipient's "
                                 "provider ({by}) recorded this hand-over, so it is "
                                 "reliable."), ip=a.sending_ip, host=a.sending_host or "?",
                        by=a.received_by or "?"))
    else:
        lines.append(_t(lang, N_("Every Received line was written inside the provider "
                                 "({provider}); the sender's IP address is not in the "
                                 "header: only the provider can give it."),
                        provider=", ".join(a.provider_domains) or "?"))
    claimed = sum(1 for h in a.hops if h.side == "sender-claimed")
    if claimed:
        lines.append(_t(lang, N_("Older Received lines written by the sending side: "
                                 "{count}. They can be forged and are shown as claimed."),
                        count=claimed))
    for hint in a.client_hints:
        lines.append(_t(lang, N_("A client IP address is named in {source}: {ip}."),
                        source=hint.source, ip=hint.ip))
    return lines


def _times(a: EmailAnalysis, lang: str, zone: str) -> list[str]:
    lines = []
    if a.date and a.date.instant:
        lines.append(_t(lang, N_("Date written by the sender: {when}."),
                        when=when(a.date.instant, zone)))
    else:
        lines.append(_t(lang, N_("The message has no usable Date header.")))
    if a.delivered_at:
        lines.append(_t(lang, N_("Received by the last server: {when}."),
                        when=when(a.delivered_at, zone)))
    return lines


_AUTH = {
    "dkim-aligned": N_("Authenticated: yes. A DKIM signature of {domain}, the domain in "
                       "From, was checked by spoorvast and is valid: the message went "
                       "through that domain's mail system and was not changed since."),
    "spf-aligned": N_("Authenticated: yes. The recipient's provider found the sending "
                      "server allowed to send for {domain} (SPF, aligned with From)."),
    "not-aligned": N_("Authenticated: no. No valid signature and no permitted sender "
                      "matches the From domain {domain}: the From address may be forged."),
    "unchecked-keys": N_("Authenticated: unknown. The signing keys were not available (not "
                         "supplied, or no longer published), so the signatures cannot be "
                         "checked any more; this does not mean they are forged."),
    "no-spf-result": N_("Authenticated: unknown. No signature matches the From domain "
                        "{domain}, and the recipient's provider left no result for the "
                        "sending server."),
    "no-from": N_("Authenticated: unknown. The message has no readable From address."),
    "headers-only": N_("Authenticated: unknown. Only a copy of the headers is here, so "
                       "spoorvast cannot check the signatures itself."),
}


def _auth(a: EmailAnalysis, lang: str) -> list[str]:
    align = a.alignment
    domain = (align.dkim_aligned[0] if align.dkim_aligned else align.from_domain) or "?"
    lines = [_t(lang, _AUTH[align.reason], domain=domain)]
    if align.reported_dmarc:
        lines.append(_t(lang, N_("The recipient's provider itself reported: DMARC "
                                 "{result}."), result=align.reported_dmarc))
    return lines


def _signatures(a: EmailAnalysis, lang: str) -> list[str]:
    lines = [_dkim_line(check, lang) for check in a.dkim]
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
