"""Conversation and call importers: WhatsApp, Telegram, Instagram/Facebook, Discord,
SMS Backup & Restore, call-log CSV. One module per format; shared helpers here."""
