"""Live training curves: losses in one plot, scores in another, validation dashed (pyqtgraph).

Fed one epoch at a time by the training dock (`TrainingCurves.add_epoch` with the worker's `ProgressEvent`). The plots
take the window's palette; the x axis shows whole epochs only; each legend is a wrapped label under its plot, so
it never covers a line and is never cut off; the phases are named in plain words under the plots.
"""

from __future__ import annotations

import html
import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from annotator.core.phase_texts import curve_name, phase_name
from annotator.core.worker_messages import ProgressEvent
from annotator.ui.model.plot_palette import apply_plot_palette
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
_METRIC_KEYS = ("iou", "accuracy", "map", "miou")
_NOT_PLOTTED = {"learning_rate", "lr"}
PLOT_MIN_HEIGHT = 130
"""Below this a plot scrolls instead: room for its title, the tick labels of both axes and a few grid lines."""


class IntegerAxis(pg.AxisItem):
    """An axis that puts ticks on whole numbers only (epochs), labelled without decimals."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph's names
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            whole = [v for v in values if float(v).is_integer()]
            if spacing >= 1 and whole:
                levels.append((spacing, whole))
        if not levels:  # a view narrower than one epoch: the whole numbers inside it, if any
            levels = [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]
        return levels

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        return [str(int(round(v * scale))) for v in values]


class _Plot(pg.PlotWidget):
    """A plot that asks for no more than its minimum height and takes the room the page has: the page's scroll
    area sizes it from the size hints (the wrapped legends make the layout height-for-width), and pyqtgraph's
    640 x 480 hint kept each plot 480 px tall, the second one out of sight, whatever room there was."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, PLOT_MIN_HEIGHT)


def _base_key(key: str) -> str:
    return key[4:] if key.startswith("val_") else key


class TrainingCurves(QWidget):
    """Two plots (losses, scores) with one curve per logged key; ``history`` keeps every point.

    Attributes:
        history: ``{key: [(epoch_index, value)]}`` plus ``"_epochs"``; the epoch index counts on across phases.
        phases: ``[(phase, first_epoch_index, last_epoch_index)]`` in order.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: dict[str, list[tuple[float, float]]] = {}
        self.phases: list[tuple[str, int, int]] = []
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._colors: dict[str, str] = {}
        self._curve_queue: list[str] = []
        self._phase_lines: list[pg.InfiniteLine] = []
        pg.setConfigOptions(antialias=False)  # antialiased curves cost the event loop ~3x per repaint
        self.loss_plot = _Plot(axisItems={"bottom": IntegerAxis("bottom")})
        self.metric_plot = _Plot(axisItems={"bottom": IntegerAxis("bottom")})
        self.loss_legend, self.metric_legend = QLabel(), QLabel()
        self.phase_label = QLabel()
        self.line_note = QLabel()
        # The plots and legends scroll when the dock is shorter than they need: never squeezed over each other.
        self.body = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        for plot, legend in ((self.loss_plot, self.loss_legend), (self.metric_plot, self.metric_legend)):
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMinimumHeight(PLOT_MIN_HEIGHT)
            plot.getAxis("left").enableAutoSIPrefix(False)  # scores read 0.2-0.8, not 200-800 "(x0.001)"
            plot.getViewBox().setLimits(xMin=0)
            plot.hideButtons()
            legend.setWordWrap(True)
            legend.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(plot, 1)
            layout.addWidget(legend)
        self.line_note.setWordWrap(True)  # said once for both plots, under them
        layout.addWidget(self.line_note)
        self.phase_label.setWordWrap(True)
        layout.addWidget(self.phase_label)
        self._apply_palette()

    # -- look ------------------------------------------------------------------------------------------------
    def _apply_palette(self) -> None:
        """Plot background, axes and texts in the window's own colours (light by default, dark when it is)."""
        for plot in (self.loss_plot, self.metric_plot):
            apply_plot_palette(plot, self.palette())
        line = QColor(self.palette().color(QPalette.ColorRole.Text))
        line.setAlpha(90)
        for marker in self._phase_lines:
            marker.setPen(pg.mkPen(line, width=1, style=Qt.PenStyle.DotLine))
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def retranslate(self) -> None:
        text = self.palette().color(QPalette.ColorRole.Text).name()
        for plot, title, left in (
            (self.loss_plot, _n("Losses (lower is better)"), _n("loss")),
            (self.metric_plot, _n("Scores (higher is better)"), _n("score")),
        ):
            plot.setTitle(_tr(title), color=text, size="10pt")
            plot.setLabel("bottom", _tr("epoch"), color=text)
            plot.setLabel("left", _tr(left), color=text)
        self._update_legends()
        self._update_phase_label()

    def _update_legends(self) -> None:
        for plot, legend in ((self.loss_plot, self.loss_legend), (self.metric_plot, self.metric_legend)):
            keys = [k for k in self._colors if self._plot_of(k) is plot]
            if not keys:
                legend.setText("")
                continue
            entries = [
                f'<span style="color:{self._colors[k]}">&#9632;</span>&nbsp;{html.escape(curve_name(k, _tr))}'
                for k in keys
            ]
            legend.setText(" &nbsp; ".join(entries))
        self.line_note.setText(_tr("solid: training, dashed: validation") if self._colors else "")

    def _update_phase_label(self) -> None:
        lines = [
            _tr("epochs {0}-{1}: {2}").format(first, last, phase_name(phase, _tr))
            if last > first
            else _tr("epoch {0}: {1}").format(first, phase_name(phase, _tr))
            for phase, first, last in self.phases
        ]
        self.phase_label.setText("\n".join(lines))

    # -- data ------------------------------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every curve (a new run starts)."""
        self.history.clear()
        self.phases.clear()
        for plot in (self.loss_plot, self.metric_plot):
            plot.clear()
        self._curves.clear()
        self._colors.clear()
        self._curve_queue.clear()
        self._phase_lines.clear()
        self._update_legends()
        self._update_phase_label()

    def add_epoch(self, event: ProgressEvent) -> list[str]:
        """Append one epoch's losses and metrics; returns ``"key value"`` texts of what was plotted."""
        x = float(len(self.history.get("_epochs", [])) + 1)
        self.history.setdefault("_epochs", []).append((x, x))
        self._note_phase(event.phase, int(x))
        values = {**event.losses, **event.metrics}
        parts = []
        boxes = [plot.getViewBox() for plot in (self.loss_plot, self.metric_plot)]
        for box in boxes:
            box.disableAutoRange()  # one autorange after all curves moved, not one per curve (~8 ms each)
        for key, value in values.items():
            if not isinstance(value, (int, float)) or not math.isfinite(value) or key in _NOT_PLOTTED:
                continue
            self.history.setdefault(key, []).append((x, float(value)))
            self._plot(key)
            parts.append(f"{key} {value:.4f}")
        for box in boxes:
            box.enableAutoRange()
        return parts

    def _note_phase(self, phase: str, x: int) -> None:
        if self.phases and self.phases[-1][0] == phase:
            name, first, _ = self.phases[-1]
            self.phases[-1] = (name, first, x)
        else:
            if self.phases:  # a faint line where the next phase starts
                line = QColor(self.palette().color(QPalette.ColorRole.Text))
                line.setAlpha(90)
                for plot in (self.loss_plot, self.metric_plot):
                    marker = pg.InfiniteLine(
                        pos=x - 0.5, angle=90, pen=pg.mkPen(line, width=1, style=Qt.PenStyle.DotLine)
                    )
                    plot.addItem(marker, ignoreBounds=True)
                    self._phase_lines.append(marker)
            self.phases.append((phase, x, x))
        self._update_phase_label()

    def _plot_of(self, key: str) -> pg.PlotWidget:
        is_metric = "loss" not in key and any(m in key for m in _METRIC_KEYS)
        return self.metric_plot if is_metric else self.loss_plot

    def _plot(self, key: str) -> None:
        curve = self._curves.get(key)
        if curve is not None:
            xs, ys = zip(*self.history[key], strict=True)
            curve.setData(list(xs), list(ys))
            return
        # A new curve costs pyqtgraph ~10 ms; the first epoch brings 15-20 of them, so they are made one per
        # event-loop turn instead of all at once (no stall of the window).
        if key not in self._curve_queue:
            self._curve_queue.append(key)
        if len(self._curve_queue) == 1:
            QTimer.singleShot(0, self._create_queued_curve)

    def _create_queued_curve(self) -> None:
        if not self._curve_queue:
            return
        key = self._curve_queue.pop(0)
        if key in self.history and key not in self._curves:
            base = _base_key(key)
            if base not in self._colors:  # training and validation of one figure share a colour
                self._colors[base] = _COLORS[len(self._colors) % len(_COLORS)]
                self._update_legends()
            color = self._colors[base]
            style = Qt.PenStyle.DashLine if key.startswith("val_") else Qt.PenStyle.SolidLine
            curve = self._plot_of(key).plot(
                [], [], pen=pg.mkPen(color, width=2, style=style), symbol="o", symbolSize=5
            )
            curve.setSymbolBrush(color)
            curve.setSymbolPen(color)
            self._curves[key] = curve
            xs, ys = zip(*self.history[key], strict=True)
            curve.setData(list(xs), list(ys))
        if self._curve_queue:
            QTimer.singleShot(0, self._create_queued_curve)

    def curve_data(self, key: str) -> list[tuple[float, float]]:
        """The points plotted for ``key`` (e.g. ``"loss"``, ``"val_box_iou"``): ``[(epoch_index, value)]``."""
        curve = self._curves.get(key)
        if curve is None:
            return []
        xs, ys = curve.getData()
        return [] if xs is None else list(zip(xs.tolist(), ys.tolist(), strict=False))

    def legend_names(self) -> list[str]:
        """The figures named in the legends, in the language shown (for tests and screenshots)."""
        return [curve_name(k, _tr) for k in self._colors]
