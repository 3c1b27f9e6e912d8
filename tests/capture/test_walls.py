"""Login, consent and check pages, "not available" pages and overlays, without a browser:
the tables per platform (#25 item 3). The browser side is in test_settle.py."""

from __future__ import annotations

import pytest

from spoorvast.capture import platforms
from spoorvast.capture.probe import Probe
from spoorvast.capture.walls import (
    CHECKPOINT,
    CONSENT,
    LOGIN,
    gone_phrase,
    wall_of,
    wall_problems,
)
from spoorvast.findings import render
from spoorvast.i18n import in_language
from spoorvast.model.records import Finding

WALLS = [
    ("https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2Fsynth", LOGIN),
    ("https://m.facebook.com/login.php?next=x", LOGIN),
    ("https://www.facebook.com/checkpoint/1501092823525282/", CHECKPOINT),
    ("https://www.facebook.com/privacy/consent/user_cookie_choice/", CONSENT),
    ("https://www.instagram.com/accounts/login/?next=/synthetic.person/", LOGIN),
    ("https://www.instagram.com/challenge/?next=/synthetic.person/", CHECKPOINT),
    ("https://x.com/i/flow/login?redirect_after_login=%2Fsynth", LOGIN),
    ("https://twitter.com/login", LOGIN),
    ("https://x.com/account/access", CHECKPOINT),
    ("https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40synth", LOGIN),
    ("https://www.linkedin.com/authwall?trk=gf&sessionRedirect=https%3A%2F%2Fwww.linkedin"
     ".com%2Fin%2Fsynth", LOGIN),
    ("https://www.linkedin.com/checkpoint/challenge/AgE", CHECKPOINT),
    ("https://www.reddit.com/login/?dest=https%3A%2F%2Fwww.reddit.com%2Fuser%2Fsynth", LOGIN),
    ("https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2F%40synth", CONSENT),
    ("https://consent.google.com/ml?continue=https://www.google.com/", CONSENT),
    ("https://accounts.google.com/ServiceLogin?service=youtube", LOGIN),
    ("https://forum.example.org/users/sign-in", LOGIN),
    ("https://shop.example.org/accounts/login/", LOGIN),
    ("https://consent.example.org/", CONSENT),
]
NOT_WALLS = ["https://www.instagram.com/synthetic.person/",
             "https://x.com/loginov_synth", "https://www.facebook.com/login.synthetic.page",
             "https://www.linkedin.com/in/synthetic-person/",
             "https://www.youtube.com/@synthetic", "https://example.org/blog/logins-explained"]


@pytest.mark.parametrize(("url", "kind"), WALLS)
def test_each_platform_wall_is_known(url: str, kind: str) -> None:
    assert wall_of(url) == kind


@pytest.mark.parametrize("url", NOT_WALLS)
def test_ordinary_pages_are_no_wall(url: str) -> None:
    assert wall_of(url) is None


GONE = [
    ("facebook", "This content isn't available right now\nWhen this happens, it's usually"),
    ("facebook", "Deze content is momenteel niet beschikbaar"),
    ("facebook", "Ce contenu n\u2019est pas disponible pour le moment"),
    ("facebook", "Dieser Inhalt ist derzeit nicht verfügbar"),
    ("instagram", "Sorry, this page isn\u2019t available.\nThe link you followed may be broken"),
    ("instagram", "Diese Seite ist leider nicht verfügbar."),
    ("x", "This account doesn\u2019t exist\nTry searching for another."),
    ("x", "Account opgeschort"), ("x", "Compte suspendu"), ("x", "Account gesperrt"),
    ("tiktok", "Couldn't find this account"), ("tiktok", "Kan dit account niet vinden"),
    ("tiktok", "Impossible de trouver ce compte"),
    ("tiktok", "Dieses Konto konnte nicht gefunden werden"),
    ("linkedin", "This page doesn\u2019t exist"), ("linkedin", "Cette page n\u2019existe pas"),
    ("reddit", "Sorry, nobody on Reddit goes by that name."),
    ("reddit", "This account has been suspended"),
    ("youtube", "Video unavailable\nThis video isn't available anymore"),
    ("youtube", "Vidéo non disponible"), ("youtube", "Dieser Kanal existiert nicht."),
    ("youtube", "Dit kanaal bestaat niet."),
]


@pytest.mark.parametrize(("platform", "text"), GONE)
def test_each_platform_says_gone_in_its_languages(platform: str, text: str) -> None:
    assert gone_phrase(platform, text)


def test_a_phrase_of_another_platform_or_no_platform_is_not_taken() -> None:
    assert gone_phrase("instagram", "Account suspended") is None
    assert gone_phrase(None, "Sorry, this page isn't available.") is None
    assert gone_phrase("x", "A post about an account suspended elsewhere?") == \
        "account suspended"  # the phrase is enough on the platform's own page


def probe(text: str = "", passwords: int = 0, overlay: int = 0) -> Probe:
    return Probe(text, "f", False, overlay, passwords)


def test_a_login_redirect_is_named_and_the_handle_is_kept() -> None:
    asked = "https://www.instagram.com/synthetic.person/"
    login = "https://www.instagram.com/accounts/login/?next=/synthetic.person/"
    found = wall_problems(asked, [login], 200, probe("Log in", 1), "instagram")
    assert [p.code for p in found] == ["capture.wall-login"]
    assert dict(found[0].params) == {"url": login, "requested": asked}
    facts = platforms.detect(login, b"<html><title>Login</title></html>", asked)
    assert (facts.platform, facts.handle) == ("instagram", "synthetic.person")


def test_a_login_page_asked_for_is_no_wall() -> None:
    login = "https://www.instagram.com/accounts/login/"
    assert wall_problems(login, [login], 200, probe("Log in", 1), "instagram") == []


def test_a_short_page_with_a_password_form_is_named() -> None:
    found = wall_problems("https://example.org/p/1", ["https://example.org/p/1"], 200,
                          probe("Members only. Password:", 1), None)
    assert [p.code for p in found] == ["capture.password-form"]
    long_page = probe("A long article. " * 400, 1)
    assert wall_problems("https://example.org/p/1", [], 200, long_page, None) == []


def test_a_removed_page_with_an_error_status_is_left_to_the_status_finding() -> None:
    found = wall_problems("https://x.com/synth", [], 404, probe("Account suspended"), "x")
    assert found == []


def test_an_overlay_is_named_with_its_share() -> None:
    found = wall_problems("https://example.org/", [], 200, probe("post", 0, 100), None)
    assert [(p.code, p.params) for p in found] == [("capture.overlay", (("share", "100"),))]


@pytest.mark.parametrize(("language", "words"), [
    ("nl", "aanmeldpagina"), ("fr", "page de connexion"), ("de", "Anmeldeseite")])
def test_the_wall_finding_is_shown_in_the_users_language(language: str, words: str) -> None:
    asked = "https://x.com/synth"
    problem = wall_problems(asked, ["https://x.com/i/flow/login"], 200, None, "x")[0]
    with in_language(language):
        text = render(Finding(None, 0, None, problem.severity, problem.code,
                              problem.params, problem.location))
    assert words in text and asked in text
