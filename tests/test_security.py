"""No plaintext evidence on disk, in temp files or in output; KDF strong enough."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from spoorvast.storage import crypto
from spoorvast.storage.vault import KEYFILE
from tests.conftest import PASSPHRASE, Cli, files_under, png_bytes


def test_canary_never_reaches_the_vault_or_temp_dirs(case_vault: Path, cli: Cli,
                                                     tmp_path: Path) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    evidence = tmp_path / "input" / "threat.txt"
    evidence.parent.mkdir()
    evidence.write_text(f"synthetic threatening message {canary} end\n" * 50)
    image = tmp_path / "input" / "shot.png"
    image.write_bytes(png_bytes() + canary.encode())
    title_canary = f"TITLE-{uuid.uuid4().hex}"
    assert cli("case", "new", title_canary).code == 0
    results = [cli("add", str(evidence), str(image)), cli("verify"), cli("items"),
               cli("show", "E-0001"), cli("export-original", "E-0001", "--to",
                                           str(tmp_path / "out"))]
    assert all(r.code == 0 for r in results)
    needles = [canary.encode(), title_canary.encode(), canary.encode("utf-16-le"),
               PASSPHRASE.encode()]
    roots = [case_vault, Path(os.environ["TMPDIR"])]
    for root in roots:
        for path in files_under(root):
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, f"{needle[:12]!r} found in {path}"
    for result in results:
        assert canary not in result.out + result.err
        assert PASSPHRASE not in result.out + result.err


def test_default_kdf_is_at_least_owasp(case_vault: Path) -> None:
    content = json.loads((case_vault / KEYFILE).read_text())
    kdf = content["kdf"]
    assert kdf["name"] == "argon2id"
    assert kdf["memory_kib"] >= crypto.OWASP_MIN_MEMORY_KIB
    assert kdf["iterations"] >= crypto.OWASP_MIN_ITERATIONS
    assert "sealed_key" in content["wrap"] and len(content["kdf"]["salt"]) >= 16


def test_lowered_kdf_parameters_in_the_key_file_do_not_unlock(case_vault: Path,
                                                              cli: Cli) -> None:
    path = case_vault / KEYFILE
    content = json.loads(path.read_text())
    content["kdf"]["memory_kib"] = 1024
    content["kdf"]["iterations"] = 1
    path.write_text(json.dumps(content))  # the checksum no longer matches: damaged
    assert cli("items").code == 2
    content["checksum"] = crypto.keyfile_checksum(content)  # a tamperer recomputes it
    path.write_text(json.dumps(content))
    assert cli("items").code == 4
    content["kdf"]["memory_kib"] = 1  # not even valid for Argon2
    content["checksum"] = crypto.keyfile_checksum(content)
    path.write_text(json.dumps(content))
    result = cli("items")
    assert result.code == 2 and "damaged" in result.err


def test_passphrase_change_rewraps_without_reencrypting(case_vault: Path, cli: Cli,
                                                        samples: dict[str, Path],
                                                        monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    cli("add", str(samples["screenshot1.png"]))
    blobs_before = {p: p.read_bytes() for p in (case_vault / "blobs").rglob("*") if p.is_file()}
    monkeypatch.setenv("SPOORVAST_NEW_PASSPHRASE", "a brand new passphrase")
    changed = cli("passphrase", "change")
    assert changed.code == 0, changed.err
    assert cli("items").code == 4  # the old one no longer opens it
    monkeypatch.setenv("SPOORVAST_PASSPHRASE", "a brand new passphrase")
    assert cli("verify").code == 0
    assert {p: p.read_bytes() for p in blobs_before} == blobs_before


def test_blob_names_do_not_reveal_the_hash(case_vault: Path, cli: Cli,
                                           samples: dict[str, Path]) -> None:
    import hashlib

    cli("add", str(samples["screenshot1.png"]))
    digest = hashlib.sha256(samples["screenshot1.png"].read_bytes()).hexdigest()
    names = [p.name for p in (case_vault / "blobs").rglob("*") if p.is_file()]
    assert names and digest not in names


def test_passphrase_from_file_and_fd(vault_dir: Path, cli: Cli, tmp_path: Path,
                                     monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.delenv("SPOORVAST_PASSPHRASE")
    secret_file = tmp_path / "pass.txt"
    secret_file.write_text(PASSPHRASE + "\n")
    monkeypatch.setenv("SPOORVAST_PASSPHRASE_FILE", str(secret_file))
    assert cli("init").code == 0
    monkeypatch.delenv("SPOORVAST_PASSPHRASE_FILE")
    read_end, write_end = os.pipe()
    os.write(write_end, (PASSPHRASE + "\n").encode())
    os.close(write_end)
    try:
        assert cli("--passphrase-fd", str(read_end), "case", "list").code == 0
    finally:
        os.close(read_end)
    missing = cli("case", "list")
    assert missing.code == 2 and "SPOORVAST_PASSPHRASE" in missing.err


def test_short_passphrase_is_refused(vault_dir: Path, cli: Cli,
                                     monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SPOORVAST_PASSPHRASE", "short")
    result = cli("init")
    assert result.code == 2 and "at least 8" in result.err
    assert not (vault_dir / KEYFILE).exists()
