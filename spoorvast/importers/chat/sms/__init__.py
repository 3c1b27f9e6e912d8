"""Android "SMS Backup & Restore" XML (messages, MMS and calls)."""
