"""The WACZ replays: checked against the WACZ 1.1.1 layout and by looking pages up the way
a replay engine does (index line by URL and nearest time → offset/length in the WARC →
the response record), since the replay engines themselves (pywb, wabac.js) are GPL/AGPL."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile

import pytest
from warcio.archiveiterator import ArchiveIterator

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.exchanges import Exchange
from spoorvast.capture.wacz import PackageInfo, PageEntry, build_wacz, check_wacz
from spoorvast.capture.warc import surt, write_warc
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from tests.capture.conftest import LOCAL
from tests.capture.helpers import blob, capture, stored
from tests.capture.site import PROFILE_TEXT, Site

PYWB_INDEX = re.compile(r".+\.cdx(\.gz)?$")  # what pywb's wb-manager takes from a WACZ
BASE = "http://127.0.0.1:8123"
PAGE = f"{BASE}/post?id=7&lang=nl"


def _exchange(url: str, body: bytes, started: str, status: int = 200,
              kind: str = "text/html", method: str = "GET") -> Exchange:
    return Exchange(url, method, "HTTP/1.1", (("Host", "127.0.0.1:8123"),), None, status,
                    "OK", (("Content-Type", kind),), body, "127.0.0.1", started)


EXCHANGES = [
    _exchange(f"{BASE}/start", b"", "2026-03-01T20:00:00.100Z", 302),
    _exchange(PAGE, b"<html><p>Harmful post by a synthetic account</p></html>",
              "2026-03-01T20:00:00.200Z"),
    _exchange(f"{BASE}/style.css", b"p{color:red}", "2026-03-01T20:00:00.300Z", kind="text/css"),
    _exchange(f"{BASE}/feed", b"first", "2026-03-01T20:00:01.000Z", kind="application/json"),
    _exchange(f"{BASE}/feed", b"second", "2026-03-01T20:00:03.000Z", kind="application/json"),
    _exchange(f"{BASE}/like", b"ok", "2026-03-01T20:00:04.000Z", method="POST"),
]


def _wacz(exchanges: list[Exchange] = EXCHANGES, page: str = PAGE) -> bytes:
    warc = write_warc(exchanges, {"software": "test"})
    return build_wacz(warc, [PageEntry(page, "2026-03-01T20:00:00.000Z", "A post")],
                      PackageInfo("A post", "2026-03-01T20:00:05Z", "test"))


def _index(archive: zipfile.ZipFile) -> list[tuple[str, str, dict[str, str]]]:
    text = archive.read("indexes/index.cdx").decode()
    return [(k, t, json.loads(f)) for k, t, f in (line.split(" ", 2)
                                                  for line in text.splitlines())]


def replay(data: bytes, url: str, ts: str) -> tuple[str, int, bytes]:
    """(record type, HTTP status, body) of what a replay engine serves for ``url`` at the
    14-digit time ``ts``: the index line of that URL nearest in time, read from the WARC
    at its offset and length alone."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        lines = [(abs(int(t) - int(ts)), f) for k, t, f in _index(archive) if k == surt(url)]
        warc = archive.read("archive/data.warc.gz")
    assert lines, f"{url} not in the index"
    fields = min(lines, key=lambda pair: pair[0])[1]
    start, length = int(fields["offset"]), int(fields["length"])
    record = next(iter(ArchiveIterator(io.BytesIO(warc[start:start + length]))))
    assert record.rec_headers.get_header("WARC-Target-URI") == url
    assert record.http_headers is not None
    status = int(record.http_headers.get_statuscode())
    return record.rec_type, status, record.content_stream().read()


def test_layout_has_the_names_the_spec_and_the_tools_expect() -> None:
    data = _wacz()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert set(names) == {"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl",
                              "datapackage.json", "datapackage-digest.json"}
        assert [n for n in names if n.startswith("indexes/") and PYWB_INDEX.match(n)]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
        package_bytes = archive.read("datapackage.json")
        package = json.loads(package_bytes)
        digest = json.loads(archive.read("datapackage-digest.json"))
        pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()]
        contents = {n: archive.read(n) for n in names}
    assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
    assert package["mainPageURL"] == PAGE
    assert {r["path"]: (r["hash"], r["bytes"]) for r in package["resources"]} == {
        n: ("sha256:" + hashlib.sha256(c).hexdigest(), len(c)) for n, c in contents.items()
        if n.startswith(("archive/", "indexes/", "pages/"))}
    assert digest == {"path": "datapackage.json",
                      "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
    assert pages[0] == {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    assert pages[1]["url"] == PAGE and pages[1]["ts"] == "2026-03-01T20:00:00.000Z"
    assert set(pages[1]) >= {"id", "url", "ts", "title"}
    assert check_wacz(data) == []


def test_every_response_is_indexed_once_and_no_request_is() -> None:
    data = _wacz()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        index = _index(archive)
        warc = archive.read("archive/data.warc.gz")
    records = ArchiveIterator(io.BytesIO(warc))
    responses = []
    for record in records:
        record.content_stream().read()
        if record.rec_type == "response":
            responses.append((record.rec_headers.get_header("WARC-Target-URI"),
                              str(records.get_record_offset()),
                              str(records.get_record_length())))
    assert len(responses) == len(EXCHANGES)
    assert sorted((f["url"], f["offset"], f["length"]) for _, _, f in index) == sorted(responses)
    assert all("recordType" not in f for _, _, f in index)
    assert [(k, t) for k, t, _ in index] == sorted((k, t) for k, t, _ in index)


def test_lookups_by_url_and_time_resolve_to_the_response() -> None:
    data = _wacz()
    assert replay(data, PAGE, "20260301200000")[:2] == ("response", 200)
    assert b"Harmful post" in replay(data, PAGE, "20260301200000")[2]
    assert replay(data, f"{BASE}/start", "20260301200000")[:2] == ("response", 302)
    assert replay(data, f"{BASE}/feed", "20260301200001")[2] == b"first"
    assert replay(data, f"{BASE}/feed", "20260301200004")[2] == b"second"
    assert replay(data, f"{BASE}/like", "20260301200004")[2] == b"ok"  # a POST's answer


def test_surt_is_the_usual_key() -> None:
    assert surt("https://WWW.Example.COM/A/b?z=1&a=2") == "com,example)/a/b?a=2&z=1"
    assert surt("https://www2.example.com:443/") == "com,example)/"
    assert surt("http://127.0.0.1:8123/x") == "127.0.0.1:8123)/x"
    assert surt("https://example.com:8443") == "com,example:8443)/"


def _rewritten(data: bytes, name: str, change: bytes) -> bytes:
    """The package with one member replaced (datapackage hashes left as they were)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            new.writestr(info, change if info.filename == name else old.read(info))
    return out.getvalue()


def test_check_flags_an_index_that_would_not_replay() -> None:
    data = _wacz()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        lines = archive.read("indexes/index.cdx").splitlines(keepends=True)
    request_line = lines[0].replace(b'"offset": "', b'"offset": "1')  # nothing there
    problems = check_wacz(_rewritten(data, "indexes/index.cdx", b"".join(lines[1:])
                                     + request_line))
    assert any("not indexed exactly once" in p for p in problems)
    assert any("not a replayable record there" in p for p in problems)
    twice = check_wacz(_rewritten(data, "indexes/index.cdx", b"".join(lines) + lines[0]))
    assert any("not indexed exactly once" not in p and "not a replayable" in p for p in twice)


def test_check_flags_a_page_that_is_not_archived() -> None:
    problems = check_wacz(_wacz(page=f"{BASE}/never-fetched"))
    assert [p for p in problems if "not in the index" in p]


def test_check_flags_hostile_index_lines_without_crashing() -> None:
    for junk in (b"no-fields\n", b"k 1 [1]\n", b"k 1 {\n", b"\xff\xfe 1 {}\n"):
        problems = check_wacz(_rewritten(_wacz(), "indexes/index.cdx", junk))
        assert problems and all(isinstance(p, str) for p in problems)


@pytest.mark.slow
def test_captured_page_replays_from_its_wacz(vault: Vault, case: Case,
                                              session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/r1"), LOCAL)
    _, files = stored(vault, case, result.label)
    data = blob(vault, files["capture.wacz"])
    assert check_wacz(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        page = json.loads(archive.read("pages/pages.jsonl").splitlines()[1])
    ts = "".join(ch for ch in page["ts"] if ch.isdigit())[:14]
    assert page["url"] == site.url("/profile")
    kind, status, body = replay(data, page["url"], ts)
    assert (kind, status) == ("response", 200) and PROFILE_TEXT.encode() in body
    assert replay(data, site.url("/r1"), ts)[:2] == ("response", 302)
    assert replay(data, site.url("/img/avatar.png"), ts)[2].startswith(b"\x89PNG")
