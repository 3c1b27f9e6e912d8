"""A file name a device sends becomes one safe file name (no folder, no '..')."""

from __future__ import annotations

from spoorvast.services.sharing.drops import safe_name


def test_names_from_a_device_are_made_safe() -> None:
    assert safe_name("IMG_2041.png") == "IMG_2041.png"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..") == safe_name(".") == safe_name("") == safe_name("  ") == "drop"
    assert safe_name("a\0b.txt") == "ab.txt"
    assert safe_name("C:\\Users\\sam\\chat.zip") == "chat.zip"
    long = safe_name("x" * 300 + ".jpeg")
    assert len(long) == 120 and long.endswith(".jpeg")
