"""Every word translated: every screen (every GET route of the app, found from the app
itself, so a new screen is checked without changing this test), every job's result,
finding and error message, rendered in nl, fr, de and en with a realistic case (see
``realistic.py``); a nl/fr/de page fails on an English string, a code or a wrong plural.
The app starts in the browser's language, and has one language control."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.web.conftest import Browserish, StartApp
from tests.web.helpers import upload
from tests.web.realistic import EMAIL, WHATSAPP, Built, build, jobs, screens, wait_quiet
from tests.web.words_check import job_texts, problems, visible, wrong_plurals

LANGUAGES = ("nl", "fr", "de", "en")
FILES_AGAIN = {"WhatsApp-chat met Kevin V.txt": WHATSAPP, "dinsdag.eml": EMAIL,
               "leeg.txt": b""}  # already in the case, and an empty file
DUMP = Path(os.environ["SPOORVAST_DUMP_WORDS"]) if os.environ.get("SPOORVAST_DUMP_WORDS") \
    else None  # a folder: the visible text of every page is written there, to read
def test_the_check_finds_what_it_should() -> None:
    page = ('<html lang="nl"><body><p>3 of 3 files added.</p><p>Het dossier is klaar.</p>'
            '<td translate="no">the suspect and the victim</td><span>1 bestanden</span>'
            '<p>item.added</p><script>var the = 1;</script></body></html>')
    found = problems(visible(page), "nl")
    assert any("files added" in p for p in found), found
    assert "plural '1 bestanden'" in found and "code 'item.added'" in found
    assert not any("suspect" in p or "var" in p for p in found), found  # evidence, script
    assert wrong_plurals("0 événements et 1 événements", "fr") == ["0 événements",
                                                                   "1 événements"]
    assert wrong_plurals("11 événements, 1 événement, 0 événement", "fr") == []


def test_the_app_starts_in_the_browsers_language(start_app: StartApp) -> None:
    live = start_app(with_vault=False)
    for header, lang, words in (("nl-BE,nl;q=0.9,en;q=0.8", "nl", "Snel weg"),
                                ("fr-BE,fr;q=0.9", "fr", "Sortie rapide"),
                                ("de-BE,de;q=0.9", "de", "Schnell weg")):
        client = Browserish(live)
        client.http.headers["Accept-Language"] = header
        page = client.http.get("/").text
        assert f'<html lang="{lang}">' in page and words in page
        assert len(re.findall(r"<select[^>]*name=\"(?:lang|language)\"", page)) == 1
        assert 'type="hidden" name="language" value="' + lang in page
        chosen = client.post("/language", {"lang": "en", "back": "/"})
        assert chosen.status_code == 303  # once chosen, the choice wins
        assert '<html lang="en">' in client.http.get("/").text
        client.close()


@pytest.mark.slow
def test_every_screen_job_and_message_in_every_language(client: Browserish,
                                                        tmp_path: Path) -> None:
    client.unlock()
    client.post("/language", {"lang": "nl", "back": "/"})
    built = build(client, tmp_path)
    _decide_some(client, built)
    found: dict[str, list[str]] = {}
    for language in LANGUAGES:
        client.post("/language", {"lang": language, "back": "/"})
        if language != "nl":  # the jobs again, started in this language
            built.jobs["add"] = upload(client, built.case_id, FILES_AGAIN)
            jobs(client, built, tmp_path)
        wait_quiet(client)
        for name, state in built.jobs.items():
            if DUMP:
                (DUMP / f"{language}-job-{name}.txt").write_text(job_texts(state))
            _note(found, f"{language} job {name}", problems(job_texts(state), language))
        for path in screens(client.live.app, built):
            response = client.http.get(path, follow_redirects=True)
            assert response.status_code in (200, 400), (path, response.status_code)
            html = response.text
            if DUMP:
                (DUMP / f"{language}-{path.strip('/').replace('/', '_')[:80]}.txt").write_text(
                    visible(html), encoding="utf-8")
            if f'<html lang="{language}">' not in html:
                _note(found, f"{language} {path}", ["page not in its language"])
            _note(found, f"{language} {path}", problems(visible(html), language))
        _note(found, f"{language} errors", _errors(client, built, language))
    assert not found, "\n".join(f"{where}: {what}" for where, what in found.items())


def _note(found: dict[str, list[str]], where: str, what: list[str]) -> None:
    if what:
        found.setdefault(where, []).extend(sorted(set(what)))


def _decide_some(client: Browserish, built: Built) -> None:
    """A mark, a confirmed and a rejected proposal: their words show on the pages."""
    case = built.case_id
    found = client.http.get(f"/c/{case}/search", params={"q": "woont"}).text
    ref = re.search(r'data-ref="(E-\d{4}:m\d+)"', found)
    assert ref, "no message found"
    client.post(f"/c/{case}/mark", {"ref": ref.group(1), "marked": "1"})
    page = client.http.get(f"/c/{case}/items/E-0003").text
    refs = re.findall(r'data-ref="(E-0003:p\d+)"', page)
    assert len(refs) >= 2, "the screenshot gave no proposals"
    client.post(f"/c/{case}/proposals", {"ref": refs[0], "decision": "confirm",
                                         "day": "2026-03-12", "back": "E-0003"})
    client.post(f"/c/{case}/proposals", {"ref": refs[1], "decision": "reject",
                                         "back": "E-0003"})


def _errors(client: Browserish, built: Built, language: str) -> list[str]:
    """A refused form and a wrong passphrase, as the person sees them."""
    case = built.case_id
    said = [client.post(f"/c/{case}/identifiers",
                        {"party": "Kevin V", "kind": "bogus", "value": "x"}).text,
            client.post(f"/c/{case}/notes", {"kind": "observation", "text": "",
                                              "at": "gisteren"}).text]
    client.post("/lock")
    said.append(client.post("/unlock", {"passphrase": "niet de goede zin"}).text)
    client.unlock()
    client.post("/language", {"lang": language, "back": "/"})
    return [p for html in said for p in problems(visible(html), language)]
