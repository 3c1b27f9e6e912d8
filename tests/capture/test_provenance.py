"""Provenance of a capture (#25 item 6): the certificate chain the browser accepted, the
DNS answers used, a normal browser's user agent and client hints, and the clock against
the time-stamp authority; in the record, in ``show`` and in the dossier."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spoorvast.capture.browser import BrowserSession, normal_user_agent
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.show import record_of as shown_record
from spoorvast.capture.show import rows
from spoorvast.capture.tsa_clock import check_clock, read_accuracy
from spoorvast.dossier.sections import capture_section
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from tests.capture.helpers import blob, capture, record_of, stored
from tests.capture.tls_site import HOST, TlsSite, resolve
from tests.pki import make_pki, token

OPTIONS = CaptureOptions(allow_private_network=True, pdf=False, timeout_seconds=30,
                         watch_after_seconds=0.2)


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsSite]:
    served = TlsSite(tmp_path_factory.mktemp("tls"))
    yield served
    served.close()


@pytest.fixture(scope="module")
def session(tls_site: TlsSite) -> Iterator[BrowserSession]:
    with BrowserSession(extra_args=(tls_site.spki_flag,)) as browser:
        yield browser


def test_the_record_holds_the_chain_dns_and_a_normal_user_agent(
        vault: Vault, case: Case, session: BrowserSession, tls_site: TlsSite) -> None:
    result = capture(vault, case, session, tls_site.url, OPTIONS, resolve)
    item, files = stored(vault, case, result.label)
    record = record_of(vault, files)
    tls = record["tls"]
    assert isinstance(tls, dict)
    port = tls_site.server.server_address[1]
    assert tls["main_origin"] == f"https://{HOST}:{port}"
    main = tls["origins"][0]
    assert main["san"] == [HOST] and main["protocol"].startswith("TLS")
    chain = main["chain"]
    assert [c["sha256"] for c in chain] == [tls_site.fingerprint(tls_site.leaf),
                                            tls_site.fingerprint(tls_site.ca)]
    assert chain[0]["subject"] == f"CN={HOST}" and chain[0]["san"] == [HOST]
    assert chain[0]["issuer"] == "CN=Synthetic Capture Root CA"
    assert chain[0]["not_after"].endswith("Z")
    answers = record["dns"]["answers"]  # type: ignore[index]
    assert [(a["name"], a["addresses"]) for a in answers] == [(HOST, ["127.0.0.1"])]
    assert answers[0]["at"].endswith("Z") and answers[0]["ttl"] is None
    # what the server saw: a normal Chromium of this version, never "HeadlessChrome"
    sent = tls_site.seen[0]
    assert "Headless" not in sent["user-agent"] and "Headless" not in sent["sec-ch-ua"]
    assert session.info is not None
    assert f"Chrome/{session.info.version.split('.')[0]}." in sent["user-agent"]
    assert record["browser"]["user_agent"] == sent["user-agent"]  # type: ignore[index]
    hints = record["browser"]["client_hints"]  # type: ignore[index]
    assert hints["sec-ch-ua"] == sent["sec-ch-ua"]
    shown = dict(rows(shown_record(vault, item) or {}))
    assert shown["Server certificate (SHA-256)"] == tls_site.fingerprint(tls_site.leaf)
    assert HOST in shown["Certificate names (SAN)"]
    assert "127.0.0.1" in shown["DNS answer"]
    dossier = dict(capture_section(record).rows)
    assert dossier["Server certificate (SHA-256)"] == tls_site.fingerprint(tls_site.leaf)


def test_the_headless_name_is_never_sent() -> None:
    reported = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "HeadlessChrome/156.0.0.0 Safari/537.36")
    assert normal_user_agent(reported, "156.0.8078.129") == reported.replace(
        "HeadlessChrome", "Chrome")
    assert "Chrome/157.0.0.0" in normal_user_agent("", "157.0.1.2")


def test_the_clock_offset_is_read_from_a_real_token(tmp_path: Path) -> None:
    folder = make_pki(tmp_path / "pki")
    before = datetime.now(UTC) - timedelta(seconds=30)  # this clock 30 s behind
    reply = token(folder, b"synthetic record")
    after = datetime.now(UTC) - timedelta(seconds=30)
    import subprocess

    text = subprocess.run(["openssl", "ts", "-reply", "-in", "/dev/stdin", "-text"],
                          input=reply, capture_output=True, check=True).stdout.decode()
    clock = check_clock(text, before, after)
    assert clock is not None
    assert clock.tsa_accuracy == 1.0 and clock.tsa_resolution == 1.0
    assert abs(clock.offset - 30) <= clock.uncertainty
    assert clock.uncertainty >= 2.0
    assert read_accuracy("Accuracy: unspecified") is None
    assert read_accuracy("Accuracy: 0x01 seconds, 0x01F4 millis, unspecified micros") == 1.5


def test_a_stamped_capture_states_its_clock(
        vault: Vault, case: Case, session: BrowserSession, tls_site: TlsSite,
        tmp_path: Path) -> None:
    from tests.capture.test_timestamps import tsa_server

    folder = make_pki(tmp_path / "tsa")
    server = tsa_server(folder)
    try:
        options = CaptureOptions(allow_private_network=True, pdf=False,
                                 watch_after_seconds=0.2, tsa_ca=folder / "ca.pem",
                                 tsa_url=f"http://127.0.0.1:{server.server_address[1]}/t")
        result = capture(vault, case, session, tls_site.url, options, resolve)
    finally:
        server.shutdown()
        server.server_close()
    item, files = stored(vault, case, result.label)
    clock = files["timestamp-clock.json"]
    assert clock.derived_from == hashlib.sha256(blob(vault, files["capture.json"])).hexdigest()
    record = shown_record(vault, item)
    assert record is not None
    assert abs(record["tsa_clock"]["offset_seconds"]) <= \
        record["tsa_clock"]["uncertainty_seconds"] + 1
    shown = dict(rows(record))
    assert "± " in shown["Clock against the time-stamp authority"]
