"""Conversation and call importers, one package per format: ``whatsapp``, ``telegram``,
``meta`` (Instagram / Facebook and Messenger's end-to-end-encrypted download), ``discord``,
``sms`` (SMS Backup & Restore), ``calls`` (call-log CSV). Each holds its importer (the
module ``spoorvast.importers.registry`` names), its parsers and its finding codes; the
readers they share are in ``shared``. A new format is one new package and one registry
line."""
