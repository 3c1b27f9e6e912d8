"""Finding codes of the Instagram / Facebook download and Messenger's
end-to-end-encrypted download.
Messages hold no evidence content (places, counts, zone names, names of rules);
the code strings are stored in vaults, so none may be renamed."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.mojibake-repaired": N_("{count} texts were stored as UTF-8 read as Latin-1 "
                                 "(mojibake) and were repaired; each event keeps the "
                                 "original string."),
    "chat.newest-first": N_("The export lists messages newest first; they were stored in "
                            "time order, each pointing at its place in the file."),
    "chat.e2ee-entry-not-read": N_("{entry} in this archive is not a Messenger "
                                   "conversation, so nothing was read from it; it stays "
                                   "in the original archive, kept unchanged."),
    "chat.e2ee-no-ids": N_("This Messenger end-to-end-encrypted download names people "
                           "only by their display name (no account IDs); it does not "
                           "say which participant is the account holder."),
})
