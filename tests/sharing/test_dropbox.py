"""The drop box on a real server (PostgreSQL + SeaweedFS): a member makes a grant, a
device pairs with the link's one-time key and can only add; its drops are sealed into
the members' vaults at the next sync with the SHA-256 they had on the device, and the
custody log says who dropped what and when; a revoked or expired grant is refused."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from spoorvast.model.records import Case
from spoorvast.services.cases import create_case
from spoorvast.services.sharing import drops, sync
from spoorvast.services.sharing.api import Api, ServerRefused
from spoorvast.services.sharing.case import SharedCase
from spoorvast.storage.vault import Vault
from tests.conftest import png_bytes
from tests.sharing.conftest import Harness
from tests.sharing.test_vault_sync import open_vault

pytestmark = pytest.mark.slow


def shared_case(server: Harness, vault: Vault) -> tuple[Api, SharedCase, Case]:
    ann = Api(server.person().http, sync.identity(vault))
    ann.register()
    org = server.org(ann, client=[ann])
    case = create_case(vault, "Case of Ann", "en", "Europe/Brussels")
    link = sync.share(vault, case, ann, org, "Ann", "support")
    shared = SharedCase(ann, link.case)
    shared.load_keys()
    return ann, shared, case


def device_client(server: Harness, transport: httpx.BaseTransport | None = None
                  ) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=60, transport=transport)
    server.clients.append(client)
    return client


def test_a_paired_device_drops_and_the_vault_seals_it(server: Harness,
                                                      tmp_path: Path) -> None:
    photo = png_bytes(color="red", text_seed=7)
    big = bytes(range(256)) * (70_000)  # 17.9 MB: three parts, the last one short
    with open_vault(tmp_path / "ann") as vault:
        ann, shared, case = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "Ann's phone",
                                datetime.now(UTC) + timedelta(days=7))
        assert link.url.startswith(server.url + "/drop#pair=")
        assert "<svg" in link.qr_svg()
        secret = link.url.split(".", 1)[1]
        phone = drops.Dropper.pair(device_client(server), link.url)
        with pytest.raises(ServerRefused) as again:  # one device per grant
            drops.Dropper.pair(device_client(server), link.url)
        assert again.value.code == "already_paired"
        first = phone.drop("screenshot.png", io.BytesIO(photo), len(photo), "image/png")
        second = phone.drop("recording.bin", io.BytesIO(big), len(big))

        # the device can read nothing: not the case, not a record, not its own drop
        for path in (f"/cases/{shared.case_id}", f"/cases/{shared.case_id}/records",
                     f"/cases/{shared.case_id}/drops/{first}/content"):
            for scheme in ("Drop", "Bearer"):
                answer = phone.http.get(path, headers={"authorization":
                                                       f"{scheme} {phone.token}"})
                assert answer.status_code == 401, path
        # nothing the server keeps holds the pairing secret or the plaintext
        grants = drops.grants(shared)
        assert grants[0]["purpose"] == "Ann's phone" and grants[0]["paired"]
        assert secret not in str(grants)

        report = sync.sync(vault, case, ann)
        assert len(report.dropped) == 2 and report.drops_refused == []
        assert sync.sync(vault, case, ann).dropped == []
        shas = {a.sha256 for item in vault.store.items(case.id or 0)
                for a in vault.store.artifacts(item.id or 0) if a.role.value == "original"}
        assert shas == {hashlib.sha256(photo).hexdigest(), hashlib.sha256(big).hexdigest()}
        logged = [e for e in vault.store.custody(f"case-{case.id}")
                  if e.action == "share.dropped"]
        assert {e.payload["upload"] for e in logged} == {str(first), str(second)}
        for entry in logged:
            assert entry.payload["granted_by_name"] == "Ann"
            assert entry.payload["device_fingerprint"] == hashlib.sha256(
                phone.device_key).hexdigest()[:16]
            assert datetime.fromisoformat(str(entry.payload["received_by_server_at"]))
        # the chain says dropped, by which grant, when; and each fetch of a drop
        actions = [e.fields.get("action") for e in sync.checked_chain(vault, case, ann)]
        assert actions.count("drop") == 2 and actions.count("drop_fetch") == 2
        assert "dropbox_grant" in actions and "dropbox_paired" in actions


def test_a_revoked_or_expired_grant_is_refused(server: Harness, tmp_path: Path) -> None:
    with open_vault(tmp_path / "ann") as vault:
        _, shared, _ = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=1))
        phone = drops.Dropper.pair(device_client(server), link.url)
        phone.drop("a.txt", io.BytesIO(b"first note\n"), 11)
        drops.revoke_grant(shared, link.grant)
        with pytest.raises(ServerRefused) as refused:
            phone.drop("b.txt", io.BytesIO(b"second note\n"), 12)
        assert refused.value.code == "grant_ended"

        short = drops.make_grant(shared, server.url, "phone 2",
                                 datetime.now(UTC) + timedelta(seconds=1))
        other = drops.Dropper.pair(device_client(server), short.url)
        time.sleep(1.2)
        with pytest.raises(ServerRefused) as expired:
            other.drop("c.txt", io.BytesIO(b"third note\n"), 11)
        assert expired.value.code == "grant_ended"
        late = drops.make_grant(shared, server.url, "phone 3",
                                datetime.now(UTC) + timedelta(seconds=1))
        time.sleep(1.2)
        with pytest.raises(ServerRefused) as unpaired:
            drops.Dropper.pair(device_client(server), late.url)
        assert unpaired.value.code == "grant_ended"


def test_a_wrong_pairing_key_and_a_forged_entry_are_refused(server: Harness,
                                                             tmp_path: Path) -> None:
    with open_vault(tmp_path / "ann") as vault:
        _, shared, _ = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=1))
        grant = link.url.split("#pair=")[1].split(".")[0]
        wrong = f"{server.url}/drop#pair={grant}.{'A' * 43}"
        with pytest.raises(ServerRefused) as bad:
            drops.Dropper.pair(device_client(server), wrong)
        assert bad.value.code == "bad_proof"
        phone = drops.Dropper.pair(device_client(server), link.url)
        upload = uuid.uuid4()
        headers = {"authorization": "Drop " + phone.token}
        epoch = phone.refresh()["epoch"]
        assert phone.http.put(f"/device/uploads/{upload}/parts/1",
                              params={"epoch": epoch, "size": 100},
                              content=b"x" * 100, headers=headers).status_code == 200
        answer = phone.http.post(f"/device/uploads/{upload}/finish", headers=headers,
                                 json={"meta": "AAAA", "entry": "e30=", "signature": "AAAA"})
        assert answer.json()["error"]["code"] == "entry_does_not_match"


class _CutOnce(httpx.HTTPTransport):
    """A connection that drops once, while the second part is on its way."""

    def __init__(self) -> None:
        super().__init__()
        self.cut = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.cut and request.url.path.endswith("/parts/2"):
            self.cut = True
            super().handle_request(request).close()  # it arrived; the answer is lost
            raise httpx.ReadError("connection lost")
        return super().handle_request(request)


def test_an_upload_cut_off_resumes(server: Harness, tmp_path: Path) -> None:
    data = bytes(reversed(range(256))) * 80_000  # 20 MB: three parts
    with open_vault(tmp_path / "ann") as vault:
        ann, shared, case = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=1))
        cut = _CutOnce()
        phone = drops.Dropper.pair(device_client(server, cut), link.url)
        phone.drop("voice.bin", io.BytesIO(data), len(data))
        assert cut.cut
        report = sync.sync(vault, case, ann)
        assert len(report.dropped) == 1
        item = vault.store.item_with_original(case.id or 0,
                                              hashlib.sha256(data).hexdigest())
        assert item is not None


def test_who_may_make_grants_and_fetch_drops(server: Harness, tmp_path: Path) -> None:
    with open_vault(tmp_path / "ann") as vault:
        ann, shared, _ = shared_case(server, vault)
        contributor, outsider = server.person(), server.person()
        assert contributor.account is not None
        shared.add_member(contributor.account, "contributor", "Cy", "adds")
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=1))
        phone = drops.Dropper.pair(device_client(server), link.url)
        upload = phone.drop("a.txt", io.BytesIO(b"a note\n"), 7)
        case = shared.case_id
        for api, wanted in ((contributor, 403), (outsider, 404)):
            for method, path in (("GET", f"/cases/{case}/dropbox/grants"),
                                 ("GET", f"/cases/{case}/drops/{upload}"),
                                 ("GET", f"/cases/{case}/drops/{upload}/content"),
                                 ("POST", f"/cases/{case}/dropbox/grants/{link.grant}/revoke")):
                kwargs = {"json": {}} if method == "POST" else {}
                assert api.request(method, path, **kwargs).status_code == wanted, path
        made = contributor.request("POST", f"/cases/{case}/dropbox/grants", json={
            "grant": str(uuid.uuid4()), "pairing_key": "A" * 43 + "=", "purpose": "AAAA",
            "expires_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()})
        assert made.json()["error"]["code"] == "role_may_not"
        # a device's upload is its own: another paired device cannot add to or finish it
        other = drops.Dropper.pair(device_client(server), drops.make_grant(
            shared, server.url, "other", datetime.now(UTC) + timedelta(days=1)).url)
        answer = other.http.put(f"/device/uploads/{upload}/parts/1", params={"epoch": 0, "size": 1},
                                content=b"x", headers={"authorization": "Drop " + other.token})
        assert answer.json()["error"]["code"] == "upload_of_another"
        assert ann.request("GET", f"/cases/{case}/drops/{upload}").status_code == 200
