"""Media of an unzipped Facebook / Instagram download, next to a loose ``message_N.json``.

Meta names a message's photos, videos and audio by a ``uri`` relative to the root of the
download (``messages/inbox/<thread>/photos/123.jpg``; Accounts Center layout
``your_instagram_activity/messages/inbox/<thread>/…``). When only the JSON is added, the
download's root is found by walking up from the JSON's (real) folder, at most
``MAX_LEVELS`` folders, to the ancestor whose child on the way down to the JSON carries
the uri's first name (``messages``, ``your_instagram_activity``…): the file is then read
from inside that child folder only, the folder tree that holds the JSON itself. A thread
folder copied on its own (``jan_123/message_1.json`` + ``jan_123/photos/…``) is found
by the part of the uri after the thread folder's name, inside that folder. Nothing else
is read: see :mod:`localfiles` for the rules (no absolute paths, no ``..``, no symlink
leaving the folder, regular files only, size caps). Remote URLs are never fetched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from spoorvast.importers.chat.shared.localfiles import LocalFiles, is_url, parts_of
from spoorvast.model.records import Location

MAX_LEVELS = 6  # the deepest layout puts the JSON 4 folders below the download's root


def candidates(folder: Path, parts: list[str]) -> list[tuple[Path, list[str]]]:
    """(folder to read inside, path below it) for a uri's parts, nearest first."""
    found: list[tuple[Path, list[str]]] = []
    chain = [folder, *folder.parents][:MAX_LEVELS + 1]
    for child, _ancestor in pairwise(chain):
        if len(parts) > 1 and child.name == parts[0]:
            found.append((child, parts[1:]))
    if folder.name in parts[:-1]:
        last = len(parts) - 1 - parts[::-1].index(folder.name)
        found.append((folder, parts[last + 1:]))
    return found


@dataclass
class DyiFolder:
    """Resolves a download's media uris against the folders around a loose JSON."""

    files: LocalFiles
    folder: Path  # the real folder of the JSON

    def resolve(self, uri: str, where: Location) -> str | None:
        if is_url(uri):
            return None
        parts = parts_of(uri)
        if parts is None:
            self.files.report.refused(where, "absolute path or '..'")
            return None
        options = candidates(self.folder, parts)
        for inside, below in options:
            if os.path.lexists(inside.joinpath(*below)):
                return self.files.resolve_in(inside, "/".join(below), where)
        self.files.report.missing(where)
        return None
