"""The "Evaluation" dock: evaluate the loaded model on the folder, then see it per class, as a confusion matrix,
as precision-recall curves and per image, at any score and IoU threshold.

The dock holds widgets and the stored predictions (`annotator.core.evaluation.EvaluationData`) only; the worker
request, the file list and the canvas are wired by `annotator.ui.model.evaluation_features`. A threshold change
recomputes the views from the stored predictions (never the model) and redraws every part: the class table, the
confusion heat map, the curves, and (through `file_counts_changed`) the file list's per-image counts.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.evaluation import EvaluationData, EvaluationViews
from annotator.core.geometry import DEFAULT_MATCH_IOU, DEFAULT_SCORE_THRESHOLD
from annotator.ui.canvas.box_painter import ClassColors
from annotator.ui.model.evaluation_plots import ConfusionMatrixView, CurvesView
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

INTRO_TEXT = _n(
    "Evaluate the loaded model on this folder's labelled images: per class, which classes it confuses, and "
    "which images hold its misses and false alarms."
)
TABLE_COLUMNS = (
    _n("Class"),
    _n("Labelled"),
    _n("AP@0.5"),
    _n("Precision"),
    _n("Recall"),
    _n("Mean IoU"),
)
TABLE_TIPS = (
    "",
    _n("Labelled boxes of this class"),
    _n("Average precision at the IoU threshold (COCO's 101-point method), whatever the score threshold"),
    _n("Share of the detections above the score threshold that match a labelled box"),
    _n("Share of the labelled boxes found by a detection above the score threshold"),
    _n("Mean IoU of the matched boxes"),
)
PHASE_TEXTS = {
    "loading": _n("Reading images: {0} / {1}"),
    "predicting": _n("Predicting: {0} / {1} images"),
}
PANEL_MIN_WIDTH = 340
"""Room for the class table's six columns and a confusion matrix of six classes without squeezing."""
SCORE_RANGE = (0, 99)
IOU_RANGE = (10, 95)


class _NumberItem(QTableWidgetItem):
    """A table cell that sorts by its number (empty figures, shown as "–", sort first)."""

    def __init__(self, value: float, text: str) -> None:
        super().__init__(text)
        self.value = value if math.isfinite(value) else -1.0
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _NumberItem):
            return self.value < other.value
        return super().__lt__(other)


def _figure(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else "–"


def _slider(low: int, high: int, value: float) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(low, high)
    slider.setPageStep(5)
    slider.setValue(round(value * 100))
    return slider


class EvaluationDock(QDockWidget):
    """The Evaluation panel (see the module docstring).

    Signals:
        evaluate_requested(str): Evaluate pressed, with the split chosen (``"val"`` or ``"all"``).
        cancel_requested(): Cancel pressed while evaluating.
        cell_chosen(int, int): a confusion cell clicked (labelled row, predicted column).
        case_step(int): -1 / +1 from the Previous / Next case buttons.
        cell_cleared(): the chosen cell let go (Show all images).
        views_changed(object): the `EvaluationViews` after every recomputation.
        file_counts_changed(dict): image path -> its counts in words, for the file list (after every
            recomputation; empty when the results are cleared).
    """

    evaluate_requested = Signal(str)
    cancel_requested = Signal()
    cell_chosen = Signal(int, int)
    case_step = Signal(int)
    cell_cleared = Signal()
    views_changed = Signal(object)
    file_counts_changed = Signal(dict)

    def __init__(self, colors: ClassColors | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluation_dock")
        self.data: EvaluationData | None = None
        self.views: EvaluationViews | None = None
        self.paths: dict[str, str] = {}
        self.figures: dict = {}
        self._status: tuple[str, tuple] = ("", ())
        self._val_count: int | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        layout.addWidget(self.intro_label)

        row = QHBoxLayout()
        self.split_label = QLabel()
        self.split_combo = QComboBox()
        self.split_combo.addItem("", "val")
        self.split_combo.addItem("", "all")
        self.evaluate_button = QPushButton()
        self.evaluate_button.setObjectName("evaluate_button")
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        # One row for what to evaluate and the buttons: on a laptop's side panel every line counts (the class
        # table needs the height); the combo box narrows to the room left (its list still shows whole entries).
        self.split_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.split_combo.setMinimumContentsLength(10)
        row.addWidget(self.split_label)
        row.addWidget(self.split_combo, 1)
        row.addWidget(self.evaluate_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.thresholds = QWidget()
        form = QFormLayout(self.thresholds)
        form.setContentsMargins(0, 0, 0, 0)
        self.score_slider = _slider(*SCORE_RANGE, DEFAULT_SCORE_THRESHOLD)
        self.iou_slider = _slider(*IOU_RANGE, DEFAULT_MATCH_IOU)
        self.score_name, self.iou_name = QLabel(), QLabel()
        self.score_value, self.iou_value = QLabel(), QLabel()
        for name, slider, value in (
            (self.score_name, self.score_slider, self.score_value),
            (self.iou_name, self.iou_slider, self.iou_value),
        ):
            value.setMinimumWidth(34)
            line = QHBoxLayout()
            line.addWidget(slider, 1)
            line.addWidget(value)
            form.addRow(name, line)
        layout.addWidget(self.thresholds)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary_label)

        self.tabs = QTabWidget()
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the model's class order until a click
        self.table.setSortingEnabled(True)
        self.table.setMinimumHeight(140)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the others fit once per fill
        self.confusion = ConfusionMatrixView()
        self.confusion_hint = QLabel()
        self.confusion_hint.setWordWrap(True)
        confusion_page = QWidget()
        confusion_layout = QVBoxLayout(confusion_page)
        confusion_layout.setContentsMargins(2, 2, 2, 2)
        confusion_layout.addWidget(self.confusion_hint)
        confusion_layout.addWidget(self.confusion)
        confusion_layout.addStretch(1)
        confusion_scroll = QScrollArea()
        confusion_scroll.setWidgetResizable(True)
        confusion_scroll.setFrameShape(QFrame.Shape.NoFrame)
        confusion_scroll.setWidget(confusion_page)
        self.curves = CurvesView(colors)
        self.tabs.addTab(self.table, "")
        self.tabs.addTab(confusion_scroll, "")
        self.tabs.addTab(self.curves, "")

        self.case_bar = QFrame()
        self.case_bar.setFrameShape(QFrame.Shape.StyledPanel)
        case_layout = QVBoxLayout(self.case_bar)
        case_layout.setContentsMargins(4, 4, 4, 4)
        self.case_label = QLabel()
        self.case_label.setWordWrap(True)
        case_buttons = QHBoxLayout()
        self.prev_case_button, self.next_case_button = QPushButton(), QPushButton()
        self.clear_case_button = QPushButton()
        for button in (self.prev_case_button, self.next_case_button, self.clear_case_button):
            case_buttons.addWidget(button)
        case_buttons.addStretch(1)
        case_layout.addWidget(self.case_label)
        case_layout.addLayout(case_buttons)
        self.case_bar.hide()
        layout.addWidget(self.case_bar)  # above the tabs: in view whichever tab is open
        layout.addWidget(self.tabs, 1)
        # The panel scrolls rather than making the window taller than a small screen once results are in.
        scroll = QScrollArea()
        scroll.setObjectName("evaluation_dock_scroll")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setMinimumHeight(120)
        scroll.setMinimumWidth(PANEL_MIN_WIDTH)
        self.setWidget(scroll)

        self.evaluate_button.clicked.connect(
            lambda: self.evaluate_requested.emit(str(self.split_combo.currentData()))
        )
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.score_slider.valueChanged.connect(self.recompute)
        self.iou_slider.valueChanged.connect(self.recompute)
        self.confusion.cell_clicked.connect(self.cell_chosen)
        self.prev_case_button.clicked.connect(lambda: self.case_step.emit(-1))
        self.next_case_button.clicked.connect(lambda: self.case_step.emit(1))
        self.clear_case_button.clicked.connect(self.cell_cleared)
        self.set_splits(None)
        self._show_results_widgets(False)
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_tr("Evaluation"))
        self.intro_label.setText(_tr(INTRO_TEXT))
        self.split_label.setText(_tr("Images:"))
        self._split_texts()
        self.evaluate_button.setText(_tr("Evaluate"))
        self.evaluate_button.setToolTip(
            _tr("Predict every image once in the model worker; thresholds then change without it.")
        )
        self.cancel_button.setText(_tr("Cancel"))
        self.score_name.setText(_tr("Score threshold"))
        self.score_name.setToolTip(_tr("Detections scoring less than this are not counted."))
        self.iou_name.setText(_tr("Match IoU"))
        self.iou_name.setToolTip(_tr("A detection matches a labelled box when their IoU is at least this."))
        self._show_threshold_values()
        self.table.setHorizontalHeaderLabels([_tr(t) for t in TABLE_COLUMNS])
        for col, tip in enumerate(TABLE_TIPS):
            item = self.table.horizontalHeaderItem(col)
            if item is not None and tip:
                item.setToolTip(_tr(tip))
        self.tabs.setTabText(0, _tr("Classes"))
        self.tabs.setTabText(1, _tr("Confusion"))
        self.tabs.setTabText(2, _tr("Curves"))
        self.confusion_hint.setText(
            _tr("Rows: labelled class; columns: predicted. Click a cell to list its images.")
        )
        self.prev_case_button.setText(_tr("< Previous"))
        self.next_case_button.setText(_tr("Next >"))
        self.clear_case_button.setText(_tr("Show all images"))
        self.curves.retranslate()
        if self._status[0]:
            self.set_status(self._status[0], *self._status[1])
        if self.views is not None:
            self._show_summary(self.views)
            self.file_counts_changed.emit(self._file_texts(self.views))
        self.confusion.update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_status(self, template: str, *args: object) -> None:
        """Show ``template`` (an English source marked with `_n`) translated and formatted; kept for a language
        switch."""
        self._status = (template, args)
        self.status_label.setText(_tr(template).format(*args) if template else "")

    def status_template(self) -> str:
        """The English source of the message shown now ("" when none)."""
        return self._status[0]

    def _split_texts(self) -> None:
        if self._val_count is None:
            val = _tr("Validation split (the model was not trained on this folder)")
        else:
            val = _tr("Validation split of the model's training ({0} images)").format(self._val_count)
        self.split_combo.setItemText(0, val)
        self.split_combo.setItemText(1, _tr("All labelled images"))

    # -- state ----------------------------------------------------------------------------------------------
    def set_splits(self, val_count: int | None) -> None:
        """Offer the model's validation split (``val_count`` images, the default) or, when None (no split of
        this folder is known for the model), all labelled images only."""
        self._val_count = val_count
        item = self.split_combo.model().item(0)
        item.setEnabled(val_count is not None)
        self.split_combo.setCurrentIndex(0 if val_count is not None else 1)
        self._split_texts()

    def set_can_evaluate(self, can: bool) -> None:
        self.evaluate_button.setEnabled(can and not self.cancel_button.isVisible())

    def show_running(self) -> None:
        self.evaluate_button.setEnabled(False)
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.set_status(_n("Starting the evaluation..."))

    def show_progress(self, phase: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.set_status(PHASE_TEXTS.get(phase, "{0} / {1}"), done, total)

    def show_stopped(self, template: str, *args: object) -> None:
        """Back to idle after a run (cancelled, failed or done) with a message."""
        self.cancel_button.hide()
        self.progress.hide()
        self.evaluate_button.setEnabled(True)
        self.set_status(template, *args)

    def _show_results_widgets(self, on: bool) -> None:
        for widget in (self.thresholds, self.summary_label, self.tabs):
            widget.setVisible(on)
        self.intro_label.setVisible(not on)

    def show_result(self, data: EvaluationData, paths: dict[str, str], figures: dict | None = None) -> None:
        """Show stored predictions (``paths``: image id -> file) at the current thresholds."""
        self.data, self.paths, self.figures = data, dict(paths), dict(figures or {})
        self.curves.clear()
        self._show_results_widgets(True)
        self.recompute()

    def clear_result(self) -> None:
        """Forget the results (another folder or model)."""
        self.data, self.views, self.paths, self.figures = None, None, {}, {}
        self.table.setRowCount(0)
        self.confusion.set_matrix([], [])
        self.curves.clear()
        self.summary_label.setText("")
        self.case_bar.hide()
        self._show_results_widgets(False)
        self.file_counts_changed.emit({})

    @property
    def score_threshold(self) -> float:
        return self.score_slider.value() / 100

    @property
    def iou_threshold(self) -> float:
        return self.iou_slider.value() / 100

    def _show_threshold_values(self) -> None:
        self.score_value.setText(f"{self.score_threshold:.2f}")
        self.iou_value.setText(f"{self.iou_threshold:.2f}")

    # -- views ----------------------------------------------------------------------------------------------
    def recompute(self) -> None:
        """Views at the sliders' thresholds from the stored predictions, into every widget."""
        self._show_threshold_values()
        if self.data is None:
            return
        views = self.data.views(self.score_threshold, self.iou_threshold)
        self.views = views
        self._fill_table(views)
        self.confusion.set_matrix(views.confusion_labels, views.confusion)
        self.curves.set_views(views)
        self._show_summary(views)
        self.file_counts_changed.emit(self._file_texts(views))
        self.views_changed.emit(views)

    def _fill_table(self, views: EvaluationViews) -> None:
        table = self.table
        sort_column = table.horizontalHeader().sortIndicatorSection()
        order = table.horizontalHeader().sortIndicatorOrder()
        table.setSortingEnabled(False)
        table.setRowCount(len(views.per_class))
        for row, c in enumerate(views.per_class):
            table.setItem(row, 0, QTableWidgetItem(c.name))
            for col, (value, text) in enumerate(
                (
                    (float(c.n_gt), str(c.n_gt)),
                    (c.ap, _figure(c.ap)),
                    (c.precision, _figure(c.precision)),
                    (c.recall, _figure(c.recall)),
                    (c.mean_iou, _figure(c.mean_iou)),
                ),
                start=1,
            ):
                table.setItem(row, col, _NumberItem(value, text))
        table.setSortingEnabled(True)
        if 0 <= sort_column < table.columnCount():
            table.sortItems(sort_column, order)
        for col in range(1, table.columnCount()):
            table.resizeColumnToContents(col)

    def _show_summary(self, views: EvaluationViews) -> None:
        totals = [sum(getattr(c, k) for c in views.images) for k in ("matches", "misses", "false_alarms")]
        wrong = sum(c.wrong_classes for c in views.images)
        text = _tr(
            "{0} images: mAP@{1:.2f} {2:.3f}; {3} found, {4} missed, {5} false alarms, {6} wrong classes"
        ).format(len(views.images), views.iou_threshold, views.map, totals[0], totals[1], totals[2], wrong)
        problems = self.figures.get("n_problems")
        if problems:
            text += "\n" + _tr(
                "{0} file(s) or box(es) skipped (unreadable, or a class the model does not know)"
            ).format(problems)
        self.summary_label.setText(text)

    def _file_texts(self, views: EvaluationViews) -> dict[str, str]:
        templates = [
            _tr(t)
            for t in (_n("{0} found"), _n("{0} missed"), _n("{0} false alarm(s)"), _n("{0} wrong class(es)"))
        ]
        empty = _tr("nothing labelled or found")
        texts = {}
        for c in views.images:
            path = self.paths.get(c.image_id)
            if not path:
                continue
            values = (c.matches, c.misses, c.false_alarms, c.wrong_classes)
            parts = [t.format(v) for t, v in zip(templates, values, strict=True) if v]
            texts[path] = ", ".join(parts) if parts else empty
        return texts

    # -- cases ----------------------------------------------------------------------------------------------
    def show_case(self, text: str, can_step: bool) -> None:
        """The case bar under the tabs: which cell and case is shown; hidden when ``text`` is empty."""
        self.case_bar.setVisible(bool(text))
        self.case_label.setText(text)
        self.prev_case_button.setEnabled(can_step)
        self.next_case_button.setEnabled(can_step)
