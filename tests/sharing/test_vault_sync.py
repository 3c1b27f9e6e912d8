"""Two vaults share a case through a real server: items added on both sides arrive in
both, with the same SHA-256, through the normal intake; a re-run adds nothing."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from spoorvast.importers.registry import builtin_registry
from spoorvast.services.cases import create_case
from spoorvast.services.intake import add_paths
from spoorvast.services.sharing import sync
from spoorvast.services.sharing.api import Api
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.vault import Vault
from tests.conftest import PASSPHRASE, png_bytes
from tests.sharing.conftest import Harness

FAST_KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)


def open_vault(root: Path) -> Vault:
    vaultlib.create(root, PASSPHRASE, FAST_KDF).close()
    return vaultlib.open_vault(root, PASSPHRASE)


def originals(vault: Vault, case_id: int) -> dict[str, str]:
    out = {}
    for item in vault.store.items(case_id):
        for artifact in vault.store.artifacts(item.id or 0):
            if artifact.role.value == "original":
                out[artifact.name] = artifact.sha256
    return out


def test_two_vaults_share_a_case_both_ways(server: Harness, tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "threat.png").write_bytes(png_bytes(color="blue", text_seed=3))
    (files / "notes.txt").write_text("Received a call at 21:40 from an unknown number.\n")
    (files / "reply.png").write_bytes(png_bytes(color="green", text_seed=5))

    with open_vault(tmp_path / "ann") as ann_vault, open_vault(tmp_path / "bo") as bo_vault:
        ann = Api(server.person().http, sync.identity(ann_vault))
        ann.register()
        bo = Api(server.person().http, sync.identity(bo_vault))
        bo.register()
        org = server.org(ann, client=[ann])
        ann_case = create_case(ann_vault, "Case of Ann", "nl", "Europe/Brussels")
        add_paths(ann_vault, ann_case, [files / "threat.png", files / "notes.txt"],
                  builtin_registry())
        sync.share(ann_vault, ann_case, ann, org, "Ann", "support")
        assert bo.account is not None
        from spoorvast.services.sharing.case import SharedCase

        link = sync.link_of(ann_vault, ann_case)
        assert link is not None
        owner_side = SharedCase(ann, link.case)
        owner_side.load_keys()
        owner_side.add_member(bo.account, "advocate", "Bo", "support")
        first = sync.sync(ann_vault, ann_case, ann)
        assert first.pushed == 2

        bo_case = sync.join(bo_vault, bo, link.case, "nl", "Europe/Brussels")
        assert bo_case.title == "Case of Ann"
        add_paths(bo_vault, bo_case, [files / "reply.png"], builtin_registry())
        seen: list[tuple[str, int, int]] = []
        report = sync.sync(bo_vault, bo_case, bo, lambda *a: seen.append(a))
        assert len(report.pulled) == 2 and report.pushed == 1 and seen
        back = sync.sync(ann_vault, ann_case, ann)
        assert len(back.pulled) == 1 and back.pushed == 0

        assert originals(ann_vault, ann_case.id or 0) == originals(bo_vault, bo_case.id or 0)
        assert len(originals(ann_vault, ann_case.id or 0)) == 3
        for vault, case in ((ann_vault, ann_case), (bo_vault, bo_case)):
            again = sync.sync(vault, case, ann if vault is ann_vault else bo)
            assert (again.pulled, again.pushed) == ([], 0)
        # a reader whose grant ends: the owner's next sync makes a new key for the others
        cy = server.person()
        assert cy.account is not None
        owner_side.add_member(cy.account, "lawyer", "Cy", "advice",
                              datetime.now(UTC) + timedelta(seconds=1))
        time.sleep(1.2)
        assert sync.sync(ann_vault, ann_case, ann).rotated == 1
        assert sync.sync(ann_vault, ann_case, ann).rotated == 0
        assert ann.case(link.case)["epoch"] == 1
        assert [e for e, _ in bo.keys(link.case)] == [0, 1]
        assert [e for e, _ in ann.keys(link.case)] == [0, 1]

        received = [e for e in bo_vault.store.custody(f"case-{bo_case.id}")
                    if e.action == "share.received"]
        assert {e.payload["author_name"] for e in received} == {"Ann"}
        assert all(len(str(e.payload["author_fingerprint"]).split()) == 6 for e in received)
        assert uuid.UUID(str(received[0].payload["record"]))
