"""What counts as a session secret, and how it is blanked (pure rules, no I/O).

Used by everything that writes capture data out of the vault (dossier bundle, web
downloads) and by the capture record itself. The rule:

* **Headers** whose value is a secret are blanked: ``Cookie``, ``Set-Cookie``(2),
  ``Authorization``, ``Proxy-Authorization``, and any header whose name contains
  ``token``, ``session``, ``csrf``/``xsrf``, ``api-key``, ``secret``, ``password`` or the
  word ``auth`` (``X-Auth-Token``, ``X-Auth``). Other header values keep their text, but
  the URLs in them (``Referer``, ``Location``, ``Link``…) lose their secret parts.
* **URLs** lose the values of secret query and fragment parameters, and a password in
  ``user:password@``. A parameter is secret by its name (``token``, ``access_token``,
  ``session``, ``sid``, ``key`` and ``…key``, ``sig``/``signature``, ``code``,
  ``state``, ``nonce``, ``ticket``, ``auth``, ``password``/``passwd``, ``secret``, ``csrf``…) or by
  its value: a JSON web token (``eyJ….….…``) or a run of 32 or more URL-safe characters
  mixing letters and digits (an opaque key; all-digit values such as account IDs stay,
  and so does any value of a parameter named as an identifier: ``id``, ``…id``
  (``story_fbid``, ``video_id``), ``v``, ``p``, ``post``… — the URL of a post is
  evidence).
  A value that is itself a URL is cleaned the same way. Only the value is replaced (by
  ``[removed]``); every other byte of the URL stays as it was.

Page bodies are not rewritten: a token a site writes into its own HTML stays (the export
shows the page as it was received).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

REMOVED = "[removed]"
COOKIES, AUTHORIZATION, TOKEN_HEADERS, URL_SECRETS = (
    "cookies", "authorization", "token-headers", "url-secrets")
COOKIE_HEADERS = {"cookie", "set-cookie", "set-cookie2"}
AUTH_HEADERS = {"authorization", "proxy-authorization"}
SECRET_HEADER_WORDS = re.compile(
    r"token|session|csrf|xsrf|api[-_]?key|secret|password|(^|[-_])auth([-_]|$)",
    re.IGNORECASE)
SECRET_PARAMS = re.compile(
    r"^(auth|authorization|sid|key|apikey|api_key|sig|signature|code|ticket|passwd|"
    r"oauth_signature|state|nonce|pass|pwd)$|token|session|secret|passw|csrf|xsrf|"
    r"key$|credential", re.IGNORECASE)
# Names of parameters that identify what the page shows (a post, an account, a video):
# evidence the police ask for, so a long value there is never taken for a token.
ID_PARAMS = re.compile(r"id$|^(v|p|q|list|post|status|story|photo|video)$", re.IGNORECASE)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
OPAQUE = re.compile(r"[A-Za-z0-9_\-.~+/=%]{32,}")
URL_IN_TEXT = re.compile(r"(?:https?|wss?)://[^\s\"'<>\\`]+", re.IGNORECASE)
Headers = tuple[tuple[str, str], ...]
Found = set[str] | None


def _note(found: Found, kind: str) -> None:
    if found is not None:
        found.add(kind)


def secret_header_kind(name: str) -> str | None:
    lowered = name.strip().lower().removeprefix("x-archive-orig-")
    if lowered in COOKIE_HEADERS:
        return COOKIES
    if lowered in AUTH_HEADERS:
        return AUTHORIZATION
    return TOKEN_HEADERS if SECRET_HEADER_WORDS.search(lowered) else None


def is_secret_header(name: str) -> bool:
    return secret_header_kind(name) is not None


def clean_header(name: str, value: str, found: Found = None) -> str:
    """The value to export for header ``name``."""
    kind = secret_header_kind(name)
    if kind is not None:
        _note(found, kind)
        return REMOVED
    return strip_urls_in_text(value, found)


def redact_headers(headers: Headers, found: Found = None) -> Headers:
    return tuple((k, clean_header(k, v, found)) for k, v in headers)


def is_secret_param(name: str) -> bool:
    return bool(SECRET_PARAMS.search(name))


def is_secret_value(value: str) -> bool:
    if JWT.fullmatch(value):
        return True
    return (bool(OPAQUE.fullmatch(value)) and any(c.isalpha() for c in value)
            and any(c.isdigit() for c in value))


def strip_params(text: str, found: Found = None) -> str:
    """A ``a=1&b=2`` string with secret values replaced; other pieces kept byte for byte."""
    pieces = []
    for piece in text.split("&"):
        key, sep, value = piece.partition("=")
        plain = unquote_plus(value)
        name = unquote_plus(key)
        if sep and value and (is_secret_param(name) or (
                is_secret_value(plain) and not ID_PARAMS.search(name))):
            _note(found, URL_SECRETS)
            piece = f"{key}={quote(REMOVED)}"
        elif sep and plain.lower().startswith(("http://", "https://")):
            cleaned = strip_url(plain, found)
            if cleaned != plain:
                piece = f"{key}={quote(cleaned, safe='')}"
        pieces.append(piece)
    return "&".join(pieces)


def strip_url(url: str, found: Found = None) -> str:
    """The URL with the values of secret parameters (query and fragment) and any
    password replaced; the URL itself when it has none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        if ":" in userinfo:
            _note(found, URL_SECRETS)
            netloc = f"{userinfo.partition(':')[0]}:{quote(REMOVED)}@{host}"
    query = strip_params(parts.query, found) if parts.query else parts.query
    fragment = (strip_params(parts.fragment, found) if "=" in parts.fragment
                else parts.fragment)
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query, fragment=fragment))


def strip_urls_in_text(text: str, found: Found = None) -> str:
    """Every ``http(s)://`` or ``ws(s)://`` URL inside ``text`` cleaned by
    :func:`strip_url`; the rest of the text unchanged."""
    if "://" not in text:
        return text
    return URL_IN_TEXT.sub(lambda m: strip_url(m.group(0), found), text)


def strip_json_value(value: object, found: Found = None, key: str = "") -> object:
    """A parsed JSON document with the URLs in its strings cleaned and the values of
    header lists (``[[name, value], …]`` under a key ending in ``headers``) blanked."""
    if isinstance(value, str):
        return strip_urls_in_text(value, found)
    if isinstance(value, dict):
        return {k: strip_json_value(v, found, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        if key.lower().endswith("headers") and all(_is_pair(v) for v in value):
            return [[p[0], clean_header(p[0], p[1], found)] for p in value]
        return [strip_json_value(v, found) for v in value]
    return value


def _is_pair(value: object) -> bool:
    return (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, str) for v in value))
