"""The training dock: settings, dataset counts, Start/Cancel, progress with ETA, live curves, log, past runs.

Talks only to `annotator.ui.model.client.ModelClient`: it builds an `annotator.core.worker_messages.TrainRequest`,
and reads the `ProgressEvent`s and the `TrainOutcome` that come back; the training itself runs in the worker
process. Each run is saved in ``DATA/.flower-annotator/runs/<time>-<backbone>/`` (``model.keras`` + ``run.json``).

The dataset counts are live (`annotator.ui.model.dataset_counts_label`): `TrainingDock.image_changed` counts one
image again whenever the window saves it, and the split note says where the split files are once a run has
written them.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.dataset_counts import DatasetSummary
from annotator.core.model_facts import (
    BACKBONES,
    WIDTHS,
    default_input_size,
    default_width,
    imagenet_file_name,
)
from annotator.core.phase_texts import batch_text, phase_line, phase_name
from annotator.core.training_runs import (
    imagenet_weights_status,
    list_runs,
    new_run_dir,
)
from annotator.core.worker_messages import ProgressEvent, TrainOutcome, TrainRequest
from annotator.ui.model.client import ModelClient
from annotator.ui.model.dataset_counts_label import DatasetCountsLabel
from annotator.ui.model.training_curves import TrainingCurves
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr
from annotator.ui.wrapping_note import WrappingNote

_WEIGHT_CHOICES = ("none", "imagenet", "file")
_HEAD_TEXTS = {"loc": _n("box + class"), "grid": _n("YOLO grid"), "seg": _n("mask")}
_COMBO_MIN_CHARS = 10
"""Characters a settings combo box keeps room for however narrow the panel ("none (from scratch)" is 19)."""
_RUN_COLUMNS = (_n("Run"), _n("Settings"), _n("Status"), _n("Metrics"), _n("Model"))


def _shrinkable(combo: QComboBox) -> QComboBox:
    """A combo box as narrow as the panel needs: its width no longer follows its longest entry (the popup still
    shows every entry whole)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(_COMBO_MIN_CHARS)
    return combo


def _fmt_eta(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    m, s = divmod(int(round(seconds)), 60)
    return _tr("ETA {0}:{1:02d}").format(m, s)


class TrainingDock(QDockWidget):
    """Dock widget that configures, starts, cancels and watches training runs.

    Signals:
        load_requested(str): the user asked to load this model file for predictions.
        run_started(): a run was started (the window gives the curves more room).

    Attributes:
        before_start: called before a run starts; False stops the start (the window saves the shown image's
            edits there, so the run trains on them). None: nothing to do.
    """

    SCROLLS_ITSELF = True
    """Its tall parts scroll inside it, its buttons stay in view: the window must not wrap it in a scroll area."""

    load_requested = Signal(str)
    run_started = Signal()

    def __init__(self, client: ModelClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_dock")
        self.client = client
        self.data_dir: str | None = None
        self.save_dir: str | None = None
        self.before_start: Callable[[], bool] | None = None
        self._split_seen = False  # this run's split files have been counted since they were written
        self.run_dir: Path | None = None
        self._started = 0.0
        # What the dataset label and the progress bar say, as functions, so a language switch can say it again.
        self._progress_text: Callable[[], str] = lambda: _tr("idle")
        self._build()
        self.retranslate()
        client.progress.connect(self._on_progress)
        client.training_finished.connect(self._on_finished)
        client.training_failed.connect(self._on_failed)
        client.worker_crashed.connect(self._on_crashed)
        client.busy_changed.connect(self._update_buttons)

    # -- layout ----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        """Make the widgets; their texts come from `retranslate`.

        Tabs (settings, curves, log, past runs), each scrolling on its own, above Start / Cancel and the
        progress bar, which stay in view however short the dock is (it shares the window's side with the
        file list: 1366 x 768 leaves it about 300 px)."""
        settings_page = QWidget()
        layout = QVBoxLayout(settings_page)
        form = QFormLayout()
        # The page must fit the side panel's width (about 320 px at 1366 x 768) without a sideways scroll bar:
        # fields grow into the room there is and shrink to it, a row whose field still does not fit goes
        # under its label, and no text is wider than it has to be (see `_shrinkable`, `WrappingNote`).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.backbone = _shrinkable(QComboBox())
        self.backbone.addItems(list(BACKBONES))
        self.weights = _shrinkable(QComboBox())
        for data in _WEIGHT_CHOICES:
            self.weights.addItem("", data)
        self.weights_file = QLineEdit()
        self.browse_button = QPushButton()
        self.browse_button.clicked.connect(self._browse_weights)
        file_row = QHBoxLayout()
        file_row.addWidget(self.weights_file)
        file_row.addWidget(self.browse_button)
        # It names a long file: wrapped inside the name, not widening the page.
        self.weights_status = WrappingNote()
        self.image_size = QSpinBox()
        self.image_size.setRange(32, 640)
        self.image_size.setSingleStep(32)
        self.width_choice = _shrinkable(QComboBox())  # filled per backbone by `_apply_default_size`
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 1000)
        self.epochs.setValue(10)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 256)
        self.batch_size.setValue(16)
        heads_row = QHBoxLayout()
        self.head_boxes = {}
        for name in _HEAD_TEXTS:
            box = QCheckBox()
            box.setChecked(name == "loc")
            self.head_boxes[name] = box
            heads_row.addWidget(box)
        use_row = QHBoxLayout()
        self.use_all = QRadioButton()
        self.use_verified = QRadioButton()
        self.use_all.setChecked(True)
        use_row.addWidget(self.use_all)
        use_row.addWidget(self.use_verified)
        self._form_labels: dict[str, QLabel] = {}

        def add_row(text: str, field_: QWidget | QHBoxLayout) -> None:
            self._form_labels[text] = QLabel()
            form.addRow(self._form_labels[text], field_)

        add_row(_n("Backbone"), self.backbone)
        add_row(_n("Weights"), self.weights)
        form.addRow("", file_row)
        form.addRow("", self.weights_status)
        add_row(_n("Input size"), self.image_size)
        add_row(_n("Width"), self.width_choice)
        self.form = form
        add_row(_n("Epochs"), self.epochs)
        add_row(_n("Batch size"), self.batch_size)
        add_row(_n("Heads"), heads_row)
        add_row(_n("Images"), use_row)
        layout.addLayout(form)
        self.dataset_label = DatasetCountsLabel(self.use_verified.isChecked)
        self.dataset_label.changed.connect(self._update_buttons)
        layout.addWidget(self.dataset_label)
        layout.addStretch(1)
        settings_scroll = QScrollArea()
        settings_scroll.setObjectName("training_settings_scroll")
        settings_scroll.setFrameShape(QFrame.Shape.NoFrame)
        settings_scroll.setWidgetResizable(True)
        settings_scroll.setWidget(settings_page)
        self.settings_page = settings_scroll
        footer = QVBoxLayout()
        # What Start would train on, in one line above it, in view whatever tab is shown and however the
        # settings are scrolled (the details stay under the settings); below it, in bold, why Start is off or
        # that the run would have no validation image.
        self.start_summary = QLabel()
        self.start_summary.setObjectName("training_start_summary")
        self.start_summary.setWordWrap(True)
        self.start_summary.setTextFormat(Qt.TextFormat.RichText)
        footer.addWidget(self.start_summary)
        buttons = QHBoxLayout()
        self.start_button = QPushButton()
        self.cancel_button = QPushButton()
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        footer.addLayout(buttons)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        # What is happening goes in a wrapped line under the bar: inside it a long phase ("training the whole
        # network: epoch 5 of 8  batch 6 of 6  ETA 0:27") was cut in a 400-px panel. The bar keeps the same
        # text as its format, for screen readers.
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 4)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        footer.addWidget(self.progress_bar)
        footer.addWidget(self.progress_label)

        tabs = QTabWidget()
        self.curves = curves = TrainingCurves()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        runs = QWidget()
        runs_layout = QVBoxLayout(runs)
        self.runs_table = QTableWidget(0, len(_RUN_COLUMNS))
        self.runs_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.runs_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.runs_table.horizontalHeader().setStretchLastSection(True)
        self.runs_table.doubleClicked.connect(lambda _index: self.load_selected_run())
        self.load_button = QPushButton()
        self.load_button.clicked.connect(self.load_selected_run)
        runs_layout.addWidget(self.runs_table)
        runs_layout.addWidget(self.load_button)
        for page in (settings_scroll, curves, self.log, runs):
            tabs.addTab(page, "")
        self.tabs = tabs
        # The curves want every pixel of the panel's height (both plots with their tick labels): the line
        # above Start steps aside while they are in front, and is back on any other tab.
        tabs.currentChanged.connect(lambda _i: self.start_summary.setHidden(tabs.currentWidget() is curves))
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.addWidget(tabs, 1)
        outer.addLayout(footer)
        self.setWidget(body)
        for widget in (self.backbone, self.weights, self.image_size, self.width_choice):
            signal = widget.currentIndexChanged if isinstance(widget, QComboBox) else widget.valueChanged
            signal.connect(self._update_weights_status)
        self.backbone.currentIndexChanged.connect(self._apply_default_size)
        self.weights.currentIndexChanged.connect(self._apply_default_size)
        self._apply_default_size()
        self.use_all.toggled.connect(lambda _on: self.dataset_label.show_counts())

    def retranslate(self) -> None:
        """Set every text of the dock in the language installed now (called at start and on a language switch)."""
        self.setWindowTitle(_tr("Training"))
        for text, label in self._form_labels.items():
            label.setText(_tr(text))
        self.weights.setItemText(self.weights.findData("none"), _tr("none (from scratch)"))
        self.weights.setItemText(self.weights.findData("file"), _tr("weights file..."))
        self.weights_file.setPlaceholderText(_tr("weights file (.h5 / .weights.h5)"))
        self.browse_button.setText(_tr("Browse..."))
        self.width_choice.setToolTip(
            _tr("How wide the network is: narrower trains and predicts faster, wider can learn more.")
        )
        for name, text in _HEAD_TEXTS.items():
            self.head_boxes[name].setText(_tr(text))
        self.use_all.setText(_tr("all labelled"))
        self.use_verified.setText(_tr("verified only"))
        self.start_button.setText(_tr("Start training"))
        self.cancel_button.setText(_tr("Cancel"))
        self.load_button.setText(_tr("Load selected model"))
        for i, text in enumerate((_n("Settings"), _n("Curves"), _n("Log"), _n("Past runs"))):
            self.tabs.setTabText(i, _tr(text))
        self.runs_table.setHorizontalHeaderLabels([_tr(text) for text in _RUN_COLUMNS])
        self.curves.retranslate()
        self.dataset_label.retranslate()
        self._set_progress(self._progress_text)
        self._update_weights_status()
        self._update_buttons()
        self.refresh_runs()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _set_progress(self, text: Callable[[], str]) -> None:
        self._progress_text = text
        self.progress_bar.setFormat(text())
        self.progress_label.setText(text())

    # -- dataset ---------------------------------------------------------------------------------------------
    def set_dataset(self, data_dir: str | None, save_dir: str | None = None) -> None:
        """Show the counts of this VOC folder and its past runs (``None``: no folder open)."""
        self.data_dir = None if data_dir is None else str(data_dir)
        self.save_dir = save_dir
        self.refresh_dataset()
        self.refresh_runs()

    def refresh_dataset(self) -> None:
        """Count the dataset again (on a background thread; the label updates when done)."""
        self.dataset_label.count(self.data_dir, self.save_dir)

    @property
    def summary(self) -> DatasetSummary:
        """The counts shown now (empty while counting)."""
        return self.dataset_label.summary

    def image_changed(self, image_path: str) -> None:
        """The annotation of ``image_path`` changed on disk (saved here, changed by another program, or the image
        went to the trash): count that image again, so the counts follow the labelling."""
        self.dataset_label.image_changed(image_path)

    def refresh_runs(self) -> None:
        self.runs_table.setRowCount(0)
        if not self.data_dir:
            return
        for run in list_runs(self.data_dir):
            row = self.runs_table.rowCount()
            self.runs_table.insertRow(row)
            cfg = run.config
            settings = (
                f"{cfg.get('backbone', '?')} {cfg.get('image_size', '?')}px "
                f"{cfg.get('epochs', '?')} ep {','.join(cfg.get('heads', []) or [])}"
            )
            shown = [
                (k, v) for k, v in sorted(run.metrics().items()) if k.startswith("val_") and "loss" not in k
            ]
            metrics = ", ".join(f"{k[4:]} {v:.3f}" for k, v in shown[:4])
            values = [run.folder.name, settings, _tr(run.status), metrics, str(run.model_path)]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(run.model_path))
                self.runs_table.setItem(row, col, item)
        self.runs_table.resizeColumnsToContents()

    def load_selected_run(self) -> None:
        row = self.runs_table.currentRow()
        if row < 0:
            return
        model = self.runs_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        if not Path(model).is_file():
            self._log(_tr("This run saved no model: {0}").format(model))
            return
        self._log(_tr("Loading model {0}").format(model))
        self.load_requested.emit(model)

    # -- settings --------------------------------------------------------------------------------------------
    def _browse_weights(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, _tr("Weights file"), "", _tr("Weights (*.h5 *.keras)"))
        if path:
            self.weights_file.setText(path)
            self.weights.setCurrentIndex(self.weights.findData("file"))

    def _apply_default_size(self) -> None:
        """Put the input size and width training would pick for this backbone and weights (the user may change
        them after); the width row shows only for a backbone that comes in several widths."""
        backbone, weights = self.backbone.currentText(), self.weights.currentData()
        self.image_size.setValue(default_input_size(backbone, weights))
        widths = WIDTHS.get(backbone, (1.0,))
        self.width_choice.blockSignals(True)
        try:
            self.width_choice.clear()
            for w in widths:
                self.width_choice.addItem(f"{w:g}", float(w))
            self.width_choice.setCurrentIndex(
                max(self.width_choice.findData(default_width(backbone, weights)), 0)
            )
        finally:
            self.width_choice.blockSignals(False)
        self.form.setRowVisible(self.width_choice, len(widths) > 1)
        self._update_weights_status()

    def chosen_width(self) -> float:
        return float(self.width_choice.currentData() or 1.0)

    def _update_weights_status(self) -> None:
        """The ImageNet note: shown only while ImageNet is chosen, naming the file for this backbone, input
        size and width and whether Keras' cache has it."""
        available, text = imagenet_weights_status(
            self.backbone.currentText(), self.image_size.value(), _tr, self.chosen_width()
        )
        index = self.weights.findData("imagenet")
        self.weights.setItemText(
            index, _tr("ImageNet (available)") if available else _tr("ImageNet (missing)")
        )
        self.weights_status.setText(text)
        self.form.setRowVisible(self.weights_status, self.weights.currentData() == "imagenet")
        self.weights_file.setEnabled(self.weights.currentData() == "file")
        self._update_buttons()  # Start follows the settings (e.g. ImageNet chosen for a backbone without it)

    def heads(self) -> list[str]:
        return [name for name, box in self.head_boxes.items() if box.isChecked()]

    def train_request(self, out_path: Path) -> TrainRequest:
        """The `TrainRequest` for the current settings and dataset.

        Raises:
            ValueError: a setting training cannot use (the message names it and quotes the value).
        """
        weights = self.weights.currentData()
        if weights == "file":
            weights = self.weights_file.text().strip()
        return TrainRequest(
            data_dir=str(self.data_dir or ""),
            out_path=str(out_path),
            save_dir=self.save_dir,
            images="verified" if self.use_verified.isChecked() else "all",
            backbone=self.backbone.currentText(),
            weights=None if weights == "none" else weights,
            image_size=self.image_size.value(),
            width=self.chosen_width() if self.backbone.currentText() in WIDTHS else None,
            epochs=self.epochs.value(),
            batch_size=self.batch_size.value(),
            heads=tuple(self.heads()),
        )

    def problem(self) -> str:
        """Why training cannot start now, or ``""``."""
        if self.client.is_training:
            return _tr("A training run is going.")
        backbone = self.backbone.currentText()
        if self.weights.currentData() == "imagenet" and imagenet_file_name(backbone, 224) is None:
            return _tr(
                "No ImageNet weights exist for {0}: choose none (from scratch) or a weights file."
            ).format(backbone)
        if not self.data_dir:
            return _tr("Open a folder of labelled images first.")
        if self.dataset_label.counting:
            return _tr("Counting labels...")
        verified_only = self.use_verified.isChecked()
        too_few = self.summary.too_few_message(verified_only, _tr)
        if too_few:
            return too_few
        if self.summary.split(verified_only)[0] == 0:
            return _tr(
                "No image to train on: the split files in {0} put every one of these images in validation."
            ).format(self.summary.split_dir)
        if not self.heads():
            return _tr("Choose at least one head.")
        if self.weights.currentData() == "file" and not Path(self.weights_file.text().strip()).is_file():
            return _tr("The weights file does not exist.")
        if self.image_size.value() % 32:
            return _tr("The input size must be a multiple of 32.")
        return ""

    # -- run -------------------------------------------------------------------------------------------------
    def start(self) -> bool:
        """Start a run with the current settings; False (and a log line) when something is missing."""
        problem = self.problem()
        if problem:
            self._log(problem)
            self._set_progress(lambda: self.problem()[:80] or _tr("idle"))
            return False
        if self.before_start is not None and not self.before_start():
            self._log(_tr("Not started: the shown image's changes are not saved."))
            return False
        run_dir = new_run_dir(self.data_dir, self.backbone.currentText())
        try:
            request = self.train_request(run_dir / "model.keras")
        except ValueError as exc:
            run_dir.rmdir()
            reason = str(exc)
            self._log(_tr("Not started: {0}").format(reason))
            self._set_progress(lambda: _tr("Not started: {0}").format(reason)[:120])
            return False
        self.run_dir = run_dir
        self._split_seen = False
        self.curves.clear()
        self._started = time.monotonic()
        self.progress_bar.setValue(0)
        self._set_progress(lambda: _tr("starting the model worker..."))
        self._log(_tr("Training {0} -> {1}").format(request.backbone, self.run_dir))
        no_validation = self.summary.no_validation_message(self.use_verified.isChecked(), _tr)
        if no_validation:
            self._log(no_validation)
        self.client.train(request)
        self.tabs.setCurrentWidget(self.curves)  # the settings are chosen: watch the run
        self._update_buttons()
        self.run_started.emit()
        return True

    def cancel(self) -> None:
        if self.client.is_training:
            self._log(_tr("Cancelling (stops within one batch, keeps the best model so far)..."))
            self._set_progress(lambda: _tr("cancelling..."))
            self.client.cancel_training()

    def _update_buttons(self, *_args) -> None:
        training = self.client.is_training
        problem = self.problem()
        self.start_button.setEnabled(not training and not problem)
        self.start_button.setToolTip(problem)
        self.cancel_button.setEnabled(training)
        self._update_start_summary(problem)

    def _update_start_summary(self, problem: str) -> None:
        """The line above Start: the images, boxes and classes a run would use, and why it cannot start (or
        that it would run without validation)."""
        summary, verified_only = self.summary, self.use_verified.isChecked()
        lines = []
        if self.data_dir and not self.dataset_label.counting and summary.root is not None:
            lines.append(html.escape(summary.one_line(verified_only, _tr)))
        if problem and not self.client.is_training:
            lines.append(f"<b>{html.escape(problem)}</b>")
        elif summary.no_validation_message(verified_only) and not self.client.is_training:
            lines.append(
                f"<b>{html.escape(_tr('No validation image: the run would train without one.'))}</b>"
            )
        self.start_summary.setText("<br>".join(lines))
        self.start_summary.setToolTip(
            summary.no_validation_message(verified_only, _tr) if summary.root is not None else ""
        )

    def _log(self, text: str) -> None:
        self.log.appendPlainText(f"{time.strftime('%H:%M:%S')}  {text}")

    def _on_progress(self, event: ProgressEvent) -> None:
        kind, phase = event.kind, event.phase
        epoch, epochs, batch, batches = event.epoch, event.epochs, event.batch, event.batches
        if kind in ("phase", "log") and event.message:
            self._log(f"[{phase_name(phase, _tr)}] {event.message}" if phase else event.message)
        if not self._split_seen and phase not in ("", "starting", "loading"):
            self._split_seen = True  # the images are read: the run has written (or read) its split files
            self.dataset_label.refresh_split()
        if epochs:
            done = (epoch - (1 if kind == "batch" else 0)) + (
                batch / batches if kind == "batch" and batches else 0
            )
            self.progress_bar.setValue(int(min(max(done / epochs, 0.0), 1.0) * 1000))
        eta_s = event.eta_s

        def text() -> str:
            parts = [phase_line(phase, epoch, epochs, _tr), batch_text(batch, batches, _tr), _fmt_eta(eta_s)]
            return "  ".join(p for p in parts if p)

        if text():
            self._set_progress(text)
        if kind == "epoch":
            self._add_epoch(event)

    def _add_epoch(self, event: ProgressEvent) -> None:
        parts = self.curves.add_epoch(event)
        line = phase_line(event.phase, event.epoch, event.epochs, _tr)
        self._log(f"{line}: " + ", ".join(parts))

    def curve_data(self, key: str) -> list[tuple[float, float]]:
        """The points plotted for ``key`` (e.g. ``"loss"``, ``"val_box_iou"``): ``[(epoch_index, value)]``."""
        return self.curves.curve_data(key)

    def _on_finished(self, outcome: TrainOutcome) -> None:
        status = outcome.status
        summary = ", ".join(f"{k} {v:.3f}" for k, v in outcome.metrics.items())
        took = time.monotonic() - self._started
        self.progress_bar.setValue(1000 if status == "finished" else self.progress_bar.value())
        self._set_progress(lambda: _tr("{0} in {1:.0f} s").format(_tr(status), took))
        self._log(_tr("Run {0} in {1:.1f} s. {2}").format(_tr(status), took, summary))
        if outcome.n_train or outcome.n_val:
            self._log(_tr("Trained on {0} images, validated on {1}.").format(outcome.n_train, outcome.n_val))
        if outcome.message:
            self._log(outcome.message)
        self.dataset_label.refresh_split()
        self.refresh_runs()
        self._update_buttons()
        model = outcome.model_path or (str(self.run_dir / "model.keras") if self.run_dir else "")
        if model and Path(model).is_file():
            self._log(_tr("Model saved: {0}").format(model))

    def _on_failed(self, message: str) -> None:
        self._set_progress(lambda: _tr("failed: {0}").format(message)[:120])
        self._log(_tr("Training failed: {0}").format(message))
        self.dataset_label.refresh_split()
        self.refresh_runs()
        self._update_buttons()

    def _on_crashed(self, message: str) -> None:
        self._log(message)
        self._update_buttons()
