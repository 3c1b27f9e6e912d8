"""Where a dossier is built: in private memory, then published into --out under a
registered partial name; straight into --out (still under that name) when the case is
too big for memory; refused when there is no memory folder at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spoorvast.dossier import build
from spoorvast.dossier.build import make_dossier
from spoorvast.dossier.model import DossierOptions
from spoorvast.storage import scratch
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli, png_bytes


def _mine() -> list[Path]:
    return [p for root in scratch.sweep_roots()
            for p in Path(root).glob(f"spv-*-{os.getpid()}-*")]


def _case(cli: Cli, case_vault: Path, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(png_bytes(80, 60, "red", 3))
    (tmp_path / "b.txt").write_text("synthetic note\n")
    assert cli("add", str(tmp_path / "a.png"), str(tmp_path / "b.txt")).code == 0


@pytest.mark.parametrize("memory", [True, False])
def test_published_whole_private_and_nothing_left(cli: Cli, case_vault: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  memory: bool) -> None:
    _case(cli, case_vault, tmp_path)
    if not memory:  # too big for memory: built in --out under the partial name
        monkeypatch.setattr(build, "free_bytes", lambda path: 0)
    out = tmp_path / "out"
    with open_vault(case_vault, PASSPHRASE) as vault:
        result = make_dossier(vault, vault.store.cases()[0], DossierOptions("en"), out)
    name = result.folder.name
    assert sorted(p.name for p in out.iterdir()) == [name, f"{name}.zip"]
    assert result.folder.stat().st_mode & 0o777 == 0o700
    assert result.zip is not None and result.zip.stat().st_mode & 0o777 == 0o600
    assert (result.folder / "DOSSIER.pdf.sha256").is_file()
    assert _mine() == []


def test_no_memory_folder_refuses_the_dossier(cli: Cli, case_vault: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _case(cli, case_vault, tmp_path)
    monkeypatch.setattr(scratch, "candidates", lambda: [])
    done = cli("dossier", "--out", str(tmp_path / "out"))
    assert done.code == 2 and "/dev/shm" in done.err
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_publish_failing_halfway_leaves_no_partial(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with scratch.private_dir("dossier") as work:
        source = work / "dossier-1-x"
        source.mkdir()
        (source / "a.txt").write_text("synthetic evidence")
        os.mkfifo(source / "z-fifo")  # copying it fails after a.txt was copied
        with pytest.raises(OSError):
            build.publish(source, out / source.name, work)
        assert list(out.iterdir()) == []
        (source / "z-fifo").unlink()
        assert build.publish(source, out / source.name, work) == out / source.name
        with pytest.raises(FileExistsError):  # never over an existing dossier
            build.publish(source, out / source.name, work)
    assert sorted(p.name for p in out.iterdir()) == [source.name]
