"""The label dialog: pick a label the folder already uses, a predefined class or one from history, or type one.

The window gives the labels in order (`EditingMixin.label_choices`: the open folder's labels, most used first,
then ``--classes`` / ``predefined_classes.txt``, then history); a label used in the folder shows its count.
Typing filters the list (type-ahead) and highlights the row Enter would take. Enter accepts: an exact
(case-insensitive) class name wins, then the row chosen with the arrow keys or the mouse, then the first label in
list order that starts with the text (the most used one, when the folder uses several), else the text as typed.
Esc cancels. A "difficult" check box sets the VOC flag.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.canvas.box_painter import ClassColors
from annotator.ui.translations import tr as _tr


class _FilterEdit(QLineEdit):
    """Passes Up/Down to the list so the user can pick a row without leaving the text box."""

    def __init__(self, dialog: LabelDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._dialog.move_choice(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)


class LabelDialog(QDialog):
    """Modal class picker.

    Args:
        classes: the labels to offer, in order (the folder's labels, predefined classes, history).
        colors: the window's class colours (the list shows each name in its box colour).
        parent: the owning window.
        counts: label -> boxes with it in the open folder; those labels show the count in the list.
    """

    def __init__(
        self,
        classes: list[str],
        colors: ClassColors,
        parent: QWidget | None = None,
        *,
        counts: dict[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Box label"))
        self.setObjectName("LabelDialog")
        self.classes = list(dict.fromkeys(c for c in classes if c))
        counts = counts or {}
        self.edit = _FilterEdit(self)
        self.edit.setObjectName("label_edit")
        self.edit.setPlaceholderText(_tr("Type a label or pick one"))
        self.list = QListWidget(self)
        self.list.setObjectName("label_list")
        for name in self.classes:
            n = counts.get(name, 0)
            item = QListWidgetItem(f"{name}  ({n})" if n else name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            if n:
                item.setToolTip(_tr("%d boxes in this folder") % n)
            item.setForeground(colors.color(name).darker(150))
            self.list.addItem(item)
        self.difficult = QCheckBox(_tr("Difficult"), self)
        self.difficult.setObjectName("difficult_check")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        layout.addWidget(self.difficult)
        layout.addWidget(buttons)
        self.edit.textEdited.connect(self._filter)
        self.edit.returnPressed.connect(self.accept)
        self.list.itemClicked.connect(lambda item: self.edit.setText(self.label_of(item)))
        self.list.itemDoubleClicked.connect(
            lambda item: (self.edit.setText(self.label_of(item)), self.accept())
        )
        self._chosen_row: QListWidgetItem | None = None
        self.resize(280, 320)

    @staticmethod
    def label_of(item: QListWidgetItem) -> str:
        """The label a row stands for (its text may carry the folder's count)."""
        return str(item.data(Qt.ItemDataRole.UserRole))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in self.label_of(item).lower())
        self._chosen_row = None
        self._highlight_match()

    def _highlight_match(self) -> None:
        """Select the row Enter would take now (none when Enter would take the text as typed)."""
        label = self.chosen_label()
        match = next(
            (
                self.list.item(i)
                for i in range(self.list.count())
                if not self.list.item(i).isHidden() and self.label_of(self.list.item(i)) == label
            ),
            None,
        )
        self.list.clearSelection()
        if match is None:
            self.list.setCurrentRow(-1)
            return
        self.list.setCurrentItem(match)
        self.list.scrollToItem(match)

    def highlighted_label(self) -> str:
        """The label of the highlighted row, ``""`` when none is."""
        item = self.list.currentItem()
        return self.label_of(item) if item is not None and item.isSelected() else ""

    def move_choice(self, step: int) -> None:
        visible = [self.list.item(i) for i in range(self.list.count()) if not self.list.item(i).isHidden()]
        if not visible:
            return
        current = self._chosen_row if self._chosen_row in visible else None
        pos = visible.index(current) + step if current is not None else (0 if step > 0 else len(visible) - 1)
        self._chosen_row = visible[max(0, min(len(visible) - 1, pos))]
        self.list.setCurrentItem(self._chosen_row)

    def chosen_label(self) -> str:
        """The label Enter/OK would accept now (see module docstring), ``""`` when none."""
        text = self.edit.text().strip()
        lowered = {c.lower(): c for c in self.classes}
        if text.lower() in lowered:
            return lowered[text.lower()]
        if self._chosen_row is not None:
            return self.label_of(self._chosen_row)
        if text:
            # the first in list order: the folder's most used label that the text begins
            starts = (c for c in self.classes if c.lower().startswith(text.lower()))
            return next(starts, text)
        return text

    def accept(self) -> None:
        if self.chosen_label():
            super().accept()

    def ask(self, current: str = "", difficult: bool = False) -> tuple[str, bool] | None:
        """Run the dialog; returns ``(label, difficult)`` or ``None`` when cancelled."""
        self.edit.setText(current)
        self.edit.selectAll()
        self._filter("")  # shows every row and highlights the one Enter takes (the label given, if listed)
        self.difficult.setChecked(difficult)
        self.edit.setFocus()
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.chosen_label(), self.difficult.isChecked()
