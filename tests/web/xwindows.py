"""Closing a window on an X display as a person does with the window's close button: the
WM_DELETE_WINDOW message a window manager sends (Xvfb has no window manager, so the test
sends it), through libX11 with ctypes (libx11-6 comes with Chromium and Xvfb)."""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

CLIENT_MESSAGE = 33  # X.h
_c = ctypes


class _ClassHint(_c.Structure):
    _fields_ = (("res_name", _c.c_char_p), ("res_class", _c.c_char_p))


class _ClientMessage(_c.Structure):
    _fields_ = (("type", _c.c_int), ("serial", _c.c_ulong), ("send_event", _c.c_int),
                ("display", _c.c_void_p), ("window", _c.c_ulong),
                ("message_type", _c.c_ulong), ("format", _c.c_int), ("l", _c.c_long * 5))


class _Event(_c.Union):
    _fields_ = (("xclient", _ClientMessage), ("pad", _c.c_long * 24))


def _x11() -> Any:
    lib = _c.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    lib.XOpenDisplay.restype = _c.c_void_p
    lib.XOpenDisplay.argtypes = [_c.c_char_p]
    lib.XDefaultRootWindow.restype = _c.c_ulong
    lib.XDefaultRootWindow.argtypes = [_c.c_void_p]
    lib.XInternAtom.restype = _c.c_ulong
    lib.XInternAtom.argtypes = [_c.c_void_p, _c.c_char_p, _c.c_int]
    lib.XQueryTree.argtypes = [_c.c_void_p, _c.c_ulong, _c.POINTER(_c.c_ulong),
                               _c.POINTER(_c.c_ulong), _c.POINTER(_c.POINTER(_c.c_ulong)),
                               _c.POINTER(_c.c_uint)]
    lib.XGetClassHint.argtypes = [_c.c_void_p, _c.c_ulong, _c.POINTER(_ClassHint)]
    lib.XSendEvent.argtypes = [_c.c_void_p, _c.c_ulong, _c.c_int, _c.c_long,
                               _c.POINTER(_Event)]
    lib.XFlush.argtypes = [_c.c_void_p]
    lib.XCloseDisplay.argtypes = [_c.c_void_p]
    return lib


def close_windows(display: str, wm_class: bytes = b"chromium") -> int:
    """Ask every top-level window of ``wm_class`` on ``display`` to close; how many."""
    lib = _x11()
    connection = lib.XOpenDisplay(display.encode())
    assert connection, f"cannot open display {display}"
    try:
        return _send_delete(lib, connection, wm_class)
    finally:
        lib.XCloseDisplay(connection)


def _send_delete(lib: Any, connection: int, wm_class: bytes) -> int:
    root, parent = _c.c_ulong(), _c.c_ulong()
    children, count = _c.POINTER(_c.c_ulong)(), _c.c_uint()
    lib.XQueryTree(connection, lib.XDefaultRootWindow(connection), _c.byref(root),
                   _c.byref(parent), _c.byref(children), _c.byref(count))
    protocols = lib.XInternAtom(connection, b"WM_PROTOCOLS", 0)
    delete = lib.XInternAtom(connection, b"WM_DELETE_WINDOW", 0)
    sent = 0
    for index in range(count.value):
        hint = _ClassHint()
        if not lib.XGetClassHint(connection, children[index], _c.byref(hint)):
            continue
        if hint.res_class and wm_class in hint.res_class.lower():
            event = _Event()
            event.xclient.type, event.xclient.window = CLIENT_MESSAGE, children[index]
            event.xclient.message_type, event.xclient.format = protocols, 32
            event.xclient.l[0] = delete
            lib.XSendEvent(connection, children[index], 0, 0, _c.byref(event))
            sent += 1
    lib.XFlush(connection)
    return sent
