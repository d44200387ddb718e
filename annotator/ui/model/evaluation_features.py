"""The evaluation side of the model features in the labelling window: the Evaluation dock, its request to the
worker, the file list's per-image counts, filter and sort, and stepping through the cases of a confusion cell with
their boxes highlighted on the canvas.

Created by `annotator.ui.model.features.ModelFeatures`; talks to the worker only through the shared
`ModelClient` (`ModelClient.evaluate` with an `annotator.core.evaluation_messages.EvaluateRequest`). The worker
answers with plain stored predictions; every figure is computed here with `annotator.core.evaluation`, so moving
a threshold never asks the model again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from annotator.core.evaluation import BACKGROUND, Case, EvaluationViews
from annotator.core.evaluation_lists import images_shown, sort_keys
from annotator.core.evaluation_messages import EvaluateRequest, EvaluationResult
from annotator.ui.model.client import ModelClient
from annotator.ui.model.evaluation_dock import EvaluationDock
from annotator.ui.model.evaluation_files import EvaluationFileBar
from annotator.ui.model.evaluation_overlay import EvaluationCaseLayer
from annotator.ui.model.evaluation_plots import label_text
from annotator.ui.model.panel import WATCHING_SHARE, DockToggle
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

FILE_STATUS_KEY = "evaluation"
"""The key of the per-image counts among the file list's extra statuses."""
VAL_LIST = Path("ImageSets") / "Main" / "val.txt"
NO_MODEL = _n("Load a model first (Model panel, or Ctrl+Alt+O).")
NO_FOLDER = _n("Open a folder of labelled images first.")


def _same_folder(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


class EvaluationFeatures(QObject):
    """The Evaluation dock in ``window`` and everything it drives.

    Args:
        window: the labelling window (the dock goes to its right dock area).
        client: the model worker client shared with the training and prediction sides.
        toggle: the checkable action that shows and hides the dock (kept in step both ways).

    Attributes (for the window and tests): ``dock``, ``file_bar``, ``layer``, ``request_id`` (the evaluation
    running, or None), ``cell`` (the chosen confusion cell), ``cases`` and ``case_index`` (the case shown).
    """

    def __init__(self, window: MainWindow, client: ModelClient, toggle: QAction) -> None:
        super().__init__(window)
        self._window = window
        self.client = client
        self.dock = EvaluationDock(window.class_colors, window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.file_bar = EvaluationFileBar()
        self.file_bar.hide()
        window.file_panel.add_tool_row(self.file_bar)
        self.layer = EvaluationCaseLayer()
        window.canvas.add_overlay(self.layer)
        self.request_id: int | None = None
        self._model_evaluated: str | None = None
        self._model_requested: str | None = None
        self._folder: str | None = None
        self.cell: tuple[int, int] | None = None
        self.cases: list[Case] = []
        self.case_index = -1
        # Ctrl+Alt+E, as F8 / F9 (it shares their tab group): open / bring to the front / close the one in front.
        self.toggle = DockToggle(self.dock, toggle, window.make_room_for)
        dock = self.dock
        dock.evaluate_requested.connect(self.evaluate)
        dock.cancel_requested.connect(self.cancel)
        dock.cell_chosen.connect(self.choose_cell)
        dock.case_step.connect(self.step_case)
        dock.cell_cleared.connect(self.clear_cell)
        dock.views_changed.connect(self._on_views)
        dock.file_counts_changed.connect(
            lambda texts: window.file_panel.model.set_extra_statuses(texts, key=FILE_STATUS_KEY)
        )
        self.file_bar.changed.connect(self._apply_file_list)
        client.model_loaded.connect(self._on_model_loaded)
        client.model_load_failed.connect(lambda _path, _message: self._update_state())
        client.evaluation_progress.connect(self._on_progress)
        client.evaluation_ready.connect(self._on_ready)
        client.evaluation_finished.connect(self._on_finished)
        client.evaluation_failed.connect(self._on_failed)
        self._update_state()

    # -- state ----------------------------------------------------------------------------------------------
    def folder(self) -> str | None:
        """The folder evaluated: the window's open folder (or the shown image's own folder)."""
        root = self._window.root
        if root and os.path.isdir(root):
            return str(root)
        current = self._window.current_path
        return str(Path(current).parent) if current else None

    def val_split_count(self) -> int | None:
        """Images in the validation list of the loaded model's training, when it trained on this folder."""
        folder = self.folder()
        train = (self.client.model_info or {}).get("train") or {}
        data_dir = train.get("data_dir") if isinstance(train, dict) else None
        if not folder or not isinstance(data_dir, str) or not _same_folder(data_dir, folder):
            return None
        try:
            return len((Path(folder) / VAL_LIST).read_text(encoding="utf-8").split())
        except (OSError, UnicodeDecodeError):
            return None

    def _update_state(self) -> None:
        self.dock.set_splits(self.val_split_count())
        folder = self.folder()
        blocked = NO_MODEL if not self.client.model_path else NO_FOLDER if not folder else ""
        self.dock.set_can_evaluate(not blocked)
        if blocked and self.request_id is None:
            self.dock.set_status(blocked)
        elif not blocked and self.dock.status_template() in (NO_MODEL, NO_FOLDER):
            self.dock.set_status("")

    def on_image_shown(self, path: str) -> None:
        """Another folder drops the results (they belong to the old one); the cases of the shown image are
        highlighted while a confusion cell is chosen."""
        folder = self.folder()
        if folder != self._folder:
            self._folder = folder
            self.drop_results()
            self._update_state()
        self._highlight(path)

    def _on_model_loaded(self, path: str, _info: dict) -> None:
        if self._model_evaluated is not None and path != self._model_evaluated:
            self.drop_results()  # they are another model's
        self._update_state()

    def drop_results(self) -> None:
        """Forget the shown results: the panel, the file list's counts, filter and sort, the highlight."""
        if self.dock.data is None:
            return
        self.clear_cell()
        self.dock.clear_result()
        self.file_bar.hide()
        self._window.file_panel.arrange(None, None)
        self._model_evaluated = None

    def retranslate(self) -> None:
        self.dock.retranslate()
        self.file_bar.retranslate()
        self._show_case_text()

    # -- the worker -----------------------------------------------------------------------------------------
    def evaluate(self, split: str = "val") -> int | None:
        """Ask the worker to evaluate the loaded model on the folder (``split``: ``val`` or ``all``)."""
        folder = self.folder()
        if not self.client.model_path or not folder:
            self._update_state()
            return None
        if split == "val" and self.val_split_count() is None:
            split = "all"
        if self.request_id is not None:
            self.client.cancel_evaluation(self.request_id)
        request = EvaluateRequest(
            model=str(self.client.model_path),
            data_dir=folder,
            save_dir=str(self._window.save_dir) if self._window.save_dir else None,
            split=split,
            nms_iou=float(self.client.nms_iou),
        )
        self.request_id = self.client.evaluate(request)
        self._model_requested = request.model
        self.dock.show_running()
        return self.request_id

    def cancel(self) -> None:
        if self.request_id is not None:
            self.client.cancel_evaluation(self.request_id)
            self.dock.cancel_button.setEnabled(False)
            self.dock.set_status(_n("Cancelling after the current batch..."))

    def _on_progress(self, rid: int, phase: str, done: int, total: int) -> None:
        if rid == self.request_id:
            self.dock.show_progress(phase, done, total)

    def _on_ready(self, rid: int, result: EvaluationResult) -> None:
        if rid != self.request_id:
            return  # an older request's answer: the user asked again since
        self.clear_cell()
        self._model_evaluated = self._model_requested
        paths = {img.image_id: img.image_path or "" for img in result.data.images}
        self.file_bar.show()
        self.dock.show_result(result.data, paths, result.figures)
        if self.dock.isVisible():  # results to read: the table and the heat map get most of the side
            self._window.make_room_for(self.dock, WATCHING_SHARE)
        split = _n("its validation split") if result.split == "val" else _n("all labelled images")
        self.dock.show_stopped(_n("Evaluated {0} images ({1})."), len(result.data), _tr(split))

    def _on_finished(self, rid: int, cancelled: bool) -> None:
        if rid != self.request_id:
            return
        self.request_id = None
        if cancelled:
            self.dock.show_stopped(_n("Evaluation cancelled."))
        self._update_state()

    def _on_failed(self, rid: int, message: str) -> None:
        if rid != self.request_id:
            return
        self.request_id = None
        self.dock.show_stopped(_n("Evaluation failed: {0}"), message)
        self._update_state()

    # -- views, file list -----------------------------------------------------------------------------------
    def _on_views(self, views: EvaluationViews) -> None:
        if self.cell is not None:
            self._refresh_cases(views)
        self._apply_file_list()

    def _apply_file_list(self) -> None:
        views, panel = self.dock.views, self._window.file_panel
        if views is None:
            return
        paths = self.dock.paths
        cell_images = [c.image_id for c in self.cases]
        shown = images_shown(views, self.file_bar.filter_mode, cell_images)
        keys = sort_keys(views, self.file_bar.sort_mode)
        panel.arrange(
            None if shown is None else [paths[i] for i in shown if paths.get(i)],
            None if keys is None else {paths[i]: v for i, v in keys.items() if paths.get(i)},
        )

    # -- confusion cells and their cases --------------------------------------------------------------------
    def choose_cell(self, row: int, col: int) -> None:
        """List the images of confusion cell (row, col) in the file list and show its first case."""
        data, views = self.dock.data, self.dock.views
        if data is None or views is None:
            return
        cases = data.cases(views, row, col)
        if not cases:
            self.dock.set_status(_n("No cases in this cell at these thresholds."))
            return
        self.cell, self.cases, self.case_index = (row, col), cases, 0
        self.dock.confusion.set_selected(self.cell)
        self.file_bar.set_cell_available(True)
        self.file_bar.set_filter_mode("cell")
        self._apply_file_list()
        self.show_case(0)

    def _refresh_cases(self, views: EvaluationViews) -> None:
        """The chosen cell at new thresholds: its cases again, staying on the shown image where it still has one."""
        data, cell = self.dock.data, self.cell
        if data is None or cell is None:
            return
        self.cases = data.cases(views, *cell)
        current = self._window.current_path
        here = [i for i, c in enumerate(self.cases) if self.dock.paths.get(c.image_id) == current]
        self.case_index = here[0] if here else min(self.case_index, len(self.cases) - 1)
        if current:
            self._highlight(current)
        self._show_case_text()

    def step_case(self, step: int) -> None:
        """The next (or previous, ``step=-1``) case of the chosen cell, round the end."""
        if self.cases:
            self.show_case((self.case_index + step) % len(self.cases))

    def show_case(self, index: int) -> None:
        """Open the image of case ``index`` and highlight its boxes."""
        if not 0 <= index < len(self.cases):
            return
        self.case_index = index
        path = self.dock.paths.get(self.cases[index].image_id)
        if path and path != self._window.current_path:
            self._window.open_path(path)  # image_shown -> _highlight
        elif path:
            self._highlight(path)
        self._window.file_panel.select_path(path or "")
        self._show_case_text()

    def clear_cell(self) -> None:
        """Let the chosen cell go: every image in the list again, no highlight."""
        self.cell, self.cases, self.case_index = None, [], -1
        self.dock.confusion.set_selected(None)
        self.file_bar.set_cell_available(False)
        self.layer.set_cases([])
        self._window.canvas.update()
        self._show_case_text()

    def _highlight(self, path: str) -> None:
        """Highlight the chosen cell's cases in the image at ``path``; the case index follows a click in the
        file list onto another image."""
        if not self.cases:
            self.layer.set_cases([])
            return
        here = [i for i, c in enumerate(self.cases) if self.dock.paths.get(c.image_id) == path]
        if here and self.case_index not in here:
            self.case_index = here[0]
            self._show_case_text()
        current = self.cases[self.case_index] if self.case_index in here else None
        self.layer.set_cases([self.cases[i] for i in here], current)
        self._window.canvas.update()

    def _show_case_text(self) -> None:
        if self.cell is None or not self.cases:
            text = "" if self.cell is None else _tr("No cases in this cell at these thresholds.")
            self.dock.show_case(text, False)
            return
        case = self.cases[self.case_index]
        labelled, predicted = case.labelled, case.predicted
        if labelled == BACKGROUND:
            what = _tr("false alarms: {0} predicted where nothing is labelled").format(predicted)
        elif predicted == BACKGROUND:
            what = _tr("missed: labelled {0} boxes the model did not find").format(labelled)
        elif labelled == predicted:
            what = _tr("{0} found").format(labelled)
        else:
            what = _tr("{0} predicted as {1}").format(labelled, label_text(predicted))
        images = len({c.image_id for c in self.cases})
        where = _tr("case {0} of {1} in {2} image(s): {3}").format(
            self.case_index + 1, len(self.cases), images, Path(self.dock.paths.get(case.image_id, "")).name
        )
        self.dock.show_case(f"{what}\n{where}", len(self.cases) > 1)
