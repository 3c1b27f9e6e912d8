"""Pages that are not what was asked for: a login, consent or security-check page the
visit was sent to (per platform, and by generic signs), a "not available / removed /
suspended" page answered with status 200 (per platform, in the languages the platforms
serve Belgium in: en, nl, fr, de), and a full-screen layer over the page. Each is a
warning finding; the handle of the address asked for is kept (``platforms.detect``)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from spoorvast.capture.probe import Probe
from spoorvast.model.records import Problem, Severity

LOGIN, CONSENT, CHECKPOINT = "login", "consent", "checkpoint"
_P = re.compile
# (host suffix, kind, path pattern) of the platforms' own walls
PLATFORM_WALLS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("facebook.com", LOGIN, _P(r"^/(login(\.php)?|login/[\w./-]*|r\.php)(/|$)")),
    ("facebook.com", CHECKPOINT, _P(r"^/checkpoint(/|$)")),
    ("facebook.com", CONSENT, _P(r"^/(privacy/consent|cookie/consent)")),
    ("instagram.com", LOGIN, _P(r"^/accounts/(login|emailsignup)(/|$)")),
    ("instagram.com", CHECKPOINT, _P(r"^/(challenge|accounts/suspended)(/|$)")),
    ("instagram.com", CONSENT, _P(r"^/consent(/|$)")),
    ("x.com", LOGIN, _P(r"^/(i/flow/login|login|i/flow/signup)(/|$)")),
    ("twitter.com", LOGIN, _P(r"^/(i/flow/login|login)(/|$)")),
    ("x.com", CHECKPOINT, _P(r"^/account/access(/|$)")),
    ("tiktok.com", LOGIN, _P(r"^/login(/|$)")),
    ("linkedin.com", LOGIN, _P(r"^/(login|authwall|uas/login|signup)(/|$)")),
    ("linkedin.com", CHECKPOINT, _P(r"^/checkpoint(/|$)")),
    ("reddit.com", LOGIN, _P(r"^/(login|account/login)(/|$)")),
    ("accounts.google.com", LOGIN, _P(r"^/(ServiceLogin|v3/signin|signin)")),
    ("consent.youtube.com", CONSENT, _P(r"^/")),
    ("consent.google.com", CONSENT, _P(r"^/")),
)
GENERIC_PATH = (
    (LOGIN, _P(r"(^|/)(login|log-in|signin|sign-in|accounts/login|authwall|session/new)"
               r"(/|\.\w+$|$)", re.I)),
    (CHECKPOINT, _P(r"(^|/)checkpoint(/|$)", re.I)),
    (CONSENT, _P(r"(^|/)consent(/|$)", re.I)),
)
SHORT_PAGE = 3_000  # characters: a password form is the main content of a page this short

# Phrases the platforms show on a page that answered 200 although the content is gone.
GONE: dict[str, tuple[str, ...]] = {
    "facebook": (
        "this content isn't available right now", "this page isn't available",
        "deze content is momenteel niet beschikbaar", "deze pagina is niet beschikbaar",
        "ce contenu n'est pas disponible pour le moment",
        "cette page n'est pas disponible",
        "dieser inhalt ist derzeit nicht verfügbar", "diese seite ist nicht verfügbar"),
    "instagram": (
        "sorry, this page isn't available", "deze pagina is niet beschikbaar",
        "cette page n'est pas disponible", "diese seite ist leider nicht verfügbar",
        "this account has been suspended"),
    "x": (
        "this account doesn't exist", "account suspended", "this post was deleted",
        "this page doesn't exist", "dit account bestaat niet", "account opgeschort",
        "ce compte n'existe pas", "compte suspendu", "dieser account existiert nicht",
        "account gesperrt", "deze post is verwijderd", "ce post a été supprimé",
        "dieser post wurde gelöscht"),
    "tiktok": (
        "couldn't find this account", "video currently unavailable",
        "kan dit account niet vinden", "video momenteel niet beschikbaar",
        "impossible de trouver ce compte", "vidéo actuellement indisponible",
        "dieses konto konnte nicht gefunden werden", "video derzeit nicht verfügbar"),
    "linkedin": (
        "this page doesn't exist", "this profile is not available",
        "deze pagina bestaat niet", "dit profiel is niet beschikbaar",
        "cette page n'existe pas", "ce profil n'est pas disponible",
        "diese seite existiert nicht", "dieses profil ist nicht verfügbar"),
    "reddit": (
        "sorry, nobody on reddit goes by that name", "this account has been suspended",
        "this post was deleted", "removed by the moderators", "has been banned from reddit",
        "dit account is geschorst", "ce compte a été suspendu",
        "dieses konto wurde gesperrt"),
    "youtube": (
        "video unavailable", "this video isn't available anymore",
        "this account has been terminated", "this channel does not exist",
        "video niet beschikbaar", "deze video is niet meer beschikbaar",
        "dit kanaal bestaat niet", "vidéo non disponible",
        "cette vidéo n'est plus disponible", "cette chaîne n'existe pas",
        "video nicht verfügbar", "dieses video ist nicht mehr verfügbar",
        "dieser kanal existiert nicht"),
}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def wall_of(url: str) -> str | None:
    """LOGIN, CONSENT or CHECKPOINT when ``url`` is such a page; else None."""
    host, path = _host(url), urlsplit(url).path or "/"
    for suffix, kind, pattern in PLATFORM_WALLS:
        if (host == suffix or host.endswith("." + suffix)) and pattern.search(path):
            return kind
    if host.startswith("consent."):
        return CONSENT
    return next((kind for kind, pattern in GENERIC_PATH if pattern.search(path)), None)


def normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u00a0", " ")
    return " ".join(text.lower().split())


def gone_phrase(platform: str | None, text: str) -> str | None:
    """The platform's own "not available / removed / suspended" phrase in ``text``."""
    phrases = GONE.get(platform or "", ())
    seen = normal(text) if phrases else ""
    return next((p for p in phrases if p in seen), None)


def wall_problems(requested: str, shown: list[str], status: int | None,
                  seen: Probe | None, platform: str | None) -> list[Problem]:
    """The findings of a page that is not the content asked for (``shown``: the
    addresses the page went to, the last one is what was captured)."""
    found: list[Problem] = []
    asked_wall = wall_of(requested)
    walls = [(url, kind) for url in shown if (kind := wall_of(url)) and kind != asked_wall]
    if walls:
        url, kind = walls[-1]
        found.append(Problem(Severity.WARNING, f"capture.wall-{kind}",
                             (("url", url[:300]), ("requested", requested[:300]))))
    elif seen is not None and seen.passwords and len(seen.text) < SHORT_PAGE \
            and asked_wall is None:
        found.append(Problem(Severity.WARNING, "capture.password-form"))
    if seen is not None and (status is None or status < 400):
        phrase = gone_phrase(platform, seen.text)
        if phrase:
            found.append(Problem(Severity.WARNING, "capture.unavailable",
                                 (("phrase", phrase),)))
    if seen is not None and seen.overlay:
        found.append(Problem(Severity.WARNING, "capture.overlay",
                             (("share", str(seen.overlay)),)))
    return found
