"""The mouse wheel scrolls a panel instead of changing the field the pointer passes over.

In a scrolling side panel Qt gives a wheel turn to the combo box, spin box or slider under the pointer, so
scrolling the Training panel changed Width, Epochs or a threshold on the way down. `guard_wheel` makes those fields
take the wheel only while they have keyboard focus (a click or Tab gives it; the wheel no longer does). Otherwise
the turn goes to the nearest scroll area around the field, which scrolls (or, at its end, does nothing); a field
in no scroll area lets the turn pass to its parents unaccepted. Scroll bars and lists keep the wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QSlider, QWidget

GUARDED_FIELDS = (QComboBox, QAbstractSpinBox, QSlider)
"""The kinds of field a wheel turn changes in Qt (a QScrollBar is a slider too, but not a `QSlider`)."""


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        assert isinstance(event, QWheelEvent)
        area = _scroll_area_around(watched)
        if area is None:
            # Unaccepted and filtered: the field never sees it, and QApplication passes it to the parents.
            event.ignore()
            return True
        # Handed to the scroll area itself: Qt passes a turn on to the parents only when it came from the
        # window system, and this way a turn sent by a program (a test, an accessibility tool) scrolls too.
        viewport = area.viewport()
        position = viewport.mapFromGlobal(event.globalPosition())
        forwarded = QWheelEvent(
            position,
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
            event.source(),
            event.pointingDevice(),
        )
        QApplication.sendEvent(viewport, forwarded)
        event.accept()
        return True


def guard_wheel(root: QWidget) -> None:
    """Guard every combo box, spin box and slider inside ``root`` (``root`` too); calling it again on the same
    widgets changes nothing, so call it after a panel gained fields."""
    guard = root.findChild(_WheelGuard, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if guard is None:
        guard = _WheelGuard(root)
    fields = [w for w in (root, *root.findChildren(QWidget)) if isinstance(w, GUARDED_FIELDS)]
    for field in fields:
        if field.focusPolicy() == Qt.FocusPolicy.WheelFocus:  # a wheel turn must not give it focus either
            field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        field.installEventFilter(guard)  # installing twice keeps one filter
