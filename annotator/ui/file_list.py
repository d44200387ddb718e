"""The file list: a model/view list over the dataset that never decodes an image to fill itself.

Each row is one image with its status (unlabelled / labelled / verified, or an error marker when the image or
its annotation could not be read) and optional extra statuses other parts add (e.g. "unreviewed predictions",
through `FileListModel.set_extra_status`; each part under its own key). The panel shows "312 / 500 labelled" and a
filter box; other parts may narrow the list to some images and sort it (`FileListPanel.arrange`, e.g. the
evaluation's "images with misses, most first") and add a row of their own
controls above it (`FileListPanel.add_tool_row`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
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
ROW_FILTER_ROLE = Qt.ItemDataRole.UserRole + 5

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
        self._extra: dict[str, dict[str, tuple[str, QIcon | None]]] = {}
        self._row_filter: set[str] | None = None
        self._sort_keys: dict[str, float] = {}
        self.sort_ranks: list[float] = []
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
        self._row_filter, self._sort_keys = None, {}
        self.sort_ranks = [math.inf] * len(self._paths)
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

    def set_extra_status(self, path: str, text: str, icon: QIcon | None = None, *, key: str = "") -> None:
        """Add a status other parts define (e.g. ``"unreviewed predictions"``); ``text=""`` removes it.
        The text is appended to the row's label and tooltip; ``icon`` replaces the status dot. Each part uses its
        own ``key``, so statuses of different parts stand side by side."""
        row = self.row_of(path)
        if row < 0:
            return
        self._put_extra(str(path), key, text, icon)
        self._changed(row)

    def set_extra_statuses(self, texts: dict[str, str], *, key: str) -> None:
        """Replace every ``key`` status at once: ``texts`` maps paths to their text, other rows lose theirs (one
        repaint for the whole list)."""
        for path in [p for p, extras in self._extra.items() if key in extras and p not in texts]:
            self._put_extra(path, key, "", None)
        for path, text in texts.items():
            if str(path) in self._row_of:
                self._put_extra(str(path), key, text, None)
        if (
            self._paths
        ):  # only the texts changed: the row filter and sort keys stay (proxies need not redo them)
            roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, EXTRA_ROLE]
            self.dataChanged.emit(self.index(0), self.index(len(self._paths) - 1), roles)

    def _put_extra(self, path: str, key: str, text: str, icon: QIcon | None) -> None:
        extras = self._extra.setdefault(path, {})
        if text:
            extras[key] = (text, icon)
        else:
            extras.pop(key, None)
        if not extras:
            del self._extra[path]

    def extra_status(self, path: str, key: str = "") -> str:
        return self._extra.get(str(path), {}).get(key, ("", None))[0]

    def _extra_text(self, path: str) -> str:
        return "; ".join(text for text, _ in self._extra.get(path, {}).values())

    def _extra_icon(self, path: str) -> QIcon | None:
        return next((icon for _, icon in self._extra.get(path, {}).values() if icon is not None), None)

    def set_arrangement(self, paths: Iterable[str] | None, keys: dict[str, float] | None) -> None:
        """The rows `FileListPanel` keeps when its row filter is on (None: every row) and their sort keys (lower
        first; rows without one last, in folder order). Emits nothing: `FileListPanel.arrange` re-filters once."""
        self._row_filter = None if paths is None else {str(p) for p in paths}
        self._sort_keys = dict(keys or {})
        self.sort_ranks = [float(self._sort_keys.get(p, math.inf)) for p in self._paths]
        """Each row's sort key (by row), what `RowFilterProxy` compares."""

    def remove_path(self, path: str) -> None:
        row = self.row_of(path)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._paths[row]
        del self._status[row]
        del self.sort_ranks[row]
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
            extra = self._extra_text(path)
            name = Path(path).name
            return f"{name}  [{extra}]" if extra else name
        if role == Qt.ItemDataRole.DecorationRole:
            if path in self._errors:
                return self._error_icon
            icon = self._extra_icon(path)
            return icon if icon is not None else self._icons[status]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [path, _tr(status.value)]
            if path in self._errors:
                lines.append(self._errors[path])
            lines += [text for text, _ in self._extra.get(path, {}).values()]
            return "\n".join(lines)
        if role == STATUS_ROLE:
            return status.value
        if role == PATH_ROLE:
            return path
        if role == ERROR_ROLE:
            return self._errors.get(path, "")
        if role == EXTRA_ROLE:
            return self._extra_text(path)
        if role == ROW_FILTER_ROLE:
            return "1" if self._row_filter is None or path in self._row_filter else "0"
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


class RowFilterProxy(QSortFilterProxyModel):
    """Keeps the rows another part chose and sorts by its keys (`FileListModel.set_arrangement`); both off by
    default, when it costs nothing per row (no Python call)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFilterRole(ROW_FILTER_ROLE)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 - Qt's name
        # called only while sorting; one Python call per comparison instead of two data() calls
        ranks = self.sourceModel().sort_ranks
        return ranks[left.row()] < ranks[right.row()]

    def set_arrangement(self, filtering: bool, sorting: bool) -> None:
        """Filter and sort (or not) by the model's arrangement, redone once."""
        pattern = "^1$" if filtering else ""
        if self.filterRegularExpression().pattern() != pattern:
            self.setFilterRegularExpression(pattern)
        column = 0 if sorting else -1  # -1: the source (folder) order
        if self.sortColumn() != column:
            self.sort(column)
        if filtering or sorting:
            self.invalidate()


class FileListPanel(QWidget):
    """Filter box + "N / M labelled" + the list. Emits `image_activated(path)` when the user picks a row."""

    image_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FileListModel(self)
        self.row_proxy = RowFilterProxy(self)
        self.row_proxy.setSourceModel(self.model)
        self.status_proxy = StatusFilterProxy(self)
        self.status_proxy.setSourceModel(self.row_proxy)
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
        self._tool_rows = QVBoxLayout()
        self._tool_rows.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._tool_rows)
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
        proxy_index = self._view_index(row)
        if proxy_index.isValid():
            self.view.setCurrentIndex(proxy_index)
            self.view.scrollTo(proxy_index)

    def _view_index(self, row: int) -> QModelIndex:
        index = self.row_proxy.mapFromSource(self.model.index(row))
        return self.proxy.mapFromSource(self.status_proxy.mapFromSource(index))

    def set_extra_status(self, path: str, text: str, icon: QIcon | None = None, *, key: str = "") -> None:
        """See `FileListModel.set_extra_status`."""
        self.model.set_extra_status(path, text, icon, key=key)

    def add_tool_row(self, widget: QWidget) -> None:
        """Put ``widget`` (another part's controls, e.g. the evaluation's filter and sort) above the list."""
        self._tool_rows.addWidget(widget)

    def arrange(self, paths: Iterable[str] | None, sort_keys: dict[str, float] | None) -> None:
        """Show only ``paths`` (None: every image; the name and status filters still apply), sorted by
        ``sort_keys`` (path -> number, lower first; images without a key last, in folder order; None: folder
        order)."""
        self.model.set_arrangement(paths, sort_keys)
        self.row_proxy.set_arrangement(paths is not None, sort_keys is not None)

    def visible_paths(self) -> list[str]:
        """The paths the list shows now, top to bottom."""
        return [self.proxy.data(self.proxy.index(r, 0), PATH_ROLE) for r in range(self.proxy.rowCount())]
