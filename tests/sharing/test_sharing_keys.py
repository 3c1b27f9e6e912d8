"""Keys of a shared case: wrapping, records bound to their place, drop box, blobs."""

from __future__ import annotations

import io

import pytest

from spoorvast.storage import sharing_keys as sk


def test_wrapped_key_opens_only_for_its_member() -> None:
    alice, bob = sk.Identity.generate(), sk.Identity.generate()
    keys = sk.EpochKeys.generate(3)
    wrapped = keys.wrap_for(alice.public().box)
    assert sk.unwrap(alice, wrapped) == keys
    with pytest.raises(sk.SealError):
        sk.unwrap(bob, wrapped)


def test_identity_round_trips_through_its_settings_text() -> None:
    me = sk.Identity.generate()
    assert sk.Identity.from_json(me.to_json()) == me


def test_record_is_bound_to_case_record_and_epoch() -> None:
    keys = sk.EpochKeys.generate(0)
    sealed = sk.seal_record(keys, "case-1", "rec-1", b"secret words")
    assert b"secret" not in sealed
    assert sk.open_record(keys, "case-1", "rec-1", sealed) == b"secret words"
    for case, record in (("case-2", "rec-1"), ("case-1", "rec-2")):
        with pytest.raises(sk.SealError):
            sk.open_record(keys, case, record, sealed)
    other_epoch = sk.EpochKeys(1, keys.case_key, keys.dropbox_secret)
    with pytest.raises(sk.SealError):
        sk.open_record(other_epoch, "case-1", "rec-1", sealed)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(sk.SealError):
        sk.open_record(keys, "case-1", "rec-1", tampered)


def test_drop_box_adds_without_reading_and_stays_bound() -> None:
    keys = sk.EpochKeys.generate(2)
    sealed = sk.seal_record_to_dropbox(keys.dropbox_public, 2, "c", "r", b"from a phone")
    assert sk.open_record(keys, "c", "r", sealed) == b"from a phone"
    with pytest.raises(sk.SealError):
        sk.open_record(keys, "c", "other", sealed)
    stranger = sk.EpochKeys.generate(2)
    with pytest.raises(sk.SealError):
        sk.open_record(stranger, "c", "r", sealed)


@pytest.mark.parametrize("size", [0, 1, sk.CHUNK - 1, sk.CHUNK, sk.CHUNK * 2 + 5])
def test_blob_stream_round_trips_in_any_pieces(size: int) -> None:
    key, data = b"k" * 32, bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    sealed = b"".join(sk.encrypt_stream(key, "blob-1", io.BytesIO(data)))
    assert len(sealed) == sk.encrypted_size(size)
    pieces = [sealed[i:i + 7777] for i in range(0, len(sealed), 7777)] or [b""]
    assert b"".join(sk.decrypt_stream(key, "blob-1", pieces)) == data


def test_blob_cut_off_swapped_or_renamed_is_refused() -> None:
    key, data = b"k" * 32, b"y" * (sk.CHUNK * 2 + 10)
    sealed = b"".join(sk.encrypt_stream(key, "b", io.BytesIO(data)))
    cut = sealed[:-(10 + 17)]
    for bad, name in ((cut, "b"), (sealed, "other"), (sealed + b"z", "b")):
        with pytest.raises(sk.SealError):
            b"".join(sk.decrypt_stream(key, name, [bad]))


def test_fingerprints_differ_and_are_stable() -> None:
    a, b = sk.Identity.generate().public(), sk.Identity.generate().public()
    words = sk.fingerprint_words(a)
    assert words == sk.fingerprint_words(a) != sk.fingerprint_words(b)
    assert len(words.split()) == 6
    assert sk.fingerprint_qr(a).startswith(sk.QR_PREFIX)


def test_signatures_check() -> None:
    me = sk.Identity.generate()
    signature = me.sign(b"entry")
    assert sk.verify_signature(me.public().verify, b"entry", signature)
    assert not sk.verify_signature(me.public().verify, b"entrY", signature)
