"""Finding codes for attachments read next to a loose export, and for the Messenger
end-to-end-encrypted download (messages hold no evidence content: JSON pointers,
counts and names of rules only)."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.attachment-refused": N_("{where}: the file the message names was not read "
                                  "({reason}); only regular files inside the export's "
                                  "folder are read."),
    "chat.attachments-more": N_("{count} more attachments were missing or not read (the "
                                "first at {where}); each is still named on its message."),
    "chat.attachments-read": N_("{count} attachment files were read from the folder of "
                                "the export and stored in the vault."),
    "chat.e2ee-no-ids": N_("This Messenger end-to-end-encrypted download names people "
                           "only by their display name (no account IDs); it does not "
                           "say which participant is the account holder."),
})
