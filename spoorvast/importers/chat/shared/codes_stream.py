"""Finding codes of the streamed chat readers (Telegram Desktop and DiscordChatExporter JSON
read in blocks)."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.json-read-whole": N_("The export was read whole, not in blocks: its layout is "
                               "not the indented one {program} writes. The events are the "
                               "same; a very large export in this layout needs much "
                               "memory."),
})
