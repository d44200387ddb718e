"""A guard against a fatal PySide6 bug: calls that drop references to ``None``, ``True`` or ``False``.

With PySide6 6.12.0 on Python 3.11, every call of a C++ method returning ``void`` (``QPainter.setPen``,
``drawRect``, ``QPointF.setX`` ...) decrements ``None``'s reference count without having incremented it, and
every ``signal.emit(...)`` from Python does the same to ``True``. On Python >= 3.12 these objects are immortal
and nothing happens; on 3.11 the counts (a few thousand at start) reach zero after a few thousand calls (seconds
of painting 1,000 boxes, or a long session) and the interpreter aborts with "none_dealloc: deallocating None" or
"bool_dealloc: deallocating True or False".

`install` measures whether the running binding has the bug and, only then, adds a very large cushion to the
three counts (2**40 references each: at a million lost references a second, 12 days of use). Extra references
to these objects are harmless: they are never freed. Remove when the project pins a fixed PySide6 (6.11.3 is
not affected) or Python >= 3.12.
"""

from __future__ import annotations

import ctypes
import sys

CUSHION = 1 << 40
_installed = False


def binding_drops_references() -> bool:
    """Whether void calls or signal emits lose references to ``None``/``True``/``False`` in this process."""
    from PySide6.QtCore import QObject, QPointF, Signal

    class _Probe(QObject):
        fired = Signal(bool)

    probe = _Probe()
    point = QPointF()
    before = [sys.getrefcount(x) for x in (None, True, False)]
    for _ in range(64):
        point.setX(1.0)
        probe.fired.emit(False)
    after = [sys.getrefcount(x) for x in (None, True, False)]
    return any(a < b - 32 for a, b in zip(after, before, strict=True))


def install() -> bool:
    """Add the cushions once when needed; returns True when they were added (now or before)."""
    global _installed
    if _installed:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not binding_drops_references():
        return False
    # ob_refcnt is the first field of every CPython object (a Py_ssize_t at the object's address).
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += CUSHION
    _installed = True
    return True
