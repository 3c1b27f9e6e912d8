"""Session secrets out of anything that leaves the vault.

A logged-in capture records the browser's cookies and tokens in the WARC (the visit
needs them, and they are evidence of whose session it was), and a URL may carry a
token in its query. Nothing exported may carry them: every file of a capture that
leaves the vault (dossier bundle, web download) passes through
:func:`spoorvast.capture.strip.export_copy`. The rule itself (which headers, which
query values) is in :mod:`spoorvast.model.secrets`; this module names it for the
capture feature.
"""

from __future__ import annotations

from spoorvast.capture.strip import export_copy, needs_stripping, strip_session_secrets
from spoorvast.model.secrets import (
    REMOVED,
    clean_header,
    is_secret_header,
    is_secret_param,
    is_secret_value,
    redact_headers,
    strip_url,
    strip_urls_in_text,
)

__all__ = ["REMOVED", "clean_header", "export_copy", "is_secret_header", "is_secret_param",
           "is_secret_value", "needs_stripping", "redact_headers", "strip_session_secrets",
           "strip_url", "strip_urls_in_text"]
