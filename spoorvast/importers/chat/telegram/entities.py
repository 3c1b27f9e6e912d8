"""Who a Telegram export names: the platform's name on every actor key, and the
identifiers proposed from a text's entities (links, mentions, phone numbers, e-mail)."""

from __future__ import annotations

from spoorvast.importers.chat.shared.jsonload import JsonObject, get_str, integer
from spoorvast.importers.chat.shared.participants import Actor, account
from spoorvast.importers.chat.shared.phones import e164
from spoorvast.model.conversation import actor_key
from spoorvast.model.records import IdentifierKind

PLATFORM = "telegram"
# the entity types that may propose an identifier (a tuple: a type that is not a string
# is compared, not hashed)
IDENTIFYING = ("link", "text_link", "mention", "mention_name", "phone", "email")


def entity_identifier(entity: JsonObject, region: str | None) -> Actor | None:
    """A proposed identifier from a text entity (link, mention, phone, e-mail)."""
    kind, text = get_str(entity, "type"), get_str(entity, "text") or ""
    if kind in ("link", "text_link"):
        url = get_str(entity, "href") if kind == "text_link" else text
        return None if not url else Actor(f"url:{PLATFORM}:{url}", IdentifierKind.URL, url,
                                          PLATFORM)
    if kind == "mention" and text.startswith("@"):
        return Actor(actor_key("account", text, PLATFORM, None), IdentifierKind.ACCOUNT,
                     text, PLATFORM)
    if kind == "mention_name":
        user = integer(entity.get("user_id"))
        return None if user is None else account(PLATFORM, f"user{user}", text)
    if kind == "phone":
        number = e164(text, region)
        return None if number is None else Actor(actor_key("phone", number, PLATFORM, None),
                                                 IdentifierKind.PHONE, number, PLATFORM)
    if kind == "email" and "@" in text:
        return Actor(actor_key("email", text, PLATFORM, None), IdentifierKind.EMAIL, text,
                     PLATFORM)
    return None
