"""Drawing boxes with a QPainter: shared by the canvas and anything that renders the same picture.

Boxes come in continuous image pixels (xyxy); ``image_to_widget`` maps them to the paint device. Pens are
cosmetic (constant width on screen at any zoom).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QTransform

from annotator.core.annotation import BoxObject

HANDLE_SIZE = 8.0
"""Side of a resize handle in widget pixels."""

# One brush object reused: PySide6 6.12 mishandles reference counts when an enum is converted to a QBrush
# thousands of times per paint (a crash seen with 1,000 boxes).
NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)
_DASH = Qt.PenStyle.DashLine
_DISTINCT_HUES = (0, 120, 220, 45, 285, 170, 330, 90, 195, 20, 255, 140)


def hashed_color(name: str) -> QColor:
    """A colour hashed from a class name: the same in every session and on every machine."""
    digest = hashlib.md5(name.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    return QColor.fromHsv(hue, 200, 255)


class ClassColors:
    """The colour of each class name, owned by the window and handed to everything that draws boxes.

    Args:
        classes: the known classes in their file order: the first dozen get clearly different hues, so the
            same class file gives the same colours in every session.
        overrides: the user's chosen colours (``{"roses": "#ff0000"}``); invalid values are ignored.
    Other names get `hashed_color`.
    """

    def __init__(self, classes: Sequence[str] = (), overrides: dict[str, str] | None = None) -> None:
        self._palette: dict[str, QColor] = {}
        self._overrides: dict[str, QColor] = {}
        self.set_classes(classes)
        self.set_overrides(overrides or {})

    def set_classes(self, classes: Sequence[str]) -> None:
        self._palette = {
            name: QColor.fromHsv(hue, 210, 250)
            for name, hue in zip(dict.fromkeys(classes), _DISTINCT_HUES, strict=False)
        }

    def set_overrides(self, colors: dict[str, str]) -> None:
        self._overrides = {name: QColor(value) for name, value in colors.items() if QColor(value).isValid()}

    def color(self, name: str) -> QColor:
        """The user's choice, else the palette of the known classes, else the hashed colour (a copy)."""
        if name in self._overrides:
            return QColor(self._overrides[name])
        if name in self._palette:
            return QColor(self._palette[name])
        return hashed_color(name)


_LABEL_CACHE_SIZE = 512
_label_images: dict[tuple, QImage] = {}


def label_image(text: str, color: QColor, font: QFont, ratio: float = 1.0) -> QImage:
    """The label tag of a box (``text`` on a ``color`` background, black or white text by lightness), rendered
    once per text, colour, font and pixel ratio and reused: stamping 1,000 cached tags costs about a third of
    filling and laying out 1,000 texts, which keeps a full redraw of 1,000 labelled boxes under a frame."""
    key = (text, color.rgba(), font.key(), ratio)
    image = _label_images.get(key)
    if image is not None:
        return image
    metrics = QFontMetrics(font)
    width, height = metrics.horizontalAdvance(text) + 6, metrics.height() + 2
    image = QImage(
        max(1, round(width * ratio)), max(1, round(height * ratio)), QImage.Format.Format_ARGB32_Premultiplied
    )
    image.setDevicePixelRatio(ratio)
    image.fill(color)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor(0, 0, 0) if color.lightness() > 130 else QColor(255, 255, 255))
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    if len(_label_images) >= _LABEL_CACHE_SIZE:
        _label_images.clear()
    _label_images[key] = image
    return image


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
    skip: int | None = None,
    only: int | None = None,
    colors: ClassColors | None = None,
) -> None:
    """Draw ``boxes`` (continuous image pixels, xyxy) with their labels.

    Outlines are batched per class (one ``drawRects`` call each), so 1,000 boxes cost a few draw calls plus
    their labels.

    Args:
        painter: an active painter on the target device (widget coordinates).
        boxes: the boxes to draw.
        image_to_widget: maps image pixels to the painter's coordinates (scale + translation only).
        selected: index of the selected box: filled lightly and drawn with its eight handles.
        show_labels: draw each box's class name above it.
        override: ``(index, xyxy)`` to draw box ``index`` at a different place (a drag in progress).
        skip: index of a box not to draw (the canvas draws the selected box on top of a cached layer).
        only: draw just this index.
        colors: the class colours (default: hashed from the names).
    """
    class_colors = colors if colors is not None else ClassColors()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    font = QFont(painter.font())
    font.setPointSizeF(9.0)
    painter.setFont(font)
    metrics = QFontMetrics(font)
    indices = [only] if only is not None else range(len(boxes))
    groups: dict[tuple[str, bool], list[QRectF]] = {}
    labels: list[tuple[QRectF, BoxObject]] = []
    selected_rect: QRectF | None = None
    # The transform is a scale plus a translation: mapping by hand saves a Qt call per box.
    sx, sy, dx, dy = image_to_widget.m11(), image_to_widget.m22(), image_to_widget.dx(), image_to_widget.dy()
    for i in indices:
        if i == skip:
            continue
        box = boxes[i]
        x0, y0, x1, y1 = override[1] if override is not None and override[0] == i else box.xyxy()
        left, top = x0 * sx + dx, y0 * sy + dy
        rect = QRectF(left, top, x1 * sx + dx - left, y1 * sy + dy - top)
        groups.setdefault((box.name, box.difficult), []).append(rect)
        if show_labels:
            labels.append((rect, box))
        if i == selected:
            selected_rect = rect
    by_name: dict[str, QColor] = {}
    for (name, difficult), rects in groups.items():
        color = by_name.setdefault(name, class_colors.color(name))
        pen = QPen(color, 2.0)
        pen.setCosmetic(True)
        if difficult:
            pen.setStyle(_DASH)
        painter.setPen(pen)
        painter.setBrush(NO_BRUSH)
        painter.drawRects(rects)
    if selected_rect is not None:
        fill = QColor(by_name.get(boxes[selected].name, class_colors.color(boxes[selected].name)))
        fill.setAlpha(60)
        painter.fillRect(selected_rect, fill)
    if labels:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        height = metrics.height() + 2
        tags: dict[tuple[str, bool], QImage] = {}
        for rect, box in labels:
            tag = tags.get((box.name, box.difficult))
            if tag is None:
                text = box.name + (" *" if box.difficult else "")
                tag = tags[(box.name, box.difficult)] = label_image(text, by_name[box.name], font, ratio)
            top = rect.top() - height if rect.top() - height >= 0 else rect.top()
            painter.drawImage(QPointF(rect.left(), top), tag)
    if selected_rect is not None:
        painter.setPen(QPen(QColor(0, 0, 0), 1.0))
        painter.setBrush(QBrush(QColor(255, 255, 255)))
        half = HANDLE_SIZE / 2
        for p in handle_points(selected_rect):
            painter.drawRect(QRectF(p.x() - half, p.y() - half, HANDLE_SIZE, HANDLE_SIZE))
    painter.restore()
