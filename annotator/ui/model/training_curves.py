"""Live training curves: losses in one plot, metrics in another, validation dashed (pyqtgraph).

Fed one epoch at a time by the training dock (`TrainingCurves.add_epoch` with a worker progress event).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotator.ui.translations import tr as _tr

_COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324"]
_METRIC_KEYS = ("iou", "accuracy", "map", "miou")
_NOT_PLOTTED = {"learning_rate", "lr"}


class TrainingCurves(QWidget):
    """Two plots (losses, metrics) with one curve per logged key; ``history`` keeps every point.

    Attributes:
        history: ``{key: [(epoch_index, value)]}`` plus ``"_epochs"``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: dict[str, list[tuple[float, float]]] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._curve_queue: list[str] = []
        pg.setConfigOptions(antialias=False)  # antialiased curves cost the event loop ~3x per repaint
        self.loss_plot = pg.PlotWidget()
        self.metric_plot = pg.PlotWidget()
        for plot in (self.loss_plot, self.metric_plot):
            plot.addLegend(offset=(5, 5))
            plot.showGrid(x=True, y=True, alpha=0.3)
            plot.setMinimumHeight(140)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.metric_plot)

    def retranslate(self) -> None:
        self.loss_plot.setTitle(_tr("losses (dashed: validation)"))
        self.metric_plot.setTitle(_tr("metrics (dashed: validation)"))
        for plot in (self.loss_plot, self.metric_plot):
            plot.setLabel("bottom", _tr("epoch"))

    def clear(self) -> None:
        """Forget every curve (a new run starts)."""
        self.history.clear()
        for plot in (self.loss_plot, self.metric_plot):
            plot.clear()
            if plot.plotItem.legend is not None:
                plot.plotItem.legend.clear()
        self._curves.clear()
        self._curve_queue.clear()

    def add_epoch(self, event: dict) -> list[str]:
        """Append one epoch's losses and metrics; returns ``"key value"`` texts of what was plotted."""
        x = float(len(self.history.get("_epochs", [])) + 1)
        self.history.setdefault("_epochs", []).append((x, x))
        values = {**(event.get("losses") or {}), **(event.get("metrics") or {})}
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

    def _plot(self, key: str) -> None:
        curve = self._curves.get(key)
        if curve is not None:
            xs, ys = zip(*self.history[key], strict=True)
            curve.setData(list(xs), list(ys))
            return
        # A new curve costs pyqtgraph ~10 ms (item + legend entry); the first epoch brings 15-20 of them, so
        # they are made one per event-loop turn instead of all at once (no stall of the window).
        if key not in self._curve_queue:
            self._curve_queue.append(key)
        if len(self._curve_queue) == 1:
            QTimer.singleShot(0, self._create_queued_curve)

    def _create_queued_curve(self) -> None:
        if not self._curve_queue:
            return
        key = self._curve_queue.pop(0)
        if key in self.history and key not in self._curves:
            is_metric = "loss" not in key and any(m in key for m in _METRIC_KEYS)
            plot = self.metric_plot if is_metric else self.loss_plot
            color = _COLORS[len(self._curves) % len(_COLORS)]
            style = Qt.PenStyle.DashLine if key.startswith("val_") else Qt.PenStyle.SolidLine
            curve = plot.plot(
                [], [], name=key, pen=pg.mkPen(color, width=2, style=style), symbol="o", symbolSize=5
            )
            curve.setSymbolBrush(color)
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
