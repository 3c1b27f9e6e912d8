"""The server's drop limits and cleanup time come from its environment, with defaults;
a value that is not a whole number above 0 is refused in a sentence naming it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from spoorvast.errors import UserError
from spoorvast.server.state import ServerSettings
from spoorvast.storage.server_drops import DropLimits


def test_defaults_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SPOORVAST_DROP_GRANT_MAX_MIB", "SPOORVAST_DROP_GRANT_MAX_FILES",
                 "SPOORVAST_DROP_CASE_MAX_MIB", "SPOORVAST_DROP_CASE_MAX_FILES",
                 "SPOORVAST_ABANDONED_HOURS"):
        monkeypatch.delenv(name, raising=False)
    plain = ServerSettings.from_env("postgresql://x")
    assert plain.drop_limits == DropLimits() and plain.abandoned_after == timedelta(days=1)
    monkeypatch.setenv("SPOORVAST_DROP_GRANT_MAX_MIB", "50")
    monkeypatch.setenv("SPOORVAST_DROP_CASE_MAX_FILES", " 7 ")
    monkeypatch.setenv("SPOORVAST_ABANDONED_HOURS", "3")
    set_ = ServerSettings.from_env("postgresql://x")
    assert set_.drop_limits == DropLimits(grant_bytes=50 << 20, case_files=7)
    assert set_.abandoned_after == timedelta(hours=3)


@pytest.mark.parametrize("value", ["0", "-1", "lots", "1.5"])
def test_a_bad_value_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SPOORVAST_DROP_GRANT_MAX_FILES", value)
    with pytest.raises(UserError) as bad:
        ServerSettings.from_env("postgresql://x")
    assert "SPOORVAST_DROP_GRANT_MAX_FILES" in str(bad.value) and value in str(bad.value)
