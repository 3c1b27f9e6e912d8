"""The parts of a capture on the server, without a server: the one-file bundle (each file
checked against its manifest; anything else refused), the request sealed to the capture
key (bound to its case and capture), the network rule of a worker's browser (public, or
listed networks only), and the watch's politeness (never sooner than asked, back-off)."""

from __future__ import annotations

import io
import json
import random
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from spoorvast.capture import portable
from spoorvast.capture.draft import Draft
from spoorvast.capture.guard import TargetRefused, listed_policy, parse_networks
from spoorvast.model.records import ArtifactRole
from spoorvast.server.watch_job import next_run, wait_after
from spoorvast.storage.capture_requests import capture_key, open_request, seal_request
from spoorvast.storage.server_captures import WatchRow
from spoorvast.storage.sharing_keys import SealError

HEAD: dict[str, object] = {"url": "https://social.example/a", "status": 200, "title": "A"}
DRAFTS = [Draft(ArtifactRole.DOM, "dom.html", "text/html", b"<p>words</p>"),
          Draft(ArtifactRole.ANALYSIS, "capture.json", "application/json", b"{}")]


def test_a_bundle_reads_back_as_written() -> None:
    head, drafts = portable.read_bundle(portable.write_bundle(HEAD, DRAFTS))
    assert head == HEAD and drafts == DRAFTS


def _rewritten(change: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(portable.write_bundle(HEAD, DRAFTS)))
    manifest = json.loads(source.read(portable.MANIFEST))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        if change == "hash":
            manifest["files"][0]["sha256"] = "0" * 64
        if change == "path":
            manifest["files"][0]["name"] = "../dom.html"
        bundle.writestr(portable.MANIFEST, json.dumps(manifest))
        for entry in manifest["files"]:
            bundle.writestr(entry["name"], source.read(DRAFTS[0].name if change == "path"
                                                       and entry is manifest["files"][0]
                                                       else entry["name"]))
        if change == "extra":
            bundle.writestr("more.bin", b"x")
    return out.getvalue()


@pytest.mark.parametrize("change", ["hash", "path", "extra"])
def test_a_changed_bundle_is_refused(change: str) -> None:
    with pytest.raises(portable.BundleDamaged):
        portable.read_bundle(_rewritten(change))


def test_not_a_bundle_is_refused() -> None:
    with pytest.raises(portable.BundleDamaged):
        portable.read_bundle(b"PK\x03\x04 not really")


def test_a_request_opens_only_for_its_case_and_capture() -> None:
    key = capture_key(b"s" * 32)
    case, capture, grant = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    sealed = seal_request(bytes(key.public_key), case, capture, "https://a.example/",
                          grant, b"p" * 32)
    assert b"a.example" not in sealed
    opened = open_request(key, sealed, case, capture)
    assert opened == {"url": "https://a.example/", "grant": grant, "pairing": b"p" * 32}
    for other_case, other_capture in ((uuid.uuid4(), capture), (case, uuid.uuid4())):
        with pytest.raises(SealError):
            open_request(key, sealed, other_case, other_capture)
    with pytest.raises(SealError):
        open_request(capture_key(b"t" * 32), sealed, case, capture)


def _resolve(host: str) -> list[str]:
    return {"public.example": ["93.184.216.34"], "inside.example": ["10.20.1.5"],
            "mixed.example": ["93.184.216.34", "192.168.1.1"]}[host]


def test_a_worker_reaches_public_and_listed_networks_only() -> None:
    listed = parse_networks(["10.20.0.0/16", " ", "127.0.0.1"])
    assert listed_policy("https://public.example/", (), _resolve).allows("93.184.216.34", 443)
    for url in ("https://inside.example/", "https://mixed.example/", "http://127.0.0.1:8/",
                "http://[::1]:8/", "ftp://public.example/"):
        with pytest.raises(TargetRefused):
            listed_policy(url, (), _resolve)
    policy = listed_policy("https://inside.example/", listed, _resolve)
    assert policy.allows("10.20.9.9", 8080) and policy.allows("127.0.0.1", 5)
    assert not policy.allows("127.0.0.2", 5) and not policy.allows("169.254.169.254", 80)
    with pytest.raises(ValueError, match="not an address"):
        parse_networks(["intranet"])


def test_a_watch_is_never_run_sooner_than_asked_and_backs_off() -> None:
    rng = random.Random(3)
    assert all(3600 <= wait_after(3600, 0, rng) <= 3600 + 360 for _ in range(50))
    assert 7200 <= wait_after(3600, 1, rng) <= 7200 + 900
    assert wait_after(86400, 9, rng) <= 7 * 86400 + 900
    row = WatchRow(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), b"", 3600,
                   datetime.now(UTC), False, False, 2, None)
    later = next_run(row, False, rng) - datetime.now(UTC)
    assert later >= timedelta(seconds=3600 * 8 - 5)
