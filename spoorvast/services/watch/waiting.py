"""At each opening of the vault: is there anything a locked watch run left to seal?
(A directory listing; the sealing itself loads the capture code only when there is.)"""

from __future__ import annotations

from pathlib import Path

from spoorvast.storage.vault import Vault


def waiting(root: Path) -> bool:
    folder = root / "watch" / "inbox"
    return folder.is_dir() and any(folder.glob("*.svin"))


def drain_if_waiting(vault: Vault) -> int:
    """Seal and compare the waiting locked runs; how many were recorded."""
    if not vault.writable or not waiting(vault.root):
        return 0
    from spoorvast.services.watch import unattended

    return len(unattended.drain(vault))
