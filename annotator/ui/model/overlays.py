"""All drawing of model overlays: predictions, IoU, YOLO grid, segmentation mask, "why this class" heat map. Shared by the canvas and
``flower-annotator render``, so a render is exactly what the window shows.

Every painter function takes an active ``QPainter`` on the target (widget or QImage) and ``image_to_widget``, the
transform from continuous image pixels (xyxy boxes, displayed frame) to the painter's coordinates. Pens are
cosmetic and text is drawn in widget coordinates, so lines and labels keep their size at any zoom.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QTransform

from annotator.core.masks import VOC_PALETTE
from annotator.core.overlay_scene import OVERLAY_NAMES, OverlayScene
from annotator.core.prediction import Prediction
from annotator.ui.canvas.box_painter import ClassColors, paint_boxes
from annotator.ui.translations import tr as _tr  # at paint time: overlays follow a language switch

MISS_COLOR = QColor(255, 40, 40)
FALSE_ALARM_COLOR = QColor(255, 150, 0)
MATCH_COLOR = QColor(40, 230, 90)
GRID_COLOR = QColor(255, 255, 255, 110)
CELL_COLOR = QColor(255, 230, 0, 70)
ANCHOR_COLOR = QColor(0, 220, 255)
CAM_OPACITY = 0.6
"""Opacity of the hottest part of the "why this class" heat map; colder parts fade out to the bare photo."""


def array_to_qimage(array: np.ndarray) -> QImage:
    """A QImage that owns a copy of an (H, W, 3) RGB or (H, W, 4) RGBA uint8 array."""
    pixels = np.ascontiguousarray(array, dtype=np.uint8)
    h, w, channels = pixels.shape
    fmt = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    return QImage(pixels.data, w, h, channels * w, fmt).copy()


def _pen(color: QColor, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)
    pen.setStyle(style)
    return pen


def _font(painter: QPainter, size: float = 9.0, bold: bool = False) -> QFontMetrics:
    font = QFont(painter.font())
    font.setPointSizeF(size)
    font.setBold(bold)
    painter.setFont(font)
    return QFontMetrics(font)


def _label(painter: QPainter, anchor: QPointF, text: str, bg: QColor, *, below: bool = False) -> None:
    """A filled text tag whose bottom-left (or top-left when ``below``) is at ``anchor`` (widget coords)."""
    metrics = QFontMetrics(painter.font())
    w = metrics.horizontalAdvance(text) + 6
    h = metrics.height() + 2
    top = anchor.y() if below else anchor.y() - h
    if top < 0:
        top = anchor.y()
    rect = QRectF(anchor.x(), top, w, h)
    painter.fillRect(rect, bg)
    painter.setPen(QColor(0, 0, 0) if bg.lightness() > 110 else QColor(255, 255, 255))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _rect(t: QTransform, box: np.ndarray | tuple[float, ...]) -> QRectF:
    x0, y0, x1, y1 = (float(v) for v in box)
    return t.mapRect(QRectF(QPointF(x0, y0), QPointF(x1, y1)))


def _banner(painter: QPainter, t: QTransform, lines: list[str], *, bottom_of: float | None = None) -> None:
    """Text lines in a dark box at the image's top-left corner, or its bottom-left corner when ``bottom_of`` gives
    the image height (image pixels); kept inside the paint device."""
    if not lines:
        return
    metrics = _font(painter, 9.5, bold=True)
    w = max(metrics.horizontalAdvance(s) for s in lines) + 10
    h = metrics.height() * len(lines) + 6
    origin = t.map(QPointF(0, 0))
    x = max(origin.x(), 0.0) + 4
    if bottom_of is not None:
        image_bottom = t.map(QPointF(0, bottom_of)).y()
        device_h = painter.device().height() if painter.device() is not None else image_bottom
        y = min(image_bottom, device_h) - h - 4
    else:
        y = max(origin.y(), 0.0) + 4
    painter.fillRect(QRectF(x, y, w, h), QColor(0, 0, 0, 170))
    painter.setPen(QColor(255, 255, 255))
    for i, line in enumerate(lines):
        painter.drawText(QPointF(x + 5, y + 3 + metrics.ascent() + i * metrics.height()), line)


def paint_predictions(painter: QPainter, scene: OverlayScene, t: QTransform, style: OverlayStyle) -> None:
    """Dashed boxes of the predictions not yet accepted or rejected, with ``class score`` tags; the selected
    ones (``scene.selected``) solid, thicker and tinted, drawn last so they are on top."""
    det = scene.detections()
    painter.save()
    pending = scene.pending()
    chosen = [i for i in pending if scene.prediction_key(det, i) in scene.selected]
    for i in [i for i in pending if i not in chosen] + chosen:
        box, score, cls = det.boxes[i], det.scores[i], det.classes[i]
        name = scene.class_name(int(cls))
        color = style.colors.color(name)
        rect = _rect(t, box)
        if i in chosen:
            fill = QColor(color)
            fill.setAlpha(60)
            painter.fillRect(rect, fill)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(_pen(QColor(255, 255, 255), 5.0))
            painter.drawRect(rect)
            painter.setPen(_pen(color, 3.0))
            painter.drawRect(rect)
            _font(painter, 9.0, bold=True)
        else:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(_pen(QColor(0, 0, 0, 160), 3.0, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
            painter.setPen(_pen(color, 2.0, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
            _font(painter, 8.5)
        _label(painter, rect.bottomLeft(), f"{name} {score:.2f}", color, below=True)
    painter.restore()


def paint_iou(painter: QPainter, scene: OverlayScene, t: QTransform, style: OverlayStyle) -> None:
    """IoU of each ground-truth box with its matched prediction, misses and false alarms, the image's mean IoU."""
    summary = scene.iou_summary()
    gt = scene.gt_boxes()
    det = scene.detections()
    painter.save()
    _font(painter, 8.5, bold=True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    best = {g: (d, v) for g, d, v in summary.pairs}
    for g, box in enumerate(gt):
        rect = _rect(t, box)
        missed = g in summary.misses
        color = MISS_COLOR if missed else MATCH_COLOR
        painter.setPen(_pen(color, 3.0 if missed else 2.0))
        painter.drawRect(rect)
        if g in best:
            d, v = best[g]
            painter.setPen(_pen(color, 1.0, Qt.PenStyle.DotLine))
            painter.drawLine(rect.center(), _rect(t, det.boxes[d]).center())
            text = f"IoU {v:.2f}" + (" " + _tr("miss") if missed else "")
        else:
            text = _tr("miss")
        _label(
            painter, rect.bottomRight() + QPointF(-_text_width(painter, text) - 6, 0), text, color, below=True
        )
    for d in summary.false_alarms:
        rect = _rect(t, det.boxes[d])
        painter.setPen(_pen(FALSE_ALARM_COLOR, 2.0, Qt.PenStyle.DashDotLine))
        painter.drawRect(rect)
        _label(
            painter,
            rect.bottomLeft(),
            _tr("false alarm {0:.2f}").format(det.scores[d]),
            FALSE_ALARM_COLOR,
            below=True,
        )
    lines = []
    if not math.isnan(summary.mean_iou):
        lines.append(_tr("mean IoU {0:.3f}  ({1} boxes)").format(summary.mean_iou, len(gt)))
    lines.append(_tr("misses {0}   false alarms {1}").format(len(summary.misses), len(summary.false_alarms)))
    painter.restore()
    painter.save()
    _banner(painter, t, lines)
    painter.restore()


def _text_width(painter: QPainter, text: str) -> float:
    return float(QFontMetrics(painter.font()).horizontalAdvance(text))


def _heat_image(values: np.ndarray) -> QImage:
    """(rows, cols) values in 0..1 as a semi-transparent blue->red RGBA image, one pixel per cell."""
    v = np.clip(np.nan_to_num(values.astype(np.float32)), 0.0, 1.0)
    rgba = np.zeros(v.shape + (4,), np.uint8)
    rgba[..., 0] = (255 * v).astype(np.uint8)
    rgba[..., 1] = (80 * (1 - np.abs(v - 0.5) * 2)).astype(np.uint8)
    rgba[..., 2] = (255 * (1 - v)).astype(np.uint8)
    rgba[..., 3] = (40 + 140 * v).astype(np.uint8)
    return array_to_qimage(rgba)


def paint_grid(painter: QPainter, scene: OverlayScene, t: QTransform, style: OverlayStyle) -> None:
    """Objectness heat map, grid lines, the cells responsible for detections, the anchors of the chosen cell."""
    p = scene.prediction
    if p is None or p.grid_shape is None:
        painter.save()
        _banner(painter, t, [_tr("grid: this model has no grid head")])
        painter.restore()
        return
    rows, cols = p.grid_shape
    cw, ch = p.width / cols, p.height / rows
    painter.save()
    objectness = np.asarray(p.objectness, np.float32)
    if scene.settings.heatmap:
        heat = _heat_image(objectness.max(axis=-1))
        painter.save()
        painter.setTransform(QTransform.fromScale(cw, ch) * t)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QPointF(0, 0), heat)
        painter.restore()
    for r, c in scene.responsible_cells():
        painter.fillRect(_rect(t, (c * cw, r * ch, (c + 1) * cw, (r + 1) * ch)), CELL_COLOR)
    painter.setPen(_pen(GRID_COLOR, 1.0))
    for c in range(cols + 1):
        painter.drawLine(t.map(QPointF(c * cw, 0)), t.map(QPointF(c * cw, p.height)))
    for r in range(rows + 1):
        painter.drawLine(t.map(QPointF(0, r * ch)), t.map(QPointF(p.width, r * ch)))
    cell = scene.chosen_cell()
    if cell is not None:
        r, c = cell
        painter.setPen(_pen(ANCHOR_COLOR, 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(_rect(t, (c * cw, r * ch, (c + 1) * cw, (r + 1) * ch)))
        if p.anchors is not None:
            _font(painter, 7.5)
            cx, cy = (c + 0.5) * cw, (r + 0.5) * ch
            labels = []
            for b, (aw, ah) in enumerate(np.asarray(p.anchors, np.float32).reshape(-1, 2)):
                w, h = float(aw) * p.width, float(ah) * p.height
                rect = _rect(t, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
                obj = float(objectness[r, c, b]) if b < objectness.shape[-1] else float("nan")
                painter.setPen(_pen(ANCHOR_COLOR, 1.0 + 2.0 * max(obj, 0.0), Qt.PenStyle.DashLine))
                painter.drawRect(rect)
                labels.append(f"a{b} {w:.0f}x{h:.0f}  obj {obj:.2f}")
            cell_rect = _rect(t, (c * cw, r * ch, (c + 1) * cw, (r + 1) * ch))
            row_h = QFontMetrics(painter.font()).height() + 2
            for i, text in enumerate(labels):
                _label(painter, cell_rect.topRight() + QPointF(3, i * row_h), text, ANCHOR_COLOR, below=True)
    mode = _tr("before NMS") if scene.settings.before_nms else _tr("after NMS")
    lines = [
        _tr("grid {0}x{1}, {2} anchors, {3} boxes {4}").format(
            rows, cols, objectness.shape[-1], len(scene.detections()), mode
        )
    ]
    if cell is not None:
        lines.append(
            _tr("cell row {0} col {1}: max objectness {2:.2f}").format(
                cell[0], cell[1], objectness[cell].max()
            )
        )
    _banner(painter, t, lines, bottom_of=float(p.height))
    painter.restore()


class OverlayStyle:
    """What the painters draw with besides the scene: the class colours, and the coloured mask and heat map of the
    shown prediction (colouring a full-size map costs milliseconds: once per prediction and opacity, not per
    repaint)."""

    def __init__(self, colors: ClassColors | None = None) -> None:
        self.colors = colors if colors is not None else ClassColors()
        self._mask: tuple[Prediction, float, QImage] | None = None
        self._cam: tuple[Prediction, QImage] | None = None

    def cam_image(self, prediction: Prediction) -> QImage:
        """``prediction.cam`` coloured (see `cam_image`), cached for the last prediction asked."""
        cached = self._cam
        if cached is not None and cached[0] is prediction:
            return cached[1]
        image = cam_image(np.asarray(prediction.cam))
        self._cam = (prediction, image)
        return image

    def mask_image(self, prediction: Prediction, opacity: float) -> QImage:
        """``prediction.mask`` coloured at ``opacity`` (see `mask_image`), cached for the last one asked."""
        cached = self._mask
        if cached is not None and cached[0] is prediction and cached[1] == opacity:
            return cached[2]
        image = mask_image(np.asarray(prediction.mask), opacity)
        self._mask = (prediction, opacity, image)
        return image


def mask_image(mask: np.ndarray, opacity: float) -> QImage:
    """A class-index mask (H, W) as an RGBA QImage: VOC palette colours, background and void transparent."""
    m = np.asarray(mask, np.uint8)
    rgba = np.zeros(m.shape + (4,), np.uint8)
    rgba[..., :3] = VOC_PALETTE[m]
    alpha = int(round(255 * min(max(opacity, 0.0), 1.0)))
    rgba[..., 3] = np.where((m == 0) | (m == 255), 0, alpha).astype(np.uint8)
    return array_to_qimage(rgba)


def paint_mask(painter: QPainter, scene: OverlayScene, t: QTransform, style: OverlayStyle) -> None:
    """The predicted mask blended over the image and a legend of the classes present."""
    p = scene.prediction
    if p is None or p.mask is None:
        painter.save()
        _banner(painter, t, [_tr("mask: this model has no segmentation head")])
        painter.restore()
        return
    painter.save()
    mask = np.asarray(p.mask)
    image = style.mask_image(p, scene.settings.mask_opacity)
    painter.save()
    sx = p.width / mask.shape[1] if mask.shape[1] else 1.0
    sy = p.height / mask.shape[0] if mask.shape[0] else 1.0
    painter.setTransform(QTransform.fromScale(sx, sy) * t)
    painter.drawImage(QPointF(0, 0), image)
    painter.restore()
    present = [int(v) for v in np.unique(mask) if 0 < v < 255]
    metrics = _font(painter, 8.5)
    row_h = metrics.height() + 2
    entries = [(v, scene.class_name(v - 1)) for v in present] or [(0, _tr("background only"))]
    w = max(metrics.horizontalAdvance(n) for _, n in entries) + 28
    origin = t.map(QPointF(p.width, 0))
    device_w = painter.device().width() if painter.device() is not None else origin.x()
    x = min(origin.x(), device_w) - w - 4
    y = max(t.map(QPointF(0, 0)).y(), 0.0) + 4
    painter.fillRect(QRectF(x, y, w, row_h * len(entries) + 6), QColor(0, 0, 0, 170))
    for i, (v, name) in enumerate(entries):
        r, g, b = (int(c) for c in VOC_PALETTE[v])
        swatch = QRectF(x + 5, y + 4 + i * row_h + 2, 14, row_h - 5)
        painter.fillRect(swatch, QColor(r, g, b))
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(QPointF(x + 24, y + 3 + i * row_h + metrics.ascent()), name)
    painter.restore()


def cam_image(heat: np.ndarray, opacity: float = CAM_OPACITY) -> QImage:
    """A heat map (H, W) in 0..1 as an RGBA QImage: blue (little) through green and yellow to red (most), its
    alpha rising with the heat from 0 (linearly, to ``opacity`` at the hottest), so where the map is cold the photo
    shows as it is and the hot part stands out."""
    v = np.clip(np.nan_to_num(np.asarray(heat, np.float32)), 0.0, 1.0)
    rgba = np.empty(v.shape + (4,), np.uint8)
    ramp = (4 * v - 2, np.minimum(4 * v, 4 - 4 * v), 2 - 4 * v)  # blue, cyan, green, yellow, red at 0 .. 1
    for channel, values in enumerate(ramp):
        rgba[..., channel] = (255 * np.clip(values, 0.0, 1.0)).astype(np.uint8)
    rgba[..., 3] = (255 * opacity * v).astype(np.uint8)
    return array_to_qimage(rgba)


def paint_cam(painter: QPainter, scene: OverlayScene, t: QTransform, style: OverlayStyle) -> None:
    """The "why this class" heat map over the image, the loc head's box dotted, and a banner: the class explained,
    its probability, and how much of the heat lies inside that box."""
    p = scene.prediction
    view = scene.cam_view()
    if p is None or p.loc_probs is None:
        note = _tr("why this class: this model has no box + class head")
    elif np.asarray(p.loc_probs).size < 2:
        note = _tr("why this class: the model knows one class, there is nothing to tell apart")
    elif view is None:
        note = _tr("why this class: computing the heat map...")
    if p is None or view is None:
        painter.save()
        _banner(painter, t, [note])
        painter.restore()
        return
    painter.save()
    image = style.cam_image(p)
    painter.save()
    painter.setTransform(QTransform.fromScale(p.width / image.width(), p.height / image.height()) * t)
    painter.drawImage(QPointF(0, 0), image)
    painter.restore()
    if p.loc_box is not None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_pen(QColor(255, 255, 255, 220), 1.5, Qt.PenStyle.DotLine))
        painter.drawRect(_rect(t, p.loc_box))
    which = _tr("predicted") if view.predicted else _tr("picked")
    lines = [_tr("why {0}: probability {1:.2f} ({2})").format(view.class_name, view.probability, which)]
    if not math.isnan(view.heat_in_box):
        lines.append(_tr("{0:.0f}% of the heat inside the dotted box").format(100 * view.heat_in_box))
    else:
        lines.append(_tr("nothing in the image raises this class"))
    wanted = scene.wanted_cam_class()
    if view.stale and wanted is not None:
        lines.append(_tr("computing the map for {0}...").format(scene.class_name(wanted)))
    _banner(painter, t, lines, bottom_of=float(p.height))
    painter.restore()


def paint_ground_truth(painter: QPainter, scene: OverlayScene, t: QTransform, style: OverlayStyle) -> None:
    """The ground-truth boxes exactly as the canvas draws them (for ``render``; the canvas draws its own)."""
    if scene.annotation is not None:
        paint_boxes(painter, scene.annotation.objects, t, colors=style.colors)


PAINTERS: dict[str, Callable[[QPainter, OverlayScene, QTransform, OverlayStyle], None]] = {
    "mask": paint_mask,
    "cam": paint_cam,
    "grid": paint_grid,
    "boxes": paint_ground_truth,
    "predictions": paint_predictions,
    "iou": paint_iou,
}
"""Painters by overlay name, in drawing order (mask and heat map under everything, labels on top)."""
assert set(PAINTERS) == set(OVERLAY_NAMES)


class OverlayLayer:
    """One overlay as a canvas layer: ``canvas.add_overlay(OverlayLayer(scene, "iou", style))``.

    The canvas calls `paint` after the image and its boxes; the layer draws only when its name is in
    ``scene.visible`` and a prediction is there.
    """

    def __init__(self, scene: OverlayScene, name: str, style: OverlayStyle) -> None:
        if name not in PAINTERS:
            raise ValueError(f"unknown overlay {name!r}; expected one of {OVERLAY_NAMES}")
        self.scene = scene
        self.name = name
        self.style = style

    def paint(self, painter: QPainter, image_to_widget: QTransform) -> None:
        if self.name not in self.scene.visible or self.scene.prediction is None:
            return
        painter.save()
        try:
            PAINTERS[self.name](painter, self.scene, image_to_widget, self.style)
        finally:
            painter.restore()


def render_image(
    rgb: np.ndarray,
    scene: OverlayScene,
    overlays: list[str],
    scale: float = 1.0,
    style: OverlayStyle | None = None,
) -> QImage:
    """Draw ``rgb`` (H, W, 3 uint8, displayed frame) with the named overlays, in `PAINTERS` order
    (``style``: the class colours; default hashed from the names).

    Raises:
        ValueError: an unknown overlay name, or an overlay that needs a prediction when the scene has none.
    """
    unknown = [o for o in overlays if o not in PAINTERS]
    if unknown:
        raise ValueError(
            f"unknown overlay(s) {', '.join(unknown)}; expected some of {', '.join(OVERLAY_NAMES)}"
        )
    needs_model = [o for o in overlays if o != "boxes"]
    if needs_model and scene.prediction is None:
        raise ValueError(f"overlay(s) {', '.join(needs_model)} need a model (--model)")
    style = style if style is not None else OverlayStyle()
    h, w = rgb.shape[:2]
    src = array_to_qimage(rgb)
    out_w, out_h = max(1, round(w * scale)), max(1, round(h * scale))
    out = QImage(out_w, out_h, QImage.Format.Format_ARGB32)
    painter = QPainter(out)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(QRectF(0, 0, out_w, out_h), src)
        t = QTransform.fromScale(out_w / w, out_h / h)
        for name in PAINTERS:
            if name in overlays:
                painter.save()
                PAINTERS[name](painter, scene, t, style)
                painter.restore()
    finally:
        painter.end()
    return out
