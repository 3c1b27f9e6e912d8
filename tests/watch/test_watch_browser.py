"""Watching pages served on 127.0.0.1 that change between runs, captured by real
Chromium through the capture service: each run classified right, the first capture
untouched, ``verify`` passing on the chain; and a run made with the vault locked lands
in the watch inbox and is sealed and classified at the next opening."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.options import CaptureOptions
from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services import verify
from spoorvast.services.watch import service, store, unattended
from spoorvast.services.watch.model import ChangeKind
from spoorvast.services.watch.runner import LocalRunner
from spoorvast.services.watch.waiting import drain_if_waiting, waiting
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.vault import Vault
from tests.capture.platform_pages import IG_B, script
from tests.capture.site import Response, _serve
from tests.watch.conftest import FAST_KDF, PASSPHRASE

LOCAL = CaptureOptions(allow_private_network=True, timeout_seconds=20,
                       load_timeout_seconds=10, settle_seconds=0.5, pdf=False)
K = ChangeKind
WORDS = "Bram posted: you will regret this, everyone knows where you live."


def photo(kind: str) -> bytes:
    image = Image.new("RGB", (160, 160), "white")
    draw = ImageDraw.Draw(image)
    if kind == "stripes":
        for x in range(0, 160, 20):
            draw.rectangle((x, 0, x + 9, 160), fill="navy")
    else:
        draw.ellipse((20, 20, 140, 140), fill="darkred")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Site:
    """One watched page whose state the test sets between runs."""

    def __init__(self) -> None:
        self.state = "v1"
        self.server = _serve(self.routes)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def page(self, words: str, handle: str = "bram.subject", status: int = 200) -> Response:
        html = ("<!doctype html><html><head><title>Bram</title>"
                f'<link rel="canonical" href="https://www.instagram.com/{handle}/"></head>'
                f"<body>{script({'data': {'user': {'pk': IG_B, 'username': handle}}})}"
                f'<p>{words}</p><img src="/photo.png" width="160" height="160"></body></html>')
        return status, "text/html; charset=utf-8", html.encode(), {}

    def routes(self, path: str, headers: dict[str, str]) -> Response:
        if path.startswith("/photo.png"):
            kind = "disc" if self.state in ("swap", "renamed") else "stripes"
            return 200, "image/png", photo(kind), {}
        if path.startswith("/accounts/login"):
            return 200, "text/html", (b"<html><body><form><input type=password name=p>"
                                      b"<button>Log in</button></form></body></html>"), {}
        return self.post()

    def post(self) -> Response:
        state = self.state
        if state == "wall":
            return 302, "text/html", b"", {"Location": "/accounts/login/?next=/bram"}
        if state == "404":
            return 404, "text/html", b"<html><body><h1>Not found</h1></body></html>", {}
        if state == "gone200":
            return self.page("Sorry, this page isn't available. The link you followed "
                             "may be broken.")
        words = WORDS.replace("live", "work") if state in ("edited", "swap", "renamed") \
            else WORDS
        return self.page(words, "bram.renamed" if state == "renamed" else "bram.subject")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def session() -> Iterator[BrowserSession]:
    with BrowserSession() as browser:
        yield browser


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


def _run(vault: Vault, case: Case, runner: LocalRunner, watch_id: int
         ) -> tuple[ChangeKind, ...]:
    outcome = service.run_one(vault, runner, store.watch(vault, case.id or 0, watch_id),
                              random.Random(4))
    assert outcome.verdict is not None, outcome.error
    return outcome.verdict.kinds


def test_each_change_of_a_live_page_is_classified(vault: Vault, case: Case, site: Site,
                                                  session: BrowserSession) -> None:
    watch = service.add(vault, case, site.base + "/bram", 6 * 3600, private=True)
    runner = LocalRunner(vault, LOCAL, session)
    expected = [("v1", (K.FIRST,)), ("v1", (K.UNCHANGED,)), ("edited", (K.EDITED,)),
                ("swap", (K.MEDIA,)), ("renamed", (K.RENAMED,)), ("wall", (K.RESTRICTED,)),
                ("404", (K.GONE_ONCE,)), ("renamed", (K.FLAPPED, K.REOPENED)),
                ("gone200", (K.GONE_ONCE,)), ("gone200", (K.REMOVED,))]
    first = None
    seen = []
    for state, _kinds in expected:
        site.state = state
        seen.append((state, _run(vault, case, runner, watch.id)))
        if first is None:
            first = {a.name: a.sha256 for a in vault.store.artifacts(
                case_service.find_item(vault, case, "E-0001").id or 0)}
    assert seen == expected
    after = store.watch(vault, case.id or 0, watch.id)
    assert after.first == "E-0001" and after.removed and after.runs == len(expected)
    kept = {a.name: a.sha256 for a in vault.store.artifacts(
        case_service.find_item(vault, case, "E-0001").id or 0)}
    assert kept == first  # the first capture untouched
    report = verify.verify(vault)
    assert report.ok, report.problems


def test_a_run_while_locked_is_classified_at_the_opening(tmp_path: Path, site: Site,
                                                         session: BrowserSession) -> None:
    root = tmp_path / "vault"
    vault = vaultlib.create(root, PASSPHRASE, FAST_KDF)
    case = case_service.create_case(vault, "Locked", "en", "Europe/Brussels")
    watch = service.add(vault, case, site.base + "/bram", 6 * 3600, private=True)
    service.run_one(vault, LocalRunner(vault, LOCAL, session), watch, random.Random(5))
    unattended.enable(vault)  # the schedule file beside the vault
    vault.close()
    site.state = "404"
    ran = unattended.run_locked(root, everything=True, options=LOCAL, session=session)
    assert ran.count == 1 and ran.news  # a 404 is news even without the vault
    assert waiting(root)
    entry = next((root / "watch" / "inbox").glob("*.svin"))
    assert b"Bram" not in entry.read_bytes() and b"/bram" not in entry.read_bytes()
    opened = vaultlib.open_vault(root, PASSPHRASE)
    try:
        assert drain_if_waiting(opened) == 1
        assert not waiting(root)
        after = store.watch(opened, case.id or 0, watch.id)
        assert after.last == "E-0002" and after.gone_since is not None
        sealed = case_service.find_item(opened, case, "E-0002")
        codes = {f.code for f in opened.store.findings(case.id or 0, sealed.id)}
        assert "watch.gone-once" in codes and "capture.removed" in codes
        actions = [e.action for e in opened.store.custody(f"case-{case.id}")]
        assert "watch.sealed-from-inbox" in actions
        assert verify.verify(opened).ok
    finally:
        opened.close()
