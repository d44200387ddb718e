"""The canvas: shows the image and its boxes, and turns mouse and keys into editing intents.

The canvas never changes the document. It emits intents (`box_drawn`, `box_edited`, `nudge_requested`, ...) that
the window turns into undo commands; a drag in progress is only a preview drawn over the document's boxes.
Coordinates: "image" = continuous image pixels of the displayed frame (xyxy for boxes); "widget" = this widget's
pixels. ``widget = image * scale + offset``.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.core import box_edit as geo
from annotator.ui.canvas.box_painter import NO_BRUSH, ClassColors, paint_boxes
from annotator.ui.canvas.input import CanvasInputMixin
from annotator.ui.document import DocumentModel

MIN_SCALE, MAX_SCALE = 0.01, 40.0
NO_PEN = QPen(Qt.PenStyle.NoPen)


class OverlayLayer(Protocol):
    """Something drawn over the image and boxes (predictions, grids, masks)."""

    def paint(self, painter: QPainter, image_to_widget: QTransform) -> None: ...


class Canvas(CanvasInputMixin, QWidget):
    """Image + boxes view with drawing, selection, move/resize, zoom and pan."""

    box_drawn = Signal(tuple)
    """A new box was dragged out: xyxy in image pixels."""
    box_edited = Signal(int, tuple, tuple)
    """Box ``index`` was moved or resized from old xyxy to new xyxy (image pixels)."""
    nudge_requested = Signal(int, tuple)
    """Arrow key on the selected box: ``(index, new xyxy)``."""
    selection_changed = Signal(object)
    """The selected box index, or ``None``."""
    edit_label_requested = Signal(int)
    verify_requested = Signal()
    cursor_moved = Signal(float, float)
    """Cursor position in image pixels (may lie outside the image)."""
    drawing_size = Signal(float, float)
    """Width and height in image pixels of the box being drawn."""
    zoom_changed = Signal(float)
    mode_changed = Signal(bool)
    """True while in drawing mode."""

    def __init__(self, parent: QWidget | None = None, colors: ClassColors | None = None) -> None:
        super().__init__(parent)
        self.colors = colors if colors is not None else ClassColors()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.document: DocumentModel | None = None
        self.image: QImage | None = None
        self.preview: QImage | None = None
        self.message = ""
        self.scale = 1.0
        self.offset = QPointF(0, 0)
        self.fit_mode: str | None = "window"
        self.drawing = False
        self.show_boxes = True
        self.show_labels = True
        self.selected: int | None = None
        self._overlays: list[OverlayLayer] = []
        self._cursor = QPointF(-1, -1)
        self._drag: str | None = None  # "draw" | "move" | "resize" | "pan"
        self._press_image = QPointF()
        self._press_widget = QPointF()
        self._drag_box: geo.XYXY | None = None
        self._orig_box: geo.XYXY | None = None
        self._handle = -1
        self._space_held = False
        self._space_panned = False
        self._version = 0
        self._size = (0, 0)
        self._bg: QImage | None = None
        self._bg_key: tuple | None = None
        self._image_layer: QImage | None = None
        self._image_serial = 0  # bumped by every set_image: a new picture, never confused with the last one
        self._image_key: tuple | None = None

    # Public API --------------------------------------------------------------------------------------------
    def set_document(self, document: DocumentModel | None) -> None:
        if self.document is not None:
            self.document.changed.disconnect(self._on_document_changed)
        self.document = document
        self._version += 1
        if document is not None:
            document.changed.connect(self._on_document_changed)
        self._cancel_drag()
        self.set_selected(None)
        self.update()

    def set_image(
        self,
        image: QImage | None,
        preview: QImage | None = None,
        message: str = "",
        *,
        size: tuple[int, int] | None = None,
        keep_view: bool = False,
    ) -> None:
        """Show ``image`` (the full-resolution frame boxes refer to).

        Args:
            image: the full-resolution displayed frame, or ``None`` (no image, or not decoded yet).
            preview: a smaller copy of the same frame, painted when zoomed out, or alone while ``image`` is
                still being decoded.
            message: drawn instead when there is neither (e.g. a decoding error).
            size: the full frame's ``(width, height)`` when ``image`` is ``None`` but ``preview`` is shown.
            keep_view: keep zoom and pan (swapping the full image in for its preview).
        """
        self.image = image if image is not None and not image.isNull() else None
        self.preview = preview if preview is not None and not preview.isNull() else None
        if self.image is not None:
            self._size = (self.image.width(), self.image.height())
        elif self.preview is not None and size is not None:
            self._size = (int(size[0]), int(size[1]))
        else:
            self._size = (0, 0)
            self.preview = None
        self.message = message
        self._version += 1
        self._image_serial += 1
        if keep_view:
            self.update()
            return
        self._cancel_drag()
        if self.fit_mode is None:
            self.fit_mode = "window"
        self._refit()
        self.update()

    def has_image(self) -> bool:
        """True when something is shown (the full image or its preview) and boxes can be edited."""
        return self._size != (0, 0)

    def add_overlay(self, layer: OverlayLayer) -> None:
        """Draw ``layer`` after the image and boxes: ``layer.paint(painter, image_to_widget)``."""
        self._overlays.append(layer)
        self.update()

    def remove_overlay(self, layer: OverlayLayer) -> None:
        if layer in self._overlays:
            self._overlays.remove(layer)
            self.update()

    def image_to_widget(self) -> QTransform:
        return QTransform(self.scale, 0, 0, self.scale, self.offset.x(), self.offset.y())

    def widget_to_image(self, point: QPointF) -> QPointF:
        return QPointF((point.x() - self.offset.x()) / self.scale, (point.y() - self.offset.y()) / self.scale)

    def image_size(self) -> tuple[int, int]:
        """``(width, height)`` of the full-resolution frame (also while only its preview is shown)."""
        return self._size

    def set_selected(self, index: int | None) -> None:
        if index is not None and (self.document is None or not 0 <= index < len(self.document)):
            index = None
        if index != self.selected:
            self.selected = index
            self.selection_changed.emit(index)
            self.update()

    def start_drawing(self) -> None:
        """Enter drawing mode: the next left drag creates a box."""
        if not self.has_image() or self.document is None or self.document.read_only:
            return
        self.drawing = True
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.mode_changed.emit(True)
        self.update()

    def stop_drawing(self) -> None:
        if self.drawing:
            self.drawing = False
            self.unsetCursor()
            self.mode_changed.emit(False)
            self.update()

    # Zoom --------------------------------------------------------------------------------------------------
    def set_zoom(self, scale: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``scale`` (widget pixels per image pixel) keeping the image point under ``anchor`` (widget
        pixels; the widget centre by default) fixed."""
        scale = geo.clamp(scale, MIN_SCALE, MAX_SCALE)
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        fixed = self.widget_to_image(anchor)
        self.scale = scale
        self.offset = QPointF(anchor.x() - fixed.x() * scale, anchor.y() - fixed.y() * scale)
        self.fit_mode = None
        self.zoom_changed.emit(self.scale)
        self.update()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        self.set_zoom(self.scale * factor, anchor)

    def fit_window(self) -> None:
        self.fit_mode = "window"
        self._refit()

    def fit_width(self) -> None:
        self.fit_mode = "width"
        self._refit()

    def zoom_original(self) -> None:
        self.set_zoom(1.0)

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by ``(dx, dy)`` widget pixels."""
        self.offset = QPointF(self.offset.x() + dx, self.offset.y() + dy)
        self.fit_mode = None
        self.update()

    def _refit(self) -> None:
        w, h = self.image_size()
        if not w or not h or self.fit_mode is None:
            return
        margin = 4
        avail_w, avail_h = max(1, self.width() - 2 * margin), max(1, self.height() - 2 * margin)
        scale = avail_w / w if self.fit_mode == "width" else min(avail_w / w, avail_h / h)
        self.scale = geo.clamp(scale, MIN_SCALE, MAX_SCALE)
        top = margin if self.fit_mode == "width" else (self.height() - h * self.scale) / 2
        self.offset = QPointF((self.width() - w * self.scale) / 2, max(margin, top))
        self.zoom_changed.emit(self.scale)
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._refit()

    # Painting ----------------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(48, 48, 48))
        if not self.has_image():
            painter.setPen(QColor(230, 230, 230) if not self.message else QColor(255, 140, 120))
            painter.drawText(
                self.rect().adjusted(20, 20, -20, -20),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.message,
            )
            painter.end()
            return
        transform = self.image_to_widget()
        painter.drawImage(0, 0, self._background(transform))
        doc = self.document
        if doc is not None and self.show_boxes and self.selected is not None and self.selected < len(doc):
            override = None
            if self._drag in ("move", "resize") and self._drag_box is not None:
                override = (self.selected, self._drag_box)
            paint_boxes(
                painter,
                doc.boxes,
                transform,
                selected=self.selected,
                show_labels=self.show_labels,
                override=override,
                only=self.selected,
                colors=self.colors,
            )
        if self._drag == "draw" and self._drag_box is not None:
            # LabelImg's hatched fill and solid outline, drawn twice (dark under light) so the box stays visible
            # on pale petals and on dark leaves alike.
            x0, y0, x1, y1 = self._drag_box
            rect = transform.mapRect(QRectF(QPointF(x0, y0), QPointF(x1, y1)))
            painter.setPen(NO_PEN)
            painter.setBrush(QBrush(QColor(0, 180, 60, 150), Qt.BrushStyle.BDiagPattern))
            painter.drawRect(rect)
            painter.setBrush(NO_BRUSH)
            painter.setPen(QPen(QColor(0, 0, 0, 200), 3.0))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor(0, 255, 90), 1.5))
            painter.drawRect(rect)
        if self.drawing and self.rect().contains(self._cursor.toPoint()):
            painter.setPen(QPen(QColor(255, 255, 255, 160), 1.0))
            painter.drawLine(QPointF(0, self._cursor.y()), QPointF(self.width(), self._cursor.y()))
            painter.drawLine(QPointF(self._cursor.x(), 0), QPointF(self._cursor.x(), self.height()))
        for layer in self._overlays:
            painter.save()
            layer.paint(painter, transform)
            painter.restore()
        if doc is not None and doc.annotation.verified:
            painter.setPen(QPen(QColor(40, 200, 80), 6.0))
            painter.setBrush(NO_BRUSH)
            painter.drawRect(QRectF(3, 3, self.width() - 6, self.height() - 6))
        painter.end()

    def _background(self, transform: QTransform) -> QImage:
        """The image plus every unselected box at the current view, rendered once and reused until the view,
        the document, the selection or a display flag changes (so a drag repaints one box, not 1,000).

        Two cached layers: the scaled image (kept while the view stays, so an edit or a selection change
        copies it instead of scaling the photo again) and the boxes drawn over a copy of it."""
        ratio = self.devicePixelRatioF()
        view = (
            self._image_serial,
            self.scale,
            self.offset.x(),
            self.offset.y(),
            self.width(),
            self.height(),
            ratio,
        )
        if view != self._image_key or self._image_layer is None:
            layer = QImage(int(self.width() * ratio), int(self.height() * ratio), QImage.Format.Format_RGB32)
            layer.setDevicePixelRatio(ratio)
            layer.fill(QColor(48, 48, 48))
            painter = QPainter(layer)
            self._paint_image(painter, transform)
            painter.end()
            self._image_layer, self._image_key = layer, view
        if self.document is None or not self.show_boxes:
            return self._image_layer
        key = (view, id(self.document), self._version, self.selected, self.show_labels)
        if key != self._bg_key or self._bg is None:
            bg = self._image_layer.copy()
            painter = QPainter(bg)
            paint_boxes(
                painter,
                self.document.boxes,
                transform,
                show_labels=self.show_labels,
                skip=self.selected,
                colors=self.colors,
            )
            painter.end()
            self._bg, self._bg_key = bg, key
        return self._bg

    def _paint_image(self, painter: QPainter, transform: QTransform) -> None:
        width, height = self._size
        target = transform.mapRect(QRectF(0, 0, width, height))
        visible = target.intersected(QRectF(self.rect()))
        if visible.isEmpty():
            return
        source = self.image
        if source is None or (self.preview is not None and target.width() <= self.preview.width()):
            source = self.preview
        if source is None:
            return
        rx, ry = source.width() / width, source.height() / height
        src = QRectF(
            (visible.left() - target.left()) / self.scale * rx,
            (visible.top() - target.top()) / self.scale * ry,
            visible.width() / self.scale * rx,
            visible.height() / self.scale * ry,
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.scale / rx < 1.0)
        painter.drawImage(visible, source, src)

    def _on_document_changed(self) -> None:
        self._version += 1
        if self.selected is not None and (self.document is None or self.selected >= len(self.document)):
            self.set_selected(None)
        self.update()

    def _cancel_drag(self) -> None:
        if self._drag is not None:
            self._drag, self._drag_box, self._orig_box = None, None, None
            self.update()
