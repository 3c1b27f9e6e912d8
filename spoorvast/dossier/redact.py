"""Who is shown, and how: the victim and the suspects by name and identifier; with
``--redact-third-parties`` everybody else (witnesses, other group members, senders no
party is linked to) as "third party 1", "third party 2"… in the PDF only.

Their identifier values are also replaced where they occur in message text. So is
every phone number and e-mail address found in free text (messages, notes, e-mails,
text read from pictures) that is not attributed to the victim or a suspect, even when
no identifier records it (a number someone typed in a message, an address in an OCR
reading): "[third party N]", the same N for the same number however it was written.
The bundle keeps everything complete (originals, manifest): redaction is for the reader
of the PDF, not a change to the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers

from spoorvast.analysis.phones import plain_number
from spoorvast.i18n import _
from spoorvast.model.conversation import actor_key
from spoorvast.model.records import Identifier, Party, PartyRole

SHOWN_ROLES = (PartyRole.VICTIM, PartyRole.SUSPECT)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
MAX_SCAN = 200_000  # characters of one text scanned for numbers (texts are bounded)


def key_of(identifier: Identifier) -> str:
    return actor_key(identifier.kind.value, identifier.value, identifier.platform,
                     identifier.stable_id)


@dataclass
class Redactor:
    enabled: bool
    parties: dict[int, Party]
    identifiers: list[Identifier]
    _by_key: dict[str, Identifier] = field(default_factory=dict)
    _by_id: dict[int, Identifier] = field(default_factory=dict)
    _pseudonyms: dict[str, str] = field(default_factory=dict)  # person key -> pseudonym
    _values: dict[str, str] = field(default_factory=dict)  # identifier value -> pseudonym
    region: str | None = None  # the case's country, for numbers written without +
    replaced_identifiers: int = 0
    _shown: set[str] = field(default_factory=set)  # victim's and suspects' numbers, mail
    _owner: dict[str, str] = field(default_factory=dict)  # number / mail -> person key

    def __post_init__(self) -> None:
        self._by_key = {key_of(i): i for i in self.identifiers}
        self._by_id = {i.id or 0: i for i in self.identifiers}
        for identifier in self.identifiers:
            norm = self._normal(identifier.kind.value, identifier.value)
            if norm is None:
                continue
            if self.role_of(identifier) in SHOWN_ROLES:
                self._shown.add(norm)
            else:
                self._owner[norm] = self._person(identifier, identifier.value)

    def _normal(self, kind: str, value: str) -> str | None:
        if kind == "email":
            return "email:" + value.strip().lower()
        if kind == "phone":
            number = self._e164(value)
            return "phone:" + number if number else None
        return None

    def _e164(self, text: str) -> str | None:
        try:
            parsed = phonenumbers.parse(plain_number(text), self.region)
        except phonenumbers.NumberParseException:
            return None
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def role_of(self, identifier: Identifier | None) -> PartyRole | None:
        party = self.parties.get(identifier.party_id or -1) if identifier else None
        return party.role if party else None

    def is_third(self, identifier: Identifier | None) -> bool:
        return self.enabled and self.role_of(identifier) not in SHOWN_ROLES

    def pseudonym(self, person: str) -> str:
        if person not in self._pseudonyms:
            self._pseudonyms[person] = _("third party {n}").format(n=len(self._pseudonyms) + 1)
        return self._pseudonyms[person]

    def _person(self, identifier: Identifier | None, fallback: str) -> str:
        if identifier is not None and identifier.party_id is not None:
            return f"party:{identifier.party_id}"
        return f"id:{identifier.id}" if identifier is not None else fallback

    def identifier_value(self, identifier: Identifier) -> str:
        if not self.is_third(identifier):
            return identifier.value
        name = self.pseudonym(self._person(identifier, identifier.value))
        self._values[identifier.value] = name
        self.replaced_identifiers += 1
        return name

    def party_name(self, party: Party) -> str:
        if not self.enabled or party.role in SHOWN_ROLES:
            return party.name
        return self.pseudonym(f"party:{party.id}")

    def actor(self, key: str | None, identifier_id: int | None
              ) -> tuple[str, PartyRole | None]:
        """(shown name, party role) of an event's actor."""
        identifier = self._by_key.get(key or "")
        if identifier is None and identifier_id is not None:
            identifier = self._by_id.get(identifier_id)
        role = self.role_of(identifier)
        if key is None and identifier is None:
            return "", None
        if self.is_third(identifier):
            return self.pseudonym(self._person(identifier, key or "")), role
        party = self.parties.get(identifier.party_id or -1) if identifier else None
        shown = identifier.value if identifier else (key or "").split(":", 2)[-1]
        if party is None or party.name.casefold() == shown.casefold():
            return (party.name if party else shown), role
        return f"{party.name} ({shown})", role

    def text(self, text: str) -> str:
        if not self.enabled:
            return text
        for value, name in self._values.items():
            if len(value) >= 5 and value in text:
                text = text.replace(value, f"[{name}]")
        return self._phones(self._mail(text))

    def _hide(self, norm: str, written: str) -> str:
        if norm in self._shown:
            return written
        self.replaced_identifiers += 1
        return f"[{self.pseudonym(self._owner.get(norm, norm))}]"

    def _mail(self, text: str) -> str:
        return _EMAIL.sub(lambda m: self._hide("email:" + m.group(0).lower(), m.group(0)),
                          text)

    def _phones(self, text: str) -> str:
        """Every phone number in ``text`` not the victim's or a suspect's, replaced."""
        if len(text) > MAX_SCAN or not any(c.isdigit() for c in text):
            return text
        parts, last = [], 0
        for match in phonenumbers.PhoneNumberMatcher(text, self.region):
            number = phonenumbers.format_number(match.number,
                                                phonenumbers.PhoneNumberFormat.E164)
            parts += [text[last:match.start], self._hide("phone:" + number, match.raw_string)]
            last = match.end
        return "".join(parts) + text[last:]

    @property
    def people(self) -> int:
        return len(self._pseudonyms)

    def prime(self, actor_keys: Iterable[str | None]) -> None:
        """Register every third party (identifiers, and event actors no identifier
        names), so that their values are replaced wherever they occur in text."""
        if not self.enabled:
            return
        for identifier in self.identifiers:
            if self.is_third(identifier):
                self._values[identifier.value] = self.pseudonym(
                    self._person(identifier, identifier.value))
        for key in actor_keys:
            if key and key not in self._by_key:
                self._values[key.split(":", 2)[-1]] = self.pseudonym(key)
