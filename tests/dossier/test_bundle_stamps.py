"""SHA256SUMS time-stamped by two independent RFC 3161 authorities: two real ``openssl ts``
authorities served on 127.0.0.1 (and one that does not answer). Both tokens verify with
``openssl ts -verify`` against each authority's own root, and with the commands
VERIFY.txt gives; the PDF names each token's signer and says that no authority was
checked against the EU Trusted List."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.dossier.build import make_dossier
from spoorvast.dossier.bundle_stamps import default_urls, trust_of
from spoorvast.dossier.model import DossierOptions
from spoorvast.dossier.verify import verify_bundle
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.dossier.pagefill import sparse_pages
from tests.dossier.test_pdf import flat, text_of
from tests.pki import make_pki, tsa_server

DOWN = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port



@pytest.fixture
def authorities(tmp_path: Path) -> Iterator[list[tuple[str, Path]]]:
    folders = [make_pki(tmp_path / "tsa-a", "Synthetic Authority A"),
               make_pki(tmp_path / "tsa-b", "Synthetic Authority B")]
    servers = [tsa_server(f) for f in folders]
    yield [(f"http://127.0.0.1:{s.server_address[1]}/tsr", f)
           for s, f in zip(servers, folders, strict=True)]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_two_authorities_time_stamp_sha256sums(case_vault: Path, tmp_path: Path,
                                                authorities: list[tuple[str, Path]]) -> None:
    urls = (authorities[0][0], authorities[1][0], DOWN)
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        result = make_dossier(vault, case, DossierOptions("en", tsa_urls=urls),
                              tmp_path / "out")
    folder = result.folder
    for n, (_url, pki) in enumerate(authorities, start=1):
        done = subprocess.run(  # against the authority's own root: no -partial_chain
            ["openssl", "ts", "-verify", "-data", "SHA256SUMS", "-in",
             f"timestamps/SHA256SUMS.{n}.tsr", "-CAfile", str(pki / "ca.pem")],
            cwd=folder, capture_output=True, check=False)
        assert done.returncode == 0 and b"Verification: OK" in done.stdout, done.stderr
    assert not (folder / "timestamps" / "SHA256SUMS.3.tsr").exists()
    commands = [line for line in (folder / "VERIFY.txt").read_text("utf-8").splitlines()
                if line.startswith("openssl ts -verify -data SHA256SUMS")]
    assert len(commands) == 3  # one per configured authority, planned before stamping
    for command in commands[:2]:
        done = subprocess.run(shlex.split(command), cwd=folder, capture_output=True,
                              check=False)
        assert b"Verification: OK" in done.stdout, (command, done.stderr)
    report = verify_bundle(folder)
    assert report.ok, [p.message() for p in report.problems]
    assert report.timestamps == 2
    text = flat(text_of(result.pdf))
    for name in ("A", "B"):  # pdftotext may interleave the table's columns
        assert re.search(rf"CN=Synthetic Authority (\S+ ){{0,4}}{name}\b", text), name
    assert text.count("not checked against the EU Trusted List") == 3
    assert "the authority did not answer" in text
    assert "2 of 3 authorities time-stamped this bundle" in text
    assert sparse_pages(result.pdf) == []
    # a token changed after the fact no longer verifies
    token = folder / "timestamps" / "SHA256SUMS.1.tsr"
    token.write_bytes(token.read_bytes()[:-8] + bytes(8))
    assert not verify_bundle(folder).ok


def test_defaults_are_two_public_authorities_never_assumed_qualified() -> None:
    urls = default_urls()
    assert len(urls) == 2 and len({u.split("/")[2] for u in urls}) == 2
    assert all(trust_of(u, None).status == "not-checked" for u in urls)
    assert trust_of("http://127.0.0.1:1/tsa", "CN=Anything").status == "not-checked"


def test_no_tsa_no_network_no_timestamps_folder() -> None:
    assert DossierOptions("nl").tsa_urls == ()


@pytest.mark.slow
def test_the_cli_time_stamps_only_when_asked(case_vault: Path, tmp_path: Path, cli: Cli,
                                             authorities: list[tuple[str, Path]]) -> None:
    plain = cli("dossier", "--out", str(tmp_path / "plain"), "--json", "--no-zip")
    assert plain.code == 0, plain.err
    assert not (Path(json.loads(plain.out)["folder"]) / "timestamps").exists()
    refused = cli("dossier", "--out", str(tmp_path / "bad"), "--tsa", "ftp://x.example/tsa")
    assert refused.code != 0 and "ftp://x.example/tsa" in refused.err
    named = cli("dossier", "--out", str(tmp_path / "named"), "--json", "--no-zip",
                "--tsa", authorities[0][0], "--tsa", authorities[1][0])
    assert named.code == 0, named.err
    folder = Path(json.loads(named.out)["folder"])
    for n, (_url, pki) in enumerate(authorities, start=1):
        done = subprocess.run(
            ["openssl", "ts", "-verify", "-data", "SHA256SUMS", "-in",
             f"timestamps/SHA256SUMS.{n}.tsr", "-CAfile", str(pki / "ca.pem")],
            cwd=folder, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
