"""Export copies of capture files without session secrets (the rule is in
:mod:`spoorvast.model.secrets`).

* WACZ: every WARC record rebuilt with secret headers blanked, URLs in other headers,
  in ``WARC-Target-URI``, in request lines and in ``pages.jsonl`` cleaned; the index and
  datapackage are rebuilt from the cleaned WARC. Bodies stay as received.
* HAR: the same for entries (cookies lists emptied, form fields with secret names).
* MHTML: URLs in the MIME headers (``Snapshot-Content-Location``, ``Content-Location``).
* JSON written by the capture (``capture.json``): URLs in every string, header lists.

The sealed original in the vault is never changed; the copy says what was removed.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spoorvast.capture.wacz import PackageInfo, PageEntry, build_wacz
from spoorvast.model.records import Artifact, ArtifactRole
from spoorvast.model.secrets import (
    COOKIES,
    REMOVED,
    URL_SECRETS,
    Found,
    clean_header,
    is_secret_param,
    strip_json_value,
    strip_params,
    strip_url,
    strip_urls_in_text,
)

CAPTURE_IMPORTER = "capture"
ALWAYS = (".wacz", ".har")  # whatever item they belong to
CAPTURE_FILES = (".mhtml", ".mht", ".json")  # files the capture itself wrote


@dataclass(frozen=True, slots=True)
class ExportCopy:
    data: bytes
    removed: tuple[str, ...]  # kinds from spoorvast.model.secrets; () = nothing secret

    @property
    def changed(self) -> bool:
        return bool(self.removed)


def needs_stripping(artifact: Artifact, importer: str | None) -> bool:
    """Whether an exported copy of ``artifact`` must go through :func:`export_copy`."""
    name = artifact.name.lower()
    if artifact.role is ArtifactRole.WACZ or name.endswith(ALWAYS):
        return True
    # the page's own bytes (ORIGINAL, even a .json answer) are a body: kept as received
    return (importer == CAPTURE_IMPORTER and artifact.role is not ArtifactRole.ORIGINAL
            and (name.endswith(CAPTURE_FILES) or artifact.role is ArtifactRole.MHTML))


def export_copy(name: str, data: bytes) -> ExportCopy:
    """The export-safe form of a stored capture file (chosen by its name). Raises
    ValueError (or a zip/WARC error) when the file cannot be read: never export it then."""
    found: set[str] = set()
    lowered = name.lower()
    if lowered.endswith(".wacz"):
        out = strip_wacz(data, found)
    elif lowered.endswith(".har"):
        out = strip_har(data, found)
    elif lowered.endswith((".mhtml", ".mht")):
        out = strip_mhtml(data, found)
    elif lowered.endswith(".json"):
        out = strip_json(data, found)
    else:
        return ExportCopy(data, ())
    return ExportCopy(out if found else data, tuple(sorted(found)))


def strip_session_secrets(name: str, data: bytes) -> bytes:
    return export_copy(name, data).data


def _clean_headers(headers: StatusAndHeaders, request: bool,
                   found: Found) -> StatusAndHeaders:
    """Secret headers blanked, URLs in the others cleaned; for a request, its target too
    (warcio keeps a request's method in ``protocol`` and ``target version`` after it)."""
    kept = [(k, clean_header(k, v, found)) for k, v in headers.headers]
    statusline = headers.statusline
    if request:
        target, _, version = statusline.rpartition(" ")
        statusline = f"{strip_url(target, found)} {version}"
    return StatusAndHeaders(statusline, kept, protocol=headers.protocol)


def _rewrite(writer: WARCWriter, record: ArcWarcRecord, found: Found) -> None:
    if record.rec_type == "warcinfo":
        payload = record.raw_stream.read()
        writer.write_record(writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(payload), length=len(payload),
            warc_content_type="application/warc-fields"))
        return
    payload = record.content_stream().read()
    http = None
    if record.http_headers is not None:
        http = _clean_headers(record.http_headers, record.rec_type == "request", found)
        if record.rec_type == "response":
            http.replace_header("Content-Length", str(len(payload)))
    keep = ("WARC-Date", "WARC-IP-Address", "WARC-Concurrent-To")
    warc_headers = {k: v for k, v in record.rec_headers.headers if k in keep}
    uri = strip_url(record.rec_headers.get_header("WARC-Target-URI") or "", found)
    writer.write_record(writer.create_warc_record(
        uri, record.rec_type, payload=io.BytesIO(payload), length=len(payload),
        http_headers=http, warc_headers_dict=warc_headers))


def strip_warc(warc: bytes, found: Found = None) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for record in ArchiveIterator(io.BytesIO(warc)):
        _rewrite(writer, record, found)
    return out.getvalue()


def strip_wacz(data: bytes, found: Found = None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        warc = archive.read("archive/data.warc.gz")
        package = json.loads(archive.read("datapackage.json"))
        lines = archive.read("pages/pages.jsonl").decode("utf-8").splitlines()
    pages = [PageEntry(strip_url(p["url"], found), p.get("ts", ""),
                       strip_urls_in_text(p.get("title", ""), found))
             for p in map(json.loads, lines[1:]) if "url" in p]
    info = PackageInfo(str(package.get("title", "")), str(package.get("created", "")),
                       str(package.get("software", "")))
    return build_wacz(strip_warc(warc, found), pages, info)


def _har_headers(headers: list[dict[str, Any]], found: Found) -> list[dict[str, Any]]:
    return [{**h, "value": clean_header(str(h.get("name", "")), str(h.get("value", "")),
                                        found)} for h in headers]


def _har_params(params: list[dict[str, Any]], found: Found) -> list[dict[str, Any]]:
    out = []
    for param in params:
        if is_secret_param(str(param.get("name"))) and param.get("value"):
            _note_url(found)
            param = {**param, "value": REMOVED}
        out.append(param)
    return out


def _note_url(found: Found) -> None:
    if found is not None:
        found.add(URL_SECRETS)


def _har_entry(entry: dict[str, Any], found: Found) -> dict[str, Any]:
    request, response = dict(entry.get("request", {})), dict(entry.get("response", {}))
    if (request.get("cookies") or response.get("cookies")) and found is not None:
        found.add(COOKIES)
    request.update(url=strip_url(str(request.get("url", "")), found), cookies=[],
                   headers=_har_headers(request.get("headers", []), found),
                   queryString=_har_params(request.get("queryString", []), found))
    post = request.get("postData")
    if isinstance(post, dict):
        post = {**post, "params": _har_params(post.get("params", []), found)}
        if "urlencoded" in str(post.get("mimeType", "")) and post.get("text"):
            post["text"] = strip_params(str(post["text"]), found)
        request["postData"] = post
    response.update(cookies=[], headers=_har_headers(response.get("headers", []), found),
                    redirectURL=strip_url(str(response.get("redirectURL", "")), found))
    return {**entry, "request": request, "response": response}


def strip_har(data: bytes, found: Found = None) -> bytes:
    har = json.loads(data)
    log = har.get("log", {})
    log["entries"] = [_har_entry(e, found) for e in log.get("entries", [])]
    log["pages"] = strip_json_value(log.get("pages", []), found)
    return json.dumps(har, ensure_ascii=False).encode("utf-8")


_MIME_HEADER = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*?)(\r?)$")


def strip_mhtml(data: bytes, found: Found = None) -> bytes:
    """URLs in the MIME headers of the document and of each part (bodies kept)."""
    boundary = re.search(rb'boundary="?([^";\r\n]+)"?', data[:8192])
    marker = b"--" + boundary.group(1) if boundary else None
    lines, in_headers = data.split(b"\n"), True
    for n, line in enumerate(lines):
        if marker is not None and line.rstrip(b"\r").startswith(marker):
            in_headers = True
            continue
        if in_headers and not line.rstrip(b"\r"):
            in_headers = False
            continue
        if in_headers and (match := _MIME_HEADER.match(line)):
            name, value = match.group(1).decode("ascii"), match.group(2).decode("latin-1")
            cleaned = clean_header(name, value, found) if name.lower() not in (
                "content-type", "content-transfer-encoding", "mime-version") else value
            if cleaned != value:
                lines[n] = (match.group(1) + b": " + cleaned.encode("latin-1")
                            + match.group(3))
    return b"\n".join(lines)


def strip_json(data: bytes, found: Found = None) -> bytes:
    """A JSON file the capture wrote, cleaned (canonical form, sorted keys, as the record
    is written)."""
    document = json.loads(data)
    cleaned = strip_json_value(document, found)
    return json.dumps(cleaned, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")
