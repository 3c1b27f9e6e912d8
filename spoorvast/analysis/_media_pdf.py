"""Facts from PDFs: pypdf (BSD-3). Internal to media.py.

pypdf reports damage through the ``pypdf`` logger and Python warnings; both are
silenced while it reads (damage becomes a finding instead).
A PDF that opens with the empty password (an owner password only) is read as usual.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PasswordType, PdfReader

from spoorvast.analysis._media_base import (
    PDF_ENCRYPTED,
    PDF_UNREADABLE,
    Reading,
    failure,
    quiet,
)
from spoorvast.model.records import MediaFacts, Problem, Severity


def read_pdf(path: Path) -> Reading:
    with quiet("pypdf"):
        try:
            return _read(PdfReader(path))
        except Exception as exc:  # untrusted bytes: any parser error is a finding
            return Reading(None, (failure(PDF_UNREADABLE, exc),))


def _read(reader: PdfReader) -> Reading:
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        return Reading(None, (Problem(Severity.WARNING, PDF_ENCRYPTED),))
    return Reading(MediaFacts(page_count=len(reader.pages)))
