"""Batched index rows (the intake's small files): committed at the store's sync, so a
crash before it leaves records nothing refers to, cut back at the next open."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from spoorvast.storage import packs
from spoorvast.storage.blobs import BlobStore
from tests.storage import test_packs
from tests.storage.test_packs import KEY, NAME_KEY

blobs = test_packs.blobs  # the same store fixture

def _crash(store: BlobStore) -> None:
    """What a killed process leaves: the index connection gone without a COMMIT, the
    pack's descriptor (and its lock) closed."""
    conn = store._index._conn
    assert conn is not None
    conn.close()  # an open transaction is rolled back
    store._index._conn = None
    assert store._writer._fd is not None
    os.close(store._writer._fd)
    store._writer._fd = store._writer._pack = None


def test_a_batched_row_is_seen_by_its_own_store_at_once(blobs: BlobStore,
                                                        tmp_path: Path) -> None:
    data = secrets.token_bytes(5000)
    first = blobs.ingest_bytes(data, durable=False, batched=True)
    assert first.fresh and blobs.read_bytes(first.sha256) == data
    assert not blobs.ingest_bytes(data, durable=False, batched=True).fresh  # stored once
    other = BlobStore(tmp_path, KEY, NAME_KEY)
    assert not other.exists(first.sha256)  # not committed yet
    blobs.sync()
    assert other.read_bytes(first.sha256) == data
    other.close()


def test_a_crash_before_the_sync_leaves_only_what_was_synced(blobs: BlobStore,
                                                             tmp_path: Path) -> None:
    synced = [blobs.ingest_bytes(secrets.token_bytes(3000 + i), durable=False, batched=True)
              for i in range(5)]
    blobs.sync()
    lost = [blobs.ingest_bytes(secrets.token_bytes(4000 + i), durable=False, batched=True)
            for i in range(5)]
    pack = blobs.location(lost[0].sha256)
    assert pack is not None
    _crash(blobs)
    after = BlobStore(tmp_path, KEY, NAME_KEY)
    assert after.clean_tmp() == 1  # the records past the indexed end are cut
    assert all(after.check(s.sha256) is None for s in synced)
    assert not any(after.exists(s.sha256) for s in lost)
    ends = [w.offset + w.length for _, w in after.stored()]
    assert pack.pack.stat().st_size == max(ends)
    after.close()


def test_batched_rows_are_committed_every_batch_rows(blobs: BlobStore, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "BATCH_ROWS", 3)
    stored = [blobs.ingest_bytes(secrets.token_bytes(100 + i), durable=False, batched=True)
              for i in range(4)]
    other = BlobStore(tmp_path, KEY, NAME_KEY)
    assert [other.exists(s.sha256) for s in stored] == [True, True, True, False]
    other.close()


def test_a_durable_write_commits_the_batched_rows_before_it(blobs: BlobStore,
                                                            tmp_path: Path) -> None:
    batched = blobs.ingest_bytes(b"batched", durable=False, batched=True)
    blobs.ingest_bytes(b"durable")
    other = BlobStore(tmp_path, KEY, NAME_KEY)
    assert other.exists(batched.sha256)
    other.close()


def test_removal_commits_at_once(blobs: BlobStore, tmp_path: Path) -> None:
    kept = blobs.ingest_bytes(b"kept", durable=False, batched=True)
    gone = blobs.ingest_bytes(b"gone", durable=False, batched=True)
    blobs.remove(gone.sha256)
    other = BlobStore(tmp_path, KEY, NAME_KEY)
    assert other.exists(kept.sha256) and not other.exists(gone.sha256)
    other.close()
