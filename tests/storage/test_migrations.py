"""Vaults written by earlier versions open, upgrade and still verify."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from spoorvast.model import instant
from spoorvast.model.records import Case, Event
from spoorvast.storage import sqlite_events, sqlite_schema
from spoorvast.storage.base import case_chain
from spoorvast.storage.sqlite import SqliteStore
from tests.storage.test_contract import an_item


def _events(case_id: int, count: int) -> list[Event]:
    moment = instant.from_epoch(1_770_000_000, "Europe/Brussels")
    return [Event(None, case_id, None, "message" if n % 5 else "call", moment, f"bericht {n}",
                  actor="name:whatsapp:Jan") for n in range(count)]


def test_a_vault_from_before_0004_upgrades(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Events written in the layout of 0002/0003 (every column in one table), logged with
    the first digest form, come through 0004 and 0005 with the same values."""
    key = secrets.token_bytes(32)
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_schema, "MIGRATIONS", sqlite_schema.MIGRATIONS[:3])
        old = SqliteStore(tmp_path / "db", key)
        assert old.migrated[-1] == "0003_events_kind_index"
        with old.transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", "Europe/Brussels",
                                    instant.now("Europe/Brussels")))
            item = tx.add_item(*an_item(case))
            for n in range(1, 21):
                old.conn.execute(
                    f"INSERT INTO events (case_id, item_id, {sqlite_events.CONTENT_COLUMNS}) "
                    f"VALUES ({', '.join('?' * 21)})",
                    (case.id, item.id, n, "call" if n % 5 == 0 else "message",
                     f"2026-02-02T10:{n:02d}:00.000000+00:00", 3600,
                     "assumed-zone" if n % 7 else "explicit", "minute", "Europe/Brussels",
                     f"02/02/2026, 11:{n:02d}", f"bericht {n}", "name:whatsapp:Jan", None,
                     "ab" * 32 if n % 3 else None, n, None, None, None, None, None,
                     '[["non_contact","1"]]' if n == 4 else None))
            rows = old.conn.execute(f"SELECT {sqlite_events.CONTENT_COLUMNS} FROM events "
                                    "ORDER BY seq").fetchall()
            tx.log(case_chain(case.id or 0), "events.added", item.label,
                   {"record": "events", "id": item.id, "data": sqlite_events.row_digest(rows)})
        old.close()
    store = SqliteStore(tmp_path / "db", key)
    assert store.migrated[:4] == ["0004_events_kind_index_without_messages",
                                 "0005_event_bases", "0006_withdrawals_corrections",
                                 "0007_event_corrections"]
    assert "0008_readside_event_counts" in store.migrated
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE "
                                                "type = 'index' AND tbl_name = 'event_rows'")}
    assert "events_case_kind_rare" in indexes and "events_case_kind" not in indexes
    assert store.conn.execute(f"SELECT {sqlite_events.CONTENT_COLUMNS} FROM events "
                              "ORDER BY seq").fetchall() == rows
    assert store.conn.execute("SELECT count(*) FROM event_bases").fetchone()[0] == 3
    assert store.event_kinds_by_item(case.id or 0, ("message", "call")) == {
        item.id: {"message", "call"}}
    logged = {(e.payload["record"], e.payload["id"]): e.payload["data"]
              for e in store.custody(case_chain(case.id or 0)) if "record" in e.payload}
    assert all(logged[(r, i)] == data for r, i, data in store.record_rows())
    with store.transaction() as tx:  # and new events go in beside them
        tx.add_events(item, _events(case.id or 0, 5))
    assert len(store.events(case.id or 0, item.id)) == 25
    store.close()


def test_items_logged_with_the_first_digest_form_still_verify(tmp_path: Path) -> None:
    """Before the column digest, an item's events were logged with one SHA-256 over a
    JSON line per row (no ``form`` key); such entries are checked in that form."""
    store = SqliteStore(tmp_path / "db", secrets.token_bytes(32))
    with store.transaction() as tx:
        case = tx.add_case(Case(None, "Synthetic", "nl", "Europe/Brussels",
                                instant.now("Europe/Brussels")))
        item = tx.add_item(*an_item(case))
        tx.add_events(item, _events(case.id or 0, 30))
        rows = store.conn.execute(
            f"SELECT {sqlite_events.CONTENT_COLUMNS} FROM events ORDER BY seq").fetchall()
        first_form = sqlite_events.row_digest(rows)
        assert "form" not in first_form
        tx.log(case_chain(case.id or 0), "events.added", item.label,
               {"record": "events", "id": item.id, "data": first_form})
    found = {(r, i): data for r, i, data in store.record_rows()}
    assert found[("events", item.id)] == first_form
    store.conn.execute("UPDATE event_rows SET text = 'veranderd' WHERE seq = 7")
    found = {(r, i): data for r, i, data in store.record_rows()}
    assert found[("events", item.id)] != first_form  # a changed row is still caught
    store.close()


def test_the_digest_does_not_depend_on_chunks_or_on_the_insert_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Events stored in chunks of 7 (one of them bound row by row: a NUL in a text) give
    the digest that verify computes from the rows in chunks of another size."""
    store = SqliteStore(tmp_path / "db", secrets.token_bytes(32))
    events = _events(1, 40)
    events[9] = Event(None, 1, None, "message", events[9].instant, "nul\x00byte",
                      details=(("edited", "1"),), attachments=("ab" * 32,))
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_events, "CHUNK", 7)
        with store.transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", "Europe/Brussels",
                                    instant.now("Europe/Brussels")))
            item = tx.add_item(*an_item(case))
            assert tx.add_events(item, events) == 40
    logged = {(e.payload["record"], e.payload["id"]): e.payload["data"]
              for e in store.custody(case_chain(case.id or 0)) if "record" in e.payload}
    assert logged[("events", item.id)]["form"] == "columns-json"  # type: ignore[index]
    assert all(logged[(r, i)] == data for r, i, data in store.record_rows())
    texts = [e.text for e in store.events(case.id or 0, item.id)]
    assert texts == [e.text for e in events]
    store.close()


def test_page_settings_new_old_and_lost(tmp_path: Path) -> None:
    """New databases use 16 KiB pages with HMAC-SHA256, named beside the file; one made
    with SQLCipher's defaults (every vault before) opens as it is; a lost or edited
    settings file is found again by trying the known ones."""
    import sqlcipher3

    from spoorvast.errors import UserError
    from spoorvast.storage.sqlite import profile_path

    key = secrets.token_bytes(32)
    new = SqliteStore(tmp_path / "new.db", key)
    assert int(new.conn.execute("PRAGMA page_size").fetchone()[0]) == 16384
    new.close()
    assert profile_path(tmp_path / "new.db").read_text().strip() == "page16k-sha256"
    profile_path(tmp_path / "new.db").write_text("sqlcipher4\n")  # edited
    SqliteStore(tmp_path / "new.db", key).close()
    assert profile_path(tmp_path / "new.db").read_text().strip() == "page16k-sha256"

    old = sqlcipher3.connect(str(tmp_path / "old.db"))
    old.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    old.execute("CREATE TABLE earlier (x)")
    old.commit()
    old.close()
    store = SqliteStore(tmp_path / "old.db", key)
    assert int(store.conn.execute("PRAGMA page_size").fetchone()[0]) == 4096
    store.close()
    assert profile_path(tmp_path / "old.db").read_text().strip() == "sqlcipher4"
    with pytest.raises(UserError):
        SqliteStore(tmp_path / "old.db", secrets.token_bytes(32))


def test_the_full_text_index_is_rebuilt_without_sizes(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """0009 rebuilds ``events_fts`` without its per-row sizes (``columnsize=0``) over the
    stored rows: an existing vault finds the same events in the same ranked order, and a
    bulk insert afterwards leaves FTS5's merge settings as they were."""
    from spoorvast.model.conversation import EventQuery

    key = secrets.token_bytes(32)
    words = ("geld morgen", "geld", "morgen school", "school", "geld geld huis")
    events = [Event(None, 1, None, "message", instant.from_epoch(1_770_000_000 + n, "UTC"),
                    f"{words[n % 5]} {n}", actor="name:whatsapp:Jan") for n in range(200)]

    def ranked(store: SqliteStore, case_id: int) -> list[tuple[int, ...]]:
        return [tuple(h.event.id or 0 for h in store.search_events(
            EventQuery(case_id, text=word, limit=30))) for word in ("geld", "school", "huis")]

    with monkeypatch.context() as patch:
        patch.setattr(sqlite_schema, "MIGRATIONS", sqlite_schema.MIGRATIONS[:8])
        old = SqliteStore(tmp_path / "db", key)
        with old.transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", "Europe/Brussels",
                                    instant.now("Europe/Brussels")))
            tx.add_events(tx.add_item(*an_item(case)), events)
        before = ranked(old, case.id or 0)
        assert old.conn.execute("SELECT count(*) FROM events_fts_docsize").fetchone()[0] == 200
        old.close()
    store = SqliteStore(tmp_path / "db", key)
    assert store.migrated == ["0009_fts_without_sizes"]
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert "events_fts_docsize" not in tables
    assert ranked(store, case.id or 0) == before and all(before)
    with store.transaction() as tx:
        tx.add_events(tx.add_item(*an_item(case)), events)  # a bulk insert (> INLINE_EVENTS)
    config = dict(store.conn.execute("SELECT k, v FROM events_fts_config"))
    assert config["automerge"] == sqlite_events.AUTOMERGE
    assert config["crisismerge"] == sqlite_events.CRISIS
    assert config["hashsize"] == 16 << 20
    assert [len(hits) for hits in ranked(store, case.id or 0)] == [30, 30, 30]
    store.close()
