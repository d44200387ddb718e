"""The training side of the model features in the labelling window: the Training dock follows the shown folder
and every annotation the window saves (its counts are live), a run starts after the shown image's edits are
saved, and closing the window while a model trains asks first.

Created by `annotator.ui.model.features.ModelFeatures`; talks to the worker only through the shared
`ModelClient`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from annotator.ui.model.client import ModelClient
from annotator.ui.model.panel import WATCHING_SHARE, DockToggle
from annotator.ui.model.training_dock import TrainingDock
from annotator.ui.translations import tr as _tr

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


class TrainingFeatures(QObject):
    """The Training dock in ``window``, fed with the folder (and save folder) of the shown image.

    Args:
        window: the labelling window (the dock is added to its right dock area).
        client: the model worker client shared with the prediction side.
        toggle: the checkable action that shows and hides the dock (kept in step both ways).
    """

    def __init__(self, window: MainWindow, client: ModelClient, toggle: QAction) -> None:
        super().__init__(window)
        self._window = window
        self.client = client
        self.training_dock = TrainingDock(client, window)
        self.training_dock.before_start = self._save_before_training
        window.annotation_changed.connect(self.training_dock.image_changed)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.training_dock)
        self.toggle = DockToggle(self.training_dock, toggle, window.make_room_for)
        self.training_dock.run_started.connect(
            lambda: window.make_room_for(self.training_dock, WATCHING_SHARE)
        )

    def on_image_shown(self, path: str) -> None:
        """Train on the window's folder (or the image's own folder when a single image is open)."""
        root = self._window.root
        folder = str(root) if root and os.path.isdir(root) else str(Path(path).parent)
        save_dir = str(self._window.save_dir) if self._window.save_dir else None
        if folder != self.training_dock.data_dir or save_dir != self.training_dock.save_dir:
            self.training_dock.set_dataset(folder, save_dir)

    def _save_before_training(self) -> bool:
        """Save the shown image's unsaved edits first, so the run trains on what the user sees; False when they
        stay unsaved (the save failed, or the user cancelled a conflict)."""
        return not self._window.is_dirty() or self._window.save()

    def retranslate(self) -> None:
        self.training_dock.retranslate()

    def may_close(self) -> bool:
        """False when a model is training and the user chose not to cancel it (the window stays open)."""
        if not (self.client.is_training and self._window.isVisible()):
            return True
        answer = QMessageBox.question(
            self._window,
            _tr("Training is running"),
            _tr("A model is training. Cancel the training and quit?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
