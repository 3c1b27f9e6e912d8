"""The encrypted blob store: round trips, streaming, and every kind of damage."""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.storage.blobs import (
    CHUNK,
    HEADER,
    MAGIC_V1,
    SALT_SIZE,
    TAG,
    BlobDamaged,
    BlobStore,
    _blob_cipher,
    _nonce,
    padded_length,
)


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    """Every blob a file of its own (the loose format; packs: test_packs.py)."""
    store = BlobStore(tmp_path, secrets.token_bytes(32), secrets.token_bytes(32),
                      packing=False)
    store.create_dirs()
    return store


SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_at_chunk_boundaries(blobs: BlobStore, size: int) -> None:
    data = secrets.token_bytes(size)
    stored = blobs.ingest(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == size
    assert blobs.read_bytes(stored.sha256) == data
    assert blobs.check(stored.sha256) is None
    padded = padded_length(size + 8)  # the file, zeros, its length (8 bytes)
    expected_chunks = max(1, -(-padded // CHUNK))
    assert blobs.path(stored.sha256).stat().st_size == HEADER + padded + TAG * expected_chunks


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=5000))
def test_round_trip_any_bytes(blobs: BlobStore, data: bytes) -> None:
    stored = blobs.ingest_bytes(data)
    assert blobs.read_bytes(stored.sha256) == data


def test_same_bytes_are_stored_once(blobs: BlobStore) -> None:
    first = blobs.ingest_bytes(b"synthetic")
    second = blobs.ingest_bytes(b"synthetic")
    assert first.fresh and not second.fresh
    assert len(list(blobs.stored_names())) == 1
    assert list(blobs.tmp_dir.iterdir()) == []


def test_ciphertext_differs_each_time_and_hides_content(blobs: BlobStore,
                                                        tmp_path: Path) -> None:
    data = b"SYNTHETIC-PLAINTEXT" * 100
    stored = blobs.ingest_bytes(data)
    raw = blobs.path(stored.sha256).read_bytes()
    assert b"SYNTHETIC-PLAINTEXT" not in raw
    other = BlobStore(tmp_path / "other", secrets.token_bytes(32), secrets.token_bytes(32))
    other.create_dirs()
    assert other.path(stored.sha256).name != blobs.path(stored.sha256).name


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_single_bit_flip_is_detected(blobs: BlobStore, data: st.DataObject) -> None:
    stored = blobs.ingest_bytes(b"x" * (CHUNK + 100))
    path = blobs.path(stored.sha256)
    raw = bytearray(path.read_bytes())
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= 1 << data.draw(st.integers(0, 7))
    path.write_bytes(bytes(raw))
    assert blobs.check(stored.sha256) is not None
    path.unlink()


def test_swapped_and_dropped_chunks_are_detected(blobs: BlobStore) -> None:
    stored = blobs.ingest_bytes(secrets.token_bytes(3 * CHUNK))
    path = blobs.path(stored.sha256)
    raw = path.read_bytes()
    body = [raw[HEADER + i * (CHUNK + TAG): HEADER + (i + 1) * (CHUNK + TAG)]
            for i in range(3)]
    for tampered in (raw[:HEADER] + body[1] + body[0] + body[2],
                     raw[:HEADER] + body[0] + body[1],
                     raw[:HEADER] + body[0] + body[1] + body[2] + body[2]):
        path.write_bytes(tampered)
        with pytest.raises(BlobDamaged):
            blobs.read_bytes(stored.sha256)


def test_wrong_key_cannot_read(blobs: BlobStore, tmp_path: Path) -> None:
    stored = blobs.ingest_bytes(b"synthetic")
    thief = BlobStore(tmp_path, secrets.token_bytes(32), secrets.token_bytes(32))
    target = thief.path(stored.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(blobs.path(stored.sha256).read_bytes())
    assert thief.check(stored.sha256) == f"authentication-failed@{HEADER}"


def test_open_is_seekable_and_authenticated(tmp_path: Path) -> None:
    import os

    store = BlobStore(tmp_path, secrets.token_bytes(32), secrets.token_bytes(32))
    store.create_dirs()
    for size in (0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5):
        data = os.urandom(size)
        sha = store.ingest_bytes(data).sha256
        with store.open(sha) as reader:
            assert reader.read() == data
            for offset in (0, size // 2, max(0, size - 3)):
                reader.seek(offset)
                assert reader.read(10) == data[offset:offset + 10]
            assert reader.seek(0, io.SEEK_END) == size
    path = store.path(sha)
    path.write_bytes(path.read_bytes()[:-(CHUNK // 2)])  # the last chunk cut short
    with pytest.raises(BlobDamaged), store.open(sha) as reader:
        reader.seek(-1, io.SEEK_END)  # what is now the last chunk was not sealed as last
        reader.read()


@pytest.mark.parametrize("leftover", ["empty", "partial", "flipped", "other-blob"])
def test_a_damaged_blob_at_the_name_is_replaced_not_reused(blobs: BlobStore,
                                                           leftover: str) -> None:
    data = secrets.token_bytes(CHUNK + 100)
    sha256 = hashlib.sha256(data).hexdigest()
    path = blobs.path(sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    good = blobs.path(blobs.ingest(io.BytesIO(data)).sha256).read_bytes()
    path.unlink()
    damaged = {"empty": b"", "partial": good[:HEADER + 10],
               "flipped": good[:-1] + bytes([good[-1] ^ 1]),
               "other-blob": blobs.path(blobs.ingest(io.BytesIO(b"x")).sha256).read_bytes()}
    path.write_bytes(damaged[leftover])
    assert blobs.check(sha256) is not None

    stored = blobs.ingest(io.BytesIO(data))

    assert stored.repaired and not stored.fresh
    assert blobs.check(sha256) is None and blobs.read_bytes(sha256) == data
    again = blobs.ingest(io.BytesIO(data))
    assert not again.repaired and not again.fresh
    assert not list(blobs.tmp_dir.iterdir())


def _write_v1(store: BlobStore, data: bytes, key: bytes) -> str:
    """A blob as version 1 wrote it (no padding), made here by hand."""
    sha = hashlib.sha256(data).hexdigest()
    salt = secrets.token_bytes(SALT_SIZE)
    cipher, aad = _blob_cipher(key, salt), MAGIC_V1 + salt
    chunks = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    body = b"".join(cipher.encrypt(_nonce(i, i == len(chunks) - 1), c, aad)
                    for i, c in enumerate(chunks))
    path = store.path(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(aad + body)
    return sha


@pytest.mark.parametrize("size", [0, 1, CHUNK, 2 * CHUNK + 7])
def test_unpadded_version_1_blobs_stay_readable(tmp_path: Path, size: int) -> None:
    key = secrets.token_bytes(32)
    store = BlobStore(tmp_path, key, secrets.token_bytes(32))
    store.create_dirs()
    data = secrets.token_bytes(size)
    sha = _write_v1(store, data, key)
    assert store.read_bytes(sha) == data and store.check(sha) is None
    with store.open(sha) as reader:
        assert reader.seek(0, io.SEEK_END) == size
        reader.seek(max(0, size - 5))
        assert reader.read() == data[max(0, size - 5):]
    assert not store.ingest_bytes(data).fresh  # reused: it checks whole


def test_sizes_are_padded_inside_the_encryption(blobs: BlobStore) -> None:
    """Files of nearby sizes give blobs of one size; the overhead stays small."""
    sizes = [100_000 + n for n in range(0, 1500, 100)]
    stored = {blobs.path(blobs.ingest_bytes(secrets.token_bytes(n)).sha256).stat().st_size
              for n in sizes}
    assert len(stored) <= 2
    for n in (1, 1000, 100_000, 10 * CHUNK):
        assert padded_length(n + 8) <= (n + 8) * 1.12
    assert [padded_length(n) for n in (8, 9, 100, 1000)] == [8, 10, 104, 1024]  # Padmé


def test_a_flipped_bit_in_the_padding_is_detected(blobs: BlobStore) -> None:
    stored = blobs.ingest_bytes(secrets.token_bytes(3 * CHUNK + 1000))
    path = blobs.path(stored.sha256)
    raw = bytearray(path.read_bytes())
    raw[-TAG - 20] ^= 1  # inside the padding of the last chunk
    path.write_bytes(bytes(raw))
    assert blobs.check(stored.sha256) is not None


class _FailsHalfWay(io.RawIOBase):
    """A source that gives one chunk and a half, then fails (a disk error, a kill)."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self.given >= (3 << 19):
            raise OSError(5, "Input/output error")
        count = min(len(buffer), (3 << 19) - self.given)
        buffer[:count] = b"\x07" * count
        self.given += count
        return count


@pytest.mark.parametrize("unnamed", [True, False])
def test_a_write_that_fails_half_way_leaves_no_file(blobs: BlobStore, unnamed: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The blob is written to an unnamed temp file (O_TMPFILE) or, where the file system
    has none, a named one: either way a failure leaves nothing, in tmp/ or blobs/."""
    import spoorvast.storage.blobs as module
    from spoorvast.storage.blobs import SourceUnreadable

    monkeypatch.setattr(module, "_UNNAMED", unnamed and module._UNNAMED)
    with pytest.raises(SourceUnreadable):
        blobs.ingest(io.BufferedReader(_FailsHalfWay()))
    assert list(blobs.tmp_dir.iterdir()) == []
    assert list(blobs.stored_names()) == []
    stored = blobs.ingest_bytes(b"synthetic after the failure")
    assert blobs.read_bytes(stored.sha256) == b"synthetic after the failure"


def test_names_are_the_hmac_of_the_sha256(tmp_path: Path) -> None:
    """Names written by every version: HMAC-SHA256(name key, SHA-256), in hex (an old
    vault's blobs are found under the same names)."""
    import hmac

    name_key = secrets.token_bytes(32)
    store = BlobStore(tmp_path, secrets.token_bytes(32), name_key)
    for data in (b"", b"x", secrets.token_bytes(100)):
        sha = hashlib.sha256(data).hexdigest()
        assert store.name(sha) == hmac.new(name_key, bytes.fromhex(sha),
                                           hashlib.sha256).hexdigest()


def test_a_loose_blob_is_located_with_its_size(blobs: BlobStore) -> None:
    stored = blobs.ingest(io.BytesIO(b"loose bytes"))
    where = blobs.location(stored.sha256)
    assert where is not None and where.pack == blobs.path(stored.sha256)
    assert (where.offset, where.length) == (0, blobs.path(stored.sha256).stat().st_size)
    assert blobs.location(hashlib.sha256(b"never stored").hexdigest()) is None


def test_blob_names_are_the_hmac_of_the_hash_under_the_name_key(tmp_path: Path) -> None:
    """The name is HMAC-SHA256 (made from hash states kept per store): the names of an
    existing vault's blobs must not change, whatever the key's length."""
    import hmac

    for size in (0, 16, 32, 63, 64, 65, 100):
        key = secrets.token_bytes(size)
        store = BlobStore(tmp_path / f"v{size}", secrets.token_bytes(32), key)
        for _ in range(3):
            sha = secrets.token_hex(32)
            assert store.name(sha) == hmac.digest(key, bytes.fromhex(sha), "sha256").hex()
        store.close()
