"""``spoorvast search`` of a common word (#32): like the web page, more than 1,000 hits
are counted as "more than 1000" and shown newest first; a rare word keeps its order by
relevance and its exact count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.model import instant
from spoorvast.model.records import Event
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli

START = 1_767_225_600  # 2026-01-01 UTC


def _fill(vault_dir: Path, count: int) -> None:
    with open_vault(vault_dir, PASSPHRASE) as vault, vault.store.transaction() as tx:
        case_id = vault.store.cases()[0].id or 0
        tx.add_events(None, [Event(None, case_id, None, "message",
                                   instant.from_epoch(START + (n * 7919) % count * 60,
                                                      "Europe/Brussels"),
                                   f"geld {'zeldzaam ' * (n % 3) if n < 9 else ''}{n}")
                             for n in range(count)])


@pytest.mark.slow  # three runs of the command (each opens the vault)
def test_a_common_word_is_capped_and_newest_first(case_vault: Path, cli: Cli) -> None:
    _fill(case_vault, 1005)
    found = json.loads(cli("search", "geld", "--json").out)
    assert found["total"] is None and found["more_than"] == 1000
    assert found["order"] == "newest"
    stamps = [h["at"] for h in found["hits"]]
    assert len(stamps) == 50 and stamps == sorted(stamps, reverse=True)
    assert stamps[0] == instant.from_epoch(START + 1004 * 60, "Europe/Brussels").isoformat()
    shown = cli("search", "geld")
    assert "More than 1000 events found; the newest first." in shown.out + shown.err
    rare = json.loads(cli("search", "zeldzaam", "--json").out)
    assert rare["total"] == 6 and rare["more_than"] is None and rare["order"] == "relevance"
    assert [h["text"].count("zeldzaam") for h in rare["hits"]] == [2, 2, 2, 1, 1, 1]
