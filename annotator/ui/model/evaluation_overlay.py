"""The canvas layer that shows the cases of a chosen confusion cell on the image: the labelled box (solid) and the
detection (dashed) of each case, the case being stepped through drawn thicker, each with a tag that says what it
is ("labelled daisy", "predicted rose 0.83").
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QTransform

from annotator.core.evaluation import BACKGROUND, Case
from annotator.ui.model.overlays import _font, _label, _pen, _rect
from annotator.ui.translations import tr as _tr

LABELLED_COLOR = QColor(0, 220, 255)
PREDICTED_COLOR = QColor(255, 60, 220)


class EvaluationCaseLayer:
    """``canvas.add_overlay(layer)``; the evaluation features set `cases` (those of the shown image) and
    `current` (the case being stepped through, or None)."""

    def __init__(self) -> None:
        self.cases: list[Case] = []
        self.current: Case | None = None

    def set_cases(self, cases: list[Case], current: Case | None = None) -> None:
        self.cases = list(cases)
        self.current = current

    def paint(self, painter: QPainter, image_to_widget: QTransform) -> None:
        if not self.cases:
            return
        others = [c for c in self.cases if c is not self.current]
        for case in others + ([self.current] if self.current in self.cases else []):
            self._paint_case(painter, image_to_widget, case, case is self.current)

    @staticmethod
    def _paint_case(painter: QPainter, t: QTransform, case: Case, current: bool) -> None:
        width = 3.5 if current else 2.0
        painter.setBrush(Qt.BrushStyle.NoBrush)
        _font(painter, 9.0, bold=current)
        if case.gt_box is not None:
            rect = _rect(t, case.gt_box)
            painter.setPen(_pen(QColor(0, 0, 0, 170), width + 3))
            painter.drawRect(rect)
            painter.setPen(_pen(LABELLED_COLOR, width))
            painter.drawRect(rect)
            what = _tr("labelled {0}").format(case.labelled)
            if case.predicted == BACKGROUND:
                what += " - " + _tr("missed")
            _label(painter, rect.topLeft(), what, LABELLED_COLOR)
        if case.det_box is not None:
            rect = _rect(t, case.det_box)
            painter.setPen(_pen(QColor(0, 0, 0, 170), width + 3, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
            painter.setPen(_pen(PREDICTED_COLOR, width, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
            what = _tr("predicted {0} {1:.2f}").format(case.predicted, case.score or 0.0)
            if case.gt_box is not None:
                what += " " + _tr("IoU {0:.2f}").format(case.iou)
            _label(painter, rect.bottomLeft(), what, PREDICTED_COLOR, below=True)
