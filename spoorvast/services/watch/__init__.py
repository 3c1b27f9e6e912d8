"""Watching a web page: re-capture it on a schedule, keep the first capture, and say
what changed or vanished between two captures.

::

    model.py      Watch (its schedule and state), RunFacts (what one capture showed),
                  Change and Verdict (what a run found)
    facts.py      RunFacts read from a sealed capture item (record, DOM, MHTML, screenshot)
    classify.py   a run against the one before it (pure: tested without a browser)
    store.py      watches kept in the vault's settings; their history in the custody log
    service.py    add / pause / resume / remove, and recording a run (findings, events,
                  custody entries) in one transaction
    runner.py     the Runner seam: how a watch's capture is made (embedded: a local
                  Chromium; server mode: a Procrastinate job, later)
    schedule.py   which watches are due; jitter, a per-site gap, back-off on errors
    unattended.py a systemd timer or crontab line; runs while the vault is locked go to
                  the watch inbox and are sealed and classified at the next unlock
    news.py       "spoorvast has news": said at unlock; an optional desktop notification
                  names nothing
    pictures.py   the difference image of two screenshots (Pillow ImageChops)
"""
