"""Importers: one package per input format, found through :mod:`.registry`.

Importing this package offers the built-in importers' finding codes to
:mod:`spoorvast.findings` (loaded on the first code it does not know), so findings
never import the importers.
"""

from __future__ import annotations

from spoorvast.findings import add_code_source


def _load_builtin_codes() -> None:
    from spoorvast.importers.registry import builtin_registry

    builtin_registry()


add_code_source(_load_builtin_codes)
