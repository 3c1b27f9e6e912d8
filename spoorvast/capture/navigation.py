"""What the browser learnt about the page's own response: redirects, status, server
address, TLS details, headers; and the direct fetch of a media URL's original bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from playwright.sync_api import BrowserContext, Playwright, Response

from spoorvast.capture.exchanges import Exchange, Headers


@dataclass(frozen=True, slots=True)
class Hop:
    url: str
    status: int
    location: str | None


@dataclass(frozen=True, slots=True)
class Tls:
    protocol: str
    subject: str
    issuer: str
    valid_from: float | None  # Unix time, as the browser reports it
    valid_to: float | None


@dataclass(frozen=True, slots=True)
class MainResponse:
    url: str
    status: int
    status_text: str
    headers: Headers
    server_ip: str | None
    server_port: int | None
    tls: Tls | None
    hops: tuple[Hop, ...]
    request_headers: Headers

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


def _headers(response: Response) -> Headers:
    return tuple((h["name"], h["value"]) for h in response.headers_array())


def _hops(response: Response) -> tuple[Hop, ...]:
    hops: list[Hop] = []
    request = response.request.redirected_from
    while request is not None:
        earlier = request.response()
        if earlier is not None:
            hops.append(Hop(request.url, earlier.status, earlier.header_value("location")))
        request = request.redirected_from
    return tuple(reversed(hops))


def _tls(response: Response) -> Tls | None:
    details = response.security_details()
    if not details:
        return None
    return Tls(str(details.get("protocol") or ""), str(details.get("subjectName") or ""),
               str(details.get("issuer") or ""), details.get("validFrom"),
               details.get("validTo"))


def _text(value: object) -> str | None:
    return str(value) if value else None


def _number(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float)) else None


def describe_response(response: Response) -> MainResponse:
    address: dict[str, object] = dict(response.server_addr() or {})
    return MainResponse(
        url=response.url, status=response.status, status_text=response.status_text,
        headers=_headers(response), server_ip=_text(address.get("ipAddress")),
        server_port=_number(address.get("port")), tls=_tls(response), hops=_hops(response),
        request_headers=tuple(response.request.headers.items()),
    )


def fetch_direct(playwright: Playwright, context: BrowserContext,
                 main: MainResponse | None, proxy: str) -> Exchange | None:
    """The original bytes of a media URL (the browser shows PDFs and images in a viewer
    page, so what it rendered is not the file). A separate request client with the
    context's cookies, through the visit's guard proxy (``proxy``): requests of the
    context's own client would enter its HAR, whose recorder can then wait for the
    viewer's stream forever when the context closes."""
    if main is None:
        return None
    started = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    client = playwright.request.new_context(
        storage_state=context.storage_state(), proxy={"server": proxy})
    try:
        answer = client.get(main.url, max_redirects=0, fail_on_status_code=False)
        return Exchange(
            url=main.url, method="GET", http_version="HTTP/1.1",
            request_headers=(), request_body=None, status=answer.status,
            status_text=answer.status_text,
            response_headers=tuple((h["name"], h["value"]) for h in answer.headers_array),
            body=answer.body(), server_ip=main.server_ip, started=started,
            resource_type="document")
    finally:
        client.dispose()
