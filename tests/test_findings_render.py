"""A finding is shown as its sentence even where its importer was never imported (the
importers offer their codes to ``findings``, which imports nothing above it)."""

from __future__ import annotations

import subprocess
import sys

FRESH = """
import spoorvast.services
from spoorvast.findings import render
from spoorvast.model.records import Finding, Severity
print(render(Finding(None, 1, None, Severity.WARNING, "chat.utc-assumed", ())))
print(render(Finding(None, 1, None, Severity.WARNING, "no.such-code", ())))
"""


def test_codes_of_importers_not_loaded_yet_are_rendered() -> None:
    out = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["The export's times carry no offset; they were read as UTC, as this "
                   "platform writes them.", "no.such-code"]


def test_findings_alone_imports_no_importer() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, spoorvast.findings; print(sorted(sys.modules))"],
        capture_output=True, text=True, check=True).stdout
    assert "spoorvast.importers" not in loaded


def test_the_importers_are_imported_only_when_a_code_is_unknown() -> None:
    fresh = ("import sys, spoorvast.services\n"
             "print('spoorvast.importers.registry' in sys.modules)\n" + FRESH)
    out = subprocess.run([sys.executable, "-c", fresh], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "False" and out[1].startswith("The export's times carry no offset")


def test_capture_codes_are_rendered_once_its_show_section_is_loaded() -> None:
    fresh = ("import spoorvast.capture.show\n" + FRESH.replace('"chat.utc-assumed", ()',
             '"capture.viewer-account", (("platform", "x"), ("viewer", "1400"))'))
    out = subprocess.run([sys.executable, "-c", fresh], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0].startswith("This page was captured logged in to x as account 1400.")
    assert "playwright" not in subprocess.run(
        [sys.executable, "-c", "import sys, spoorvast.capture.show; print(sorted(sys.modules))"],
        capture_output=True, text=True, check=True).stdout


def test_places_and_reasons_are_shown_in_the_readers_language() -> None:
    """Stored params stay language-neutral data ("line 17", a rule name); the reader
    sees them translated, and a value the catalogs do not hold (an exception's name)
    as it is."""
    import spoorvast.services  # noqa: F401  (as every view that shows findings does)
    from spoorvast.findings import render
    from spoorvast.i18n import current_language, set_language
    from spoorvast.model.records import Finding, Severity

    def shown(code: str, **params: str) -> str:
        return render(Finding(None, 1, None, Severity.WARNING, code, tuple(params.items())))

    before = current_language()
    try:
        set_language("nl")
        text = shown("chat.unreadable", where="line 17", reason="not a real date or time")
        assert "regel 17" in text and "geen bestaande datum of tijd" in text
        assert "line" not in text
        set_language("de")
        assert "Zeile 3" in shown("chat.attachment-missing", where="line 3")
        assert "KeyError" in shown("chat.unreadable", where="/messages/4", reason="KeyError")
        set_language("fr")
        assert "linear 5 " in shown("chat.unreadable", where="linear 5", reason="")
    finally:
        set_language(before)
