"""Every user-facing string is in the nl, fr and de catalogs, translated, with the
same placeholders; and the CLI really speaks the chosen language."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import spoorvast
from spoorvast.i18n import merged_catalog, po_paths
from tests.conftest import Cli

PACKAGE = Path(spoorvast.__file__).parent
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@functools.cache
def source_messages() -> frozenset[str]:
    """Every msgid the package's code asks for (extracted once per test process)."""
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None, "ngettext": (1, 2), "gettext_in": (2,)},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return frozenset(m for m in found if m)


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_catalog_is_complete(language: str) -> None:
    catalog = merged_catalog(language)
    missing, untranslated, broken = [], [], []
    for message in sorted(source_messages()):
        entry = catalog.get(message)
        if entry is None:
            missing.append(message)
            continue
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(translations):
            untranslated.append(message)
        elif any(set(PLACEHOLDER.findall(t)) != set(PLACEHOLDER.findall(message))
                 for t in translations):
            broken.append(message)
    assert not missing, f"{len(missing)} missing, e.g. {missing[:3]}"
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not broken, f"placeholders differ: {broken[:3]}"


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
def test_no_message_is_defined_in_two_catalog_files(language: str) -> None:
    seen: dict[str, str] = {}
    for path in po_paths(language):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id:
                    assert message.id not in seen, f"{message.id!r} in {seen.get(message.id)}"
                    seen[message.id] = path.name


def test_cli_speaks_dutch_and_french(vault_dir: Path, cli: Cli) -> None:
    cli("init")
    nl = cli("--lang", "nl", "items")
    assert "Nog geen zaak" in nl.err
    fr = cli("--lang", "fr", "show", "E-0001")
    assert "dossier" in fr.err.lower()


def test_a_requests_language_is_its_own() -> None:
    """Two contexts (two web requests in their worker threads) each translate in their
    own language at the same time; the process's language is left alone, and the
    dossier's ``in_language`` wins inside a context and gives it back after."""
    import contextvars
    import threading

    from spoorvast.i18n import _, current_language, in_language, use_in_context

    before = current_language()
    meet = threading.Barrier(2)
    seen: dict[str, list[str]] = {}

    def request(language: str) -> None:
        use_in_context(language)
        meet.wait(5)  # both have chosen before either translates
        with in_language("de"):
            inner = _("line {number}")
        seen[language] = [_("line {number}"), inner, current_language()]

    threads = [threading.Thread(target=contextvars.copy_context().run, args=(request, lang))
               for lang in ("nl", "fr")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"nl": ["regel {number}", "Zeile {number}", "nl"],
                    "fr": ["ligne {number}", "Zeile {number}", "fr"]}
    assert current_language() == before


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_plurals_follow_the_catalogs_rule(language: str) -> None:
    # Babel's CLDR rule for French has three forms; the catalogs give two
    from spoorvast.i18n import in_language, ngettext

    with in_language(language):
        many = ngettext("{n} item", "{n} items", 9)
        one = ngettext("{n} item", "{n} items", 1)
    assert many != "{n} items" and one != "{n} item" and many != one
