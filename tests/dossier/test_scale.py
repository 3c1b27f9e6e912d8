"""Scale: 300 items and 10,000 marked messages (over 600 pages) render, with page numbers
and a linked table of contents (slow: about 30 s on the 2-core project machine; it was
500 items and 20,000 messages, which took up to 170 s of a loaded CI run and showed
nothing more)."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from spoorvast.dossier.build import make_dossier
from spoorvast.dossier.model import DossierOptions
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Event, Item, ItemKind
from spoorvast.services.cases import create_case
from spoorvast.storage.vault import Vault, create
from tests.conftest import PASSPHRASE

ZONE = "Europe/Brussels"


def _png(n: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (n % 256, (n * 7) % 256, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def _fill(vault: Vault, case_id: int, items: int, messages: int) -> None:
    at = instant.now(ZONE)
    with vault.store.transaction() as tx:
        for n in range(items - 1):
            blob = vault.blobs.ingest_bytes(_png(n), durable=False)
            tx.add_item(Item(None, case_id, 0, ItemKind.IMAGE, f"shot-{n}.png", at, "file"),
                        [Artifact(None, None, ArtifactRole.ORIGINAL, "image/png", blob.size,
                                  blob.sha256, f"shot-{n}.png", at)])
        blob = vault.blobs.ingest_bytes(b"chat\n", durable=False)
        chat = tx.add_item(Item(None, case_id, 0, ItemKind.CONVERSATION, "chat", at, "x"),
                           [Artifact(None, None, ArtifactRole.ORIGINAL, "text/plain",
                                     blob.size, blob.sha256, "chat.txt", at)])
        tx.add_events(chat, [Event(None, case_id, chat.id, "message",
                                   instant.from_epoch(1772400000 + 61 * n, ZONE),
                                   f"synthetic message {n}", actor="phone:+32470123456",
                                   marked=True) for n in range(messages)])
    vault.blobs.sync()


@pytest.mark.slow
def test_300_items_and_10000_marked_messages(tmp_path: Path) -> None:
    with create(tmp_path / "vault", PASSPHRASE) as vault:
        case = create_case(vault, "Scale", "en", ZONE)
        _fill(vault, case.id or 0, 300, 10_000)
        start = time.perf_counter()
        result = make_dossier(vault, case, DossierOptions("en", make_zip=False),
                              tmp_path / "out")
        seconds = time.perf_counter() - start
    reader = PdfReader(result.pdf)
    assert result.pages == len(reader.pages) > 500
    assert len(reader.outline) >= 6  # the bookmarks of the sections
    last = subprocess.run(["pdftotext", "-f", str(result.pages - 8), str(result.pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"/ {result.pages}" in last  # page numbers "n / total"
    text = subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "synthetic message 9999" in text and "E-0300" in text
    print(f"\n300 items + 10,000 marked messages: {result.pages} pages in {seconds:.1f} s")
