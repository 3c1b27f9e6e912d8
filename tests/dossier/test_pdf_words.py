"""Every word of the PDF is in the dossier language: the PDF of the synthetic case is
rendered in nl, fr and de, its text extracted (pdftotext), the evidence itself (which
is English in the synthetic case, and printed as written) taken out, and what remains
must hold no English word or code of the application and no ISO timestamp."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.dossier.builder import HOSTILE, HOSTILE_NAME, PV
from tests.dossier.conftest import Made
from tests.dossier.test_pdf import flat, text_of

# what the synthetic case typed or sealed: printed as written, whatever the language
EVIDENCE = (HOSTILE, HOSTILE_NAME, HOSTILE_NAME.replace("\\", "_"), PV, "He made me pay",
            "First report", "I cannot sleep", "WhatsApp chat with X", "Re: synthetic",
            "synthetic proof line", "synthetic limit line", "Berichten van X", "Profile",
            "call me on", "Anna Synthetic", "Xavier Synthetic", "PZ Synthetic")
EVIDENCE_PATTERNS = (r"message \d+", r"verdict line \(\w\w\)", r"\S*/\S*",
                     r"\S+\.(?:json|png|jpg|txt|eml|wacz|tsr|pem|bin|svg|zip|csv)\b",
                     r"\S+@example\.invalid")
ENGLISH = ("confirmed", "proposed", "image", "conversation", "email", "note", "notes",
           "items", "item", "marked events", "message", "messages", "requested-action",
           "police-report", "original", "screenshot", "analysis", "timestamp-token",
           "suspect", "victim", "incident", "incidents", "contacts", "period", "total",
           "in short", "at a glance", "where it is proven", "what happened", "calls",
           "unknown", "not known", "the", "and", "by", "with")
# words of that list that are also words of the dossier language
ALSO_NATIVE = {"nl": {"incident", "incidents"},
               "fr": {"image", "incident", "incidents", "note", "notes", "message", "conversation",
                      "messages", "original", "suspect", "contacts", "total"},
               "de": {"original", "screenshot"}}  # "der Screenshot" is German too
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?")
# a command for a terminal has no place in a document for the police
COMMANDS = ("spoorvast party", "spoorvast add", "spoorvast capture", "spoorvast note",
            "spoorvast call", "--phone", "--email", "--kind")


def what_the_tool_wrote(text: str) -> str:
    for value in sorted(EVIDENCE, key=len, reverse=True):
        text = text.replace(value, " ")
    for pattern in EVIDENCE_PATTERNS:
        text = re.sub(pattern, " ", text)
    return flat(text)


def leftovers(text: str, language: str = "en") -> list[str]:
    words = [w for w in ENGLISH if w not in ALSO_NATIVE.get(language, set())]
    found = [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text,
                                            re.IGNORECASE)]
    found += ISO.findall(text)
    found += [c for c in COMMANDS if c in text]
    return found


VERIFY = {"nl": "Hoe je dit dossier controleert", "fr": "Comment vérifier ce dossier",
          "de": "So prüfen Sie dieses Dossier"}
ANNEX = {"nl": "Bijlage: volledige SHA-256-waarden", "fr": "Annexe : valeurs SHA-256 complètes",
         "de": "Anhang: vollständige SHA-256-Werte"}


def body(text: str, language: str) -> str:
    """The PDF without the verification chapter, whose commands are meant to be typed
    (it comes after the evidence, before the annex of hashes)."""
    start, end = text.rindex(VERIFY[language]), text.rindex(ANNEX[language])
    assert start < end
    return text[:start] + text[end:]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_no_english_words_codes_or_iso_times_are_left(rendered: Callable[..., Made],
                                                      language: str) -> None:
    pdf = text_of(rendered(language).folder / "DOSSIER.pdf")
    assert leftovers(what_the_tool_wrote(body(pdf, language)), language) == []


def test_the_word_check_finds_what_it_looks_for() -> None:
    sample = "3 items, 2 marked events; status confirmed at 2026-03-12T21:06 spoorvast add"
    assert set(leftovers(sample)) >= {"items", "marked events", "confirmed",
                                      "2026-03-12T21:06", "spoorvast add"}
    assert leftovers(what_the_tool_wrote(f"{HOSTILE} message 4 x@example.invalid")) == []
