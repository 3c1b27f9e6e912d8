"""The drop box's quota and the cleanup of unfinished drops, on a real server
(PostgreSQL + SeaweedFS): a drop starts only when its declared size and one more file
fit what its grant, and its case's grants together, may still add; no part takes it past
what it declared; an unfinished drop holds its room until the worker's cleanup throws it
away (row, parts, the store's multipart upload), after the configured time."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from spoorvast.server.worker import clean_abandoned
from spoorvast.services.sharing import drops
from spoorvast.services.sharing.case import SharedCase, ShareError
from spoorvast.storage.server_drops import DropLimits
from spoorvast.storage.sharing_keys import encrypted_size
from tests.sharing.conftest import Harness
from tests.sharing.test_abandoned_uploads import uploads_in_progress
from tests.sharing.test_dropbox import device_client

pytestmark = pytest.mark.slow
HOUR = timedelta(hours=1)


def a_case(server: Harness) -> SharedCase:
    victim = server.person()
    org = server.org(victim, client=[victim])
    return SharedCase.create(victim, org, "t", "p", "Ann")


def a_phone(server: Harness, shared: SharedCase) -> drops.Dropper:
    link = drops.make_grant(shared, server.url, "phone", datetime.now(UTC) + HOUR)
    return drops.Dropper.pair(device_client(server), link.url)


def drop(phone: drops.Dropper, size: int) -> uuid.UUID:
    return phone.drop("f.bin", io.BytesIO(b"s" * size), size)


def first_part(phone: drops.Dropper, upload: uuid.UUID, declared: int, data: bytes,
               number: int = 1) -> tuple[int, str]:
    answer = phone.http.put(f"/device/uploads/{upload}/parts/{number}",
                            params={"epoch": phone.box["epoch"], "size": declared},
                            content=data, headers={"authorization": "Drop " + phone.token})
    code = answer.json().get("error", {}).get("code", "") if answer.status_code != 200 else ""
    return answer.status_code, code


def test_a_grant_and_a_case_stop_at_their_limits(server: Harness) -> None:
    server.state.drop_limits = DropLimits(grant_bytes=encrypted_size(3000), grant_files=2,
                                          case_bytes=encrypted_size(5000), case_files=3)
    shared = a_case(server)
    phone = a_phone(server, shared)
    assert phone.refresh()["room"] == {"bytes": encrypted_size(3000), "files": 2}
    drop(phone, 1000)
    room = phone.refresh()["room"]
    assert room == {"bytes": encrypted_size(3000) - encrypted_size(1000), "files": 1}
    with pytest.raises(ShareError) as big:  # the device sees it will not fit: sends nothing
        drop(phone, 2500)
    assert big.value.code == "drop_quota"
    status, code = first_part(phone, uuid.uuid4(), encrypted_size(2500), b"x")
    assert (status, code) == (413, "drop_quota")  # and the server refuses it anyway
    drop(phone, 1000)
    status, code = first_part(phone, uuid.uuid4(), 10, b"x")
    assert (status, code) == (413, "drop_quota")  # the grant's two files are used
    assert phone.refresh()["room"]["files"] == 0

    other = a_phone(server, shared)  # the case's limit binds its grants together
    assert other.refresh()["room"] == {
        "bytes": encrypted_size(5000) - 2 * encrypted_size(1000), "files": 1}
    with pytest.raises(ShareError):
        drop(other, 3500)
    drop(other, 100)
    assert other.refresh()["room"]["files"] == 0
    listed = shared.api._call("GET", f"/cases/{shared.case_id}/dropbox/grants")
    assert sorted(row["drops"] for row in listed) == [1, 2]
    assert sum(row["bytes"] for row in listed) == 3 * encrypted_size(1000) - encrypted_size(
        1000) + encrypted_size(100)


def test_a_drop_holds_what_it_declared_and_no_part_passes_it(server: Harness) -> None:
    server.state.drop_limits = DropLimits(grant_bytes=100, grant_files=10)
    shared = a_case(server)
    phone = a_phone(server, shared)
    started = uuid.uuid4()
    assert first_part(phone, started, 60, b"x" * 40) == (200, "")
    assert phone.refresh()["room"] == {"bytes": 40, "files": 9}  # 60 held, not 40 sent
    assert first_part(phone, uuid.uuid4(), 41, b"y") == (413, "drop_quota")
    assert first_part(phone, uuid.uuid4(), 40, b"y") == (200, "")
    assert first_part(phone, started, 60, b"z" * 21, number=2) == (413, "drop_quota")
    assert first_part(phone, started, 60, b"z" * 20, number=2) == (200, "")
    assert first_part(phone, started, 60, b"x" * 40) == (200, "")  # a part sent again
    assert first_part(phone, uuid.uuid4(), -1, b"y")[1] == "size_needed"


def test_unfinished_drops_are_thrown_away_after_the_set_time(server: Harness) -> None:
    shared = a_case(server)
    phone = a_phone(server, shared)
    kept = drop(phone, 2000)
    cut = uuid.uuid4()
    assert first_part(phone, cut, encrypted_size(20 << 20), b"c" * (8 << 20)) == (200, "")
    store, objects = server.state.store, server.state.objects
    with psycopg.connect(server.settings.database_url) as conn:
        key = conn.execute("SELECT object_key FROM drops WHERE upload_id = %s",
                           (cut,)).fetchone()
    assert key is not None and key[0] in uploads_in_progress(server)
    held = phone.refresh()["room"]["bytes"]

    assert clean_abandoned(store, objects, timedelta(hours=6)) == 0  # too new
    with psycopg.connect(server.settings.database_url) as conn:
        conn.execute("UPDATE drops SET created_at = now() - interval '7 hours'")
    assert clean_abandoned(store, objects, timedelta(hours=6)) == 1
    with psycopg.connect(server.settings.database_url) as conn:
        left = conn.execute("SELECT upload_id FROM drops").fetchall()
        parts = conn.execute("SELECT count(*) FROM drop_parts").fetchone()
    assert [row[0] for row in left] == [kept] and parts == (0,)
    assert key[0] not in uploads_in_progress(server)
    assert phone.refresh()["room"]["bytes"] == held + encrypted_size(20 << 20)
    answer = phone.http.post(f"/device/uploads/{cut}/finish",
                             headers={"authorization": "Drop " + phone.token},
                             json={"meta": "AAAA", "entry": "e30=", "signature": "AAAA"})
    assert answer.json()["error"]["code"] == "no_such_upload"  # the phone must start again
    assert shared.api._call("GET", f"/cases/{shared.case_id}/drops/{kept}")["size"] > 2000


def test_drops_that_start_at_once_cannot_pass_a_limit_together(server: Harness) -> None:
    from concurrent.futures import ThreadPoolExecutor

    server.state.drop_limits = DropLimits(grant_bytes=1 << 20, grant_files=2)
    phone = a_phone(server, a_case(server))
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _n: first_part(phone, uuid.uuid4(), 100, b"x"),
                                range(6)))
    assert sorted(answers) == [(200, "")] * 2 + [(413, "drop_quota")] * 4
    assert phone.refresh()["room"]["files"] == 0


def test_parts_past_the_declared_size_cannot_finish(server: Harness) -> None:
    from spoorvast.storage.server_drops import DropStore

    shared = a_case(server)
    phone = a_phone(server, shared)
    upload = uuid.uuid4()
    assert first_part(phone, upload, 100, b"a" * 60) == (200, "")
    # parts sent at the same moment may each see the others not yet stored: as if so
    DropStore(server.state.store).add_part(shared.case_id, upload, 2, "etag", 50)
    answer = phone.http.post(f"/device/uploads/{upload}/finish",
                             headers={"authorization": "Drop " + phone.token},
                             json={"meta": "AAAA", "entry": "e30=", "signature": "AAAA"})
    assert answer.json()["error"]["code"] == "drop_quota"
