"""Bad input and faults: each is refused clearly, and the vault stays consistent."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spoorvast.importers.registry import builtin_registry
from spoorvast.services.intake import Intake, SilentObserver, Status
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli, files_under

SPOORVAST = [sys.executable, "-m", "spoorvast"]


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns,
                                       hashlib.sha256(p.read_bytes()).hexdigest())
            for p in files_under(root)}


def test_missing_file_and_fifo_are_refused_others_added(case_vault: Path, cli: Cli,
                                                        samples: dict[str, Path],
                                                        tmp_path: Path) -> None:
    fifo = tmp_path / "a-fifo"
    os.mkfifo(fifo)
    result = cli("add", str(tmp_path / "nope.png"), str(fifo), str(samples["notes.txt"]),
                 "--json")
    assert result.code == 7
    statuses = [(Path(r["path"]).name, r["status"]) for r in json.loads(result.out)]
    assert statuses == [("nope.png", "refused"), ("a-fifo", "refused"),
                        ("notes.txt", "added")]
    assert "does not exist" in json.loads(result.out)[0]["message"]
    assert "Traceback" not in result.err


def test_read_error_is_refused_with_the_file_named(case_vault: Path, cli: Cli) -> None:
    # /proc/self/mem is a regular file whose first page cannot be read (EIO).
    result = cli("add", "/proc/self/mem", "--json")
    assert result.code == 7
    row = json.loads(result.out)[0]
    assert row["status"] == "refused" and "/proc/self/mem" in row["message"]
    assert cli("verify").code == 0


def test_permission_denied(case_vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"synthetic")
    os.chmod(secret, 0o000)
    # root reads everything; drop the capabilities that let it (util-linux setpriv)
    prefix = (["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
              if os.geteuid() == 0 else [])
    env = {**os.environ, "SPOORVAST_VAULT": str(case_vault), "SPOORVAST_PASSPHRASE": PASSPHRASE}
    result = subprocess.run([*prefix, *SPOORVAST, "add", str(secret)], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 7, result.stderr
    assert "secret.png" in result.stdout + result.stderr
    assert "Permission denied" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_file_that_changes_while_read_is_refused(case_vault: Path, tmp_path: Path) -> None:
    victim = tmp_path / "growing.bin"
    victim.write_bytes(os.urandom(3 << 20))

    class Meddler(SilentObserver):
        touched = False

        def advanced(self, nbytes: int) -> None:
            if not self.touched:
                self.touched = True
                with victim.open("ab") as handle:
                    handle.write(b"more")

    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        names_before = set(vault.blobs.stored_names())
        with Intake(vault, case, builtin_registry(), Meddler()) as intake:
            intake.add(victim)
        assert [r.status for r in intake.results] == [Status.REFUSED]
        assert "changed while it was being read" in intake.results[0].message
        assert vault.store.items(case.id or 0) == []
        assert set(vault.blobs.stored_names()) == names_before


def test_wrong_passphrase_touches_nothing(case_vault: Path, cli: Cli,
                                          samples: dict[str, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cli("add", str(samples["notes.txt"]))
    before = snapshot(case_vault)
    monkeypatch.setenv("SPOORVAST_PASSPHRASE", "not the passphrase")
    for args in (["items"], ["add", str(samples["screenshot1.png"])], ["verify"]):
        result = cli(*args)
        assert result.code == 4
        assert "Wrong passphrase" in result.err
        assert "not the passphrase" not in result.err + result.out
    assert snapshot(case_vault) == before


def test_second_process_gets_a_clear_lock_message(case_vault: Path, cli: Cli,
                                                  samples: dict[str, Path]) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time; from spoorvast.storage.vault import open_vault;"
         f"v=open_vault(__import__('pathlib').Path({str(case_vault)!r}), {PASSPHRASE!r});"
         "print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = cli("add", str(samples["notes.txt"]))
        assert result.code == 5
        assert "Another spoorvast program is using this vault" in result.err
        assert cli("items").code == 5
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert cli("add", str(samples["notes.txt"])).code == 0


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.root
def test_disk_full_during_add_leaves_no_half_item(tmp_path: Path, cli: Cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    small = tmp_path / "small-disk"
    if os.geteuid() != 0 or not _tmpfs(small, "3m"):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        monkeypatch.setenv("SPOORVAST_VAULT", str(small / "vault"))
        monkeypatch.setenv("SPOORVAST_PASSPHRASE", PASSPHRASE)
        assert cli("init").code == 0 and cli("case", "new", "full").code == 0
        fits, too_big = tmp_path / "fits.bin", tmp_path / "too-big.bin"
        fits.write_bytes(os.urandom(200_000))
        too_big.write_bytes(os.urandom(8 << 20))
        result = cli("add", str(fits), str(too_big))
        assert result.code == 8, result.err
        assert "full" in result.err and "Traceback" not in result.err
        assert cli("verify").code == 0
        items = json.loads(cli("items", "--json").out)
        assert [i["title"] for i in items] in ([], ["fits.bin"])
        assert list((small / "vault" / "tmp").iterdir()) == []
    finally:
        subprocess.run(["umount", str(small)], check=False)


def test_write_error_during_add_via_file_size_limit(case_vault: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(6 << 20))
    code = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 20, 4 << 20));"
        "from spoorvast.cli.app import run; sys.exit(run(['add', sys.argv[1]]))"
    )
    env = {**os.environ, "SPOORVAST_VAULT": str(case_vault), "SPOORVAST_PASSPHRASE": PASSPHRASE}
    done = subprocess.run([sys.executable, "-c", code, str(big)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 8, done.stderr
    with open_vault(case_vault, PASSPHRASE) as vault:
        assert vault.store.items(1) == []
        assert list(vault.blobs.tmp_dir.iterdir()) == []


FILES_FOR_KILL = 3000


@pytest.mark.slow
@pytest.mark.parametrize("lines_before_kill", [0, 1, 1500])
def test_kill_9_during_add_leaves_whole_items_or_none(case_vault: Path, tmp_path: Path,
                                                      lines_before_kill: int) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "a-large.bin").write_bytes(os.urandom(64 << 20))
    block = os.urandom(8_000)
    for n in range(FILES_FOR_KILL):
        (folder / f"f{n:04d}.bin").write_bytes(block + n.to_bytes(4, "big"))
    env = {**os.environ, "SPOORVAST_VAULT": str(case_vault), "SPOORVAST_PASSPHRASE": PASSPHRASE,
           "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen([*SPOORVAST, "add", str(folder)], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        if lines_before_kill == 0:
            time.sleep(0.5)  # inside the first batch: nothing committed yet
        for _ in range(lines_before_kill):  # one line per committed item
            proc.stdout.readline()
        proc.kill()
        proc.wait()
    with open_vault(case_vault, PASSPHRASE) as vault:
        items = vault.store.items(1)
        assert len(items) < FILES_FOR_KILL + 1, "the add finished before the kill"
        assert len(items) >= lines_before_kill
        for item in items:
            artifacts = vault.store.artifacts(item.id or 0)
            assert len(artifacts) == 1
            assert vault.blobs.check(artifacts[0].sha256) is None
    verified = subprocess.run([*SPOORVAST, "verify", "--json"], env=env,
                              capture_output=True, text=True, timeout=300, check=False)
    assert verified.returncode == 0, verified.stdout


@pytest.mark.slow
def test_a_folder_of_10000_files(case_vault: Path, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(10_000):
        (folder / f"shot-{n:05d}.txt").write_bytes(f"synthetic file {n}\n".encode())
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        from spoorvast.services.intake import add_paths

        results = add_paths(vault, case, [folder], builtin_registry())
        assert len(results) == 10_000
        assert {r.status for r in results} == {Status.ADDED}
        assert len(vault.store.items(case.id or 0)) == 10_000
        assert vault.store.items(case.id or 0)[-1].label == "E-10000"
        from spoorvast.services.verify import verify

        report = verify(vault)
        assert report.ok and report.blobs == 10_000


@pytest.mark.slow
def test_a_4_gib_file_streams_with_flat_memory(case_vault: Path, tmp_path: Path) -> None:
    big = tmp_path / "recording.bin"
    with big.open("wb") as handle:  # sparse: the bytes read are real zeros, 4 GiB of them
        handle.truncate(4 << 30)
        handle.seek((4 << 30) - 16)
        handle.write(b"synthetic end!!!")
    code = (
        "import sys, json; from pathlib import Path;"
        "from spoorvast.storage.vault import open_vault;"
        "from spoorvast.importers.registry import builtin_registry;"
        "from spoorvast.services.intake import add_paths;"
        "v = open_vault(Path(sys.argv[1]), sys.argv[2]); case = v.store.cases()[0];"
        "reg = builtin_registry();"
        # reset the peak (VmHWM) after unlocking: Argon2id alone takes its 64 MiB
        "Path('/proc/self/clear_refs').write_text('5');"
        "r = add_paths(v, case, [Path(sys.argv[3])], reg);"
        "hwm = [l for l in Path('/proc/self/status').read_text().splitlines()"
        " if l.startswith('VmHWM')][0].split()[1];"
        "print(json.dumps([r[0].status.value, r[0].sha256, r[0].size, int(hwm) // 1024]))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(case_vault), PASSPHRASE, str(big)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    status, sha, size, peak_mb = json.loads(done.stdout)
    expected = hashlib.sha256()
    with big.open("rb") as handle:
        while block := handle.read(1 << 24):
            expected.update(block)
    assert (status, sha, size) == ("added", expected.hexdigest(), 4 << 30)
    # ≈200 MB measured (imports ≈64 MB, the SQLite page cache, the blob pipeline's
    # buffers), whatever the size: the bound is that it does not grow with the file
    assert peak_mb < 256, f"peak RSS {peak_mb} MB"
    with open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        assert vault.blobs.check(sha) is None
