"""Help > Keyboard shortcuts: a table generated from the live actions (see `actions.shortcut_table`)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.ui.actions import WindowActions, shortcut_table
from annotator.ui.translations import tr as _tr


def app_version() -> str:
    """The installed distribution's version, else the package's ``__version__`` (a source checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flower-annotator")
    except PackageNotFoundError:
        import annotator

        return getattr(annotator, "__version__", "unknown")


class ShortcutsDialog(QDialog):
    def __init__(self, actions: WindowActions, parent=None, extra=()) -> None:
        super().__init__(parent)
        self.setObjectName("ShortcutsDialog")
        self.setWindowTitle(_tr("Keyboard shortcuts"))
        rows = shortcut_table(actions, extra)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels([_tr("Keys"), _tr("Action")])
        for r, (keys, text) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(text))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 620)
