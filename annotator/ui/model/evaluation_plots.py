"""The Evaluation panel's pictures: the confusion matrix as a clickable heat map, precision-recall curves per
class and the IoU histogram of matched boxes (pyqtgraph), in the window's colours.

All three are redrawn from an `annotator.core.evaluation.EvaluationViews` (``set_views``); they keep no figures
of their own, so a threshold change is one call each.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from annotator.core.evaluation import BACKGROUND, EvaluationViews
from annotator.ui.canvas.box_painter import ClassColors
from annotator.ui.model.plot_palette import apply_plot_palette
from annotator.ui.translations import tr as _tr

CELL_MIN, CELL_MAX = 26, 56
MATCH_RGB = (40, 160, 80)
ERROR_RGB = (220, 60, 40)


def label_text(name: str) -> str:
    """A class name as shown, with ``background`` in the language shown."""
    return _tr("background") if name == BACKGROUND else name


class ConfusionMatrixView(QWidget):
    """The confusion matrix as a heat map with counts: rows the labelled class, columns the predicted one, the last
    row and column "background" (false alarms, misses). Diagonal cells green, the others red, darker for a larger
    share of the row. Click a cell: `cell_clicked(row, col)`.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.matrix = np.zeros((0, 0), np.int64)
        self.selected: tuple[int, int] | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_matrix(self, labels: list[str], matrix: np.ndarray) -> None:
        self.labels = list(labels)
        self.matrix = np.asarray(matrix, np.int64)
        self.updateGeometry()
        self.update()

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        self.selected = cell
        self.update()

    # -- geometry -------------------------------------------------------------------------------------------
    def _margins(self) -> tuple[int, int]:
        metrics = QFontMetrics(self.font())
        names = [label_text(n) for n in self.labels] or [""]
        widest = max(metrics.horizontalAdvance(n) for n in names)
        title = metrics.height() + 4
        return widest + 10 + title, min(widest, 110) + 10 + title  # left, top

    def _cell(self) -> int:
        n = max(len(self.labels), 1)
        left, _ = self._margins()
        return int(max(CELL_MIN, min(CELL_MAX, (self.width() - left - 4) // n)))

    def cell_rect(self, row: int, col: int) -> QRect:
        """Where cell (row, col) is drawn, in widget pixels."""
        left, top = self._margins()
        size = self._cell()
        return QRect(left + col * size, top + row * size, size, size)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        left, top = self._margins()
        size = self._cell()
        col, row = (pos.x() - left) // size, (pos.y() - top) // size
        n = len(self.labels)
        if pos.x() < left or pos.y() < top or not (0 <= row < n and 0 <= col < n):
            return None
        return int(row), int(col)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        left, top = self._margins()
        n = max(len(self.labels), 1)
        return QSize(left + n * 44 + 4, top + n * 44 + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        left, top = self._margins()
        n = max(len(self.labels), 1)
        return QSize(left + n * CELL_MIN + 4, top + n * CELL_MIN + 4)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        left, top = self._margins()
        n = max(len(self.labels), 1)
        size = int(max(CELL_MIN, min(CELL_MAX, (width - left - 4) // n)))
        return top + n * size + 4

    # -- look -----------------------------------------------------------------------------------------------
    def _fill(self, row: int, col: int) -> QColor:
        count = int(self.matrix[row, col])
        total = int(self.matrix[row].sum()) or 1
        if count == 0:
            return self.palette().color(QPalette.ColorRole.Base)
        share = count / total
        rgb = MATCH_RGB if row == col else ERROR_RGB
        alpha = int(60 + 195 * math.sqrt(share))
        return QColor(*rgb, alpha)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        metrics = QFontMetrics(self.font())
        left, top = self._margins()
        size = self._cell()
        n = len(self.labels)
        if n == 0:
            painter.end()
            return
        painter.setPen(text)
        title_h = metrics.height()
        grid_w = n * size
        painter.drawText(
            QRect(left, 0, grid_w, title_h), Qt.AlignmentFlag.AlignCenter, _tr("predicted class")
        )
        painter.save()
        painter.translate(0, top + grid_w)
        painter.rotate(-90)
        painter.drawText(QRect(0, 0, grid_w, title_h), Qt.AlignmentFlag.AlignCenter, _tr("labelled class"))
        painter.restore()
        names = [label_text(name) for name in self.labels]
        for i, name in enumerate(names):
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, left - title_h - 10)
            painter.drawText(
                QRect(title_h + 2, top + i * size, left - title_h - 8, size),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
            painter.save()  # column names written upwards above their column
            painter.translate(left + i * size, top - 4)
            painter.rotate(-90)
            col_room = top - title_h - 8
            painter.drawText(
                QRect(0, 0, col_room, size),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(name, Qt.TextElideMode.ElideRight, col_room),
            )
            painter.restore()
        grid = QColor(text)
        grid.setAlpha(60)
        for row in range(n):
            for col in range(n):
                rect = self.cell_rect(row, col)
                fill = self._fill(row, col)
                painter.fillRect(rect, fill)
                painter.setPen(grid)
                painter.drawRect(rect.adjusted(0, 0, -1, -1))
                count = int(self.matrix[row, col])
                if row == n - 1 and col == n - 1:
                    continue  # background predicted as background: nothing to count
                dark = fill.alpha() > 150 and fill.lightness() < 160
                painter.setPen(QColor(255, 255, 255) if dark else text)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        if self.selected is not None and all(0 <= v < n for v in self.selected):
            pen = QPen(pal.color(QPalette.ColorRole.Highlight), 3)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.cell_rect(*self.selected).adjusted(1, 1, -2, -2))
        painter.end()

    # -- interaction ----------------------------------------------------------------------------------------
    def describe(self, row: int, col: int) -> str:
        """What a cell counts, in words."""
        labelled, predicted = self.labels[row], self.labels[col]
        count = int(self.matrix[row, col])
        if labelled == BACKGROUND:
            return _tr("{0} false alarm(s): {1} predicted where nothing is labelled").format(count, predicted)
        if predicted == BACKGROUND:
            return _tr("{0} missed {1} box(es)").format(count, labelled)
        if row == col:
            return _tr("{0} {1} box(es) found").format(count, labelled)
        return _tr("{0} {1} box(es) predicted as {2}").format(count, labelled, predicted)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(*cell)
            event.accept()
            return
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            cell = self.cell_at(event.pos())
            if cell is not None and not (cell[0] == cell[1] == len(self.labels) - 1):
                QToolTip.showText(event.globalPos(), self.describe(*cell), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class CurvesView(QWidget):
    """Precision-recall curves per class (a dot where the score threshold is) and the IoU histogram of matched
    boxes (a line at the IoU threshold), with a legend under the curves."""

    def __init__(self, colors: ClassColors | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors = colors or ClassColors([])
        self.pr_plot = pg.PlotWidget()
        self.iou_plot = pg.PlotWidget()
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        for plot in (self.pr_plot, self.iou_plot):
            plot.hideButtons()
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMinimumHeight(150)
        self.pr_plot.setXRange(0, 1, padding=0.02)
        self.pr_plot.setYRange(0, 1, padding=0.02)
        self.iou_plot.setXRange(0, 1, padding=0.02)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pr_plot, 3)
        layout.addWidget(self.legend)
        layout.addWidget(self.iou_plot, 2)
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._dots: dict[str, pg.ScatterPlotItem] = {}
        self._bars: pg.BarGraphItem | None = None
        self._iou_line = pg.InfiniteLine(pos=0.5, angle=90)
        self.iou_plot.addItem(self._iou_line, ignoreBounds=True)
        self._views: EvaluationViews | None = None
        self._apply_palette()

    def _apply_palette(self) -> None:
        for plot in (self.pr_plot, self.iou_plot):
            apply_plot_palette(plot, self.palette())
        text = self.palette().color(QPalette.ColorRole.Text)
        self._iou_line.setPen(pg.mkPen(text, width=1, style=Qt.PenStyle.DashLine))
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def retranslate(self) -> None:
        text = self.palette().color(QPalette.ColorRole.Text).name()
        self.pr_plot.setTitle(_tr("Precision-recall per class"), color=text, size="10pt")
        self.pr_plot.setLabel("bottom", _tr("recall"), color=text)
        self.pr_plot.setLabel("left", _tr("precision"), color=text)
        self.iou_plot.setTitle(_tr("IoU of matched boxes"), color=text, size="10pt")
        self.iou_plot.setLabel("bottom", _tr("IoU"), color=text)
        self.iou_plot.setLabel("left", _tr("boxes"), color=text)
        self._update_legend()

    def _update_legend(self) -> None:
        views = self._views
        if views is None:
            self.legend.setText("")
            return
        entries = []
        for c in views.per_class:
            color = self.colors.color(c.name).name()
            ap = "–" if not math.isfinite(c.ap) else f"{c.ap:.2f}"
            entries.append(f'<span style="color:{color}">&#9632;</span>&nbsp;{html.escape(c.name)} (AP {ap})')
        how = html.escape(_tr("dot: the score threshold"))
        self.legend.setText(" &nbsp; ".join(entries) + f"<br>{how}")

    def set_views(self, views: EvaluationViews) -> None:
        """Redraw for ``views`` (curves are made once per class, then only their data changes)."""
        self._views = views
        for name in [n for n in self._curves if n not in views.pr_curves]:
            self.pr_plot.removeItem(self._curves.pop(name))
            self.pr_plot.removeItem(self._dots.pop(name))
        for name, curve in views.pr_curves.items():
            item = self._curves.get(name)
            color = self.colors.color(name)
            if item is None:
                item = self.pr_plot.plot([], [], pen=pg.mkPen(color, width=2))
                dot = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(color), pen=pg.mkPen("k"))
                self.pr_plot.addItem(dot)
                self._curves[name], self._dots[name] = item, dot
            item.setData(curve.recall, curve.precision)
            above = int(np.searchsorted(-curve.scores, -views.score_threshold, side="right"))
            if above > 0:
                self._dots[name].setData([curve.recall[above - 1]], [curve.precision[above - 1]])
            else:
                self._dots[name].setData([], [])
        bins = views.iou_bins
        width = float(bins[1] - bins[0]) if len(bins) > 1 else 0.05
        centers = (bins[:-1] + bins[1:]) / 2
        if self._bars is not None:
            self.iou_plot.removeItem(self._bars)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        self._bars = pg.BarGraphItem(
            x=centers, height=views.iou_histogram, width=width * 0.9, brush=pg.mkBrush(highlight)
        )
        self.iou_plot.addItem(self._bars)
        self._iou_line.setValue(views.iou_threshold)
        top = max(1, int(views.iou_histogram.max()) if len(views.iou_histogram) else 1)
        self.iou_plot.setYRange(0, top * 1.1, padding=0)
        self._update_legend()

    def clear(self) -> None:
        for name in list(self._curves):
            self.pr_plot.removeItem(self._curves.pop(name))
            self.pr_plot.removeItem(self._dots.pop(name))
        if self._bars is not None:
            self.iou_plot.removeItem(self._bars)
            self._bars = None
        self._views = None
        self._update_legend()

    def curve_points(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(recall, precision) plotted for class ``name`` (empty arrays when none)."""
        item = self._curves.get(name)
        if item is None:
            return np.zeros(0), np.zeros(0)
        xs, ys = item.getData()
        return (np.zeros(0), np.zeros(0)) if xs is None else (np.asarray(xs), np.asarray(ys))
