"""Timeline order across offset sources and a DST change; bursts, gaps; pattern charts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PIL import Image

from spoorvast.i18n import in_language
from spoorvast.model import instant
from spoorvast.model.records import Event, IdentifierKind, ItemKind, PartyRole
from spoorvast.services import patterns, timeline
from spoorvast.services.timeline import TimelineFilter
from spoorvast.storage.vault import Vault
from tests.workspace.conftest import Builder


def test_order_across_sources_and_dst(vault: Vault, case: object, build: Builder) -> None:
    item = build.item(ItemKind.CONVERSATION)
    zone = "Europe/Brussels"
    moments = [
        instant.from_epoch(1774744200, zone),  # 2026-03-29 00:30 UTC = 01:30 +01:00
        instant.from_user_text("2026-03-29 03:10", zone),  # after the change: +02:00
        instant.from_user_text("2026-03-29T02:45+02:00", zone),  # explicit, 00:45 UTC
    ]
    with vault.store.transaction() as tx:
        tx.add_events(item, [Event(None, case.id, item.id, "message", m, str(n))  # type: ignore[attr-defined]
                             for n, m in enumerate(moments)])
    rows = timeline.page(vault, case, TimelineFilter()).rows  # type: ignore[arg-type]
    assert [r.event.text for r in rows] == ["0", "2", "1"]
    assert [r.event.instant.isoformat() for r in rows] == [  # type: ignore[union-attr]
        "2026-03-29T01:30:00+01:00", "2026-03-29T02:45+02:00", "2026-03-29T03:10+02:00"]


def test_filters_bursts_and_gaps(vault: Vault, case: object, build: Builder) -> None:
    suspect = build.party(PartyRole.SUSPECT, "X")
    phone = build.ident(IdentifierKind.PHONE, "+32470999999", suspect)
    other = build.ident(IdentifierKind.PHONE, "+32470111111")
    item = build.item(ItemKind.CONVERSATION)
    burst = [("message", f"2026-03-01 22:0{n}", phone.id) for n in range(6)]
    build.events(item, [*burst, ("call", "2026-03-20 08:00", phone.id),
                        ("message", "2026-03-21 09:00", other.id)])
    page = timeline.page(vault, case, TimelineFilter())  # type: ignore[arg-type]
    assert page.total == 8
    assert [r.burst for r in page.rows] == [True] * 6 + [False, False]
    assert page.rows[6].gap_before is not None and page.rows[6].gap_before.days == 18
    only_x = timeline.page(vault, case, TimelineFilter(party_id=suspect.id))  # type: ignore[arg-type]
    assert only_x.total == 7 and {r.party for r in only_x.rows} == {"X"}
    calls = timeline.page(vault, case, TimelineFilter(kinds=("call",)))  # type: ignore[arg-type]
    assert [r.event.kind for r in calls.rows] == ["call"]
    march_20 = TimelineFilter(start=instant.from_user_text("2026-03-20", "Europe/Brussels"))
    assert timeline.page(vault, case, march_20).total == 2  # type: ignore[arg-type]
    second = timeline.page(vault, case, TimelineFilter(), offset=5, limit=2)  # type: ignore[arg-type]
    assert [r.event.text for r in second.rows] == ["text 5", "text 6"]


def test_patterns_counts_streak_and_charts(vault: Vault, case: object, build: Builder,
                                           tmp_path: Path) -> None:
    suspect = build.party(PartyRole.SUSPECT, "X")
    phone = build.ident(IdentifierKind.PHONE, "+32470999999", suspect)
    item = build.item(ItemKind.CONVERSATION)
    specs = [("message", f"2026-03-0{d} 23:15", phone.id) for d in (1, 2, 3, 5)]
    specs += [("call", "2026-03-02 23:40", phone.id), ("email", "2026-03-03 07:05", None),
              ("observation", "2026-03-03 08:00", None)]
    build.events(item, specs)
    everything = patterns.compute(vault, case)  # type: ignore[arg-type]
    assert everything.total == 6  # the observation is not a contact
    assert everything.per_day[date(2026, 3, 2)] == {"message": 1, "call": 1}
    assert everything.heatmap[0][23] == 2  # Monday 2 March: 23:15 and 23:40
    assert everything.longest_streak() == (3, date(2026, 3, 1))
    of_x = patterns.compute(vault, case, patterns.party_actors(vault, case, suspect.id))  # type: ignore[arg-type]
    assert of_x.total == 5
    written = patterns.draw(everything, tmp_path / "charts", "Synthetic case")
    assert sorted(p.name for p in written) == ["heatmap.png", "heatmap.svg", "per-day.png",
                                               "per-day.svg"]
    with Image.open(tmp_path / "charts" / "heatmap.png") as png:
        assert png.size[0] > 800 and png.size[1] > 200
    svg = (tmp_path / "charts" / "heatmap.svg").read_text()
    cells = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    # row by row: Mon 23h (2), Tue 07h (e-mail), Tue 23h, Thu 23h, Sun 23h
    assert cells[cells.index("Sun") + 1: cells.index("Synthetic case")] == [
        "2", "1", "1", "1", "1"]
    assert "23h" not in svg  # ticks are every two hours
    assert "22h" in svg and "Mon" in svg
    per_day = (tmp_path / "charts" / "per-day.svg").read_text()
    assert "Synthetic case" in per_day
    assert not re.search(r">\s*2026-03-0\d\s*<", per_day)  # no ISO days on the axis
    with in_language("nl"):
        patterns.draw(everything, tmp_path / "nl", "Synthetisch", formats=("svg",))
    dutch = re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "nl" / "per-day.svg").read_text())
    assert any(re.fullmatch(r"\d{1,2} mrt 2026", t.strip()) for t in dutch), dutch


def test_patterns_cli(case_vault: Path, cli: object, tmp_path: Path) -> None:
    result = cli("patterns", "--out", str(tmp_path / "c"))  # type: ignore[operator]
    assert result.code == 0
    assert "No contact events" in result.out
    assert (tmp_path / "c" / "per-day.svg").exists()
