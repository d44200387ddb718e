"""The "Model" dock: which model is loaded, overlay knobs, the shown image's predictions and review buttons."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.overlay_scene import OverlayScene
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr


def _slider(value: float) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, 100)
    slider.setValue(round(value * 100))
    return slider


class ModelPanel(QDockWidget):
    """Controls of the prediction overlays. Emits `settings_changed` after any knob moves.

    Signals:
        settings_changed(): thresholds, opacity, NMS mode or chosen cell changed: repaint.
        load_clicked(), accept_selected(list), reject_selected(list), accept_all(): user requests.
    """

    settings_changed = Signal()
    load_clicked = Signal()
    accept_selected = Signal(list)
    reject_selected = Signal(list)
    accept_all = Signal()

    def __init__(self, scene: OverlayScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("model_dock")
        self.scene = scene
        s = scene.settings
        body = QWidget()
        layout = QVBoxLayout(body)
        self.model_label = QLabel(_tr("No model loaded."))
        self.model_label.setWordWrap(True)
        self.load_button = QPushButton()
        self.load_button.clicked.connect(self.load_clicked)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.model_label)
        layout.addWidget(self.load_button)
        layout.addWidget(self.status_label)
        form = QFormLayout()
        self.score_slider = _slider(s.score_threshold)
        self.nms_slider = _slider(s.nms_iou)
        self.iou_slider = _slider(s.iou_threshold)
        self.opacity_slider = _slider(s.mask_opacity)
        self.score_label, self.nms_label, self.iou_label, self.opacity_label = (QLabel() for _ in range(4))
        # Texts of this dock's fixed labels, keyed by their English source; `retranslate` sets them.
        self._texts: dict[str, QLabel] = {}
        for text, slider, label in (
            (_n("Score threshold"), self.score_slider, self.score_label),
            (_n("NMS IoU"), self.nms_slider, self.nms_label),
            (_n("Miss below IoU"), self.iou_slider, self.iou_label),
            (_n("Mask opacity"), self.opacity_slider, self.opacity_label),
        ):
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(label)
            form.addRow(self._text_label(text), row)
            slider.valueChanged.connect(self._sliders_moved)
        self.heatmap_box = QCheckBox()
        self.heatmap_box.setChecked(s.heatmap)
        self.heatmap_box.toggled.connect(self._sliders_moved)
        form.addRow(self._text_label(_n("Grid")), self.heatmap_box)
        cell_row = QHBoxLayout()
        self.auto_cell = QCheckBox()
        self.auto_cell.setChecked(True)
        self.cell_row_spin = QSpinBox()
        self.cell_col_spin = QSpinBox()
        for spin in (self.cell_row_spin, self.cell_col_spin):
            spin.setRange(0, 255)
            spin.valueChanged.connect(self._sliders_moved)
        self.auto_cell.toggled.connect(self._sliders_moved)
        cell_row.addWidget(self.auto_cell)
        cell_row.addWidget(self._text_label(_n("row")))
        cell_row.addWidget(self.cell_row_spin)
        cell_row.addWidget(self._text_label(_n("col")))
        cell_row.addWidget(self.cell_col_spin)
        form.addRow(self._text_label(_n("Anchors of cell")), cell_row)
        layout.addLayout(form)
        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.predictions = QListWidget()
        self.predictions.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        layout.addWidget(self.predictions, 1)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton()
        self.reject_button = QPushButton()
        self.accept_all_button = QPushButton()
        self.accept_button.clicked.connect(lambda: self.accept_selected.emit(self.selected_indices()))
        self.reject_button.clicked.connect(lambda: self.reject_selected.emit(self.selected_indices()))
        self.accept_all_button.clicked.connect(self.accept_all)
        for b in (self.accept_button, self.reject_button, self.accept_all_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.setWidget(body)
        self._sync_labels()
        self.retranslate()

    def _text_label(self, text: str) -> QLabel:
        self._texts[text] = QLabel()
        return self._texts[text]

    def retranslate(self) -> None:
        """Set the dock's fixed texts in the language installed now, and redo the summary."""
        self.setWindowTitle(_tr("Model"))
        self.load_button.setText(_tr("Load model..."))
        for text, label in self._texts.items():
            label.setText(_tr(text))
        self.heatmap_box.setText(_tr("objectness heat map"))
        self.auto_cell.setText(_tr("best box"))
        self.accept_button.setText(_tr("Accept"))
        self.reject_button.setText(_tr("Reject"))
        self.accept_all_button.setText(_tr("Accept all shown"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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

    def selected_indices(self) -> list[int]:
        """Detection indices of the selected rows; the best pending prediction when nothing is selected."""
        rows = [item.data(Qt.ItemDataRole.UserRole) for item in self.predictions.selectedItems()]
        if rows:
            return sorted(int(r) for r in rows)
        pending = self.scene.pending()
        return pending[:1]

    def refresh(self) -> None:
        """Rebuild the list of pending predictions and the summary for the shown image."""
        self.predictions.clear()
        p = self.scene.prediction
        if p is None:
            self.summary_label.setText("")
            return
        det = self.scene.detections()
        summary = self.scene.iou_summary()
        iou_of = {d: v for _, d, v in summary.pairs}
        for i in self.scene.pending():
            iou = iou_of.get(i)
            text = f"{self.scene.class_name(int(det.classes[i]))}  {det.scores[i]:.2f}"
            if iou is not None:
                text += f"  IoU {iou:.2f}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.predictions.addItem(item)
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
