"""Build synthetic cases straight through the storage API (no importers needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.model import instant
from spoorvast.model.conversation import actor_key
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Event,
    Identifier,
    IdentifierKind,
    Item,
    ItemKind,
    Party,
    PartyRole,
)
from spoorvast.services.cases import create_case
from spoorvast.storage.vault import Vault, create
from tests.conftest import PASSPHRASE


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with create(tmp_path / "vault", PASSPHRASE) as opened:
        yield opened


@pytest.fixture
def case(vault: Vault) -> Case:
    return create_case(vault, "Synthetic case", "nl", "Europe/Brussels")


class Builder:
    def __init__(self, vault: Vault, case: Case) -> None:
        self.vault, self.case = vault, case
        self.n = 0

    def item(self, kind: ItemKind, *roles: ArtifactRole, importer: str = "test") -> Item:
        self.n += 1
        at = instant.now(self.case.time_zone)
        artifacts = []
        for role in (ArtifactRole.ORIGINAL, *roles):
            blob = self.vault.blobs.ingest_bytes(f"{self.n}-{role}".encode())
            artifacts.append(Artifact(None, None, role, "application/octet-stream", blob.size,
                                      blob.sha256, f"f{self.n}", at))
        with self.vault.store.transaction() as tx:
            return tx.add_item(Item(None, self.case.id or 0, 0, kind, f"item {self.n}", at,
                                    importer), artifacts)

    def party(self, role: PartyRole, name: str) -> Party:
        with self.vault.store.transaction() as tx:
            return tx.add_party(Party(None, self.case.id or 0, role, name))

    def ident(self, kind: IdentifierKind, value: str, party: Party | None = None,
              stable_id: str | None = None) -> Identifier:
        with self.vault.store.transaction() as tx:
            return tx.add_identifier(Identifier(None, self.case.id or 0, kind, value,
                                                party.id if party else None,
                                                stable_id=stable_id))

    def events(self, item: Item, specs: list[tuple[str, str, int | None]]) -> None:
        """specs: (kind, user time text, actor identifier id)."""
        keys = {i.id: actor_key(i.kind.value, i.value, i.platform, i.stable_id)
                for i in self.vault.store.identifiers(self.case.id or 0)}
        events = [Event(None, self.case.id or 0, item.id, kind,
                        instant.from_user_text(at, self.case.time_zone), f"text {n}", actor,
                        actor=keys.get(actor))
                  for n, (kind, at, actor) in enumerate(specs)]
        with self.vault.store.transaction() as tx:
            tx.add_events(item, events)


@pytest.fixture
def build(vault: Vault, case: Case) -> Builder:
    return Builder(vault, case)
