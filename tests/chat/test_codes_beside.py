"""Each conversation format's finding codes live beside it (issue 26, layout): a code a
module of ``chat/<format>/`` stores is registered by that package's ``codes.py`` or by
``chat/shared/codes.py``; the shared readers use shared codes only; and every code is
registered once the built-in importers are loaded."""

from __future__ import annotations

import re
from pathlib import Path

import spoorvast.importers.chat as chat_package
from spoorvast.findings import registered_codes
from spoorvast.importers.registry import builtin_registry

CHAT = Path(chat_package.__file__).parent
_CODE = re.compile(r'"(chat\.[a-z0-9-]+)"')


def _codes_in(path: Path) -> set[str]:
    return set(_CODE.findall(path.read_text(encoding="utf-8")))


def _used_by(package: Path) -> set[str]:
    return set().union(*(_codes_in(p) for p in package.glob("*.py") if p.name != "codes.py"))


def test_every_format_package_registers_the_codes_it_stores() -> None:
    shared = _codes_in(CHAT / "shared" / "codes.py")
    assert _used_by(CHAT / "shared") <= shared
    formats = [p for p in CHAT.iterdir() if (p / "importer.py").exists() or p.name == "meta"]
    assert {p.name for p in formats} >= {"whatsapp", "telegram", "meta", "discord", "sms",
                                          "calls"}
    for package in formats:
        own = _codes_in(package / "codes.py")
        assert not own & shared, package.name  # registered twice would raise on import
        assert _used_by(package) <= own | shared, package.name


def test_no_module_sits_loose_beside_the_format_packages() -> None:
    assert [p.name for p in CHAT.glob("*.py")] == ["__init__.py"]


def test_every_chat_code_is_registered_after_loading_the_importers() -> None:
    builtin_registry()
    used = set().union(*(_used_by(p) for p in CHAT.iterdir() if p.is_dir()))
    assert used and used <= set(registered_codes())
