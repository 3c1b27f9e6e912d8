"""DKIM/ARC keys: from files the user names, or from DNS when the user allows it.

Off by default: a look-up tells the key's publisher (and the network) that someone is
reading this message now. With ``--dns`` each look-up and its answer are recorded in
the analysis, which is sealed with the item, so the check can be redone from the record.
"""

from __future__ import annotations

import base64
from pathlib import Path

import dns.exception
import dns.resolver

from spoorvast.errors import UserError
from spoorvast.i18n import _

TIMEOUT_SECONDS = 5.0
MAX_KEY_FILE = 64 * 1024


def txt_record(name: str) -> str | None:
    """The TXT record at ``name``; None when not published; OSError on a DNS failure."""
    try:
        answer = dns.resolver.resolve(name, "TXT", lifetime=TIMEOUT_SECONDS)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    except dns.exception.DNSException as exc:
        raise OSError(type(exc).__name__) from exc
    return "".join(b"".join(r.strings).decode("ascii", "replace") for r in answer) or None


def key_option(text: str) -> tuple[str, str]:
    """``selector._domainkey.domain=FILE`` -> (name, TXT record); the file holds the TXT
    record (``v=DKIM1; k=rsa; p=…``) or a PEM public key."""
    name, eq, file = text.partition("=")
    if not eq or "._domainkey." not in name or not file:
        raise UserError(_("--dkim-key needs selector._domainkey.domain=FILE, not {value}.")
                        .format(value=text))
    path = Path(file)
    try:
        data = path.read_bytes()[:MAX_KEY_FILE].decode("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(_("The key file {file} cannot be read as text.").format(
            file=path)) from exc
    return name.strip().rstrip(".").lower(), _record(data, path)


def _record(text: str, path: Path) -> str:
    if "p=" in text:
        return " ".join(text.split())
    if "-----BEGIN PUBLIC KEY-----" in text:
        body = text.split("-----BEGIN PUBLIC KEY-----")[1].split("-----END")[0]
        der = "".join(body.split())
        try:
            base64.b64decode(der, validate=True)
        except ValueError as exc:
            raise UserError(_("The key file {file} holds no readable key.").format(
                file=path)) from exc
        return f"v=DKIM1; k=rsa; p={der}"
    raise UserError(_("The key file {file} holds no readable key.").format(file=path))
