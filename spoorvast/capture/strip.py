"""Rewriting WACZ and HAR files without session secrets (see ``secrets.py``)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spoorvast.capture.secrets import REMOVED, is_secret_header, is_secret_param, strip_url
from spoorvast.capture.wacz import PackageInfo, PageEntry, build_wacz


def _clean_headers(headers: StatusAndHeaders, request: bool) -> StatusAndHeaders:
    """Secret headers blanked; for a request, secret query values in its target too
    (warcio keeps a request's method in ``protocol`` and ``target version`` after it)."""
    kept = [(k, REMOVED if is_secret_header(k) else v) for k, v in headers.headers]
    statusline = headers.statusline
    if request:
        target, _, version = statusline.rpartition(" ")
        statusline = f"{strip_url(target)} {version}"
    return StatusAndHeaders(statusline, kept, protocol=headers.protocol)


def _rewrite(writer: WARCWriter, record: ArcWarcRecord) -> None:
    if record.rec_type == "warcinfo":
        payload = record.raw_stream.read()
        writer.write_record(writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(payload), length=len(payload),
            warc_content_type="application/warc-fields"))
        return
    payload = record.content_stream().read()
    http = None
    if record.http_headers is not None:
        http = _clean_headers(record.http_headers, record.rec_type == "request")
        if record.rec_type == "response":
            http.replace_header("Content-Length", str(len(payload)))
    keep = ("WARC-Date", "WARC-IP-Address", "WARC-Concurrent-To")
    warc_headers = {k: v for k, v in record.rec_headers.headers if k in keep}
    uri = strip_url(record.rec_headers.get_header("WARC-Target-URI") or "")
    writer.write_record(writer.create_warc_record(
        uri, record.rec_type, payload=io.BytesIO(payload), length=len(payload),
        http_headers=http, warc_headers_dict=warc_headers))


def strip_warc(warc: bytes) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for record in ArchiveIterator(io.BytesIO(warc)):
        _rewrite(writer, record)
    return out.getvalue()


def strip_wacz(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        warc = archive.read("archive/data.warc.gz")
        package = json.loads(archive.read("datapackage.json"))
        lines = archive.read("pages/pages.jsonl").decode("utf-8").splitlines()
    pages = [PageEntry(strip_url(p["url"]), p.get("ts", ""), p.get("title", ""))
             for p in map(json.loads, lines[1:]) if "url" in p]
    info = PackageInfo(str(package.get("title", "")), str(package.get("created", "")),
                       str(package.get("software", "")))
    return build_wacz(strip_warc(warc), pages, info)


def _har_headers(headers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**h, "value": REMOVED} if is_secret_header(str(h.get("name", ""))) else h
            for h in headers]


def _har_entry(entry: dict[str, Any]) -> dict[str, Any]:
    request, response = dict(entry.get("request", {})), dict(entry.get("response", {}))
    request.update(url=strip_url(str(request.get("url", ""))), cookies=[],
                   headers=_har_headers(request.get("headers", [])),
                   queryString=[{**q, "value": REMOVED} if is_secret_param(str(q.get("name")))
                                else q for q in request.get("queryString", [])])
    response.update(cookies=[], headers=_har_headers(response.get("headers", [])))
    return {**entry, "request": request, "response": response}


def strip_har(data: bytes) -> bytes:
    har = json.loads(data)
    log = har.get("log", {})
    log["entries"] = [_har_entry(e) for e in log.get("entries", [])]
    return json.dumps(har, ensure_ascii=False).encode("utf-8")
