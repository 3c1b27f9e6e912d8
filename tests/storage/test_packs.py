"""Small blobs packed into pack files: round trips, damage, crashes, removal, rekey."""

from __future__ import annotations

import io
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from spoorvast.storage import packs
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.blobs import (
    CHUNK,
    BlobDamaged,
    BlobStore,
    _record,
)
from tests.storage.tamper import flip_byte

KEY, NAME_KEY = secrets.token_bytes(32), secrets.token_bytes(32)


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    store = BlobStore(tmp_path, KEY, NAME_KEY)
    store.create_dirs()
    yield store
    store.close()


def _packed(blobs: BlobStore, sha256: str) -> packs.Located:
    where = blobs.location(sha256)
    assert where is not None and where.pack.suffix == packs.SUFFIX
    return where


@pytest.mark.parametrize("size", [0, 1, 100_000, CHUNK - 1, CHUNK])
def test_a_small_blob_is_a_record_in_a_pack(blobs: BlobStore, size: int) -> None:
    data = secrets.token_bytes(size)
    stored = blobs.ingest_bytes(data)
    assert stored.fresh and blobs.read_bytes(stored.sha256) == data
    assert blobs.check(stored.sha256) is None
    where = _packed(blobs, stored.sha256)
    assert not blobs.path(stored.sha256).exists()
    with blobs.open(stored.sha256) as reader:
        reader.seek(size // 2)
        assert reader.read() == data[size // 2:]
    assert list(blobs.stored_names()) == [blobs.name(stored.sha256)]
    record = packs.read_record(where)
    assert size < 32 or data[:32] not in record


def test_a_large_blob_stays_a_file_of_its_own(blobs: BlobStore) -> None:
    data = secrets.token_bytes(CHUNK + 1)
    stored = blobs.ingest_bytes(data)
    assert blobs.path(stored.sha256).exists() and blobs.read_bytes(stored.sha256) == data


def test_records_follow_each_other_in_one_pack(blobs: BlobStore) -> None:
    stored = [blobs.ingest_bytes(secrets.token_bytes(n), durable=False) for n in (10, 5000, 7)]
    where = [_packed(blobs, s.sha256) for s in stored]
    assert len({w.pack for w in where}) == 1
    step = packs.PREFIX
    assert [w.offset for w in where] == [step, 2 * step + where[0].length,
                                         3 * step + where[0].length + where[1].length]
    assert list(packs.scan(where[0].pack)) == [(blobs.name(s.sha256), w)
                                               for s, w in zip(stored, where, strict=True)]


def test_the_same_bytes_are_stored_once(blobs: BlobStore) -> None:
    first, second = blobs.ingest_bytes(b"synthetic"), blobs.ingest_bytes(b"synthetic")
    assert first.fresh and not second.fresh and not second.repaired
    assert len(list(blobs.stored_names())) == 1


@pytest.mark.parametrize("where_fn", [lambda w: 3, lambda w: 40, lambda w: w.length // 2,
                                      lambda w: w.length - 1])
def test_a_flipped_bit_in_a_packed_blob_is_detected(blobs: BlobStore, where_fn) -> None:  # type: ignore[no-untyped-def]
    neighbour = blobs.ingest_bytes(b"before " * 100)
    stored = blobs.ingest_bytes(secrets.token_bytes(3000))
    after = blobs.ingest_bytes(b"after " * 100)
    where = _packed(blobs, stored.sha256)
    flip_byte(where.pack, where.offset + where_fn(where))
    assert blobs.check(stored.sha256) is not None
    with pytest.raises(BlobDamaged):
        blobs.read_bytes(stored.sha256)
    assert blobs.check(neighbour.sha256) is None and blobs.check(after.sha256) is None


def test_a_record_is_bound_to_its_name(blobs: BlobStore) -> None:
    """Swapping two index rows (or copying a record over another) fails authentication:
    the record's authenticated data holds the name it was written under."""
    one, two = blobs.ingest_bytes(b"one" * 50), blobs.ingest_bytes(b"two" * 50)
    a, b = _packed(blobs, one.sha256), _packed(blobs, two.sha256)
    index = blobs._index
    index.add(blobs.name(one.sha256), b, replace=True)
    index.add(blobs.name(two.sha256), a, replace=True)
    assert str(blobs.check(one.sha256)).startswith("authentication-failed")
    assert str(blobs.check(two.sha256)).startswith("authentication-failed")


def test_a_record_read_as_a_loose_file_is_refused(blobs: BlobStore) -> None:
    stored = blobs.ingest_bytes(b"packed")
    blobs.path(stored.sha256).parent.mkdir(parents=True, exist_ok=True)
    record = _record(KEY, blobs.name(stored.sha256), b"x")[1:]  # without its prefix
    blobs.path(stored.sha256).write_bytes(b"".join(record))
    blobs._index.remove(blobs.name(stored.sha256))
    assert blobs.check(stored.sha256) == "bad-header@0"


def test_a_damaged_packed_copy_is_replaced_by_the_same_bytes(blobs: BlobStore) -> None:
    data = secrets.token_bytes(2000)
    first = blobs.ingest_bytes(data)
    old = _packed(blobs, first.sha256)
    flip_byte(old.pack, old.offset + 100)
    again = blobs.ingest_bytes(data)
    assert again.repaired and not again.fresh
    assert blobs.read_bytes(first.sha256) == data and _packed(blobs, first.sha256) != old
    with old.pack.open("rb") as handle:
        handle.seek(old.offset)
        assert handle.read(old.length) == bytes(old.length)  # the damaged record was freed


def test_a_damaged_loose_copy_is_replaced_by_a_packed_one(tmp_path: Path) -> None:
    loose = BlobStore(tmp_path, KEY, NAME_KEY, packing=False)
    loose.create_dirs()
    stored = loose.ingest_bytes(b"loose bytes")
    loose.path(stored.sha256).write_bytes(b"")  # what a power loss can leave
    packed = BlobStore(tmp_path, KEY, NAME_KEY)
    again = packed.ingest_bytes(b"loose bytes")
    assert again.repaired and not loose.path(stored.sha256).exists()
    assert packed.read_bytes(stored.sha256) == b"loose bytes"
    packed.close()


def test_removal_frees_the_record_and_keeps_its_neighbours(blobs: BlobStore) -> None:
    keep1, gone, keep2 = (blobs.ingest_bytes(secrets.token_bytes(9000)) for _ in range(3))
    where = _packed(blobs, gone.sha256)
    blobs.remove(gone.sha256)
    assert not blobs.exists(gone.sha256)
    with pytest.raises(BlobDamaged, match="missing"):
        blobs.read_bytes(gone.sha256)
    with where.pack.open("rb") as handle:
        handle.seek(where.offset)
        assert handle.read(where.length) == bytes(where.length)
    assert blobs.check(keep1.sha256) is None and blobs.check(keep2.sha256) is None
    assert set(blobs.stored_names()) == {blobs.name(keep1.sha256), blobs.name(keep2.sha256)}


def test_names_written_since_include_packed_blobs(blobs: BlobStore) -> None:
    old = blobs.ingest_bytes(b"old")
    since = time.time_ns()
    new = blobs.ingest_bytes(b"new")
    assert set(blobs.names_written_since(since)) == {blobs.name(new.sha256)}
    blobs.remove_name(blobs.name(new.sha256))
    assert set(blobs.stored_names()) == {blobs.name(old.sha256)}


def test_an_interrupted_append_is_cut_back(blobs: BlobStore) -> None:
    """A record written without its index row (the crash came between the two) is
    referenced by nothing, and the next writable open cuts the pack back."""
    kept = blobs.ingest_bytes(b"kept" * 100)
    where = _packed(blobs, kept.sha256)
    with blobs._writer.lock:
        blobs._writer.append([b"half a record ", b"that never got its row"])
    assert blobs.clean_tmp() == 0  # the pack is still held by its writer
    blobs.close()
    assert where.pack.stat().st_size > where.offset + where.length
    assert blobs.clean_tmp() == 1
    assert where.pack.stat().st_size == where.offset + where.length
    assert blobs.read_bytes(kept.sha256) == b"kept" * 100


def test_without_its_index_a_pack_is_never_cut(blobs: BlobStore) -> None:
    stored = blobs.ingest_bytes(b"kept")
    pack = _packed(blobs, stored.sha256).pack
    blobs.close()
    (pack.parent / packs.INDEX).unlink()
    assert blobs.clean_tmp() == 0 and pack.stat().st_size > 0
    assert [name for name, _ in packs.scan(pack)] == [blobs.name(stored.sha256)]


def test_a_pack_with_nothing_left_is_removed(blobs: BlobStore) -> None:
    stored = blobs.ingest_bytes(b"alone")
    pack = _packed(blobs, stored.sha256).pack
    blobs.remove(stored.sha256)
    blobs.close()
    blobs.clean_tmp()
    assert not pack.exists()


def test_two_stores_and_two_threads_write_the_same_vault(tmp_path: Path) -> None:
    stores = [BlobStore(tmp_path, KEY, NAME_KEY) for _ in range(2)]
    stores[0].create_dirs()
    payloads = [secrets.token_bytes(500 + i) for i in range(40)]
    fresh: list[bool] = []

    def work(store: BlobStore) -> None:
        for data in payloads:
            fresh.append(store.ingest_bytes(data, durable=False).fresh)

    threads = [threading.Thread(target=work, args=(s,)) for s in (*stores, stores[0])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fresh.count(True) == len(payloads)  # each bytes once, whoever came first
    reader = BlobStore(tmp_path, KEY, NAME_KEY)
    for data in payloads:
        assert reader.read_bytes(__import__("hashlib").sha256(data).hexdigest()) == data
    assert len(list(reader.stored_names())) == len(payloads)
    for store in (*stores, reader):
        store.close()


def test_a_full_pack_is_followed_by_a_new_one(blobs: BlobStore,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "PACK_LIMIT", 3000)
    stored = [blobs.ingest_bytes(secrets.token_bytes(1000)) for _ in range(6)]
    assert len({_packed(blobs, s.sha256).pack for s in stored}) >= 2
    assert all(blobs.check(s.sha256) is None for s in stored)


@pytest.mark.slow
def test_rekey_re_encrypts_packed_blobs(tmp_path: Path) -> None:
    from spoorvast.services.cases import create_case
    from tests.storage.test_rekey import FAST
    root, old, new = tmp_path / "vault", "old passphrase 1234", "new passphrase 5678"
    with vaultlib.create(root, old, FAST) as vault:
        create_case(vault, "synthetic", "en", "Europe/Brussels")
        shas = [vault.blobs.ingest_bytes(secrets.token_bytes(700 + i)).sha256
                for i in range(5)]
        vault.store.conn.execute("INSERT INTO settings VALUES ('capture.browser_profile', ?)",
                                 (shas[0],))
        before = {sha: vault.blobs.read_bytes(sha) for sha in shas[:1]}
        old_records = {n: packs.read_record(w) for n, w in vault.blobs.stored()}
    vaultlib.rekey_vault(root, old, new)
    with vaultlib.open_vault(root, new, writable=False) as vault:
        assert {sha: vault.blobs.read_bytes(sha) for sha in shas[:1]} == before
        assert _packed(vault.blobs, shas[0]).pack.parent.name == packs.PACK_DIR
        new_records = {n: packs.read_record(w) for n, w in vault.blobs.stored()}
    assert new_records and not set(new_records) & set(old_records)


WRITER = """
import io, os, sys, pathlib
from spoorvast.storage.blobs import BlobStore
store = BlobStore(pathlib.Path(sys.argv[1]), bytes(32), bytes(range(32)))
store.create_dirs()
i = 0
while True:
    data = i.to_bytes(8, "big") * 4000
    store.ingest(io.BytesIO(data), durable=False)
    if i == 20:
        print("running", flush=True)
    i += 1
"""


@pytest.mark.slow
def test_a_kill_mid_append_leaves_every_indexed_blob_whole(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], env=env,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "running\n"
    time.sleep(0.2 + secrets.randbelow(300) / 1000)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    store = BlobStore(tmp_path, bytes(32), bytes(range(32)))
    store.clean_tmp()
    rows = list(store._index.rows())
    assert len(rows) > 20
    numbers = {store.name(_sha(i)): i for i in range(len(rows) + 5)}
    for name, _where in rows:
        number = numbers[name]
        assert store.read_bytes(_sha(number)) == number.to_bytes(8, "big") * 4000
    ends = {}
    for _name, where in rows:
        ends[where.pack] = max(ends.get(where.pack, 0), where.offset + where.length)
    assert all(pack.stat().st_size == end for pack, end in ends.items())
    scanned = [found for pack in ends for found in packs.scan(pack)]
    assert sorted(scanned, key=str) == sorted(rows, key=str)  # the packs alone say it all
    store.close()


def _sha(number: int) -> str:
    return __import__("hashlib").sha256(number.to_bytes(8, "big") * 4000).hexdigest()


def test_a_pack_record_round_trips_through_a_plain_reader(blobs: BlobStore) -> None:
    stored = blobs.ingest(io.BytesIO(b"line one\nline two\n"))
    with blobs.open(stored.sha256) as reader:
        assert reader.readline() == b"line one\n"


ADDER = """
import os, sys, pathlib
from spoorvast.storage.vault import open_vault
from spoorvast.importers.registry import builtin_registry
from spoorvast.services import intake
intake.BATCH_ITEMS = 7  # many batches, so that the kill falls between and inside them
vault = open_vault(pathlib.Path(sys.argv[1]), sys.argv[3])
case = vault.store.cases()[0]
class Told(intake.SilentObserver):
    def finished(self, result):
        print(result.status.value, flush=True)
intake.add_paths(vault, case, [pathlib.Path(sys.argv[2])], builtin_registry(), Told())
"""


@pytest.mark.slow
def test_a_kill_during_an_add_leaves_no_item_without_its_bytes(tmp_path: Path) -> None:
    """Kill -9 in the middle of sealing many small files: each item the vault then holds
    has every byte of its files (verify finds nothing), and adding again completes."""
    from spoorvast.importers.registry import builtin_registry
    from spoorvast.services.cases import create_case
    from spoorvast.services.intake import add_paths
    from spoorvast.services.verify import verify
    from tests.storage.test_rekey import FAST
    folder, root, word = tmp_path / "in", tmp_path / "vault", "kill passphrase 1234"
    folder.mkdir()
    for i in range(300):
        (folder / f"f{i:03d}.bin").write_bytes(secrets.token_bytes(2000 + i))
    with vaultlib.create(root, word, FAST) as vault:
        create_case(vault, "synthetic", "en", "Europe/Brussels")
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    child = subprocess.Popen([sys.executable, "-c", ADDER, str(root), str(folder), word],
                             env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for _ in range(20 + secrets.randbelow(100)):
        child.stdout.readline()
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    with vaultlib.open_vault(root, word) as vault:
        artifacts = list(vault.store.all_artifacts())
        assert artifacts and all(vault.blobs.check(a.sha256) is None for a in artifacts)
        report = verify(vault)
        assert report.problems == []
        results = add_paths(vault, vault.store.cases()[0], [folder], builtin_registry())
        assert {r.status.value for r in results} <= {"added", "duplicate"}
        assert len(list(vault.store.all_artifacts())) == 300


def test_a_short_write_resumes_where_it_stopped() -> None:
    parts = [b"head", b"body-bytes", b"tail"]
    for done in range(19):
        assert b"".join(bytes(p) for p in packs._after(parts, done)) == b"".join(parts)[done:]


def test_stores_making_the_index_at_the_same_moment_all_write(tmp_path: Path) -> None:
    """Three indexes of one new folder add their first row at once, fifty times: the
    index file's switch to WAL mode failed at once ("database is locked") for some."""
    failures: list[BaseException] = []

    def first_row(index: packs.PackIndex, start: threading.Barrier, n: int) -> None:
        start.wait()
        try:
            index.add(f"blob-{n}", packs.Located(index.directory / "p", 0, 1))
        except BaseException as exc:  # collected, and reported below
            failures.append(exc)

    for attempt in range(50):
        directory = tmp_path / f"packs-{attempt}"
        indexes = [packs.PackIndex(directory) for _ in range(3)]
        start = threading.Barrier(len(indexes))
        threads = [threading.Thread(target=first_row, args=(index, start, n))
                   for n, index in enumerate(indexes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for index in indexes:
            index.close()
        assert sorted(name for name, _ in indexes[0].rows()) == ["blob-0", "blob-1", "blob-2"]
        indexes[0].close()
    assert failures == []
