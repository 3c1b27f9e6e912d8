"""The phone page in real Chromium with a phone's viewport, against a real server
(PostgreSQL + SeaweedFS): pairing from the link, a photo from the page's picker, a
photo and a WhatsApp export shared to the page as Android's share sheet does (a
multipart POST to /drop, taken by the service worker), an upload whose connection is
cut and that goes on; the files arrive in a member's vault with the SHA-256 they had on
the "phone"; the server's database and bucket hold none of their plaintext; the phone
keeps no file bytes; a revoked grant is refused."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from spoorvast.services.sharing import drops, sync
from spoorvast.storage.vault import Vault
from tests.conftest import png_bytes
from tests.servers import Postgres
from tests.sharing.conftest import Harness
from tests.sharing.test_canaries import server_bytes
from tests.sharing.test_dropbox import shared_case
from tests.sharing.test_vault_sync import open_vault

pytestmark = pytest.mark.slow
PHONE = {"viewport": {"width": 412, "height": 915}, "device_scale_factor": 2.625,
         "is_mobile": True, "has_touch": True, "locale": "nl-BE",
         "service_workers": "allow"}
CANARY = "dreigbericht van de buurman Wolfskamp 4471 bij de fietsenstalling"


def whatsapp_zip() -> bytes:
    chat = "".join(f"12/03/2026, 21:{m:02d} - Sam Peeters: {CANARY} ({m})\n"
                   for m in range(40))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", chat.encode())
    return out.getvalue()


SHARE = """([name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const form = document.createElement("form");
  form.method = "POST"; form.action = "/drop"; form.enctype = "multipart/form-data";
  const input = document.createElement("input");
  input.type = "file"; input.name = "files";
  const list = new DataTransfer();
  list.items.add(new File([bytes], name, {type}));
  input.files = list.files;
  form.appendChild(input);
  document.body.appendChild(form);
  form.submit();
}"""


def state(page: Any, wanted: str, timeout: float = 30_000) -> None:
    """Wait for the page's state (a selector: the page's CSP forbids string evaluation,
    which Playwright's wait_for_function needs)."""
    page.locator(f"body[data-state={wanted}]").wait_for(state="attached", timeout=timeout)


def sent(page: Any, count: int) -> None:
    """Wait until *count* files were sent from this page load."""
    page.locator(f'body[data-done="{count}"]').wait_for(state="attached", timeout=120_000)


def originals(vault: Vault, case_id: int) -> set[str]:
    return {a.sha256 for item in vault.store.items(case_id)
            for a in vault.store.artifacts(item.id or 0) if a.role.value == "original"}


@pytest.mark.parametrize("server", [{"own_bucket": True}], indirect=True)
def test_a_phone_pairs_shares_and_the_vault_seals(server: Harness, postgres: Postgres,
                                                  browser: Any, tmp_path: Path) -> None:
    photo = png_bytes(color="blue", text_seed=11)
    shared_photo = png_bytes(color="green", text_seed=12)
    chat = whatsapp_zip()
    long = (CANARY.encode() + b"\n") * 300_000  # 19.8 MB: three parts
    (tmp_path / "picked.png").write_bytes(photo)
    (tmp_path / "voice-memo.txt").write_bytes(long)
    with open_vault(tmp_path / "ann") as vault:
        ann, shared, case = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=7))
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(link.url)
        state(page, "ready")
        assert "#" not in page.url  # the pairing key left the address bar
        assert page.title() == "Bestanden"
        page.evaluate("""async () => { while (!navigator.serviceWorker.controller) {
            await new Promise((r) => setTimeout(r, 50)); } }""")

        page.set_input_files("#files", str(tmp_path / "picked.png"))
        sent(page, 1)
        for name, kind, data in (("IMG_2041.png", "image/png", shared_photo),
                                 ("WhatsApp Chat met Sam.zip", "application/zip", chat)):
            page.evaluate(SHARE, [name, kind, base64.b64encode(data).decode()])
            page.wait_for_url("**/drop?shared=1")
            sent(page, 1)

        cut = []

        def lose_once(route: Any) -> None:
            if not cut:
                cut.append(route.request.url)
                route.abort("connectionreset")
            else:
                route.continue_()

        page.route("**/parts/2?*", lose_once)
        page.set_input_files("#files", str(tmp_path / "voice-memo.txt"))
        sent(page, 2)
        assert cut

        # nothing readable stays on the phone: no IndexedDB, caches of the page's code only
        kept = page.evaluate("""async () => ({
            idb: (await indexedDB.databases()).length,
            cached: await Promise.all((await caches.keys()).map(async (name) =>
                (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname))),
            local: Object.keys(localStorage)})""")
        assert kept["idb"] == 0 and kept["local"] == ["spoorvast-drop-device"]
        assert all(path.startswith("/drop/") for group in kept["cached"] for path in group)
        assert CANARY not in page.content()

        report = sync.sync(vault, case, ann)
        assert len(report.dropped) == 4 and report.drops_refused == []
        wanted = {hashlib.sha256(data).hexdigest() for data in (photo, shared_photo, chat, long)}
        assert wanted <= originals(vault, case.id or 0)

        everything = server_bytes(server, postgres)
        assert b"CREATE TABLE public.drops" in everything
        for word in (CANARY, "Wolfskamp 4471", "IMG_2041", "WhatsApp Chat met Sam",
                     "voice-memo", "picked.png"):
            assert word.encode() not in everything, word
            assert word.encode().hex().encode() not in everything, word

        # the quick exit leaves for a neutral page
        page.click("#exit")
        page.wait_for_url("**/drop/away")
        assert page.title() == "Notities"
        context.close()


def test_a_revoked_grant_is_refused_on_the_phone(server: Harness, browser: Any,
                                                 tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_bytes(b"a note\n")
    with open_vault(tmp_path / "ann") as vault:
        _, shared, _ = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=7))
        context = browser.new_context(**{**PHONE, "locale": "fr-BE"})
        page = context.new_page()
        page.goto(link.url)
        state(page, "ready")
        drops.revoke_grant(shared, link.grant)
        page.set_input_files("#files", str(tmp_path / "note.txt"))
        state(page, "failed")
        assert "nouveau" in page.inner_text("#status")
        again = context.new_page()
        again.goto(link.url)  # the link is single-use and its grant has ended
        state(again, "ready")
        assert "nouveau" in again.inner_text("#status")
        context.close()


def test_a_file_on_the_part_boundary_arrives_whole(server: Harness, browser: Any,
                                                   tmp_path: Path) -> None:
    exact = bytes(range(251)) * ((8 << 20) // 251) + b"\x07" * ((8 << 20) % 251)
    assert len(exact) == 8 << 20  # one part, eight chunks, the last one final
    (tmp_path / "exact.bin").write_bytes(exact)
    (tmp_path / "tiny.txt").write_bytes(b"x\n")
    with open_vault(tmp_path / "ann") as vault:
        ann, shared, case = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=7))
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(link.url)
        state(page, "ready")
        page.set_input_files("#files", [str(tmp_path / "exact.bin"), str(tmp_path / "tiny.txt")])
        sent(page, 2)
        context.close()
        assert len(sync.sync(vault, case, ann).dropped) == 2
        assert {hashlib.sha256(exact).hexdigest(), hashlib.sha256(b"x\n").hexdigest()} <= \
            originals(vault, case.id or 0)


def test_a_full_drop_box_says_so_on_the_phone(server: Harness, browser: Any,
                                              tmp_path: Path) -> None:
    from spoorvast.storage.server_drops import DropLimits
    from spoorvast.storage.sharing_keys import encrypted_size

    (tmp_path / "small.txt").write_bytes(b"s" * 100)
    (tmp_path / "large.txt").write_bytes(b"l" * 5000)
    server.state.drop_limits = DropLimits(grant_bytes=encrypted_size(1000), grant_files=5)
    with open_vault(tmp_path / "ann") as vault:
        ann, shared, case = shared_case(server, vault)
        link = drops.make_grant(shared, server.url, "phone",
                                datetime.now(UTC) + timedelta(days=7))
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(link.url)
        state(page, "ready")
        page.set_input_files("#files", [str(tmp_path / "small.txt"),
                                        str(tmp_path / "large.txt")])
        state(page, "full")
        assert page.inner_text("#status").startswith("Er is geen ruimte meer")
        assert page.locator('body[data-done="1"]').count() == 1  # the first one went
        context.close()
        assert len(sync.sync(vault, case, ann).dropped) == 1
