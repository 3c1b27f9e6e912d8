"""Settings of one web app instance, built once (by ``spoorvast ui`` or a test)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_AUTOLOCK_SECONDS = 600


@dataclass(frozen=True, slots=True)
class WebSettings:
    vault_root: Path
    port: int
    autolock_seconds: float = DEFAULT_AUTOLOCK_SECONDS
    host: str = "127.0.0.1"
    watchdog_seconds: float = 5.0  # how often the auto-lock watchdog looks

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    @property
    def allowed_origins(self) -> frozenset[str]:
        return frozenset(f"http://{host}" for host in self.allowed_hosts)
