"""The prediction side of the model features in the labelling window: the Model dock, the canvas overlay layers,
prediction on navigation, the "why this class" heat map, accept/reject as undo commands, "next hardest" navigation,
the file list's "unreviewed predictions" status and worker-crash reporting.

Created by `annotator.ui.model.features.ModelFeatures`; talks to the worker only through the shared
`ModelClient`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from annotator.core.annotation import ImageAnnotation
from annotator.core.geometry import PREDICT_SCORE_FLOOR
from annotator.core.overlay_scene import OverlayScene
from annotator.core.prediction import Prediction
from annotator.core.prediction_review import ReviewTracker
from annotator.ui.model.client import ModelClient
from annotator.ui.model.overlays import OverlayLayer, OverlayStyle
from annotator.ui.model.panel import DockToggle, ModelPanel
from annotator.ui.model.picking import CanvasPicker
from annotator.ui.model.review import AcceptPredictionsCommand, RejectPredictionsCommand, review_status_text
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

OVERLAY_ACTIONS = {
    "overlay_predictions": "predictions",
    "overlay_iou": "iou",
    "overlay_grid": "grid",
    "overlay_mask": "mask",
    "overlay_cam": "cam",
}
"""Action name -> overlay it shows."""
LAYER_ORDER = ("mask", "cam", "grid", "predictions", "iou")
"""Canvas layers bottom to top."""


class PredictionFeatures(QObject):
    """Predictions of the loaded model over the shown image, and their review.

    Args:
        window: the labelling window.
        client: the model worker client shared with the training side.
        actions: the model actions by name (`annotator.ui.model.features.MODEL_ACTIONS`); connected here.
    """

    def __init__(self, window: MainWindow, client: ModelClient, actions: dict[str, QAction]) -> None:
        super().__init__(window)
        self._window = window
        self.client = client
        self.scene = OverlayScene()
        self.tracker = ReviewTracker()
        self.model_panel = ModelPanel(self.scene, window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.model_panel)
        style = OverlayStyle(window.class_colors)
        self.layers = {name: OverlayLayer(self.scene, name, style) for name in LAYER_ORDER}
        for layer in self.layers.values():
            window.canvas.add_overlay(layer)
        self.last_message = ""
        self._scan_total = self._scan_done = 0
        self._status_text: tuple[str, tuple] = ("", ())
        self._model_info: dict = {}
        self._cam_pending: str | None = None
        """The image a heat map request is on the way for (so a prediction without one does not ask twice)."""
        self.canvas_picker = CanvasPicker(window.canvas, self.scene, self.model_panel)
        self._connect(actions)

    def _connect(self, actions: dict[str, QAction]) -> None:
        for name, overlay in OVERLAY_ACTIONS.items():
            actions[name].toggled.connect(lambda on, o=overlay: self.toggle_overlay(o, on))
        self._show_predictions = actions["overlay_predictions"]
        self._show_cam = actions["overlay_cam"]
        self._show_cam.toggled.connect(self.model_panel.set_cam_checked)
        actions["grid_before_nms"].toggled.connect(self.set_before_nms)
        actions["load_model"].triggered.connect(lambda: self.load_model())
        actions["accept_prediction"].triggered.connect(lambda: self.accept())
        actions["accept_all_predictions"].triggered.connect(self.accept_all)
        actions["reject_prediction"].triggered.connect(lambda: self.reject())
        actions["next_low_confidence"].triggered.connect(lambda: self.next_hardest("confidence"))
        actions["next_low_iou"].triggered.connect(lambda: self.next_hardest("iou"))
        actions["predict_folder"].triggered.connect(self.predict_folder)
        self.toggle = DockToggle(self.model_panel, actions["toggle_model_dock"], self._window.make_room_for)
        panel = self.model_panel
        panel.load_clicked.connect(lambda: self.load_model())
        panel.accept_selected.connect(self.accept)
        panel.reject_selected.connect(self.reject)
        panel.accept_all.connect(self.accept_all)
        panel.settings_changed.connect(self.on_settings_changed)
        panel.cam_toggled.connect(self._show_cam.setChecked)
        panel.cam_class_changed.connect(self.on_cam_class_changed)
        client = self.client
        client.prediction_scanned.connect(self.on_scanned)
        client.scan_finished.connect(self.on_scan_finished)
        client.prediction_ready.connect(self.on_prediction)
        client.prediction_failed.connect(self.on_prediction_failed)
        client.model_loaded.connect(self.on_model_loaded)
        client.model_load_failed.connect(self.on_model_load_failed)
        client.worker_crashed.connect(self.on_crashed)

    # -- helpers --------------------------------------------------------------------------------------------
    def _status(self, template: str, *args: object, ms: int = 8000) -> None:
        """Show ``template`` (English source, translated here) formatted with ``args`` in the dock and status bar;
        kept so a language switch can show it again in the new language."""
        self._status_text = (template, args)
        text = _tr(template).format(*args) if template else ""
        self.last_message = text
        self.model_panel.status_label.setText(text)
        self._window.statusBar().showMessage(text.splitlines()[0], ms)

    def on_settings_changed(self) -> None:
        # The worker returns everything above this; a slider below the default asks it for more next time.
        self.client.score_threshold = min(PREDICT_SCORE_FLOOR, self.scene.settings.score_threshold)
        self.repaint()

    def repaint(self) -> None:
        document = self._window.document_model
        self.scene.annotation = document.annotation if document is not None else None
        self.model_panel.refresh()
        review = self.tracker.update(self.scene)
        if review is not None and self.scene.prediction is not None:
            self._set_file_status(self.scene.prediction.image_id)
        self._window.canvas.update()

    def _set_file_status(self, path: str) -> None:
        self._window.file_panel.set_extra_status(path, review_status_text(self.tracker, path))

    # -- navigation and predictions -------------------------------------------------------------------------
    def on_image_shown(self, path: str) -> None:
        self.scene.set_prediction(None)
        document = self._window.document_model
        self.scene.annotation = document.annotation if document is not None else None
        if document is not None:
            try:
                document.changed.connect(self.repaint, Qt.ConnectionType.UniqueConnection)
            except (RuntimeError, TypeError):  # already connected
                pass
        self.model_panel.refresh()
        self._window.canvas.update()
        self._predict(path)

    def _predict(self, path: str) -> None:
        """Ask for the shown image's predictions (with the heat map while the "why" overlay is on)."""
        if not self.client.model_path:
            self.client.set_current_image(path)
            return
        self.client.predict(path)
        self._cam_pending = path if self.client.explain else None

    def on_prediction(self, prediction: Prediction) -> None:
        old = self.scene.prediction
        if prediction.cam is not None:
            self._cam_pending = None
        elif (
            self.client.explain
            and old is not None
            and old.image_id == prediction.image_id
            and old.cam is not None
        ):  # a background scan's answer for the shown image: keep the heat map already here
            prediction.cam, prediction.cam_class = old.cam, old.cam_class
        self.scene.set_prediction(prediction)
        self.repaint()
        self._ask_cam()

    def retranslate(self) -> None:
        """Show the dock and the last messages in the language now installed."""
        self.model_panel.retranslate()
        if self._status_text[0]:
            template, args = self._status_text
            self.model_panel.status_label.setText(_tr(template).format(*args))
        for path in self.tracker.images:
            self._set_file_status(path)

    def on_prediction_failed(self, image: str, message: str) -> None:
        self._cam_pending = None
        self._status(_n("Prediction failed for {0}: {1}"), Path(image).name, message)

    def load_model(self, path: str | None = None) -> None:
        """Load ``path`` (asked for in a file dialog opened in the shown folder when not given) and predict the
        shown image with it."""
        if not path:
            window = self._window
            start = window.root or (str(Path(window.current_path).parent) if window.current_path else "")
            path, _ = QFileDialog.getOpenFileName(
                window, _tr("Load model"), start, _tr("Keras model (*.keras)")
            )
            if not path:
                return
        self.client.load_model(path)
        self._model_info = {}
        self.client.explain = False  # until its info says it has a class decision to explain
        self.model_panel.show_loading(path)
        if self._window.current_path:
            self._predict(self._window.current_path)
        if not (self.scene.visible & set(OVERLAY_ACTIONS.values())):
            self._show_predictions.setChecked(True)

    def on_model_loaded(self, path: str, info: dict) -> None:
        self._model_info = dict(info)
        self.model_panel.show_model(path, info)
        self.client.explain_class = self.scene.settings.cam_class
        self.set_explain(self._show_cam.isChecked())
        self.toggle.open()  # its knobs and predictions are what the user wants to see now
        self._status(_n("Model loaded: {0}"), Path(path).name)

    def on_model_load_failed(self, path: str, message: str) -> None:
        self._model_info = {}
        self.client.explain = False
        self.model_panel.show_no_model()
        self._status(_n("Could not load {0}: {1}"), Path(path).name, message)

    def on_crashed(self, message: str) -> None:
        self._status("{0}", message, ms=20000)

    def predict_folder(self) -> None:
        """Predict every image of the folder in the background so hardest-first can rank them all."""
        if not self.client.model_path:
            self._status(_n("Load a model first (Ctrl+Alt+O)."))
            return
        paths = list(self._window.file_panel.model.paths())
        self._scan_total, self._scan_done = self.client.predict_folder(paths), 0
        self._status(_n("Predicting {0} images in the background..."), self._scan_total)

    def on_scanned(self, prediction: Prediction) -> None:
        """A background prediction: rank it (with its ground truth from disk) without touching the view."""
        self._scan_done += 1
        scene = OverlayScene()
        scene.settings = self.scene.settings
        scene.set_prediction(prediction)
        scene.annotation = self._annotation_of(prediction.image_id)
        self.tracker.update(scene)
        self._set_file_status(prediction.image_id)
        if self._scan_done % 10 == 0:
            self._status(_n("Predicted {0} / {1} images"), self._scan_done, self._scan_total, ms=3000)

    def on_scan_finished(self) -> None:
        self._status(
            _n("{0} images predicted: Ctrl+Alt+C / Ctrl+Alt+U walk them hardest first."),
            len(self.tracker.images),
        )

    def _annotation_of(self, image_path: str) -> ImageAnnotation | None:
        """The ground truth of ``image_path``: the open document's when it is shown, else read from disk (None
        when there is no readable annotation file)."""
        current = self._window.document_model
        if current is not None and current.image_path == image_path:
            return current.annotation
        from annotator.core import voc
        from annotator.core.dataset import annotation_path_for

        root = self._window.root or str(Path(image_path).parent)
        xml = annotation_path_for(image_path, root, self._window.save_dir)
        try:
            return voc.read(xml) if xml.is_file() else None
        except (ValueError, OSError):
            return None

    # -- overlays -------------------------------------------------------------------------------------------
    def toggle_overlay(self, name: str, on: bool) -> None:
        if on:
            self.scene.visible.add(name)
        else:
            self.scene.visible.discard(name)
        if name == "cam":
            self.set_explain(on)
        self._window.canvas.update()

    # -- why this class -------------------------------------------------------------------------------------
    def can_explain(self) -> bool:
        """The loaded model has a class decision to explain: the box + class head and two classes or more (known
        once `on_model_loaded` brought its info; until then nothing is asked)."""
        info = self._model_info
        heads = info.get("heads") or []
        return "loc" in heads and len(info.get("class_names") or []) >= 2

    def set_explain(self, on: bool) -> None:
        """Ask for heat maps with the shown image's predictions (the "why" overlay is on), or stop asking."""
        self.client.explain = bool(on) and bool(self.client.model_path) and self.can_explain()
        self._ask_cam()

    def on_cam_class_changed(self) -> None:
        """Another class picked in the Model dock: show its heat map (turning the overlay on)."""
        self.client.explain_class = self.scene.settings.cam_class
        if not self._show_cam.isChecked():
            self._show_cam.setChecked(True)  # -> toggle_overlay -> set_explain -> _ask_cam
        else:
            self._ask_cam()
        self.repaint()

    def _ask_cam(self) -> None:
        """Ask the worker for the shown image's heat map when the prediction shown lacks the one wanted; not twice
        while one is on the way and none is shown (its answer asks again if the wanted class changed meanwhile)."""
        path = self._window.current_path
        if not self.client.explain or not path:
            return
        prediction = self.scene.prediction
        shown = prediction is not None and prediction.image_id == path
        if shown and not self.scene.cam_missing():
            return
        if self._cam_pending == path and not (shown and prediction.cam is not None):
            return
        self._predict(path)

    def set_before_nms(self, on: bool) -> None:
        self.scene.settings.before_nms = on
        self.repaint()

    # -- review ---------------------------------------------------------------------------------------------
    def _can_review(self) -> bool:
        document = self._window.document_model
        if self.scene.prediction is None or document is None:
            self._status(_n("No predictions for this image."))
            return False
        if document.read_only:
            self._status(_n("This annotation is read-only."))
            return False
        return True

    def _pending(self, indices: list[int] | None) -> list[int]:
        indices = self.model_panel.selected_indices() if indices is None else indices
        return [i for i in indices if i in self.scene.pending()]

    def accept(self, indices: list[int] | None = None) -> None:
        document = self._window.document_model
        if not self._can_review() or document is None:
            return
        indices = self._pending(indices)
        if indices:
            self._window.push(AcceptPredictionsCommand(document, self.scene, indices, self.repaint))

    def accept_all(self) -> None:
        if self._can_review():
            self.accept(self.scene.pending())

    def reject(self, indices: list[int] | None = None) -> None:
        if not self._can_review():
            return
        indices = self._pending(indices)
        if indices:
            self._window.push(RejectPredictionsCommand(self.scene, indices, self.repaint))

    def next_hardest(self, by: str) -> None:
        order = self._window.file_panel.model.paths()
        target = self.tracker.next_hardest(order, self._window.current_path, by)
        if target is None:
            self._status(
                _n("No other image with predictions to rank; predictions are made as images are shown.")
            )
            return
        self._window.open_path(target)
