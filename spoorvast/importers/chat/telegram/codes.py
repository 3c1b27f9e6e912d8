"""Finding codes of the Telegram Desktop JSON reader.
Messages hold no evidence content (places, counts, zone names, names of rules);
the code strings are stored in vaults, so none may be renamed."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.times-without-epoch": N_("{count} records have no Unix time; their local time "
                                   "was read in the case's time zone {zone}."),
})
