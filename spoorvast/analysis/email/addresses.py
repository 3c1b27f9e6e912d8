"""Address lists (From, To, Reply-To, …) parsed so that the real mailbox is never lost.

``From: a@bank.example <evil@x.example>`` has the mailbox ``evil@x.example`` and a
display name that *shows* another address: both are kept and the second is reported.
Comments, quoted strings, groups and RFC 2047 display names are handled; nothing raises.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spoorvast.analysis.email.words import decode_words

_LOCAL = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u00a0-\uffff-]"
_LABEL = r"[A-Za-z0-9\u00a0-\uffff-]"
# Linear on any input: a match starts only where a run of address characters starts
# (the look-behind), and the possessive runs never give characters back. The plain
# form took about 45 s on 256 KB of letters (every start position rescanned the run).
ADDRESS = re.compile(rf"(?<!{_LOCAL}){_LOCAL}++@{_LABEL}++(?:\.{_LABEL}++)+")
_LOCAL_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                         ".!#$%&'*+/=?^_`{|}~-")


def addresses_in(text: str) -> list[str]:
    """``ADDRESS.findall(text)``, tried only where a match can start: every match holds
    one ``@`` (neither character class has it) and starts where the run of local-part
    characters before it starts (the look-behind), at or after the end of the match
    before. Searching a body of 1,500 characters letter by letter was a third of
    finding its identifiers; text without ``@`` is not searched at all."""
    found: list[str] = []
    pos, at = 0, text.find("@")
    while at >= 0:
        start = at
        while start > pos and (text[start - 1] in _LOCAL_ASCII
                               or "\u00a0" <= text[start - 1] <= "\uffff"):
            start -= 1
        match = ADDRESS.match(text, start)
        if match is not None:
            found.append(match.group())
            pos = match.end()
            at = text.find("@", pos)
        else:
            at = text.find("@", at + 1)
    return found


_VALID = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")


class AddressIssue:
    DISPLAY_SHOWS_OTHER = "display-shows-other-address"
    SEVERAL_ANGLES = "several-angle-addresses"
    INVALID = "invalid-mailbox"
    GUESSED = "mailbox-guessed"


@dataclass(frozen=True, slots=True)
class Address:
    mailbox: str  # local@domain, domain in lower case; "" when none could be found
    display: str
    raw: str
    issues: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        return self.mailbox.rpartition("@")[2]

    @property
    def shown_address(self) -> str | None:
        """An address written in the display name, when it differs from the mailbox."""
        for found in ADDRESS.findall(self.display):
            if found.lower() != self.mailbox.lower():
                return str(found)
        return None


def parse_addresses(value: str) -> list[Address]:
    return list(_parsed(value))


@functools.lru_cache(maxsize=16)
def _parsed(value: str) -> tuple[Address, ...]:
    # the analysis reads each address header twice (the addresses, then their
    # problems): a fifth of its time on an mbox of small messages
    return tuple(a for a in (_one(p.strip()) for p in _split(value)) if a is not None)


def _split(value: str) -> list[str]:
    parts, start, depth, quoted, angle, escape = [], 0, 0, False, False, False
    for index, char in enumerate(value):
        if escape:
            escape = False
        elif char == "\\":
            escape = True
        elif quoted:
            quoted = char != '"'
        elif char == '"' and depth == 0:
            quoted = True
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0 and char in "<>":
            angle = char == "<"
        elif depth == 0 and not angle and char in ",;":
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return [_drop_group_name(p) for p in parts]


def _drop_group_name(part: str) -> str:
    """``Friends: a@x, b@y;`` — keep the members, not the group name."""
    head, colon, rest = part.partition(":")
    if colon and "<" not in head and '"' not in head and "@" not in head and "(" not in head:
        return rest
    return part


def _one(text: str) -> Address | None:
    if not text:
        return None
    outside, angles = _outside_angles(text)
    if angles:
        issues = (AddressIssue.SEVERAL_ANGLES,) if len(angles) > 1 else ()
        return _made(_without_comments(angles[-1]), _display(outside), text, issues)
    bare, comments = _strip_comments(text)
    return _made("".join(bare.split()), _display(" ".join(comments)), text, ())


def _without_comments(mailbox: str) -> str:
    """``pat(work)@example.org`` and ``pat @ example.org`` are pat@example.org."""
    if "(" not in mailbox:
        return mailbox
    return "".join(_strip_comments(mailbox)[0].split())


def _made(mailbox: str, display: str, raw: str, issues: tuple[str, ...]) -> Address:
    mailbox = _normal(mailbox.strip())
    if not _VALID.match(mailbox):
        found = ADDRESS.findall(mailbox)
        if found:
            mailbox, issues = _normal(found[-1]), (*issues, AddressIssue.GUESSED)
        elif mailbox:
            issues = (*issues, AddressIssue.INVALID)
    address = Address(mailbox, display, raw, issues)
    if address.shown_address is not None:
        address = Address(mailbox, display, raw, (*issues, AddressIssue.DISPLAY_SHOWS_OTHER))
    return address


def _normal(mailbox: str) -> str:
    local, at, domain = mailbox.rpartition("@")
    return f"{local}@{domain.lower().rstrip('.')}" if at else mailbox


def _outside_angles(text: str) -> tuple[str, list[str]]:
    outside, angles, pos = [], [], 0
    for match in re.finditer(r"<([^<>]*)>", text):
        if _inside_quotes(text, match.start()):
            continue
        outside.append(text[pos:match.start()])
        angles.append(match.group(1).strip())
        pos = match.end()
    outside.append(text[pos:])
    return "".join(outside), angles


def _inside_quotes(text: str, index: int) -> bool:
    return text[:index].replace('\\"', "").count('"') % 2 == 1


def _strip_comments(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []
    current: list[str] = []
    comments: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
            if depth == 1:
                continue
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                comments.append("".join(current))
                current = []
                continue
        (current if depth else kept).append(char)
    return "".join(kept), comments


def _display(text: str) -> str:
    text = " ".join(text.split())
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return decode_words(text).text.strip()
