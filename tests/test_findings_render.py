"""A finding is shown as its sentence even where its importer was never imported."""

from __future__ import annotations

import subprocess
import sys

FRESH = """
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
