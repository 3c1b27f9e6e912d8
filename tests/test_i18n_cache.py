"""The compiled catalogs kept in ``locale/__pycache__`` say exactly what the .po files
say, are never read once a .po file changed, and a read-only package still works."""

from __future__ import annotations

import gettext
import io
import os
from pathlib import Path

import pytest

from spoorvast import i18n


def catalog_of(translations: gettext.NullTranslations) -> dict[object, str]:
    """The messages, without the header (it carries the time it was compiled)."""
    found = dict(translations._catalog)  # type: ignore[attr-defined]
    found.pop("", None)
    return found


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_kept_catalog_is_the_merged_one(language: str) -> None:
    data = i18n.compiled_catalog(language)
    assert data is not None
    i18n.translations.cache_clear()
    try:
        made = i18n.translations(language)  # from the kept file, or compiled and kept
        kept = i18n.cache_path(language, i18n.po_paths(language))
        assert kept.is_file()
        again = i18n._read_cached(kept)
    finally:
        i18n.translations.cache_clear()
    fresh = catalog_of(gettext.GNUTranslations(io.BytesIO(data)))
    assert catalog_of(made) == fresh
    assert again is not None and catalog_of(again) == fresh
    assert made.ngettext("{n} item", "{n} items", 9) != "{n} items"


def test_a_changed_po_file_changes_the_name(tmp_path: Path) -> None:
    po = tmp_path / "part.po"
    po.write_text('msgid "a"\nmsgstr "b"\n', "utf-8")
    first = i18n.cache_path("nl", [po])
    assert i18n.cache_path("nl", [po]) == first
    assert i18n.cache_path("fr", [po]) != first
    os.utime(po, ns=(1, 1))
    touched = i18n.cache_path("nl", [po])
    assert touched != first
    po.write_text('msgid "a"\nmsgstr "bc"\n', "utf-8")
    os.utime(po, ns=(1, 1))  # same time, other size
    assert i18n.cache_path("nl", [po]) != touched


def test_a_damaged_kept_file_is_not_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mo"
    bad.write_bytes(b"\x00" * 40)
    assert i18n._read_cached(bad) is None
    assert i18n._read_cached(tmp_path / "absent.mo") is None


def test_read_only_package_compiles_in_memory(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setattr(i18n, "CACHE_DIR", locked / "__pycache__")
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("de").gettext("Show the version.") != "Show the version."
    finally:
        i18n.translations.cache_clear()
    if os.geteuid() != 0:  # root writes anywhere
        assert not (locked / "__pycache__").exists()
    assert [p.name for p in locked.rglob(".*")] == []


def test_old_kept_files_of_a_language_are_removed(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "CACHE_DIR", tmp_path)
    old = tmp_path / "spoorvast-nl-000000000000000000000000.mo"
    other = tmp_path / "spoorvast-fr-000000000000000000000000.mo"
    old.write_bytes(b"x")
    other.write_bytes(b"x")
    new = i18n.cache_path("nl", i18n.po_paths("nl"))
    i18n._keep(new, b"data")
    assert new.read_bytes() == b"data"
    assert not old.exists() and other.exists()
