"""The importer registry: explicit registration, duplicate names raise, order declared.

Built-in importers are registered by :func:`builtin_registry`; others come through the
``spoorvast.importers`` entry-point group (a module-level ``register(registry)``).

An importer whose detector claims only inputs that start as a header would (printable
ASCII, a space or a tab as first byte: e-mail and mbox, whose first line must be a
header field or a ``From`` line) says so with a true ``text_only`` attribute, or is
named in :data:`TEXT_ONLY`; the registry does not ask it about an input whose first
byte is anything else (:func:`starts_outside_ascii`: 5 of 8 random heads, most
pictures, recordings and archives). Its answer would be no in any case; asking cost 62
µs per 100 KB binary file (the e-mail detector splits 16 KB of the head into lines).
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from spoorvast.importers.base import Importer, Source

# Built-in importers whose detector claims only inputs that start as a header would (an
# importer of a plug-in says it with ``text_only = True``).
TEXT_ONLY = frozenset({"email", "mbox"})
_HEADER_START = frozenset({0x09, 0x20, *range(0x21, 0x7F)})


def starts_outside_ascii(head: bytes) -> bool:
    """True when the first byte is not printable ASCII, a space or a tab (or there is
    none): no header field, ``From`` line, or line continuing one starts so. An empty
    first line counts too: a header block never starts with one."""
    return not head or head[0] not in _HEADER_START


class Registry:
    def __init__(self) -> None:
        self._importers: dict[str, Importer] = {}
        self._order: list[tuple[Importer, bool]] | None = None

    def register(self, importer: Importer) -> None:
        if importer.name in self._importers:
            raise ValueError(f"importer registered twice: {importer.name}")
        self._importers[importer.name] = importer
        self._order = None

    def _detectors(self) -> list[tuple[Importer, bool]]:
        """(importer, reads text only), by priority; kept until the next register."""
        if self._order is None:
            self._order = [(i, i.name in TEXT_ONLY or getattr(i, "text_only", False) is True)
                           for i in self.ordered()]
        assert self._order is not None
        return self._order

    def names(self) -> list[str]:
        return [i.name for i in self.ordered()]

    def ordered(self) -> list[Importer]:
        return sorted(self._importers.values(), key=lambda i: (-i.priority, i.name))

    def get(self, name: str) -> Importer:
        return self._importers[name]

    def detect(self, source: Source) -> Importer:
        """The first importer (by priority) that claims the source; importers that
        read text only are not asked about a head that no header starts so."""
        binary = starts_outside_ascii(source.head)
        for importer, text_only in self._detectors():
            if not (binary and text_only) and importer.detect(source):
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
