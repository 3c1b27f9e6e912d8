"""A shared case's members and access log in words, for the owner's app.

"Bo opened E-0004 on 3 March at 14:02": names come from the member cards in the case's
records (the server never sees them), items from the blob ids this vault has seen, times
in the case's time zone, in the user's language.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from spoorvast.i18n import _, current_language
from spoorvast.model.records import Case
from spoorvast.services.sharing.chain import ChainEntry
from spoorvast.services.sharing.sync import member_name, setting_key
from spoorvast.storage.sharing_keys import PublicIdentity, fingerprint_words
from spoorvast.storage.vault import Vault


@dataclass(frozen=True)
class MemberLine:
    name: str
    role: str
    fingerprint: str
    until: str
    active: bool
    purpose: str = ""


def role_word(role: str) -> str:
    return {"owner": _("owner"), "advocate": _("advocate"), "lawyer": _("lawyer"),
            "contributor": _("contributor (adds only)")}.get(role, role)


def members(vault: Vault, case: Case, rows: list[dict[str, object]]) -> list[MemberLine]:
    out = []
    for row in rows:
        public = PublicIdentity(base64.b64decode(str(row["box"])),
                                base64.b64decode(str(row["verify"])))
        expires = row.get("expires_at")
        out.append(MemberLine(
            member_name(vault, case, str(row["account"])) or _("(unnamed)"),
            role_word(str(row["role"])), fingerprint_words(public),
            when(case, datetime.fromisoformat(str(expires))) if expires else "",
            bool(row["active"]), str(row.get("purpose") or "")))
    return out


def when(case: Case, moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo(case.time_zone))
    language = current_language()
    return _("{date} at {time}").format(
        date=format_date(local.date(), "d MMMM y", locale=language),
        time=format_time(local.time(), "HH:mm", locale=language))


def _item(vault: Vault, case: Case, blob: object) -> str:
    sha256 = vault.store.setting(setting_key(case, "blob", str(blob)))
    item = vault.store.item_with_original(case.id or 0, sha256) if sha256 else None
    if item is None and sha256:  # a capture's bundle: its blob names the capture's key
        from spoorvast.services.sharing.capture_share import find

        item = find(vault, case, sha256)
    return item.label if item else _("an item")


def _who(vault: Vault, case: Case, account: object) -> str:
    if account is None:
        return _("someone")
    return member_name(vault, case, str(account)) or _("account {id}").format(
        id=str(account)[:8])


def access_lines(vault: Vault, case: Case, entries: list[ChainEntry]) -> list[str]:
    """One sentence per access entry the server signed (fetches, exports, grants)."""
    lines = []
    for entry in entries:
        if entry.signer is not None and entry.fields.get("action") not in (
                "grant", "revoke", "dropbox_grant", "dropbox_revoke"):
            continue  # an item added (its author signed it)
        fields = entry.fields
        moment = when(case, datetime.fromisoformat(str(fields["at"])))
        line = _sentence(vault, case, fields, moment)
        if line:
            lines.append(line)
    return lines


def _sentence(vault: Vault, case: Case, fields: dict[str, object], moment: str) -> str:
    action = fields.get("action")
    actor = _who(vault, case, fields.get("actor"))
    member = _who(vault, case, fields.get("member"))
    if action == "blob_fetch":
        return _("{who} opened {item} on {when}").format(
            who=actor, item=_item(vault, case, fields.get("subject")), when=moment)
    if action == "key_fetch":
        return _("{who} fetched the case keys on {when}").format(who=actor, when=moment)
    if action == "export":
        return _("{who} exported the case on {when}").format(who=actor, when=moment)
    if action == "grant":
        return _("{who} was given access as {role} on {when}").format(
            who=member, role=role_word(str(fields.get("role"))), when=moment)
    if action == "revoke":
        return _("{who} was removed on {when}").format(who=member, when=moment)
    if isinstance(action, str) and action.startswith("drop"):
        return _drop_sentence(vault, case, fields, actor, moment)
    if action == "expire":
        return _("The access of {who} ended (expired) on {when}").format(
            who=member, when=moment)
    return ""




def action_word(action: object) -> str:
    return {"add": _("added a record"), "grant": _("gave access"),
            "revoke": _("took access away"), "expire": _("ended an expired access"),
            "key_fetch": _("logged a fetch of the case keys"),
            "blob_fetch": _("logged the opening of a file"),
            "export": _("logged an export")}.get(str(action), _("another entry"))


def author(vault: Vault, case: Case, signer: object, roles: dict[str, str]) -> str:
    """Who signed an entry, in words: a member's name and role, or the server."""
    if signer is None:
        return _("the server")
    name = _who(vault, case, signer)
    role = roles.get(str(signer))
    return _("{name} ({role})").format(name=name, role=role_word(role)) if role else name


def authors(vault: Vault, case: Case, entries: list[ChainEntry]
            ) -> list[tuple[int, str, str]]:
    """(position, author, action) of every entry of a checked chain."""
    from spoorvast.services.sharing.kept import kept_members

    roles = {str(m["account"]): str(m["role"]) for m in kept_members(vault, case)}
    return [(e.pos, author(vault, case, e.signer, roles), action_word(e.fields.get("action")))
            for e in entries]


def _drop_sentence(vault: Vault, case: Case, fields: dict[str, object], actor: str,
                   moment: str) -> str:
    """The drop box's entries: links made and ended, phones paired, drops and fetches."""
    action, link = fields.get("action"), str(fields.get("grant", ""))[:8]
    upload = str(fields.get("upload") or fields.get("subject") or "")
    item = vault.store.setting(setting_key(case, "drop", upload)) or _("an item")
    if action == "dropbox_grant":
        return _("{who} made drop-box link {link} on {when}").format(
            who=_who(vault, case, fields.get("author")), link=link, when=moment)
    if action == "dropbox_revoke":
        return _("{who} ended drop-box link {link} on {when}").format(
            who=_who(vault, case, fields.get("author")), link=link, when=moment)
    if action == "dropbox_paired":
        return _("A phone was paired with drop-box link {link} on {when}").format(
            link=link, when=moment)
    if action == "drop":
        return _("{item} was dropped through drop-box link {link} on {when}").format(
            item=item, link=link, when=moment)
    if action == "drop_fetch":
        return _("{who} opened {item} (from the drop box) on {when}").format(
            who=actor, item=item, when=moment)
    return ""
