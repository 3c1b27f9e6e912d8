"""Uploads begun and never finished (a multipart upload cut off, a signed-URL upload
never completed) are thrown away by the worker's cleanup after a day: their rows, their
parts in the store, any object under their key; finished blobs stay."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import psycopg
import pytest

from spoorvast.server.worker import clean_abandoned
from spoorvast.services.sharing.api import ServerRefused
from spoorvast.services.sharing.case import SharedCase
from tests.sharing.conftest import Harness


def uploads_in_progress(server: Harness) -> list[str]:
    objects = server.state.objects
    answer = objects._s3.list_multipart_uploads(Bucket=objects.bucket)
    return [str(u["Key"]) for u in answer.get("Uploads", [])]


def blob_rows(server: Harness) -> dict[uuid.UUID, tuple[str, int | None]]:
    with psycopg.connect(server.settings.database_url) as conn:
        rows = conn.execute("SELECT blob_id, object_key, size FROM blobs").fetchall()
    return {r[0]: (str(r[1]), r[2]) for r in rows}


@pytest.mark.parametrize("server", [{"direct": True}], indirect=True)
def test_abandoned_uploads_are_thrown_away_and_finished_ones_stay(server: Harness) -> None:
    victim = server.person()
    org = server.org(victim, client=[victim])
    case = SharedCase.create(victim, org, "t", "p", "Ann")
    kept = case.add_item("kept.txt", "file", io.BytesIO(b"kept"), 4, "Ann")
    cut, direct = uuid.uuid4(), uuid.uuid4()
    victim.put_part(case.case_id, cut, 1, b"x" * 1024)  # a multipart upload, cut off
    url = victim._call("POST", f"/cases/{case.case_id}/blobs/{direct}/direct",
                       json={"size": 3})["url"]
    victim.http.put(url, content=b"abc")  # put in the store, never completed
    rows = blob_rows(server)
    assert rows[cut][1] is None and rows[direct][1] is None
    assert rows[cut][0] in uploads_in_progress(server)

    day = timedelta(days=1)
    assert clean_abandoned(server.state.store, server.state.objects, day) == 0  # too new
    with psycopg.connect(server.settings.database_url) as conn:
        conn.execute("UPDATE blobs SET created_at = now() - interval '2 days'")
    assert clean_abandoned(server.state.store, server.state.objects, day) == 2
    assert set(blob_rows(server)) == {kept.blob}
    assert rows[cut][0] not in uploads_in_progress(server)
    keys = set(server.state.objects.object_keys())
    assert rows[direct][0] not in keys and rows[kept.blob][0] in keys
    with pytest.raises(ServerRefused) as late:  # the app comes back: it must start again
        victim.complete(case.case_id, direct)
    assert late.value.code == "no_such_blob"
    reader = next(r for r in case.pull() if r.kind == "item")
    assert case.fetch_bytes(reader) == b"kept"
