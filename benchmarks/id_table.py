"""The account-ID table of the capture issue (#25): for every page fixture (shapes of real
platform pages, synthetic people, logged in and out), is the stable ID proposed right,
wrong, missing, or correctly none? And is the viewer's own ID ever proposed?

Run: PYTHONPATH=. .venv/bin/python benchmarks/id_table.py
"""

from __future__ import annotations

from collections import Counter, defaultdict

from spoorvast.capture.platforms import detect, from_url
from tests.capture.platform_pages import PAGES


def main() -> None:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for page in PAGES:
        facts = detect(page.url, page.html.encode())
        platform = from_url(page.url).platform or "other"
        if page.want is None:
            verdict = "none (right)" if facts.stable_id is None else "wrong"
        elif facts.stable_id == page.want:
            verdict = "right"
        else:
            verdict = "missing" if facts.stable_id is None else "wrong"
        table[platform][verdict] += 1
        table[platform]["logged in"] += page.viewer is not None
        table[platform]["viewer as account"] += bool(
            page.viewer and facts.stable_id == page.viewer)
    columns = ("right", "wrong", "missing", "none (right)", "logged in", "viewer as account")
    print(f"{'platform':<12}" + "".join(f"{c:>19}" for c in columns))
    total: Counter[str] = Counter()
    for platform in sorted(table):
        total.update(table[platform])
        print(f"{platform:<12}" + "".join(f"{table[platform][c]:>19}" for c in columns))
    print(f"{'all':<12}" + "".join(f"{total[c]:>19}" for c in columns))


if __name__ == "__main__":
    main()
