"""Keys of a vault: a random data key wrapped by a passphrase-derived key.

* The passphrase goes through Argon2id (argon2-cffi). Default parameters are RFC 9106's
  second recommendation (t=3, m=64 MiB, p=4), above OWASP's current minimum
  (m=19 MiB, t=2, p=1). They are stored in the key file and authenticated with the
  wrapped key, so lowering them in the file only makes unlocking fail.
* The data key (32 random bytes) is wrapped with AES-256-GCM. Changing the passphrase
  re-wraps it; nothing else is re-encrypted.
* Sub-keys for the blob store, blob names and the SQLCipher database are derived from
  the data key with HKDF-SHA256, one ``info`` label each.

The key file is written atomically (temp file, fsync, rename).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2.exceptions import HashingError as Argon2Error
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spoorvast.errors import UserError, WrongPassphrase
from spoorvast.i18n import _
from spoorvast.model.custody import canonical

KEYFILE_FORMAT = "spoorvast-keyfile"
KEYFILE_VERSION = 1
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_ITERATIONS = 2


@dataclass(frozen=True, slots=True)
class KdfParams:
    memory_kib: int = 64 * 1024
    iterations: int = 3
    parallelism: int = 4


DEFAULT_KDF = KdfParams()


@dataclass(frozen=True, slots=True)
class Keyring:
    """The unlocked keys of one vault. Never written anywhere in the clear."""

    vault_id: str
    data_key: bytes

    def subkey(self, label: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=f"spoorvast {label} v1".encode())
        return hkdf.derive(self.data_key)

    @property
    def blob_key(self) -> bytes:
        return self.subkey("blob")

    @property
    def name_key(self) -> bytes:
        return self.subkey("blob-name")

    @property
    def db_key(self) -> bytes:
        return self.subkey("database")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"), salt=salt, time_cost=params.iterations,
        memory_cost=params.memory_kib, parallelism=params.parallelism, hash_len=32,
        type=Type.ID,
    )


def _aad(vault_id: str, salt: bytes, params: KdfParams) -> bytes:
    return canonical({"format": KEYFILE_FORMAT, "version": KEYFILE_VERSION,
                      "vault_id": vault_id, "salt": _b64(salt), "kdf": asdict(params)})


def _wrap(keyring: Keyring, passphrase: str, params: KdfParams) -> dict[str, object]:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    wrapping = AESGCM(_derive(passphrase, salt, params))
    sealed = wrapping.encrypt(nonce, keyring.data_key, _aad(keyring.vault_id, salt, params))
    return {
        "format": KEYFILE_FORMAT, "version": KEYFILE_VERSION, "vault_id": keyring.vault_id,
        "kdf": {"name": "argon2id", **asdict(params), "salt": _b64(salt)},
        "wrap": {"alg": "AES-256-GCM", "nonce": _b64(nonce), "sealed_key": _b64(sealed)},
    }


def write_keyfile(path: Path, content: dict[str, object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_keyfile(path: Path, passphrase: str, params: KdfParams = DEFAULT_KDF) -> Keyring:
    keyring = Keyring(vault_id=str(uuid.uuid4()), data_key=secrets.token_bytes(32))
    write_keyfile(path, _wrap(keyring, passphrase, params))
    return keyring


def read_keyfile(path: Path) -> dict[str, object]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(_("The vault's key file {path} cannot be read.").format(path=path)) from exc
    if not isinstance(content, dict) or content.get("format") != KEYFILE_FORMAT:
        raise UserError(_("{path} is not a spoorvast key file.").format(path=path))
    return content


def keyfile_params(content: dict[str, object]) -> KdfParams:
    kdf = content["kdf"]
    assert isinstance(kdf, dict)
    return KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["parallelism"]))


def unlock_keyfile(path: Path, passphrase: str) -> Keyring:
    content = read_keyfile(path)
    try:
        kdf, wrap = content["kdf"], content["wrap"]
        assert isinstance(kdf, dict) and isinstance(wrap, dict)
        vault_id, salt = str(content["vault_id"]), _unb64(str(kdf["salt"]))
        params = keyfile_params(content)
        wrapping = AESGCM(_derive(passphrase, salt, params))
        data_key = wrapping.decrypt(_unb64(str(wrap["nonce"])), _unb64(str(wrap["sealed_key"])),
                                    _aad(vault_id, salt, params))
    except InvalidTag as exc:
        raise WrongPassphrase(_("Wrong passphrase: the vault stays locked.")) from exc
    except (KeyError, ValueError, TypeError, AssertionError, Argon2Error) as exc:
        raise UserError(_("The vault's key file {path} is damaged.").format(path=path)) from exc
    return Keyring(vault_id=vault_id, data_key=data_key)


def rewrap_keyfile(path: Path, old: str, new: str, params: KdfParams | None = None) -> Keyring:
    """Change the passphrase: the data key stays, only its wrapping changes."""
    current = read_keyfile(path)
    keyring = unlock_keyfile(path, old)
    write_keyfile(path, _wrap(keyring, new, params or keyfile_params(current)))
    return keyring
