"""Events dated after the file was added are never silently accepted (a Thai export's
Buddhist-era year "67" = 2567, day and month swapped into the future, a damaged file)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli

THAI_STYLE = (
    "15/3/67 21:12 - Somchai: สวัสดี\n"  # 2567 BE = 2024; read as a two-digit 2067
    "15/3/67 21:14 - Anna: hallo\n"
    "16/3/67 08:01 - Somchai: ตอบมา\n"
)
PLAIN = (
    "12/03/2026, 21:12 - Jan Peeters: hallo\n"
    "12/03/2026, 21:14 - Anna: dag\n"
)


def _add(cli: Cli, tmp_path: Path, name: str, text: str) -> list[dict[str, object]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli("add", "--json", str(path))
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "E-0001", "--json").out)
    return [f for f in shown["findings"] if f["code"] == "import.dated-after-adding"]


def test_a_future_dated_export_is_flagged(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    found = _add(cli, tmp_path, "export.txt", THAI_STYLE)
    assert len(found) == 1
    message = str(found[0]["message"])
    assert message.startswith("3 events are dated after") and "15/3/67" in message
    assert found[0]["severity"] == "warning"
    result = cli("show", "E-0001")
    assert "dated after this file was added" in result.out


def test_an_ordinary_export_is_not_flagged(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    assert _add(cli, tmp_path, "export.txt", PLAIN) == []

