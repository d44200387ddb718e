"""The file list: a model/view list over the dataset that never decodes an image to fill itself.

Each row is one image with its status (unlabelled / labelled / verified, or an error marker when the image or
its annotation could not be read) and optional extra statuses other parts add (e.g. "unreviewed predictions",
through `FileListModel.set_extra_status`). The panel shows "312 / 500 labelled" and a filter box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from annotator.core.dataset import ImageStatus
from annotator.ui.translations import tr as _tr

STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
ERROR_ROLE = Qt.ItemDataRole.UserRole + 3
EXTRA_ROLE = Qt.ItemDataRole.UserRole + 4

_STATUS_COLORS = {
    ImageStatus.UNLABELLED: QColor(150, 150, 150),
    ImageStatus.LABELLED: QColor(60, 130, 230),
    ImageStatus.VERIFIED: QColor(40, 190, 80),
}


def _dot_icon(color: QColor, ring: QColor | None = None) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(ring if ring is not None else color.darker(130))
    painter.setBrush(color)
    painter.drawEllipse(2, 2, 10, 10)
    painter.end()
    return QIcon(pixmap)


class FileListModel(QAbstractListModel):
    """Rows = images of the opened folder, in dataset order.

    The model holds paths and `ImageStatus` values only; it is built from `annotator.core.dataset.scan`
    (which reads no pixels), so a 10,000-image folder fills it in milliseconds.
    """

    counts_changed = Signal(int, int)
    """(labelled or verified, total)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._paths: list[str] = []
        self._status: list[ImageStatus] = []
        self._row_of: dict[str, int] = {}
        self._errors: dict[str, str] = {}
        self._extra: dict[str, tuple[str, QIcon | None]] = {}
        self._icons = {key: _dot_icon(color) for key, color in _STATUS_COLORS.items()}
        self._error_icon = _dot_icon(QColor(220, 50, 50))

    # Filling -----------------------------------------------------------------------------------------------
    def set_images(self, paths: list[str], statuses: list[ImageStatus]) -> None:
        self.beginResetModel()
        self._paths = [str(p) for p in paths]
        self._status = list(statuses)
        self._row_of = {p: i for i, p in enumerate(self._paths)}
        self._errors.clear()
        self._extra.clear()
        self.endResetModel()
        self._emit_counts()

    def paths(self) -> list[str]:
        return list(self._paths)

    def row_of(self, path: str) -> int:
        """The row of ``path``, or -1."""
        return self._row_of.get(str(path), -1)

    def path_at(self, row: int) -> str:
        return self._paths[row]

    def status(self, path: str) -> ImageStatus:
        row = self.row_of(path)
        return self._status[row] if row >= 0 else ImageStatus.UNLABELLED

    def set_status(self, path: str, status: ImageStatus) -> None:
        row = self.row_of(path)
        if row >= 0 and self._status[row] != status:
            self._status[row] = status
            self._changed(row)
            self._emit_counts()

    def set_error(self, path: str, message: str) -> None:
        """Mark ``path`` as unreadable (``message`` shown as a tooltip); ``""`` clears the marker."""
        row = self.row_of(path)
        if row < 0:
            return
        if message:
            self._errors[str(path)] = message
        else:
            self._errors.pop(str(path), None)
        self._changed(row)

    def error(self, path: str) -> str:
        return self._errors.get(str(path), "")

    def set_extra_status(self, path: str, text: str, icon: QIcon | None = None) -> None:
        """Add a status other parts define (e.g. ``"unreviewed predictions"``); ``text=""`` removes it.
        The text is appended to the row's label and tooltip; ``icon`` replaces the status dot."""
        row = self.row_of(path)
        if row < 0:
            return
        if text:
            self._extra[str(path)] = (text, icon)
        else:
            self._extra.pop(str(path), None)
        self._changed(row)

    def extra_status(self, path: str) -> str:
        return self._extra.get(str(path), ("", None))[0]

    def remove_path(self, path: str) -> None:
        row = self.row_of(path)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._paths[row]
        del self._status[row]
        self._errors.pop(str(path), None)
        self._extra.pop(str(path), None)
        self._row_of = {p: i for i, p in enumerate(self._paths)}
        self.endRemoveRows()
        self._emit_counts()

    def counts(self) -> tuple[int, int]:
        done = sum(1 for s in self._status if s is not ImageStatus.UNLABELLED)
        return done, len(self._status)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _emit_counts(self) -> None:
        self.counts_changed.emit(*self.counts())

    # Qt model ----------------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._paths)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._paths):
            return None
        path = self._paths[index.row()]
        status = self._status[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            extra = self._extra.get(path)
            name = Path(path).name
            return f"{name}  [{extra[0]}]" if extra else name
        if role == Qt.ItemDataRole.DecorationRole:
            if path in self._errors:
                return self._error_icon
            extra = self._extra.get(path)
            if extra and extra[1] is not None:
                return extra[1]
            return self._icons[status]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [path, _tr(status.value)]
            if path in self._errors:
                lines.append(self._errors[path])
            if path in self._extra:
                lines.append(self._extra[path][0])
            return "\n".join(lines)
        if role == STATUS_ROLE:
            return status.value
        if role == PATH_ROLE:
            return path
        if role == ERROR_ROLE:
            return self._errors.get(path, "")
        if role == EXTRA_ROLE:
            return self._extra.get(path, ("", None))[0]
        return None


class StatusFilterProxy(QSortFilterProxyModel):
    """Filters rows by status (``""`` = all, a status string, or ``"error"``), in C++: no Python call per row,
    so resetting a 10,000-row list stays cheap. `FileListPanel` chains a name filter on top of it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.status_filter = ""

    def set_status_filter(self, status: str) -> None:
        self.status_filter = status
        if status == "error":
            self.setFilterRole(ERROR_ROLE)
            self.setFilterRegularExpression(".+")
        else:
            self.setFilterRole(STATUS_ROLE)
            self.setFilterRegularExpression(f"^{status}$" if status else "")


class FileListPanel(QWidget):
    """Filter box + "N / M labelled" + the list. Emits `image_activated(path)` when the user picks a row."""

    image_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FileListModel(self)
        self.status_proxy = StatusFilterProxy(self)
        self.status_proxy.setSourceModel(self.model)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSourceModel(self.status_proxy)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setClearButtonEnabled(True)
        self.status_combo = QComboBox(self)
        for value in ("", *(s.value for s in ImageStatus), "error"):
            self.status_combo.addItem("", value)
        self.count_label = QLabel(self)
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.status_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.view, 1)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.status_combo.currentIndexChanged.connect(
            lambda _i: self.status_proxy.set_status_filter(self.status_combo.currentData())
        )
        self.model.counts_changed.connect(self._show_counts)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        self.retranslate()

    def retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(_tr("Filter by name"))
        for i, text in enumerate(
            (_tr("All"), _tr("Unlabelled"), _tr("Labelled"), _tr("Verified"), _tr("Errors"))
        ):
            self.status_combo.setItemText(i, text)
        self._show_counts(*self.model.counts())

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_counts(self, done: int, total: int) -> None:
        self.count_label.setText(_tr("%d / %d labelled") % (done, total))

    def _activated(self, proxy_index: QModelIndex) -> None:
        path = self.proxy.data(proxy_index, PATH_ROLE)
        if path:
            self.image_activated.emit(path)

    def select_path(self, path: str) -> None:
        """Highlight ``path`` without emitting `image_activated`."""
        row = self.model.row_of(path)
        if row < 0:
            return
        proxy_index = self.proxy.mapFromSource(self.status_proxy.mapFromSource(self.model.index(row)))
        if proxy_index.isValid():
            self.view.setCurrentIndex(proxy_index)
            self.view.scrollTo(proxy_index)

    def set_extra_status(self, path: str, text: str, icon: QIcon | None = None) -> None:
        """See `FileListModel.set_extra_status`."""
        self.model.set_extra_status(path, text, icon)
