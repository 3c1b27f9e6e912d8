"""Whole imports pinned: generated exports (WhatsApp in three header shapes, with
continuation lines, system lines, markers, attachments, non-contacts, a DST change and
unreadable lines; a Telegram JSON) stored through the real intake give exactly the rows,
counts and custody digest that the import gave before its speed-ups (#32: the values
below were computed with the code of commit 7bdf8b4). A change to what is stored, its
order, seq, times, offsets, locations or details changes a pin."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from spoorvast.importers.registry import builtin_registry
from spoorvast.services.intake import add_paths
from spoorvast.services.verify import verify
from spoorvast.storage.vault import Vault, open_vault
from tests.conftest import PASSPHRASE

SENDERS = ("Jan Peeters", "+32 470 12 34 56", "~\u00a0Anna", "Sofie")
BODIES = ("Waar is mijn géld", "ok", "<Media omitted>", "Dit bericht is verwijderd",
          "IMG-20260304-WA0001.jpg (file attached)", "text <This message was edited>",
          "\u200eimage omitted", "ends with (brackets)", "Ça va ? 🙂", "null", "a: b: c")


def _whatsapp(shape: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        rng = random.Random(shape)
        lines = ["garbage before the first message"]
        minute = 0
        for n in range(17000):  # more than one chunk of 16,384
            minute += rng.choice((0, 0, 0, 1, 7))
            day, hour, mm = 20 + minute // 1440, minute // 60 % 24, minute % 60
            # (October 2026: the clocks go back in Brussels on the 25th)
            if shape == "android":
                head = f"{day:02d}/10/2026, {hour:02d}:{mm:02d} - "
            elif shape == "ios":
                half = "AM" if hour < 12 else "PM"
                twelve = f"{(hour % 12) or 12}:{mm:02d}:{n % 60:02d}\u202f{half}"
                head = f"[10/{day}/26, {twelve}] "
            else:  # a dotted date, 24 hours, an invalid minute now and then
                head = f"{day}.10.26, {hour:02d}:{mm if n % 997 else 61:02d} - "
            pick = rng.random()
            if pick < 0.02:
                lines.append(head + "Jan Peeters added Anna")
            else:
                body = rng.choice(BODIES) if pick < 0.15 else f"message {n} {rng.random():.6f}"
                lines.append(f"{head}{SENDERS[n % 4]}: {body}")
            if pick > 0.95:
                lines.append("a continued line" + ("" if n % 3 else "\r"))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return write


def _telegram(path: Path) -> None:
    rng = random.Random(7)
    people = (("Jan Peeters", "user111111111"), ("Anna De Smet", "user222222222"))
    messages: list[dict[str, object]] = []
    for n in range(17000):
        name, from_id = people[n % 2]
        # every time before 2026-11-08: no "dated after adding" finding that depends on
        # the day the test runs
        stamp = 1792800000 + n * rng.choice((1, 15, 60))
        text: object = f"message {n}" if n % 10 else [f"see {n}", {"type": "link",
                                                                      "text": "https://e.org/"}]
        message: dict[str, object] = {"id": n + 1, "type": "message",
                                      "date": f"2026-10-{1 + n // 1000:02d}T12:00:{n % 60:02d}",
                                      "date_unixtime": str(stamp), "from": name,
                                      "from_id": from_id, "text": text}
        if n % 501 == 0:
            message["photo"] = "(File not included. Change data exporting settings to download.)"
        messages.append(message)
    path.write_text(json.dumps({"name": "Jan Peeters", "type": "personal_chat", "id": 111111111,
                                "messages": messages}, ensure_ascii=False, indent=1),
                    encoding="utf-8")


PINS = {
    "android": ("WhatsApp Chat with Jan.txt", _whatsapp("android"),
                "94eca503d2b9711848b75d12", "baed431b99d07ff8bcc9cd9c",
                "53f9a2f3e4382cfbec8d2c89", "0411d3f43b4398b7a94faf8e"),
    "ios": ("WhatsApp Chat with Jan.txt", _whatsapp("ios"),
            "1fb718ac7efbac1a1bdd882f", "8630ccbadd73d8ca0b096795",
            "1173a58895fc00a5c076ca20", "044fc1a4c3cf9f73013ef295"),
    "dotted": ("WhatsApp Chat with Jan.txt", _whatsapp("dotted"),
               "94dba195545a42f7984aa077", "2d2dc857de9c4a41e7f9ba09",
               "2949d3fdaf9df5f332d71604", "d0234196f062a4ce8c10603d"),
    "telegram": ("result.json", _telegram,
                 "505d6759d42fdc2f299f354d", "7591ea386d33839c18e7b968",
                 "3741a12e286c7075611ef819", "f8dcbee6049713eb89482f5b"),
}


def _imported(vault: Vault, export: Path, also: str) -> tuple[str, ...]:
    """Add ``export`` to the vault's case; the fingerprints of its events and of the rows
    ``also`` selects, and the start of the events' digest in custody."""
    [result] = add_paths(vault, vault.store.cases()[0], [export], builtin_registry())
    assert result.status.value == "added"
    conn = vault.store.conn
    return (_fingerprint(conn, "SELECT * FROM events ORDER BY id"), _fingerprint(conn, also),
            next(json.loads(p)["data"]["sha256"] for (p,) in conn.execute(
                "SELECT payload FROM custody WHERE json_extract(payload, '$.record') = "
                "'events' ORDER BY seq"))[:24])


def _fingerprint(conn: object, query: str) -> str:
    digest = hashlib.sha256()
    for row in conn.execute(query):  # type: ignore[attr-defined]
        digest.update(repr(row).encode())
    return digest.hexdigest()[:24]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PINS))
def test_an_import_stores_what_it_stored_before(name: str, case_vault: Path,
                                                tmp_path: Path) -> None:
    file_name, write, rows, counts, digest, findings = PINS[name]
    export = tmp_path / file_name
    write(export)
    with open_vault(case_vault, PASSPHRASE) as vault:
        found = _imported(vault, export, "SELECT * FROM event_counts ORDER BY case_id, "
                                         "item_id, bucket, kind, actor, n")
        found += (hashlib.sha256(repr(vault.store.findings(vault.store.cases()[0].id or 0))
                                 .encode()).hexdigest()[:24],)
    print(name, found)
    assert found == (rows, counts, digest, findings)
    with open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        assert verify(vault).ok


ENTITY_KINDS: tuple[dict[str, object], ...] = (
    {"type": "link", "text": "https://e.org/"}, {"type": "bold", "text": "luid"},
    {"type": "mention", "text": "@jan_p"}, {"type": "mention_name", "text": "Anna",
                                            "user_id": 222222222},
    {"type": "mention_name", "text": "Anna", "user_id": True},
    {"type": "phone", "text": "+32 470 12 34 56"}, {"type": "phone", "text": "0470 99 88 77"},
    {"type": "email", "text": "jan@e.org"}, {"type": "text_link", "text": "hier",
                                             "href": "https://f.org/x"},
    {"type": "mention", "text": ["@odd"]}, {"type": "link", "text": "https://g.org/"})


def _telegram_entities(path: Path, replies: bool) -> None:
    """Texts with entities of every kind; message ids with gaps; with ``replies``, a reply
    now and then (its message goes the general path, the others are runs between)."""
    rng = random.Random(11)
    messages: list[dict[str, object]] = []
    for n in range(400):
        parts: list[object] = [f"m{n} "]
        for _ in range(rng.randint(0, 3)):
            parts += [rng.choice(ENTITY_KINDS), " en "]
        messages.append({"id": n * 3 + 1, "type": "message", "date": "2026-10-01T12:00:00",
                         "date_unixtime": str(1792800000 + n * 7), "from": "Jan Peeters",
                         "from_id": "user111111111", "text": parts if len(parts) > 1
                         else f"m{n}"})
        if replies and n % 37 == 0:
            messages[-1]["reply_to_message_id"] = n * 3 - 2
    path.write_text(json.dumps({"name": "Jan Peeters", "type": "personal_chat", "id": 1,
                                "messages": messages}, ensure_ascii=False, indent=1),
                    encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("replies", [False, True])
def test_telegram_entities_stored_and_noted_as_before(replies: bool, case_vault: Path,
                                                      tmp_path: Path) -> None:
    """Events, the identifiers the entities propose (which, in what order, where first
    seen) and the events' digest, as the code of 53fded5 stored them: all in runs (one
    chunk of runs only: pointers and details made in SQL), and runs between replies."""
    export = tmp_path / "result.json"
    _telegram_entities(export, replies)
    with open_vault(case_vault, PASSPHRASE) as vault:
        found = _imported(vault, export, "SELECT kind, value, platform, stable_id, status, "
                                         "item_id, location FROM identifiers ORDER BY id")
    print(found)
    assert found == TELEGRAM_ENTITIES_PINS[replies]
    with open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        assert verify(vault).ok


TELEGRAM_ENTITIES_PINS = {
    False: ("8763b7e9e5a044d84e295b27", "0fc30b3eda9badb8a8d775e0", "1cdb5f112cb3ace977401936"),
    True: ("d5b98e61698c23862ec2f889", "4535404a5b1354aaf9e98e20", "7f7d430aa310319387018822")}
