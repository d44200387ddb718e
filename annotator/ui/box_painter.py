"""Drawing boxes with a QPainter: shared by the canvas and anything that renders the same picture.

Boxes come in continuous image pixels (xyxy); ``image_to_widget`` maps them to the paint device. Pens are
cosmetic (constant width on screen at any zoom).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QTransform

from annotator.core.annotation import BoxObject

HANDLE_SIZE = 8.0
"""Side of a resize handle in widget pixels."""

_color_overrides: dict[str, QColor] = {}


def class_color(name: str) -> QColor:
    """A stable colour for a class name: the same name gets the same colour in every session and machine."""
    if name in _color_overrides:
        return QColor(_color_overrides[name])
    digest = hashlib.md5(name.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    return QColor.fromHsv(hue, 200, 255)


def set_color_overrides(colors: dict[str, str]) -> None:
    """Use the user's chosen colours (``{"roses": "#ff0000"}``) instead of the hashed ones."""
    _color_overrides.clear()
    for name, value in colors.items():
        color = QColor(value)
        if color.isValid():
            _color_overrides[name] = color


def handle_points(rect: QRectF) -> list[QPointF]:
    """The eight resize-handle centres of ``rect`` (any space), in the order the canvas names them:
    top-left, top, top-right, right, bottom-right, bottom, bottom-left, left."""
    left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
    cx, cy = rect.center().x(), rect.center().y()
    return [
        QPointF(left, top),
        QPointF(cx, top),
        QPointF(right, top),
        QPointF(right, cy),
        QPointF(right, bottom),
        QPointF(cx, bottom),
        QPointF(left, bottom),
        QPointF(left, cy),
    ]


def paint_boxes(
    painter: QPainter,
    boxes: Sequence[BoxObject],
    image_to_widget: QTransform,
    *,
    selected: int | None = None,
    show_labels: bool = True,
    override: tuple[int, tuple[float, float, float, float]] | None = None,
) -> None:
    """Draw ``boxes`` (continuous image pixels, xyxy) with their labels.

    Args:
        painter: an active painter on the target device (widget coordinates).
        boxes: the boxes to draw.
        image_to_widget: maps image pixels to the painter's coordinates (scale + translation only).
        selected: index of the selected box: filled lightly and drawn with its eight handles.
        show_labels: draw each box's class name above it.
        override: ``(index, xyxy)`` to draw box ``index`` at a different place (a drag in progress).
    """
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    font = QFont(painter.font())
    font.setPointSizeF(9.0)
    painter.setFont(font)
    metrics = QFontMetrics(font)
    pens: dict[str, tuple[QPen, QColor]] = {}
    for i, box in enumerate(boxes):
        xyxy = override[1] if override is not None and override[0] == i else box.xyxy()
        rect = image_to_widget.mapRect(QRectF(QPointF(xyxy[0], xyxy[1]), QPointF(xyxy[2], xyxy[3])))
        if box.name not in pens:
            color = class_color(box.name)
            pen = QPen(color, 2.0)
            pen.setCosmetic(True)
            pens[box.name] = (pen, color)
        pen, color = pens[box.name]
        if box.difficult:
            pen = QPen(pen)
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        if i == selected:
            fill = QColor(color)
            fill.setAlpha(60)
            painter.setBrush(QBrush(fill))
        else:
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        if show_labels:
            text = box.name + (" *" if box.difficult else "")
            width = metrics.horizontalAdvance(text) + 6
            height = metrics.height() + 2
            top = rect.top() - height if rect.top() - height >= 0 else rect.top()
            label_rect = QRectF(rect.left(), top, width, height)
            painter.fillRect(label_rect, color)
            painter.setPen(QColor(0, 0, 0) if color.lightness() > 130 else QColor(255, 255, 255))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, text)
        if i == selected:
            painter.setPen(QPen(QColor(0, 0, 0), 1.0))
            painter.setBrush(QBrush(QColor(255, 255, 255)))
            half = HANDLE_SIZE / 2
            for p in handle_points(rect):
                painter.drawRect(QRectF(p.x() - half, p.y() - half, HANDLE_SIZE, HANDLE_SIZE))
    painter.restore()
