"""The browser's own words where the shared text names a terminal command.

Findings and error messages are written once, for both interfaces; a few of them tell
the CLI user which command to run next. The browser shows those in its own words: a
finding by its code (:data:`FINDINGS`), an error message by the command it names
(:func:`message`: "run 'spoorvast verify'" becomes the Verify page of the menu).
"""

from __future__ import annotations

import re

from spoorvast.findings import render
from spoorvast.i18n import N_, _
from spoorvast.model.records import Finding

FINDINGS = {
    "chat.date-order-ambiguous": N_(
        "No date in the export tells whether it is day/month or month/day; {order} was "
        "assumed. Check a few messages against the phone; if it is wrong, choose the "
        "other order on this page (the export is read again from its sealed copy)."),
    "ocr.stored-file-damaged": N_(
        "The stored picture could not be decrypted for text recognition; check the vault "
        "with Verify (in the menu)."),
}
_COMMAND = re.compile(r"[‘'«„“\"]?\s?spoorvast [a-z][^'’»“”\".]*[’'»“”\"]?")


def finding(f: Finding) -> str:
    template = FINDINGS.get(f.code)
    if template is None:
        return message(render(f))
    try:
        return _(template).format(**dict(f.params))
    except (KeyError, IndexError, ValueError):
        return _(template)


def message(text: str) -> str:
    """A shared message with any command in it replaced by where the browser does it."""
    return _COMMAND.sub(lambda m: _where(m.group(0)), text)


def _where(command: str) -> str:
    if "verify" in command:
        return _("Verify (in the menu)")
    return _("the matching page of this app")
