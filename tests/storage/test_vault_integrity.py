"""The vault's key file and anchor: atomic passphrase change, a missing or rolled-back
database refused, damaged key files told as damaged, owner-only permissions."""

from __future__ import annotations

import base64
import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spoorvast.errors import DatabaseDamaged, IntegrityError, UserError, WrongPassphrase
from spoorvast.model import instant
from spoorvast.model.custody import chain_next
from spoorvast.model.records import Case
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.vault import DATABASE, KEYFILE, PENDING_KEYFILE, create, open_vault
from tests.conftest import PASSPHRASE, Cli

FAST = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
NEW = "a brand new passphrase"


@pytest.fixture
def vault_root(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    with create(root, PASSPHRASE, FAST) as vault, vault.store.transaction() as tx:
        tx.add_case(Case(None, "synthetic case", "en", "UTC", _now(), ""))
    return root


def _now() -> instant.Instant:
    return instant.now("UTC")


def _add_cases(root: Path, n: int) -> None:
    with open_vault(root, PASSPHRASE) as vault:
        for i in range(n):
            with vault.store.transaction() as tx:
                tx.add_case(Case(None, f"case {i}", "en", "UTC", _now(), ""))


def _opens(root: Path, passphrase: str) -> bool:
    try:
        open_vault(root, passphrase, writable=False).close()
    except WrongPassphrase:
        return False
    return True


def _vault_actions(root: Path) -> list[str]:
    with open_vault(root, PASSPHRASE, writable=False) as vault:
        return [e.action for e in vault.store.custody(VAULT_CHAIN)]


# -- W3: passphrase change is atomic ---------------------------------------------------


def test_passphrase_change_is_logged_and_takes_effect(vault_root: Path) -> None:
    vaultlib.change_passphrase(vault_root, PASSPHRASE, NEW)
    assert not _opens(vault_root, PASSPHRASE) and _opens(vault_root, NEW)
    assert not (vault_root / PENDING_KEYFILE).exists()
    with open_vault(vault_root, NEW, writable=False) as vault:
        assert vault.store.custody(VAULT_CHAIN)[-1].action == "vault.passphrase-changed"
        assert not vault.drift and vault.anchor_state == "ok"


@pytest.mark.parametrize("step", ["written", "logged"])
def test_a_failure_before_the_rename_keeps_the_old_passphrase(vault_root: Path,
                                                             step: str) -> None:
    def fault(at: str) -> None:
        if at == step:
            raise OSError(errno.EIO, "synthetic I/O error")

    with open_vault(vault_root, PASSPHRASE) as vault, pytest.raises(OSError):
        vaultlib.change_passphrase_open(vault, PASSPHRASE, NEW, fault)
    assert _opens(vault_root, PASSPHRASE) and not _opens(vault_root, NEW)
    assert not (vault_root / PENDING_KEYFILE).exists()
    actions = _vault_actions(vault_root)
    if step == "logged":  # the log tells the truth: changed, then undone
        assert actions[-2:] == ["vault.passphrase-changed", "vault.passphrase-change-undone"]
    else:
        assert "vault.passphrase-changed" not in actions


def test_a_full_disk_says_the_passphrase_was_not_changed(vault_root: Path) -> None:
    def fault(at: str) -> None:
        if at == "written":
            raise OSError(errno.ENOSPC, "No space left on device")

    with open_vault(vault_root, PASSPHRASE) as vault, pytest.raises(UserError) as caught:
        vaultlib.change_passphrase_open(vault, PASSPHRASE, NEW, fault)
    assert caught.value.exit_code == 8 and "not changed" in caught.value.message
    assert _opens(vault_root, PASSPHRASE) and not _opens(vault_root, NEW)


CRASH = """
import os, sys
from spoorvast.storage import vault as v
root, old, new, step = sys.argv[1:]
vault = v.open_vault(__import__("pathlib").Path(root), old)
def fault(at):
    if at == step:
        os._exit(9)  # as kill -9: no cleanup, no close
v.change_passphrase_open(vault, old, new, fault)
"""


@pytest.mark.parametrize("step", ["written", "logged"])
def test_a_kill_before_the_rename_keeps_the_old_passphrase(vault_root: Path,
                                                          step: str) -> None:
    done = subprocess.run([sys.executable, "-c", CRASH, str(vault_root), PASSPHRASE, NEW, step],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert done.returncode == 9, done.stderr
    assert (vault_root / PENDING_KEYFILE).exists()
    assert not _opens(vault_root, NEW)
    with open_vault(vault_root, PASSPHRASE):  # the writable open finishes the undo
        pass
    assert not (vault_root / PENDING_KEYFILE).exists()
    actions = _vault_actions(vault_root)
    if step == "logged":
        assert actions[-2:] == ["vault.passphrase-changed", "vault.passphrase-change-undone"]
    else:
        assert "vault.passphrase-changed" not in actions
    assert _opens(vault_root, PASSPHRASE) and not _opens(vault_root, NEW)


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, check=False)
    return done.returncode == 0


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


@pytest.mark.root
def test_passphrase_change_on_a_full_tmpfs(tmp_path: Path, cli: Cli,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the vault is open (the web app's case), then the CLI on the
    full disk: both say so, and the old passphrase keeps working."""
    small = tmp_path / "small-disk"
    if os.geteuid() != 0 or not _tmpfs(small, "2m"):
        pytest.skip("needs root to mount a small tmpfs")
    root = small / "vault"
    try:
        monkeypatch.setenv("SPOORVAST_VAULT", str(root))
        monkeypatch.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
        assert cli("init").code == 0 and cli("case", "new", "full").code == 0
        with open_vault(root, PASSPHRASE) as vault:
            _fill(small)
            with pytest.raises(UserError) as caught:
                vaultlib.change_passphrase_open(vault, PASSPHRASE, NEW)
            assert caught.value.exit_code == 8 and "not changed" in caught.value.message
        monkeypatch.setenv("SPOORVAST_NEW_PASSPHRASE", NEW)
        result = cli("passphrase", "change")
        assert result.code == 8, result.err
        assert "full" in result.err and "Traceback" not in result.err
        (small / "filler").unlink()
        assert cli("items").code == 0  # the old passphrase still opens it
        monkeypatch.setenv("SPOORVAST_PASSPHRASE", NEW)
        assert cli("items").code == 4  # the new one does not
        assert not (root / PENDING_KEYFILE).exists()
        monkeypatch.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
        assert cli("verify").code == 0
    finally:
        subprocess.run(["umount", str(small)], check=False)


# -- W4/W5: the database's existence and the chain heads are anchored ---------------------


def test_a_missing_database_is_refused_not_recreated(vault_root: Path) -> None:
    (vault_root / DATABASE).unlink()
    for writable in (True, False):
        with pytest.raises(IntegrityError, match="missing"):
            open_vault(vault_root, PASSPHRASE, writable=writable, check_anchor=False)
    assert not (vault_root / DATABASE).exists()


def test_cli_verify_and_items_fail_loudly_without_database(case_vault: Path, cli: Cli) -> None:
    (case_vault / DATABASE).unlink()
    for command in (("verify",), ("items",), ("case", "list")):
        result = cli(*command)
        assert result.code == 9, (command, result.err)
        assert "missing" in result.err and "Traceback" not in result.err
    assert not (case_vault / DATABASE).exists()


def _db_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.iterdir()
            if p.name.startswith(DATABASE) and p.is_file()}


def _restore(root: Path, saved: dict[str, bytes]) -> None:
    for p in root.iterdir():
        if p.name.startswith(DATABASE):
            p.unlink()
    for name, data in saved.items():
        (root / name).write_bytes(data)


def test_an_older_copy_of_the_database_is_refused_and_verify_fails(vault_root: Path,
                                                                   tmp_path: Path) -> None:
    saved = _db_files(vault_root)
    _add_cases(vault_root, 2)
    _restore(vault_root, saved)
    with pytest.raises(IntegrityError, match="older than its key file"):
        open_vault(vault_root, PASSPHRASE)
    with open_vault(vault_root, PASSPHRASE, writable=False, check_anchor=False) as vault:
        codes = {(d.code, d.chain) for d in vault.drift}
    assert ("anchor-behind", VAULT_CHAIN) in codes


def test_an_older_copy_of_the_whole_folder_but_the_key_file(vault_root: Path,
                                                            tmp_path: Path) -> None:
    copy = tmp_path / "old-copy"
    shutil.copytree(vault_root, copy)
    _add_cases(vault_root, 1)
    shutil.copy2(vault_root / KEYFILE, copy / KEYFILE)
    with pytest.raises(IntegrityError, match="older than its key file"):
        open_vault(copy, PASSPHRASE)


def test_the_whole_folder_rolled_back_with_its_key_file_is_not_seen(vault_root: Path,
                                                                    tmp_path: Path) -> None:
    """The documented limit: without a record outside the folder, an old copy of all of
    it is a consistent older vault."""
    copy = tmp_path / "old-copy"
    shutil.copytree(vault_root, copy)
    _add_cases(vault_root, 1)
    open_vault(copy, PASSPHRASE).close()


WRITE_AND_DIE = """
import os, sys, pathlib
from spoorvast.model import instant
from spoorvast.model.records import Case
from spoorvast.storage.vault import open_vault
vault = open_vault(pathlib.Path(sys.argv[1]), sys.argv[2])
for i in range(3):
    with vault.store.transaction() as tx:
        tx.add_case(Case(None, f"late {i}", "en", "UTC", instant.now("UTC"), ""))
os._exit(0)  # as a crash: the WAL is never checkpointed
"""


def _write_and_die(root: Path) -> None:
    done = subprocess.run([sys.executable, "-c", WRITE_AND_DIE, str(root), PASSPHRASE],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert done.returncode == 0, done.stderr
    assert (root / (DATABASE + "-wal")).stat().st_size > 0


@pytest.mark.parametrize("damage", ["remove", "truncate", "flip"])
def test_lost_or_damaged_wal_frames_are_seen(vault_root: Path, damage: str) -> None:
    _write_and_die(vault_root)
    wal = vault_root / (DATABASE + "-wal")
    data = bytearray(wal.read_bytes())
    if damage == "remove":
        wal.unlink()
        (vault_root / (DATABASE + "-shm")).unlink(missing_ok=True)
    elif damage == "truncate":
        wal.write_bytes(bytes(data[: len(data) * 2 // 3]))
    else:
        data[len(data) // 2] ^= 0x01
        wal.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="older than its key file"):
        open_vault(vault_root, PASSPHRASE)
    with open_vault(vault_root, PASSPHRASE, writable=False, check_anchor=False) as vault:
        assert vault.drift


def test_an_intact_crash_leaves_the_database_ahead_or_equal(vault_root: Path) -> None:
    _write_and_die(vault_root)
    with open_vault(vault_root, PASSPHRASE) as vault:
        assert not vault.drift
        assert len(vault.store.cases()) == 4


def test_a_rehashed_chain_after_a_removal_is_seen(vault_root: Path) -> None:
    """Someone with the database key removes the first case's creation and re-hashes
    the vault chain so that it checks out against itself; the anchor still sees it."""
    _add_cases(vault_root, 2)
    with open_vault(vault_root, PASSPHRASE, writable=False) as vault:  # no anchor update
        conn = vault.store.conn
        entries = vault.store.custody(VAULT_CHAIN)
        kept = [e for e in entries if not (e.action == "case.created" and e.subject == "case-2")]
        conn.execute("DELETE FROM custody WHERE chain = ?", (VAULT_CHAIN,))
        head = None
        for e in kept:
            head = chain_next(head, VAULT_CHAIN, e.action, e.subject, e.payload, e.actor, e.at)
            conn.execute("INSERT INTO custody VALUES (?,?,?,?,?,?,?,?,?)",
                         (head.chain, head.seq, head.at, head.actor, head.action, head.subject,
                          json.dumps(head.payload), head.prev_hash, head.hash))
        assert head is not None
        conn.execute("UPDATE chain_heads SET seq = ?, hash = ? WHERE chain = ?",
                     (head.seq, head.hash, VAULT_CHAIN))
    with pytest.raises(IntegrityError):
        open_vault(vault_root, PASSPHRASE)
    with open_vault(vault_root, PASSPHRASE, writable=False, check_anchor=False) as vault:
        assert {d.chain for d in vault.drift} == {VAULT_CHAIN}


def test_an_edited_anchor_is_damaged(vault_root: Path) -> None:
    path = vault_root / KEYFILE
    content = json.loads(path.read_text())
    content["anchor"]["heads"]["vault"][0] = 1  # pretend the chain ended earlier
    content["checksum"] = crypto.keyfile_checksum(content)
    path.write_text(json.dumps(content))
    with pytest.raises(IntegrityError, match="damaged or was edited"):
        open_vault(vault_root, PASSPHRASE)
    with open_vault(vault_root, PASSPHRASE, writable=False, check_anchor=False) as vault:
        assert vault.anchor_state == "damaged"


def _as_version_1(root: Path) -> None:
    """Rewrite the key file as spoorvast wrote it before anchors (version 1)."""
    keyring = crypto.unlock_keyfile(root / KEYFILE, PASSPHRASE)
    salt, nonce = os.urandom(16), os.urandom(12)
    aad = crypto._aad(keyring.vault_id, salt, FAST, version=1)
    sealed = crypto.AESGCM(crypto._derive(PASSPHRASE, salt, FAST)).encrypt(
        nonce, keyring.data_key, aad)
    b64 = crypto._b64
    (root / KEYFILE).write_text(json.dumps({
        "format": crypto.KEYFILE_FORMAT, "version": 1, "vault_id": keyring.vault_id,
        "kdf": {"name": "argon2id", "memory_kib": FAST.memory_kib,
                "iterations": FAST.iterations, "parallelism": FAST.parallelism,
                "salt": b64(salt)},
        "wrap": {"alg": "AES-256-GCM", "nonce": b64(nonce), "sealed_key": b64(sealed)}}))


def test_an_older_vault_without_anchor_gets_one(vault_root: Path) -> None:
    _as_version_1(vault_root)
    with open_vault(vault_root, PASSPHRASE, writable=False) as vault:
        assert vault.anchor_state == "absent"
    open_vault(vault_root, PASSPHRASE).close()
    content = json.loads((vault_root / KEYFILE).read_text())
    assert content["version"] == 2 and "anchor" in content
    with open_vault(vault_root, PASSPHRASE) as vault:
        assert vault.anchor_state == "ok" and not vault.drift


def test_removing_the_anchor_is_seen(vault_root: Path) -> None:
    _edit(vault_root / KEYFILE, lambda c: c.pop("anchor"))
    with pytest.raises(IntegrityError, match="damaged or was edited"):
        open_vault(vault_root, PASSPHRASE)


def test_passing_the_key_file_off_as_version_1_does_not_unlock(vault_root: Path) -> None:
    """Version 1 files may lack the anchor; the version is authenticated, so a version-2
    file cannot be relabelled to shed its anchor."""
    def relabel(content: dict[str, object]) -> None:
        content["version"] = 1
        content.pop("anchor")

    _edit(vault_root / KEYFILE, relabel)
    with pytest.raises(WrongPassphrase):
        open_vault(vault_root, PASSPHRASE)


def test_verify_reports_the_rollback(case_vault: Path, cli: Cli,
                                     samples: dict[str, Path]) -> None:
    saved = _db_files(case_vault)
    assert cli("add", str(samples["notes.txt"])).code == 0
    _restore(case_vault, saved)
    result = cli("verify", "--json")
    assert result.code == 9
    codes = {p["code"] for p in json.loads(result.out)["problems"]}
    assert "anchor-behind" in codes
    refused = cli("items")
    assert refused.code == 9 and "older than its key file" in refused.err
    assert cli("verify").code == 9  # still seen: nothing overwrote the anchor


# -- W12: key file bounds and damage, database damage, permissions ------------------------


def _edit(path: Path, change: object) -> None:
    content = json.loads(path.read_text())
    change(content)  # type: ignore[operator]
    content["checksum"] = crypto.keyfile_checksum(content)
    path.write_text(json.dumps(content))


@pytest.mark.parametrize(("key", "value"), [
    ("memory_kib", 4 << 20), ("iterations", 1000), ("parallelism", 255)])
def test_unreasonable_kdf_parameters_are_refused_before_deriving(
        vault_root: Path, key: str, value: int) -> None:
    _edit(vault_root / KEYFILE, lambda c: c["kdf"].__setitem__(key, value))
    started = time.monotonic()
    with pytest.raises(UserError, match=f"unreasonable .*{key} = {value}.*damaged or was "
                                        "tampered"):
        open_vault(vault_root, PASSPHRASE)
    assert time.monotonic() - started < 1.0


def test_bit_flips_in_the_key_file_are_told_as_damage(vault_root: Path) -> None:
    path = vault_root / KEYFILE
    original = path.read_bytes()
    outcomes: dict[str, int] = {}
    for position in range(0, len(original), max(1, len(original) // 60)):
        flipped = bytearray(original)
        flipped[position] ^= 0x04
        path.write_bytes(bytes(flipped))
        try:
            open_vault(vault_root, PASSPHRASE).close()
            outcome = "opens"
        except WrongPassphrase:
            outcome = "wrong-passphrase"
        except UserError as exc:
            outcome = "damaged" if "damaged" in exc.message or "not a spoorvast" in \
                exc.message else exc.message
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        path.write_bytes(original)
    assert "wrong-passphrase" not in outcomes, outcomes
    assert set(outcomes) <= {"opens", "damaged"}, outcomes
    assert outcomes["damaged"] > 40


@pytest.mark.parametrize("part", ["salt", "nonce", "sealed_key"])
def test_a_flipped_bit_in_salt_nonce_or_key_is_damage_not_a_wrong_passphrase(
        vault_root: Path, part: str) -> None:
    path = vault_root / KEYFILE
    content = json.loads(path.read_text())
    holder = content["kdf"] if part == "salt" else content["wrap"]
    raw = bytearray(base64.b64decode(holder[part]))
    raw[3] ^= 0x10
    holder[part] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(content, indent=2))
    with pytest.raises(UserError, match="is damaged") as caught:
        open_vault(vault_root, PASSPHRASE)
    assert not isinstance(caught.value, WrongPassphrase)
    with pytest.raises(UserError, match="is damaged"):
        open_vault(vault_root, "not the passphrase at all")


def test_a_wrong_passphrase_is_still_a_wrong_passphrase(vault_root: Path) -> None:
    with pytest.raises(WrongPassphrase):
        open_vault(vault_root, "not the passphrase at all")


def test_damaged_database_pages_are_told_as_damage(case_vault: Path, cli: Cli,
                                                   samples: dict[str, Path]) -> None:
    assert cli("add", *(str(p) for p in samples.values())).code == 0
    path = case_vault / DATABASE
    data = bytearray(path.read_bytes())
    page = 16384
    assert len(data) > 3 * page
    for offset in range(page + 100, len(data), page):  # every page but the first
        data[offset] ^= 0x01
    path.write_bytes(bytes(data))
    results = [cli("items"), cli("verify")]
    for result in results:
        assert result.code == 9, result.err
        assert "database file is damaged" in result.err or "database-damaged" in result.out \
            or "integrity check" in result.out
        assert "a bug" not in result.err


def test_as_damage_only_names_damage() -> None:
    import sqlcipher3

    from spoorvast.storage.sqlite import as_damage

    assert isinstance(as_damage(sqlcipher3.DatabaseError("database disk image is malformed")),
                      DatabaseDamaged)
    assert as_damage(sqlcipher3.OperationalError("no such table: x")) is None
    assert as_damage(ValueError("malformed")) is None


def test_files_are_owner_only_even_with_an_open_umask(tmp_path: Path, cli: Cli,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      samples: dict[str, Path]) -> None:
    root = tmp_path / "existing"
    root.mkdir(mode=0o755)
    monkeypatch.setenv("SPOORVAST_VAULT", str(root))
    monkeypatch.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
    old = os.umask(0o000)
    try:
        assert cli("init").code == 0 and cli("case", "new", "perm").code == 0
        assert cli("add", str(samples["notes.txt"])).code == 0
    finally:
        os.umask(old)
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_leftover_database_without_key_file_is_not_overwritten(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    (root / DATABASE).write_bytes(b"someone's old database")
    with pytest.raises(UserError, match="no key file"):
        create(root, PASSPHRASE, FAST)
    assert (root / DATABASE).read_bytes() == b"someone's old database"


@pytest.mark.slow
def test_a_sweep_of_flipped_database_bytes_is_never_a_bug_nor_ok(
        tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch,
        samples: dict[str, Path]) -> None:
    root = tmp_path / "swept"
    create(root, PASSPHRASE, FAST).close()
    monkeypatch.setenv("SPOORVAST_VAULT", str(root))
    monkeypatch.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
    assert cli("case", "new", "synthetic").code == 0
    assert cli("add", *(str(p) for p in samples.values())).code == 0
    path = root / DATABASE
    original = path.read_bytes()
    seen: dict[tuple[str, int], int] = {}
    for position in range(7, len(original), len(original) // 12):
        flipped = bytearray(original)
        flipped[position] ^= 0x20
        path.write_bytes(bytes(flipped))
        for command in ("items", "verify"):
            result = cli(command)
            assert result.code != 70 and "a bug" not in result.err, (position, result.err)
            seen[(command, result.code)] = seen.get((command, result.code), 0) + 1
            if command == "verify":
                assert result.code != 0, position  # every page is authenticated
        path.write_bytes(original)
    assert seen
