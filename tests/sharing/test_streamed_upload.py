"""Blobs and parts go on to the store as their bytes arrive (``server.streaming``): a
request cut part-way stores nothing (no part in the store, no row), the upload resumes
and completes with the right bytes, and the size limit holds while streaming, with the
server's memory bounded whatever the size of the body."""

from __future__ import annotations

import os
import socket
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from spoorvast.server import routes_blobs
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from tests.sharing.conftest import Harness

MiB = 1 << 20


def case_of(server: Harness) -> tuple[Api, SharedCase]:
    victim = server.person()
    org = server.org(victim, client=[victim])
    return victim, SharedCase.create(victim, org, "t", "p", "Ann")


def cut_request(server: Harness, api: Api, path: str, declared: int, sent: bytes) -> None:
    """A PUT that announces *declared* bytes, sends *sent* and then drops the connection
    (as a phone losing its network would)."""
    where = urlsplit(server.url)
    head = (f"PUT {path} HTTP/1.1\r\nhost: {where.netloc}\r\n"
            f"authorization: Bearer {api._login()}\r\ncontent-length: {declared}\r\n\r\n")
    with socket.create_connection((where.hostname, where.port or 80)) as sock:
        sock.sendall(head.encode() + sent)
        time.sleep(0.5)  # the server has passed those bytes on to the store by now


def store_parts(server: Harness, case: SharedCase, blob: uuid.UUID) -> list[int]:
    """Sizes of the parts the object store holds of the blob's unfinished upload."""
    row = server.state.store.blob(case.case_id, blob)
    assert row is not None and row.upload_id is not None
    objects = server.state.objects
    answer = objects._s3.list_parts(Bucket=objects.bucket, Key=row.object_key,
                                    UploadId=row.upload_id)
    return [int(p["Size"]) for p in answer.get("Parts", [])]


def test_a_part_cut_mid_way_is_not_stored_and_the_upload_resumes(server: Harness) -> None:
    victim, case = case_of(server)
    blob = uuid.uuid4()
    first, second = os.urandom(5 * MiB), os.urandom(3 * MiB)
    victim.put_part(case.case_id, blob, 1, first)
    path = f"/cases/{case.case_id}/blobs/{blob}/parts/2"
    cut_request(server, victim, path, len(second), second[:2 * MiB])
    time.sleep(1.0)
    assert victim.parts(case.case_id, blob) == {"complete": False,
                                                "parts": [{"part": 1, "size": 5 * MiB}]}
    assert store_parts(server, case, blob) == [5 * MiB]  # the cut part is not in the store
    victim.put_part(case.case_id, blob, 2, second)  # the app resumes with the missing part
    assert store_parts(server, case, blob) == [5 * MiB, 3 * MiB]
    victim.put_part(case.case_id, blob, 1, first)  # sending one again changes nothing
    victim.complete(case.case_id, blob)
    assert b"".join(victim.get_blob(case.case_id, blob)) == first + second


def test_a_whole_blob_cut_mid_way_leaves_nothing(server: Harness) -> None:
    victim, case = case_of(server)
    blob, data = uuid.uuid4(), os.urandom(4 * MiB)
    before = set(server.state.objects.object_keys())
    cut_request(server, victim, f"/cases/{case.case_id}/blobs/{blob}", len(data),
                data[:3 * MiB])
    time.sleep(1.0)
    assert server.state.store.blob(case.case_id, blob) is None
    assert set(server.state.objects.object_keys()) == before
    victim.put_blob(case.case_id, blob, data)
    assert b"".join(victim.get_blob(case.case_id, blob)) == data


def test_the_size_limit_holds_while_streaming(server: Harness,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    victim, case = case_of(server)
    monkeypatch.setattr(routes_blobs, "MAX_BODY", MiB)
    base = f"/cases/{case.case_id}/blobs"
    announced = victim.request("PUT", f"{base}/{uuid.uuid4()}/parts/1",
                               content=b"x" * (MiB + 1))
    assert (announced.status_code, announced.json()["error"]["code"]) == (413, "body_too_big")

    def pieces() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for _ in range(3):
            yield b"y" * (MiB // 2)

    blob = uuid.uuid4()
    chunked = victim.request("PUT", f"{base}/{blob}", content=pieces())
    assert (chunked.status_code, chunked.json()["error"]["code"]) == (413, "body_too_big")
    assert server.state.store.blob(case.case_id, blob) is None
    small = victim.request("PUT", f"{base}/{blob}", content=b"y" * (MiB // 2))
    assert small.status_code == 200 and small.json()["size"] == MiB // 2
    empty = victim.request("PUT", f"{base}/{uuid.uuid4()}", content=b"")
    assert empty.status_code == 200 and empty.json()["size"] == 0


def test_a_big_part_passes_through_in_bounded_memory(server: Harness) -> None:
    victim, case = case_of(server)
    blob, piece, count = uuid.uuid4(), os.urandom(MiB), 24

    def pieces() -> Iterator[bytes]:
        yield from [piece] * count

    tracemalloc.start()
    try:
        answer = victim.request("PUT", f"/cases/{case.case_id}/blobs/{blob}/parts/1",
                                content=pieces(), headers={"content-length": str(count * MiB)})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code == 200, answer.text
    assert peak < 8 * MiB  # read whole, the part alone would be 24 MiB
    victim.complete(case.case_id, blob)
    assert b"".join(victim.get_blob(case.case_id, blob)) == piece * count


def test_a_streamed_blob_is_sent_again_after_an_ended_login(server: Harness) -> None:
    victim, case = case_of(server)
    blob, pieces = uuid.uuid4(), [os.urandom(MiB), os.urandom(MiB // 3)]
    victim._token = "ended-" + uuid.uuid4().hex  # as a token that ran out would be
    victim.put_blob_stream(case.case_id, blob, iter(pieces), MiB + MiB // 3)
    assert b"".join(victim.get_blob(case.case_id, blob)) == b"".join(pieces)
