"""Thin calls into feature modules that other parts of spoorvast provide.

One module per feature. Each checks whether its feature is installed (``available``)
and keeps its calls few and plain, so that when a feature's API changes only its
adapter changes. Screens ask the adapter, never the feature directly.
"""

from __future__ import annotations

from importlib.util import find_spec


def present(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False
