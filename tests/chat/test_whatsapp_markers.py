"""WhatsApp's markers in every language of the table are stored as markers (media
omitted, deleted, edited), not as text the sender wrote: one test per language, Android
and iOS. Every language WhatsApp offers has a source in the table (or is read by shape
only), and a marker in a language the table does not hold is flagged, never silently
read as the sender's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.importers.chat.whatsapp import marker_languages
from spoorvast.importers.chat.whatsapp import markers as tables
from spoorvast.importers.chat.whatsapp.importer import WhatsAppImporter
from tests.chat.helpers import closes, run


@pytest.mark.parametrize("language", tables.LANGUAGES)
def test_markers_of_each_language_are_markers(language: str, tmp_path: Path) -> None:
    media, deleted, edited = tables.markers_of(language)
    lines = [f"{13 + n}/03/2026, 22:{n:02d} - Dave: {m}" for n, m in enumerate(media)]
    lines += [f"[14/03/2026, 23:{n:02d}:00] Dave: \u200e{m}." for n, m in enumerate(deleted)]
    lines += [f"15/03/2026, 08:{n:02d} - Dave: ok {m}" for n, m in enumerate(edited)]
    for layout in ("android", "ios"):
        chosen = [line for line in lines if line.startswith("[") == (layout == "ios")]
        if not chosen:
            continue  # (a language with the media marker alone: Android's)
        path = tmp_path / f"{language}-{layout}.txt"
        path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
        draft, _ = run(WhatsAppImporter(), path)
        assert closes(draft) and len(draft.events) == len(chosen)
        for event in draft.events:
            details = dict(event.details)
            assert event.kind == "message" and event.actor == "name:whatsapp:Dave"
            assert details.get("media") == "omitted" or details.get("deleted") == "1" or (
                details.get("edited") == "1"), (language, event.text)


# the languages WhatsApp offers on Android and iOS (its language picker), BCP 47
WHATSAPP_LANGUAGES = (
    "af", "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi",
    "fil", "fr", "ga", "gu", "he", "hi", "hr", "hu", "id", "it", "ja", "kk", "kn", "ko", "lo",
    "lt", "lv", "mk", "ml", "mr", "ms", "nb", "nl", "pa", "pl", "pt", "ro", "ru", "sk", "sl",
    "sq", "sr", "sv", "sw", "ta", "te", "th", "tr", "uk", "ur", "uz", "vi", "zh-Hans",
    "zh-Hant")


def test_every_language_has_its_source_and_none_is_claimed_verified() -> None:
    for language in WHATSAPP_LANGUAGES:
        assert tables.PROVENANCE[language].sources, language
        assert language in tables.LANGUAGES
        media, deleted, _edited = tables.markers_of(language)
        assert media or language in marker_languages.SHAPE_ONLY_MEDIA, language
        assert deleted or language in marker_languages.SHAPE_ONLY_DELETED, language
    assert set(tables.PROVENANCE) == set(tables.LANGUAGES)
    assert not any(p.verified for p in tables.PROVENANCE.values())  # nobody here has
    assert len(tables.LANGUAGES) == len(WHATSAPP_LANGUAGES) == 59


UNKNOWN = [  # (body, shape): markers of a language the table does not hold (invented)
    ("<Meán fágtha>", "angle-brackets"),
    ("null", "null"),
    ("\u200eíomhá fágtha", "direction-mark"),
    ("\u200eDéantar criptiú ó cheann go ceann ar theachtaireachtaí agus ar ghlaonna. Ní "
     "féidir le héinne lasmuigh den chomhrá iad a léamh, fiú WhatsApp.", "direction-mark"),
    ("ok tot straks <Teachtaireacht curtha in eagar>", "edited-shape"),
]
ORDINARY = ["ok", "ik weet waar je woont", "zie je <3", "a < b en c > d",
            "<b>vet</b> maar geen marker"]


def test_a_marker_in_an_unknown_language_is_flagged_not_read_as_words(
        tmp_path: Path) -> None:
    lines = [f"[14/03/2026, 23:{n:02d}:00] Dave: {body}" for n, (body, _s) in
             enumerate(UNKNOWN)]
    lines += [f"[15/03/2026, 08:{n:02d}:00] Erin: {body}" for n, body in enumerate(ORDINARY)]
    path = tmp_path / "ga.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    draft, _ = run(WhatsAppImporter(), path)
    assert closes(draft) and len(draft.events) == len(lines)
    flagged = [dict(e.details).get("possible_marker") for e in draft.events]
    assert flagged == [shape for _b, shape in UNKNOWN] + [None] * len(ORDINARY)
    assert all(e.kind == "message" for e in draft.events)  # the text is kept, and whose
    assert {e.actor for e in draft.events[:len(UNKNOWN)]} == {"name:whatsapp:Dave"}
    found = [p for p in draft.problems if p.code == "chat.possible-marker"]
    assert [dict(p.params) for p in found] == [{"count": str(len(UNKNOWN)), "where": "line 1"}]


def test_known_markers_and_notices_are_not_flagged(tmp_path: Path) -> None:
    path = tmp_path / "known.txt"
    path.write_text("[14/03/2026, 23:00:00] Dave: \u200eimage omitted\n"
                    "[14/03/2026, 23:01:00] Dave: <Médias omis>\n"
                    "[14/03/2026, 23:02:00] Dave: <Meedia ära jäetud>\n"
                    "[14/03/2026, 23:03:00] Dave: tot zo <Dit bericht is bewerkt>\n"
                    "[14/03/2026, 23:04:00] Dave: \u200e<attached: 00000012-PHOTO.jpg>\n",
                    encoding="utf-8")
    draft, _ = run(WhatsAppImporter(), path)
    assert closes(draft) and len(draft.events) == 5
    assert not any("possible_marker" in dict(e.details) for e in draft.events)
    assert "chat.possible-marker" not in [p.code for p in draft.problems]


def test_an_android_attachment_line_in_any_language_is_an_attachment(tmp_path: Path) -> None:
    """``IMG-….jpg (file attached)`` in a language the table lacks: the file's name is
    read, the words in brackets are not taken for the sender's (and the missing file
    is reported)."""
    path = tmp_path / "sw.txt"
    path.write_text("14/03/2026, 23:00 - Dave: IMG-20260314-WA0001.jpg (faili imeambatishwa)\n",
                    encoding="utf-8")
    draft, _ = run(WhatsAppImporter(), path)
    details = dict(draft.events[0].details)
    assert details["attachment"] == "IMG-20260314-WA0001.jpg" and closes(draft)
    assert "chat.attachment-missing" in [p.code for p in draft.problems]
