"""The "Model" dock: which model is loaded, overlay knobs, the shown image's predictions and review buttons.

Without a model it is one line and a Load button; the knobs appear once a model is loaded, only those its heads
use (NMS and the grid for the YOLO grid head, the mask opacity for the mask head). The selected rows of the
prediction list are the scene's ``selected`` predictions, drawn highlighted on the canvas; a click on the canvas
selects the prediction under it (`annotator.ui.model.picking`). For a model with the box + class head, "Why this
class" turns the heat map overlay on and off and picks the class it explains.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.overlay_scene import OverlayScene
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

NO_MODEL_TEXT = _n("No model loaded: train one in the Training panel, or load a .keras file.")
HEAD_TEXTS = {"loc": _n("box + class"), "grid": _n("YOLO grid"), "seg": _n("mask")}
"""What each head finds, in the user's words (the Training dock's head check boxes say the same)."""


def _slider(value: float) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, 100)
    slider.setValue(round(value * 100))
    return slider


def show_dock(dock: QDockWidget, on: bool) -> None:
    """Open (and bring to the front of its tab group) or close ``dock``."""
    dock.setVisible(on)
    if on:
        dock.raise_()


WATCHING_SHARE = 0.8
"""Share of the side's height a panel takes when it has results to watch (a training run started, an evaluation
done): the Training panel's two plots, the Evaluation panel's table and heat map (the file list and the boxes keep
their minimum; the user can drag them back)."""


class DockToggle(QObject):
    """The F6 / F8 / F9 action of a panel that may share a tab group (Model and Training do).

    A press opens the panel, or brings it to the front when it is open behind the other tab, and closes it only
    when it is the one in front. The check mark says whether the panel is open, in front or behind: it follows
    every show and hide, those made by the window's layout included (a panel placed hidden at start is
    unchecked, so the first F9 opens it).

    Args:
        dock: the panel.
        action: its checkable action.
        opened: called with ``dock`` after a press opened it or brought it to the front (the window gives it
            room there).
    """

    def __init__(
        self, dock: QDockWidget, action: QAction, opened: Callable[[QDockWidget], None] | None = None
    ) -> None:
        super().__init__(dock)
        self.dock, self.action, self._opened = dock, action, opened
        self._in_front = dock.isVisible()
        dock.visibilityChanged.connect(self._visibility_changed)
        dock.installEventFilter(self)
        action.triggered.connect(self._pressed)
        self._sync()

    def _visibility_changed(self, visible: bool) -> None:
        self._in_front = visible  # False too while it waits behind another tab
        self._sync()

    def open(self) -> None:
        """Show the panel in front of its tab group (and have the window give it room)."""
        show_dock(self.dock, True)
        if self._opened is not None:
            self._opened(self.dock)
        self._sync()

    def _pressed(self, _checked: bool = False) -> None:
        if self.dock.isHidden() or not self._in_front:
            self.open()
        else:
            self.dock.hide()
            self._sync()

    def _sync(self) -> None:
        self.action.setChecked(not self.dock.isHidden())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self._sync()
        return False


class _StatusLabel(QLabel):
    """A wrapped label that takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setVisible(bool(text))


class ModelPanel(QDockWidget):
    """Controls of the prediction overlays. Emits `settings_changed` after any knob moves.

    Signals:
        settings_changed(): thresholds, opacity, NMS mode or chosen cell changed: repaint.
        highlight_changed(): the selected predictions changed (list or canvas click): repaint the canvas.
        load_clicked(), accept_selected(list), reject_selected(list), accept_all(): user requests.
        cam_toggled(bool): the "why this class" heat map box was ticked or cleared.
        cam_class_changed(): another class was picked for the heat map (``scene.settings.cam_class``).
    """

    SCROLLS_ITSELF = True
    """Its tall parts scroll inside it, its buttons stay in view: the window must not wrap it in a scroll area."""

    settings_changed = Signal()
    highlight_changed = Signal()
    load_clicked = Signal()
    accept_selected = Signal(list)
    reject_selected = Signal(list)
    accept_all = Signal()
    cam_toggled = Signal(bool)
    cam_class_changed = Signal()

    def __init__(self, scene: OverlayScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("model_dock")
        self.scene = scene
        # What the model line says, as a function, so a language switch can say it again.
        self._model_text: Callable[[], str] = lambda: _tr(NO_MODEL_TEXT)
        self.heads: list[str] | None = None
        """The loaded model's heads; None while no model is loaded."""
        s = scene.settings
        # What scrolls when the dock is short: the model line, Load, the knobs and the summary. The list of
        # predictions and the Accept / Reject buttons stay below it, always in view.
        info = QWidget()
        layout = QVBoxLayout(info)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.load_button = QPushButton()
        self.load_button.clicked.connect(self.load_clicked)
        self.status_label = _StatusLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setText("")
        layout.addWidget(self.model_label)
        load_row = QHBoxLayout()
        load_row.addWidget(self.load_button)
        load_row.addStretch(1)
        layout.addLayout(load_row)
        layout.addWidget(self.status_label)

        self.knobs = QWidget()
        knobs = QVBoxLayout(self.knobs)
        knobs.setContentsMargins(0, 0, 0, 0)
        self.form = form = QFormLayout()
        self.score_slider = _slider(s.score_threshold)
        self.nms_slider = _slider(s.nms_iou)
        self.iou_slider = _slider(s.iou_threshold)
        self.opacity_slider = _slider(s.mask_opacity)
        self.score_label, self.nms_label, self.iou_label, self.opacity_label = (QLabel() for _ in range(4))
        # Texts of this dock's fixed labels, keyed by their English source; `retranslate` sets them.
        self._texts: dict[str, QLabel] = {}
        self._tips: list[tuple[QWidget, str]] = []
        self._rows: dict[str, int] = {}
        for name, text, tip, slider, label in (
            (
                "score",
                _n("Score threshold"),
                _n("Hide predictions the model is less sure of than this."),
                self.score_slider,
                self.score_label,
            ),
            (
                "nms",
                _n("NMS IoU"),
                _n("Of two predicted boxes of one class that overlap more than this, keep only the surer."),
                self.nms_slider,
                self.nms_label,
            ),
            (
                "iou",
                _n("Miss below IoU"),
                _n("A label whose best prediction overlaps it less than this counts as missed."),
                self.iou_slider,
                self.iou_label,
            ),
            (
                "opacity",
                _n("Mask opacity"),
                _n("How strongly the predicted mask colours the image."),
                self.opacity_slider,
                self.opacity_label,
            ),
        ):
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(label)
            form.addRow(self._text_label(text), row)
            self._rows[name] = form.rowCount() - 1
            self._tips += [(self._texts[text], tip), (slider, tip)]
            slider.valueChanged.connect(self._sliders_moved)
        self.heatmap_box = QCheckBox()
        self.heatmap_box.setChecked(s.heatmap)
        self.heatmap_box.toggled.connect(self._sliders_moved)
        form.addRow(self._text_label(_n("Grid")), self.heatmap_box)
        self._rows["grid"] = form.rowCount() - 1
        cell_row = QHBoxLayout()
        self.auto_cell = QCheckBox()
        self.auto_cell.setChecked(True)
        self.cell_row_spin = QSpinBox()
        self.cell_col_spin = QSpinBox()
        for spin in (self.cell_row_spin, self.cell_col_spin):
            spin.setRange(0, 255)
            spin.valueChanged.connect(self._sliders_moved)
        self.auto_cell.toggled.connect(self._sliders_moved)
        # "best box" above "row [ ] col [ ]": on one line the row was wider than a 400-px panel, which then
        # scrolled sideways and cut the model line.
        cell_row.addWidget(self._text_label(_n("row")))
        cell_row.addWidget(self.cell_row_spin)
        cell_row.addWidget(self._text_label(_n("col")))
        cell_row.addWidget(self.cell_col_spin)
        cell_row.addStretch(1)
        cell_field = QVBoxLayout()
        cell_field.addWidget(self.auto_cell)
        cell_field.addLayout(cell_row)
        form.addRow(self._text_label(_n("Anchors of cell")), cell_field)
        self._rows["cell"] = form.rowCount() - 1
        cell_tip = _n("Click a cell on the image to see its anchor boxes; 'best box' follows the surest box.")
        self._tips += [(self._texts["Anchors of cell"], cell_tip), (self.auto_cell, cell_tip)]
        self._tips.append(
            (self.heatmap_box, _n("Shade each grid cell by how sure the model is an object is there."))
        )
        cam_row = QHBoxLayout()
        self.cam_box = QCheckBox()
        self.cam_box.toggled.connect(self.cam_toggled)
        self.cam_class_combo = QComboBox()
        self.cam_class_combo.addItem("", -1)
        self.cam_class_combo.currentIndexChanged.connect(self._cam_class_picked)
        cam_row.addWidget(self.cam_box)
        cam_row.addWidget(self.cam_class_combo, 1)
        form.addRow(self._text_label(_n("Why this class")), cam_row)
        self._rows["cam"] = form.rowCount() - 1
        cam_tip = _n(
            "Colour the image by how much each part raises the model's score for a class (Grad-CAM): red is "
            "where its decision comes from. Pick another class to see what speaks for it."
        )
        self._tips += [(self._texts["Why this class"], cam_tip), (self.cam_box, cam_tip)]
        self._tips.append((self.cam_class_combo, cam_tip))
        knobs.addLayout(form)
        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        knobs.addWidget(self.summary_label)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        knobs.addWidget(self.hint_label)
        layout.addWidget(self.knobs)
        layout.addStretch(1)
        self.info_scroll = QScrollArea()
        self.info_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.info_scroll.setWidgetResizable(True)
        self.info_scroll.setWidget(info)
        self.picks = QWidget()
        picks = QVBoxLayout(self.picks)
        picks.setContentsMargins(0, 0, 0, 0)
        self.predictions = QListWidget()
        self.predictions.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.predictions.itemSelectionChanged.connect(self._list_selection_changed)
        self.predictions.setMinimumHeight(3 * self.predictions.fontMetrics().height() + 8)  # three rows
        picks.addWidget(self.predictions, 1)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton()
        self.reject_button = QPushButton()
        self.accept_all_button = QPushButton()
        self.accept_button.clicked.connect(lambda: self.accept_selected.emit(self.selected_indices()))
        self.reject_button.clicked.connect(lambda: self.reject_selected.emit(self.selected_indices()))
        self.accept_all_button.clicked.connect(self.accept_all)
        for b in (self.accept_button, self.reject_button, self.accept_all_button):
            buttons.addWidget(b)
        picks.addLayout(buttons)
        body = QWidget()
        self._body_layout = outer = QVBoxLayout(body)
        outer.addWidget(self.info_scroll, 1)
        outer.addWidget(self.picks, 1)
        self.setWidget(body)
        self._sync_labels()
        self._show_controls()
        self.retranslate()

    def _text_label(self, text: str) -> QLabel:
        self._texts[text] = QLabel()
        return self._texts[text]

    def retranslate(self) -> None:
        """Set the dock's fixed texts in the language installed now, and redo the summary."""
        self.setWindowTitle(_tr("Model"))
        self.load_button.setText(_tr("Load model..."))
        self.model_label.setText(self._model_text())
        for text, label in self._texts.items():
            label.setText(_tr(text))
        for widget, tip in self._tips:
            widget.setToolTip(_tr(tip))
        self.heatmap_box.setText(_tr("objectness heat map"))
        self.cam_box.setText(_tr("heat map"))
        self.cam_class_combo.setItemText(0, _tr("predicted class"))
        self.auto_cell.setText(_tr("best box"))
        self.hint_label.setText(_tr("Click a prediction here or on the image, then Accept or Reject it."))
        self.accept_button.setText(_tr("Accept"))
        self.reject_button.setText(_tr("Reject"))
        self.accept_all_button.setText(_tr("Accept all shown"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- which model -----------------------------------------------------------------------------------------
    def _set_model_text(self, text: Callable[[], str]) -> None:
        self._model_text = text
        self.model_label.setText(text())

    def _show_controls(self) -> None:
        heads = self.heads
        self.knobs.setVisible(heads is not None)
        self.picks.setVisible(heads is not None)
        # With a model the list takes the height the knobs leave; without one the model line has it all.
        self._body_layout.setStretchFactor(self.info_scroll, 1 if heads is None else 0)
        self._fit_info_scroll()
        if heads is None:
            return
        has_grid, has_mask = "grid" in heads, "seg" in heads
        for name, visible in (
            ("nms", has_grid),
            ("grid", has_grid),
            ("cell", has_grid),
            ("opacity", has_mask),
            ("cam", "loc" in heads),
        ):
            self.form.setRowVisible(self._rows[name], visible)

    def _fit_info_scroll(self) -> None:
        """The scrolled part keeps at least the model line and the Load button in view (about five lines)."""
        line = self.fontMetrics().height()
        info = self.info_scroll.widget()
        self.info_scroll.setMinimumHeight(min(info.minimumSizeHint().height(), 5 * line))

    def show_no_model(self) -> None:
        """One line and the Load button: nothing loaded (at start, or a load failed)."""
        self.heads = None
        self._set_model_text(lambda: _tr(NO_MODEL_TEXT))
        self._show_controls()

    def show_loading(self, path: str) -> None:
        self._set_model_text(lambda: _tr("Loading {0}...").format(Path(path).name))

    def show_model(self, path: str, info: dict) -> None:
        """The loaded model in words and the knobs its heads use."""
        heads = [h for h in (info.get("heads") or []) if isinstance(h, str)]
        self.heads = heads
        name, backbone, size = Path(path).name, info.get("backbone", "?"), info.get("image_size", "?")
        names = [str(c) for c in info.get("class_names") or []]
        classes = ", ".join(names)
        self._fill_cam_classes(names)
        self._set_model_text(
            lambda: _tr("Model: {0}\n{1}, {2} px, finds: {3}\nclasses: {4}").format(
                name, backbone, size, ", ".join(_tr(HEAD_TEXTS.get(h, h)) for h in heads) or "?", classes
            )
        )
        self._show_controls()

    # -- why this class -------------------------------------------------------------------------------------
    def _fill_cam_classes(self, names: list[str]) -> None:
        """The class picker: "predicted class", then the model's classes; back to "predicted class"."""
        combo = self.cam_class_combo
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for i, name in enumerate(names):
                combo.addItem(name, i)
            combo.setCurrentIndex(0)
        finally:
            combo.blockSignals(False)
        self.scene.settings.cam_class = None

    def _cam_class_picked(self, row: int) -> None:
        data = self.cam_class_combo.itemData(row)
        self.scene.settings.cam_class = None if data is None or int(data) < 0 else int(data)
        self.cam_class_changed.emit()

    def set_cam_checked(self, on: bool) -> None:
        """Tick the heat map box without emitting `cam_toggled` (the View menu's action changed)."""
        self.cam_box.blockSignals(True)
        try:
            self.cam_box.setChecked(on)
        finally:
            self.cam_box.blockSignals(False)

    def pick_cam_class(self, index: int | None) -> None:
        """Pick the class the heat map explains (None: the predicted class), as a user choosing it would."""
        row = 0 if index is None else self.cam_class_combo.findData(int(index))
        if row < 0:
            raise ValueError(f"class index {index!r} is not one of the model's classes")
        self.cam_class_combo.setCurrentIndex(row)

    # -- knobs -----------------------------------------------------------------------------------------------
    def _sync_labels(self) -> None:
        s = self.scene.settings
        self.score_label.setText(f"{s.score_threshold:.2f}")
        self.nms_label.setText(f"{s.nms_iou:.2f}")
        self.iou_label.setText(f"{s.iou_threshold:.2f}")
        self.opacity_label.setText(f"{s.mask_opacity:.2f}")

    def _sliders_moved(self, *_args) -> None:
        s = self.scene.settings
        s.score_threshold = self.score_slider.value() / 100
        s.nms_iou = self.nms_slider.value() / 100
        s.iou_threshold = self.iou_slider.value() / 100
        s.mask_opacity = self.opacity_slider.value() / 100
        s.heatmap = self.heatmap_box.isChecked()
        auto = self.auto_cell.isChecked()
        self.cell_row_spin.setEnabled(not auto)
        self.cell_col_spin.setEnabled(not auto)
        s.chosen_cell = None if auto else (self.cell_row_spin.value(), self.cell_col_spin.value())
        self._sync_labels()
        self.refresh()
        self.settings_changed.emit()

    def choose_cell(self, row: int, col: int) -> None:
        """Show the anchors of grid cell ``(row, col)`` (a click on the canvas chose it)."""
        widgets = (self.auto_cell, self.cell_row_spin, self.cell_col_spin)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.auto_cell.setChecked(False)
            self.cell_row_spin.setValue(row)
            self.cell_col_spin.setValue(col)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._sliders_moved()

    # -- predictions -----------------------------------------------------------------------------------------
    def selected_indices(self) -> list[int]:
        """Detection indices of the selected rows; the best pending prediction when nothing is selected."""
        rows = [item.data(Qt.ItemDataRole.UserRole) for item in self.predictions.selectedItems()]
        if rows:
            return sorted(int(r) for r in rows)
        pending = self.scene.pending()
        return pending[:1]

    def _list_selection_changed(self) -> None:
        det = self.scene.detections()
        rows = [int(item.data(Qt.ItemDataRole.UserRole)) for item in self.predictions.selectedItems()]
        self.scene.selected = {self.scene.prediction_key(det, i) for i in rows}
        self.highlight_changed.emit()

    def select_prediction(self, index: int | None) -> None:
        """Select (only) the list row of detection ``index``; None clears the selection."""
        self.predictions.clearSelection()
        for row in range(self.predictions.count()):
            item = self.predictions.item(row)
            if index is not None and int(item.data(Qt.ItemDataRole.UserRole)) == index:
                item.setSelected(True)
                self.predictions.scrollToItem(item)
        self._list_selection_changed()

    def refresh(self) -> None:
        """Rebuild the list of pending predictions and the summary for the shown image; the selected
        predictions stay selected while they are pending."""
        self.predictions.blockSignals(True)
        try:
            self._fill_list()
        finally:
            self.predictions.blockSignals(False)

    def _fill_list(self) -> None:
        self.predictions.clear()
        p = self.scene.prediction
        if p is None:
            self.summary_label.setText("")
            self.scene.selected = set()
            return
        det = self.scene.detections()
        summary = self.scene.iou_summary()
        iou_of = {d: v for _, d, v in summary.pairs}
        still_selected = set()
        for i in self.scene.pending():
            iou = iou_of.get(i)
            text = f"{self.scene.class_name(int(det.classes[i]))}  {det.scores[i]:.2f}"
            if iou is not None:
                text += f"  IoU {iou:.2f}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.predictions.addItem(item)
            key = self.scene.prediction_key(det, i)
            if key in self.scene.selected:
                item.setSelected(True)
                still_selected.add(key)
        self.scene.selected = still_selected
        lines = [
            _tr("{0} shown, {1} pending, {2:.0f} ms").format(len(det), self.predictions.count(), p.latency_ms)
        ]
        if not math.isnan(summary.mean_iou):
            lines.append(
                _tr("mean IoU {0:.3f}, {1} misses, {2} false alarms").format(
                    summary.mean_iou, len(summary.misses), len(summary.false_alarms)
                )
            )
        self.summary_label.setText("\n".join(lines))
