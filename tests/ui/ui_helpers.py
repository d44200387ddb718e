"""Helpers for driving the window with real events: image->widget points and modal dialogs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def widget_point(canvas, x: float, y: float) -> QPoint:
    """The widget pixel showing image point (x, y)."""
    return canvas.image_to_widget().map(QPointF(x, y)).toPoint()


def drag(
    qtbot,
    canvas,
    start: tuple[float, float],
    end: tuple[float, float],
    modifier=Qt.KeyboardModifier.NoModifier,
    steps: int = 4,
) -> None:
    """Left-drag on the canvas from image point ``start`` to ``end`` through a few moves."""
    p0, p1 = widget_point(canvas, *start), widget_point(canvas, *end)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, modifier, p0)
    for i in range(1, steps + 1):
        p = p0 + (p1 - p0) * (i / steps)
        qtbot.mouseMove(canvas, p)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, modifier, p1)


def when_modal(action: Callable[[QWidget], None], delay_ms: int = 0) -> list[QWidget]:
    """Run ``action(dialog)`` on the next modal dialog that opens (polling until it appears).
    Returns a list that will hold the dialog seen, for assertions."""
    seen: list[QWidget] = []

    def poll(tries: int = 200) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if tries:
                QTimer.singleShot(10, lambda: poll(tries - 1))
            return
        seen.append(dialog)
        action(dialog)

    QTimer.singleShot(delay_ms, poll)
    return seen


def type_label(qtbot, text: str, difficult: bool = False) -> list[QWidget]:
    """Answer the next label dialog by typing ``text`` and pressing Enter."""

    def answer(dialog: QWidget) -> None:
        edit = dialog.findChild(QWidget, "label_edit")
        edit.selectAll()
        qtbot.keyClicks(edit, text)
        if difficult:
            dialog.findChild(QWidget, "difficult_check").setChecked(True)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    return when_modal(answer)


def press_escape(qtbot) -> list[QWidget]:
    return when_modal(lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))


def click_button(text: str) -> list[QWidget]:
    """Click the button whose text contains ``text`` in the next modal dialog (message boxes)."""
    from PySide6.QtWidgets import QAbstractButton

    def answer(dialog: QWidget) -> None:
        for button in dialog.findChildren(QAbstractButton):
            if text.lower() in button.text().replace("&", "").lower():
                button.click()
                return
        raise AssertionError(f"no button {text!r} in {dialog}")

    return when_modal(answer)


def settle(qtbot, window) -> None:
    """Wait until ``window`` is active again (after a modal dialog closed), so its shortcuts work."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()
    qtbot.waitUntil(
        lambda: QApplication.activeWindow() is window and QApplication.activeModalWidget() is None
    )


def canvas_pixels(window) -> np.ndarray:
    """The canvas as drawn now: (H, W, 3) uint8 RGB."""
    image = (
        window.canvas.grab().toImage().convertToFormat(window.canvas.grab().toImage().Format.Format_RGB888)
    )
    return (
        np.frombuffer(image.constBits(), np.uint8)
        .reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
        .copy()
    )
