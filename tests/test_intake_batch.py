"""The intake writes each input's rows as it is taken, in the batch's one transaction:
an error rolls the whole batch back, and what is told keeps the order of the inputs."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from spoorvast.importers.registry import builtin_registry
from spoorvast.services import intake
from spoorvast.services.cases import create_case
from spoorvast.services.intake import Status, add_paths
from spoorvast.services.verify import verify
from spoorvast.storage import vault as vaultlib
from tests.storage.test_rekey import FAST

WORD = "batch passphrase 1234"


@pytest.fixture
def vault(tmp_path: Path) -> vaultlib.Vault:
    with vaultlib.create(tmp_path / "vault", WORD, FAST) as made:
        create_case(made, "synthetic", "en", "Europe/Brussels")
    opened = vaultlib.open_vault(tmp_path / "vault", WORD)
    yield opened
    opened.close()


def _files(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = [folder / f"f{i:02d}.bin" for i in range(count)]
    for path in paths:
        path.write_bytes(b"\x00\x01" + secrets.token_bytes(3000))
    return paths


def test_an_error_while_an_input_is_written_rolls_the_batch_back(
        vault: vaultlib.Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, case = tmp_path / "in", vault.store.cases()[0]
    _files(folder, 6)
    written = intake._write
    calls: list[str] = []

    def failing(tx, draft, *rest):  # type: ignore[no-untyped-def]
        calls.append(draft.title)
        if len(calls) == 4:
            raise RuntimeError("synthetic failure")
        return written(tx, draft, *rest)

    monkeypatch.setattr(intake, "_write", failing)
    with pytest.raises(RuntimeError):
        add_paths(vault, case, [folder], builtin_registry())
    assert vault.store.items(case.id or 0) == []  # the three written before: rolled back
    assert not vault.store.conn.in_transaction  # type: ignore[union-attr]
    monkeypatch.setattr(intake, "_write", written)
    results = add_paths(vault, case, [folder], builtin_registry())
    assert [r.status for r in results] == [Status.ADDED] * 6
    assert verify(vault).problems == []


def test_results_keep_the_order_of_the_inputs(vault: vaultlib.Vault, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "BATCH_ITEMS", 3)
    folder, case = tmp_path / "in", vault.store.cases()[0]
    paths = _files(folder, 8)
    paths[4].write_bytes(paths[1].read_bytes())  # the same bytes, in the same batch
    paths[7].write_bytes(paths[0].read_bytes())  # the same bytes as a committed one
    results = add_paths(vault, case, [folder], builtin_registry())
    told = {r.path.name: (r.status, r.labels) for r in results}
    assert told["f04.bin"] == (Status.DUPLICATE, told["f01.bin"][1])
    assert told["f07.bin"] == (Status.DUPLICATE, told["f00.bin"][1])
    added = [r for r in results if r.status is Status.ADDED]
    assert [r.labels[0] for r in added] == [f"E-{n:04d}" for n in range(1, 7)]
    assert [r.path.name for r in added] == sorted(r.path.name for r in added)
    assert results.index(next(r for r in results if r.path.name == "f04.bin")) > \
        results.index(next(r for r in results if r.path.name == "f01.bin"))
    assert verify(vault).problems == []
