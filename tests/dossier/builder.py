"""A synthetic case, built through the CLI (parties, notes, files) and the storage API
(a conversation with marked messages, a web capture with a WACZ and a trusted
timestamp, an e-mail analysis, an item of a kind the dossier does not know).

Every person and value is invented. Hostile strings test that nothing is evaluated as
Typst markup: they must appear in the PDF exactly as written.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from spoorvast.capture.wacz import PackageInfo, PageEntry, build_wacz
from spoorvast.model import instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Event,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    ItemKind,
)
from spoorvast.storage.vault import Vault, open_vault
from tests import pki
from tests.conftest import PASSPHRASE, Cli

HOSTILE = "#emph[x] ]) $x^2$ <script>alert(1)</script> @ref \\ #{1+1} =head"
HOSTILE_NAME = "photo #1 ]) $x$ @y <script> back\\slash.jpg"
SUSPECT_PHONE = "+32470123456"
THIRD_PHONE = "+32470999888"
SECRET_COOKIE = "sessionid=SYNTHETIC-SECRET-COOKIE-42"
PV = "PV BR.12.LL.012345/2026"
EMAIL_BODY = f"I know where you live. Answer me tonight or call {THIRD_PHONE}."
EML = (b"From: X Synthetic <x@example.invalid>\r\nTo: anna@example.invalid\r\n"
       b"Cc: Third Synthetic <third@example.invalid>\r\n"
       b"Date: Fri, 06 Mar 2026 21:30:00 +0100\r\nSubject: synthetic\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + EMAIL_BODY.encode() + b"\r\n")
VICTIM_PHONE = "+32470555444"
UNLINKED_PHONE = "+32470777666"  # confirmed on the chat, nobody's yet


@dataclass
class Built:
    conversation: Item
    capture: Item
    record: bytes  # capture.json


def gps_jpeg(path: Path) -> None:
    image = Image.new("RGB", (320, 240), "teal")
    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (50.0, 50.0, 24.0), 3: "E", 4: (4.0, 21.0, 6.0)})
    image.save(path, "JPEG", exif=exif)


def png(width: int, height: int, color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def via_cli(cli: Cli, folder: Path, language: str) -> None:
    assert cli("init").code == 0
    assert cli("case", "new", "Berichten van X", "--lang", language,
               "--tz", "Europe/Brussels").code == 0
    for argv in (("party", "add", "victim", "Anna Synthetic"),
                 ("party", "add", "suspect", "Xavier Synthetic"),
                 ("party", "id", "add", "Xavier Synthetic", "--phone", SUSPECT_PHONE),
                 ("party", "id", "add", "Xavier Synthetic", "--email", "x@example.invalid"),
                 ("party", "id", "add", "Xavier Synthetic", "--account", "x_synth",
                  "--platform", "Instagram", "--id", "1790001"),
                 ("party", "id", "add", "Anna Synthetic", "--email", "anna@example.invalid"),
                 ("party", "id", "add", "Anna Synthetic", "--phone", VICTIM_PHONE),
                 ("note", "add", "--kind", "police-report", "--reference", PV, "--authority",
                  "PZ Synthetic", "--at", "2026-02-10 10:00", "First report"),
                 ("note", "add", "--kind", "impact", f"I cannot sleep {HOSTILE}"),
                 ("note", "add", "--kind", "requested-action", "--amount", "150",
                  "--currency", "EUR", "--at", "2026-03-01 20:00", "He made me pay")):
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)
    photo = folder / HOSTILE_NAME
    gps_jpeg(photo)
    (folder / "shot.png").write_bytes(png(300, 900, "orange"))
    assert cli("add", str(photo), str(folder / "shot.png"), "--no-read").code == 0  # read below


def _artifact(vault: Vault, role: ArtifactRole, name: str, media_type: str, data: bytes,
              derived_from: str | None = None) -> Artifact:
    blob = vault.blobs.ingest_bytes(data)
    return Artifact(None, None, role, media_type, blob.size, blob.sha256, name,
                    instant.now("Europe/Brussels"), derived_from)


def _item(vault: Vault, case_id: int, kind: ItemKind, title: str, importer: str,
          artifacts: list[Artifact]) -> Item:
    with vault.store.transaction() as tx:
        return tx.add_item(Item(None, case_id, 0, kind, title,
                                instant.now("Europe/Brussels"), importer), artifacts)


def conversation(vault: Vault, case_id: int, messages: int = 12) -> Item:
    item = _item(vault, case_id, ItemKind.CONVERSATION, "WhatsApp chat with X", "whatsapp",
                 [_artifact(vault, ArtifactRole.ORIGINAL, "chat.txt", "text/plain",
                            b"synthetic chat export\n")])
    actors = (f"phone:{SUSPECT_PHONE}", f"phone:{THIRD_PHONE}", "name:Anna")
    events = [Event(None, case_id, item.id, "message",
                    instant.from_user_text(f"2026-03-0{1 + n % 8} 2{n % 4}:1{n % 10}",
                                           "Europe/Brussels"),
                    f"message {n} {HOSTILE}" if n % 3 == 0 else
                    f"message {n} call me on {THIRD_PHONE}",
                    actor=actors[n % 3], marked=n % 4 == 0)
              for n in range(messages)]
    with vault.store.transaction() as tx:
        tx.add_events(item, events)
    return item


def capture(vault: Vault, case_id: int, tsa: Path) -> tuple[Item, bytes]:
    record = json.dumps({"schema": "spoorvast.capture-record/1",
                         "requested_url": "https://example.invalid/profile/x?a=1#frag",
                         "final_url": "https://example.invalid/profile/x", "status": 200,
                         "title": f"Profile {HOSTILE}",
                         "statement": {"proves": ["synthetic proof line"],
                                       "does_not_prove": ["synthetic limit line"]}},
                        sort_keys=True).encode()
    record_art = _artifact(vault, ArtifactRole.ANALYSIS, "capture.json", "application/json",
                           record)
    warc = _warc_with_cookie()
    wacz = build_wacz(warc, [PageEntry("https://example.invalid/", "2026-03-01T20:00:00Z",
                                       "x")], PackageInfo("t", "2026-03-01T20:00:00Z", "t"))
    artifacts = [
        _artifact(vault, ArtifactRole.SCREENSHOT, "screenshot.png", "image/png",
                  png(400, 2400, "purple")),
        record_art,
        _artifact(vault, ArtifactRole.WACZ, "capture.wacz", "application/wacz+zip", wacz),
        _artifact(vault, ArtifactRole.TIMESTAMP_TOKEN, "capture.json.tsr",
                  "application/timestamp-reply", pki.token(tsa, record), record_art.sha256),
        _artifact(vault, ArtifactRole.TIMESTAMP_CERTS, "tsa-chain.pem",
                  "application/x-pem-file", pki.chain(tsa), record_art.sha256),
    ]
    return _item(vault, case_id, ItemKind.CAPTURE, "https://example.invalid/profile/x",
                 "capture", artifacts), record


def _warc_with_cookie() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.invalid"),
                                                  ("Cookie", SECRET_COOKIE)],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "https://example.invalid/", "request", payload=io.BytesIO(b""), length=0,
        http_headers=headers))
    return out.getvalue()


def email(vault: Vault, case_id: int) -> Item:
    analysis = json.dumps({"verdict": {lang: [f"verdict line ({lang}) {HOSTILE}"]
                                       for lang in ("nl", "fr", "de", "en")},
                           "source_sha256": "ab" * 32,
                           "analysis": {"hops": [
                               {"number": 2, "delay_seconds": 3.2, "skew": False,
                                "hop": {"by": "mx.example.invalid",
                                        "date": {"raw": "Fri, 06 Mar 2026 21:30:05 +0100"}}},
                               {"number": 1, "hop": {"helo": "laptop", "ip": "192.0.2.7",
                                                     "by": "smtp.example.invalid"}}]}}).encode()
    item = _item(vault, case_id, ItemKind.EMAIL, "Re: synthetic", "email", [
        _artifact(vault, ArtifactRole.ORIGINAL, "message.eml", "message/rfc822", EML),
        _artifact(vault, ArtifactRole.ATTACHMENT, "threat.pdf", "application/pdf",
                  b"%PDF-1.4 synthetic"),
        _artifact(vault, ArtifactRole.ANALYSIS, "analysis.json", "application/json",
                  analysis)])
    event = Event(None, case_id, item.id, "email",
                  instant.from_user_text("2026-03-06 21:30", "Europe/Brussels"),
                  "x@example.invalid: synthetic")  # as the importer writes it: no actor
    with vault.store.transaction() as tx:
        tx.add_events(item, [event])
    return item


def call_log(vault: Vault, case_id: int) -> Item:
    """Three calls: one from the suspect (2 min 5 s), one the victim made to the suspect
    (not the suspect's contact), one from a hidden number."""
    item = _item(vault, case_id, ItemKind.CALL_LOG, "calls.csv", "call-log-csv",
                 [_artifact(vault, ArtifactRole.ORIGINAL, "calls.csv", "text/csv",
                            b"number,datetime,direction,duration_seconds\n")])
    def at(text: str) -> instant.Instant:
        return instant.from_user_text(text, "Europe/Brussels")
    events = [Event(None, case_id, item.id, "call", at("2026-03-09 22:05"), "",
                    actor=f"phone:{SUSPECT_PHONE}",
                    details=(("direction", "in"), ("duration", "125"))),
              Event(None, case_id, item.id, "call", at("2026-03-09 22:30"), "",
                    actor=f"phone:{SUSPECT_PHONE}", details=(("direction", "out"),)),
              Event(None, case_id, item.id, "call", at("2026-03-10 03:12"), "",
                    details=(("direction", "missed"), ("number_hidden", "1")))]
    with vault.store.transaction() as tx:
        tx.add_events(item, events)
    return item


OCR_MESSAGE = f"you will regret this, ask {THIRD_PHONE}"


def ocr_reading(vault: Vault, case_id: int) -> None:
    """What ``spoorvast ocr`` stores for shot.png: two chat messages read from it."""
    item = next(i for i in vault.store.items(case_id) if i.title == "shot.png")
    picture = vault.store.artifacts(item.id or 0)[0]
    document = {"format": "spoorvast-ocr/1", "engine": "tesseract 5.3.0",
                "text": f"Xavier\n{OCR_MESSAGE}\nok",
                "messages": [{"side": "left", "text": OCR_MESSAGE, "region": [12, 340, 220, 48],
                              "time": {"raw": "21:05", "hour": 21, "minute": 5},
                              "day": {"raw": "Vandaag", "date": None}},
                             {"side": "right", "text": "ok", "region": [180, 400, 100, 40],
                              "time": None, "day": None}]}
    with vault.store.transaction() as tx:
        tx.add_artifact(item, _artifact(vault, ArtifactRole.OCR_TEXT, "shot.ocr.json",
                                        "application/json", json.dumps(document).encode(),
                                        picture.sha256))


def build_case(cli: Cli, vault_dir: Path, folder: Path, language: str = "nl",
               messages: int = 12) -> Built:
    via_cli(cli, folder, language)
    tsa = pki.make_pki(folder / "pki")
    with open_vault(vault_dir, PASSPHRASE) as vault:
        case_id = vault.store.cases()[0].id or 0
        chat = conversation(vault, case_id, messages)
        captured, record = capture(vault, case_id, tsa)
        email(vault, case_id)
        _item(vault, case_id, ItemKind.FILE, "mystery.bin", "no-such-importer",
              [_artifact(vault, ArtifactRole.ORIGINAL, "mystery.bin",
                         "application/octet-stream", bytes(range(256)))])
        call_log(vault, case_id)
        with vault.store.transaction() as tx:
            tx.add_identifier(Identifier(None, case_id, IdentifierKind.PHONE, UNLINKED_PHONE,
                                         status=IdentifierStatus.CONFIRMED, item_id=chat.id))
        ocr_reading(vault, case_id)
    return Built(chat, captured, record)
