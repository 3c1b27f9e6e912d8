"""The people of a conversation export: display names, phone numbers or accounts as
actors, each noted once in order of first appearance."""

from __future__ import annotations

from dataclasses import dataclass, field

from spoorvast.importers.chat.shared.phones import e164
from spoorvast.model.conversation import actor_key
from spoorvast.model.records import Identifier, IdentifierKind, Location

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2068\u2069"
_SPACES = " \u00a0\u202f"


def clean_name(raw: str) -> tuple[str, bool]:
    """A display name without direction marks, and whether it had WhatsApp's ``~``
    (a sender who is not in the exporting phone's contacts)."""
    name = raw.strip(_MARKS + _SPACES)
    if name.startswith("~"):
        return name[1:].strip(_MARKS + _SPACES), True
    return name, False


@dataclass(frozen=True, slots=True)
class Actor:
    key: str
    kind: IdentifierKind
    value: str
    platform: str
    stable_id: str | None = None


def phone_or_name(raw: str, platform: str, region: str | None) -> Actor:
    name, _tilde = clean_name(raw)
    number = e164(name, region)
    if number is not None:
        return Actor(actor_key("phone", number, platform, None), IdentifierKind.PHONE,
                     number, platform)
    return Actor(actor_key("name", name, platform, None), IdentifierKind.NAME, name, platform)


def account(platform: str, stable_id: str, handle: str) -> Actor:
    return Actor(actor_key("account", handle, platform, stable_id), IdentifierKind.ACCOUNT,
                 handle or stable_id, platform, stable_id)


@dataclass
class Participants:
    """Distinct actors of an export, in order of first appearance."""

    case_id: int
    seen: dict[str, tuple[Actor, Location | None]] = field(default_factory=dict)

    def note(self, actor: Actor, where: Location | None) -> str:
        if actor.key not in self.seen:
            self.seen[actor.key] = (actor, where)
        return actor.key

    def identifiers(self) -> list[Identifier]:
        return [Identifier(None, self.case_id, a.kind, a.value, platform=a.platform,
                           stable_id=a.stable_id, location=where)
                for a, where in self.seen.values()]
