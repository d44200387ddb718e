"""The box list dock: one row per box of the shown image, kept in step with the canvas selection.

A model/view list: rows are computed when painted, so a change to an image with 1,000 boxes costs one reset,
not 1,000 widget items.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from annotator.ui.canvas.box_painter import ClassColors
from annotator.ui.document import DocumentModel


class BoxListModel(QAbstractListModel):
    def __init__(self, colors: ClassColors, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.colors = colors
        self.document: DocumentModel | None = None
        self._icons: dict[str, QIcon] = {}

    def set_document(self, document: DocumentModel | None) -> None:
        self.beginResetModel()
        self.document = document
        self.endResetModel()

    def refresh(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _icon(self, name: str) -> QIcon:
        if name not in self._icons:
            pixmap = QPixmap(12, 12)
            pixmap.fill(self.colors.color(name))
            self._icons[name] = QIcon(pixmap)
        return self._icons[name]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.document is None else len(self.document)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if self.document is None or not index.isValid() or index.row() >= len(self.document):
            return None
        box = self.document.box(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            text = f"{box.name}  ({box.width:.0f} x {box.height:.0f})"
            return text + "  *" if box.difficult else text
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(box.name)
        if role == Qt.ItemDataRole.ForegroundRole and box.score is not None:
            return QColor(120, 120, 120)
        return None


class BoxList(QListView):
    """Rows ``label (w x h)``; selecting a row selects the box on the canvas and back."""

    box_selected = Signal(object)
    """Index of the chosen box, or ``None``."""
    box_activated = Signal(int)
    """Double-click or Enter on a row: edit that box's label."""

    def __init__(self, colors: ClassColors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = BoxListModel(colors, self)
        self.setModel(self.model_)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.document: DocumentModel | None = None
        self._syncing = False
        self._selected: int | None = None
        self.selectionModel().currentRowChanged.connect(self._row_changed)
        self.activated.connect(lambda index: self.box_activated.emit(index.row()))

    def set_document(self, document: DocumentModel | None) -> None:
        if self.document is not None:
            self.document.changed.disconnect(self.refresh)
        self.document = document
        if document is not None:
            document.changed.connect(self.refresh)
        self._syncing = True
        self.model_.set_document(document)
        self._syncing = False

    def refresh(self) -> None:
        self._syncing = True
        self.model_.refresh()
        self._syncing = False
        self.select_box(self._selected)

    def count(self) -> int:
        return self.model_.rowCount()

    def select_box(self, index: int | None) -> None:
        self._selected = index
        self._syncing = True
        if index is None or not 0 <= index < self.model_.rowCount():
            self.selectionModel().clearCurrentIndex()
            self.clearSelection()
        else:
            model_index = self.model_.index(index)
            self.setCurrentIndex(model_index)
            self.scrollTo(model_index)
        self._syncing = False

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._syncing:
            self._selected = current.row() if current.isValid() else None
            self.box_selected.emit(self._selected)
