"""A vault whose metadata lives in PostgreSQL, end to end through the CLI (in process): the
key file and the encrypted blobs stay in the vault folder, a WhatsApp export and an
e-mail go in, search finds their words, verify is clean, and a change made behind the
vault's back in the database is found."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from spoorvast.errors import IntegrityError, UserError, VaultExists
from spoorvast.storage import vault as vaultlib
from tests.chat.test_streaming import whatsapp_lines
from tests.conftest import PASSPHRASE, Cli
from tests.servers import Postgres

EMAIL = Path(__file__).parent.parent / "data" / "email" / "postfix-multipart.eml"


def _search(cli: Cli, words: str) -> int:
    result = cli("search", words, "--json")
    assert result.code == 0, result.err
    total: int = json.loads(result.out)["total"]
    return total


def test_a_vault_with_its_metadata_in_postgresql(vault_dir: Path, cli: Cli, tmp_path: Path,
                                                 metadata_url: str) -> None:
    result = cli("init", "--metadata", metadata_url)
    assert result.code == 0, result.err
    assert cli("case", "new", "Berichten van X", "--lang", "nl",
               "--tz", "Europe/Brussels").code == 0
    chat = tmp_path / "WhatsApp Chat with Jan.txt"
    chat.write_text(whatsapp_lines(500) + "01/04/2026, 10:00 - Anna: Waar is mijn géld?\n",
                    encoding="utf-8")
    added = cli("add", str(chat), str(EMAIL))
    assert added.code == 0, added.err

    assert not (vault_dir / vaultlib.DATABASE).exists()
    assert (vault_dir / vaultlib.KEYFILE).exists() and any((vault_dir / "blobs").iterdir())
    assert json.loads((vault_dir / vaultlib.METADATA).read_text()) == {
        "backend": "postgresql", "url": metadata_url}
    assert _search(cli, "bericht") == 500
    assert _search(cli, "GELD") == 1
    assert _search(cli, "berich*") == 500
    verified = cli("verify", "--json")
    assert verified.code == 0, verified.out
    assert json.loads(verified.out)["ok"] is True

    with vaultlib.open_vault(vault_dir, PASSPHRASE) as vault:
        assert len(vault.store.items(1)) == 2
        vault.store.conn.execute("UPDATE events SET text = 'edited' WHERE seq = 3")
    tampered = cli("verify", "--json")
    assert tampered.code == 9
    assert {p["code"] for p in json.loads(tampered.out)["problems"]} == {"row-changed"}


def test_another_vaults_database_is_refused(tmp_path: Path, metadata_url: str) -> None:
    vaultlib.create(tmp_path / "a", PASSPHRASE, metadata=metadata_url).close()
    with pytest.raises(VaultExists):
        vaultlib.create(tmp_path / "b", PASSPHRASE, metadata=metadata_url)
    assert not (tmp_path / "b" / vaultlib.KEYFILE).exists()  # no half-made vault stays
    vaultlib.create(tmp_path / "c", PASSPHRASE).close()
    (tmp_path / "c" / vaultlib.METADATA).write_text(json.dumps(
        {"backend": "postgresql", "url": metadata_url}))
    with pytest.raises(IntegrityError, match="another vault"):
        vaultlib.open_vault(tmp_path / "c", PASSPHRASE)
    with vaultlib.open_vault(tmp_path / "a", PASSPHRASE) as vault:
        assert [e.action for e in vault.store.custody("vault")] == ["vault.created"]


def test_a_url_with_a_password_is_not_kept(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="pgpass"):
        vaultlib.create(tmp_path / "v", PASSPHRASE,
                        metadata="postgresql://me:secret@127.0.0.1:5/db")
    assert not (tmp_path / "v").exists()


def test_an_older_copy_of_the_database_is_refused(tmp_path: Path, postgres: Postgres,
                                                 metadata_url: str) -> None:
    """The key file's anchor guards a PostgreSQL database as it guards the SQLCipher
    file: a copy restored from before the last change is refused, not used."""
    import psycopg

    root = tmp_path / "v"
    with vaultlib.create(root, PASSPHRASE, metadata=metadata_url) as vault, \
            vault.store.transaction() as tx:
        tx.set_setting("k", "before")
    older = f"spoorvast_older_{secrets.token_hex(4)}"
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{older}" TEMPLATE "{metadata_url.rsplit("/", 1)[1]}"')
    with vaultlib.open_vault(root, PASSPHRASE) as vault, vault.store.transaction() as tx:
        tx.log("vault", "test.entry", "vault", {})
    (root / vaultlib.METADATA).write_text(json.dumps(
        {"backend": "postgresql", "url": postgres.url(older)}))
    try:
        with pytest.raises(IntegrityError, match="older than its key file") as raised:
            vaultlib.open_vault(root, PASSPHRASE)
        assert f"/{older} is older" in str(raised.value)
        with vaultlib.open_vault(root, PASSPHRASE, writable=False, check_anchor=False) as seen:
            assert [d.code for d in seen.drift] == ["anchor-behind"]
    finally:
        postgres.drop_database(older)


def test_rekey_is_refused_and_changes_nothing(tmp_path: Path, metadata_url: str) -> None:
    root = tmp_path / "v"
    vaultlib.create(root, PASSPHRASE, metadata=metadata_url).close()
    before = (root / vaultlib.KEYFILE).read_bytes()
    with pytest.raises(UserError, match="--rekey"):
        vaultlib.rekey_vault(root, PASSPHRASE, "another passphrase 43")
    assert (root / vaultlib.KEYFILE).read_bytes() == before
    vaultlib.change_passphrase(root, PASSPHRASE, "another passphrase 43")
    vaultlib.open_vault(root, "another passphrase 43").close()
