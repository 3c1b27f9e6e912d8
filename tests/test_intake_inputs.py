"""What ``add`` reads: links recorded and never followed, names kept whatever their
bytes and shown escaped, one bad input never stopping the others (issue 22, W7 and W10)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from pathlib import Path

import pytest

from spoorvast.errors import InputFileError
from spoorvast.model.names import printable, raw_hex, shown
from spoorvast.services.intake_inputs import open_input
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.storage.tamper import zero


def _private(tmp_path: Path) -> tuple[Path, bytes]:
    canary = f"PRIVATE-{uuid.uuid4().hex}".encode()
    private = tmp_path / "home" / "private.txt"
    private.parent.mkdir()
    private.write_bytes(b"not evidence " + canary)
    return private, canary


def _plaintexts(vault_dir: Path) -> list[bytes]:
    with open_vault(vault_dir, PASSPHRASE, writable=False) as vault:
        return [vault.blobs.read_bytes(a.sha256) for a in vault.store.all_artifacts()]


def _items(cli: Cli) -> list[dict[str, object]]:
    listed = cli("items", "--json")
    assert listed.code == 0
    return list(json.loads(listed.out))


def test_a_link_in_a_folder_is_recorded_as_a_link_never_followed(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    private, canary = _private(tmp_path)
    export = tmp_path / "export"
    (export / "photos").mkdir(parents=True)
    (export / "photos" / "real.jpg").write_bytes(b"a photo")
    os.symlink(private, export / "photos" / "link.jpg")
    os.symlink(private.parent, export / "home-link")  # a link to a folder: not walked

    result = cli("add", str(export))

    assert result.code == 0, result.out + result.err
    assert f"link.jpg is a symbolic link to {private}" in result.out
    assert "Links are not followed" in result.out
    assert all(canary not in data for data in _plaintexts(case_vault))
    items = {i["title"]: i for i in _items(cli)}
    assert set(items) == {"real.jpg", "link.jpg", "home-link"}
    link = items["link.jpg"]
    assert link["sha256"] == hashlib.sha256(os.fsencode(private)).hexdigest()
    assert link["importer"] == "link"
    shown_item = cli("show", str(link["item"]), "--json")
    findings = json.loads(shown_item.out)["findings"]
    assert any(f["code"] == "intake.symlink" for f in findings)
    assert canary.decode() not in result.out + shown_item.out
    assert cli("verify").code == 0


def test_a_link_named_on_the_command_line_is_refused_naming_its_target(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    private, canary = _private(tmp_path)
    link = tmp_path / "link.jpg"
    os.symlink(private, link)
    plain = tmp_path / "plain.txt"
    plain.write_text("kept")

    result = cli("add", str(link), str(plain))

    assert result.code == 7
    assert f"is a symbolic link to {private}; links are not followed" in result.out
    assert [i["title"] for i in _items(cli)] == ["plain.txt"]
    assert all(canary not in data for data in _plaintexts(case_vault))


def test_a_file_swapped_for_another_after_its_stat_is_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_bytes(b"1")
    second.write_bytes(b"2")
    before = first.lstat()
    os.replace(second, first)  # same name, another inode
    with pytest.raises(InputFileError):
        open_input(first, before)
    os.symlink(tmp_path / "elsewhere", tmp_path / "swapped")
    (tmp_path / "elsewhere").write_bytes(b"x")
    with pytest.raises(InputFileError):
        open_input(tmp_path / "swapped", (tmp_path / "elsewhere").stat())


BAD = os.fsdecode(b"report-\xff\xfe.txt")
CONTROL = "red\x1b[31m-\u202etxt.exe"


def test_bad_names_are_kept_escaped_and_never_stop_the_others(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for index in range(8):
        (folder / f"file-{index}.txt").write_text(f"file {index}")
    (folder / BAD).write_bytes(b"not utf-8 name")
    (folder / CONTROL).write_bytes(b"control name")

    result = cli("add", str(folder))

    assert result.code == 0, result.out + result.err
    assert "\x1b" not in result.out + result.err and "\u202e" not in result.out
    assert "report-\\xff\\xfe.txt" in result.out
    assert "red\\x1b[31m-\\u202etxt.exe" in result.out
    titles = {str(i["title"]) for i in _items(cli)}
    assert len(titles) == 10 and "report-\\xff\\xfe.txt" in titles
    item = next(i for i in _items(cli) if i["title"] == "report-\\xff\\xfe.txt")
    findings = json.loads(cli("show", str(item["item"]), "--json").out)["findings"]
    escaped = next(f for f in findings if f["code"] == "intake.name-escaped")
    raw = re.search(r"\(hex\): ([0-9a-f]+)", escaped["message"])
    assert raw is not None and bytes.fromhex(raw[1]) == b"report-\xff\xfe.txt"
    as_json = cli("add", str(folder), "--json")  # all duplicates now, JSON still whole
    assert as_json.code == 0
    assert {r["status"] for r in json.loads(as_json.out)} == {"duplicate"}
    assert cli("verify").code == 0


def test_names_escape_bytes_and_controls_but_keep_text() -> None:
    assert shown("Ça va 👨‍👩‍👧.txt") == "Ça va 👨‍👩‍👧.txt"
    assert shown(os.fsdecode(b"a\xffb")) == "a\\xffb"
    assert shown("a\nb\tc\x7f\u2028") == "a\\x0ab\\x09c\\x7f\\u2028"
    assert printable("line one\nline\ttwo\x1b") == "line one\nline\ttwo\\x1b"
    assert raw_hex(os.fsdecode(b"a\xff")) == "61ff"


def test_a_leftover_empty_blob_is_repaired_by_adding_the_file_again(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    evidence = tmp_path / "threat.txt"
    evidence.write_text("a synthetic threat\n" * 100)
    assert cli("add", str(evidence)).code == 0
    sha256 = hashlib.sha256(evidence.read_bytes()).hexdigest()
    with open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        where = vault.blobs.location(sha256)
        assert where is not None
        zero(where)  # what a power loss can leave
    assert cli("verify").code != 0

    again = cli("add", str(evidence))

    assert again.code == 0
    assert "already in this case as E-0001" in again.out
    assert "stored copy was damaged and has been replaced" in again.out
    assert cli("verify").code == 0
    custody = json.loads(cli("show", "E-0001", "--json").out)["custody"]
    assert any(entry["action"] == "blob.repaired" for entry in custody)


def _deep_folder(top: Path, levels: int = 20) -> None:
    """A folder tree deeper than PATH_MAX (4096 bytes): os.walk cannot open its bottom,
    whoever runs the test (root reads every folder; no path reaches this one)."""
    top.mkdir()
    (top / "kept.txt").write_text("synthetic")
    fd = os.open(top, os.O_RDONLY)
    try:
        for _level in range(levels):
            name = "d" * 250
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        made = os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd)
        os.write(made, b"never reachable by path")
        os.close(made)
    finally:
        os.close(fd)


def test_a_folder_that_cannot_be_opened_is_named_not_skipped(case_vault: Path, cli: Cli,
                                                             tmp_path: Path) -> None:
    top = tmp_path / "export"
    _deep_folder(top)
    result = cli("add", str(top))
    assert "kept.txt" in result.out + result.err
    said = result.out + result.err
    assert "cannot be read" in said or "could not be opened" in said, said[-2000:]
    assert result.code != 0  # not everything named was added
