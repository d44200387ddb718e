"""The file list's evaluation bar: after an evaluation, show only some images (with misses, false alarms, wrong
classes, or the cases of the chosen confusion cell) and sort them (most misses first, lowest IoU first ...).

Added above the file list by `annotator.ui.model.evaluation_features`; which images and which order come from
`annotator.core.evaluation_lists`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from annotator.core.evaluation_lists import IMAGE_FILTERS, IMAGE_SORTS
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

FILTER_TEXTS = {
    "all": _n("All images"),
    "evaluated": _n("Evaluated images"),
    "misses": _n("With misses"),
    "false_alarms": _n("With false alarms"),
    "wrong_classes": _n("With wrong classes"),
    "cell": _n("The chosen confusion cell"),
}
SORT_TEXTS = {
    "folder": _n("Folder order"),
    "misses": _n("Most misses first"),
    "false_alarms": _n("Most false alarms first"),
    "wrong_classes": _n("Most wrong classes first"),
    "mean_iou": _n("Lowest mean IoU first"),
}


class EvaluationFileBar(QWidget):
    """Two combo boxes, "Show" (`IMAGE_FILTERS`) and "Sort" (`IMAGE_SORTS`); `changed` when either moves."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluation_file_bar")
        self.show_label, self.sort_label = QLabel(), QLabel()
        self.filter_combo, self.sort_combo = QComboBox(), QComboBox()
        for combo, values in ((self.filter_combo, IMAGE_FILTERS), (self.sort_combo, IMAGE_SORTS)):
            for value in values:
                combo.addItem("", value)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            # long entries must not widen the file list: the combo shows what fits, the popup all of it
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.show_label)
        layout.addWidget(self.filter_combo, 1)
        layout.addWidget(self.sort_label)
        layout.addWidget(self.sort_combo, 1)
        self.set_cell_available(False)
        self.retranslate()

    @property
    def filter_mode(self) -> str:
        return str(self.filter_combo.currentData())

    @property
    def sort_mode(self) -> str:
        return str(self.sort_combo.currentData())

    def set_filter_mode(self, mode: str) -> None:
        self.filter_combo.setCurrentIndex(IMAGE_FILTERS.index(mode))

    def set_cell_available(self, on: bool) -> None:
        """The "chosen confusion cell" entry is offered only while a cell is chosen."""
        self.filter_combo.model().item(IMAGE_FILTERS.index("cell")).setEnabled(on)
        if not on and self.filter_mode == "cell":
            self.set_filter_mode("all")

    def retranslate(self) -> None:
        self.show_label.setText(_tr("Show:"))
        self.sort_label.setText(_tr("Sort:"))
        for combo, texts in ((self.filter_combo, FILTER_TEXTS), (self.sort_combo, SORT_TEXTS)):
            for i in range(combo.count()):
                combo.setItemText(i, _tr(texts[str(combo.itemData(i))]))
        self.setToolTip(_tr("Filter and sort the file list by the last evaluation"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
