"""Finding codes of the Discord readers (DiscordChatExporter, the data package).
Messages hold no evidence content (places, counts, zone names, names of rules);
the code strings are stored in vaults, so none may be renamed."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.own-messages-only": N_("This Discord data package holds only the account "
                                 "holder's own messages; the other side of the "
                                 "conversation is not in it."),
    "chat.utc-assumed": N_("The export's times carry no offset; they were read as UTC, "
                           "as this platform writes them."),
})
