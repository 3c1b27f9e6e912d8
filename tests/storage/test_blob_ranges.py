"""Range records: a blob stored as a byte range of another (a message of an mbox) reads,
checks and is removed like any blob, is never a copy, and is never taken for bytes it
does not hold (a moved, forged or dangling record is damage, not other bytes)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.storage import blob_ranges, packs
from spoorvast.storage.blobs import CHUNK, BlobDamaged, BlobStore
from tests.storage.tamper import zero

KEY, NAME_KEY = secrets.token_bytes(32), secrets.token_bytes(32)


@pytest.fixture
def blobs(tmp_path: Path) -> Iterator[BlobStore]:
    store = BlobStore(tmp_path, KEY, NAME_KEY)
    store.create_dirs()
    yield store
    store.close()


def _record(blobs: BlobStore, sha256: str) -> bytes:
    where = blobs.location(sha256)
    assert where is not None
    return packs.read_record(where)


@pytest.mark.parametrize("size", [2 * CHUNK + 5, 5000])  # a loose and a packed container
def test_a_range_reads_checks_and_is_no_copy(blobs: BlobStore, size: int) -> None:
    whole = secrets.token_bytes(size)
    container = blobs.ingest_bytes(whole).sha256
    start = size - 3000 if size > CHUNK else 700  # across a chunk border for the large one
    start = CHUNK - 1000 if size > CHUNK else start
    part = whole[start:start + 2500]
    stored = blobs.ingest_range(part, container, start)
    assert stored.fresh and stored.sha256 == hashlib.sha256(part).hexdigest()
    assert blobs.read_bytes(stored.sha256) == part
    with blobs.open(stored.sha256) as reader:
        reader.seek(10)
        assert reader.read(5) == part[10:15]
    assert blobs.check(stored.sha256) is None and blobs.exists(stored.sha256)
    record = _record(blobs, stored.sha256)
    assert blob_ranges.is_range(record) and len(record) < 100  # where, not the bytes
    assert blobs.name(stored.sha256) in set(blobs.stored_names())


def test_the_same_bytes_again_are_not_stored_again(blobs: BlobStore) -> None:
    whole = secrets.token_bytes(4000)
    container = blobs.ingest_bytes(whole).sha256
    first = blobs.ingest_range(whole[100:900], container, 100)
    assert not blobs.ingest_range(whole[100:900], container, 100).fresh
    assert not blobs.ingest_bytes(whole[100:900]).fresh
    assert blobs.read_bytes(first.sha256) == whole[100:900]


def test_bytes_that_are_not_that_range_are_stored_as_a_copy(blobs: BlobStore) -> None:
    whole = secrets.token_bytes(4000)
    container = blobs.ingest_bytes(whole).sha256
    other = secrets.token_bytes(800)
    stored = blobs.ingest_range(other, container, 100)
    assert blobs.read_bytes(stored.sha256) == other
    assert not blob_ranges.is_range(_record(blobs, stored.sha256))
    past_end = blobs.ingest_range(whole[3500:], container, 3600)  # shifted
    assert blobs.read_bytes(past_end.sha256) == whole[3500:]


def test_a_range_of_a_range_is_a_copy(blobs: BlobStore) -> None:
    whole = secrets.token_bytes(4000)
    container = blobs.ingest_bytes(whole).sha256
    inner = blobs.ingest_range(whole[1000:3000], container, 1000).sha256
    nested = blobs.ingest_range(whole[1100:1200], inner, 100)
    assert not blob_ranges.is_range(_record(blobs, nested.sha256))
    assert blobs.read_bytes(nested.sha256) == whole[1100:1200]


def test_a_record_moved_to_another_name_is_damage(blobs: BlobStore) -> None:
    """Two range records swapped in the index: each authenticates against its own name
    only, so neither gives the other's bytes."""
    whole = secrets.token_bytes(4000)
    container = blobs.ingest_bytes(whole).sha256
    a = blobs.ingest_range(whole[0:1000], container, 0).sha256
    b = blobs.ingest_range(whole[1000:2000], container, 1000).sha256
    where_a, where_b = blobs.location(a), blobs.location(b)
    assert where_a is not None and where_b is not None
    index = packs.PackIndex(where_a.pack.parent)
    index.add(blobs.name(a), where_b, replace=True)
    index.close()
    assert blobs.check(a) == "authentication-failed@0"
    with pytest.raises(BlobDamaged):
        blobs.read_bytes(a)
    assert blobs.read_bytes(b) == whole[1000:2000]


def test_a_record_pointing_at_other_bytes_is_damage(blobs: BlobStore,
                                                    tmp_path: Path) -> None:
    """A valid record for another range under this name (as the vault's own key would
    write it): the SHA-256 of the range is checked before any byte is given."""
    whole = secrets.token_bytes(4000)
    container = blobs.ingest_bytes(whole).sha256
    a = blobs.ingest_range(whole[0:1000], container, 0).sha256
    name = blobs.name(a)
    forged = blob_ranges.record(blob_ranges.range_key(KEY), name, container, 1, 1000)
    where = blobs._writer.append([packs.prefix(name, len(forged)), forged])
    blobs._index.add(name, packs.Located(where.pack, where.offset + packs.PREFIX,
                                         where.length - packs.PREFIX), replace=True)
    assert blobs.check(a) == "content-hash-mismatch"
    with pytest.raises(BlobDamaged):
        blobs.open(a)


def test_removing_the_container_leaves_no_readable_range(blobs: BlobStore) -> None:
    whole = secrets.token_bytes(4000)
    container = blobs.ingest_bytes(whole).sha256
    part = blobs.ingest_range(whole[10:20], container, 10).sha256
    assert blobs.read_bytes(part) == whole[10:20]
    blobs.remove(container)
    assert blobs.check(part) == "missing"
    blobs.remove(part)
    assert not blobs.exists(part) and blobs.name(part) not in set(blobs.stored_names())


def test_without_packing_a_range_is_a_blob_of_its_own(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, KEY, NAME_KEY, packing=False)
    store.create_dirs()
    whole = secrets.token_bytes(4000)
    container = store.ingest_bytes(whole).sha256
    part = store.ingest_range(whole[5:50], container, 5).sha256
    assert store.path(part).exists() and store.read_bytes(part) == whole[5:50]
    store.close()


def test_range_rows_are_committed_together_at_sync(blobs: BlobStore, tmp_path: Path) -> None:
    """Read at once by this store; committed (seen by another) at ``sync``, before the
    items that refer to them commit; ``durable`` commits at once."""
    whole = secrets.token_bytes(4000)
    container = blobs.ingest_bytes(whole).sha256
    waiting = [blobs.ingest_range(whole[n:n + 100], container, n, durable=False).sha256
               for n in range(0, 1000, 100)]
    other = BlobStore(tmp_path, KEY, NAME_KEY)
    assert all(blobs.read_bytes(sha) == whole[n * 100:n * 100 + 100]
               for n, sha in enumerate(waiting))
    assert not any(other.exists(sha) for sha in waiting)
    blobs.sync()
    assert all(other.read_bytes(sha) == whole[n * 100:n * 100 + 100]
               for n, sha in enumerate(waiting))
    at_once = blobs.ingest_range(whole[2000:2100], container, 2000).sha256
    assert other.read_bytes(at_once) == whole[2000:2100]
    other.close()


def test_bytes_stored_loose_already_are_not_stored_again(tmp_path: Path) -> None:
    loose = BlobStore(tmp_path, KEY, NAME_KEY, packing=False)
    loose.create_dirs()
    whole = secrets.token_bytes(4000)
    container = loose.ingest_bytes(whole).sha256
    copy = loose.ingest_bytes(whole[10:900]).sha256
    loose.close()
    packing = BlobStore(tmp_path, KEY, NAME_KEY)
    again = packing.ingest_range(whole[10:900], container, 10)
    assert again.sha256 == copy and not again.fresh
    where = packing.location(copy)
    assert where is not None and where.pack == packing.path(copy)  # the loose copy
    packing.close()


@pytest.mark.parametrize("size", [3000, CHUNK + 10])  # a packed and a loose copy then
def test_a_damaged_range_is_replaced_by_the_same_bytes_again(blobs: BlobStore,
                                                             size: int) -> None:
    whole = secrets.token_bytes(size + 100)
    container = blobs.ingest_bytes(whole).sha256
    part = blobs.ingest_range(whole[50:50 + size], container, 50).sha256
    where = blobs.location(part)
    assert where is not None
    zero(where)
    assert blobs.check(part) is not None
    blobs.ingest_range(whole[50:50 + size], container, 50)
    assert blobs.check(part) is None and blobs.read_bytes(part) == whole[50:50 + size]
