"""The model features of the labelling window: ``window.install_model_features()`` builds a `ModelFeatures`.

One `ModelClient` (the worker) shared by the training side (`training_features`: the Training dock, the
close-during-training guard), the prediction side (`prediction_features`: the Model dock, overlays,
review, hardest-first navigation) and the evaluation side (`evaluation_features`: the Evaluation dock). This module declares the model actions once as data, builds the Model menu
and the View menu entries from them, follows language switches and shuts the worker down with the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from annotator.ui.model.client import ModelClient
from annotator.ui.model.evaluation_features import EvaluationFeatures
from annotator.ui.model.mistakes_features import MistakesFeatures
from annotator.ui.model.prediction_features import PredictionFeatures
from annotator.ui.model.training_features import TrainingFeatures
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


@dataclass(frozen=True)
class ModelActionSpec:
    """One model action: every one goes in the Model menu; ``in_view_menu`` ones in the View menu too."""

    name: str
    text: str
    shortcut: str
    checkable: bool = False
    in_view_menu: bool = False
    separator_after: bool = False


MENU_TITLE = _n("&Model")
# Shortcuts chosen to collide with nothing in annotator.ui.actions (a test checks it).
MODEL_ACTIONS: tuple[ModelActionSpec, ...] = (
    ModelActionSpec("overlay_predictions", _n("Show &predictions"), "Ctrl+Alt+P", True, True),
    ModelActionSpec("overlay_iou", _n("Show prediction &IoU"), "Ctrl+Alt+I", True, True),
    ModelActionSpec("overlay_grid", _n("Show YOLO &grid"), "Ctrl+Alt+G", True, True),
    ModelActionSpec("overlay_mask", _n("Show segmentation &mask"), "Ctrl+Alt+M", True, True),
    ModelActionSpec("overlay_cam", _n("Show &why this class (heat map)"), "Ctrl+Alt+W", True, True),
    ModelActionSpec("grid_before_nms", _n("Grid: show detections &before NMS"), "Ctrl+Alt+N", True, True),
    ModelActionSpec("load_model", _n("&Load model..."), "Ctrl+Alt+O", separator_after=True),
    ModelActionSpec("accept_prediction", _n("&Accept prediction"), "Ctrl+Alt+A"),
    ModelActionSpec(
        "accept_all_predictions", _n("Accept all predictions above &threshold"), "Ctrl+Alt+Shift+A"
    ),
    ModelActionSpec("reject_prediction", _n("&Reject prediction"), "Ctrl+Alt+X"),
    ModelActionSpec("next_low_confidence", _n("Next image by lowest &confidence"), "Ctrl+Alt+C"),
    ModelActionSpec("next_low_iou", _n("Next image by lowest I&oU"), "Ctrl+Alt+U"),
    ModelActionSpec("predict_folder", _n("Predict all &images (for hardest-first)"), "Ctrl+Alt+F"),
    ModelActionSpec("find_mistakes", _n("Find likely label mi&stakes"), "Ctrl+Alt+L"),
    ModelActionSpec(
        "open_mistakes", _n("Open a list of likely mista&kes..."), "Ctrl+Alt+Shift+L", separator_after=True
    ),
    ModelActionSpec("toggle_training_dock", _n("&Training panel"), "F9", True, True),
    ModelActionSpec("toggle_model_dock", _n("&Model panel"), "F8", True, True),
    ModelActionSpec("toggle_evaluation_dock", _n("&Evaluation panel"), "Ctrl+Alt+E", True, True),
    ModelActionSpec("toggle_mistakes_dock", _n("Likely label mistakes &panel"), "F6", True, True),
)


class ModelFeatures(QObject):
    """The worker client, the model actions and menu, and the training and prediction sides, in ``window``.

    Build it through `MainWindow.install_model_features` (once, after the window built its canvas, menus and
    file list). The attributes are for the window and for tests.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.client = ModelClient(window)
        self.actions = self._create_actions(window)
        self.training = TrainingFeatures(window, self.client, self.actions["toggle_training_dock"])
        self.prediction = PredictionFeatures(window, self.client, self.actions)
        self.evaluation = EvaluationFeatures(window, self.client, self.actions["toggle_evaluation_dock"])
        self.evaluation_dock = self.evaluation.dock
        self.training_dock = self.training.training_dock
        self.mistakes = MistakesFeatures(window, self.client, self.actions)
        self.mistakes_dock = self.mistakes.dock
        self.model_panel = self.prediction.model_panel
        # The side panels in the order run_gui places them (the first below the file list, the rest tabbed
        # behind it, hidden until asked for): one tuple, so the tests place them as the app does.
        self.side_docks = (self.model_panel, self.training_dock, self.evaluation_dock)
        self.scene = self.prediction.scene
        self.layers = self.prediction.layers
        self.tracker = self.prediction.tracker
        self.menu = window.menuBar().addMenu(_tr(MENU_TITLE))
        self.menu.setObjectName("model_menu")
        self._build_menus()
        self.training_dock.load_requested.connect(self.prediction.load_model)
        window.image_shown.connect(self.on_image_shown)
        window.installEventFilter(self)
        # The window retranslates itself as soon as a language action fires; follow it at once too (connected
        # after the window's own slot, so the new translator is installed), not only on the posted LanguageChange.
        for action in (
            window.actions.language_system,
            window.actions.language_en,
            window.actions.language_ko,
        ):
            action.triggered.connect(self.retranslate)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.client.shutdown)
        if window.current_path:
            self.on_image_shown(window.current_path)

    @staticmethod
    def _create_actions(window: MainWindow) -> dict[str, QAction]:
        actions: dict[str, QAction] = {}
        for spec in MODEL_ACTIONS:
            action = QAction(_tr(spec.text), window)
            action.setObjectName(spec.name)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(spec.checkable)
            window.addAction(action)  # shortcuts work even with the menu bar hidden
            actions[spec.name] = action
        return actions

    def _build_menus(self) -> None:
        view = self._window.menus["view"]
        view.addSeparator()
        for spec in MODEL_ACTIONS:
            self.menu.addAction(self.actions[spec.name])
            if spec.separator_after:
                self.menu.addSeparator()
            if spec.in_view_menu:
                view.addAction(self.actions[spec.name])

    def on_image_shown(self, path: str) -> None:
        self.prediction.on_image_shown(path)
        self.training.on_image_shown(path)
        self.evaluation.on_image_shown(path)
        self.mistakes.on_image_shown(path)

    def retranslate(self) -> None:
        """Show the menu, the actions, the docks and the last messages in the language now installed."""
        self.menu.setTitle(_tr(MENU_TITLE))
        for spec in MODEL_ACTIONS:
            self.actions[spec.name].setText(_tr(spec.text))
        self.training.retranslate()
        self.prediction.retranslate()
        self.evaluation.retranslate()
        self.mistakes.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif watched is self._window and event.type() == QEvent.Type.Close:
            if not self.training.may_close():
                event.ignore()
                return True
            self.client.shutdown()
        return False


def install_model_features(window: MainWindow) -> ModelFeatures:
    """The window's model features, built on the first call (`MainWindow.install_model_features`)."""
    return window.install_model_features()
