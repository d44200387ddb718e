"""The box list dock: one row per box of the shown image, kept in step with the canvas selection."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from annotator.ui.box_painter import class_color
from annotator.ui.document import DocumentModel


class BoxList(QListWidget):
    """Rows ``label (w x h)``; selecting a row selects the box on the canvas and back."""

    box_selected = Signal(object)
    """Index of the chosen box, or ``None``."""
    box_activated = Signal(int)
    """Double-click or Enter on a row: edit that box's label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: DocumentModel | None = None
        self._icons: dict[str, QIcon] = {}
        self._syncing = False
        self.currentRowChanged.connect(self._row_changed)
        self.itemActivated.connect(lambda item: self.box_activated.emit(self.row(item)))

    def set_document(self, document: DocumentModel | None) -> None:
        if self.document is not None:
            self.document.changed.disconnect(self.refresh)
        self.document = document
        if document is not None:
            document.changed.connect(self.refresh)
        self.refresh()

    def _icon(self, name: str) -> QIcon:
        if name not in self._icons:
            pixmap = QPixmap(12, 12)
            pixmap.fill(class_color(name))
            self._icons[name] = QIcon(pixmap)
        return self._icons[name]

    def refresh(self) -> None:
        selected = self.currentRow()
        self._syncing = True
        self.setUpdatesEnabled(False)
        self.clear()
        if self.document is not None:
            for box in self.document.boxes:
                text = f"{box.name}  ({box.width:.0f} x {box.height:.0f})"
                if box.difficult:
                    text += "  *"
                item = QListWidgetItem(self._icon(box.name), text)
                if box.score is not None:
                    item.setForeground(QColor(120, 120, 120))
                self.addItem(item)
            if 0 <= selected < self.count():
                self.setCurrentRow(selected)
        self.setUpdatesEnabled(True)
        self._syncing = False

    def select_box(self, index: int | None) -> None:
        self._syncing = True
        if index is None:
            self.setCurrentRow(-1)
            self.clearSelection()
        else:
            self.setCurrentRow(index)
        self._syncing = False

    def _row_changed(self, row: int) -> None:
        if not self._syncing:
            self.box_selected.emit(row if row >= 0 else None)
