"""Session secrets out of anything that leaves the vault.

A logged-in capture records the browser's cookies and tokens in the WARC (the visit
needs them, and they are evidence of whose session it was). Nothing exported may carry
them: the export step passes every WACZ and HAR through :func:`strip_session_secrets`.

Removed: request ``Cookie`` and ``Authorization``/``Proxy-Authorization`` headers,
response ``Set-Cookie`` headers, any header whose name says token/session/csrf/api-key,
and the values of URL query parameters with such names (``access_token=…``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from spoorvast.capture.exchanges import Headers

REMOVED = "[removed]"
SECRET_HEADERS = {"cookie", "set-cookie", "set-cookie2", "authorization",
                  "proxy-authorization"}
SECRET_HEADER_WORDS = re.compile(r"token|session|csrf|xsrf|api[-_]?key|secret|password",
                                 re.IGNORECASE)
SECRET_PARAMS = re.compile(
    r"^(auth|authorization|sid|key|apikey|api_key|sig|signature|code|ticket|passwd|"
    r"oauth_signature|state|nonce)$|token|session|secret|passw|csrf|xsrf", re.IGNORECASE)


def is_secret_header(name: str) -> bool:
    lowered = name.lower()
    if lowered.startswith("x-archive-orig-"):
        lowered = lowered.removeprefix("x-archive-orig-")
    return lowered in SECRET_HEADERS or bool(SECRET_HEADER_WORDS.search(lowered))


def redact_headers(headers: Headers) -> Headers:
    return tuple((k, REMOVED if is_secret_header(k) else v) for k, v in headers)


def is_secret_param(name: str) -> bool:
    return bool(SECRET_PARAMS.search(name))


def strip_url(url: str) -> str:
    """The URL with the values of secret-looking query parameters replaced."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(is_secret_param(k) for k, _v in pairs):
        return url
    query = urlencode([(k, REMOVED if is_secret_param(k) else v) for k, v in pairs])
    return urlunsplit(parts._replace(query=query))


def strip_session_secrets(name: str, data: bytes) -> bytes:
    """The export-safe form of a stored capture file (by its name): WACZ and HAR files
    lose their session secrets; other files are returned unchanged.

    Page bodies are kept as they are: a token a site writes into its own HTML is not
    found here (the export shows the page as it was received)."""
    lowered = name.lower()
    if lowered.endswith(".wacz"):
        from spoorvast.capture.strip import strip_wacz

        return strip_wacz(data)
    if lowered.endswith(".har"):
        from spoorvast.capture.strip import strip_har

        return strip_har(data)
    return data
