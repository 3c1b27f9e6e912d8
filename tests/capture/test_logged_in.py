"""Logged-in capture with the profile kept encrypted in the vault, and the removal of
session secrets from exported WACZ and HAR files."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import BrowserContext
from warcio.archiveiterator import ArchiveIterator

from spoorvast.capture import profile
from spoorvast.capture.batch import Failed, capture_all
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.secrets import strip_session_secrets, strip_url
from spoorvast.capture.wacz import check_wacz
from spoorvast.model.records import Case
from spoorvast.services.verify import verify
from spoorvast.storage.vault import Vault
from tests.capture.helpers import blob, stored
from tests.capture.site import Site

SECRET = b"SECRET-SESSION-VALUE"


def profile_cookies(packed: bytes) -> bytes:
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(packed), mode="r:gz") as tar:
        return b"".join(tar.extractfile(m).read() for m in tar.getmembers()  # type: ignore[union-attr]
                        if m.isfile() and "Cookies" in m.name)


def _all_bytes_of_wacz(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        warc = archive.read("archive/data.warc.gz")
    parts = []
    for record in ArchiveIterator(io.BytesIO(warc)):
        parts.append(str(record.rec_headers).encode())
        if record.http_headers is not None:
            parts.append(str(record.http_headers).encode())
        parts.append(record.content_stream().read())
    return b"".join(parts)


@pytest.mark.slow
def test_login_then_logged_in_capture_then_export_without_secrets(
        vault: Vault, case: Case, site: Site) -> None:
    def log_in(context: BrowserContext) -> None:  # stands in for the person at the window
        context.pages[0].goto(site.url("/login-set"))

    profile.login(vault, driver=log_in, headless=True)
    stored_profile = vault.store.setting(profile.PROFILE_SETTING)
    assert stored_profile is not None
    where = vault.blobs.location(stored_profile)  # ciphertext only, packed or loose
    assert where is not None
    with where.pack.open("rb") as handle:
        handle.seek(where.offset)
        assert SECRET not in handle.read(where.length)
    assert b"127.0.0.1session" in profile_cookies(vault.blobs.read_bytes(stored_profile))

    options = CaptureOptions(allow_private_network=True, pdf=False, logged_in=True)
    [outcome] = capture_all(vault, case, options, [site.url("/whoami")])
    assert not isinstance(outcome, Failed)
    _item, files = stored(vault, case, outcome.label)
    assert b"LOGGED-IN-AS-SYNTHETIC" in blob(vault, files["dom.html"])
    wacz = blob(vault, files["capture.wacz"])
    assert SECRET in _all_bytes_of_wacz(wacz)  # kept inside the vault: it is evidence
    assert SECRET not in blob(vault, files["capture.json"])  # never in the record

    exported = strip_session_secrets("capture.wacz", wacz)
    assert check_wacz(exported) == []
    assert SECRET not in _all_bytes_of_wacz(exported)
    assert b"LOGGED-IN-AS-SYNTHETIC" in _all_bytes_of_wacz(exported)
    assert verify(vault).ok


@pytest.mark.slow
def test_a_logged_in_capture_goes_through_the_guard_too(vault: Vault, case: Case,
                                                          site: Site) -> None:
    """The persistent profile's browser gets the visit's guard proxy as well: a redirect
    to another local service is refused at connect time."""
    profile.login(vault, driver=lambda context: None, headless=True)
    options = CaptureOptions(test_only_origins=(site.base,), pdf=False, logged_in=True)
    [outcome] = capture_all(vault, case, options, [site.url("/to-other")])
    assert not isinstance(outcome, Failed)
    assert "capture.refused" in [p.code for p in outcome.problems]
    _item, files = stored(vault, case, outcome.label)
    assert set(files) == {"capture.wacz", "capture.json"}


def test_logged_in_without_a_profile_is_a_clear_error(vault: Vault, case: Case,
                                                      site: Site) -> None:
    options = CaptureOptions(allow_private_network=True, logged_in=True)
    with pytest.raises(Exception, match="browser login"):
        capture_all(vault, case, options, [site.url("/whoami")])


def test_har_export_loses_cookies_and_tokens() -> None:
    har = {"log": {"entries": [{
        "request": {"url": "https://synthetic.example/feed?access_token=abc123&page=2",
                    "headers": [{"name": "Cookie", "value": "sid=s3cr3t"},
                                {"name": "Authorization", "value": "Bearer t0k3n"},
                                {"name": "Accept", "value": "text/html"}],
                    "cookies": [{"name": "sid", "value": "s3cr3t"}],
                    "queryString": [{"name": "access_token", "value": "abc123"},
                                    {"name": "page", "value": "2"}]},
        "response": {"headers": [{"name": "Set-Cookie", "value": "sid=n3w"},
                                 {"name": "X-CSRF-Token", "value": "csrf1"},
                                 {"name": "Content-Type", "value": "text/html"}],
                     "cookies": [{"name": "sid", "value": "n3w"}]}}]}}
    cleaned = strip_session_secrets("visit.har", json.dumps(har).encode())
    for secret in (b"s3cr3t", b"t0k3n", b"abc123", b"n3w", b"csrf1"):
        assert secret not in cleaned
    entry = json.loads(cleaned)["log"]["entries"][0]
    assert entry["request"]["url"].endswith("page=2")
    assert {"name": "Accept", "value": "text/html"} in entry["request"]["headers"]
    assert strip_session_secrets("page.pdf", b"%PDF") == b"%PDF"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://a.example/x?token=1&b=2", "https://a.example/x?token=%5Bremoved%5D&b=2"),
    ("https://a.example/x?q=kittens", "https://a.example/x?q=kittens"),
    ("https://a.example/cb?code=abc&state=xyz", "https://a.example/cb?code=%5Bremoved%5D&state=%5Bremoved%5D"),
])
def test_tokens_in_urls(url: str, expected: str) -> None:
    assert strip_url(url) == expected
