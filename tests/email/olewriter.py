"""A small writer of OLE compound files (CFB v3), for building .msg test fixtures.

olefile reads but cannot create compound files, and the permissive tools that write
.msg files are not available here; this writer follows [MS-CFB]: 512-byte sectors, a
FAT, a mini stream (64-byte sectors) for streams under 4096 bytes with its MiniFAT,
and directory entries whose children form a (degenerate, all-black) sorted tree.
"""

from __future__ import annotations

import itertools
import struct

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _sectors(size: int, unit: int) -> int:
    return (size + unit - 1) // unit


def _key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.children: list[_Entry] = []
        self.index = 0
        self.start, self.size = END, len(data)
        self.right = self.child = NOSTREAM

    def pack(self) -> bytes:
        encoded = (self.name + "\x00").encode("utf-16-le")
        return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), self.kind, 1,
                           NOSTREAM, self.right, self.child, b"\x00" * 16, 0, 0, 0,
                           self.start if self.size or self.kind == 5 else END, self.size)


def _tree(files: dict[tuple[str, ...], bytes]) -> list[_Entry]:
    root = _Entry("Root Entry", 5)
    entries = [root]
    storages: dict[tuple[str, ...], _Entry] = {(): root}
    for path in sorted(files):
        for depth in range(1, len(path)):
            key = path[:depth]
            if key not in storages:
                storages[key] = _Entry(path[depth - 1], 1)
                storages[path[:depth - 1]].children.append(storages[key])
                entries.append(storages[key])
        stream = _Entry(path[-1], 2, files[path])
        storages[path[:-1]].children.append(stream)
        entries.append(stream)
    for index, entry in enumerate(entries):
        entry.index = index
    for entry in entries:
        ordered = sorted(entry.children, key=lambda e: _key(e.name))
        if ordered:
            entry.child = ordered[0].index
        for left, right in itertools.pairwise(ordered):
            left.right = right.index
    return entries


def write_cfb(files: dict[tuple[str, ...], bytes]) -> bytes:
    entries = _tree(files)
    small = [e for e in entries if e.kind == 2 and 0 < e.size < CUTOFF]
    large = [e for e in entries if e.kind == 2 and e.size >= CUTOFF]
    mini_stream, minifat = b"", []
    for entry in small:
        entry.start = len(mini_stream) // MINI
        count = _sectors(entry.size, MINI)
        minifat += [entry.start + i + 1 for i in range(count - 1)] + [END]
        mini_stream += entry.data.ljust(count * MINI, b"\x00")
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    directory = b"".join(e.pack() for e in entries)  # packed again below, with starts
    blobs: list[tuple[str, bytes]] = [(f"s{e.index}", e.data) for e in large]
    blobs += [("mini", mini_stream), ("minifat", minifat_bytes), ("dir", directory)]
    starts, fat, next_sector = {}, [], 0
    for name, data in blobs:
        count = _sectors(len(data), SECTOR)
        starts[name] = next_sector if count else END
        fat += [next_sector + i + 1 for i in range(count - 1)] + ([END] if count else [])
        next_sector += count
    fat_count = 1
    while fat_count * 128 < next_sector + fat_count:
        fat_count += 1
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * 128 - len(fat))
    for entry in large:
        entry.start = starts[f"s{entry.index}"]
    entries[0].start, entries[0].size = starts["mini"], len(mini_stream)
    directory = b"".join(e.pack() for e in entries)
    directory = directory.ljust(_sectors(len(directory), SECTOR) * SECTOR, b"\x00")
    body = b"".join((d if n != "dir" else directory).ljust(
        _sectors(len(d), SECTOR) * SECTOR, b"\x00") for n, d in blobs)
    fat_ids = list(range(next_sector, next_sector + fat_count))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16,
        0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6, 0, fat_count, starts["dir"], 0, CUTOFF,
        starts["minifat"], _sectors(len(minifat_bytes), SECTOR), END, 0)
    header += struct.pack("<109I", *(fat_ids + [FREE] * (109 - fat_count)))
    return header + body + struct.pack(f"<{len(fat)}I", *fat)
