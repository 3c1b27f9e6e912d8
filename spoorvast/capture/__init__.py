"""Web capture: pin a page down as sealed evidence in one step.

::

    guard      refuse file:, loopback, link-local and private targets (unless allowed)
    browser    one Chromium (Debian's, driven by Playwright) per batch, a fresh context
               per capture
    page       the visit: navigate, scroll, screenshots, MHTML, PDF, DOM, HAR
    exchanges  the HTTP exchanges of a visit (from the HAR) → warc / wacz
    record     the provenance record (what the browser saw, and what that proves)
    certificates  the TLS chain the browser accepted for each HTTPS origin
    videos     the page's videos (direct files, HLS/DASH via ``streams``), saved whole
    provenance_rows  certificates, DNS answers, user agent, TSA clock as rows to show
    platforms  platform, handle, stable account id and post id from URL and metadata
    timestamps RFC 3161 tokens (openssl ts) over the record's hash, and their check;
               ``tsa_clock``: this computer's clock against the token's time
    secrets    strip cookies, tokens and secret URL values from every exported file
    strip      the export copies of WACZ, HAR, MHTML and capture.json (secrets.py)
    profile    the logged-in browser profile, kept encrypted in the vault
    service    seal every artifact and write one item per capture
"""
