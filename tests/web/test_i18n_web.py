"""Every string of the web app's templates (the shared i18n test reads only .py files)
is translated in nl, fr and de with the same placeholders; pages speak the language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import spoorvast.web
from spoorvast.i18n import merged_catalog
from tests.web.conftest import Browserish

TEMPLATES = Path(spoorvast.web.__file__).parent / "templates"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def template_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _f, _l, message, _c, _x in extract_from_dir(
            str(TEMPLATES), method_map=[("**.html", "jinja2")],
            keywords={"_": None, "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_templates_have_strings() -> None:
    assert len(template_messages()) > 150


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_template_strings_are_translated(language: str) -> None:
    catalog = merged_catalog(language)
    problems = []
    for message in sorted(template_messages(), key=str):
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        if entry is None or not entry.string:
            problems.append(key)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(key)) for s in strings):
            problems.append(key)
    assert not problems, problems[:5]


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", ("Snel weg", "Notities", "Je notities openen")),
    ("fr", ("Sortie rapide", "Notes", "Ouvrir vos notes")),
    ("de", ("Schnell weg", "Notizen", "Ihre Notizen öffnen")),
    ("en", ("Quick exit", "Notes", "Open your notes")),
])
def test_the_language_switch(client: Browserish, language: str,
                             expected: tuple[str, ...]) -> None:
    switched = client.post("/language", {"lang": language, "back": "/"})
    assert switched.status_code == 303
    page = client.http.get("/").text
    assert f'<html lang="{language}">' in page
    for text in expected:
        assert text in page
