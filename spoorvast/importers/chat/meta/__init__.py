"""Instagram / Facebook "Download your information" messages (``importer``, ``parse``,
``local_media``) and Messenger's end-to-end-encrypted download (``e2ee``, ``e2ee_parse``);
both stamp records in Unix milliseconds (``epochms``)."""
