"""Recorded captures: capture items written into a vault the way the capture service
writes them (record, DOM, MHTML with the page's pictures, screenshot, findings), from
synthetic pages, so that watching can be tested without a browser."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from PIL import Image, ImageDraw

from spoorvast.model import instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    ItemKind,
    Problem,
    Severity,
)
from spoorvast.services.watch.model import Watch
from spoorvast.storage.vault import Vault

START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
URL = "https://www.instagram.com/bram.subject/"


def picture(kind: str, size: int = 96) -> bytes:
    """A synthetic photo: stripes (``stripes``), a disc (``disc``) or a chequer."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    if kind == "stripes":
        for x in range(0, size, 16):
            draw.rectangle((x, 0, x + 7, size), fill="navy")
    elif kind == "disc":
        draw.ellipse((10, 10, size - 10, size - 10), fill="darkred")
    else:
        for x in range(0, size, 24):
            for y in range((x // 24) % 2 * 24, size, 48):
                draw.rectangle((x, y, x + 23, y + 23), fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class Page:
    """One state of a watched page."""

    words: str = "Bram posted: you will regret this, everyone knows where you live."
    status: int = 200
    pictures: tuple[str, ...] = ("stripes",)
    handle: str | None = "bram.subject"
    stable_id: str | None = "4815162342"
    codes: tuple[str, ...] = ()
    display_name: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def html(self) -> bytes:
        images = "".join(f'<img src="/p{i}.png">' for i in range(len(self.pictures)))
        return (f"<html><head><title>Bram</title><style>p{{color:red}}</style></head>"
                f"<body><p>{self.words}</p>{images}<script>var x = 'not words';</script>"
                "</body></html>").encode()

    def mhtml(self) -> bytes:
        message = MIMEMultipart("related")
        message.attach(MIMEText(self.html().decode(), "html"))
        for i, kind in enumerate(self.pictures):
            part = MIMEImage(picture(kind), "png")
            part["Content-Location"] = f"http://127.0.0.1/p{i}.png"
            message.attach(part)
        return message.as_bytes()


def _artifact(vault: Vault, role: ArtifactRole, name: str, media: str, data: bytes,
              at: instant.Instant) -> Artifact:
    blob = vault.blobs.ingest_bytes(data)
    return Artifact(None, None, role, media, blob.size, blob.sha256, name, at)


def record(vault: Vault, case: Case, page: Page, hours: float) -> Item:
    """A capture item of ``page``, made ``hours`` after 3 March 2026, 09:00 UTC."""
    assert case.id is not None
    at = instant.from_epoch((START + timedelta(hours=hours)).timestamp(), case.time_zone)
    platform = {"platform": "instagram", "handle": page.handle, "stable_id": page.stable_id,
                "display_name": page.display_name}
    capture = {"status": page.status, "final_url": "https://www.instagram.com/bram.subject/",
               "title": "Bram", "platform": platform, **page.extra}
    artifacts = [
        _artifact(vault, ArtifactRole.DOM, "dom.html", "text/html", page.html(), at),
        _artifact(vault, ArtifactRole.MHTML, "page.mhtml", "multipart/related",
                  page.mhtml(), at),
        _artifact(vault, ArtifactRole.SCREENSHOT, "full-page.png", "image/png",
                  picture(page.pictures[0] if page.pictures else "chequer", 200), at),
        _artifact(vault, ArtifactRole.ANALYSIS, "capture.json", "application/json",
                  json.dumps(capture).encode(), at)]
    problems = [Problem(Severity.WARNING, code) for code in page.codes]
    item = Item(None, case.id, 0, ItemKind.CAPTURE, "Bram", at, "capture")
    with vault.store.transaction() as tx:
        stored = tx.add_item(item, artifacts, problems)
        tx.add_identifier(Identifier(None, case.id, IdentifierKind.URL, URL,
                                     status=IdentifierStatus.PROPOSED, item_id=stored.id))
    return stored


class RecordedRunner:
    """A runner whose captures are the recorded pages given, in turn (the Runner seam's
    built-in fake: the browser itself is tested in ``test_watch_browser.py``)."""

    def __init__(self, vault: Vault, pages: list[Page]) -> None:
        self.vault, self.pages, self.hours = vault, list(pages), 0.0

    def capture(self, case: Case, watch: Watch) -> str:
        self.hours += 6
        return record(self.vault, case, self.pages.pop(0), self.hours).label

    def close(self) -> None:
        return None
