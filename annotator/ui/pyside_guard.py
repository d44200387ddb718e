"""A guard against a fatal PySide6 bug: void C++ methods that drop a reference to ``None``.

With PySide6 6.12.0 on Python 3.11, every call of a method returning ``void`` (``QPainter.setPen``,
``drawRect``, ``QPointF.setX`` ...) decrements ``None``'s reference count without having incremented it. On
Python >= 3.12 ``None`` is immortal and nothing happens; on 3.11 the count (about 5,000 at start) reaches zero
after a few thousand calls, a few seconds of painting 1,000 boxes, and the interpreter aborts with
"none_dealloc: deallocating None".

`install` measures whether the running binding has the bug and, only then, adds a very large cushion to
``None``'s count (2**40 references: at a million lost references a second, 12 days of painting). Extra
references to ``None`` are harmless: it is never freed. Remove when the project pins a fixed PySide6.
"""

from __future__ import annotations

import ctypes
import sys

CUSHION = 1 << 40
_installed = False


def binding_drops_none() -> bool:
    """Whether a void PySide6 call loses a reference to ``None`` in this process."""
    from PySide6.QtCore import QPointF

    point = QPointF()
    before = sys.getrefcount(None)
    for _ in range(64):
        point.setX(1.0)
    return sys.getrefcount(None) < before - 32


def install() -> bool:
    """Add the cushion once when needed; returns True when it was added (now or before)."""
    global _installed
    if _installed:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not binding_drops_none():
        return False
    # ob_refcnt is the first field of every CPython object (Py_ssize_t at the object's address).
    ctypes.c_ssize_t.from_address(id(None)).value += CUSHION
    _installed = True
    return True
