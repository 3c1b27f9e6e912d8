"""The foundation scenario, as a user types it (CLI in-process, real vault)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.conftest import Cli


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_case_add_items_show_export_verify(
    case_vault: Path, cli: Cli, samples: dict[str, Path], tmp_path: Path
) -> None:
    added = cli("add", str(samples["screenshot1.png"]), str(samples["opname.wav"]),
                str(samples["screenshot2.png"]), "--json")
    assert added.code == 0, added.err
    results = json.loads(added.out)
    assert [r["status"] for r in results] == ["added"] * 3
    assert [r["items"] for r in results] == [["E-0001"], ["E-0002"], ["E-0003"]]

    listed = json.loads(cli("items", "--json").out)
    assert [i["item"] for i in listed] == ["E-0001", "E-0002", "E-0003"]
    assert listed[1]["kind"] == "audio"
    assert listed[0]["kind"] == "image"
    assert listed[0]["sha256"] == sha(samples["screenshot1.png"])
    assert listed[0]["acquired_at"]["zone"] == "Europe/Brussels"
    assert listed[0]["acquired_at"]["local"][-6:] in ("+01:00", "+02:00")
    assert listed[0]["artifacts"][0]["role"] == "original"
    assert listed[0]["artifacts"][0]["media_type"] == "image/png"

    shown = json.loads(cli("show", "E-0002", "--json").out)
    assert shown["file"]["original_name"] == "opname.wav"
    assert shown["media"]["duration_seconds"] == 1.5
    actions = [e["action"] for e in shown["custody"]]
    assert actions[:2] == ["item.added", "artifact.sealed"]

    out = tmp_path / "out"
    exported = cli("export-original", "E-0002", "--to", str(out))
    assert exported.code == 0, exported.err
    assert sha(out / "opname.wav") == sha(samples["opname.wav"])
    again = cli("export-original", "E-0002", "--to", str(out))
    assert again.code == 0 and (out / "opname (2).wav").exists()

    verified = cli("verify")
    assert verified.code == 0, verified.out + verified.err
    assert "OK" in verified.out


def test_human_output_of_items_and_show(case_vault: Path, cli: Cli,
                                        samples: dict[str, Path]) -> None:
    added = cli("add", str(samples["screenshot1.png"]))
    assert "E-0001" in added.err + added.out
    table = cli("items").out
    assert "E-0001" in table and "image" in table and "screenshot1.png" in table
    shown = cli("show", "1").out
    assert "Custody log" in shown and "item.added" in shown


def test_same_file_twice_is_stored_once(case_vault: Path, cli: Cli,
                                        samples: dict[str, Path]) -> None:
    first = samples["screenshot1.png"]
    copy = first.with_name("copy-of-screenshot.png")
    copy.write_bytes(first.read_bytes())
    result = json.loads(cli("add", str(first), str(copy), "--json").out)
    assert [r["status"] for r in result] == ["added", "duplicate"]
    assert result[1]["items"] == ["E-0001"]
    later = json.loads(cli("add", str(copy), "--json").out)
    assert later[0]["status"] == "duplicate"
    assert len(json.loads(cli("items", "--json").out)) == 1


def test_directory_is_added_recursively(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "folder" / "sub"
    folder.mkdir(parents=True)
    for n in range(5):
        (folder / f"f{n}.txt").write_text(f"synthetic {n}")
    result = cli("add", str(tmp_path / "folder"), "--json")
    assert result.code == 0
    assert len(json.loads(result.out)) == 5


def test_second_case_and_switching(case_vault: Path, cli: Cli,
                                   samples: dict[str, Path]) -> None:
    assert cli("case", "new", "Second matter", "--lang", "fr").code == 0
    cli("add", str(samples["notes.txt"]))
    cases = json.loads(cli("case", "list", "--json").out)
    assert [c["items"] for c in cases] == [0, 1]
    assert cases[1]["current"] is True
    assert cli("case", "use", "1").code == 0
    assert json.loads(cli("items", "--json").out) == []
    # the same bytes in another case are a new item there, stored once in the vault
    assert json.loads(cli("add", str(samples["notes.txt"]), "--json").out)[0]["status"] == "added"
