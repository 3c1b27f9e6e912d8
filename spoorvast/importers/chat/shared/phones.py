"""Phone numbers as the conversation importers need them: E.164 from a number written
any way (every Unicode dash and space), and the case zone's country as the default
region. The rules live in :mod:`spoorvast.analysis.phones`; re-exported here so the
chat formats take them from one shared place."""

from __future__ import annotations

from spoorvast.analysis.phones import e164 as e164
from spoorvast.analysis.phones import zone_country as zone_country

__all__ = ["e164", "zone_country"]
