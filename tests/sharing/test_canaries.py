"""After a realistic shared case, the whole server (a pg_dump of its database and every
object of its bucket) holds none of the case's words: titles, names, file names,
message text, notes and purposes exist on the server only as ciphertext."""

from __future__ import annotations

import io
import subprocess

import pytest

from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from tests.servers import Postgres
from tests.sharing.conftest import Harness

CANARIES = {
    "title": "Dossier Zwanenburg-Kwak 7731",
    "victim": "Mireille Oosterveld-Quast",
    "advocate": "Bartholomeus Ijsselstein",
    "contributor": "Quirina van Doorslaer",
    "file": "dreigbrief-zolderkamer-9921.png",
    "text": "ik weet waar je woont, bij de blauwe poort",
    "note": "gezien bij de schoolpoort om kwart voor negen",
    "purpose": "begeleiding klacht bij politie Gent-Noord",
}


def realistic_case(server: Harness) -> Api:
    victim, advocate, contributor, lawyer = (server.person() for _ in range(4))
    org = server.org(victim, client=[victim], caseworker=[advocate])
    case = SharedCase.create(victim, org, CANARIES["title"], CANARIES["purpose"],
                             CANARIES["victim"])
    for api, role, name in ((advocate, "advocate", CANARIES["advocate"]),
                            (contributor, "contributor", CANARIES["contributor"]),
                            (lawyer, "lawyer", "Lawyer")):
        assert api.account is not None
        case.add_member(api.account, role, name, CANARIES["purpose"])
    message = ("From: suspect\n" + CANARIES["text"] + "\n").encode() * 50
    case.add_item(CANARIES["file"], "screenshot", io.BytesIO(message), len(message),
                  CANARIES["victim"])
    theirs = SharedCase(advocate, case.case_id)
    theirs.load_keys()
    theirs.add_record("note", {"text": CANARIES["note"]})
    SharedCase(contributor, case.case_id).add_item(
        "photo-" + CANARIES["file"], "photo", io.BytesIO(message), len(message),
        CANARIES["contributor"])
    for record in theirs.pull():
        if record.kind == "item":
            assert CANARIES["text"].encode() in theirs.fetch_bytes(record)
    assert lawyer.account is not None
    case.remove_member(lawyer.account)
    case.add_record("note", {"text": CANARIES["note"] + " (2)"})
    return victim


def server_bytes(server: Harness, postgres: Postgres) -> bytes:
    dump = subprocess.run([str(postgres.bindir / "pg_dump"), "--no-owner",
                           server.settings.database_url],
                          check=True, capture_output=True, timeout=120).stdout
    objects = server.state.objects
    stored = [b"".join(objects.read(key)) for key in objects.object_keys()]
    assert stored, "the bucket should hold the case's blobs"
    return dump + b"".join(stored)


def forms(word: str) -> list[bytes]:
    raw = word.encode()
    return [raw, raw.lower(), raw.hex().encode(), raw.upper().hex().encode()]


@pytest.mark.parametrize("server", [{"own_bucket": True}], indirect=True)
def test_the_server_holds_none_of_the_case_words(server: Harness,
                                                 postgres: Postgres) -> None:
    victim = realistic_case(server)
    everything = server_bytes(server, postgres)
    assert b"CREATE TABLE public.records" in everything  # the dump is real and whole
    # bytea columns are dumped as hex: a control that the hex search finds stored bytes
    assert victim.identity.public().box.hex().encode() in everything
    found = [name for name, word in CANARIES.items()
             for form in forms(word) if form in everything]
    found += [name for name, word in CANARIES.items()
              for part in word.split() if len(part) >= 9 and part.encode() in everything]
    assert found == []
