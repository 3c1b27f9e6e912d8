"""The server as an OpenID Connect relying party: authorization code flow with PKCE.

The issuer's metadata comes from its discovery document (whose ``issuer`` must be the
configured one, exactly); its keys from its JWKS, fetched again once when a token names
an unknown key. The ID token is checked with joserfc: its signature against the JWKS
(asymmetric algorithms only: never ``none``, never a shared-secret HMAC), then ``iss``
(the issuer), ``aud`` (our client id; with several audiences ``azp`` must be ours),
``exp`` and ``iat`` (one minute of clock skew), ``sub`` and ``nonce`` (the one this
login's state carries). Any failure is :class:`OidcRefused` with a short code; the
token's content never reaches a log or an answer.

Why joserfc and not Authlib: the part that must be right is the JOSE checking, and
joserfc is the maintained JOSE library Authlib itself now delegates to (Authlib 1.9
warns that its own ``authlib.jose`` and its httpx integration are deprecated); the flow
around it (a URL, a form POST, a PKCE hash) is a few lines of httpx.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from spoorvast.server.login_settings import OidcSettings

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
              "ES512", "EdDSA")
SKEW = 60  # seconds of clock difference accepted on exp/iat
CACHE_SECONDS = 300
TIMEOUT = 10.0


class OidcRefused(Exception):
    """The login is refused; ``code`` says why in a word (no token content)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Started:
    url: str
    state: str
    nonce: str
    verifier: str


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcClient:
    """One issuer's client; its discovery document and keys are kept a few minutes."""

    def __init__(self, settings: OidcSettings, redirect_uri: str) -> None:
        self.settings = settings
        self.redirect_uri = redirect_uri
        self._lock = threading.Lock()
        self._provider: tuple[float, Provider] | None = None
        self._keys: tuple[float, KeySet] | None = None

    def start(self) -> Started:
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(48)
        query = urlencode({
            "response_type": "code", "client_id": self.settings.client_id,
            "redirect_uri": self.redirect_uri, "scope": self.settings.scope,
            "state": state, "nonce": nonce, "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256"})
        endpoint = self.provider().authorization_endpoint
        joiner = "&" if "?" in endpoint else "?"
        return Started(endpoint + joiner + query, state, nonce, verifier)

    def finish(self, code: str, nonce: str, verifier: str) -> dict[str, Any]:
        """The checked claims of the ID token the issuer gives for *code*."""
        return self.verify(self.exchange(code, verifier), nonce)

    def exchange(self, code: str, verifier: str) -> str:
        data = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": self.redirect_uri, "code_verifier": verifier}
        # client_secret_basic: each part form-encoded first (RFC 6749, section 2.3.1)
        auth = (quote_plus(self.settings.client_id, safe=""),
                quote_plus(self.settings.client_secret, safe=""))
        answer = _fetch("POST", self.provider().token_endpoint, data=data, auth=auth)
        token = answer.get("id_token")
        if not isinstance(token, str):
            raise OidcRefused("no_id_token")
        return token

    def verify(self, id_token: str, nonce: str) -> dict[str, Any]:
        try:
            decoded = self._decode(id_token)
        except JoseError as exc:
            raise OidcRefused("bad_signature") from exc
        claims = dict(decoded.claims)
        registry = jwt.JWTClaimsRegistry(
            leeway=SKEW, iss={"essential": True, "value": self.settings.issuer},
            aud={"essential": True, "value": self.settings.client_id},
            exp={"essential": True}, iat={"essential": True}, sub={"essential": True},
            nonce={"essential": True, "value": nonce})
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise OidcRefused("bad_claims") from exc
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and \
                claims.get("azp") != self.settings.client_id:
            raise OidcRefused("bad_claims")
        return claims

    def _decode(self, id_token: str) -> jwt.Token:
        try:
            return jwt.decode(id_token, self.keys(), algorithms=ALGORITHMS)
        except JoseError:
            refreshed = self.keys(refresh=True)  # the issuer may have rotated its keys
            return jwt.decode(id_token, refreshed, algorithms=ALGORITHMS)

    def provider(self) -> Provider:
        with self._lock:
            if self._provider and time.monotonic() - self._provider[0] < CACHE_SECONDS:
                return self._provider[1]
        issuer = self.settings.issuer
        found = _fetch("GET", issuer.rstrip("/") + "/.well-known/openid-configuration")
        if found.get("issuer") != issuer:
            raise OidcRefused("issuer_mismatch")
        try:
            provider = Provider(issuer, *(_https_or_loopback(found[name]) for name in (
                "authorization_endpoint", "token_endpoint", "jwks_uri")))
        except (KeyError, TypeError) as exc:
            raise OidcRefused("bad_discovery") from exc
        with self._lock:
            self._provider = (time.monotonic(), provider)
        return provider

    def keys(self, refresh: bool = False) -> KeySet:
        with self._lock:
            kept = self._keys
        if kept and not refresh and time.monotonic() - kept[0] < CACHE_SECONDS:
            return kept[1]
        try:
            keys = KeySet.import_key_set(_fetch("GET", self.provider().jwks_uri))  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise OidcRefused("bad_jwks") from exc
        with self._lock:
            self._keys = (time.monotonic(), keys)
        return keys


def _https_or_loopback(url: object) -> str:
    text = str(url)
    loopback = text.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:"))
    if not (text.startswith("https://") or loopback):
        raise TypeError("an issuer endpoint must use https")
    return text


def _fetch(method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response = httpx.request(method, url, timeout=TIMEOUT, follow_redirects=False,
                                 **kwargs)
        answer = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcRefused("issuer_unreachable") from exc
    if response.status_code != 200 or not isinstance(answer, dict):
        raise OidcRefused("issuer_refused")
    return answer
