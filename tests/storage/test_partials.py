"""Unfinished uploads kept encrypted (#24): what arrived reads back exactly, a record a
crash cut short is cut off, a refused piece leaves nothing, and any change to the kept
bytes (a flipped byte, records swapped, another upload's record) fails to read."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from spoorvast.storage.partials import HEADER, LENGTH, NONCE, RECORD, PartialDamaged, PartialStore

MARK = b"synthetic-partial-marker-"


def _store(tmp_path: Path) -> PartialStore:
    return PartialStore(tmp_path, secrets.token_bytes(32))


def _data(size: int) -> bytes:
    return (MARK + os.urandom(size))[:size]


def _append(store: PartialStore, upload_id: str, data: bytes) -> int:
    appender = store.appender(upload_id, store.offset(upload_id))
    for at in range(0, len(data), 300_000):  # pieces of another size than the records
        appender.write(data[at:at + 300_000])
    return appender.commit()


def test_pieces_read_back_exactly_and_only_ciphertext_is_on_disk(tmp_path: Path) -> None:
    store = _store(tmp_path)
    upload_id = store.create()
    data = _data(RECORD * 2 + 12345)
    assert _append(store, upload_id, data[:RECORD + 7]) == RECORD + 7
    assert _append(store, upload_id, data[RECORD + 7:]) == len(data)
    assert store.offset(upload_id) == len(data)
    with store.open(upload_id) as kept:
        assert kept.read() == data
    assert MARK not in (tmp_path / "partial" / upload_id).read_bytes()
    assert oct((tmp_path / "partial" / upload_id).stat().st_mode & 0o777) == "0o600"
    assert store.ids() == [upload_id]
    store.remove(upload_id)
    assert store.ids() == []


def test_a_record_cut_by_a_crash_is_cut_off(tmp_path: Path) -> None:
    store = _store(tmp_path)
    upload_id = store.create()
    data = _data(RECORD + 5000)
    _append(store, upload_id, data)
    path = tmp_path / "partial" / upload_id
    whole = path.read_bytes()
    first = HEADER + LENGTH + NONCE + RECORD + 16
    path.write_bytes(whole[:first + 100])  # the second record half-written
    assert store.offset(upload_id) == RECORD
    assert path.stat().st_size == first
    _append(store, upload_id, data[RECORD:])
    with store.open(upload_id) as kept:
        assert kept.read() == data


def test_an_aborted_piece_leaves_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    upload_id = store.create()
    _append(store, upload_id, b"first part")
    appender = store.appender(upload_id, store.offset(upload_id))
    appender.write(_data(RECORD + 10))
    appender.abort()
    assert store.offset(upload_id) == len(b"first part")
    with store.open(upload_id) as kept:
        assert kept.read() == b"first part"


def _records(path: Path) -> list[bytes]:
    raw, at, found = path.read_bytes(), HEADER, []
    while at < len(raw):
        length = int.from_bytes(raw[at:at + LENGTH], "big")
        found.append(raw[at:at + LENGTH + NONCE + length])
        at += LENGTH + NONCE + length
    return found


@pytest.mark.parametrize("change", ["flip", "swap", "splice"])
def test_changed_kept_bytes_do_not_read(tmp_path: Path, change: str) -> None:
    store = _store(tmp_path)
    upload_id, other = store.create(), store.create()
    data = _data(RECORD * 2)
    _append(store, upload_id, data)
    _append(store, other, data)
    path = tmp_path / "partial" / upload_id
    head, records = path.read_bytes()[:HEADER], _records(path)
    if change == "flip":
        raw = bytearray(path.read_bytes())
        raw[HEADER + LENGTH + NONCE + 10] ^= 1
        path.write_bytes(bytes(raw))
    elif change == "swap":
        path.write_bytes(head + records[1] + records[0])
    else:
        path.write_bytes(head + _records(tmp_path / "partial" / other)[0] + records[1])
    with pytest.raises(PartialDamaged), store.open(upload_id) as kept:
        kept.read()


def test_another_key_cannot_read_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    upload_id = store.create()
    _append(store, upload_id, b"some bytes")
    with pytest.raises(PartialDamaged), _store(tmp_path).open(upload_id) as kept:
        kept.read()


def test_ids_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        _store(tmp_path).offset("../../etc/passwd")
