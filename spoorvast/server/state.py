"""What every request of the server needs: the store, the object store, the server key."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from nacl.signing import SigningKey

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.server.login_settings import LoginSettings
from spoorvast.storage.objects_s3 import ObjectStore, S3Settings
from spoorvast.storage.server_drops import DropLimits
from spoorvast.storage.server_pg import ServerStore

FanOut = Callable[[uuid.UUID, int, uuid.UUID], None]
CaptureQueue = Callable[[uuid.UUID], None]  # queues the capture job of a capture row


@dataclass(frozen=True)
class ServerSettings:
    database_url: str
    s3: S3Settings
    key_file: Path
    operator_token: str | None = None  # lets accounts and organisations be made
    logins: LoginSettings = field(default_factory=LoginSettings)  # passkeys, OIDC
    drop_limits: DropLimits = field(default_factory=DropLimits)
    # an upload or a drop begun this long ago and never finished is thrown away
    abandoned_after: timedelta = timedelta(days=1)

    @classmethod
    def from_env(cls, database_url: str | None = None, key_file: Path | None = None
                 ) -> ServerSettings:
        env = os.environ
        url = database_url or env.get("SPOORVAST_DATABASE_URL", "")
        s3 = S3Settings(env.get("SPOORVAST_S3_ENDPOINT"), env.get("SPOORVAST_S3_BUCKET",
                                                                  "spoorvast"),
                        env.get("SPOORVAST_S3_ACCESS_KEY"), env.get("SPOORVAST_S3_SECRET_KEY"),
                        public_endpoint=env.get("SPOORVAST_S3_PUBLIC_ENDPOINT") or None)
        key = key_file or Path(env.get("SPOORVAST_SERVER_KEY_FILE", "spoorvast-server.key"))
        abandoned = timedelta(hours=_number("SPOORVAST_ABANDONED_HOURS", 24))
        return cls(url, s3, key, env.get("SPOORVAST_SERVER_OPERATOR_TOKEN") or None,
                   LoginSettings.from_env(env), drop_limits_from_env(), abandoned)


def _number(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise UserError(_("{name} must be a whole number above 0, not {value!r}.").format(
            name=name, value=text[:40]))
    return int(text)


def drop_limits_from_env() -> DropLimits:
    """``SPOORVAST_DROP_GRANT_MAX_MIB`` / ``_MAX_FILES`` (one drop-box grant) and
    ``SPOORVAST_DROP_CASE_MAX_MIB`` / ``_MAX_FILES`` (all grants of a case together)."""
    base = DropLimits()
    return DropLimits(_number("SPOORVAST_DROP_GRANT_MAX_MIB", base.grant_bytes >> 20) << 20,
                      _number("SPOORVAST_DROP_GRANT_MAX_FILES", base.grant_files),
                      _number("SPOORVAST_DROP_CASE_MAX_MIB", base.case_bytes >> 20) << 20,
                      _number("SPOORVAST_DROP_CASE_MAX_FILES", base.case_files))


def load_server_key(path: Path) -> SigningKey:
    """The server's Ed25519 key (signs access entries); made on first start, readable
    by its owner only. Every API and worker process of one deployment shares it."""
    if not path.exists():
        seed = bytes(SigningKey.generate())
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(seed)
    return SigningKey(path.read_bytes()[:32])


@dataclass
class ServerState:
    store: ServerStore
    objects: ObjectStore
    key: SigningKey
    fan_out: FanOut | None = None  # None: notices are written inline (no worker)
    operator: bytes | None = None  # SHA-256 of the operator token; None: there is none
    logins: LoginSettings = field(default_factory=LoginSettings)
    drop_limits: DropLimits = field(default_factory=DropLimits)
    abandoned_after: timedelta = timedelta(days=1)
    capture: CaptureQueue | None = None  # None: captures on the server are not offered

    @property
    def verify_key(self) -> bytes:
        return bytes(self.key.verify_key)


def open_state(settings: ServerSettings, fan_out: FanOut | None = None) -> ServerState:
    key = load_server_key(settings.key_file)
    store = ServerStore(settings.database_url,
                        lambda body: bytes(key.sign(body).signature))
    operator = hashlib.sha256(settings.operator_token.encode()).digest() \
        if settings.operator_token else None
    return ServerState(store, ObjectStore(settings.s3), key, fan_out, operator,
                       settings.logins, settings.drop_limits, settings.abandoned_after)
