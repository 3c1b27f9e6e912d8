"""Settings of the browser logins: where browsers reach the server, and the OIDC issuer.

Passkeys are on when ``SPOORVAST_PUBLIC_URL`` names the origin browsers use (for
example ``https://spoorvast.example.org``): the WebAuthn origin is that URL's origin and
the relying party id its host name, unless ``SPOORVAST_WEBAUTHN_RP_ID`` names a parent
domain. OIDC is on when ``SPOORVAST_OIDC_ISSUER``, ``SPOORVAST_OIDC_CLIENT_ID`` and
``SPOORVAST_OIDC_CLIENT_SECRET`` are set; ``SPOORVAST_OIDC_ORGS`` lists (comma-separated)
the organisations whose members may log in through that issuer: an identity linked for
another organisation is refused.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from spoorvast.errors import UserError
from spoorvast.i18n import _


class LoginSettingsError(UserError):
    """A login setting that cannot work (named in the message)."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    orgs: frozenset[uuid.UUID] = field(default_factory=frozenset)
    scope: str = "openid"


@dataclass(frozen=True)
class LoginSettings:
    public_url: str | None = None
    rp_id: str | None = None
    rp_name: str = "spoorvast"
    oidc: OidcSettings | None = None

    @property
    def origin(self) -> str | None:
        if not self.public_url:
            return None
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def relying_party(self) -> str | None:
        if not self.public_url:
            return None
        return self.rp_id or urlsplit(self.public_url).hostname

    @property
    def oidc_redirect(self) -> str | None:
        return self.origin + "/account/oidc/callback" if self.origin else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LoginSettings:
        env = os.environ if env is None else env
        public = env.get("SPOORVAST_PUBLIC_URL") or None
        rp_id = env.get("SPOORVAST_WEBAUTHN_RP_ID") or None
        if public:
            _check_public(public, rp_id)
        return cls(public, rp_id, env.get("SPOORVAST_WEBAUTHN_RP_NAME") or "spoorvast",
                   _oidc(env))


def _check_public(public: str, rp_id: str | None) -> None:
    """Browsers allow passkeys only on https (or plain http to this machine itself), for
    a relying party that is the host or a domain above it."""
    parts = urlsplit(public)
    host = parts.hostname or ""
    if not host or not (parts.scheme == "https" or (
            parts.scheme == "http" and host in ("localhost", "127.0.0.1"))):
        raise LoginSettingsError(_("SPOORVAST_PUBLIC_URL must start with https://."))
    if rp_id and host != rp_id and not host.endswith("." + rp_id):
        raise LoginSettingsError(_("SPOORVAST_WEBAUTHN_RP_ID must be the host name of "
                                   "SPOORVAST_PUBLIC_URL or a domain above it."))


def _oidc(env: Mapping[str, str]) -> OidcSettings | None:
    names = ("SPOORVAST_OIDC_ISSUER", "SPOORVAST_OIDC_CLIENT_ID",
             "SPOORVAST_OIDC_CLIENT_SECRET")
    values = [env.get(name) or "" for name in names]
    if not any(values):
        return None
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise LoginSettingsError(_("OIDC login needs these settings too: {names}.").format(
            names=", ".join(missing)))
    try:
        orgs = frozenset(uuid.UUID(part.strip()) for part in
                         (env.get("SPOORVAST_OIDC_ORGS") or "").split(",") if part.strip())
    except ValueError as exc:
        raise LoginSettingsError(_("SPOORVAST_OIDC_ORGS must list organisation ids, "
                                   "separated by commas.")) from exc
    return OidcSettings(values[0], values[1], values[2], orgs,
                        env.get("SPOORVAST_OIDC_SCOPE") or "openid")
