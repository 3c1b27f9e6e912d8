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
    "chat.duplicate-copy": N_("{where}: the message ID {id} was already read earlier in "
                              "the package, with the same time, text and attachments; "
                              "this copy was not stored a second time (it stays in the "
                              "original)."),
    "chat.duplicate-copy-more": N_("{count} more records repeat a message read earlier "
                                   "in the package (same ID, time, text and "
                                   "attachments); none was stored a second time."),
    "chat.utc-assumed": N_("The export's times carry no offset; they were read as UTC, "
                           "as this platform writes them."),
})
