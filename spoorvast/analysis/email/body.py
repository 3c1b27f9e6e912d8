"""An e-mail's body as text a person reads (and a search finds).

The plain-text parts as they are; when a message has only HTML, its text content:
the stdlib's ``html.parser`` reads the markup as data (nothing is fetched, nothing
runs), ``script``/``style``/``head`` content is dropped, block elements become line
breaks and character references are decoded. The HTML itself stays sealed as an
attachment; this text is only ever shown escaped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# a body longer than this is cut for the event's text (the search index); the page
# and the sealed original keep all of it
SEARCH_LIMIT = 200_000
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                     "blockquote", "pre", "table", "ul", "ol", "hr", "section", "article"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML body (never markup)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.out).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def body_text(plain: list[str], html: list[str]) -> str:
    """The plain-text bodies, or, without any, the text of the HTML ones."""
    text = "\n\n".join(p.strip() for p in plain if p.strip())
    if text:
        return text.replace("\r\n", "\n")
    return "\n\n".join(html_to_text(h) for h in html if h.strip())
