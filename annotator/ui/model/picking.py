"""Clicks on the canvas that pick model overlays: a predicted box selects its row in the Model panel (so Accept
takes the box the user means), a grid cell shows its anchors.

`CanvasPicker` watches the canvas's mouse events through an event filter and never consumes them, so drawing,
moving and selecting labelled boxes work exactly as without it. Points are converted from widget pixels to
continuous image pixels with the canvas's own transform.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtWidgets import QWidget

from annotator.core.overlay_scene import OverlayScene
from annotator.ui.model.panel import ModelPanel

CLICK_SLOP = 4
"""Widget pixels a press may move before release and still count as a click (not a drag)."""


class CanvasPicker(QObject):
    """Turns left clicks on ``canvas`` into picks in ``panel``; repaints the canvas when the selection changes."""

    def __init__(self, canvas: QWidget, scene: OverlayScene, panel: ModelPanel) -> None:
        super().__init__(canvas)
        self.canvas, self.scene, self.panel = canvas, scene, panel
        self._press: QPointF | None = None
        canvas.installEventFilter(self)
        panel.highlight_changed.connect(canvas.update)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._press = None if getattr(self.canvas, "drawing", False) else QPointF(event.position())
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            press, self._press = self._press, None
            if press is not None and (event.position() - press).manhattanLength() <= CLICK_SLOP:
                self.pick(event.position())
        return False

    def pick(self, pos: QPointF) -> None:
        """Pick what lies under widget point ``pos``: the smallest pending predicted box holding it (or none,
        which clears the selection) when predictions are shown; its grid cell when the grid is shown."""
        p = self.scene.prediction
        if p is None:
            return
        point = self.canvas.widget_to_image(pos)
        x, y = point.x(), point.y()
        if "predictions" in self.scene.visible:
            self.panel.select_prediction(self.scene.prediction_at(x, y))
        if "grid" in self.scene.visible and 0 <= x <= p.width and 0 <= y <= p.height:
            cell = self.scene.grid_cell_of(x, y)
            if cell is not None:
                self.panel.choose_cell(*cell)
