"""Finding codes and their (translatable) messages.

A module that records problems declares its codes once with :func:`register_codes`
(duplicate codes raise). A stored Finding holds only the code and parameters; the
message is rendered in the reader's language when shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from spoorvast.i18n import _
from spoorvast.model.records import Finding

_CODES: dict[str, str] = {}


def register_codes(codes: Mapping[str, str]) -> None:
    for code, template in codes.items():
        if code in _CODES:
            raise ValueError(f"finding code registered twice: {code}")
        _CODES[code] = template


def registered_codes() -> dict[str, str]:
    return dict(_CODES)


def render(finding: Finding) -> str:
    template = _CODES.get(finding.code)
    if template is None:
        _register_builtin_codes()
        template = _CODES.get(finding.code)
    if template is None:
        return finding.code
    params = {key: _shown(key, value) for key, value in finding.params}
    try:
        return _(template).format(**params)
    except (KeyError, IndexError, ValueError):
        return _(template)


_LINE = re.compile(r"line (\d+)")
_TEXTS = re.compile(r"(\d+) texts")


def _shown(key: str, value: str) -> str:
    """A parameter as the reader sees it: stored values are language-neutral data, so
    the place ``line 17`` and a reason (a rule name the importer marked with ``N_``)
    are translated here, for findings stored before and after alike. A value the
    catalogs do not hold (an exception's name, a file name) is shown as it is."""
    if not value:
        return value  # gettext("") is the catalog's header
    found = _LINE.fullmatch(value)
    if found:
        return _("line {number}").format(number=found[1])
    found = _TEXTS.fullmatch(value)
    if found:
        return _("{count} texts").format(count=found[1])
    return _(value) if key == "reason" else value


_SOURCES: list[Callable[[], None]] = []


def add_code_source(load: Callable[[], None]) -> None:
    """A layer above (the importers) offers to register its codes when one is asked for
    that is not registered yet: a command that shows findings without having imported
    the module that made them (e.g. ``show``) still renders their sentences. Each source
    is called at most once; findings itself imports nothing above it."""
    _SOURCES.append(load)


def _register_builtin_codes() -> None:
    while _SOURCES:
        _SOURCES.pop(0)()
