"""The guard with the real Chromium: redirects, rebinding and subresources that lead to a
local service are refused at connect time, the visit says so in a finding, and nothing
of the local service is sealed.

The page server is the one allowed test origin (``test_only_origins``); the "local
service" is a second server on 127.0.0.1 that must never be reached.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.guard import TargetRefused
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.page import CaptureFailed
from spoorvast.capture.service import CaptureService
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from tests.capture.helpers import capture, record_of, stored
from tests.capture.site import PROFILE_PAGE, Response, _serve

SECRET = b"LOCAL-SERVICE-SECRET-7f3a"
PUBLIC = "93.184.215.14"


class LocalService:
    """What a victim's computer or router might serve on loopback: must stay unseen."""

    def __init__(self) -> None:
        self.hits = 0
        self.server = _serve(self._route)

    def _route(self, path: str, headers: dict[str, str]) -> Response:
        self.hits += 1
        return 200, "text/html", b"<html><title>secret</title><p>" + SECRET + b"</p></html>", {}

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])


class Pages:
    """The allowed page server: redirects and pages that point at the local service."""

    def __init__(self, secret_port: int) -> None:
        self.secret = f"http://127.0.0.1:{secret_port}"
        self.secret_port = secret_port
        self.server = _serve(self._route)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _route(self, path: str, headers: dict[str, str]) -> Response:
        html = "text/html; charset=utf-8"
        targets = {
            "/to-loopback": self.secret + "/admin",
            "/hop1": "/hop2", "/hop2": self.secret + "/admin",
            "/to-localhost": f"http://localhost:{self.secret_port}/admin",
            "/to-private": "http://10.255.255.1:81/router",
            "/to-name": f"http://intranet.test:{self.secret_port}/",
        }
        if path in targets:
            return 302, html, b"", {"Location": targets[path]}
        if path == "/profile":
            return 200, html, PROFILE_PAGE.encode(), {}
        if path == "/subresources":
            page = (f"<html><title>Allowed page</title><p>ALLOWED-PAGE-TEXT</p>"
                    f"<img src='{self.secret}/pic.png'><iframe src='{self.secret}/frame'>"
                    f"</iframe><p id=out></p><script>fetch('{self.secret}/data')"
                    f".then(r => r.text()).then(t => out.textContent = t)"
                    f".catch(() => out.textContent = 'FETCH-FAILED');"
                    f"new WebSocket('ws://127.0.0.1:{self.secret_port}/socket');</script>"
                    f"</html>")
            return 200, html, page.encode(), {}
        return 200, "image/png", b"", {} if path.startswith("/img/") else (404, html, b"", {})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def local() -> Iterator[LocalService]:
    service = LocalService()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture(scope="module")
def pages(local: LocalService) -> Iterator[Pages]:
    served = Pages(local.port)
    yield served
    served.close()


def guarded(pages: Pages) -> CaptureOptions:
    return CaptureOptions(test_only_origins=(pages.base,), timeout_seconds=20,
                          load_timeout_seconds=10, settle_seconds=0.5, pdf=False)


def names(mapping: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    """A resolver over a fixed table (each name answers its list, in turn)."""
    calls: dict[str, int] = {}

    def resolve(host: str) -> list[str]:
        answers = mapping[host]
        calls[host] = calls.get(host, 0) + 1
        return [answers[min(calls[host], len(answers)) - 1]]

    return resolve


def sealed_bytes(vault: Vault, case: Case) -> Iterator[bytes]:
    """Every sealed file of the case, with the members of a ZIP and the WARC unpacked."""
    artifacts = [a for item in vault.store.items(case.id or 0)
                 for a in vault.store.artifacts(item.id or 0)]
    assert artifacts
    for artifact in artifacts:
        data = vault.blobs.read_bytes(artifact.sha256)
        yield data
        if data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                for member in package.namelist():
                    inner = package.read(member)
                    yield gzip.decompress(inner) if member.endswith(".gz") else inner


def assert_nothing_local(vault: Vault, case: Case, local: LocalService,
                         hits_before: int) -> None:
    assert local.hits == hits_before, "the local service was reached"
    for data in sealed_bytes(vault, case):
        assert SECRET not in data


def codes(result: object) -> list[str]:
    return [p.code for p in getattr(result, "problems", ())]


@pytest.mark.parametrize(("path", "host"), [
    ("/to-loopback", "127.0.0.1"), ("/hop1", "127.0.0.1"), ("/to-localhost", "localhost"),
])
def test_redirect_to_a_local_service_is_refused_and_said(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages, local: LocalService,
        path: str, host: str) -> None:
    before = local.hits
    result = capture(vault, case, session, pages.base + path, guarded(pages))
    assert "capture.refused" in codes(result)
    refused = next(p for p in result.problems if p.code == "capture.refused")
    assert ("host", host) in refused.params and ("port", str(local.port)) in refused.params
    _item, files = stored(vault, case, result.label)
    assert set(files) == {"capture.wacz", "capture.json"}  # no screenshot of an error page
    record = record_of(vault, files)
    guard = record["guard"]
    assert isinstance(guard, dict) and guard["stopped"] is True
    assert [r["host"] for r in guard["refused"]] == [host]
    assert_nothing_local(vault, case, local, before)


def test_redirect_to_a_private_range_is_refused_before_connecting(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages,
        local: LocalService) -> None:
    result = capture(vault, case, session, pages.base + "/to-private", guarded(pages))
    refused = next(p for p in result.problems if p.code == "capture.refused")
    assert ("address", "10.255.255.1") in refused.params


def test_a_name_resolving_to_a_private_address_is_refused(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages,
        local: LocalService) -> None:
    before = local.hits
    resolve = names({"intranet.test": ["10.1.2.3"]})
    result = capture(vault, case, session, pages.base + "/to-name", guarded(pages), resolve)
    refused = next(p for p in result.problems if p.code == "capture.refused")
    assert ("host", "intranet.test") in refused.params
    assert ("address", "10.1.2.3") in refused.params
    assert_nothing_local(vault, case, local, before)


def test_dns_rebinding_is_refused_at_connect_time(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages,
        local: LocalService) -> None:
    """The name answers a public address when the capture is checked, then loopback when
    the browser connects: the second answer is the one checked, and refused."""
    before = local.hits
    resolve = names({"rebind.test": [PUBLIC, "127.0.0.1"]})
    url = f"http://rebind.test:{local.port}/admin"
    result = capture(vault, case, session, url, guarded(pages), resolve)
    refused = next(p for p in result.problems if p.code == "capture.refused")
    assert ("address", "127.0.0.1") in refused.params
    assert_nothing_local(vault, case, local, before)


def test_a_public_start_never_reaches_the_test_allowance(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages,
        local: LocalService) -> None:
    """Even the allowed test origin is barred to a visit that starts at a public name."""
    resolve = names({"public.test": [PUBLIC, "127.0.0.1"]})
    port = pages.base.rsplit(":", 1)[1]
    result = capture(vault, case, session, f"http://public.test:{port}/profile",
                     guarded(pages), resolve)
    assert "capture.refused" in codes(result)


def test_subresources_to_a_local_service_are_refused(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages,
        local: LocalService) -> None:
    before = local.hits
    result = capture(vault, case, session, pages.base + "/subresources", guarded(pages))
    assert "capture.blocked" in codes(result) and "capture.refused" not in codes(result)
    _item, files = stored(vault, case, result.label)
    assert {"dom.html", "viewport.png", "capture.wacz"} <= set(files)
    dom = vault.blobs.read_bytes(files["dom.html"].sha256)
    assert b"ALLOWED-PAGE-TEXT" in dom and b"FETCH-FAILED" in dom
    assert_nothing_local(vault, case, local, before)


def test_the_allowed_page_is_captured_with_the_address_that_served_it(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages) -> None:
    result = capture(vault, case, session, pages.base + "/profile", guarded(pages))
    assert codes(result) == []
    _item, files = stored(vault, case, result.label)
    response = record_of(vault, files)["response"]
    assert isinstance(response, dict)
    assert (response["server_ip"], str(response["server_port"])) == (
        "127.0.0.1", pages.base.rsplit(":", 1)[1])  # the server's, not the proxy's


def test_an_unlisted_local_start_is_refused_before_the_browser(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages,
        local: LocalService) -> None:
    with pytest.raises(TargetRefused):
        capture(vault, case, session, f"http://127.0.0.1:{local.port}/", guarded(pages))


@pytest.mark.parametrize("path", ["/to-loopback", "/subresources"])
def test_without_the_proxy_the_answer_check_still_stops_the_visit(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages,
        local: LocalService, path: str) -> None:
    """A context the proxy was not given to (as a logged-in profile launched elsewhere
    may be): the browser reaches the local service, but the address of the answer is
    checked, the visit stops, and nothing from the local service is sealed."""
    assert session.info is not None
    options = guarded(pages)

    def unproxied(har: Path, proxy: str) -> BrowserContext:
        return session.new_context(options, har, None)

    result = CaptureService(vault, case, options, session.info, unproxied,
                            session.playwright).capture(pages.base + path)
    assert "capture.unguarded" in codes(result)
    _item, files = stored(vault, case, result.label)
    assert set(files) <= {"capture.wacz", "capture.json"}
    assert_nothing_local(vault, case, local, local.hits)


def test_a_closed_port_says_why_not_the_proxy(
        vault: Vault, case: Case, session: BrowserSession, pages: Pages) -> None:
    """Chromium only learns that the guard proxy could not connect; the reason given is
    the proxy's own (as Chromium would have said it)."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    options = CaptureOptions(test_only_origins=(base,), timeout_seconds=10, pdf=False)
    with pytest.raises(CaptureFailed, match="CONNECTION_REFUSED"):
        capture(vault, case, session, base + "/", options)
