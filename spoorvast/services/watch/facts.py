"""What a sealed capture item showed, read back from its files: the record
(``capture.json``: status, final address, platform facts), the words of its DOM, the
pictures inside its MHTML and the viewport screenshot (perceptual hashes), and its
finding codes (walls, "not available" pages).

Everything is read from the vault, so a run sealed from the inbox at an unlock is read
exactly as one captured with the vault open. Bad or missing files give empty facts, never
an error: a capture that has no DOM is compared on what it has.
"""

from __future__ import annotations

import email
import io
import json
from email import policy
from html.parser import HTMLParser

from PIL import Image, UnidentifiedImageError

from spoorvast.model.records import Artifact, Item
from spoorvast.services.watch.model import RunFacts
from spoorvast.storage.vault import Vault

MAX_PICTURES = 200  # pictures hashed per page
MAX_PIXELS = 40_000_000  # a larger picture is not decoded (bounded memory)
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})


def facts_of(vault: Vault, item: Item, screenshot: bool = True) -> RunFacts:
    """What ``item`` showed; ``screenshot``: also the perceptual hash of the viewport
    screenshot (kept in the run's custody entry; comparing does not need it; the full
    page's takes ≈0.35 s to decode on a tall page, the viewport's ≈0.03 s)."""
    assert item.id is not None
    files = {a.name: a for a in vault.store.artifacts(item.id)}
    record = _record(vault, files.get("capture.json"))
    platform = record.get("platform")
    platform = platform if isinstance(platform, dict) else {}
    codes = frozenset(f.code for f in vault.store.findings(item.case_id, item.id))
    status = record.get("status")
    return RunFacts(
        label=item.label, at=item.acquired_at,
        status=status if isinstance(status, int) else None,
        final_url=_text(record.get("final_url")) or None, codes=codes,
        title=_text(record.get("title")) or item.title,
        text=_dom_text(vault, files.get("dom.html") or _original(files)),
        images=_pictures(vault, files.get("page.mhtml")),
        screenshot=_screenshot(vault, files.get("viewport.png") or files.get("full-page.png"))
        if screenshot else None,
        platform=_text(platform.get("platform")) or None,
        handle=_text(platform.get("handle")) or None,
        stable_id=_text(platform.get("stable_id")) or None,
        display_name=_text(platform.get("display_name")) or None,
        hashes=tuple(sorted((a.name, a.sha256) for a in files.values())))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _original(files: dict[str, Artifact]) -> Artifact | None:
    return next((a for a in files.values() if a.role.value == "original"
                 and a.media_type.startswith("text/html")), None)


def _read(vault: Vault, artifact: Artifact | None) -> bytes:
    return vault.blobs.read_bytes(artifact.sha256) if artifact is not None else b""


def _record(vault: Vault, artifact: Artifact | None) -> dict[str, object]:
    try:
        value = json.loads(_read(vault, artifact) or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class _Words(HTMLParser):
    """The text a reader sees: everything outside scripts, styles and the head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def page_words(html: bytes) -> str:
    """The page's words, one line per block of text (its text nodes)."""
    parser = _Words()
    parser.feed(html.decode("utf-8", "replace"))
    parser.close()
    lines = (" ".join(part.split()) for part in parser.parts)
    return "\n".join(line for line in lines if line)


def _dom_text(vault: Vault, artifact: Artifact | None) -> str:
    return page_words(_read(vault, artifact))


def picture_hash(data: bytes) -> str | None:
    """The perceptual hash (pHash, 64 bits, hex) of a picture; None when unreadable."""
    import imagehash  # here: numpy and SciPy (0.2 s), wanted only by a watch's run

    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.width * picture.height > MAX_PIXELS:
                return None
            return str(imagehash.phash(picture.convert("RGB")))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def mhtml_pictures(data: bytes) -> list[bytes]:
    """The pictures inside an MHTML file (a MIME multipart, as Chromium writes it)."""
    if not data:
        return []
    message = email.message_from_bytes(data, policy=policy.compat32)
    found: list[bytes] = []
    for part in message.walk():
        if part.get_content_maintype() == "image" and len(found) < MAX_PICTURES:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload:
                found.append(payload)
    return found


def _pictures(vault: Vault, artifact: Artifact | None) -> tuple[str, ...]:
    hashes = (picture_hash(p) for p in mhtml_pictures(_read(vault, artifact)))
    return tuple(sorted(h for h in hashes if h))


def _screenshot(vault: Vault, artifact: Artifact | None) -> str | None:
    data = _read(vault, artifact)
    return picture_hash(data) if data else None
