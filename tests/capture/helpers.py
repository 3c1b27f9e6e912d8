"""Capturing with the test module's browser, and reading what was stored."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import BrowserContext

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.guard import Resolver, system_resolve
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.service import CaptureResult, CaptureService
from spoorvast.model.records import Artifact, Case, Item
from spoorvast.services import cases
from spoorvast.storage.vault import Vault


def capture(vault: Vault, case: Case, session: BrowserSession, url: str,
            options: CaptureOptions, resolve: Resolver = system_resolve) -> CaptureResult:
    assert session.info is not None

    def open_context(har: Path, proxy: str) -> BrowserContext:
        return session.new_context(options, har, proxy)

    return CaptureService(vault, case, options, session.info, open_context,
                          session.playwright, resolve).capture(url)


def stored(vault: Vault, case: Case, label: str) -> tuple[Item, dict[str, Artifact]]:
    item = cases.find_item(vault, case, label)
    assert item.id is not None
    return item, {a.name: a for a in vault.store.artifacts(item.id)}


def blob(vault: Vault, artifact: Artifact) -> bytes:
    return vault.blobs.read_bytes(artifact.sha256)


def record_of(vault: Vault, artifacts: dict[str, Artifact]) -> dict[str, object]:
    value = json.loads(blob(vault, artifacts["capture.json"]))
    assert isinstance(value, dict)
    return value
