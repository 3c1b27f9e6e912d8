"""The HTTP exchanges of a visit, read from the HAR Playwright recorded.

HAR bodies are what Chromium received after undoing any ``Content-Encoding``; the WARC
writer says so in its headers. Entries that are not http(s) (the browser's own
``chrome-extension:`` pages, ``data:`` URLs) are not part of the visit and are skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Exchange:
    url: str
    method: str
    http_version: str
    request_headers: Headers
    request_body: bytes | None
    status: int
    status_text: str
    response_headers: Headers
    body: bytes
    server_ip: str | None
    started: str  # ISO 8601 as the HAR gives it (UTC)
    resource_type: str = ""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.response_headers if k.lower() == wanted), None)

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


def read_har(data: bytes) -> list[Exchange]:
    """Every http(s) exchange in a HAR file; unreadable entries are skipped."""
    try:
        log = json.loads(data or b"{}").get("log", {})
    except (ValueError, AttributeError):
        return []
    return list(_exchanges(log.get("entries") or []))


def _exchanges(entries: list[Any]) -> Iterator[Exchange]:
    for entry in entries:
        try:
            exchange = _exchange(entry)
        except (KeyError, TypeError, ValueError, binascii.Error):
            continue
        if exchange.url.startswith(("http://", "https://")) and exchange.status > 0:
            yield exchange


def _exchange(entry: dict[str, Any]) -> Exchange:
    request, response = entry["request"], entry["response"]
    return Exchange(
        url=request["url"], method=request.get("method", "GET"),
        http_version=_version(response.get("httpVersion") or request.get("httpVersion")),
        request_headers=_headers(request.get("headers")),
        request_body=_post_body(request.get("postData")),
        status=int(response.get("status") or 0),
        status_text=str(response.get("statusText") or ""),
        response_headers=_headers(response.get("headers")),
        body=_content(response.get("content") or {}),
        server_ip=entry.get("serverIPAddress") or None,
        started=str(entry.get("startedDateTime") or ""),
        resource_type=str(entry.get("_resourceType") or ""),
    )


def _version(text: str | None) -> str:
    value = (text or "HTTP/1.1").upper()
    return value if value.startswith("HTTP/") else "HTTP/1.1"


def _headers(items: list[Any] | None) -> Headers:
    return tuple((str(h["name"]), str(h["value"])) for h in items or ()
                 if not str(h["name"]).startswith(":"))


def _post_body(post: dict[str, Any] | None) -> bytes | None:
    if not post or "text" not in post:
        return None
    if post.get("encoding") == "base64":
        return base64.b64decode(post["text"])
    return str(post["text"]).encode("utf-8")


def _content(content: dict[str, Any]) -> bytes:
    text = content.get("text")
    if text is None:
        return b""
    if content.get("encoding") == "base64":
        return base64.b64decode(text)
    return str(text).encode("utf-8")


def main_document(exchanges: list[Exchange], final_url: str) -> Exchange | None:
    """The last exchange for the final URL (the page itself after its redirects)."""
    found = [e for e in exchanges if e.url == final_url and e.method == "GET"]
    return found[-1] if found else None


def with_original(exchanges: list[Exchange], direct: Exchange) -> list[Exchange]:
    """Replace what the browser's viewer showed for a media URL with its real bytes."""
    kept = [e for e in exchanges if e.url != direct.url]
    return [*kept, replace(direct)]
