"""An mbox message's analysis document is rebuilt when read, not sealed per message: the
same document the import would have sealed, for every reader (show, the web view, the
dossier); sealed as before when the analysis used something besides the bytes (keys)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pytest

from spoorvast.analysis.email.analyse import Options, analyse
from spoorvast.analysis.email.report import report
from spoorvast.dossier.sections import item_sections
from spoorvast.importers.email.common import ANALYSIS_NAME
from spoorvast.model.records import ArtifactRole
from spoorvast.services.email_report import email_report
from spoorvast.services.email_view import email_view
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli

DATA = Path(__file__).parent.parent / "data" / "email"
ENVELOPE = b"From pat.suspect@example.org Tue Mar  3 21:15:00 2026\n"


def _mbox(tmp_path: Path) -> tuple[Path, bytes]:
    one = (DATA / "postfix-multipart.eml").read_bytes().replace(b"\r\n", b"\n")
    two = one.replace(b"<m1@example.org>", b"<m2@example.org>")
    path = tmp_path / "inbox.mbox"
    path.write_bytes(b"".join([ENVELOPE, one, b"\n", ENVELOPE, two, b"\n"]))
    return path, two


def _expected(data: bytes, mbox_sha: str, start: int, end: int) -> object:
    """The document the import sealed per message before (same call, same extra)."""
    sha = hashlib.sha256(data).hexdigest()
    extra = {"mbox": {"sha256": mbox_sha, "number": 2, "from_line_offset": start - len(
        ENVELOPE), "byte_start": start, "byte_end": end,
        "envelope": ENVELOPE.decode().rstrip("\n")}}
    return orjson.loads(orjson.dumps(report(analyse(data, sha, Options("Europe/Brussels")),
                                            "Europe/Brussels", extra)))


@pytest.mark.slow  # a CLI add into a real vault (≈5 s on the loaded machine)
def test_a_message_analysis_is_rebuilt_identical_for_every_reader(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path, two = _mbox(tmp_path)
    assert cli("add", str(path)).code == 0
    mbox_sha = json.loads(cli("show", "--json", "1").out)["sha256"]
    start = path.read_bytes().index(two)
    expected = _expected(two, mbox_sha, start, start + len(two))
    shown = json.loads(cli("show", "--json", "3").out)
    assert [a["role"] for a in shown["artifacts"]].count("analysis") == 0
    assert shown["analysis"] == expected
    with open_vault(case_vault, PASSPHRASE) as vault:
        item = vault.store.item(1, 3)
        assert item is not None
        assert email_report(vault, item) == expected
        view = email_view(vault, item, "nl")
        assert view is not None and view.hops and view.verdict[0].startswith("Verzonden")
        sections, _note = item_sections(vault, item, tuple(vault.store.artifacts(item.id or 0)),
                                        "nl")
        assert sections  # the dossier's header analysis section
        container = vault.store.item(1, 1)
        assert container is not None and email_view(vault, container, "nl") is None
    assert cli("verify").code == 0


@pytest.mark.slow
def test_an_mbox_read_with_a_given_key_still_seals_each_analysis(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path, _two = _mbox(tmp_path)
    key = tmp_path / "key.txt"
    key.write_text("v=DKIM1; k=rsa; p=")
    assert cli("add", "--dkim-key", f"s1._domainkey.example.org={key}", str(path)).code == 0
    with open_vault(case_vault, PASSPHRASE) as vault:
        item = vault.store.item(1, 2)
        assert item is not None
        names = [a.name for a in vault.store.artifacts(item.id or 0)
                 if a.role is ArtifactRole.ANALYSIS]
        assert names == [ANALYSIS_NAME]
