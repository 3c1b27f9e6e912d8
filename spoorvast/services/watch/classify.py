"""A run against the one before it: what changed, as a person would say it.

The order of questions: is the page there at all (a 404/410 or the platform's own "not
available" page — removal only once a second run in a row sees it, as EDGI's web
monitoring does; the first sighting's time is kept, and a page that is back in between
was only flapping)? Is it behind a wall where it was open? Then, against the last open
capture: another handle with the same stable account ID (renamed), other words (a word
diff with :mod:`difflib`), other pictures (perceptual hashes, ``imagehash``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import replace

from spoorvast.services.watch.model import (
    DISPLAY_NAME,
    Change,
    ChangeKind,
    RunFacts,
    Verdict,
    Watch,
)

PICTURE_DISTANCE = 8  # of 64 bits: pHash of the same picture re-encoded stays under 4
MAX_WORDS = 60_000  # words compared per page (a longer page is compared on its start)
WORK = 4_000_000  # old × new items past which difflib's junk heuristic is used


def classify(watch: Watch, baseline: RunFacts | None, current: RunFacts) -> Verdict:
    """The changes ``current`` shows against ``baseline`` (the last open capture) and
    the watch's state after this run."""
    watch = replace(watch, last=current.label, runs=watch.runs + 1,
                    first=watch.first or current.label)
    if current.gone:
        return _gone(watch, current)
    changes = [*_returned(watch, current)]
    watch = replace(watch, gone_since=None, gone_label=None, removed=False)
    if current.walled:
        if not watch.restricted:
            changes.append(Change(ChangeKind.RESTRICTED, (("url", current.final_url or ""),)))
        return Verdict(tuple(changes) or (Change(ChangeKind.UNCHANGED),),
                       replace(watch, restricted=True), baseline.label if baseline else None)
    if watch.restricted:
        changes.append(Change(ChangeKind.REOPENED))
    watch = replace(watch, restricted=False, baseline=current.label)
    if baseline is None:
        return Verdict((Change(ChangeKind.FIRST),), watch)
    found, words = compare(baseline, current)
    changes.extend(found)
    return Verdict(tuple(changes) or (Change(ChangeKind.UNCHANGED),), watch,
                   baseline.label, words)


def _gone(watch: Watch, current: RunFacts) -> Verdict:
    seen = current.at.utc.isoformat(timespec="seconds")
    if watch.removed:
        return Verdict((Change(ChangeKind.UNCHANGED),), watch, watch.gone_label)
    if watch.gone_since is None:
        change = Change(ChangeKind.GONE_ONCE, (("first_seen", seen), ("label", current.label)))
        return Verdict((change,), replace(watch, gone_since=seen, gone_label=current.label),
                       watch.baseline)
    change = Change(ChangeKind.REMOVED, (("first_seen", watch.gone_since),
                                         ("first_label", watch.gone_label or ""),
                                         ("confirmed", seen), ("label", current.label),
                                         ("last_there", watch.baseline or "")))
    return Verdict((change,), replace(watch, removed=True), watch.baseline)


def _returned(watch: Watch, current: RunFacts) -> list[Change]:
    if watch.removed:
        return [Change(ChangeKind.BACK, (("first_seen", watch.gone_since or ""),
                                         ("label", watch.gone_label or "")))]
    if watch.gone_since is not None:
        return [Change(ChangeKind.FLAPPED, (("first_seen", watch.gone_since),
                                            ("label", watch.gone_label or "")))]
    return []


def compare(before: RunFacts, after: RunFacts) -> tuple[list[Change], tuple[int, int]]:
    """Renamed, edited, pictures changed: what ``after`` shows against ``before``.

    A new display name (the same stable ID and handle) is a rename of the display name,
    and the words it changed on the page are not counted as an edit: the old name is
    masked in the old text and the new one in the new text before the word diff."""
    changes = []
    old_text, new_text = before.text, after.text
    if _renamed(before, after):
        changes.append(Change(ChangeKind.RENAMED, (
            ("old", before.handle or ""), ("new", after.handle or ""),
            ("stable_id", after.stable_id or ""), ("platform", after.platform or ""))))
    elif _display_renamed(before, after):
        assert before.display_name and after.display_name
        changes.append(Change(ChangeKind.RENAMED, (
            ("old", before.display_name), ("new", after.display_name),
            ("stable_id", after.stable_id or ""), ("platform", after.platform or ""),
            ("what", DISPLAY_NAME))))
        old_text = _masked(old_text, before.display_name)
        new_text = _masked(new_text, after.display_name)
    removed, added = word_change(old_text, new_text)
    if removed or added:
        changes.append(Change(ChangeKind.EDITED, (("removed", str(removed)),
                                                  ("added", str(added)))))
    swapped = pictures_changed(before.images, after.images)
    if swapped:
        changes.append(Change(ChangeKind.MEDIA, (("count", str(swapped)),)))
    return changes, (removed, added)


def _renamed(before: RunFacts, after: RunFacts) -> bool:
    return bool(before.stable_id and before.stable_id == after.stable_id
                and before.handle and after.handle
                and before.handle.casefold() != after.handle.casefold())


_NAME_MARK = "\x00name\x00"


def _display_renamed(before: RunFacts, after: RunFacts) -> bool:
    same_handle = (before.handle or "").casefold() == (after.handle or "").casefold()
    return bool(before.stable_id and before.stable_id == after.stable_id and same_handle
                and before.display_name and after.display_name
                and before.display_name != after.display_name)


def _masked(text: str, name: str) -> str:
    """``text`` with each whole-word occurrence of ``name`` (spaces collapsed, as the
    page's words are) replaced by one mark."""
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)"
    return re.sub(pattern, _NAME_MARK, text)


def words_of(text: str) -> list[str]:
    return text.split()[:MAX_WORDS]


Piece = tuple[str, list[str], list[str]]  # (equal | change, old words, new words)


def _matcher(old: Sequence[str], new: Sequence[str]) -> difflib.SequenceMatcher[str]:
    # exact (no junk heuristic) while the work stays small; a huge block of repeated
    # words would take minutes (measured: 3,500 repetitive words, 45 s), so past
    # WORK the heuristic is used (a count may then be a little high, never zero)
    return difflib.SequenceMatcher(None, old, new, autojunk=len(old) * len(new) > WORK)


def _trimmed(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many items ``old`` and ``new`` share at their start and at their end."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


def _diff(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    start, end = _trimmed(old, new)
    found = [("equal", 0, start, 0, start)] if start else []
    middle = _matcher(old[start:len(old) - end], new[start:len(new) - end])
    found += [(tag, i1 + start, i2 + start, j1 + start, j2 + start)
              for tag, i1, i2, j1, j2 in middle.get_opcodes()]
    if end:
        found.append(("equal", len(old) - end, len(old), len(new) - end, len(new)))
    return found


def diff_words(before: str, after: str) -> list[Piece]:
    """The two texts as equal and changed runs of words: first by block (each line of
    the page's text), then word by word inside the blocks that differ, so a long page
    with one edited post is compared in milliseconds."""
    old_blocks, new_blocks = before.splitlines()[:MAX_WORDS], after.splitlines()[:MAX_WORDS]
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in _diff(old_blocks, new_blocks):
        if tag == "equal":
            words = " ".join(old_blocks[i1:i2]).split()
            pieces.append(("equal", words, words))
        elif tag == "replace" and i2 - i1 == j2 - j1:  # blocks edited in place
            for old_block, new_block in zip(old_blocks[i1:i2], new_blocks[j1:j2],
                                            strict=True):
                pieces += _word_pieces(old_block.split(), new_block.split())
        else:
            pieces += _word_pieces(" ".join(old_blocks[i1:i2]).split(),
                                   " ".join(new_blocks[j1:j2]).split())
    return pieces


def _word_pieces(old: list[str], new: list[str]) -> list[Piece]:
    return [("equal" if tag == "equal" else "change", old[a1:a2], new[b1:b2])
            for tag, a1, a2, b1, b2 in _diff(old, new)]


def word_change(before: str, after: str) -> tuple[int, int]:
    """(words removed, words added); a replaced word counts once each way."""
    if before == after:
        return 0, 0
    removed = added = 0
    for tag, old, new in diff_words(before, after):
        if tag != "equal":
            removed += len(old)
            added += len(new)
    return removed, added


def pictures_changed(before: tuple[str, ...], after: tuple[str, ...]) -> int:
    """How many pictures of ``after`` have no close match among ``before`` (and the
    other way round, when pictures went)."""
    import imagehash  # here: it loads numpy and SciPy (0.2 s), which a dossier that
    # shows a watch's history never needs

    old = [imagehash.hex_to_hash(h) for h in before]
    new = [imagehash.hex_to_hash(h) for h in after]
    unmatched_new = sum(1 for h in new if not any(h - o <= PICTURE_DISTANCE for o in old))
    unmatched_old = sum(1 for o in old if not any(o - h <= PICTURE_DISTANCE for h in new))
    return max(unmatched_new, unmatched_old)
