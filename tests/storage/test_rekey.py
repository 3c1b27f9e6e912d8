"""``passphrase change --rekey``: a new data key for everything, crash-safe, and an old
key file with the old passphrase opens nothing afterwards."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spoorvast.errors import IntegrityError, UserError, WrongPassphrase
from spoorvast.storage import crypto, packs, rekey
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.blobs import BlobDamaged, BlobStore
from spoorvast.storage.vault import KEYFILE, open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.storage.tamper import flip_byte

NEW = "a brand new passphrase"


FAST = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)


@pytest.fixture
def filled(vault_dir: Path, cli: Cli, samples: dict[str, Path]) -> Path:
    vaultlib.create(vault_dir, PASSPHRASE, FAST).close()  # quick to unlock
    assert cli("case", "new", "synthetic").code == 0
    assert cli("add", *(str(p) for p in samples.values())).code == 0
    return vault_dir


def _state(root: Path, passphrase: str) -> tuple[list[str], dict[str, bytes]]:
    with open_vault(root, passphrase, writable=False) as vault:
        items = [i.title for i in vault.store.items(1)]
        files = {a.sha256: vault.blobs.read_bytes(a.sha256)
                 for a in vault.store.all_artifacts()}
    return items, files


def _opens(root: Path, passphrase: str) -> bool:
    try:
        open_vault(root, passphrase, writable=False).close()
    except WrongPassphrase:
        return False
    return True


def test_rekey_changes_every_key_and_keeps_everything(filled: Path, cli: Cli,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    before = _state(filled, PASSPHRASE)
    old_keyfile = (filled / KEYFILE).read_bytes()
    old_keyring = crypto.unlock_keyfile(filled / KEYFILE, PASSPHRASE)
    old_names = _names(filled)
    monkeypatch.setenv("SPOORVAST_NEW_PASSPHRASE", NEW)
    result = cli("passphrase", "change", "--rekey")
    assert result.code == 0, result.err
    assert "stored files" in result.err and "opens nothing" in result.out
    assert _state(filled, NEW) == before
    assert not _opens(filled, PASSPHRASE)
    new_names = _names(filled)
    assert new_names and not new_names & old_names
    assert not (filled / rekey.STAGING).exists() and not (filled / rekey.RETIRED).exists()
    with open_vault(filled, NEW, writable=False) as vault:
        assert vault.store.custody(VAULT_CHAIN)[-1].action == "vault.rekeyed"
    monkeypatch.setenv("SPOORVAST_PASSPHRASE", NEW)
    assert cli("verify").code == 0
    # the abuser's copy of the old key file, with the old passphrase: opens nothing new
    (filled / KEYFILE).write_bytes(old_keyfile)
    with pytest.raises(UserError):
        open_vault(filled, PASSPHRASE, writable=False)
    old_blobs = BlobStore(filled, old_keyring.blob_key, old_keyring.name_key)
    for sha in before[1]:
        with pytest.raises(BlobDamaged):
            old_blobs.read_bytes(sha)
    for name, where in old_blobs.stored():
        bind = b"" if where.pack.parent.name != "packs" else bytes.fromhex(name)
        with pytest.raises(BlobDamaged):
            list(old_blobs._decrypt(io.BytesIO(packs.read_record(where)), bind))
    old_blobs.close()


def _names(root: Path) -> set[str]:
    """The stored names of every blob, loose and packed (whatever the keys)."""
    store = BlobStore(root, b"", b"")
    try:
        return set(store.stored_names())
    finally:
        store.close()


def test_plain_change_points_to_rekey(filled: Path, cli: Cli,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOORVAST_NEW_PASSPHRASE", NEW)
    result = cli("passphrase", "change")
    assert result.code == 0 and "--rekey" in result.out


def test_a_damaged_stored_file_stops_the_rekey_before_anything_changes(filled: Path) -> None:
    with open_vault(filled, PASSPHRASE, writable=False) as vault:
        victim = vault.blobs.location(next(vault.store.all_artifacts()).sha256)
    assert victim is not None
    flip_byte(victim.pack, victim.offset + victim.length - 5)
    with pytest.raises(IntegrityError, match="not re-encrypted"):
        vaultlib.rekey_vault(filled, PASSPHRASE, NEW)
    assert _opens(filled, PASSPHRASE) and not (filled / rekey.STAGING).exists()


KILL = """
import os, sys, pathlib
from spoorvast.storage import vault as v
root, old, new, step = sys.argv[1:]
def fault(at):
    if at == step:
        os._exit(9)  # as kill -9
v.rekey_vault(pathlib.Path(root), old, new, fault=fault)
"""

# steps before READY leave the old vault; from READY on the new one wins
STEPS = [("database", PASSPHRASE), ("blob", PASSPHRASE), ("staged", PASSPHRASE),
         ("ready", NEW), ("switching", NEW)]


@pytest.mark.parametrize(("step", "winner"), STEPS)
def test_a_kill_at_any_step_leaves_the_old_or_the_new_vault(filled: Path, step: str,
                                                           winner: str) -> None:
    before = _state(filled, PASSPHRASE)
    done = subprocess.run([sys.executable, "-c", KILL, str(filled), PASSPHRASE, NEW, step],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert done.returncode == 9, done.stderr
    loser = NEW if winner == PASSPHRASE else PASSPHRASE
    assert vaultlib.is_vault(filled)
    assert _state(filled, winner) == before  # (the open finishes or drops the rekey)
    assert not _opens(filled, loser)
    assert not (filled / rekey.STAGING).exists() and not (filled / rekey.RETIRED).exists()
    with open_vault(filled, winner) as vault:
        assert not vault.drift
        actions = [e.action for e in vault.store.custody(VAULT_CHAIN)]
    assert ("vault.rekeyed" in actions) == (winner == NEW)


def test_rekey_keeps_a_blob_named_in_the_settings(filled: Path) -> None:
    with open_vault(filled, PASSPHRASE) as vault:
        blob = vault.blobs.ingest_bytes(b"synthetic browser profile")
        with vault.store.transaction() as tx:
            tx.set_setting("capture.browser_profile", blob.sha256)
    vaultlib.rekey_vault(filled, PASSPHRASE, NEW)
    with open_vault(filled, NEW, writable=False) as vault:
        assert vault.blobs.read_bytes(blob.sha256) == b"synthetic browser profile"


class Stop(Exception):
    pass


def _stop_at(step: str) -> vaultlib.Fault:
    def fault(at: str) -> None:
        if at == step:
            raise Stop(at)

    return fault


def test_an_error_before_ready_drops_the_new_vault_at_once(filled: Path) -> None:
    with pytest.raises(Stop):
        vaultlib.rekey_vault(filled, PASSPHRASE, NEW, fault=_stop_at("staged"))
    assert not (filled / rekey.STAGING).exists()
    assert _opens(filled, PASSPHRASE) and not _opens(filled, NEW)


def test_an_interrupted_switch_is_finished_even_without_a_key_file_in_place(
        filled: Path) -> None:
    """A crash between retiring the old key file and renaming the new one: the vault is
    still found, and the first open finishes the switch."""
    before = _state(filled, PASSPHRASE)
    with pytest.raises(Stop):
        vaultlib.rekey_vault(filled, PASSPHRASE, NEW, fault=_stop_at("ready"))
    retired = filled / rekey.RETIRED
    retired.mkdir()
    for name in ("blobs", KEYFILE):  # the switch got this far
        os.replace(filled / name, retired / name)
    os.replace(filled / rekey.STAGING / "blobs", filled / "blobs")
    assert not (filled / KEYFILE).exists()
    assert vaultlib.is_vault(filled)
    assert _state(filled, NEW) == before
    assert not retired.exists() and not (filled / rekey.STAGING).exists()
    assert not _opens(filled, PASSPHRASE)


REKEY = """
import sys, pathlib
from spoorvast.storage import vault as v
v.rekey_vault(pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3])
print("done", flush=True)
"""


@pytest.mark.slow
def test_kill_9_at_random_moments_of_a_rekey(vault_dir: Path, cli: Cli,
                                             tmp_path: Path) -> None:
    """Real SIGKILLs while a rekey of 400 files runs: every time, exactly one of the
    two passphrases opens the vault, with every item and file intact."""
    import signal
    import time

    vaultlib.create(vault_dir, PASSPHRASE, FAST).close()
    assert cli("case", "new", "synthetic").code == 0
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(400):
        (folder / f"note{n:03d}.txt").write_text(f"synthetic note {n}\n" * (n % 7 + 1))
    assert cli("add", str(folder)).code == 0
    passphrases = [PASSPHRASE, NEW]
    reference = _state(vault_dir, PASSPHRASE)
    outcomes = []
    for delay in (0.6, 1.2, 1.8, 2.4, 3.0, 3.6, 4.5, 6.0):
        current = passphrases[0]
        other = "another synthetic passphrase" if current == NEW else NEW
        child = subprocess.Popen([sys.executable, "-c", REKEY, str(vault_dir), current, other],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={**os.environ, "PYTHONPATH": str(Path.cwd())})
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate(timeout=120)
        opens = [p for p in (current, other) if _opens(vault_dir, p)]
        assert len(opens) == 1, (delay, opens)
        assert _state(vault_dir, opens[0]) == reference
        outcomes.append((delay, b"done" in out, opens[0] == other))
        passphrases = [opens[0], other]
        with open_vault(vault_dir, opens[0]) as vault:
            assert not vault.drift
    # (on this machine the kills fall before READY, between READY and the end, and after
    # the end: e.g. old, old, old, new, old, old, new, new-and-done)
    assert len(outcomes) == 8
