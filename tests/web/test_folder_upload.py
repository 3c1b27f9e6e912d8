"""An export that is a folder, chosen as a folder in the browser: relative paths are kept
inside the upload folder, so the conversation finds and seals the photos it names; names
that try to leave the folder stay inside it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from spoorvast.web.routes_add import safe_name
from tests.chat.telegram_samples import single_chat
from tests.web.conftest import Browserish
from tests.web.helpers import upload

PHOTO = b"\xff\xd8synthetic photo"


def test_a_telegram_export_folder_keeps_its_photos(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    export = json.dumps(single_chat(), ensure_ascii=False, indent=1).encode()
    state = upload(client, case_id, {
        "ChatExport_2026-03-05/result.json": export,
        "ChatExport_2026-03-05/photos/photo_1@04-03-2026_22-18-00.jpg": PHOTO}, folder=True)
    assert state["state"] == "done"
    names = {f["name"]: f["status"] for f in state["files"]}  # type: ignore[union-attr]
    # the photo is sealed with the conversation, not added a second time as an item
    assert names == {"ChatExport_2026-03-05/result.json": "added",
                     "ChatExport_2026-03-05/photos/photo_1@04-03-2026_22-18-00.jpg":
                     "duplicate"}
    items = {f["name"]: f["labels"] for f in state["files"]}  # type: ignore[union-attr]
    label = items["ChatExport_2026-03-05/result.json"][0]  # type: ignore[index]
    assert items["ChatExport_2026-03-05/photos/photo_1@04-03-2026_22-18-00.jpg"] == [label]
    page = client.http.get(f"/c/{case_id}/items/{label}").text
    photo = hashlib.sha256(PHOTO).hexdigest()
    assert f"/items/{label}/file/{photo}" in page  # sealed with the conversation
    assert client.http.get(f"/c/{case_id}/items/{label}/file/{photo}").content == PHOTO


def test_names_cannot_leave_the_upload_folder(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for raw in ("../../etc/passwd", "/etc/passwd", "a/../../b.txt", "..", "c\\..\\d.txt",
                "%2e%2e%2f%2e%2e%2fx", "x/" * 20 + "deep.txt", "", "a\x00b/c.txt"):
        for relative in (True, False):
            target = safe_name(raw, folder, relative)
            assert target.resolve().is_relative_to(folder.resolve()), raw
            target.write_bytes(b"x")
    assert safe_name("a/b.txt", folder).name == "a_b.txt"  # a plain name is one part
    (folder / "taken").write_bytes(b"a file")
    assert safe_name("taken/inside.txt", folder, True).parent == folder  # not a folder
