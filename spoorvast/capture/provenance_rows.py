"""The provenance of a capture as rows of label and value, in the reader's language:
the certificates the browser accepted, the DNS answers used, the user agent sent, the
clock against the time-stamp authority and the videos saved. Shown by ``show`` and by
the dossier; every field of the record is optional (an older record has none)."""

from __future__ import annotations

from typing import Any

from spoorvast.i18n import N_, _

MAX_NAMES_SHOWN = 12  # SAN entries, DNS names: the record has them all


def provenance_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    found = [*_tls_rows(record.get("tls")), *_dns_rows(record.get("dns")),
             *_agent_rows(record.get("browser")), *_clock_rows(record.get("tsa_clock")),
             *_video_rows(record.get("videos"))]
    return [(k, v) for k, v in found if v]


def _tls_rows(tls: Any) -> list[tuple[str, str]]:
    if not isinstance(tls, dict) or not isinstance(tls.get("origins"), list):
        return []
    origins = [o for o in tls["origins"] if isinstance(o, dict)]
    main = next((o for o in origins if o.get("origin") == tls.get("main_origin")), None)
    rows: list[tuple[str, str]] = []
    if main is not None:
        chain = [c for c in main.get("chain") or [] if isinstance(c, dict)]
        if chain:
            rows.append((_("Server certificate (SHA-256)"), str(chain[0].get("sha256"))))
        rows.append((_("Certificate names (SAN)"), _names(main.get("san"))))
        rows.append((_("Certificate valid"), _("from {start} to {end}").format(
            start=main.get("valid_from"), end=main.get("valid_to"))))
        rows += [(_("Certificate chain"), _link(n, c)) for n, c in enumerate(chain)]
    others = len(origins) - (main is not None)
    if others:
        rows.append((_("Other HTTPS origins (certificates in the record)"), str(others)))
    return rows


def _link(number: int, cert: dict[str, Any]) -> str:
    return _("{number}. {subject} (issued by {issuer}; SHA-256 {sha256})").format(
        number=number + 1, subject=cert.get("subject"), issuer=cert.get("issuer"),
        sha256=cert.get("sha256"))


def _names(names: Any) -> str:
    if not isinstance(names, list) or not names:
        return ""
    shown = ", ".join(str(n) for n in names[:MAX_NAMES_SHOWN])
    more = len(names) - MAX_NAMES_SHOWN
    return shown + (_(" and {count} more").format(count=more) if more > 0 else "")


def _dns_rows(dns: Any) -> list[tuple[str, str]]:
    answers = dns.get("answers") if isinstance(dns, dict) else None
    if not isinstance(answers, list):
        return []
    rows = [(_("DNS answer"), _("{name} → {addresses} (asked {at}; {resolver})").format(
        name=a.get("name"), addresses=", ".join(a.get("addresses") or []), at=a.get("at"),
        resolver=a.get("resolver"))) for a in answers[:MAX_NAMES_SHOWN]
        if isinstance(a, dict)]
    if len(answers) > MAX_NAMES_SHOWN:
        rows.append((_("DNS answer"), _("{count} more names in the record").format(
            count=len(answers) - MAX_NAMES_SHOWN)))
    return rows


def _agent_rows(browser: Any) -> list[tuple[str, str]]:
    if not isinstance(browser, dict):
        return []
    hints = browser.get("client_hints")
    brands = hints.get("sec-ch-ua") if isinstance(hints, dict) else None
    return [(_("User-agent client hints (Sec-CH-UA)"), str(brands or ""))]


def _clock_rows(clock: Any) -> list[tuple[str, str]]:
    if not isinstance(clock, dict) or clock.get("offset_seconds") is None:
        return []
    text = _("the authority's time minus this computer's: {offset} s (± {uncertainty} s; "
             "authority's time {tsa_time})").format(
        offset=clock.get("offset_seconds"), uncertainty=clock.get("uncertainty_seconds"),
        tsa_time=clock.get("tsa_time"))
    if clock.get("tsa_accuracy_seconds") is None:
        text += _("; the authority states no accuracy")
    return [(_("Clock against the time-stamp authority"), text)]


STATES = {"whole": N_("saved whole"), "cut": N_("saved in part"),
          "skipped": N_("not saved (over the limit)"), "failed": N_("could not be saved")}


def _video_rows(videos: Any) -> list[tuple[str, str]]:
    saved = videos.get("saved") if isinstance(videos, dict) else None
    if not isinstance(saved, list):
        return []
    return [(_("Video"), _("{url}: {state}; files {files}").format(
        url=v.get("url"), state=_(str(STATES.get(str(v.get("state")), v.get("state")))),
        files=", ".join(v.get("files") or []) or "—"))
        for v in saved if isinstance(v, dict)]
