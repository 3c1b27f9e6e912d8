"""Our own check of every DKIM and ARC signature, with dkimpy.

Keys come from the user (offline, the default) or, only when the user allows it, from
DNS; every look-up and its answer is recorded. A key that is not published any more
makes a signature "cannot be checked any more", never "forged": keys are rotated and
old ones withdrawn. dkimpy sees the original bytes; only CR-only line endings are
turned into CRLF for the check (DKIM's canonical form is CRLF anyway).

Signatures that are neither proof nor a sign of forgery are named for what they are:
valid with a weak (< 1024-bit) key, pre-standard drafts (``v=`` not 1, ``q=dns``), an
unusable ed25519 key (dkimpy reports "no match" for a key of the wrong length): never
"forged".

The ``i=`` tag (the signing identity) is dkim-quoted-printable (RFC 6376 §2.11:
``i=pat=40example.org`` is ``pat@example.org``). dkimpy compares it with ``d=`` without
decoding it, and so called such valid signatures malformed; it is decoded here before
dkimpy validates it (:func:`_validate_decoded`) and wherever it names the identity.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dkim

Resolver = Callable[[str], "str | None"]  # name -> TXT record; None = not published

_LOG = logging.getLogger("spoorvast.email.dkim")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False  # dkimpy logs header content; it must never reach a log
_LOG.disabled = True


class Status:
    PASS = "pass"
    FAIL = "fail"  # the signature does not match the signed headers
    BODY_CHANGED = "body-changed"  # the body differs from what was signed
    EXPIRED = "expired"
    KEY_NOT_SUPPLIED = "key-not-supplied"  # offline and no key given: not checked
    KEY_GONE = "key-gone"  # DNS says the key is not published (any more)
    DNS_ERROR = "dns-error"
    KEY_INVALID = "key-invalid"
    MALFORMED = "malformed"
    NOT_CHECKABLE = "not-checkable"  # only a copy of the headers: the body is not there
    WEAK_KEY = "weak-key"  # valid, but with an RSA key under 1024 bits (breakable today)
    PRE_STANDARD = "pre-standard"  # a draft-era signature (v= not 1, q=dns): not checked
    UNSUPPORTED = "unsupported"  # a valid form dkimpy cannot check


# Neither proof nor a sign of forgery: the verdict says "unknown" for these.
INCONCLUSIVE = (Status.WEAK_KEY, Status.PRE_STANDARD, Status.UNSUPPORTED,
                Status.KEY_INVALID, Status.MALFORMED)
_QP = re.compile(rb"=([0-9A-Fa-f]{2})")


def qp_decoded(value: str | bytes) -> str:
    """A dkim-quoted-printable tag value decoded (RFC 6376 §2.11): ``=XX`` is the octet
    XX, white space is folding and not part of the value; UTF-8 (RFC 6532), anything
    else shown as U+FFFD."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")
    raw = _QP.sub(lambda m: bytes((int(m.group(1), 16),)), re.sub(rb"\s+", b"", raw))
    return raw.decode("utf-8", "replace")


_validate = dkim.validate_signature_fields


def _validate_decoded(sig: dict[bytes, bytes], *args: Any, **kwargs: Any) -> Any:
    """dkimpy's check of a signature's tags, with ``i=`` decoded first (see above): the
    signature itself is computed over the header as written, so only the comparison of
    ``i=`` with ``d=`` changes. Installed once for every dkimpy check in the process."""
    if b"i" in sig and b"=" in sig[b"i"]:
        sig[b"i"] = qp_decoded(sig[b"i"]).encode("utf-8")
    return _validate(sig, *args, **kwargs)


dkim.validate_signature_fields = _validate_decoded


def listed(values: list[str]) -> list[SignatureCheck]:
    """Signatures described without a check (header-only inputs)."""
    return [_described(index, tags(value), Status.NOT_CHECKABLE, None, None)
            for index, value in enumerate(values)]


def _described(index: int, found: dict[str, str], status: str, detail: str | None,
               key: KeyLookup | None) -> SignatureCheck:
    return SignatureCheck(
        "DKIM-Signature", index, found.get("d", "").lower() or None, found.get("s") or None,
        found.get("a") or None,
        tuple(h.strip().lower() for h in found.get("h", "").split(":") if h.strip()),
        "l" in found, status, detail, key,
        qp_decoded(found["i"]) if "i" in found else None)


@dataclass(frozen=True, slots=True)
class KeyLookup:
    name: str
    outcome: str  # "supplied", "dns", "not-published", "not-asked", "dns-error"
    record: str | None = None


@dataclass
class KeySource:
    """dkimpy's ``dnsfunc``: supplied keys first, then DNS only if allowed."""

    keys: Mapping[str, str]
    resolver: Resolver | None = None  # None: DNS look-ups are off
    lookups: list[KeyLookup] = field(default_factory=list)

    def __call__(self, name: bytes | str, timeout: int = 5) -> bytes | None:
        text = (name.decode("ascii", "replace") if isinstance(name, bytes) else name)
        text = text.rstrip(".").lower()
        lookup = self._lookup(text)
        self.lookups.append(lookup)
        return None if lookup.record is None else lookup.record.encode("ascii", "replace")

    def has(self, name: str) -> bool:
        return name.rstrip(".").lower() in self._supplied()

    def _supplied(self) -> dict[str, str]:
        return {k.rstrip(".").lower(): v for k, v in self.keys.items()}

    def _lookup(self, name: str) -> KeyLookup:
        supplied = self._supplied()
        if name in supplied:
            return KeyLookup(name, "supplied", supplied[name])
        if self.resolver is None:
            return KeyLookup(name, "not-asked")
        try:
            record = self.resolver(name)
        except OSError:
            return KeyLookup(name, "dns-error")
        return KeyLookup(name, "dns" if record else "not-published", record or None)


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    header: str  # DKIM-Signature
    index: int  # 0 = topmost signature
    domain: str | None
    selector: str | None
    algorithm: str | None
    signed_headers: tuple[str, ...]
    body_length_limit: bool  # an l= tag: content may have been appended after signing
    status: str
    detail: str | None = None  # an exception class name, never content
    key: KeyLookup | None = None
    identity: str | None = None  # i=, decoded (dkim-quoted-printable); None when absent


@dataclass(frozen=True, slots=True)
class ArcCheck:
    status: str  # "pass", "fail", "none", or a key status
    instances: tuple[tuple[int, bool, bool, str], ...]  # (i, AMS valid, AS valid, cv)
    keys: tuple[KeyLookup, ...] = ()


def tags(value: str) -> dict[str, str]:
    found = {}
    for part in value.split(";"):
        key, eq, tag_value = part.partition("=")
        if eq:
            found[key.strip().lower()] = re.sub(r"\s+", "", tag_value)
    return found


def for_verification(data: bytes, cr_only: bool) -> bytes:
    return re.sub(rb"\r\n|\r", b"\r\n", data) if cr_only else data


def check_dkim(data: bytes, values: list[str], source: KeySource) -> list[SignatureCheck]:
    return [_check_one(data, index, value, source) for index, value in enumerate(values)]


def _check_one(data: bytes, index: int, value: str, source: KeySource) -> SignatureCheck:
    found = tags(value)
    name = f"{found.get('s', '')}._domainkey.{found.get('d', '')}"
    if source.resolver is None and not source.has(name):
        lookup = KeyLookup(name.lower(), "not-asked")  # dkimpy would ask for it: skip it
        source.lookups.append(lookup)
        return _described(index, found, Status.KEY_NOT_SUPPLIED, None, lookup)
    before = len(source.lookups)
    status, detail = _verify(data, index, source)
    key = source.lookups[before] if len(source.lookups) > before else None
    if status == Status.FAIL and key is not None and not _usable_ed25519(key.record):
        status, detail = Status.KEY_INVALID, "ed25519-key-length"
    return _described(index, found, _key_status(key, status), detail, key)


def _usable_ed25519(record: str | None) -> bool:
    """False for an ed25519 key whose p= is not 32 bytes (dkimpy then says "no match")."""
    found = tags(record or "")
    if found.get("k", "rsa").lower() != "ed25519":
        return True
    try:
        return len(base64.b64decode(found.get("p", ""), validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _verify(data: bytes, index: int, source: KeySource) -> tuple[str, str | None]:
    try:
        ok = dkim.DKIM(data, logger=_LOG).verify(idx=index, dnsfunc=source)
    except dkim.ValidationError as exc:
        return _validation(str(exc)), type(exc).__name__
    except dkim.KeyFormatError as exc:
        text = str(exc)
        if text.startswith("public key too small"):  # raised only once the check passed
            return Status.WEAK_KEY, text.rpartition(":")[2].strip() + "-bit"
        return Status.KEY_INVALID, type(exc).__name__
    except (dkim.DKIMException, ValueError, KeyError, IndexError, TypeError) as exc:
        return Status.MALFORMED, type(exc).__name__
    return (Status.PASS if ok else Status.FAIL), None


def _validation(text: str) -> str:
    if "body hash mismatch" in text:
        return Status.BODY_CHANGED
    if "expired" in text:
        return Status.EXPIRED
    if text.startswith(("v= value is not 1", "q= value is not dns/txt")):
        return Status.PRE_STANDARD
    return Status.MALFORMED


def _key_status(key: KeyLookup | None, status: str) -> str:
    if key is None:
        return status
    return {"not-asked": Status.KEY_NOT_SUPPLIED, "not-published": Status.KEY_GONE,
            "dns-error": Status.DNS_ERROR}.get(key.outcome, status)


def check_arc(data: bytes, source: KeySource) -> ArcCheck:
    before = len(source.lookups)
    try:
        cv, results, _reason = dkim.ARC(data, logger=_LOG).verify(dnsfunc=source)
    except (dkim.DKIMException, ValueError, KeyError, IndexError, TypeError):
        return ArcCheck(Status.MALFORMED, (), tuple(source.lookups[before:]))
    keys = tuple(source.lookups[before:])
    instances = tuple((int(r.get("instance", 0)), bool(r.get("ams-valid")),
                       bool(r.get("as-valid")), _cv(r.get("cv"))) for r in results)
    status = _cv(cv)
    for key in keys:
        status = _key_status(key, status) if status == "fail" else status
    return ArcCheck(status, instances, keys)


def _cv(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace").lower()
    return "none" if value is None else str(value).lower()
