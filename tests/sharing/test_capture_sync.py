"""A web capture shared between two vaults through a real server (PostgreSQL +
SeaweedFS): it arrives as one capture item with the sender's files byte-exact (each
role, name and SHA-256, its record file unchanged), verify is clean, the vault's own
previews stay home, a re-run on either side adds and sends nothing, and a bundle whose
files are not the ones it names is refused whole."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from spoorvast.capture import portable
from spoorvast.capture.draft import Draft
from spoorvast.model import instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Item,
    ItemKind,
    MediaFacts,
    Problem,
    Severity,
)
from spoorvast.services.cases import create_case
from spoorvast.services.sharing import capture_share, sync
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase, ShareError
from spoorvast.services.verify import verify
from spoorvast.storage.vault import Vault
from tests.sharing.conftest import Harness
from tests.sharing.test_vault_sync import open_vault
from tests.watch.recorded import Page, picture


def _seal(vault: Vault, role: ArtifactRole, name: str, media: str, data: bytes,
          at: instant.Instant, derived_from: str | None = None) -> Artifact:
    blob = vault.blobs.ingest_bytes(data)
    return Artifact(None, None, role, media, blob.size, blob.sha256, name, at, derived_from)


def capture_item(vault: Vault, case: Case) -> Item:
    """A capture item as the capture service writes it: the page's answer, screenshots,
    MHTML, DOM, a WACZ, the record naming each file's SHA-256, and a derived preview."""
    assert case.id is not None
    page = Page()
    at = instant.now(case.time_zone)
    files = [
        _seal(vault, ArtifactRole.ORIGINAL, "index.html", "text/html", page.html(), at),
        _seal(vault, ArtifactRole.SCREENSHOT, "full-page.png", "image/png",
              picture("stripes", 200), at),
        _seal(vault, ArtifactRole.SCREENSHOT, "viewport.png", "image/png",
              picture("disc", 120), at),
        _seal(vault, ArtifactRole.MHTML, "page.mhtml", "multipart/related", page.mhtml(), at),
        _seal(vault, ArtifactRole.DOM, "dom.html", "text/html", page.html(), at),
        _seal(vault, ArtifactRole.WACZ, "capture.wacz", "application/wacz",
              b"PK\x05\x06" + bytes(18), at)]
    record = json.dumps({
        "schema": "test", "requested_url": "https://www.instagram.com/bram.subject/",
        "final_url": "https://www.instagram.com/bram.subject/", "status": 200,
        "platform": {"platform": "instagram", "handle": "bram.subject"},
        "artifacts": [{"role": a.role.value, "name": a.name, "media_type": a.media_type,
                       "size": a.size, "sha256": a.sha256} for a in files]},
        sort_keys=True).encode()
    files.append(_seal(vault, ArtifactRole.ANALYSIS, "capture.json", "application/json",
                       record, at))
    files.append(_seal(vault, ArtifactRole.ANALYSIS, "tsa-clock.json", "application/json",
                       b'{"claimed": "2026-03-03T09:00:00Z"}', at, files[-1].sha256))
    files.append(_seal(vault, ArtifactRole.DOSSIER_PREVIEW, "full-page.preview.jpg",
                       "image/jpeg", b"\xff\xd8 a preview \xff\xd9", at, files[1].sha256))
    item = Item(None, case.id, 0, ItemKind.CAPTURE, "Bram", at, "capture", None,
                MediaFacts(width=1280, height=2400))
    with vault.store.transaction() as tx:
        return tx.add_item(item, files, [Problem(Severity.WARNING, "capture.wall-login")])


def travelling(vault: Vault, item: Item) -> set[tuple[str, str, str, str, str | None]]:
    return {(a.role.value, a.name, a.media_type, a.sha256, a.derived_from)
            for a in vault.store.artifacts(item.id or 0)
            if a.role is not ArtifactRole.DOSSIER_PREVIEW}


@dataclass
class Two:
    ann_vault: Vault
    bo_vault: Vault
    ann: Api
    bo: Api
    ann_case: Case
    bo_case: Case
    owner: SharedCase


@contextmanager
def two_vaults(server: Harness, tmp_path: Path) -> Iterator[Two]:
    with open_vault(tmp_path / "ann") as ann_vault, open_vault(tmp_path / "bo") as bo_vault:
        ann = Api(server.person().http, sync.identity(ann_vault))
        ann.register()
        bo = Api(server.person().http, sync.identity(bo_vault))
        bo.register()
        org = server.org(ann, client=[ann])
        ann_case = create_case(ann_vault, "Case of Ann", "nl", "Europe/Brussels")
        sync.share(ann_vault, ann_case, ann, org, "Ann", "support")
        link = sync.link_of(ann_vault, ann_case)
        assert link is not None and bo.account is not None
        owner = SharedCase(ann, link.case)
        owner.load_keys()
        owner.add_member(bo.account, "advocate", "Bo", "support")
        bo_case = sync.join(bo_vault, bo, link.case, "nl", "Europe/Brussels")
        yield Two(ann_vault, bo_vault, ann, bo, ann_case, bo_case, owner)


def test_a_capture_arrives_whole_and_never_comes_back(server: Harness,
                                                      tmp_path: Path) -> None:
    with two_vaults(server, tmp_path) as two:
        sent = capture_item(two.ann_vault, two.ann_case)
        first = sync.sync(two.ann_vault, two.ann_case, two.ann)
        assert (first.pushed, first.skipped) == (1, 0)

        received = sync.sync(two.bo_vault, two.bo_case, two.bo)
        assert len(received.pulled) == 1 and received.pushed == 0
        items = two.bo_vault.store.items(two.bo_case.id or 0)
        assert [i.kind for i in items] == [ItemKind.CAPTURE]
        got = items[0]
        assert travelling(two.bo_vault, got) == travelling(two.ann_vault, sent)
        assert len(travelling(two.bo_vault, got)) == 8
        # the record file is the sender's, byte for byte; the preview stayed home
        names = {a.name for a in two.bo_vault.store.artifacts(got.id or 0)}
        assert "full-page.preview.jpg" not in names
        assert (got.title, got.media) == ("Bram", MediaFacts(width=1280, height=2400))
        codes = [f.code for f in two.bo_vault.store.findings(two.bo_case.id or 0, got.id)]
        assert codes == ["capture.wall-login"]
        assert verify(two.bo_vault).ok, verify(two.bo_vault).problems

        for vault, case, api in ((two.ann_vault, two.ann_case, two.ann),
                                 (two.bo_vault, two.bo_case, two.bo)):
            again = sync.sync(vault, case, api)
            assert (again.pulled, again.pushed, again.skipped) == ([], 0, 0)
        assert len(two.ann_vault.store.items(two.ann_case.id or 0)) == 1
        assert len(two.bo_vault.store.items(two.bo_case.id or 0)) == 1

        key = capture_share.item_key(two.ann_vault, sent)
        assert key == capture_share.item_key(two.bo_vault, got)
        sent_log = [e for e in two.ann_vault.store.custody(f"case-{two.ann_case.id}")
                    if e.action == "share.sent"]
        got_log = [e for e in two.bo_vault.store.custody(f"case-{two.bo_case.id}")
                   if e.action == "share.received"]
        assert [e.payload["sha256"] for e in sent_log] == [key]
        assert [(e.payload["sha256"], e.payload["author_name"], e.subject)
                for e in got_log] == [(key, "Ann", got.label)]
        # the owner sees Bo open the capture, named by its label (its blob is the bundle)
        from spoorvast.i18n import in_language
        from spoorvast.services.sharing import words

        entries = sync.checked_chain(two.ann_vault, two.ann_case, two.ann)
        with in_language("en"):
            lines = words.access_lines(two.ann_vault, two.ann_case, entries)
        assert any(line.startswith(f"Bo opened {sent.label} on ") for line in lines), lines
        assert got_log[0].payload["artifacts"] == {
            name: sha for _role, name, _media, sha, _from in travelling(two.ann_vault, sent)}


def _bundle(vault: Vault, item: Item) -> tuple[dict[str, object], list[Draft]]:
    files = capture_share.travelling(vault.store.artifacts(item.id or 0))
    drafts = []
    for a in files:
        with vault.blobs.open(a.sha256) as source:
            drafts.append(Draft(a.role, a.name, a.media_type, source.read()))
    head = {"title": item.title, "started": item.acquired_at.to_json(), "problems": []}
    return head, drafts


def _hash_lies(head: dict[str, object], drafts: list[Draft]) -> bytes:
    """The manifest names each file's SHA-256; the screenshot's bytes are then swapped."""
    source = zipfile.ZipFile(io.BytesIO(portable.write_bundle(head, drafts)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "full-page.png":
                data = picture("chequer", 200)[:len(data)].ljust(len(data), b"\0")
            bundle.writestr(info.filename, data)
    return out.getvalue()


def _record_lies(head: dict[str, object], drafts: list[Draft]) -> bytes:
    """A whole manifest, but the screenshot is not the one the capture record names."""
    swapped = [Draft(d.role, d.name, d.media_type, picture("chequer", 200))
               if d.name == "full-page.png" else d for d in drafts]
    return portable.write_bundle(head, swapped)


def _head_lies(head: dict[str, object], drafts: list[Draft]) -> bytes:
    """Whole files, but a head whose finding has no severity this program knows."""
    return portable.write_bundle({**head, "problems": [["dire", "x", []]]}, drafts)


@pytest.mark.parametrize(("tamper", "code"), [(_hash_lies, "capture_bundle_damaged"),
                                              (_record_lies, "capture_bundle_differs"),
                                              (_head_lies, "capture_bundle_damaged")])
def test_a_bundle_whose_files_differ_is_refused_whole(server: Harness, tmp_path: Path,
                                                      tamper: object, code: str) -> None:
    with two_vaults(server, tmp_path) as two:
        item = capture_item(two.ann_vault, two.ann_case)
        key = capture_share.item_key(two.ann_vault, item)
        assert callable(tamper)
        data = tamper(*_bundle(two.ann_vault, item))
        two.owner.add_item("capture.zip", "capture", io.BytesIO(data), len(data), "Ann",
                           extra={"bundle": capture_share.BUNDLE, "capture_sha256": key})
        report = sync.sync(two.bo_vault, two.bo_case, two.bo)
        assert [why for _record, why in report.refused] == [code]
        assert report.pulled == []
        assert two.bo_vault.store.items(two.bo_case.id or 0) == []
        assert not two.bo_vault.store.has_artifact(hashlib.sha256(
            picture("stripes", 200)).hexdigest())
        assert not [e for e in two.bo_vault.store.custody(f"case-{two.bo_case.id}")
                    if e.action == "share.received"]
        checked = verify(two.bo_vault)
        assert checked.ok and checked.unreferenced_blobs == 0  # no file left half-added


def test_the_cli_says_a_refused_capture_in_words() -> None:
    from spoorvast.cli.cmd_share import told
    from spoorvast.errors import IntegrityError

    with pytest.raises(IntegrityError) as said, told():
        raise ShareError("capture_bundle_differs", "0a1b2c3d-4e5f-6789-abcd-ef0123456789")
    assert str(said.value) == ("A web capture a member sent does not check "
                               "(capture_bundle_differs, record 0a1b2c3d): none of its files "
                               "was added.")


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from tests.pki import make_pki, tsa_server

    folder = make_pki(tmp_path_factory.mktemp("tsa"))
    running = tsa_server(folder)
    yield f"http://127.0.0.1:{running.server_address[1]}/tsa", folder
    running.shutdown()
    running.server_close()


@pytest.mark.slow
def test_a_real_capture_with_its_timestamp_verifies_on_the_other_side(
        server: Harness, tmp_path: Path, tsa: tuple[str, Path]) -> None:
    from spoorvast.capture.browser import BrowserSession
    from spoorvast.capture.options import CaptureOptions
    from spoorvast.capture.timestamps import check_tokens
    from tests.capture.helpers import capture
    from tests.capture.site import Site

    url, folder = tsa
    options = CaptureOptions(allow_private_network=True, pdf=False, tsa_url=url,
                             tsa_ca=folder / "ca.pem", timeout_seconds=20,
                             load_timeout_seconds=10, settle_seconds=0.5)
    site = Site()
    try:
        with two_vaults(server, tmp_path) as two, BrowserSession() as session:
            made = capture(two.ann_vault, two.ann_case, session, site.url("/profile"),
                           options)
            sent = next(i for i in two.ann_vault.store.items(two.ann_case.id or 0)
                        if i.label == made.label)
            names = {a.name for a in two.ann_vault.store.artifacts(sent.id or 0)}
            assert {"capture.json", "capture.json.tsr", "capture.wacz"} <= names
            assert sync.sync(two.ann_vault, two.ann_case, two.ann).pushed == 1
            assert len(sync.sync(two.bo_vault, two.bo_case, two.bo).pulled) == 1
            got = two.bo_vault.store.items(two.bo_case.id or 0)[0]
            assert got.kind is ItemKind.CAPTURE
            assert travelling(two.bo_vault, got) == travelling(two.ann_vault, sent)
            assert list(check_tokens(two.bo_vault)) == []
            checked = verify(two.bo_vault)
            assert checked.ok, checked.problems
            assert sync.sync(two.ann_vault, two.ann_case, two.ann).pushed == 0
            assert sync.sync(two.bo_vault, two.bo_case, two.bo).pushed == 0
    finally:
        site.close()
