"""e-Evidence sheets: one per suspect account, with the UTC windows of its incidents and
where the platform takes requests (from the project's data file, sources dated)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from spoorvast.dossier.gather import gather
from spoorvast.dossier.model import DossierOptions
from spoorvast.dossier.pdf_sheets import sheets as sheet_json
from spoorvast.dossier.preservation import recipient_for, windows
from spoorvast.i18n import in_language
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Event, Item, ItemKind
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli

ZONE = "Europe/Brussels"


def _chat(vault_dir: Path) -> None:
    """Marked messages: the Instagram account at 20:10 and 20:50 on 1 March (one window)
    and 9:00 on 3 March; the TikTok account once on 5 March; and an unmarked one."""
    with open_vault(vault_dir, PASSPHRASE) as vault:
        case_id = vault.store.cases()[0].id or 0
        blob = vault.blobs.ingest_bytes(b"synthetic export\n")
        at = instant.now(ZONE)
        with vault.store.transaction() as tx:
            item = tx.add_item(Item(None, case_id, 0, ItemKind.CONVERSATION, "DMs", at,
                                    "instagram"),
                               [Artifact(None, None, ArtifactRole.ORIGINAL, "text/plain",
                                         blob.size, blob.sha256, "dms.txt", at)])
            insta, tiktok = "account:Instagram:1790001", "account:TikTok:6800002"
            rows = [("2026-03-01 21:10", insta, True), ("2026-03-01 21:50", insta, True),
                    ("2026-03-03 10:00", insta, True), ("2026-03-05 23:30", tiktok, True),
                    ("2026-03-06 12:00", insta, False)]
            tx.add_events(item, [Event(None, case_id, item.id, "message",
                                       instant.from_user_text(when, ZONE), "synthetic",
                                       actor=actor, marked=marked)
                                 for when, actor, marked in rows])


@pytest.mark.slow
def test_two_accounts_on_two_platforms_give_two_sheets(case_vault: Path, cli: Cli) -> None:
    for argv in (("party", "add", "suspect", "Xavier Synthetic"),
                 ("party", "id", "add", "Xavier Synthetic", "--account", "x_synth",
                  "--platform", "Instagram", "--id", "1790001"),
                 ("party", "id", "add", "Xavier Synthetic", "--account", "x_synth_2",
                  "--platform", "Instagram", "--id", "1790001"),
                 ("party", "id", "add", "Xavier Synthetic", "--url",
                  "https://www.instagram.com/x_synth/"),
                 ("party", "id", "add", "Xavier Synthetic", "--account", "xs.tok",
                  "--platform", "TikTok", "--id", "6800002")):
        assert cli(*argv).code == 0, argv
    _chat(case_vault)
    with open_vault(case_vault, PASSPHRASE) as vault, in_language("en"):
        case = vault.store.cases()[0]
        dossier = gather(vault, case, DossierOptions("en"), lambda _what: None)
        shown = sheet_json(dossier)
    by_platform = {a.platform: a for a in dossier.accounts}
    assert set(by_platform) == {"Instagram", "TikTok"}
    insta, tok = by_platform["Instagram"], by_platform["TikTok"]
    assert insta.stable_id == "1790001" and tok.stable_id == "6800002"
    assert [h.value for h in insta.handles] == ["x_synth", "x_synth_2"]
    assert insta.urls == ("https://www.instagram.com/x_synth/",)
    assert [(w.start.isoformat(), w.end.isoformat(), w.count) for w in insta.windows] == [
        ("2026-03-01T20:10:00+00:00", "2026-03-01T20:50:00+00:00", 2),
        ("2026-03-03T09:00:00+00:00", "2026-03-03T09:00:00+00:00", 1)]
    assert [(w.start.isoformat(), w.count) for w in tok.windows] == [
        ("2026-03-05T22:30:00+00:00", 1)]
    assert insta.marked and tok.marked
    assert tok.recipient is not None and tok.recipient.provider == "TikTok Technology Limited"
    sheets = shown["sheets"]
    assert isinstance(sheets, list) and len(sheets) == 2
    text = json.dumps(shown, ensure_ascii=False).replace("\u200b", "")
    assert "March 1, 2026, 20:10–20:50 UTC (2 incidents)" in text
    assert "Regulation (EU) 2023/1543" in text and "18 August 2026" in text
    assert "https://www.tiktok.com/legal/law-enforcement?lang=de" in text


def test_unknown_platform_says_not_known() -> None:
    assert recipient_for("Some Forum") is None
    telegram = recipient_for("Telegram")
    assert telegram is not None and telegram.channel is None and telegram.sources == ()


def test_every_stated_fact_has_a_dated_source() -> None:
    data = json.loads(resources.files("spoorvast.dossier").joinpath(
        "data/platform_requests.json").read_text("utf-8"))
    for entry in data["platforms"]:
        supported = {f for s in entry["sources"] for f in s["supports"]}
        for field, name in (("provider", "provider"), ("address", "address"),
                            ("channel", "channel"), ("provider_note", "note")):
            if entry[field] is not None:
                assert name in supported or (name == "note" and "provider" in supported), \
                    (entry["id"], field)
        for source in entry["sources"]:
            assert source["read"] == "2026-12-07" and source["url"].startswith("http")
            assert source["kind"] in ("official", "third-party")


def test_windows_split_on_long_gaps() -> None:
    from datetime import UTC, datetime, timedelta

    base = datetime(2026, 3, 1, tzinfo=UTC)
    got = windows([base, base + timedelta(minutes=119), base + timedelta(hours=5)])
    assert [w.count for w in got] == [2, 1]


def test_every_provider_note_is_in_the_catalogs() -> None:
    from spoorvast.dossier.pdf_sheets import NOTES
    from spoorvast.dossier.preservation import recipients

    notes = {r.provider_note for r in recipients().values() if r.provider_note}
    assert notes <= set(NOTES)
