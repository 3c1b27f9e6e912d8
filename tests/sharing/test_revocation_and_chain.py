"""Removing a member rotates the key; a forged or reordered chain is found by a client."""

from __future__ import annotations

import base64
import io
import json
import uuid

import pytest

from spoorvast.services.sharing.api import Api, ServerRefused, b64
from spoorvast.services.sharing.case import SharedCase, ShareError
from spoorvast.services.sharing.chain import verify_chain
from spoorvast.storage import sharing_keys as sk
from tests.sharing.conftest import Harness


def shared(server: Harness) -> tuple[Api, Api, Api, SharedCase]:
    victim, advocate, lawyer = server.person(), server.person(), server.person()
    org = server.org(victim, client=[victim])
    case = SharedCase.create(victim, org, "title", "purpose", "Ann")
    for person, role in ((advocate, "advocate"), (lawyer, "lawyer")):
        assert person.account is not None
        case.add_member(person.account, role, role, "help")
    return victim, advocate, lawyer, case


def member_keys(api: Api, case: SharedCase) -> dict[uuid.UUID, bytes]:
    return {uuid.UUID(m["account"]): base64.b64decode(m["verify"])
            for m in api.members(case.case_id)}


def test_removed_member_gets_nothing_new_and_the_new_key_is_used(server: Harness) -> None:
    victim, advocate, lawyer, case = shared(server)
    gone = SharedCase(advocate, case.case_id)
    gone.load_keys()
    assert advocate.account is not None and lawyer.account is not None
    assert case.remove_member(advocate.account) == 1
    case.add_item("after.txt", "file", io.BytesIO(b"later"), 5, "Ann")
    for call in (lambda: advocate.pull(case.case_id, 0), lambda: advocate.keys(case.case_id),
                 lambda: gone.add_record("note", {"text": "x"})):
        with pytest.raises(ServerRefused) as refused:
            call()
        assert refused.value.status == 404
    newest = victim.pull(case.case_id, 0)[-1]
    assert newest["epoch"] == 1
    with pytest.raises(sk.SealError):  # the old key does not open what came after
        sk.open_record(gone.keys[0], str(case.case_id), newest["record"],
                       base64.b64decode(newest["body"]))
    stays = SharedCase(lawyer, case.case_id)
    stays.load_keys()
    assert set(stays.keys) == {0, 1}
    assert [r.fields["name"] for r in stays.pull() if r.kind == "item"] == ["after.txt"]


def test_stale_epoch_push_is_refused_and_the_client_moves_on(server: Harness) -> None:
    victim, advocate, _, case = shared(server)
    assert advocate.account is not None
    old = SharedCase(victim, case.case_id)
    old.load_keys()
    assert old.current_epoch() == 0  # remembered from before the rotation
    case.remove_member(advocate.account)
    record = str(uuid.uuid4())
    body = sk.seal_record(old.keys[0], str(case.case_id), record, b"{}")
    entry = json.dumps({"case": str(case.case_id), "record": record, "epoch": 0,
                        "author": str(victim.account),
                        "body_sha256": __import__("hashlib").sha256(body).hexdigest()}).encode()
    with pytest.raises(ServerRefused) as refused:
        victim.push(case.case_id, [{"record": record, "epoch": 0, "body": b64(body),
                                    "entry": b64(entry),
                                    "signature": b64(victim.identity.sign(entry))}])
    assert refused.value.code == "stale_epoch"
    old.add_record("note", {"text": "after the rotation"})  # asks again, uses epoch 1
    assert victim.pull(case.case_id, 0)[-1]["epoch"] == 1


def chain_rows(server: Harness) -> tuple[Api, SharedCase, list[dict[str, object]]]:
    victim, _, _, case = shared(server)
    case.add_record("note", {"text": "one"})
    case.add_record("note", {"text": "two"})
    return victim, case, victim.chain(case.case_id)


def test_a_forged_entry_is_found(server: Harness) -> None:
    victim, case, rows = chain_rows(server)
    keys, server_key = member_keys(victim, case), victim.server_key()
    assert len(verify_chain(rows, server_key, keys)) == len(rows)
    forged = [dict(r) for r in rows]
    body = json.loads(base64.b64decode(str(forged[-1]["body"])))
    body["epoch"] = 7
    forged[-1]["body"] = base64.b64encode(json.dumps(body).encode()).decode()
    with pytest.raises(ShareError) as found:
        verify_chain(forged, server_key, keys)
    assert found.value.code == "chain_hash_differs" and found.value.where == str(len(rows))


def test_a_reordered_or_resigned_chain_is_found(server: Harness) -> None:
    victim, case, rows = chain_rows(server)
    keys, server_key = member_keys(victim, case), victim.server_key()
    swapped = [*rows[:-2], rows[-1], rows[-2]]
    with pytest.raises(ShareError) as found:
        verify_chain(swapped, server_key, keys)
    assert found.value.code == "chain_out_of_order"
    # the server re-hashes a changed entry: the author's signature no longer holds
    changed = [dict(r) for r in rows]
    last = changed[-1]
    body = base64.b64decode(str(last["body"])).replace(b'"add"', b'"del"')
    previous = base64.b64decode(str(changed[-2]["hash"]))
    last["body"] = base64.b64encode(body).decode()
    last["hash"] = base64.b64encode(sk.chain_hash(
        previous, int(str(last["pos"])), body, base64.b64decode(str(last["signature"])))).decode()
    with pytest.raises(ShareError) as found:
        verify_chain(changed, server_key, keys)
    assert found.value.code == "chain_signature_fails"
    # a chain cut back to before a head this member saw is found too
    seen = (len(rows), base64.b64decode(str(rows[-1]["hash"])))
    with pytest.raises(ShareError) as found:
        verify_chain(rows[:-1], server_key, keys, seen)
    assert found.value.code == "chain_shortened"


def test_members_adding_at_once_never_fork_or_lose_an_entry(server: Harness) -> None:
    from concurrent.futures import ThreadPoolExecutor

    victim, advocate, lawyer, case = shared(server)
    sides = []
    for api in (victim, advocate, lawyer):
        side = SharedCase(api, case.case_id)
        side.load_keys()
        sides.append(side)
    with ThreadPoolExecutor(6) as pool:
        seqs = list(pool.map(lambda n: sides[n % 3].add_record("note", {"n": n}), range(30)))
    assert sorted(seqs) == list(range(min(seqs), min(seqs) + 30))  # one order, no gap
    rows = victim.chain(case.case_id)
    entries = verify_chain(rows, victim.server_key(), member_keys(victim, case))
    added = [e.fields["record"] for e in entries if e.fields.get("action") == "add"]
    pulled = [r.record for r in case.pull()]
    assert len(added) == len(set(added)) == len(pulled)
    assert {str(r) for r in pulled} == set(added)


def test_a_member_the_server_slipped_in_is_found(server: Harness) -> None:
    import psycopg

    from spoorvast.services.sharing.chain import check_members

    victim, _, _, case = shared(server)
    keys, server_key = member_keys(victim, case), victim.server_key()
    check_members(verify_chain(victim.chain(case.case_id), server_key, keys),
                  victim.members(case.case_id))
    insider = server.person()
    with psycopg.connect(server.settings.database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO memberships (case_id, account_id, role, purpose) "
                     "VALUES (%s, %s, 'advocate', '')", (case.case_id, insider.account))
    rows = victim.members(case.case_id)
    entries = verify_chain(victim.chain(case.case_id), server_key, member_keys(victim, case))
    with pytest.raises(ShareError) as found:
        check_members(entries, rows)
    assert found.value.code == "member_without_signed_grant"
    assert found.value.where == str(insider.account)
