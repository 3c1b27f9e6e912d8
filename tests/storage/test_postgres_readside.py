"""The fast read paths (#32) of the PostgreSQL store against the plain computation, on
the small case of ``tests/workspace/test_readside.py`` (withdrawn, restored, corrected
and replaced items, corrected events, the case's own events): keyset pages, pattern
counts from ``event_counts``, ranked pages and capped counts, and an existing database's
migration (the counts are filled from its events)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Case
from spoorvast.services import patterns, withdrawals
from spoorvast.services.cases import create_case
from spoorvast.storage import postgres_events
from spoorvast.storage.postgres_schema import migrate
from spoorvast.storage.vault import Vault, create
from tests.conftest import PASSPHRASE
from tests.workspace import test_readside as readside
from tests.workspace.conftest import Builder

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_vault(tmp_path: Path, metadata_url: str) -> Iterator[Vault]:
    with create(tmp_path / "vault", PASSPHRASE, metadata=metadata_url) as opened:
        yield opened


@pytest.fixture
def pg_case(pg_vault: Vault) -> Case:
    return create_case(pg_vault, "Synthetic case", "nl", "Europe/Brussels")


@pytest.mark.parametrize("zone", ["Asia/Kathmandu", "Europe/Brussels"])
def test_pattern_counts_equal_a_count_of_every_row(pg_vault: Vault, pg_case: Case,
                                                   zone: str) -> None:
    case = replace(pg_case, time_zone=zone)
    build = Builder(pg_vault, case)
    items = readside._fill(pg_vault, case, build)
    assert patterns.compute(pg_vault, case) == patterns.compute_rows(pg_vault, case)
    assert patterns.compute(pg_vault, case).total > 100
    withdrawals.withdraw(pg_vault, case, items["kept"], "not this one")
    assert patterns.compute(pg_vault, case) == patterns.compute_rows(pg_vault, case)
    withdrawals.restore(pg_vault, case, items["kept"], "it was")
    assert patterns.compute(pg_vault, case) == patterns.compute_rows(pg_vault, case)


def test_an_existing_database_gets_its_counts_from_its_events(pg_vault: Vault,
                                                              pg_case: Case) -> None:
    readside._fill(pg_vault, pg_case, Builder(pg_vault, pg_case))
    before = pg_vault.store.event_buckets(pg_case.id or 0)
    conn = pg_vault.store.conn  # type: ignore[attr-defined]
    with pg_vault.store.transaction():  # as a database from before the migration
        conn.execute("DROP TABLE event_counts")
        conn.execute("DELETE FROM migrations WHERE name = '0002_readside_event_counts'")
    with pg_vault.store.transaction():
        assert migrate(conn) == ["0002_readside_event_counts"]
    assert pg_vault.store.event_buckets(pg_case.id or 0) == before
    assert sum(b.count for b in before) > 100


def test_keyset_pages_walk_the_plain_order(pg_vault: Vault, pg_case: Case) -> None:
    readside.test_keyset_pages_walk_the_plain_order(pg_vault, pg_case,
                                                    Builder(pg_vault, pg_case))


def test_ranked_pages_and_capped_counts_equal_the_plain_ones(pg_vault: Vault,
                                                             pg_case: Case) -> None:
    case_id = pg_case.id or 0
    readside._fill(pg_vault, pg_case, Builder(pg_vault, pg_case))
    shown = {e.id for e in pg_vault.store.events(case_id)}
    words = postgres_events.words_query("geld")
    assert words is not None
    scored = pg_vault.store.conn.execute(  # type: ignore[attr-defined]
        f"SELECT id, ts_rank(words, {words[0]}) FROM events WHERE words @@ {words[0]}",
        [*words[1], *words[1]]).fetchall()
    plain = [i for i, _rank in sorted(scored, key=lambda r: (-r[1], r[0])) if i in shown]
    query = EventQuery(case_id, text="geld", limit=10)
    pages = [h.event.id for n in range(0, len(plain) + 10, 10)
             for h in pg_vault.store.search_events(replace(query, offset=n))]
    assert pages == plain and len(plain) > 20
    assert pg_vault.store.count_events(query) == len(plain)
    assert pg_vault.store.count_events(query, cap=5) == 6
    assert pg_vault.store.count_events(query, cap=10_000) == len(plain)


def test_counts_keep_a_kind_and_actor_postgresql_text_cannot_hold(metadata_url: str) -> None:
    """U+0000 (and the escape mark itself) in an actor or kind: stored escaped, read back
    as given, and a superseded event with one is taken off its own count."""
    from spoorvast.model import instant
    from spoorvast.model.records import Event, Item, ItemKind
    from spoorvast.storage.postgres import PostgresStore

    store = PostgresStore(metadata_url)
    try:
        with store.transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", "UTC", instant.now("UTC")))
            item = tx.add_item(Item(None, case.id or 0, 0, ItemKind.CONVERSATION, "chat",
                                    instant.now("UTC"), "test"), [])
            odd = ["name:x:a\x00b", postgres_events.ESCAPED + "x", None]
            tx.add_events(item, [Event(None, case.id or 0, None, "mess\x00age",
                                       instant.from_epoch(1_770_000_000 + n, "UTC"),
                                       f"text {n}", actor=odd[n % 3]) for n in range(6)])
        buckets = store.event_buckets(case.id or 0)
        assert {(b.kind, b.actor, b.count) for b in buckets} == {
            ("mess\x00age", a, 2) for a in odd}
        events = store.events(case.id or 0, item.id)
        with store.transaction() as tx:
            tx.add_events(item, [replace(events[0], id=None, seq=None, text="fixed")])
            new = store.events(case.id or 0, item.id)[-1]
            tx.add_event_correction(new, events[0], "misread", instant.now("UTC"))
        assert sum(b.count for b in store.event_buckets(case.id or 0)
                   if b.actor == odd[0]) == 2  # one taken off, the correction added
    finally:
        store.close()
