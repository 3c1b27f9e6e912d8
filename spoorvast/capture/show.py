"""A capture's provenance record as ``show`` gives it: the record and its rows of label
and value, in the reader's language. Printing is the CLI's (``cli/capture_show.py``)."""

from __future__ import annotations

import json
from typing import Any

from spoorvast.capture import codes as _codes  # noqa: F401  (the codes of its findings,
from spoorvast.capture import platforms as _platforms  # noqa: F401  shown with the record)
from spoorvast.capture.provenance_rows import provenance_rows
from spoorvast.capture.tsa_clock import CLOCK_NAME
from spoorvast.i18n import _
from spoorvast.model.records import ArtifactRole, Item
from spoorvast.storage.vault import Vault


def record_of(vault: Vault, item: Item) -> dict[str, Any] | None:
    assert item.id is not None
    found = next((a for a in vault.store.artifacts(item.id)
                  if a.role is ArtifactRole.ANALYSIS and a.name == "capture.json"), None)
    if found is None:
        return None
    value = json.loads(vault.blobs.read_bytes(found.sha256))
    if not isinstance(value, dict):
        return None
    clock = next((a for a in vault.store.artifacts(item.id) if a.role is ArtifactRole.ANALYSIS
                  and a.name == CLOCK_NAME and a.derived_from == found.sha256), None)
    if clock is not None:  # beside the record (the token it covers cannot be inside)
        value["tsa_clock"] = json.loads(vault.blobs.read_bytes(clock.sha256))
    return value


def rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    response = record.get("response") or {}
    shot = record.get("screenshot") or {}
    platform = record.get("platform") or {}
    browser = record.get("browser") or {}
    rows = [
        (_("Requested URL"), record.get("requested_url")),
        *[(_("Redirect"), f"{h['status']} {h['url']}") for h in record.get("redirects", [])],
        (_("Final URL"), record.get("final_url")),
        (_("HTTP status"), f"{response.get('status', '')} {response.get('status_text', '')}"),
        (_("Server address"), f"{response.get('server_ip')}:{response.get('server_port')}"),
        (_("TLS"), _tls(response.get("tls"))),
        (_("Page title"), record.get("title")),
        (_("Capture started"), (record.get("started") or {}).get("local")),
        (_("Capture ended"), (record.get("ended") or {}).get("local")),
        (_("Browser"), _browser(record, browser)),
        (_("User agent"), browser.get("user_agent")),
        *provenance_rows(record),
        (_("Full-page screenshot"), _shot(shot)),
        (_("Platform"), platform.get("platform")),
        (_("Handle"), platform.get("handle")),
        (_("Stable account ID"), platform.get("stable_id")),
        (_("Post ID"), platform.get("post_id")),
        (_("Comment ID"), platform.get("comment_id")),
        (_("Group, server or channel (not an account)"), platform.get("place")),
        (_("Logged in as (the account the capture was made from)"), _viewer(platform)),
    ]
    return [(k, str(v)) for k, v in rows if v not in (None, "", "None:None")]


def _browser(record: dict[str, Any], browser: dict[str, Any]) -> str:
    extension = record.get("extension")
    if isinstance(extension, dict):  # made in the person's own browser
        return _("{browser} · spoorvast browser extension {version}").format(
            browser=browser.get("version") or _("unknown"), version=extension.get("version"))
    return f"Chromium {browser.get('version')} · Playwright {record.get('playwright_version')}"


def _viewer(platform: dict[str, Any]) -> str | None:
    viewer, handle = platform.get("viewer_id"), platform.get("viewer_handle")
    return f"{viewer} (@{handle})" if viewer and handle else viewer


def _tls(tls: dict[str, Any] | None) -> str | None:
    if not tls:
        return None
    return _("{protocol}; certificate for {subject}, issued by {issuer}").format(
        protocol=tls.get("protocol"), subject=tls.get("subject"), issuer=tls.get("issuer"))


def _shot(shot: dict[str, Any]) -> str | None:
    if not shot.get("page_height"):
        return None
    text = _("{width} × {height} px (page {page} px, cap {cap} px)").format(
        width=shot.get("width"), height=shot.get("captured_height"),
        page=shot.get("page_height"), cap=shot.get("height_cap"))
    return text
