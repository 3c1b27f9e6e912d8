"""The integrity core: SHA256SUMS with coreutils, verify-bundle on folder and ZIP,
tampering found and named, the custody JSONL recomputed independently, RFC 3161
tokens checked with openssl, no session cookie in the exported WACZ."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import rfc8785

from spoorvast.dossier.verify import verify_bundle
from tests.conftest import Cli
from tests.dossier.builder import SECRET_COOKIE
from tests.dossier.conftest import Made


def test_sha256sum_checks_every_file(made: Made) -> None:
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=made.folder,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = done.stdout.strip().splitlines()
    files = {p.relative_to(made.folder).as_posix() for p in made.folder.rglob("*")
             if p.is_file()}
    assert len(listed) == len(files) - 3  # all but the PDF, its sum and SHA256SUMS
    assert all(line.endswith(": OK") for line in listed)
    pdf = subprocess.run(["sha256sum", "-c", "DOSSIER.pdf.sha256"], cwd=made.folder,
                         capture_output=True, check=False)
    assert pdf.returncode == 0


def test_bundle_hash_is_the_hash_of_sha256sums(made: Made) -> None:
    sums = (made.folder / "SHA256SUMS").read_bytes()
    assert hashlib.sha256(sums).hexdigest() == made.result["bundle_sha256"]
    text = subprocess.run(["pdftotext", "-l", "1", "DOSSIER.pdf", "-"], cwd=made.folder,
                          capture_output=True, text=True, check=True).stdout
    assert str(made.result["bundle_sha256"]) in text


def test_verify_bundle_passes_on_folder_and_zip(made: Made, cli: Cli, vault_dir: Path) -> None:
    for target in (made.folder, made.zip):
        result = cli("verify-bundle", str(target), "--json")
        report = json.loads(result.out)
        assert result.code == 0 and report["ok"], report
        assert report["timestamps"] == 1 and report["custody_entries"] > 10


def test_tampered_file_is_named(made: Made, cli: Cli, vault_dir: Path) -> None:
    victim = next((made.folder / "originals").rglob("*.jpg"))
    victim.write_bytes(victim.read_bytes() + b"x")
    result = cli("verify-bundle", str(made.folder))
    assert result.code == 9
    assert victim.name in result.err and "SHA256SUMS" in result.err
    coreutils = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=made.folder,
                               capture_output=True, text=True, check=False)
    assert coreutils.returncode != 0 and "FAILED" in coreutils.stdout


def test_tampered_zip_member_and_extra_file(made: Made, tmp_path: Path) -> None:
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(made.zip) as src, zipfile.ZipFile(changed, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("manifest.json"):
                data = data.replace(b"Xavier", b"Yannick")
            out.writestr(info, data)
        out.writestr(f"{made.folder.name}/originals/extra.txt", b"planted")
    report = verify_bundle(changed)
    assert {(p.code, p.path) for p in report.problems} == {
        ("changed", "manifest.json"), ("unlisted", "originals/extra.txt")}


def test_tampered_pdf_and_custody_line(made: Made) -> None:
    pdf = made.folder / "DOSSIER.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n%")
    custody = made.folder / "custody.jsonl"
    lines = custody.read_text("utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace('"seq":3', '"seq":33')
    custody.write_text("".join(lines), "utf-8")
    codes = {(p.code, p.line) for p in verify_bundle(made.folder).problems}
    assert ("pdf-changed", None) in codes
    assert ("custody", 3) in codes and ("changed", None) in codes


def test_custody_lines_recomputed_independently(made: Made) -> None:
    prev = "0" * 64
    lines = (made.folder / "custody.jsonl").read_text("utf-8").splitlines()
    for seq, line in enumerate(lines, 1):
        entry = json.loads(line)
        claimed = entry.pop("hash")
        assert hashlib.sha256(rfc8785.dumps(entry)).hexdigest() == claimed
        assert entry["prev_hash"] == prev and entry["seq"] == seq
        prev = claimed
    assert made.manifest["custody"]["head_hash"] == prev  # type: ignore[index]


def test_custody_shell_recipe(made: Made) -> None:
    if shutil.which("jq") is None:
        return
    line = (made.folder / "custody.jsonl").read_text("utf-8").splitlines()[0]
    shown = subprocess.run(
        "sed -n 1p custody.jsonl | sed 's/\"hash\":\"[0-9a-f]\\{64\\}\",//' | tr -d '\\n' "
        "| sha256sum", shell=True, cwd=made.folder, capture_output=True, text=True,
        check=True).stdout.split()[0]
    assert shown == json.loads(line)["hash"]


def test_openssl_verifies_the_timestamp_in_the_bundle(made: Made) -> None:
    stamps = made.manifest["timestamps"]
    assert isinstance(stamps, list) and len(stamps) == 1
    command = stamps[0]["command"]
    assert command.startswith("openssl ts -verify -data derived/")
    done = subprocess.run(command, shell=True, cwd=made.folder, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "Verification: OK" in done.stdout
    record = made.folder / stamps[0]["data"]
    assert record.read_bytes() == made.built.record
    record.write_bytes(record.read_bytes().replace(b"200", b"404"))
    codes = {p.code for p in verify_bundle(made.folder).problems}
    assert codes == {"changed", "timestamp"}


def test_wacz_leaves_without_session_cookie(made: Made) -> None:
    wacz = next(made.folder.rglob("*.wacz"))
    with zipfile.ZipFile(wacz) as archive:
        warc = archive.read("archive/data.warc.gz")
    import gzip

    assert SECRET_COOKIE.encode() not in gzip.decompress(warc)
    entry = next(a for i in made.manifest["items"] for a in i["artifacts"]  # type: ignore[attr-defined]
                 if a["role"] == "wacz")
    assert entry["files"][0]["transform"] == "session-secrets-removed"
    assert entry["files"][0]["sha256"] != entry["sha256"]


def test_a_changed_copy_is_listed_with_both_hashes_and_why(made: Made) -> None:
    """The PDF lists the WACZ under the hash of the file in the bundle, names the sealed
    original's hash and says why they differ; the annex has both in full."""
    entry = next(a for i in made.manifest["items"] for a in i["artifacts"]  # type: ignore[attr-defined]
                 if a["role"] == "wacz")
    copy, original = entry["files"][0]["sha256"], entry["sha256"]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "DOSSIER.pdf", "-"], cwd=made.folder,
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert copy[:12] in flat and original[:12] in flat
    assert "sessiecookies en geheime waarden verwijderd" in flat  # the case is in Dutch
    assert copy in flat.replace(" ", "") and original in flat.replace(" ", "")


def test_each_file_is_listed_under_its_own_name(made: Made) -> None:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "DOSSIER.pdf", "-"], cwd=made.folder,
                          capture_output=True, text=True, check=True).stdout
    capture = next(i for i in made.manifest["items"]  # type: ignore[attr-defined]
                   if any(a["role"] == "wacz" for a in i["artifacts"]))
    names = [f["path"].rsplit("/", 1)[-1] for a in capture["artifacts"] for f in a["files"]]
    for name in names:
        assert name in text, name
