"""The "Likely label mistakes" dock: a ranked list of entries (`annotator.core.mistakes.MistakeEntry`), most
suspicious first, with two buttons (find them with the loaded model, open a mistakes file) and a status line.

The dock only shows and reports: walking the list emits `entry_chosen`; Enter on an entry emits `apply_requested`
(take the suggestion), K emits `mark_requested` ("the label is right"). `annotator.ui.model.mistakes_features`
does the work. Keys are `QAction`s on the list (so the shortcut help lists them), active while the list has focus.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.mistakes import MistakeEntry
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr

APPLY_KEYS = ("Return", "Enter")
MARK_RIGHT_KEY = "K"
KIND_TEXTS = {
    "swapped": _n("Wrong class?"),
    "overlooked": _n("Missing box?"),
    "badly_located": _n("Box off?"),
}
"""Each kind of entry in the user's words."""
STATE_TEXTS = {"fixed": _n("fixed"), "right": _n("label is right"), "missing": _n("image not in this folder")}
"""What became of an entry (shown after its text); "" while it is open."""
DONE_COLOR = QColor(130, 130, 130)
COLUMNS = (_n("Score"), _n("Problem"), _n("Image"), _n("Label -> suggestion"))


def entry_text(entry: MistakeEntry) -> str:
    """The last column: ``roses -> daisy``, ``(no box) -> daisy``, ``tulips: move the box``."""
    if entry.kind == "overlooked":
        return _tr("(no box) -> %s") % entry.suggested
    if entry.kind == "badly_located":
        return _tr("%s: move the box") % (entry.label or "")
    return f"{entry.label} -> {entry.suggested}"


class MistakesDock(QDockWidget):
    """The list of likely label mistakes.

    Signals:
        find_clicked(): run the finder with the loaded model. open_clicked(): open a mistakes file.
        entry_chosen(int): the current row changed to entry ``i`` (-1: none).
        apply_requested(int), mark_requested(int): Enter / K on entry ``i``.
    """

    find_clicked = Signal()
    open_clicked = Signal()
    entry_chosen = Signal(int)
    apply_requested = Signal(int)
    mark_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mistakes_dock")
        self.entries: list[MistakeEntry] = []
        self.states: list[str] = []
        self._summary: tuple[str, tuple] = ("", ())
        body = QWidget()
        # A wide strip under the image: the list on the left, the buttons and the texts beside it.
        layout = QHBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 2)
        self.tree = QTreeWidget()
        self.tree.setObjectName("mistakes_list")
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setMinimumHeight(110)
        header = self.tree.header()
        header.setStretchLastSection(True)
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._current_changed)
        layout.addWidget(self.tree, 3)
        side = QVBoxLayout()
        buttons = QHBoxLayout()
        self.find_button = QPushButton()
        self.find_button.setObjectName("mistakes_find")
        self.open_button = QPushButton()
        self.open_button.setObjectName("mistakes_open")
        self.find_button.clicked.connect(self.find_clicked)
        self.open_button.clicked.connect(self.open_clicked)
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("mistakes_summary")
        self.detail_label = QLabel()
        self.detail_label.setObjectName("mistakes_detail")
        self.hint_label = QLabel()
        self.hint_label.setStyleSheet("color: #5f5f5f;")
        for label in (self.summary_label, self.detail_label, self.hint_label):
            label.setWordWrap(True)
            side.addWidget(label)
        side.addStretch(1)
        layout.addLayout(side, 2)
        self.setWidget(body)
        self.apply_action = self._key_action("mistakes_apply", APPLY_KEYS, self.apply_requested)
        self.mark_action = self._key_action("mistakes_mark_right", (MARK_RIGHT_KEY,), self.mark_requested)
        self.retranslate()

    def _key_action(self, name: str, keys: tuple[str, ...], signal) -> QAction:
        action = QAction(self.tree)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda: self.current_index() >= 0 and signal.emit(self.current_index()))
        self.tree.addAction(action)
        return action

    # -- contents ---------------------------------------------------------------------------------------------
    def set_entries(
        self, entries: list[MistakeEntry], states: list[str], summary: str, *args: object
    ) -> None:
        """Show ``entries`` (most suspicious first) with their states; ``summary`` (English source, formatted
        with ``args``) above the list. The first open entry becomes current."""
        self.entries, self.states = list(entries), list(states)
        self._summary = (summary, args)
        self.tree.blockSignals(True)
        self.tree.clear()
        for i in range(len(self.entries)):
            item = QTreeWidgetItem(self.tree)
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            self._fill(item, i)
        self.tree.blockSignals(False)
        self._show_summary()
        first = next((i for i, s in enumerate(self.states) if not s), 0 if self.entries else -1)
        self.select(first)

    def _fill(self, item: QTreeWidgetItem, i: int) -> None:
        entry, state = self.entries[i], self.states[i]
        texts = (
            f"{entry.score:.2f}",
            _tr(KIND_TEXTS[entry.kind]),
            Path(entry.image).name,
            entry_text(entry) + (f"  ({_tr(STATE_TEXTS[state])})" if state else ""),
        )
        for column, text in enumerate(texts):
            item.setText(column, text)
            item.setForeground(column, QBrush(DONE_COLOR) if state else QBrush())
        item.setToolTip(3, entry.image)

    def set_state(self, i: int, state: str) -> None:
        """Entry ``i`` is now ``state`` (``""`` open, ``fixed``, ``right``, ``missing``)."""
        if 0 <= i < len(self.states):
            self.states[i] = state
            self._fill(self.tree.topLevelItem(i), i)
            self._show_summary()

    def current_index(self) -> int:
        item = self.tree.currentItem()
        return int(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else -1

    def select(self, i: int) -> None:
        """Make entry ``i`` current (emits `entry_chosen`)."""
        item = self.tree.topLevelItem(i) if 0 <= i < self.tree.topLevelItemCount() else None
        if item is None:
            self.entry_chosen.emit(-1)
            return
        if item is self.tree.currentItem():
            self.entry_chosen.emit(i)
        else:
            self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)

    def next_open(self, after: int) -> int:
        """The first entry still open after ``after`` (wrapping round), or -1."""
        n = len(self.entries)
        for step in range(1, n + 1):
            i = (after + step) % n
            if not self.states[i]:
                return i
        return -1

    def _current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        self.entry_chosen.emit(int(current.data(0, Qt.ItemDataRole.UserRole)) if current is not None else -1)

    # -- texts ------------------------------------------------------------------------------------------------
    def set_detail(self, template: str, *args: object) -> None:
        """The line under the list (English source, translated here)."""
        self._detail = (template, args)
        self.detail_label.setText(_tr(template).format(*args) if template else "")

    def _show_summary(self) -> None:
        template, args = self._summary
        text = _tr(template).format(*args) if template else _tr(NO_LIST_TEXT)
        open_count = sum(not s for s in self.states)
        if self.entries:
            text += " " + _tr("{0} still open.").format(open_count)
        self.summary_label.setText(text)

    def retranslate(self) -> None:
        self.setWindowTitle(_tr("Likely label mistakes"))
        self.find_button.setText(_tr("Find with the loaded model"))
        self.find_button.setToolTip(
            _tr(
                "The loaded model predicts the images it was not trained on; cleanlab ranks the labels it doubts."
            )
        )
        self.open_button.setText(_tr("Open list..."))
        self.open_button.setToolTip(_tr("Open a file written by flower-annotator mistakes"))
        self.tree.setHeaderLabels([_tr(c) for c in COLUMNS])
        self.hint_label.setText(
            _tr("Enter: take the suggestion (Ctrl+Z undoes it). K: the label is right (not shown again).")
        )
        self.apply_action.setText(_tr("Take the suggested fix"))
        self.mark_action.setText(_tr("The label is right (not shown again)"))
        for i in range(self.tree.topLevelItemCount()):
            self._fill(self.tree.topLevelItem(i), i)
        self._show_summary()
        template, args = getattr(self, "_detail", ("", ()))
        self.detail_label.setText(_tr(template).format(*args) if template else "")

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.tree.currentItem() is not None:  # the current entry stays in view as the dock opens or grows
            self.tree.scrollToItem(self.tree.currentItem())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


NO_LIST_TEXT = _n(
    "No list yet: load a model and press 'Find with the loaded model', or open a file written by "
    "flower-annotator mistakes."
)
