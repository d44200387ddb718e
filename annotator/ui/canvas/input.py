"""Mouse, wheel and key handling of the `Canvas` (a mixin): gestures become intents, never document edits.

Coordinates as in `annotator.ui.canvas.widget`: "image" = continuous image pixels (xyxy for boxes), "widget" = widget
pixels. A drag in progress lives in ``_drag_box`` (image pixels) until release emits the intent.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QCursor, QKeyEvent, QMouseEvent, QWheelEvent

from annotator.core import box_edit as geo
from annotator.ui.canvas.box_painter import HANDLE_SIZE, handle_points


class CanvasInputMixin:
    """Input handlers for `annotator.ui.canvas.widget.Canvas` (relies on its state and signals)."""

    # Mouse -------------------------------------------------------------------------------------------------
    def _editable(self) -> bool:
        return self.has_image() and self.document is not None and not self.document.read_only

    def _box_list(self) -> list[geo.XYXY]:
        return (
            [b.xyxy() for b in self.document.boxes] if self.document is not None and self.show_boxes else []
        )

    def _handle_at(self, pos: QPointF) -> int:
        if self.selected is None or self.document is None:
            return -1
        x0, y0, x1, y1 = self.document.box(self.selected).xyxy()
        rect = self.image_to_widget().mapRect(QRectF(QPointF(x0, y0), QPointF(x1, y1)))
        reach = HANDLE_SIZE
        for i, p in enumerate(handle_points(rect)):
            if abs(p.x() - pos.x()) <= reach and abs(p.y() - pos.y()) <= reach:
                return i
        return -1

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        self.setFocus()
        self._press_widget = pos
        self._press_image = self.widget_to_image(pos)
        if event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space_held
        ):
            self._drag = "pan"
            self._space_panned = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if event.button() != Qt.MouseButton.LeftButton or not self._editable():
            return
        if self.drawing:
            self._drag = "draw"
            self._drag_box = None
            return
        handle = self._handle_at(pos)
        if handle >= 0:
            self._drag, self._handle = "resize", handle
            self._orig_box = self._drag_box = self.document.box(self.selected).xyxy()
            return
        index = geo.box_at(self._box_list(), self._press_image.x(), self._press_image.y())
        self.set_selected(index)
        if index is not None:
            self._drag = "move"
            self._orig_box = self._drag_box = self.document.box(index).xyxy()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        self._cursor = pos
        p = self.widget_to_image(pos)
        self.cursor_moved.emit(p.x(), p.y())
        w, h = self.image_size()
        if self._drag == "pan":
            self.pan(pos.x() - self._press_widget.x(), pos.y() - self._press_widget.y())
            self._press_widget = pos
            return
        if self._drag == "draw":
            square = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            start = self._press_image
            self._drag_box = geo.rect_from_drag(start.x(), start.y(), p.x(), p.y(), w, h, square=square)
            if self._drag_box is not None:
                self.drawing_size.emit(
                    self._drag_box[2] - self._drag_box[0], self._drag_box[3] - self._drag_box[1]
                )
        elif self._drag == "move" and self._orig_box is not None:
            dx, dy = round(p.x() - self._press_image.x()), round(p.y() - self._press_image.y())
            self._drag_box = geo.moved(self._orig_box, dx, dy, w, h)
        elif self._drag == "resize" and self._orig_box is not None:
            self._drag_box = geo.resized(self._orig_box, self._handle, p.x(), p.y(), w, h)
        elif not self.drawing and self._drag is None:
            self._update_hover_cursor(pos)
        self.update()

    def _update_hover_cursor(self, pos: QPointF) -> None:
        handle = self._handle_at(pos)
        if handle >= 0:
            shapes = (
                Qt.CursorShape.SizeFDiagCursor,
                Qt.CursorShape.SizeVerCursor,
                Qt.CursorShape.SizeBDiagCursor,
                Qt.CursorShape.SizeHorCursor,
            )
            self.setCursor(QCursor(shapes[handle % 4]))
        elif not self._space_held:
            self.unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        drag, box, orig = self._drag, self._drag_box, self._orig_box
        if drag == "draw":  # the release point and modifiers decide the final box
            p = self.widget_to_image(event.position())
            w, h = self.image_size()
            square = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            start = self._press_image
            box = geo.rect_from_drag(start.x(), start.y(), p.x(), p.y(), w, h, square=square)
        self._drag, self._drag_box, self._orig_box = None, None, None
        if drag == "pan":
            self.setCursor(Qt.CursorShape.OpenHandCursor if self._space_held else Qt.CursorShape.ArrowCursor)
        elif drag == "draw":
            self.stop_drawing()
            if box is not None:
                self.box_drawn.emit(tuple(box))
        elif drag in ("move", "resize") and box is not None and orig is not None and box != orig:
            if self.selected is not None:
                self.box_edited.emit(self.selected, tuple(orig), tuple(box))
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self.drawing or not self._editable():
            return
        p = self.widget_to_image(event.position())
        index = geo.box_at(self._box_list(), p.x(), p.y())
        if index is not None:
            self.set_selected(index)
            self.edit_label_requested.emit(index)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = delta.y() / 120.0
            if steps:
                self.zoom_by(1.15**steps, event.position())
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.pan(delta.y() / 2.0, 0)
        else:
            self.pan(delta.x() / 2.0, delta.y() / 2.0)
        event.accept()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._cursor = QPointF(-1, -1)
        self.update()

    # Keys --------------------------------------------------------------------------------------------------
    _OWN_KEYS = (
        Qt.Key.Key_Space,
        Qt.Key.Key_Escape,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
    )

    def event(self, event: QEvent) -> bool:
        # Space is both "verify" (a tap) and "pan" (held while dragging): take it from the shortcut system while
        # the canvas has focus and decide on release. Arrows nudge the selected box; Esc cancels a drag.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Space and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                event.accept()
                return True
            if key == Qt.Key.Key_Escape and (self.drawing or self._drag):
                event.accept()
                return True
            if key in self._OWN_KEYS[2:] and self.selected is not None:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space_held = True
                self._space_panned = False
                self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if key == Qt.Key.Key_Escape:
            self._cancel_drag()
            self.stop_drawing()
            return
        steps = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if key in steps and self.selected is not None and self._editable() and self._drag is None:
            step = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            dx, dy = steps[key]
            w, h = self.image_size()
            new = geo.moved(self.document.box(self.selected).xyxy(), dx * step, dy * step, w, h)
            if new != self.document.box(self.selected).xyxy():
                self.nudge_requested.emit(self.selected, new)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            if self._drag != "pan":
                self.unsetCursor() if not self.drawing else self.setCursor(Qt.CursorShape.CrossCursor)
            if not self._space_panned:
                self.verify_requested.emit()
            return
        super().keyReleaseEvent(event)
