"""Two members share a case through a real server (PostgreSQL + SeaweedFS)."""

from __future__ import annotations

import hashlib
import io
import os
import uuid

import pytest

from spoorvast.services.sharing.api import ServerRefused
from spoorvast.services.sharing.case import SINGLE, SharedCase, stable_record_id
from spoorvast.services.sharing.chain import check_record, verify_chain
from tests.sharing.conftest import Harness


def add(case: SharedCase, name: str, data: bytes, record: uuid.UUID | None = None) -> int:
    return case.add_item(name, "screenshot", io.BytesIO(data), len(data), "me",
                         record=record).seq


def test_two_members_add_and_read_each_others_items(server: Harness) -> None:
    victim, advocate = server.person(), server.person()
    org = server.org(victim, client=[victim])
    mine = SharedCase.create(victim, org, "Case of Ann", "my case", "Ann")
    assert advocate.account is not None
    mine.add_member(advocate.account, "advocate", "Bo", "support", None)
    big = os.urandom(SINGLE + 123_456)  # sent in parts
    add(mine, "threat.png", b"png bytes from the victim")
    add(mine, "video.mp4", big)

    theirs = SharedCase(advocate, mine.case_id)
    theirs.load_keys()
    assert theirs.title() == "Case of Ann"
    add(theirs, "call-log.txt", b"added by the advocate")

    for side in (mine, theirs):
        records = list(side.pull())
        items = {r.fields["name"]: r for r in records if r.kind == "item"}
        assert set(items) == {"threat.png", "video.mp4", "call-log.txt"}
        assert side.fetch_bytes(items["video.mp4"]) == big
        assert items["video.mp4"].fields["sha256"] == hashlib.sha256(big).hexdigest()
        assert [r.seq for r in records] == sorted(r.seq for r in records)

    rows = victim.chain(mine.case_id)
    keys = {uuid.UUID(m["account"]): __import__("base64").b64decode(m["verify"])
            for m in victim.members(mine.case_id)}
    entries = verify_chain(rows, victim.server_key(), keys)
    for row in victim.pull(mine.case_id, 0):
        check_record(entries, row)
    actions = [e.fields.get("action") for e in entries if e.signer is None]
    assert "key_fetch" in actions and "blob_fetch" in actions
    grants = [e for e in entries if e.fields.get("action") == "grant"]
    assert [(g.signer, g.fields["member"]) for g in grants] == [
        (victim.account, str(advocate.account))]  # signed by the owner, not the server


def test_re_push_of_the_same_record_adds_nothing(server: Harness) -> None:
    victim = server.person()
    org = server.org(victim, client=[victim])
    case = SharedCase.create(victim, org, "t", "p", "Ann")
    record = stable_record_id(case.case_id, victim.account, "abc", "a.txt")
    first = case.add_record("note", {"text": "hello"}, record)
    rows = victim.pull(case.case_id, 0)
    again = victim.push(case.case_id, [{
        "record": rows[-1]["record"], "epoch": rows[-1]["epoch"], "body": rows[-1]["body"],
        "entry": victim.chain(case.case_id)[-1]["body"],
        "signature": victim.chain(case.case_id)[-1]["signature"]}])
    assert again == [{"record": str(record), "seq": first, "new": False}]
    assert len(victim.pull(case.case_id, 0)) == len(rows)
    with pytest.raises(ServerRefused) as refused:
        case.add_record("note", {"text": "other"}, record)
    assert refused.value.code == "record_differs"


@pytest.mark.parametrize("server", [{"direct": True}], indirect=True)
def test_blobs_go_straight_into_the_store_when_offered(server: Harness) -> None:
    victim, contributor, stranger = server.person(), server.person(), server.person()
    org = server.org(victim, client=[victim])
    case = SharedCase.create(victim, org, "t", "p", "Ann")
    assert contributor.account is not None and victim.about()["direct_upload"] is True
    case.add_member(contributor.account, "contributor", "Cy", "photos")
    data = os.urandom(300_000)
    SharedCase(contributor, case.case_id).add_item("p.jpg", "photo", io.BytesIO(data),
                                                   len(data), "Cy")
    item = next(r for r in case.pull() if r.kind == "item")
    assert case.fetch_bytes(item) == data
    refused = stranger.request("POST", f"/cases/{case.case_id}/blobs/{uuid.uuid4()}/direct",
                               json={"size": 10})
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "no_such_case")
    unsent = uuid.uuid4()
    victim.request("POST", f"/cases/{case.case_id}/blobs/{unsent}/direct", json={"size": 5})
    with pytest.raises(ServerRefused) as missing:
        victim.complete(case.case_id, unsent)
    assert missing.value.code == "blob_missing"
