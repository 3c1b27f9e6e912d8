"""What watching found, said without leaking it.

Each run that found a change of the page leaves a small record in the vault's settings
(encrypted with the vault: kinds and counts only, never the page or its address); the
next unlock says them once ("2 watched pages were edited, 1 was removed") and clears
them. A desktop notification (``notify-send``, when installed and asked for) says only
"spoorvast has news": someone looking over the shoulder learns nothing more.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable

from spoorvast.i18n import _, ngettext
from spoorvast.services.watch.model import NEWS, ChangeKind
from spoorvast.storage.base import Transaction
from spoorvast.storage.vault import Vault

PREFIX = "watch-news."


def note(tx: Transaction, kinds: Iterable[ChangeKind]) -> None:
    found = sorted(k.value for k in kinds if k in NEWS)
    if found:
        tx.set_setting(PREFIX + secrets.token_hex(8), json.dumps(found))


def pending(vault: Vault) -> Counter[str]:
    counts: Counter[str] = Counter()
    for _key, value in vault.store.settings_under(PREFIX):
        try:
            kinds = json.loads(value)
        except ValueError:
            continue
        counts.update(k for k in kinds if isinstance(k, str)) if isinstance(kinds, list) \
            else None
    return counts


def take(vault: Vault) -> list[str]:
    """The news since the last time it was said, as sentences (said once)."""
    counts = pending(vault)
    if counts:
        with vault.store.transaction() as tx:
            tx.delete_settings(PREFIX)
    return said(counts)


def said(counts: Counter[str]) -> list[str]:
    lines = []
    for kind in (ChangeKind.REMOVED, ChangeKind.EDITED, ChangeKind.MEDIA, ChangeKind.RENAMED,
                 ChangeKind.RESTRICTED):
        if counts.get(kind.value):
            lines.append(_sentence(kind, counts[kind.value]))
    return lines


def _sentence(kind: ChangeKind, n: int) -> str:
    if kind is ChangeKind.REMOVED:
        text = ngettext("Watching: {n} page was removed.", "Watching: {n} pages were removed.",
                        n)
    elif kind is ChangeKind.EDITED:
        text = ngettext("Watching: {n} page was edited.", "Watching: {n} pages were edited.", n)
    elif kind is ChangeKind.MEDIA:
        text = ngettext("Watching: a picture changed on {n} page.",
                        "Watching: pictures changed on {n} pages.", n)
    elif kind is ChangeKind.RENAMED:
        text = ngettext("Watching: {n} account was renamed.",
                        "Watching: {n} accounts were renamed.", n)
    else:
        text = ngettext("Watching: {n} page went behind a login.",
                        "Watching: {n} pages went behind a login.", n)
    return text.format(n=n)


def notify() -> bool:
    """"spoorvast has news" on the desktop, when ``notify-send`` is there; nothing else."""
    program = shutil.which("notify-send")
    if program is None:
        return False
    try:
        subprocess.run([program, "--app-name=spoorvast", "spoorvast", _("spoorvast has news")],
                       check=False, timeout=10, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        return False
    return True
