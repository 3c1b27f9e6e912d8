"""The importer registry: explicit registration, duplicate names raise, order declared.

Built-in importers are registered by :func:`builtin_registry`; others come through the
``spoorvast.importers`` entry-point group (a module-level ``register(registry)``).
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from spoorvast.importers.base import Importer, Source


class Registry:
    def __init__(self) -> None:
        self._importers: dict[str, Importer] = {}

    def register(self, importer: Importer) -> None:
        if importer.name in self._importers:
            raise ValueError(f"importer registered twice: {importer.name}")
        self._importers[importer.name] = importer

    def names(self) -> list[str]:
        return [i.name for i in self.ordered()]

    def ordered(self) -> list[Importer]:
        return sorted(self._importers.values(), key=lambda i: (-i.priority, i.name))

    def get(self, name: str) -> Importer:
        return self._importers[name]

    def detect(self, source: Source) -> Importer:
        """The first importer (by priority) that claims the source."""
        for importer in self.ordered():
            if importer.detect(source):
                return importer
        raise LookupError("no importer claims this input")  # the plain-file one always does


# Built-in importer modules, each with a module-level ``register(registry)``.
# Adding a format = one module + one line here (+ its tests). Order does not matter:
# ``priority`` decides which importer claims an input first.
BUILTIN_MODULES = [
    "spoorvast.importers.files",
    "spoorvast.importers.email.eml",
    "spoorvast.importers.email.mbox",
    "spoorvast.importers.email.msg",
    "spoorvast.importers.chat.whatsapp.importer",
    "spoorvast.importers.chat.telegram.importer",
    "spoorvast.importers.chat.sms.importer",
    "spoorvast.importers.chat.meta.importer",
    "spoorvast.importers.chat.meta.e2ee",
    "spoorvast.importers.chat.discord.importer",
    "spoorvast.importers.chat.discord.package",
    "spoorvast.importers.chat.calls.importer",
]


def builtin_registry() -> Registry:
    registry = Registry()
    for name in BUILTIN_MODULES:
        import_module(name).register(registry)
    for entry in entry_points(group="spoorvast.importers"):
        entry.load()(registry)
    return registry
