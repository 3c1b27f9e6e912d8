"""Messages embedded in an Outlook .msg become items of their own."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli
from tests.email.helpers import BASE, delivered
from tests.email.olewriter import write_cfb

ATTACH = "__attach_version1.0_#00000000"
EMBEDDED = "__substg1.0_3701000D"


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def test_an_embedded_message_and_its_own_embedded_message_are_items(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    headers = delivered(BASE.encode()).split(b"\r\n\r\n")[0].decode() + "\r\n\r\n"
    inner = (ATTACH, EMBEDDED)
    deeper = (*inner, ATTACH, EMBEDDED)
    files = {
        ("__substg1.0_0037001F",): _utf16("Fw: look at this"),
        ("__substg1.0_1000001F",): _utf16("See the attached message."),
        ("__properties_version1.0",): b"\0" * 32,
        (*inner, "__substg1.0_007D001F"): _utf16(headers),
        (*inner, "__substg1.0_1000001F"): _utf16("Bel me op 0470 12 34 56."),
        (*inner, "__substg1.0_0037001F"): _utf16("Synthetic test message"),
        (*inner, "__properties_version1.0"): b"\0" * 24,
        (*deeper, "__substg1.0_1000001F"): _utf16("An older message, no headers."),
        (*deeper, "__substg1.0_5D01001F"): _utf16("pat.old@example.org"),
        (*deeper, "__properties_version1.0"): b"\0" * 24,
    }
    path = tmp_path / "forward.msg"
    path.write_bytes(write_cfb(files))
    assert cli("add", str(path)).code == 0
    outer = json.loads(cli("show", "--json", "1").out)
    first = json.loads(cli("show", "--json", "2").out)
    second = json.loads(cli("show", "--json", "3").out)
    assert first["title"] == "forward.msg / embedded-1.msg"
    assert first["artifacts"][0]["derived_from"] == outer["sha256"]
    analysis = first["analysis"]["analysis"]
    assert analysis["sending_ip"] == "192.0.2.10"
    assert analysis["from_"][0]["mailbox"] == "pat.suspect@example.org"
    assert first["findings"][0]["code"] == "email.msg-embedded"
    assert second["title"] == "forward.msg / embedded-1.msg / embedded-1.msg"
    assert [f["code"] for f in second["findings"]] == ["email.msg-embedded",
                                                       "email.msg-no-headers"]
    assert cli("verify").code == 0


def test_an_attachment_without_data_is_said_not_dropped(case_vault: Path, cli: Cli,
                                                        tmp_path: Path) -> None:
    files = {
        ("__substg1.0_0037001F",): _utf16("Link to a file"),
        ("__substg1.0_1000001F",): _utf16("The file is on the share."),
        ("__properties_version1.0",): b"\0" * 32,
        (ATTACH, "__substg1.0_3707001F"): _utf16("plan.docx"),  # by reference: no data
        (ATTACH, "__properties_version1.0"): b"\0" * 8,
    }
    path = tmp_path / "by-reference.msg"
    path.write_bytes(write_cfb(files))
    assert cli("add", str(path)).code == 0
    shown = json.loads(cli("show", "--json", "1").out)
    codes = [f["code"] for f in shown["findings"]]
    assert "email.msg-attachment-without-data" in codes
