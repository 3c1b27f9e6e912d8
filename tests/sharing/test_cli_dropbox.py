"""The drop-box commands in-process with a real server: a link (and QR file) for a
phone, the phone drops, ``case sync`` seals it, ``case access`` says who dropped what
and when, ``case dropbox list`` and ``revoke``; local custody verifies."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
import pytest

from spoorvast.services.sharing import drops
from spoorvast.services.sharing.api import ServerRefused
from tests.conftest import Cli
from tests.sharing.conftest import OPERATOR_TOKEN, Harness

pytestmark = pytest.mark.slow


def test_a_phone_link_from_the_command_line(server: Harness, cli: Cli, tmp_path: Path,
                                            vault_dir: Path) -> None:
    ann = ["--vault", str(tmp_path / "ann")]
    assert cli(*ann, "init").code == 0
    assert cli(*ann, "case", "new", "Berichten van X", "--lang", "en").code == 0
    account = re.search(r"account: (\S+)", cli(
        *ann, "case", "join", server.url, "--operator-token", OPERATOR_TOKEN).out)
    org = re.search(r"Organisation (\S+)", cli(*ann, "org", "create", "--server",
                                                 server.url, "--operator-token",
                                                 OPERATOR_TOKEN).out)
    assert account and org
    assert cli(*ann, "org", "grant", "--server", server.url, org[1], account[1],
               "client").code == 0
    assert cli(*ann, "case", "share", "--server", server.url, "--org", org[1],
               "--name", "Ann").code == 0
    bad = cli(*ann, "case", "dropbox", "add", "--purpose", "my phone", "--qr",
              str(tmp_path / "qr.gif"))
    assert bad.code != 0 and "qr.gif" in bad.err and "Traceback" not in bad.err
    made = cli(*ann, "case", "dropbox", "add", "--purpose", "my phone", "--days", "7",
               "--qr", str(tmp_path / "qr.svg"))
    assert made.code == 0, made.err
    assert (tmp_path / "qr.svg").read_text().lstrip().startswith("<")
    link = re.search(r"(http\S+/drop#pair=\S+)", made.out)
    assert link

    with httpx.Client(base_url=server.url, timeout=60) as http:
        phone = drops.Dropper.pair(http, link[1])
        phone.drop("screenshot.txt", io.BytesIO(b"a threat, as text\n"), 18)
        synced = cli(*ann, "case", "sync")
        assert synced.code == 0 and "From the drop box: E-0001" in synced.out, synced.err
        access = cli(*ann, "case", "access").out
        assert re.search(r"Ann made drop-box link \S+ on", access), access
        assert re.search(r"E-0001 was dropped through drop-box link \S+ on .* at \d\d:\d\d",
                         access), access
        assert "Ann opened E-0001 (from the drop box)" in access
        listed = cli(*ann, "case", "dropbox", "list").out
        assert "my phone" in listed and "phone paired" in listed and "1 file" in listed
        grant = re.search(r"Drop-box link (\S+)\.", made.out)
        assert grant
        assert cli(*ann, "case", "dropbox", "revoke", grant[1]).code == 0
        with pytest.raises(ServerRefused):
            phone.drop("late.txt", io.BytesIO(b"too late\n"), 9)
        assert "revoked" in cli(*ann, "case", "dropbox", "list").out
    checked = cli(*ann, "verify")
    assert checked.code == 0, checked.out + checked.err
