"""Each sync keeps the shared chain in the vault; ``verify`` checks it without the server
(signatures, order, hash links, owner-signed grants, the head the custody log recorded)
and names the author of every entry. A forged, reordered or cut copy is reported."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.i18n import in_language
from spoorvast.importers.registry import builtin_registry
from spoorvast.model.records import Case
from spoorvast.services.cases import create_case
from spoorvast.services.intake import add_paths
from spoorvast.services.sharing import kept, sync
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from spoorvast.services.verify import verify
from spoorvast.storage.vault import Vault
from tests.sharing.conftest import Harness
from tests.sharing.test_vault_sync import open_vault


def shared_vault(server: Harness, tmp_path: Path) -> Iterator[tuple[Vault, Case, Api]]:
    """Ann's vault with a case shared to Bo (advocate), synced twice."""
    (tmp_path / "note.txt").write_text("A call at 21:40 from an unknown number.\n")
    with open_vault(tmp_path / "ann") as vault:
        ann = Api(server.person().http, sync.identity(vault))
        ann.register()
        bo = server.person()
        org = server.org(ann, client=[ann])
        case = create_case(vault, "Case of Ann", "en", "Europe/Brussels")
        add_paths(vault, case, [tmp_path / "note.txt"], builtin_registry())
        link = sync.share(vault, case, ann, org, "Ann", "support")
        owner = SharedCase(ann, link.case)
        owner.load_keys()
        assert bo.account is not None
        owner.add_member(bo.account, "advocate", "Bo", "legal help")
        sync.remember_member(vault, case, str(bo.account), "Bo", "advocate")
        sync.sync(vault, case, ann)
        sync.sync(vault, case, ann)  # a second sync goes on from the kept head
        yield vault, case, bo


@pytest.fixture
def kept_case(server: Harness, tmp_path: Path) -> Iterator[tuple[Vault, Case]]:
    for vault, case, _bo in shared_vault(server, tmp_path):
        yield vault, case


def rows_of(vault: Vault, case: Case) -> list[tuple[str, str]]:
    return vault.store.settings_under(f"sharing.{case.id}.chain.")


def put(vault: Vault, key: str, value: str | None) -> None:
    with vault.store.transaction() as tx:
        tx.set_setting(key, value)


def codes(vault: Vault) -> list[tuple[str, int | None]]:
    return [(p.code, p.seq) for p in verify(vault).problems]


def test_verify_checks_the_kept_chain_and_names_every_author(
        kept_case: tuple[Vault, Case]) -> None:
    vault, case = kept_case
    rows = kept.kept_rows(vault, case)
    assert [r["pos"] for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 6
    report = verify(vault)
    assert report.ok, [p.message() for p in report.problems]
    [shared] = report.shared
    assert [pos for pos, _, _ in shared.authors] == [r["pos"] for r in rows]
    who = {author for _, author, _ in shared.authors}
    assert {"Ann (owner)", "the server"} <= who
    members = {m["role"]: m for m in kept.kept_members(vault, case)}
    assert members["advocate"]["purpose"] == "legal help"
    assert members["owner"]["purpose"] == "support"
    with in_language("nl"):
        dutch = {author for _, author, _ in verify(vault).shared[0].authors}
    assert {"Ann (eigenaar)", "de server"} <= dutch


def test_a_forged_entry_in_the_kept_chain_is_reported(kept_case: tuple[Vault, Case]) -> None:
    vault, case = kept_case
    key, value = rows_of(vault, case)[2]
    row = json.loads(value)
    body = json.loads(base64.b64decode(row["body"]))
    body["at"] = "2020-01-01T00:00:00+00:00"
    row["body"] = base64.b64encode(json.dumps(body).encode()).decode()
    put(vault, key, json.dumps(row))
    assert codes(vault) == [("shared-changed", 3)]


def test_a_reordered_kept_chain_is_reported(kept_case: tuple[Vault, Case]) -> None:
    vault, case = kept_case
    (key_a, a), (key_b, b) = rows_of(vault, case)[1:3]
    put(vault, key_a, b)
    put(vault, key_b, a)
    assert codes(vault) == [("shared-out-of-order", 2)]


def test_a_cut_kept_chain_is_reported(kept_case: tuple[Vault, Case]) -> None:
    vault, case = kept_case
    rows = rows_of(vault, case)
    put(vault, rows[-1][0], None)
    assert codes(vault) == [("shared-shortened", len(rows))]


def test_a_member_without_a_signed_grant_in_the_kept_copy_is_reported(
        kept_case: tuple[Vault, Case]) -> None:
    vault, case = kept_case
    members = kept.kept_members(vault, case)
    advocate = next(m for m in members if m["role"] == "advocate")
    advocate["role"] = "lawyer"  # the owner granted advocate, not lawyer
    put(vault, f"sharing.{case.id}.members", json.dumps(members))
    assert codes(vault) == [("shared-member", None)]
