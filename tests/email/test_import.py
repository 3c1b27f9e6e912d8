"""End to end through the CLI: .eml, mbox, .msg and pasted headers into a real vault."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from spoorvast.analysis.email.analyse import Options, analyse
from spoorvast.model.serialize import to_json
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.email.olewriter import write_cfb

DATA = Path(__file__).parent.parent / "data" / "email"
ZONE = "Europe/Brussels"


def _store(vault_dir: Path):  # type: ignore[no-untyped-def]
    return open_vault(vault_dir, PASSPHRASE, writable=False)


def test_eml_end_to_end(case_vault: Path, cli: Cli) -> None:
    result = cli("add", "--json", str(DATA / "postfix-multipart.eml"))
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["kind"] == "email"
    shown = json.loads(cli("show", "--json", "E-0001").out)
    roles = [(a["role"], a["name"], a["media_type"]) for a in shown["artifacts"]]
    assert roles == [("original", "postfix-multipart.eml", "message/rfc822"),
                     ("attachment", "body-3.html", "text/html"),
                     ("attachment", "foto.png", "image/png"),
                     ("analysis", "email-analysis.json", "application/json")]
    original = shown["sha256"]
    assert all(a["derived_from"] == original for a in shown["artifacts"][1:])
    analysis = shown["analysis"]
    assert analysis["source_sha256"] == original
    body = analysis["analysis"]
    assert body["sending_ip"] == "192.0.2.10"
    assert [h["side"] for h in body["hops"]] == ["sender-claimed", "hand-over", "recipient"]
    assert [h["delay_seconds"] for h in body["hops"]] == [None, 6.0, 2.0]
    assert (body["alignment"]["result"], body["alignment"]["reason"]) == ("pass", "spf-aligned")
    assert body["alignment"]["spf_result"] == "pass"
    assert body["subject"] == "Café op dinsdag"
    codes = {i["code"] for i in body["indicators"]}
    assert {"display-shows-other-address", "reply-to-differs", "no-dkim-signature"} <= codes
    assert set(analysis["verdict"]) == {"nl", "fr", "de", "en"}
    assert analysis["verdict"]["nl"][0].startswith("Verzonden vanaf de server 192.0.2.10")
    with _store(case_vault) as vault:
        events = vault.store.events(1)
        identifiers = vault.store.identifiers(1)
    assert [(e.kind, e.instant.utc.isoformat() if e.instant else None) for e in events] == [
        ("email", "2026-03-03T21:15:00+00:00")]
    assert events[0].instant is not None and events[0].instant.offset_seconds == 3600
    assert sorted((i.kind.value, i.value) for i in identifiers) == [
        ("email", "bounce+abc@mailer.example.org"), ("email", "pat.alt@example.org"),
        ("email", "pat.suspect@example.org"), ("email", "peter@other.example"),
        ("phone", "+32470123456")]
    text = cli("show", "E-0001").out
    assert "E-mail header analysis" in text and "<script>" not in text


def test_line_endings_give_the_same_analysis() -> None:
    crlf = (DATA / "postfix-multipart.eml").read_bytes()
    results = []
    for ending in (b"\r\n", b"\n", b"\r"):
        data = crlf.replace(b"\r\n", ending)
        body = to_json(analyse(data, "0" * 64, Options(ZONE)))
        for key in ("line_endings", "body_offset", "hops", "problems"):
            body.pop(key)
        results.append(body)
    assert results[0] == results[1] == results[2]


def test_defects_become_findings_never_a_crash(case_vault: Path, cli: Cli) -> None:
    assert cli("add", str(DATA / "duplicate-from-no-date.eml")).code == 0
    shown = json.loads(cli("show", "--json", "1").out)
    codes = sorted(f["code"] for f in shown["findings"])
    assert codes == ["email.date-missing", "email.header-8bit", "email.header-not-a-field",
                     "email.mime-defect"]  # the stdlib parser's own view of that line
    located = {f["code"]: f["location"] for f in shown["findings"]}
    assert located["email.header-not-a-field"]["line"] == 6
    body = shown["analysis"]["analysis"]
    assert [a["mailbox"] for a in body["from_"]] == ["pat.suspect@example.org",
                                                      "security@bank.example"]
    indicators = {i["code"] for i in body["indicators"]}
    assert "duplicate-header" in indicators and "several-from-without-sender" in indicators
    assert body["subject"] == "Café in 8 bit"
    with _store(case_vault) as vault:
        [event] = vault.store.events(1)
    assert event.instant is not None and event.instant.utc.isoformat().startswith("2026-03-03")


def _mbox(tmp_path: Path) -> tuple[Path, bytes, bytes]:
    one = (DATA / "postfix-multipart.eml").read_bytes().replace(b"\r\n", b"\n")
    two = one.replace(b"<m1@example.org>", b"<m2@example.org>")
    envelope = b"From pat.suspect@example.org Tue Mar  3 21:15:00 2026\n"
    data = b"".join([envelope, one, b"\n", envelope, two, b"\n", envelope, one, b"\n"])
    path = tmp_path / "inbox.mbox"
    path.write_bytes(data)
    return path, one, two


def test_mbox_one_item_per_message_with_byte_offsets(case_vault: Path, cli: Cli,
                                                     tmp_path: Path) -> None:
    path, one, two = _mbox(tmp_path)
    result = json.loads(cli("add", "--json", str(path)).out)
    assert result[0]["items"] == ["E-0001", "E-0002", "E-0003"]
    container = json.loads(cli("show", "--json", "1").out)
    assert container["sha256"] == result[0]["sha256"]
    index = container["analysis"]
    assert index["messages"] == 3
    offsets = [(r["from_line_offset"], r["byte_start"], r["byte_end"]) for r in index["index"]]
    data = path.read_bytes()
    for (from_offset, start, end), expected in zip(offsets, [one, two, one], strict=True):
        assert data[from_offset:].startswith(b"From pat.suspect")
        assert data[start:end] == expected
    assert index["duplicates"][0]["number"] == 3
    assert [f["code"] for f in container["findings"]] == ["email.mbox-duplicate"]
    message = json.loads(cli("show", "--json", "2").out)
    assert message["artifacts"][0]["derived_from"] == container["sha256"]
    assert message["analysis"]["mbox"]["from_line_offset"] == 0
    exported = tmp_path / "out"
    assert cli("export-original", "E-0003", "--to", str(exported)).code == 0
    assert next(exported.iterdir()).read_bytes() == two
    assert cli("add", str(path)).code == 0  # the same mbox again: a duplicate
    with _store(case_vault) as vault:
        assert len(vault.store.items(1)) == 3
    assert cli("verify").code == 0


def _msg(headers: str | None) -> bytes:
    files = {
        ("__substg1.0_0037001F",): "Afspraak".encode("utf-16-le"),
        ("__substg1.0_1000001F",): "Bel 0470 12 34 56".encode("utf-16-le"),
        ("__substg1.0_5D01001F",): "pat.suspect@example.org".encode("utf-16-le"),
        ("__attach_version1.0_#00000000", "__substg1.0_37010102"): b"\x89PNG" + b"x" * 5000,
        ("__attach_version1.0_#00000000", "__substg1.0_3707001F"): "foto.png".encode(
            "utf-16-le"),
        ("__properties_version1.0",): b"\0" * 32 + struct.pack(
            "<IIQ", (0x0039 << 16) | 0x0040, 0, 134_195_373_000_000_000),
    }
    if headers is not None:
        files[("__substg1.0_007D001F",)] = headers.encode("utf-16-le")
    return write_cfb(files)


def test_msg_with_transport_headers(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    headers = (DATA / "postfix-multipart.eml").read_text().split("\r\n\r\n")[0] + "\r\n\r\n"
    path = tmp_path / "bericht.msg"
    path.write_bytes(_msg(headers))
    assert cli("add", str(path)).code == 0
    shown = json.loads(cli("show", "--json", "1").out)
    assert shown["importer"] == "outlook-msg"
    names = [(a["role"], a["name"]) for a in shown["artifacts"]]
    assert names == [("original", "bericht.msg"), ("attachment", "transport-headers.txt"),
                     ("attachment", "foto.png"), ("analysis", "email-analysis.json")]
    body = shown["analysis"]["analysis"]
    assert body["sending_ip"] == "192.0.2.10"
    assert body["alignment"]["reason"] == "spf-aligned"
    assert [c["status"] for c in body["dkim"]] == []


def test_msg_without_headers_says_how_to_get_them(case_vault: Path, cli: Cli,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "concept.msg"
    path.write_bytes(_msg(None))
    assert cli("add", str(path)).code == 0
    shown = json.loads(cli("show", "--json", "1").out)
    [finding] = shown["findings"]
    assert finding["code"] == "email.msg-no-headers"
    assert "add-headers" in finding["message"]
    with _store(case_vault) as vault:
        [event] = vault.store.events(1)
        values = sorted(i.value for i in vault.store.identifiers(1))
    assert event.instant is not None and event.instant.utc.year == 2026
    assert values == ["+32470123456", "pat.suspect@example.org"]


def test_add_headers_from_stdin_is_a_labelled_copy(case_vault: Path, cli: Cli,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    typed = (DATA / "postfix-multipart.eml").read_bytes().split(b"\r\n\r\n")[0] + b"\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(typed)))
    result = cli("add-headers")
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "--json", "1").out)
    assert shown["importer"] == "email-headers"
    assert shown["title"] == "Geplakte e-mailkopvelden (kopie, geen origineel)"
    assert next(f["code"] for f in shown["findings"]) == "email.pasted-copy"
    assert shown["analysis"]["copy"] is True
    with _store(case_vault) as vault:
        assert vault.blobs.read_bytes(shown["sha256"]) == typed
    assert cli("add-headers", "--json").code == 2  # empty stdin now


@pytest.mark.slow
def test_a_20_mb_attachment_is_sealed_with_its_own_hash(case_vault: Path, cli: Cli,
                                                        tmp_path: Path) -> None:
    import base64
    import hashlib
    import os

    payload = os.urandom(20 << 20)  # under MESSAGE_LIMIT once base64-encoded
    head = (DATA / "postfix-multipart.eml").read_bytes().split(b"--b1\r\nContent-Type: image")[0]
    attachment = (b"--b1\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; "
                  b"filename=\"clip.mp4\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                  base64.encodebytes(payload).replace(b"\n", b"\r\n") + b"--b1--\r\n")
    path = tmp_path / "big.eml"
    path.write_bytes(head + attachment)
    assert cli("add", str(path)).code == 0
    shown = json.loads(cli("show", "--json", "1").out)
    clip = next(a for a in shown["artifacts"] if a["name"] == "clip.mp4")
    assert clip["sha256"] == hashlib.sha256(payload).hexdigest()
    assert clip["size"] == len(payload)
