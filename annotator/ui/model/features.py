"""Wire the model features into the labelling window: ``install_model_features(window)``.

Adds the Training and Model docks, a Model menu, View toggles for each overlay (each with its own shortcut), the
canvas overlay layers, prediction on navigation, accept/reject, "next hardest" navigation, the file list's
"unreviewed predictions" status, worker-crash reporting and the close-during-training guard. It relies only on
the window's public surface: ``canvas`` (``add_overlay``, ``document``), ``image_shown(str)``, ``undo_stack``,
``open_path(path)``, ``current_path``, and its `FileListPanel` child if any.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog, QMainWindow, QMenu, QMessageBox

from annotator.core.overlay_scene import OverlayScene
from annotator.ui.model.client import DEFAULT_SCORE_THRESHOLD, ModelClient
from annotator.ui.model.overlays import OverlayLayer
from annotator.ui.model.panel import ModelPanel
from annotator.ui.model.picking import CanvasPicker
from annotator.ui.model.review import AcceptPredictionsCommand, RejectPredictionsCommand, ReviewTracker
from annotator.ui.model.training_dock import TrainingDock
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

MENU_TITLE = _n("&Model")
# (name, text, shortcut, checkable): shortcuts chosen to collide with nothing in annotator.ui.actions.
MODEL_ACTIONS: tuple[tuple[str, str, str, bool], ...] = (
    ("overlay_predictions", _n("Show &predictions"), "Ctrl+Alt+P", True),
    ("overlay_iou", _n("Show prediction &IoU"), "Ctrl+Alt+I", True),
    ("overlay_grid", _n("Show YOLO &grid"), "Ctrl+Alt+G", True),
    ("overlay_mask", _n("Show segmentation &mask"), "Ctrl+Alt+M", True),
    ("grid_before_nms", _n("Grid: show detections &before NMS"), "Ctrl+Alt+N", True),
    ("load_model", _n("&Load model..."), "Ctrl+Alt+O", False),
    ("accept_prediction", _n("&Accept prediction"), "Ctrl+Alt+A", False),
    ("accept_all_predictions", _n("Accept all predictions above &threshold"), "Ctrl+Alt+Shift+A", False),
    ("reject_prediction", _n("&Reject prediction"), "Ctrl+Alt+X", False),
    ("next_low_confidence", _n("Next image by lowest &confidence"), "Ctrl+Alt+C", False),
    ("next_low_iou", _n("Next image by lowest I&oU"), "Ctrl+Alt+U", False),
    ("predict_folder", _n("Predict all &images (for hardest-first)"), "Ctrl+Alt+F", False),
    ("toggle_training_dock", _n("&Training panel"), "F9", True),
    ("toggle_model_dock", _n("&Model panel"), "F8", True),
)
OVERLAY_ACTIONS = {
    "overlay_predictions": "predictions",
    "overlay_iou": "iou",
    "overlay_grid": "grid",
    "overlay_mask": "mask",
}


@dataclass
class ModelFeatures:
    """Everything `install_model_features` created, for tests and for the window to reach."""

    client: ModelClient
    scene: OverlayScene
    layers: dict[str, OverlayLayer]
    training_dock: TrainingDock
    model_panel: ModelPanel
    tracker: ReviewTracker
    actions: dict[str, QAction]
    menu: QMenu
    controller: _Controller


class _Controller(QObject):
    """Slots connecting the window, the client, the scene and the docks."""

    def __init__(self, window: QMainWindow, f: ModelFeatures) -> None:
        super().__init__(window)
        self.window = window
        self.f = f
        self.last_message = ""
        self._scan_total = self._scan_done = 0
        self._status_text: tuple[str, tuple] = ("", ())

    # -- helpers --------------------------------------------------------------------------------------------
    def _document_model(self):
        return getattr(self.window, "document_model", None) or getattr(self.window.canvas, "document", None)

    def _status(self, template: str, *args: object, ms: int = 8000) -> None:
        """Show ``template`` (English source, translated here) formatted with ``args`` in the dock and status bar;
        kept so a language switch can show it again in the new language."""
        self._status_text = (template, args)
        text = _tr(template).format(*args) if template else ""
        self.last_message = text
        self.f.model_panel.status_label.setText(text)
        if hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(text.splitlines()[0], ms)

    def on_settings_changed(self) -> None:
        # The worker returns everything above this; a slider below the default asks it for more next time.
        self.f.client.score_threshold = min(DEFAULT_SCORE_THRESHOLD, self.f.scene.settings.score_threshold)
        self.repaint()

    def repaint(self) -> None:
        self.f.scene.annotation = getattr(self._document_model(), "annotation", None)
        self.f.model_panel.refresh()
        review = self.f.tracker.update(self.f.scene)
        if review is not None and self.f.scene.prediction is not None:
            self._set_file_status(self.f.scene.prediction.image_id)
        self.window.canvas.update()

    def _set_file_status(self, path: str) -> None:
        from annotator.ui.file_list import FileListPanel

        for panel in self.window.findChildren(FileListPanel):
            panel.set_extra_status(path, self.f.tracker.status_text(path))

    # -- navigation and predictions -------------------------------------------------------------------------
    def on_image_shown(self, path: str) -> None:
        scene = self.f.scene
        scene.set_prediction(None)
        document = self._document_model()
        scene.annotation = getattr(document, "annotation", None)
        if document is not None:
            try:
                document.changed.connect(self.repaint, Qt.ConnectionType.UniqueConnection)
            except (RuntimeError, TypeError):
                pass
        self.f.model_panel.refresh()
        self.window.canvas.update()
        self._update_dataset(path)
        if self.f.client.model_path:
            self.f.client.predict(path)
        else:
            self.f.client.set_current_image(path)

    def _update_dataset(self, path: str) -> None:
        root = getattr(self.window, "root", None)
        folder = str(root) if root and os.path.isdir(root) else str(Path(path).parent)
        save_dir = getattr(self.window, "save_dir", None)
        save_dir = str(save_dir) if save_dir else None
        if folder != self.f.training_dock.data_dir or save_dir != self.f.training_dock.save_dir:
            self.f.training_dock.set_dataset(folder, save_dir)

    def on_prediction(self, prediction) -> None:
        self.f.scene.set_prediction(prediction)
        self.repaint()

    def retranslate(self) -> None:
        """Show the menu, the actions, the docks and the last messages in the language now installed."""
        self.f.menu.setTitle(_tr(MENU_TITLE))
        for name, text, _shortcut, _checkable in MODEL_ACTIONS:
            self.f.actions[name].setText(_tr(text))
        self.f.training_dock.retranslate()
        self.f.model_panel.retranslate()
        if self._status_text[0]:
            template, args = self._status_text
            self.f.model_panel.status_label.setText(_tr(template).format(*args))
        for path in self.f.tracker.images:
            self._set_file_status(path)

    def on_prediction_failed(self, image: str, message: str) -> None:
        self._status(_n("Prediction failed for {0}: {1}"), Path(image).name, message)

    def load_model(self, path: str | None = None) -> None:
        if not path:
            start = self.f.training_dock.data_dir or ""
            path, _ = QFileDialog.getOpenFileName(
                self.window, _tr("Load model"), start, _tr("Keras model (*.keras)")
            )
            if not path:
                return
        self.f.client.load_model(path)
        self.f.model_panel.show_loading(path)
        current = getattr(self.window, "current_path", None)
        if current:
            self.f.client.predict(str(current))
        if not (self.f.scene.visible & {"predictions", "iou", "grid", "mask"}):
            self.f.actions["overlay_predictions"].setChecked(True)

    def on_model_loaded(self, path: str, info: dict) -> None:
        self.f.model_panel.show_model(path, info)
        self._status(_n("Model loaded: {0}"), Path(path).name)

    def on_model_load_failed(self, path: str, message: str) -> None:
        self.f.model_panel.show_no_model()
        self._status(_n("Could not load {0}: {1}"), Path(path).name, message)

    def on_crashed(self, message: str) -> None:
        self._status("{0}", message, ms=20000)

    def predict_folder(self) -> None:
        """Predict every image of the folder in the background so hardest-first can rank them all."""
        if not self.f.client.model_path:
            self._status(_n("Load a model first (Ctrl+Alt+O)."))
            return
        paths = list(self.window.file_panel.model.paths()) if hasattr(self.window, "file_panel") else []
        self._scan_total, self._scan_done = self.f.client.predict_folder(paths), 0
        self._status(_n("Predicting {0} images in the background..."), self._scan_total)

    def on_scanned(self, prediction) -> None:
        """A background prediction: rank it (with its ground truth from disk) without touching the view."""
        self._scan_done += 1
        scene = OverlayScene()
        scene.settings = self.f.scene.settings
        scene.set_prediction(prediction)
        scene.annotation = self._annotation_of(prediction.image_id)
        self.f.tracker.update(scene)
        self._set_file_status(prediction.image_id)
        if self._scan_done % 10 == 0:
            self._status(_n("Predicted {0} / {1} images"), self._scan_done, self._scan_total, ms=3000)

    def on_scan_finished(self) -> None:
        self._status(
            _n("{0} images predicted: Ctrl+Alt+C / Ctrl+Alt+U walk them hardest first."),
            len(self.f.tracker.images),
        )

    def _annotation_of(self, image_path: str):
        current = self._document_model()
        if current is not None and getattr(current, "image_path", None) == image_path:
            return current.annotation
        from annotator.core import voc
        from annotator.core.dataset import annotation_path_for

        root = getattr(self.window, "root", None) or os.path.dirname(image_path)
        xml = annotation_path_for(image_path, root, getattr(self.window, "save_dir", None))
        try:
            return voc.read(xml) if xml.is_file() else None
        except (ValueError, OSError):
            return None

    # -- overlays -------------------------------------------------------------------------------------------
    def toggle_overlay(self, name: str, on: bool) -> None:
        if on:
            self.f.scene.visible.add(name)
        else:
            self.f.scene.visible.discard(name)
        self.window.canvas.update()

    def set_before_nms(self, on: bool) -> None:
        self.f.scene.settings.before_nms = on
        self.repaint()

    # -- review ---------------------------------------------------------------------------------------------
    def _can_review(self) -> bool:
        document = self._document_model()
        if self.f.scene.prediction is None or document is None:
            self._status(_n("No predictions for this image."))
            return False
        if getattr(document, "read_only", False):
            self._status(_n("This annotation is read-only."))
            return False
        return True

    def accept(self, indices: list[int] | None = None) -> None:
        if not self._can_review():
            return
        indices = self.f.model_panel.selected_indices() if indices is None else indices
        indices = [i for i in indices if i in self.f.scene.pending()]
        if indices:
            self.window.undo_stack.push(
                AcceptPredictionsCommand(self._document_model(), self.f.scene, indices, self.repaint)
            )

    def accept_all(self) -> None:
        if self._can_review():
            self.accept(self.f.scene.pending())

    def reject(self, indices: list[int] | None = None) -> None:
        if not self._can_review():
            return
        indices = self.f.model_panel.selected_indices() if indices is None else indices
        indices = [i for i in indices if i in self.f.scene.pending()]
        if indices:
            self.window.undo_stack.push(RejectPredictionsCommand(self.f.scene, indices, self.repaint))

    def next_hardest(self, by: str) -> None:
        from annotator.ui.file_list import FileListPanel

        panels = self.window.findChildren(FileListPanel)
        order = panels[0].model.paths() if panels else list(self.f.tracker.images)
        current = getattr(self.window, "current_path", None)
        target = self.f.tracker.next_hardest(order, str(current) if current else None, by)
        if target is None:
            self._status(
                _n("No other image with predictions to rank; predictions are made as images are shown.")
            )
            return
        self.window.open_path(target)

    # -- closing --------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif watched is self.window and event.type() == QEvent.Type.Close:
            if self.f.client.is_training and self.window.isVisible():
                answer = QMessageBox.question(
                    self.window,
                    _tr("Training is running"),
                    _tr("A model is training. Cancel the training and quit?"),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    event.ignore()
                    return True
            self.f.client.shutdown()
        return False


def install_model_features(window: QMainWindow) -> ModelFeatures:
    """Add the model worker client, docks, menus, overlays and review commands to ``window``.

    Call once, after the window built its canvas, menus and file list.
    """
    client = ModelClient(window)
    scene = OverlayScene()
    training_dock = TrainingDock(client, window)
    model_panel = ModelPanel(scene, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, model_panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, training_dock)
    layers = {}
    for name in ("mask", "grid", "predictions", "iou"):
        layers[name] = OverlayLayer(scene, name)
        window.canvas.add_overlay(layers[name])
    menu = window.menuBar().addMenu(_tr(MENU_TITLE))
    menu.setObjectName("model_menu")
    actions: dict[str, QAction] = {}
    for name, text, shortcut, checkable in MODEL_ACTIONS:
        action = QAction(_tr(text), window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(checkable)
        window.addAction(action)
        menu.addAction(action)
        actions[name] = action
        if name == "load_model":
            menu.addSeparator()
    f = ModelFeatures(client, scene, layers, training_dock, model_panel, ReviewTracker(), actions, menu, None)  # type: ignore[arg-type]
    c = _Controller(window, f)
    f.controller = c
    view_menu = _view_menu(window)
    if view_menu is not None:
        view_menu.addSeparator()
        for name in (*OVERLAY_ACTIONS, "grid_before_nms", "toggle_training_dock", "toggle_model_dock"):
            view_menu.addAction(actions[name])
    for name, overlay in OVERLAY_ACTIONS.items():
        actions[name].toggled.connect(lambda on, o=overlay: c.toggle_overlay(o, on))
    actions["grid_before_nms"].toggled.connect(c.set_before_nms)
    actions["load_model"].triggered.connect(lambda: c.load_model())
    actions["accept_prediction"].triggered.connect(lambda: c.accept())
    actions["accept_all_predictions"].triggered.connect(c.accept_all)
    actions["reject_prediction"].triggered.connect(lambda: c.reject())
    actions["next_low_confidence"].triggered.connect(lambda: c.next_hardest("confidence"))
    actions["next_low_iou"].triggered.connect(lambda: c.next_hardest("iou"))
    actions["predict_folder"].triggered.connect(c.predict_folder)
    client.prediction_scanned.connect(c.on_scanned)
    client.scan_finished.connect(c.on_scan_finished)
    for action_name, dock in (("toggle_training_dock", training_dock), ("toggle_model_dock", model_panel)):
        actions[action_name].setChecked(True)
        actions[action_name].toggled.connect(lambda on, d=dock: _show_dock(d, on))
        # A dock behind another in a tab group is not visible but still open: the action follows isHidden.
        dock.visibilityChanged.connect(
            lambda _v, d=dock, a=actions[action_name]: a.setChecked(not d.isHidden())
        )
    model_panel.canvas_picker = CanvasPicker(window.canvas, scene, model_panel)
    model_panel.load_clicked.connect(lambda: c.load_model())
    model_panel.accept_selected.connect(c.accept)
    model_panel.reject_selected.connect(c.reject)
    model_panel.accept_all.connect(c.accept_all)
    model_panel.settings_changed.connect(c.on_settings_changed)
    training_dock.load_requested.connect(c.load_model)
    client.prediction_ready.connect(c.on_prediction)
    client.prediction_failed.connect(c.on_prediction_failed)
    client.model_loaded.connect(c.on_model_loaded)
    client.model_load_failed.connect(c.on_model_load_failed)
    client.worker_crashed.connect(c.on_crashed)
    window.image_shown.connect(c.on_image_shown)
    window.installEventFilter(c)
    # The window retranslates itself as soon as a language action fires; follow it at once too (connected
    # after the window's own slot, so the new translator is installed), not only on the posted LanguageChange.
    window_actions = getattr(window, "actions", None)
    for code in ("system", "en", "ko"):
        language_action = getattr(window_actions, f"language_{code}", None)
        if isinstance(language_action, QAction):
            language_action.triggered.connect(c.retranslate)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(client.shutdown)
    current = getattr(window, "current_path", None)
    if current:
        c.on_image_shown(str(current))
    window.model_features = f
    return f


def _show_dock(dock: QDockWidget, on: bool) -> None:
    """Open (and bring to the front of its tab group) or close ``dock``."""
    dock.setVisible(on)
    if on:
        dock.raise_()


def _view_menu(window: QMainWindow) -> QMenu | None:
    """The window's View menu, found through an action it is known to hold (title text may be translated)."""
    menus = getattr(window, "menus", None)
    if isinstance(menus, dict) and isinstance(menus.get("view"), QMenu):
        return menus["view"]
    actions = getattr(window, "actions", None)
    probe = getattr(actions, "show_boxes", None) if actions is not None and not callable(actions) else None
    if probe is not None:
        for obj in probe.associatedObjects():
            if isinstance(obj, QMenu):
                return obj
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None and menu.title().replace("&", "") in ("View", "보기"):
            return menu
    return None
