"""Names as people see them: no raw control character, no crash on bytes.

A Linux file name is bytes. Python decodes the bytes that are not UTF-8 with
``surrogateescape`` (``b"\\xff"`` becomes ``"\\udcff"``); such a string cannot be stored
as SQLite text nor printed, and a control character in a name (ESC, CR, a right-to-left
override) would drive the terminal or reorder what is read. :func:`shown` writes each of
them as an escape that reads the same in the CLI, the web app and the dossier: ``\\xff``
for a byte that is not UTF-8, ``\\x1b`` or ``\\u202e`` for a control character.

That escaped form is what is stored as a title or a name. It is not reversible on its own
(a name may hold a literal backslash), so where it differs from the real name the exact
bytes are kept too, as hex (:func:`raw_hex`), in a Finding of the item.
"""

from __future__ import annotations

import os
import re

# C0 and C1 controls, DEL, line and paragraph separators, bidi embeddings, overrides
# and isolates, and lone surrogates (a byte that was not UTF-8, or a broken pair)
_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff]")
_ESCAPED_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                              "\ud800-\udfff]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found[0])
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: one byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(name: str) -> str:
    """``name`` with every control character and undecodable byte escaped."""
    return _ESCAPED.sub(_escape, name)


def printable(text: str) -> str:
    """Like :func:`shown`, but line breaks and tabs are kept (a message of several
    lines); for whatever is written to a terminal."""
    return _ESCAPED_IN_TEXT.sub(_escape, text)


def raw_hex(name: str) -> str:
    """The exact bytes of a file name (as the file system holds them), in hex."""
    return os.fsencode(name).hex()
