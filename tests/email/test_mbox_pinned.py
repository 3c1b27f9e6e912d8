"""What an mbox import stores, pinned: a varied mailbox (encoded words, multipart with
an attachment, 8-bit and Latin-1 headers, bad and missing dates, folded headers, CRLF,
a duplicate, a reused Message-ID, no body separator) is imported, and every stored row
(events, findings, identifiers, custody payloads), every sealed byte and every rebuilt
analysis document must hash to the digest the import gave before its speed-ups
(53fded5). Only the clock's own values (time stamps with microseconds, which differ
per run) and the custody hashes over them are left out; ``verify`` must pass."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import orjson
import pytest

from spoorvast.importers.registry import builtin_registry
from spoorvast.services.cases import create_case
from spoorvast.services.email_report import email_report
from spoorvast.services.intake import add_paths
from spoorvast.services.verify import verify
from spoorvast.storage.vault import create, open_vault
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.slow  # a vault and 40 messages (about 2 s)

# computed on 53fded5 (before the speed-ups of the mbox import) with this very file
PINNED = "a8ad96f277fed2189ac45446a0d8420ac2712ff3344267426c1e9b19474c42e2"

_CLOCK = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")
_LEFT_OUT = {"settings", "chain_heads", "migrations"}  # the vault's own keys, ids, times


def _messages() -> list[bytes]:
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    out: list[bytes] = []
    for n in range(30):
        kind = n % 10
        head = (f"Received: from mail{n}.example.org (mail{n}.example.org [192.0.2.{n + 1}])"
                f"\n\tby mx.example.net with ESMTPS id q{n};\n\tTue, 3 Mar 2026 13:15:00 +0100\n")
        if kind == 0:  # plain, folded subject
            out.append((head + f"From: Pat Suspect <pat{n}@example.org>\nTo: vic@example.net\n"
                        f"Subject: Bericht {n}\n  met een vouw\nDate: Tue, 3 Mar 2026 13:14:"
                        f"{n:02d} +0100\nMessage-ID: <m{n}@example.org>\n\n"
                        f"Bel 0470 12 34 {n:02d} of mail pat{n}@example.org.\n").encode())
        elif kind == 1:  # encoded words, B and Q, adjacent and broken
            out.append((head + f"From: =?utf-8?q?P=C3=A0t_{n}?= =?utf-8?b?{b64(' Süspect')}?= "
                        f"<pat{n}@example.org>\nTo: =?iso-8859-1?q?Vic_T=E9m?= <vic@example.net>"
                        f"\nSubject: =?utf-8?B?{b64(f'Bericht {n} é ✓')}?= =?x-unknown?q?zz?= "
                        f"=?utf-8?B?!!!?=\nDate: Tue, 3 Mar 2026 13:14:00 +0100\n"
                        f"Message-ID: <m{n}@example.org>\n\nTekst.\n").encode())
        elif kind == 2:  # multipart with an attachment and an HTML part
            out.append((head + f"From: pat{n}@example.org\nTo: vic@example.net\nSubject: "
                        f"Bijlage {n}\nDate: Wed, 4 Mar 2026 09:00:00 +0000\nMessage-ID: <m{n}"
                        "@example.org>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
                        "boundary=\"XYZ\"\n\n--XYZ\nContent-Type: text/plain; charset=utf-8\n"
                        "Content-Transfer-Encoding: quoted-printable\n\nCaf=C3=A9 +32 2 555 12 "
                        "12\n--XYZ\nContent-Type: text/html; charset=utf-8\n\n<p>hallo <b>vic"
                        "</b></p>\n--XYZ\nContent-Type: application/octet-stream; name=\"a.bin"
                        "\"\nContent-Disposition: attachment; filename=\"a.bin\"\n"
                        f"Content-Transfer-Encoding: base64\n\n{b64('binary ' * 9)}\n"
                        "--XYZ--\n").encode())
        elif kind == 3:  # 8-bit headers: UTF-8 and Latin-1
            out.append(head.encode() + b"From: P\xc3\xa0t <pat@example.org>\nTo: vic@ex"
                       b"ample.net\nSubject: Caf\xe9 " + str(n).encode() + b"\nDate: Tue, 3 "
                       b"Mar 2026 13:14:00 +0100\nMessage-ID: <m" + str(n).encode() +
                       b"@example.org>\nContent-Type: text/plain; charset=iso-8859-1\n\n"
                       b"Caf\xe9 au lait.\n")
        elif kind == 4:  # bad date, missing date
            date = "Date: 31 Feb 2026 25:61:00 +9999\n" if n % 20 == 4 else ""
            out.append((head + f"From: pat@example.org\nTo: vic@example.net\nSubject: "
                        f"Datum {n}\n{date}Message-ID: <m{n}@example.org>\n\nGeen datum.\n"
                        ).encode())
        elif kind == 5:  # CRLF line endings
            out.append((head + f"From: pat@example.org\nTo: vic@example.net\nSubject: CRLF "
                        f"{n}\nDate: Tue, 3 Mar 2026 13:14:00 -0800\nMessage-ID: <m{n}@"
                        "example.org>\n\nregel een\nregel twee\n").replace("\n", "\r\n")
                       .encode())
        elif kind == 6:  # a reused Message-ID
            out.append((head + "From: pat@example.org\nTo: vic@example.net\nSubject: Zelfde"
                        f" id {n}\nDate: Tue, 3 Mar 2026 13:14:00 +0100\nMessage-ID: "
                        "<same@example.org>\n\nTweede.\n").encode())
        elif kind == 7:  # a duplicate of the message before the one before
            out.append(out[-1] if out else b"")
        elif kind == 8:  # no body separator; a header with a space before its colon
            out.append((head + f"From : pat@example.org\nSubject: Geen scheiding {n}\n"
                        "X-Odd-Line-Without-Colon\n").encode())
        else:  # long and many header fields, numbers in the body, reply-to
            out.append((head + f"From: \"Pat, S.\" <pat{n}@example.org>\nReply-To: other"
                        f"{n}@example.net\nTo: a@example.net, b@example.net\nCc: c@example"
                        f".net\nSubject: {'lang ' * 30}\nDate: Tue, 03 Mar 2026 13:14:00 GMT"
                        f"\nMessage-ID: <m{n}@example.org>\nX-Mailer: test\n\n"
                        + "Nummer +33 6 12 34 56 78, www.example.com\n" * 4).encode())
    return out


def _normal(value: object) -> object:
    if isinstance(value, str):
        return _CLOCK.sub("<clock>", value)
    if isinstance(value, bytes):
        return "bytes:" + hashlib.sha256(value).hexdigest()
    return value


def _dump(vault_root: Path) -> list[bytes]:
    with open_vault(vault_root, PASSPHRASE) as vault:
        assert verify(vault).ok
        conn = vault.store.conn  # type: ignore[attr-defined]
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
            "'sqlite_%' ORDER BY name")]
        out: list[bytes] = []
        for table in tables:
            if table in _LEFT_OUT:
                continue
            cursor = conn.execute(f"SELECT * FROM \"{table}\"")
            names = [d[0] for d in cursor.description]
            rows = []
            for row in cursor:
                values = dict(zip(names, row, strict=True))
                if table == "custody":  # the hashes cover the entry's time stamp
                    if values["chain"] == "vault":  # the vault's random id
                        continue
                    values.pop("hash"), values.pop("prev_hash")
                rows.append(orjson.dumps([table, {k: _normal(v) for k, v in values.items()}]))
            out.extend(sorted(rows))  # rows in key order (some tables have no rowid)
        case = vault.store.cases()[0]
        for item in vault.store.items(case.id or 0):
            for artifact in vault.store.artifacts(item.id or 0):
                data = vault.blobs.read_bytes(artifact.sha256)
                assert hashlib.sha256(data).hexdigest() == artifact.sha256
                out.append(orjson.dumps(["blob", artifact.sha256, len(data)]))
            report = email_report(vault, item)
            out.append(_CLOCK.sub("<clock>", orjson.dumps(
                [item.number, report], option=orjson.OPT_SORT_KEYS).decode()).encode())
        return out


def test_the_stored_rows_bytes_and_analysis_of_a_varied_mbox_are_pinned(
        tmp_path: Path) -> None:
    path = tmp_path / "varied.mbox"
    with path.open("wb") as out:
        for data in _messages():
            out.write(b"From pat@example.org Tue Mar  3 21:15:00 2026\n" + data + b"\n")
    root = tmp_path / "vault"
    with create(root, PASSPHRASE) as vault:
        create_case(vault, "pinned", "en", "Europe/Brussels")
    with open_vault(root, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        results = add_paths(vault, case, [path], builtin_registry())
        assert [r.status.value for r in results] == ["added"]
    dump = _dump(root)
    digest = hashlib.sha256(b"\n".join(dump)).hexdigest()
    print(digest, len(dump))
    if os.environ.get("PIN_DUMP"):  # to see what differs
        Path(os.environ["PIN_DUMP"]).write_bytes(b"\n".join(dump))
    assert digest == PINNED
