"""The sharing commands in-process, two vaults and a real server: join (account), org,
share, invite (fingerprint compared), join, sync both ways, members, access, remove."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Cli, png_bytes
from tests.sharing.conftest import OPERATOR_TOKEN, Harness


def test_two_vaults_share_through_the_commands(server: Harness, cli: Cli, tmp_path: Path,
                                               vault_dir: Path) -> None:
    ann, bo = ["--vault", str(tmp_path / "ann")], ["--vault", str(tmp_path / "bo")]
    for who in (ann, bo):
        assert cli(*who, "init").code == 0
    assert cli(*ann, "case", "new", "Berichten van X", "--lang", "nl").code == 0
    photo = tmp_path / "threat.png"
    photo.write_bytes(png_bytes(color="red", text_seed=9))
    assert cli(*ann, "add", str(photo)).code == 0

    refused = cli(*bo, "case", "join", server.url)  # no invitation: no account
    assert refused.code != 0 and "by invitation only" in refused.err, refused.err
    ann_account = re.search(r"account: (\S+)", cli(
        *ann, "case", "join", server.url, "--operator-token", OPERATOR_TOKEN).out)
    assert cli(*ann, "org", "create", "--server", server.url).code != 0  # not the operator
    org = re.search(r"Organisation (\S+)", cli(*ann, "org", "create", "--server", server.url,
                                                 "--operator-token", OPERATOR_TOKEN).out)
    assert ann_account and org
    code = re.search(r"--invitation (\S+)", cli(*ann, "org", "invite", "--server",
                                                 server.url, org[1], "--role",
                                                 "caseworker").out)
    assert code
    account = cli(*bo, "case", "join", server.url, "--invitation", code[1])
    assert account.code == 0, account.err
    bo_account = re.search(r"account: (\S+)", account.out)
    bo_words = re.search(r"fingerprint: (.+)", account.out)
    assert bo_account and bo_words
    assert cli(*ann, "org", "grant", "--server", server.url, org[1], ann_account[1],
               "client").code == 0
    shared = cli(*ann, "case", "share", "--server", server.url, "--org", org[1],
                 "--name", "Ann", "--purpose", "support")
    assert shared.code == 0, shared.err
    wrong = cli(*ann, "case", "invite", bo_account[1], "--name", "Bo",
                "--fingerprint", "not the words")
    assert wrong.code != 0 and "not confirmed" in wrong.err
    invited = cli(*ann, "case", "invite", bo_account[1], "--name", "Bo",
                  "--fingerprint", bo_words[1])
    assert invited.code == 0, invited.err
    invitation = re.search(r"invitation: (\S+)", invited.out)
    assert invitation
    joined = cli(*bo, "case", "join", invitation[1])
    assert joined.code == 0 and "1 item received" in joined.out, joined.err

    for who in (ann, bo):  # the local custody logs, with the sharing entries, verify
        checked = cli(*who, "verify")
        assert checked.code == 0, checked.out + checked.err
        assert re.search(r"Shared case \d+: \d+ entries of its kept chain checked without "
                         r"the server; signed by .*the server ×\d+", checked.out), checked.out
    members = cli(*ann, "case", "members")
    assert "Bo" in members.out and bo_words[1].split()[0] in members.out
    access = cli(*ann, "case", "access")
    assert re.search(r"Bo opened E-0001 on .* at \d\d:\d\d", access.out), access.out
    assert cli(*ann, "case", "remove", bo_account[1]).code == 0
    again = cli(*bo, "case", "sync")
    assert again.code != 0 and "refused" in again.err and "Traceback" not in again.err
