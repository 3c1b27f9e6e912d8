"""Watched pages in the browser (a real server on loopback): the list, one watch's
history with hashes, the before/after page with its difference image, "keep watching
this" from a captured page, pause / resume / remove, and the news said once after the
unlock."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from spoorvast.services import cases
from spoorvast.services.watch import service, store
from spoorvast.storage import vault as vaultlib
from tests.watch.recorded import URL, Page, RecordedRunner, record
from tests.web.conftest import FAST_KDF, PASSPHRASE, Browserish, serve


@pytest.fixture
def prepared(tmp_path: Path) -> Path:
    """A case with a watched page: first capture, an edit, then a removal confirmed."""
    root = tmp_path / "vault"
    vault = vaultlib.create(root, PASSPHRASE, FAST_KDF)
    case = cases.create_case(vault, "Watched", "en", "Europe/Brussels")
    first = record(vault, case, Page(), 0)
    watch = service.add(vault, case, URL, 6 * 3600, first)
    runner = RecordedRunner(vault, [Page(words="Bram posted: it was only a joke.",
                                         pictures=("disc",)),
                                    Page(status=404, pictures=()), Page(status=404)])
    for _run in range(3):
        service.run_one(vault, runner, store.watch(vault, case.id or 0, watch.id),
                        random.Random(2))
    record(vault, case, Page(), 30)  # E-0005: a capture not yet watched
    vault.close()
    return root


@pytest.fixture
def client(prepared: Path) -> Iterator[Browserish]:
    live = serve(prepared)
    browser = Browserish(live)
    yield browser
    browser.close()
    live.stop()


@pytest.mark.slow
def test_watches_in_the_browser(client: Browserish) -> None:
    client.unlock()
    first_page = client.get("/cases", follow_redirects=True).text
    assert "Watching: 1 page was removed." in first_page  # said at the unlock …
    assert "Watching: 1 page was edited." in first_page
    assert "page was removed" not in client.get("/cases", follow_redirects=True).text  # once
    listed = client.get("/c/1/watches").text
    assert URL in listed and "removed (confirmed)" in listed and "E-0001" in listed
    page = client.get("/c/1/watches/1").text
    assert 'id="watch-history"' in page
    assert page.count("/compare?before=") == 3
    assert "text edited (" in page and "words gone" in page  # with its figures
    compare = client.get("/c/1/watches/1/compare?before=E-0001&after=E-0002")
    assert compare.status_code == 200
    assert "<del>you will regret this, everyone knows where you live.</del>" in compare.text
    assert "<ins>it was only a joke.</ins>" in compare.text
    picture = client.get("/c/1/watches/1/difference.png?before=E-0001&after=E-0002")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(picture.content)) as shown:
        assert shown.width == 800
        assert (220, 0, 0) in {c for _n, c in shown.convert("RGB").getcolors(1 << 20) or []}
    item = client.get("/c/1/items/E-0005").text
    assert 'id="watch-this"' in item
    again = client.post("/c/1/watches", {"first": "E-0005", "every": "1d"})
    assert again.status_code == 400 and "already watched" in again.text


@pytest.mark.slow
def test_pause_resume_remove_in_the_browser(client: Browserish) -> None:
    client.unlock()
    assert client.post("/c/1/watches/1/pause").status_code == 303
    assert "paused" in client.get("/c/1/watches").text
    assert client.post("/c/1/watches/1/resume").status_code == 303
    assert client.post("/c/1/watches/1/remove").status_code == 303
    assert URL not in client.get("/c/1/watches").text
    assert client.get("/c/1/items/E-0004").status_code == 200  # the captures stay
    added = client.post("/c/1/watches", {"first": "E-0005", "every": "1d"})
    assert added.status_code == 303 and added.headers["location"].startswith(
        "/c/1/watches/2")
    page = client.get("/c/1/watches/2").text
    assert URL in page and "E-0005" in page
