"""verify detects every kind of tampering and names what it found."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spoorvast.storage.packs import Located
from spoorvast.storage.vault import Vault, open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.storage.tamper import cut_short, flip_byte


@pytest.fixture(scope="module")
def filled_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault with one case and the four samples added and verified, made once for the
    module; each test tampers with its own copy (``filled``)."""
    from spoorvast.cli.app import run
    from tests.conftest import png_bytes, wav_bytes

    folder = tmp_path_factory.mktemp("filled")
    path = folder / "vault"
    files = {"screenshot1.png": png_bytes(64, 48, "red", 1),
             "screenshot2.png": png_bytes(80, 60, "green", 2), "opname.wav": wav_bytes(1.5),
             "notes.txt": b"Synthetic note about a synthetic person.\n"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SPOORVAST_VAULT", str(path))
        env.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
        assert run(["init"]) == 0
        assert run(["case", "new", "Berichten van X", "--lang", "nl",
                    "--tz", "Europe/Brussels"]) == 0
        assert run(["add", *(str(folder / name) for name in files)]) == 0
        assert run(["verify"]) == 0
    return path


@pytest.fixture
def filled(filled_once: Path, vault_dir: Path) -> Path:
    shutil.copytree(filled_once, vault_dir, symlinks=True)
    return vault_dir


def sql(vault_dir: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    with open_vault(vault_dir, PASSPHRASE) as vault:
        vault.store.conn.execute(statement, params)


def sha_of(vault: Vault, label_number: int) -> str:
    item = vault.store.item(1, label_number)
    assert item is not None and item.id is not None
    return vault.store.artifacts(item.id)[0].sha256


def blob_of(vault_dir: Path, label_number: int) -> Located:
    """Where the item's original is stored (a pack record or a file of its own)."""
    with open_vault(vault_dir, PASSPHRASE, writable=False) as vault:
        where = vault.blobs.location(sha_of(vault, label_number))
    assert where is not None
    return where


def lose(vault_dir: Path, label_number: int) -> None:
    with open_vault(vault_dir, PASSPHRASE) as vault:
        vault.blobs.remove(sha_of(vault, label_number))


def problems(cli: Cli) -> list[dict[str, object]]:
    result = cli("verify", "--json")
    assert result.code == 9
    report = json.loads(result.out)
    assert report["ok"] is False
    return list(report["problems"])


def test_one_flipped_byte_in_a_blob(filled: Path, cli: Cli) -> None:
    where = blob_of(filled, 2)
    flip_byte(where.pack, where.offset + where.length // 2)
    found = problems(cli)
    assert [(p["code"], p["subject"]) for p in found] == [("blob-damaged", "E-0002 (original)")]
    assert "authentication-failed" in str(found[0]["detail"])
    human = cli("verify")
    assert human.code == 9 and "E-0002" in human.out and "verify found 1 problem" in human.err


def test_removed_blob(filled: Path, cli: Cli) -> None:
    lose(filled, 3)
    assert [(p["code"], p["subject"]) for p in problems(cli)] == [
        ("blob-missing", "E-0003 (original)")]


def test_truncated_blob(filled: Path, cli: Cli) -> None:
    with open_vault(filled, PASSPHRASE) as vault:
        cut_short(vault.blobs, sha_of(vault, 1), 5)
    assert [p["code"] for p in problems(cli)] == ["blob-damaged"]


def test_deleted_custody_entry_in_the_middle(filled: Path, cli: Cli) -> None:
    sql(filled, "DELETE FROM custody WHERE chain = 'case-1' AND seq = 3")
    codes = {p["code"] for p in problems(cli)}
    assert "gap" in codes and "broken-link" in codes


def test_deleted_last_custody_entry(filled: Path, cli: Cli) -> None:
    sql(filled, "DELETE FROM custody WHERE chain = 'case-1' AND "
                "seq = (SELECT max(seq) FROM custody WHERE chain = 'case-1')")
    codes = {p["code"] for p in problems(cli)}
    assert "head-mismatch" in codes
    assert "row-without-custody" in codes


def test_edited_item_row(filled: Path, cli: Cli) -> None:
    sql(filled, "UPDATE items SET title = 'something else' WHERE number = 2")
    assert [(p["code"], p["subject"]) for p in problems(cli)] == [("row-changed", "item #2")]


def test_edited_artifact_hash_row(filled: Path, cli: Cli) -> None:
    sql(filled, "UPDATE artifacts SET sha256 = ? WHERE id = 1", ("0" * 64,))
    codes = sorted(p["code"] for p in problems(cli))
    assert codes == ["blob-missing", "row-changed"]


def test_edited_custody_payload(filled: Path, cli: Cli) -> None:
    sql(filled, "UPDATE custody SET payload = replace(payload, 'screenshot', 'xcreenshot') "
                "WHERE chain = 'case-1' AND seq = 2")
    codes = {p["code"] for p in problems(cli)}
    assert "hash-mismatch" in codes


def test_deleted_item_row(filled: Path, cli: Cli) -> None:
    sql(filled, "PRAGMA foreign_keys = OFF")
    with open_vault(filled, PASSPHRASE) as vault:
        vault.store.conn.execute("PRAGMA foreign_keys = OFF")
        vault.store.conn.execute("DELETE FROM items WHERE number = 4")
    found = problems(cli)
    assert ("row-missing", "item #4") in [(p["code"], p["subject"]) for p in found]


def test_interrupted_add_leftover_is_a_notice_not_a_failure(filled: Path, cli: Cli) -> None:
    with open_vault(filled, PASSPHRASE) as vault:
        vault.blobs.ingest_bytes(b"orphan bytes from an interrupted add")
    result = cli("verify", "--json")
    assert result.code == 0
    assert json.loads(result.out)["unreferenced_blobs"] == 1


def test_a_files_role_is_said_in_words_in_the_users_language(filled: Path, cli: Cli) -> None:
    lose(filled, 3)
    human = cli("--lang", "nl", "verify")
    assert human.code == 9
    said = human.out + human.err
    assert "E-0003 (origineel)" in said and "(original)" not in said
