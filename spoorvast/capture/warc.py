"""Exchanges → a gzipped WARC 1.1 file (warcio, Apache-2.0), and its CDXJ index.

Bodies are stored as the browser received them after transfer and content decoding, so
``Content-Encoding`` and ``Transfer-Encoding`` are renamed to ``X-Archive-Orig-…`` (the
usual web-archive convention) and ``Content-Length`` is the stored length.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spoorvast.capture.exchanges import Exchange

RENAMED = ("content-encoding", "transfer-encoding", "content-length")


def _response_headers(exchange: Exchange) -> list[tuple[str, str]]:
    kept = [(("X-Archive-Orig-" + k) if k.lower() in RENAMED else k, v)
            for k, v in exchange.response_headers]
    return [*kept, ("Content-Length", str(len(exchange.body)))]


def _warc_date(started: str) -> str | None:
    return started.replace("+00:00", "Z") if started else None


def _write_exchange(writer: WARCWriter, exchange: Exchange) -> None:
    status = f"{exchange.status} {exchange.status_text or 'OK'}"
    warc_headers = {"WARC-Date": _warc_date(exchange.started)}
    if exchange.server_ip:
        warc_headers["WARC-IP-Address"] = exchange.server_ip
    response = writer.create_warc_record(
        exchange.url, "response", payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=StatusAndHeaders(status, _response_headers(exchange),
                                      protocol=exchange.http_version),
        warc_headers_dict={k: v for k, v in warc_headers.items() if v})
    writer.write_record(response)
    writer.write_record(_request_record(writer, exchange, response))


def _request_record(writer: WARCWriter, exchange: Exchange, response: object) -> object:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = exchange.request_body or b""
    headers = StatusAndHeaders(f"{exchange.method} {target} {exchange.http_version}",
                               list(exchange.request_headers), is_http_request=True)
    concurrent = response.rec_headers.get_header("WARC-Record-ID")  # type: ignore[attr-defined]
    return writer.create_warc_record(
        exchange.url, "request", payload=io.BytesIO(body), length=len(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Concurrent-To": concurrent,
                           "WARC-Date": _warc_date(exchange.started) or ""})


def write_warc(exchanges: Iterable[Exchange], info: dict[str, str]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("data.warc.gz", info))
    for exchange in exchanges:
        _write_exchange(writer, exchange)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class IndexLine:
    surt: str
    timestamp: str
    fields: dict[str, object]

    def text(self) -> str:
        return f"{self.surt} {self.timestamp} {json.dumps(self.fields, sort_keys=True)}"


def surt(url: str) -> str:
    """Sort-friendly URL key (SURT): ``com,example)/path?a=1&b=2``: lower-cased, the
    ``www``/``www2`` prefix and the default port dropped, query arguments in order."""
    parts = urlsplit(url)
    host = re.sub(r"^www\d*\.", "", (parts.hostname or "").lower())
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    reversed_host = ",".join(reversed(host.split("."))) if not host.replace(".", "").isdigit() \
        else host
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    path = (parts.path or "/") + (f"?{query}" if query else "")
    return f"{reversed_host}{port}){path}".lower()


def index_warc(warc: bytes, filename: str = "data.warc.gz") -> list[IndexLine]:
    lines = list(_index_records(warc, filename))
    return sorted(lines, key=lambda line: (line.surt, line.timestamp))


def replayable(record: ArcWarcRecord) -> bool:
    """Records a replay engine looks up: responses, revisits and resources (not requests,
    which share the response's URL and time and would shadow it, nor warcinfo fields)."""
    if record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
        return content_type != "application/warc-fields"
    return record.rec_type in ("response", "revisit")


def _index_records(warc: bytes, filename: str) -> Iterator[IndexLine]:
    records = ArchiveIterator(io.BytesIO(warc))
    for record in records:
        if not replayable(record):
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI")
        date = record.rec_headers.get_header("WARC-Date") or ""
        fields: dict[str, object] = {"url": uri, "mime": _mime(record),
                                     "offset": str(records.get_record_offset()),
                                     "filename": filename}
        if record.rec_type != "response":
            fields["recordType"] = record.rec_type
        if record.http_headers is not None and record.rec_type != "resource":
            fields["status"] = str(record.http_headers.get_statuscode())
        fields["digest"] = record.rec_headers.get_header("WARC-Payload-Digest") or ""
        record.content_stream().read()
        fields["length"] = str(records.get_record_length())
        yield IndexLine(surt(uri), _timestamp14(date), fields)


def _mime(record: ArcWarcRecord) -> str:
    if record.rec_type == "revisit":
        return "warc/revisit"
    if record.rec_type == "resource" or record.http_headers is None:
        value = record.rec_headers.get_header("Content-Type") or ""
    else:
        value = record.http_headers.get_header("Content-Type") or ""
    return value.split(";")[0].strip()


def _timestamp14(date: str) -> str:
    digits = "".join(ch for ch in date if ch.isdigit())
    return (digits + "0" * 14)[:14]

