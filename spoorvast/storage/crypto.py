"""Keys of a vault: a random data key wrapped by a passphrase-derived key.

* The passphrase goes through Argon2id (argon2-cffi). Default parameters are RFC 9106's
  second recommendation (t=3, m=64 MiB, p=4), above OWASP's current minimum
  (m=19 MiB, t=2, p=1). They are stored in the key file and authenticated with the
  wrapped key, so lowering them in the file only makes unlocking fail.
* The data key (32 random bytes) is wrapped with AES-256-GCM. Changing the passphrase
  re-wraps it; nothing else is re-encrypted.
* Sub-keys for the blob store, blob names and the SQLCipher database are derived from
  the data key with HKDF-SHA256, one ``info`` label each.

The key file is written atomically (temp file created 0600, fsync, rename, fsync of the
folder). It carries a plain SHA-256 of its canonical content (``checksum``): that needs
no passphrase, so a key file damaged on disk is told apart from a wrong passphrase (a
flipped bit in the salt, nonce or sealed key otherwise fails AES-GCM exactly like a
wrong passphrase). The checksum protects against accidents, not against an attacker
(who can recompute it); the AEAD and the anchor's MAC do that. Argon2 parameters are
bounded before anything is derived, so an edited file cannot make unlocking take
minutes and gigabytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import uuid
from concurrent.futures import Future
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
# Version 2 carries the custody anchor (storage/anchor.py). The version is part of the
# AEAD's associated data, so a version-2 file cannot be passed off as a version-1 file
# (which may lack the anchor) without the passphrase: removing the anchor is seen.
KEYFILE_VERSION = 2
ANCHORED_SINCE = 2
VERSIONS = (1, 2)
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_ITERATIONS = 2
# Upper bounds read from a key file, checked before deriving (the default is 64 MiB, t=3,
# p=4; 1 GiB with t=10 already takes tens of seconds on a laptop).
MAX_MEMORY_KIB = 1 << 20
MAX_ITERATIONS = 10
MAX_PARALLELISM = 16
SALT_SIZE, NONCE_SIZE, SEALED_SIZE = 16, 12, 32 + 16


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
    with _AHEAD_LOCK:
        ahead = _AHEAD.pop((passphrase, salt, params), None)
    if ahead is not None:
        return ahead.result()
    return _derive_now(passphrase, salt, params)


def _derive_now(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"), salt=salt, time_cost=params.iterations,
        memory_cost=params.memory_kib, parallelism=params.parallelism, hash_len=32,
        type=Type.ID,
    )


def _aad(vault_id: str, salt: bytes, params: KdfParams, version: int = KEYFILE_VERSION
         ) -> bytes:
    return canonical({"format": KEYFILE_FORMAT, "version": version,
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


def keyfile_checksum(content: dict[str, object]) -> str:
    body = {k: v for k, v in content.items() if k != "checksum"}
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def write_keyfile(path: Path, content: dict[str, object]) -> None:
    """Write ``content`` (plus its checksum) atomically, readable by the owner only."""
    content = {**content, "checksum": keyfile_checksum(content)}
    write_private(path, json.dumps(content, indent=2).encode("utf-8"))


def write_private(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``: a 0600 temp file beside it, fsync,
    rename, fsync of the folder. On any error the old file stays as it was."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_keyring() -> Keyring:
    return Keyring(vault_id=str(uuid.uuid4()), data_key=secrets.token_bytes(32))


def sealed_content(keyring: Keyring, passphrase: str,
                   params: KdfParams = DEFAULT_KDF) -> dict[str, object]:
    """The key file's content for ``keyring`` under ``passphrase`` (not written)."""
    return _wrap(keyring, passphrase, params)


def create_keyfile(path: Path, passphrase: str, params: KdfParams = DEFAULT_KDF) -> Keyring:
    keyring = new_keyring()
    write_keyfile(path, _wrap(keyring, passphrase, params))
    return keyring


def _damaged(path: Path) -> UserError:
    return UserError(_("The vault's key file {path} is damaged: the vault stays locked. "
                       "Restore it from a backup copy.").format(path=path))


def read_keyfile(path: Path) -> dict[str, object]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("The vault's key file {path} cannot be read.").format(path=path)) from exc
    try:
        content = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise _damaged(path) from exc
    if not isinstance(content, dict) or content.get("format") != KEYFILE_FORMAT:
        if isinstance(content, dict) and "wrap" in content and "kdf" in content:
            raise _damaged(path)
        raise UserError(_("{path} is not a spoorvast key file.").format(path=path))
    return content


def checksum_matches(content: dict[str, object]) -> bool | None:
    """True/False when the file carries a checksum, None for files written before it."""
    stored = content.get("checksum")
    if stored is None:
        return None
    return stored == keyfile_checksum(content)


def keyfile_params(content: dict[str, object]) -> KdfParams:
    kdf = content["kdf"]
    assert isinstance(kdf, dict)
    values = (kdf["memory_kib"], kdf["iterations"], kdf["parallelism"])
    if not all(type(v) is int for v in values):
        raise ValueError("kdf parameters are not integers")
    return KdfParams(*values)


def _check_bounds(path: Path, params: KdfParams) -> None:
    limits = (("memory_kib", params.memory_kib, MAX_MEMORY_KIB),
              ("iterations", params.iterations, MAX_ITERATIONS),
              ("parallelism", params.parallelism, MAX_PARALLELISM))
    for setting, value, limit in limits:
        if value > limit:
            raise UserError(_("The vault's key file {path} asks for unreasonable unlocking "
                              "settings ({setting} = {value}, at most {limit} is sensible): it "
                              "is damaged or was tampered with. The vault stays locked; "
                              "restore the key file from a backup copy.")
                            .format(path=path, setting=setting, value=value, limit=limit))


def keyfile_version(content: dict[str, object]) -> int:
    version = content.get("version")
    if type(version) is not int or version not in VERSIONS:
        raise ValueError("version")
    return version


def _parts(content: dict[str, object]) -> tuple[str, bytes, bytes, bytes, KdfParams]:
    """vault id, salt, nonce, sealed key and parameters, with their sizes checked."""
    kdf, wrap = content["kdf"], content["wrap"]
    if not isinstance(kdf, dict) or not isinstance(wrap, dict):
        raise ValueError("kdf/wrap are not objects")
    vault_id = content["vault_id"]
    if not isinstance(vault_id, str) or str(uuid.UUID(vault_id)) != vault_id:
        raise ValueError("vault_id")
    if kdf.get("name") != "argon2id" or wrap.get("alg") != "AES-256-GCM":
        raise ValueError("algorithm")
    salt, nonce = _unb64(str(kdf["salt"])), _unb64(str(wrap["nonce"]))
    sealed = _unb64(str(wrap["sealed_key"]))
    if (len(salt), len(nonce), len(sealed)) != (SALT_SIZE, NONCE_SIZE, SEALED_SIZE):
        raise ValueError("sizes")
    keyfile_version(content)
    return vault_id, salt, nonce, sealed, keyfile_params(content)


def unlock_content(path: Path, content: dict[str, object], passphrase: str) -> Keyring:
    intact = checksum_matches(content)
    try:
        vault_id, salt, nonce, sealed, params = _parts(content)
    except (KeyError, ValueError, TypeError) as exc:
        raise _damaged(path) from exc
    _check_bounds(path, params)
    try:
        wrapping = AESGCM(_derive(passphrase, salt, params))
        data_key = wrapping.decrypt(nonce, sealed, _aad(vault_id, salt, params,
                                                        keyfile_version(content)))
    except InvalidTag as exc:
        if intact is False:
            raise _damaged(path) from exc
        raise WrongPassphrase(_("Wrong passphrase: the vault stays locked.")) from exc
    except (ValueError, Argon2Error) as exc:
        raise _damaged(path) from exc
    return Keyring(vault_id=vault_id, data_key=data_key)


# The Argon2id derivation started ahead of its unlock (derive_ahead), by its inputs; the
# unlock with those inputs takes it; at most one is kept.
_AHEAD: dict[tuple[str, bytes, KdfParams], Future[bytes]] = {}
_AHEAD_LOCK = threading.Lock()


def derive_ahead(path: Path, passphrase: str) -> None:
    """Start deriving the wrapping key of the key file at ``path`` in a thread, so that
    Argon2id (argon2-cffi releases the GIL) runs on another core while the caller loads
    what it needs (the dossier command's modules: ≈0.2 s here each). The unlock that
    asks for the same passphrase, salt and parameters takes the result; it reads and
    checks the key file as always (bounds, damage, wrong passphrase are reported there,
    so a file that fails here is left to it). Parameters and result are unchanged."""
    try:
        _vault_id, salt, _nonce, _sealed, params = _parts(read_keyfile(path))
        _check_bounds(path, params)
    except (UserError, KeyError, ValueError, TypeError):
        return
    future: Future[bytes] = Future()
    with _AHEAD_LOCK:
        _AHEAD.clear()
        _AHEAD[(passphrase, salt, params)] = future
    threading.Thread(target=_derive_into, args=(future, passphrase, salt, params),
                     name="argon2id-ahead", daemon=True).start()


def _derive_into(future: Future[bytes], passphrase: str, salt: bytes,
                 params: KdfParams) -> None:
    try:
        future.set_result(_derive_now(passphrase, salt, params))
    except Exception as exc:  # handed to the unlock that takes it (Argon2Error …)
        future.set_exception(exc)


def unlock_keyfile(path: Path, passphrase: str) -> Keyring:
    return unlock_content(path, read_keyfile(path), passphrase)


def rewrapped(path: Path, old: str, new: str) -> tuple[Keyring, dict[str, object]]:
    """Check ``old`` and return the key file's content re-wrapped under ``new`` (same
    data key, same Argon2 parameters, the rest of the file kept); nothing is written."""
    current = read_keyfile(path)
    keyring = unlock_content(path, current, old)
    kept = {k: v for k, v in current.items() if k not in ("kdf", "wrap", "checksum")}
    return keyring, {**kept, **_wrap(keyring, new, keyfile_params(current))}
