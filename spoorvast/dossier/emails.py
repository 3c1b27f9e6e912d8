"""An e-mail in full for the PDF: who sent it to whom, when, its subject, its body as
text and its attachments by name, next to the header analysis.

The addresses and subject come from the stored header analysis (what the importer
read); the body from the sealed original when it is an RFC 822 message (``.eml``),
parsed here with the standard library, bounded in size. An Outlook ``.msg`` keeps its
body in the original file: the PDF says so instead of guessing.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.utils import getaddresses, parseaddr
from typing import Any

from spoorvast.dossier.model import InfoSection
from spoorvast.dossier.sections import _get
from spoorvast.dossier.when import instant_text
from spoorvast.i18n import _, ngettext
from spoorvast.model.instant import Instant
from spoorvast.model.records import Artifact, ArtifactRole
from spoorvast.storage.vault import Vault
from spoorvast.units import human_size

MAX_MESSAGE = 32 << 20  # a bigger original is not parsed here (its body stays in the bundle)
BODY_LIMIT = 12_000
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"[ \t]+")


@dataclass(frozen=True, slots=True)
class EmailView:
    sender: str  # mailbox, lower case; "" when none
    section: InfoSection


def _addresses(value: object) -> str:
    if not isinstance(value, list):
        return ""
    shown = []
    for entry in value:
        if isinstance(entry, dict):
            mailbox, display = str(entry.get("mailbox") or ""), str(entry.get("display") or "")
            shown.append(f"{display} <{mailbox}>" if display and mailbox else mailbox or display)
    return ", ".join(x for x in shown if x)


def _recipients(analysis: Any, message: Message | None, key: str, header: str,
                shown: set[str] | None) -> str:
    listed = _get(analysis, "analysis", key)
    if isinstance(listed, list):
        pairs = [(str(e.get("display") or ""), str(e.get("mailbox") or ""))
                 for e in listed if isinstance(e, dict)]
    else:
        pairs = getaddresses([_header(message, header)]) if message is not None else []
    pairs = [(name, box) for name, box in pairs if box or name]
    if shown is None:
        return ", ".join(f"{n} <{b}>" if n and b else b or n for n, b in pairs)
    kept = [b for _n, b in pairs if b.lower() in shown]
    hidden = len(pairs) - len(kept)
    if hidden:
        kept.append(ngettext("{n} other recipient (third party)",
                             "{n} other recipients (third parties)", hidden).format(n=hidden))
    return ", ".join(kept)


def _original(artifacts: tuple[Artifact, ...]) -> Artifact | None:
    return next((a for a in artifacts if a.role is ArtifactRole.ORIGINAL and
                 (a.media_type == "message/rfc822" or a.name.lower().endswith(".eml"))), None)


def _parse(vault: Vault, artifact: Artifact | None) -> Message | None:
    if artifact is None or artifact.size > MAX_MESSAGE:
        return None
    return email.message_from_bytes(vault.blobs.read_bytes(artifact.sha256),
                                    policy=policy.default)


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("latin-1")


def body_text(message: Message) -> str | None:
    """The first plain-text body; else the first HTML body without its tags."""
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _decoded(part)
        elif kind == "text/html" and html is None:
            html = _decoded(part)
    if plain is not None:
        return plain.strip()
    if html is not None:
        return _SPACE.sub(" ", _TAG.sub(" ", html)).strip()
    return None


def _header(message: Message | None, name: str) -> str:
    if message is None:
        return ""
    try:
        return str(message.get(name) or "")
    except (ValueError, TypeError, IndexError):
        return ""


def _attachments(artifacts: tuple[Artifact, ...]) -> str:
    names = [f"{a.name} ({human_size(a.size)})" for a in artifacts
             if a.role is ArtifactRole.ATTACHMENT and not
             (a.name.startswith("body-") and a.name.endswith(".html"))]
    return ", ".join(names)


def email_view(vault: Vault, artifacts: tuple[Artifact, ...], analysis: Any,
               moment: Instant | None, language: str,
               suspects: dict[str, str], shown: set[str] | None = None) -> EmailView:
    """``shown``: when third parties are redacted, the mailboxes that may be shown (the
    victim's and the suspects'); every other recipient is left out and counted."""
    message = _parse(vault, _original(artifacts))
    sender_list = _get(analysis, "analysis", "from_")
    sender = _addresses(sender_list) or _header(message, "From")
    mailbox = ""
    if isinstance(sender_list, list) and sender_list and isinstance(sender_list[0], dict):
        mailbox = str(sender_list[0].get("mailbox") or "").lower()
    elif message is not None:
        mailbox = parseaddr(_header(message, "From"))[1].lower()
    if shown is not None and mailbox not in shown:
        sender = _("a third party")
    subject = _get(analysis, "analysis", "subject") or _header(message, "Subject")
    rows = [(_("Sender (From)"), sender),
            (_("Sent by"), _("{name} (suspect; confirmed e-mail address)").format(
                name=suspects[mailbox]) if mailbox in suspects else ""),
            (_("To"), _recipients(analysis, message, "to", "To", shown)),
            (_("Cc"), _recipients(analysis, message, "cc", "Cc", shown)),
            (_("Date"), instant_text(moment, language, "")),
            (_("Subject"), str(subject or "")),
            (_("Attachments"), _attachments(artifacts))]
    body = body_text(message) if message is not None else None
    lines: tuple[str, ...]
    if body is None:
        lines = (_("The body is in the original file in the bundle."),)
    elif len(body) > BODY_LIMIT:
        lines = (body[:BODY_LIMIT] + "…", _("Shortened here; the complete message is in the "
                                              "bundle."))
    else:
        lines = (body,)
    return EmailView(mailbox, InfoSection(_("The e-mail"), tuple((k, v) for k, v in rows if v),
                                          lines))


MAX_HOPS = 60


def _hop_line(entry: Any) -> str:
    hop = entry.get("hop") if isinstance(entry, dict) else None
    if not isinstance(hop, dict):
        return ""
    sender = " ".join(str(x) for x in (hop.get("from_name") or hop.get("helo"),
                                       f"({hop['ip']})" if hop.get("ip") else None) if x)
    date = _get(hop, "date", "raw")
    delay = entry.get("delay_seconds")
    parts = [_("from {sender}").format(sender=sender) if sender else "",
             _("received by {host}").format(host=hop["by"]) if hop.get("by") else "",
             str(date) if date else "",
             _("{n} s after the previous relay").format(n=round(delay))
             if isinstance(delay, (int, float)) else "",
             _("earlier than the previous relay: a clock is wrong or the line is forged")
             if entry.get("skew") else ""]
    return f"{entry.get('number', '?')}. " + " · ".join(p for p in parts if p)


def _number(hop: dict[str, Any]) -> int:
    number = hop.get("number")
    return number if isinstance(number, int) else 0


def hop_section(analysis: Any) -> InfoSection | None:
    """The route the e-mail took (Received headers), oldest relay first."""
    hops = _get(analysis, "analysis", "hops")
    if not isinstance(hops, list):
        return None
    ordered = sorted((h for h in hops if isinstance(h, dict)), key=_number)
    lines = [x for x in (_hop_line(h) for h in ordered[:MAX_HOPS]) if x]
    if not lines:
        return None
    return InfoSection(_("Route of the e-mail, oldest relay first"), (), tuple(lines))
