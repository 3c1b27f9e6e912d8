"""A small, real OpenID Connect issuer on 127.0.0.1, for the server's OIDC login tests.

It serves discovery, its JWKS (a real 2048-bit RSA key made at start), an authorize
endpoint that "logs in" the subject the test chose and sends the browser back with a
code, and a token endpoint that checks the client's secret (HTTP Basic), the code, the
redirect URI and the PKCE verifier (S256) before it signs an ID token (RS256). Knobs on
:class:`Issuer` make the token wrong in one way each (audience, expiry, signing key,
nonce, issuer) so the tests can see each refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


@dataclass
class Issuer:
    url: str
    client_id: str
    client_secret: str
    key: RSAKey
    subject: str = "kc-user-0001"
    audience: object = None  # None: the client id
    expires_in: int = 300
    other_key: bool = False  # sign with a key the JWKS does not hold
    nonce: str | None = None  # None: the nonce of the request
    issuer: str | None = None  # None: this issuer's URL
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer or self.url, "sub": self.subject,
                  "aud": self.client_id if self.audience is None else self.audience,
                  "iat": now, "exp": now + self.expires_in,
                  "nonce": self.nonce if self.nonce is not None else nonce}
        key = RSAKey.generate_key(2048, parameters={"kid": "k1"}) if self.other_key \
            else self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/.well-known/openid-configuration":
                self._json(200, {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks",
                                 "authorization_endpoint": issuer.url + "/authorize",
                                 "token_endpoint": issuer.url + "/token",
                                 "response_types_supported": ["code"],
                                 "code_challenge_methods_supported": ["S256"],
                                 "id_token_signing_alg_values_supported": ["RS256"]})
            elif parts.path == "/jwks":
                self._json(200, KeySet([issuer.key]).as_dict(private=False))
            elif parts.path == "/authorize":
                self._authorize({k: v[0] for k, v in parse_qs(parts.query).items()})
            else:
                self._json(404, {"error": "not_found"})

        def _authorize(self, query: dict[str, str]) -> None:
            if query.get("client_id") != issuer.client_id or \
                    query.get("code_challenge_method") != "S256" or \
                    query.get("response_type") != "code":
                self._json(400, {"error": "invalid_request"})
                return
            code = secrets.token_urlsafe(16)
            issuer.codes[code] = {"nonce": query.get("nonce", ""),
                                  "challenge": query.get("code_challenge", ""),
                                  "redirect": query.get("redirect_uri", "")}
            target = query["redirect_uri"] + "?" + urlencode(
                {"code": code, "state": query.get("state", "")})
            self.send_response(302)
            self.send_header("location", target)
            self.send_header("content-length", "0")
            self.end_headers()

        def _client(self) -> tuple[str, str] | None:
            """HTTP Basic with each part form-encoded first (RFC 6749, section 2.3.1)."""
            scheme, _, value = (self.headers.get("authorization") or "").partition(" ")
            if scheme != "Basic":
                return None
            name, _, secret = base64.b64decode(value).decode().partition(":")
            return unquote_plus(name), unquote_plus(secret)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            issuer.token_requests.append(form)
            if self._client() != (issuer.client_id, issuer.client_secret):
                self._json(401, {"error": "invalid_client"})
                return
            kept = issuer.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(
                hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if kept is None or kept["challenge"] != challenge or \
                    kept["redirect"] != form.get("redirect_uri"):
                self._json(400, {"error": "invalid_grant"})
                return
            self._json(200, {"access_token": secrets.token_urlsafe(16),
                             "token_type": "Bearer", "expires_in": 300,
                             "id_token": issuer.id_token(kept["nonce"])})

    return Handler


@contextmanager
def oidc_issuer(client_id: str = "spoorvast", client_secret: str = "s3cret: for/tests+%"
                ) -> Iterator[Issuer]:
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    issuer = Issuer(f"http://127.0.0.1:{server.server_address[1]}", client_id,
                    client_secret, key)
    server.RequestHandlerClass = _handler(issuer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
