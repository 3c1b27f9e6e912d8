"""The screens over HTTP against the running app: onboarding, cases, adding files with
progress, items and thumbnails, detail and download, notes, parties, checklist,
timeline, verify, settings — and evidence text always rendered as text."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import httpx
from markupsafe import escape
from PIL import Image

from spoorvast.storage import vault as vaultlib
from tests.conftest import png_bytes
from tests.web.conftest import PASSPHRASE, Browserish, StartApp
from tests.web.helpers import XSS_NAMES, XSS_TEXT, declared, upload, wait_job

RAW = ("<script>", "<img src=x", 'href="javascript:')


def assert_no_raw(page: str) -> None:
    for raw in RAW:
        assert raw not in page.replace('<script src="/static/app.js" defer></script>', "")


def assert_text_only(page: str, payload: str) -> None:
    assert_no_raw(page)
    assert str(escape(payload)) in page


def test_first_start_creates_the_vault(start_app: StartApp) -> None:
    live = start_app(with_vault=False)
    client = Browserish(live)
    welcome = client.http.get("/").text
    assert "What it does not do" in welcome and 'name="time_zone"' in welcome
    short = client.post("/create", {"passphrase": "short", "repeat": "short"})
    assert short.status_code == 400 and not vaultlib.is_vault(live.settings.vault_root)
    created = client.post("/create", {"passphrase": PASSPHRASE, "repeat": PASSPHRASE,
                                      "language": "fr", "time_zone": "Europe/Paris"})
    assert created.status_code == 303 and created.headers["location"] == "/cases/new"
    page = client.http.get("/cases/new").text
    assert 'lang="fr"' in page and 'value="Europe/Paris" selected' in page
    assert vaultlib.is_vault(live.settings.vault_root)
    client.close()


def test_add_files_then_items_thumbnails_detail_download(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    image = png_bytes(400, 300, "red", 5)
    files = {"shot.png": image, "notes.txt": b"synthetic text\n", "shot-copy.png": image}
    state = upload(client, case_id, files)
    assert state["state"] == "done"
    statuses = {f["name"]: (f["status"], f["labels"]) for f in state["files"]}  # type: ignore[index, union-attr]
    # sealed in name order: the second copy of the picture is a duplicate of the first
    assert statuses == {"notes.txt": ("added", ["E-0001"]),
                        "shot-copy.png": ("added", ["E-0002"]),
                        "shot.png": ("duplicate", ["E-0002"])}
    items = client.http.get(f"/c/{case_id}/items").text
    assert "shot-copy.png" in items and "notes.txt" in items
    images_only = client.http.get(f"/c/{case_id}/items?kind=image").text
    assert "shot-copy.png" in images_only and "notes.txt" not in images_only
    label = "E-0002"
    thumb = client.http.get(f"/c/{case_id}/items/{label}/thumb")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/png"
    assert thumb.headers["cache-control"].startswith("no-store")
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 240)
    detail = client.http.get(f"/c/{case_id}/items/{label}").text
    sha = hashlib.sha256(image).hexdigest()
    assert sha in detail and "Custody log" in detail
    original = client.http.get(f"/c/{case_id}/items/{label}/file/{sha}")
    assert original.content == image
    assert original.headers["content-type"] == "application/octet-stream"
    assert original.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in original.headers["content-security-policy"]


def test_uploads_leave_no_plaintext_behind(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    private = client.live.app.state.private
    made: list[object] = []
    original_create = private.create

    def spy() -> object:
        path = original_create()
        made.append(path)
        return path

    private.create = spy
    upload(client, case_id, {"a.png": png_bytes(), "b.txt": b"synthetic\n"})
    assert made and all(not p.exists() for p in made)  # type: ignore[attr-defined]
    assert all(str(p).startswith(("/dev/shm", "/run/user")) for p in made)


def test_file_names_with_markup_render_as_text(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    files = {name: f"synthetic {n}\n".encode() for n, name in enumerate(XSS_NAMES)}
    state = upload(client, case_id, files)
    assert {f["status"] for f in state["files"]} == {"added"}  # type: ignore[union-attr]
    page = client.http.get(f"/c/{case_id}/items").text
    for name in XSS_NAMES:  # a "/" cannot be in a file name: it arrives as "_"
        assert str(escape(name.replace("/", "_"))) in page
    assert_text_only(page, XSS_NAMES[0].replace("/", "_"))
    for label in ("E-0001", "E-0002", "E-0003"):  # sealed in name order
        detail = client.http.get(f"/c/{case_id}/items/{label}").text
        assert "&lt;img src=x" in detail or "&lt;script&gt;" in detail \
            or "javascript:alert(1).txt" in detail
        assert_no_raw(detail)


def test_note_changes_the_checklist_and_timeline(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    before = client.http.get(f"/c/{case_id}/checklist").text
    assert 'data-element="observed-at" data-status="missing"' in before
    added = client.post(f"/c/{case_id}/notes", {"kind": "observation", "text": XSS_TEXT,
                                                "at": "2026-03-04T21:00"})
    assert added.status_code == 303
    after = client.http.get(f"/c/{case_id}/checklist").text
    assert 'data-element="observed-at" data-status="present"' in after
    notes = client.http.get(f"/c/{case_id}/notes").text
    assert_text_only(notes, XSS_TEXT)
    timeline = client.http.get(f"/c/{case_id}/timeline").text
    assert "March 4, 2026, 21:00 (UTC+1)" in timeline  # as a person reads it, with the offset
    assert_text_only(timeline, XSS_TEXT)


def test_bad_note_time_is_explained(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    response = client.post(f"/c/{case_id}/notes", {"kind": "observation", "text": "x",
                                                   "at": "yesterday-ish"})
    assert response.status_code == 400 and "yesterday-ish" in response.text


def test_party_identifier_changes_the_checklist(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    name = '<img src=x onerror=alert(1)> "Suspect"'
    assert client.post(f"/c/{case_id}/parties", {"role": "suspect", "name": name}
                       ).status_code == 303
    page = client.http.get(f"/c/{case_id}/parties").text
    assert_text_only(page, name)
    added = client.post(f"/c/{case_id}/identifiers", {"party": "1", "kind": "phone",
                                                      "value": "0470 12 34 56"})
    assert added.status_code == 303
    checklist = client.http.get(f"/c/{case_id}/checklist").text
    assert 'data-element="suspect-phones" data-status="present"' in checklist
    assert "+32470123456" in checklist


def test_proposed_identifier_confirm_and_reject(client: Browserish) -> None:
    from spoorvast.model.records import Identifier, IdentifierKind

    client.unlock()
    case_id = client.new_case()
    client.post(f"/c/{case_id}/parties", {"role": "suspect", "name": "X"})
    with client.live.app.state.session.use() as vault, vault.store.transaction() as tx:
        tx.add_identifier(Identifier(None, case_id, IdentifierKind.EMAIL, "x@example.org"))
        tx.add_identifier(Identifier(None, case_id, IdentifierKind.EMAIL, "y@example.org"))
    page = client.http.get(f"/c/{case_id}/parties").text
    assert "Found in your evidence" in page and "x@example.org" in page
    client.post(f"/c/{case_id}/identifiers/1", {"decision": "confirm", "party": "1"})
    client.post(f"/c/{case_id}/identifiers/2", {"decision": "reject"})
    with client.live.app.state.session.use() as vault:
        states = {i.value: (i.status.value, i.party_id) for i in vault.store.identifiers(case_id)}
    assert states == {"x@example.org": ("confirmed", 1), "y@example.org": ("rejected", None)}
    checklist = client.http.get(f"/c/{case_id}/checklist").text
    assert 'data-element="suspect-emails" data-status="present"' in checklist


def test_checklist_not_applicable_and_back(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    client.post(f"/c/{case_id}/checklist/recordings", {"reason": "no calls were made"})
    page = client.http.get(f"/c/{case_id}/checklist").text
    assert 'data-element="recordings" data-status="not-applicable"' in page
    client.post(f"/c/{case_id}/checklist/recordings", {"applicable": "1"})
    page = client.http.get(f"/c/{case_id}/checklist").text
    assert 'data-element="recordings" data-status="missing"' in page


def test_verify_runs_as_a_job(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, {"a.png": png_bytes()})
    started = client.post("/verify")
    job = started.headers["location"].split("job=")[1]
    state = wait_job(client, job)
    assert state["state"] == "done"
    assert any("Everything matches" in line for line in state["lines"])  # type: ignore[union-attr]


def test_patterns_chart_is_an_svg_made_in_memory(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    client.post(f"/c/{case_id}/notes", {"kind": "observation", "text": "x",
                                        "at": "2026-03-04T21:00"})
    assert client.http.get(f"/c/{case_id}/patterns").status_code == 200
    chart = client.http.get(f"/c/{case_id}/charts/heatmap.svg")
    assert chart.status_code == 200 and chart.content.lstrip().startswith(b"<?xml")
    assert "sandbox" in chart.headers["content-security-policy"]


def test_passphrase_change(client: Browserish) -> None:
    client.unlock()
    wrong = client.post("/settings/passphrase", {"old": "nope nope", "new": "new phrase 123",
                                                 "repeat": "new phrase 123"})
    assert wrong.status_code == 400
    done = client.post("/settings/passphrase", {"old": PASSPHRASE, "new": "new phrase 123",
                                                "repeat": "new phrase 123"})
    assert done.status_code == 303
    client.post("/lock")
    assert client.post("/unlock", {"passphrase": PASSPHRASE}).status_code == 400
    assert client.post("/unlock", {"passphrase": "new phrase 123"}).status_code == 303


def test_settings_language_and_autolock(client: Browserish) -> None:
    client.unlock()
    saved = client.post("/settings", {"language": "de", "time_zone": "Europe/Berlin",
                                      "minutes": "3"})
    assert saved.status_code == 303
    page = client.http.get("/settings").text
    assert 'lang="de"' in page and 'content="180"' in page
    assert client.live.app.state.session.autolock_seconds == 180


def test_a_job_has_its_own_handle_and_pages_keep_working(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    session = client.live.app.state.session
    handle = session.job_handle()
    with session.use() as vault:
        assert handle.store.conn is not vault.store.conn
    handle.close()
    errors: list[BaseException] = []

    def read_pages() -> None:
        reader = httpx.Client(base_url=client.live.url, cookies=client.http.cookies)
        try:
            for _ in range(20):
                assert reader.get(f"/c/{case_id}/items").status_code == 200
        except BaseException as exc:
            errors.append(exc)
        reader.close()

    thread = threading.Thread(target=read_pages)
    thread.start()
    files = {f"p{n}.png": png_bytes(64, 48, "white", n) for n in range(30)}
    state = upload(client, case_id, files)
    thread.join()
    assert not errors and state["state"] == "done"
    assert {f["status"] for f in state["files"]} == {"added"}  # type: ignore[union-attr]


def test_locking_stops_jobs_and_releases_the_vault(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    files = {f"p{n}.png": png_bytes(640, 480, "green", n) for n in range(40)}
    headers = {"X-CSRF-Token": client.csrf("/cases")}
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    for name, data in files.items():
        client.http.post(f"/c/{case_id}/add/upload/{batch}", content=data,
                         headers={**headers, **declared(data), "X-File-Name": name})
    client.http.post(f"/c/{case_id}/add/seal/{batch}", headers=headers)
    client.http.post("/exit")
    jobs = client.live.app.state.jobs
    assert jobs.wait_idle(30)
    vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE).close()
    with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
        from spoorvast.services.verify import verify

        assert verify(vault).ok  # whatever was added is whole


def test_dossier_is_made_and_downloaded_as_a_verifiable_zip(client: Browserish,
                                                            tmp_path: Path) -> None:
    import io
    import zipfile

    from spoorvast.dossier.verify import verify_bundle

    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, {"a.png": png_bytes()})
    started = client.post(f"/c/{case_id}/dossier")
    job = started.headers["location"].split("job=")[1]
    state = wait_job(client, job, timeout=120)
    assert state["state"] == "done", state
    download = client.get(f"/c/{case_id}/dossier/{job}")
    assert download.status_code == 200
    assert "no-store" in download.headers["cache-control"]
    archive = tmp_path / "dossier.zip"
    archive.write_bytes(download.content)
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert any(n.endswith("SHA256SUMS") for n in names)
    assert any(n.endswith("DOSSIER.pdf") for n in names)
    assert verify_bundle(archive).ok


def test_read_text_from_pictures_then_find_it(client: Browserish) -> None:
    from tests.ocr.test_bad_input import encoded, text_picture

    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, {"dreiging.png": encoded(text_picture("Betaal of ik kom langs"),
                                                     "PNG")})
    started = client.post(f"/c/{case_id}/read-text")
    job = started.headers["location"].split("job=")[1]
    assert wait_job(client, job, timeout=120)["state"] == "done"
    page = client.get(f"/c/{case_id}/search?q=betaal").text
    assert 'id="search-pictures"' in page and "E-0001" in page
    assert "Betaal of ik kom langs" in page
    assert 'id="search-pictures"' not in client.get(f"/c/{case_id}/search?q=nothing").text


def test_the_add_job_tells_errors_and_warnings(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    rows = "".join(f"0470 12 34 5{n},not a time,in\n" for n in range(5))
    files = {"calls.csv": ("number,datetime,direction\n" + rows).encode(),
             "ok.txt": b"synthetic text\n"}
    state = upload(client, case_id, files)
    assert state["state"] == "done"
    lines = state["lines"]
    assert isinstance(lines, list)
    told = [line for line in lines if line.startswith("E-0001: ")]
    assert len(told) == 4 and told[-1] == "E-0001: 2 more findings on its page."
    links = state["links"]
    assert isinstance(links, list)
    assert {"label": "E-0001", "href": f"/c/{case_id}/items/E-0001"} in links
    assert not any(line.startswith("E-0002") for line in lines)  # nothing to tell
