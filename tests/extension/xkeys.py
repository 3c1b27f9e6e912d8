"""Pressing keys on an X display as a keyboard does (the XTest extension, through libXtst
with ctypes; Debian package libxtst6, which scripts/setup installs): the browser, not the page, sees
them, so its extension shortcuts work."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any


def _libs() -> tuple[Any, Any]:
    x11 = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    xtst = ctypes.cdll.LoadLibrary(ctypes.util.find_library("Xtst") or "libXtst.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XStringToKeysym.restype = ctypes.c_ulong
    x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
    x11.XKeysymToKeycode.restype = ctypes.c_ubyte
    x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                       ctypes.c_ulong]
    return x11, xtst


def available() -> bool:
    return bool(ctypes.util.find_library("Xtst"))


def press(*keys: str) -> None:
    """Hold each key in turn (X keysym names: "Alt_L", "Shift_L", "s"), then let go of
    them in reverse order, on the display named by DISPLAY."""
    x11, xtst = _libs()
    display = x11.XOpenDisplay(os.environ["DISPLAY"].encode())
    if not display:
        raise OSError("cannot open the X display")
    try:
        codes = [x11.XKeysymToKeycode(display, x11.XStringToKeysym(k.encode())) for k in keys]
        for code in codes:
            xtst.XTestFakeKeyEvent(display, code, 1, 0)
        for code in reversed(codes):
            xtst.XTestFakeKeyEvent(display, code, 0, 0)
        x11.XFlush(display)
    finally:
        x11.XCloseDisplay(display)
