"""Web capture: pin a page down as sealed evidence in one step.

::

    guard      refuse file:, loopback, link-local and private targets (unless allowed)
    browser    one Chromium (Debian's, driven by Playwright) per batch, a fresh context
               per capture
    page       the visit: navigate, scroll, screenshots, MHTML, PDF, DOM, HAR
    exchanges  the HTTP exchanges of a visit (from the HAR) → warc / wacz
    record     the provenance record (what the browser saw, and what that proves)
    platforms  platform, handle, stable account id and post id from URL and metadata
    timestamps RFC 3161 tokens (openssl ts) over the record's hash, and their check
    secrets    strip cookies, tokens and secret URL values from every exported file
    strip      the export copies of WACZ, HAR, MHTML and capture.json (secrets.py)
    profile    the logged-in browser profile, kept encrypted in the vault
    service    seal every artifact and write one item per capture
"""
