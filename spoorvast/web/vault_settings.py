"""The web app's own settings, kept in the vault (encrypted with everything else)."""

from __future__ import annotations

from spoorvast.web.session import VaultSession

LANGUAGE = "web.language"
TIME_ZONE = "web.time_zone"
AUTOLOCK = "web.autolock_minutes"
BLUR_ALL = "web.blur_all_pictures"


def read_setting(session: VaultSession, key: str) -> str | None:
    with session.use() as vault:
        return vault.store.setting(key)


def write_settings(session: VaultSession, values: dict[str, str | None]) -> None:
    with session.use() as vault, vault.store.transaction() as tx:
        for key, value in values.items():
            tx.set_setting(key, value)
