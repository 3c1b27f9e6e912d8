"""The messages of an mbox are sealed as byte ranges of the sealed mbox (no copy): every
message reads back byte-exact, its analysis document is rebuilt from those bytes, and
``verify`` proves each one (a swapped record is reported against its item). A vault
whose messages were sealed as copies (before ranges) reads and verifies the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.importers.registry import builtin_registry
from spoorvast.model.records import ArtifactRole, Item
from spoorvast.services.email_report import email_report
from spoorvast.services.intake import add_paths
from spoorvast.services.verify import verify
from spoorvast.storage import blob_ranges, packs
from spoorvast.storage.blobs import BlobStore
from spoorvast.storage.vault import Vault, open_vault, rekey_vault
from tests.conftest import PASSPHRASE, Cli
from tests.email.test_mbox_stream import FROM_LINE, message, write_mbox

COUNT = 12
NEW_PASSPHRASE = "a new passphrase for the rekey 5678"
pytestmark = pytest.mark.slow  # a vault made through the CLI each (about 2 s)


@pytest.fixture
def mbox_path(tmp_path: Path) -> Path:
    return write_mbox(tmp_path / "takeout.mbox", COUNT)


@pytest.fixture
def opened(case_vault: Path) -> Iterator[Vault]:
    with open_vault(case_vault, PASSPHRASE) as vault:
        yield vault


def _add(vault: Vault, path: Path) -> list[Item]:
    case = vault.store.cases()[0]
    assert [r.status.value for r in add_paths(vault, case, [path], builtin_registry())] == [
        "added"]
    return vault.store.items(case.id or 0)


def _originals(vault: Vault, items: list[Item]) -> list[str]:
    return [next(a.sha256 for a in vault.store.artifacts(i.id or 0)
                 if a.role is ArtifactRole.ORIGINAL) for i in items]


def _is_range(vault: Vault, sha256: str) -> bool:
    where = vault.blobs.location(sha256)
    return where is not None and blob_ranges.is_range(packs.read_record(where))


def test_messages_are_ranges_of_the_sealed_mbox_and_verify(opened: Vault,
                                                           mbox_path: Path) -> None:
    items = _add(opened, mbox_path)
    shas = _originals(opened, items[1:])
    assert len(shas) == COUNT and all(_is_range(opened, sha) for sha in shas)
    assert not _is_range(opened, _originals(opened, items[:1])[0])  # the mbox: a blob
    assert [opened.blobs.read_bytes(sha) for sha in shas] == [
        message(n) for n in range(1, COUNT + 1)]
    document = email_report(opened, items[3])
    assert document is not None and document["analysis"]["subject"] == "Bericht 3"
    assert verify(opened).ok


def test_a_swapped_message_record_is_reported_by_verify(opened: Vault,
                                                        mbox_path: Path) -> None:
    items = _add(opened, mbox_path)
    first, second = _originals(opened, items[1:3])
    where = opened.blobs.location(second)
    assert where is not None
    index = packs.PackIndex(where.pack.parent)
    index.add(opened.blobs.name(first), where, replace=True)
    index.close()
    report = verify(opened)
    assert not report.ok
    assert [(p.label, p.detail) for p in report.problems] == [
        (items[1].label, "authentication-failed@0")]


def test_messages_sealed_as_copies_still_read_and_verify(
        case_vault: Path, mbox_path: Path, monkeypatch: pytest.MonkeyPatch,
        cli: Cli) -> None:
    """Before ranges, each message was a blob of its own: such a vault is unchanged."""
    with monkeypatch.context() as patched:
        patched.setattr(BlobStore, "ingest_range",
                        lambda self, data, container, start, durable=True:
                        self.ingest_bytes(data, durable=durable))
        with open_vault(case_vault, PASSPHRASE) as vault:
            items = _add(vault, mbox_path)
    with open_vault(case_vault, PASSPHRASE) as vault:
        shas = _originals(vault, items[1:])
        assert not any(_is_range(vault, sha) for sha in shas)
        assert [vault.blobs.read_bytes(sha) for sha in shas] == [
            message(n) for n in range(1, COUNT + 1)]
        document = email_report(vault, items[5])
        assert document is not None and document["analysis"]["subject"] == "Bericht 5"
    assert cli("verify").code == 0
    assert FROM_LINE  # the messages are the mbox's, after their From_ lines


def test_a_rekeyed_vault_keeps_every_message(case_vault: Path, mbox_path: Path) -> None:
    """A rekey reads each message (its range) and seals it again under the new key."""
    with open_vault(case_vault, PASSPHRASE) as vault:
        shas = _originals(vault, _add(vault, mbox_path)[1:])
    rekey_vault(case_vault, PASSPHRASE, NEW_PASSPHRASE)
    with open_vault(case_vault, NEW_PASSPHRASE) as vault:
        assert [vault.blobs.read_bytes(sha) for sha in shas] == [
            message(n) for n in range(1, COUNT + 1)]
        assert verify(vault).ok
