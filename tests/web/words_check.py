"""What a person sees on a page, and whether it is in the page's language.

The visible text is the page's text without scripts and styles, plus the attributes a
person hears or sees (``aria-label``, ``alt``, ``title``, ``placeholder``). Evidence (a
message, a file name, an e-mail's header) is marked ``translate="no"`` by the templates
and left out: it is in whatever language its author wrote.

A text fails when it holds an English string of the catalogs that its language
translates differently, an English word of the stop-list, a code (``item.added``,
``name:whatsapp:…``, ``requested-action``), or a plural in the wrong form.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from spoorvast.i18n import merged_catalog
from spoorvast.web import words

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                  "meta", "source", "track", "wbr"})
HIDDEN = frozenset({"script", "style", "template"})
SPOKEN = ("aria-label", "alt", "title", "placeholder")
# English words that are not words of Dutch, French or German: one of them on a
# nl/fr/de page is an untranslated literal (a string that never went through _())
STOP = frozenset({"the", "and", "with", "which", "your", "you", "this", "that", "from",
                  "are", "has", "have", "added", "pictures", "ready", "captured", "victim",
                  "should", "could", "would", "there", "nothing", "something", "without",
                  "please", "what", "when", "where", "who", "yet", "proposed", "events",
                  "messages", "read", "not", "of the", "items"})
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
CODES = re.compile(
    r"\b(?:item|artifact|events?|identifier|finding|party|case|vault|export|dossier|web|ocr"
    r"|chat|import|checklist)\.[a-z][a-z-]+\b|\b(?:name|phone|account|email):\S"
    r"|\b(?:requested-action|observed-at|police-report|platform-report|helpline-report"
    r"|sender-claimed|blurred-preview|ocr-text|timestamp-token)\b")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []  # the tag being skipped, once per open element of it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.skip:
            if tag == self.skip[0] and tag not in VOID:
                self.skip.append(tag)
            return
        # translate="no": evidence; data-cldr: names CLDR (Babel) wrote in the page's
        # language, not our catalogs (a currency such as "Konvertible Mark")
        if tag in HIDDEN or found.get("translate") == "no" or "data-cldr" in found:
            if tag not in VOID:
                self.skip.append(tag)
            return
        self.parts.extend(str(found[a]) for a in SPOKEN if found.get(a))
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.parts.append(str(found["value"]))
        if tag in ("br", "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "dt", "dd"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag == self.skip[0]:
            self.skip.pop()
        elif not self.skip and tag in ("p", "div", "li", "td", "th", "tr", "dt", "dd",
                                       "h1", "h2", "h3", "button", "a", "label", "option"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(" ".join(line.split()) for line in "".join(parser.parts).split("\n")
                     if line.strip())


@cache
def _english(language: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """English fragments (2+ words) and single English words of the catalogs that the
    language writes otherwise, and every word the language's translations use."""
    catalog = merged_catalog(language)
    translated: list[str] = []
    english: list[str] = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated.extend(strings)
        if set(ids) & set(strings):
            continue
        english.extend(ids)
    own_words = frozenset(w for s in translated for w in _WORD.findall(s))
    own_text = "\n".join(translated)
    fragments: set[str] = set()
    singles: set[str] = set()
    for text in english:
        for piece in _PLACEHOLDER.split(text):
            piece = piece.strip(" .,:;()!?·—-\n")
            if len(piece.split()) >= 2 and len(piece) >= 10 and piece not in own_text:
                fragments.add(piece)
            elif len(piece.split()) == 1 and len(piece) >= 4 and piece.isalpha() \
                    and piece not in own_words:
                singles.add(piece)
    return tuple(sorted(fragments, key=len, reverse=True)), frozenset(singles), own_words


def _singular(language: str, n: int) -> bool:
    return n <= 1 if language == "fr" else n == 1


@cache
def _plural_words(language: str) -> tuple[tuple[str, str], ...]:
    """(singular word, plural word) following the count in each plural message."""
    pairs: set[tuple[str, str]] = set()
    for message in merged_catalog(language):
        if not isinstance(message.string, tuple) or len(message.string) != 2:
            continue
        one, many = (_after_count(s) for s in message.string)
        if one and many and one != many:
            pairs.add((one, many))
    return tuple(sorted(pairs))


def _after_count(text: str) -> str | None:
    if len(_PLACEHOLDER.findall(text)) != 1:
        return None
    found = re.search(r"\{[a-z_]*\}\s+([^\W\d_][\w’'-]*)", text)
    return found.group(1) if found else None


def problems(text: str, language: str) -> list[str]:
    """What in ``text`` is not in ``language`` (empty when all is well)."""
    found = [f"code {m.group(0)!r}" for m in CODES.finditer(text)]
    found += [f"plural {p!r}" for p in wrong_plurals(text, language)]
    if language == "en":
        return found
    fragments, singles, own_words = _english(language)
    found += [f"English {f!r}" for f in fragments if f in text]
    for word in set(_WORD.findall(text)):
        if word in singles or (word.lower() in STOP and word not in own_words):
            found.append(f"English word {word!r}")
    found += [f"English {s!r}" for s in STOP if " " in s and s in text.lower()]
    return found


def wrong_plurals(text: str, language: str) -> list[str]:
    wrong = []
    for one, many in _plural_words(language):
        for number, word in re.findall(rf"(?<![\w.,:])(\d+)[ \u00a0]+({re.escape(one)}|"
                                       rf"{re.escape(many)})\b", text):
            if (word == one) != _singular(language, int(number)):
                wrong.append(f"{number} {word}")
    return wrong


def job_texts(state: dict[str, object]) -> str:
    """The words a job's page shows (its message, lines and links)."""
    lines = [str(state.get("message") or "")]
    lines += [str(line) for line in state.get("lines") or []]  # type: ignore[attr-defined]
    lines += [str(link["label"]) for link in state.get("links") or []]  # type: ignore[attr-defined]
    lines += [str(f["message"]) for f in state.get("files") or []]  # type: ignore[attr-defined]
    return "\n".join(line for line in lines if line)


__all__ = ["job_texts", "problems", "visible", "words"]
