"""No terminal command in the browser: the templates, the checklist's how-to in every
language, and the shared findings and error messages the web shows in its own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spoorvast.i18n import in_language
from spoorvast.model.records import Finding, Severity
from spoorvast.web import howto, wording
from spoorvast.web.render import TEMPLATES

COMMAND = re.compile(r"spoorvast [a-z]")


def test_no_template_shows_a_command() -> None:
    for template in sorted(Path(TEMPLATES).glob("*.html")):
        assert not COMMAND.search(template.read_text()), template.name


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_the_checklist_howto_has_no_command(language: str) -> None:
    from spoorvast.i18n import _

    with in_language(language):
        for element, how in howto.HOWTO.items():
            assert not COMMAND.search(_(how.text)), (language, element)
            assert not how.page.startswith("/")


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_shared_messages_in_the_webs_words(language: str) -> None:
    from spoorvast.importers.chat.whatsapp import codes  # noqa: F401  (registers the code)

    with in_language(language):
        check_messages()


def check_messages() -> None:
    from spoorvast.i18n import _

    ambiguous = Finding(None, 1, 1, Severity.WARNING, "chat.date-order-ambiguous",
                        (("order", "day/month/year"),))
    shown = wording.finding(ambiguous)
    assert "day/month/year" in shown and not COMMAND.search(shown)
    damaged = _("A stored file ({sha}) does not match its recorded fingerprint, so the "
                "vault was not re-encrypted (nothing was changed). Run 'spoorvast verify'.")
    told = wording.message(damaged.format(sha="abc"))
    assert not COMMAND.search(told) and _("Verify (in the menu)") in told
    assert wording.message("nothing to replace") == "nothing to replace"
