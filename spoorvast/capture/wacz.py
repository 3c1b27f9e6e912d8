"""A WACZ package (Web Archive Collection Zipped, webrecorder spec 1.1.1/1.2 layout),
written by hand around the WARC::

    archive/data.warc.gz       the WARC (stored, not re-compressed: replay seeks in it)
    indexes/index.cdx          CDXJ index of the WARC's responses (pywb takes only
                               ``.cdx``/``.cdx.gz`` names, ReplayWeb.page ``.cdx``/``.cdxj``)
    pages/pages.jsonl          the captured page
    datapackage.json           every file above with its size and sha256
    datapackage-digest.json    the sha256 of datapackage.json

:func:`check_wacz` re-reads a package and reports what does not match, including an index
that would not replay: a replayable record (response, revisit, resource) indexed not once
or at the wrong offset/length, an index line that points at no such record (a request
record, which shares the response's URL and time, hides the page in ReplayWeb.page), or a
page in pages.jsonl whose URL is not indexed.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator

from spoorvast.capture.warc import IndexLine, index_warc

WACZ_VERSION = "1.1.1"
INDEX_PATH = "indexes/index.cdx"
PAGES_FORMAT = "json-pages-1.0"
INDEX_SUFFIXES = (".cdx", ".cdxj")  # older spoorvast packages: indexes/index.cdxj
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # zip entry dates: the content, not the clock, counts


@dataclass(frozen=True, slots=True)
class PageEntry:
    url: str
    ts: str  # ISO 8601 UTC
    title: str


@dataclass(frozen=True, slots=True)
class PackageInfo:
    title: str
    created: str  # ISO 8601 UTC
    software: str


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _pages_jsonl(pages: list[PageEntry]) -> bytes:
    lines = [{"format": PAGES_FORMAT, "id": "pages", "title": "All Pages"}]
    lines += [{"id": f"page-{n}", "url": p.url, "ts": p.ts, "title": p.title}
              for n, p in enumerate(pages, 1)]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _datapackage(files: dict[str, bytes], pages: list[PageEntry], info: PackageInfo) -> bytes:
    resources = [{"name": path.rsplit("/", 1)[-1], "path": path, "hash": _sha(data),
                  "bytes": len(data)} for path, data in files.items()]
    package = {"profile": "data-package", "wacz_version": WACZ_VERSION,
               "title": info.title, "created": info.created, "modified": info.created,
               "software": info.software, "resources": resources}
    if pages:
        package["mainPageURL"], package["mainPageDate"] = pages[0].url, pages[0].ts
    return json.dumps(package, indent=2, ensure_ascii=False).encode()


def build_wacz(warc: bytes, pages: list[PageEntry], info: PackageInfo) -> bytes:
    index = "".join(line.text() + "\n" for line in index_warc(warc)).encode()
    files = {"archive/data.warc.gz": warc, INDEX_PATH: index,
             "pages/pages.jsonl": _pages_jsonl(pages)}
    package = _datapackage(files, pages, info)
    digest = json.dumps({"path": "datapackage.json", "hash": _sha(package)}).encode()
    files.update({"datapackage.json": package, "datapackage-digest.json": digest})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, FIXED_DATE), data)
    return out.getvalue()


def check_wacz(data: bytes) -> list[str]:
    """Problems found re-reading a WACZ (empty: it opens, every hash and record holds)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return list(_check_archive(archive))
    except (zipfile.BadZipFile, ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"unreadable package: {type(exc).__name__}"]


def _check_archive(archive: zipfile.ZipFile) -> Iterator[str]:
    package_bytes = archive.read("datapackage.json")
    digest = json.loads(archive.read("datapackage-digest.json"))
    if digest.get("hash") != _sha(package_bytes):
        yield "datapackage.json does not match datapackage-digest.json"
    for resource in json.loads(package_bytes)["resources"]:
        content = archive.read(resource["path"])
        if resource["hash"] != _sha(content) or resource["bytes"] != len(content):
            yield f"{resource['path']}: hash or size differs from datapackage.json"
    warc = archive.read("archive/data.warc.gz")
    warc_problems = list(_check_warc(warc))
    yield from warc_problems or _check_index(archive, warc)


def _index_entries(archive: zipfile.ZipFile) -> list[tuple[str, str, dict[str, object]]]:
    names = [n for n in archive.namelist()
             if n.startswith("indexes/") and n.endswith(INDEX_SUFFIXES)]
    entries = []
    for name in names:
        for line in archive.read(name).decode("utf-8").splitlines():
            key, timestamp, fields = line.split(" ", 2)
            entries.append((key, timestamp, json.loads(fields)))
    return entries


def _check_index(archive: zipfile.ZipFile, warc: bytes) -> Iterator[str]:
    entries = _index_entries(archive)
    if not entries:
        yield "no index (indexes/index.cdx) or an empty one"
    wanted = Counter(_locations(index_warc(warc)))
    found = Counter((str(f.get("url")), str(f.get("offset")), str(f.get("length")))
                    for _, _, f in entries)
    for url, offset, _ in sorted((wanted - found).elements()):
        yield f"record at {offset} ({url[:80]}): not indexed exactly once"
    for url, offset, _ in sorted((found - wanted).elements()):
        yield f"index line at {offset} ({url[:80]}): not a replayable record there"
    indexed = {str(f.get("url")) for _, _, f in entries}
    for page in _pages(archive):
        if page not in indexed:
            yield f"page {page[:80]}: not in the index"


def _locations(lines: list[IndexLine]) -> Iterator[tuple[str, str, str]]:
    for line in lines:
        yield str(line.fields["url"]), str(line.fields["offset"]), str(line.fields["length"])


def _pages(archive: zipfile.ZipFile) -> Iterator[str]:
    lines = archive.read("pages/pages.jsonl").decode("utf-8").splitlines()
    if not lines or json.loads(lines[0]).get("format") != PAGES_FORMAT:
        raise ValueError("pages.jsonl header")
    for line in lines[1:]:
        yield str(json.loads(line)["url"])


def _check_warc(warc: bytes) -> Iterator[str]:
    try:
        for record in ArchiveIterator(io.BytesIO(warc), check_digests=True):
            record.content_stream().read()
            if record.digest_checker.problems:
                yield f"WARC record {record.rec_headers.get_header('WARC-Record-ID')}: " \
                      "digest mismatch"
    except Exception as exc:
        yield f"WARC unreadable: {type(exc).__name__}"
