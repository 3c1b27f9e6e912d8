"""Where a dossier is built: in private memory, then published into --out under a
registered partial name; straight into --out (still under that name) when the case is
too big for memory; refused when there is no memory folder at all."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from spoorvast.dossier import build
from spoorvast.dossier.build import make_dossier
from spoorvast.dossier.model import DossierOptions
from spoorvast.dossier.publish import Outgoing
from spoorvast.errors import UserError
from spoorvast.model import instant
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


@pytest.mark.slow  # 5-10 s: in the full run only
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
    with zipfile.ZipFile(result.zip) as archive:  # the folder's name, never the partial's
        names = archive.namelist()
    assert names == sorted(names) and {n.split("/")[0] for n in names} == {name}
    assert _mine() == []


def test_no_memory_folder_refuses_the_dossier(cli: Cli, case_vault: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _case(cli, case_vault, tmp_path)
    monkeypatch.setattr(scratch, "candidates", lambda: [])
    done = cli("dossier", "--out", str(tmp_path / "out"))
    assert done.code == 2 and "/dev/shm" in done.err
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def _outgoing(work: Path, out: Path, staging: Path, zipped: bool = True) -> Outgoing:
    return Outgoing(staging.name, staging, out, work, in_memory=True, make_zip=zipped)


def test_publish_failing_halfway_leaves_no_partial(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with scratch.private_dir("dossier") as work:
        source = work / "dossier-1-x"
        source.mkdir()
        (source / "a.txt").write_text("synthetic evidence")
        os.mkfifo(source / "z-fifo")  # copying it fails after a.txt was copied
        with pytest.raises(OSError), _outgoing(work, out, source) as outgoing:
            outgoing.ahead()
        assert list(out.iterdir()) == []
        (source / "z-fifo").unlink()
        with _outgoing(work, out, source) as outgoing:
            outgoing.ahead()  # while Typst renders
            outgoing.pdf_target.write_bytes(b"%PDF-1.7 synthetic")
            published = outgoing.finish()
        assert published.folder == out / source.name
        with pytest.raises(FileExistsError), _outgoing(work, out, source) as outgoing:
            outgoing.ahead()  # never over an existing dossier
        assert sorted(p.name for p in out.iterdir()) == [source.name, f"{source.name}.zip"]
        with zipfile.ZipFile(out / f"{source.name}.zip") as archive:  # listed in name order
            assert archive.namelist() == [f"{source.name}/DOSSIER.pdf",
                                          f"{source.name}/a.txt"]
            assert archive.read(f"{source.name}/DOSSIER.pdf") == b"%PDF-1.7 synthetic"
    assert sorted(p.name for p in out.iterdir()) == [source.name, f"{source.name}.zip"]


@pytest.mark.slow
@pytest.mark.parametrize("taken", ["folder", "zip"])
def test_an_existing_dossier_of_the_same_name_stops_it_while_typst_renders(
        cli: Cli, case_vault: Path, tmp_path: Path, taken: str) -> None:
    """The bundle is published while Typst renders: a name already taken in --out stops
    the dossier there (the person is told; Typst is stopped), nothing is replaced and no
    partial is left."""
    _case(cli, case_vault, tmp_path)
    at = instant.from_epoch(1_772_400_000, "Europe/Brussels")
    out = tmp_path / "out"
    out.mkdir()
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        name = f"dossier-{case.id}-20260301T212000Z"
        existing = out / (name if taken == "folder" else f"{name}.zip")
        existing.write_bytes(b"an earlier dossier")
        with pytest.raises(UserError, match="Cannot write"):
            make_dossier(vault, case, DossierOptions("en", generated_at=at), out)
    assert list(out.iterdir()) == [existing]
    assert existing.read_bytes() == b"an earlier dossier"
    assert _mine() == []
