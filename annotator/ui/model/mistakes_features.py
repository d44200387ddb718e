"""The "Likely label mistakes" list in the labelling window: find them with the loaded model (in the worker) or
open a file written by ``flower-annotator mistakes``, walk them with the labelled box and the suggestion drawn
on the canvas, take a suggestion as one undoable command, or mark the label right.

Created by `annotator.ui.model.features.ModelFeatures`; talks to the worker only through the shared `ModelClient`.
"Label is right" marks go to ``DATA/.flower_annotator/mistakes_ok.json`` (`annotator.core.mistakes`; DATA the opened
folder, whatever the save folder), so neither a rerun of the finder nor a reopened list shows them again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QPainter, QTransform, QUndoCommand
from PySide6.QtWidgets import QFileDialog

from annotator.core.annotation import BoxObject
from annotator.core.mistakes import (
    MistakeEntry,
    MistakeFileError,
    image_paths_by_id,
    labelled_box_index,
    mark_ok,
    marks_root,
    parse_mistakes,
    read_mistakes,
    read_ok_marks,
    unmark_ok,
)
from annotator.ui.document import DocumentModel
from annotator.ui.model.client import ModelClient
from annotator.ui.model.mistakes_dock import MistakesDock
from annotator.ui.model.overlays import _font, _label, _pen, _rect
from annotator.ui.model.panel import DockToggle
from annotator.ui.translations import n as _n
from annotator.ui.translations import tr as _tr
from annotator.ui.undo import AddBoxCommand, RelabelCommand, SetBoxGeometryCommand

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

LABELLED_COLOR = QColor(235, 40, 120)
SUGGESTED_COLOR = QColor(20, 210, 90)
DOCK_HEIGHT = 165


class ApplySuggestionCommand(QUndoCommand):
    """Take a mistake entry's suggestion as one undo step: relabel (swapped), add the box (overlooked) or move
    it (badly located), through the commands of `annotator.ui.undo`; the entry's row follows (fixed / open).

    Build it with `suggestion_command`, which finds the box the entry is about in the document.
    """

    def __init__(self, inner: QUndoCommand, on_change, text: str) -> None:
        super().__init__(text)
        self._inner = inner
        self._on_change = on_change

    def redo(self) -> None:
        self._inner.redo()
        self._on_change("fixed")

    def undo(self) -> None:
        self._inner.undo()
        self._on_change("")


def suggestion_command(
    document: DocumentModel, entry: MistakeEntry, on_change
) -> ApplySuggestionCommand | None:
    """The undoable fix of ``entry`` in ``document``, or None when the box it is about is no longer there (or an
    entry without a suggested box asks to move one). ``on_change(state)`` hears ``"fixed"`` / ``""``."""
    if entry.kind == "overlooked":
        if entry.suggested_box is None:
            return None
        inner = AddBoxCommand(document, BoxObject(entry.suggested, *entry.suggested_box))
        return ApplySuggestionCommand(inner, on_change, _tr("Add the overlooked box '%s'") % entry.suggested)
    index = labelled_box_index(document.boxes, entry)
    if index is None:
        return None
    if entry.kind == "swapped":
        inner = RelabelCommand(document, index, entry.suggested, document.box(index).difficult)
        return ApplySuggestionCommand(
            inner, on_change, _tr("Relabel '%s' as '%s'") % (entry.label, entry.suggested)
        )
    if entry.suggested_box is None:
        return None
    inner = SetBoxGeometryCommand(document, index, entry.suggested_box)
    return ApplySuggestionCommand(
        inner, on_change, _tr("Move the box '%s' where the model sees it") % entry.label
    )


class MistakeLayer:
    """Canvas layer: the current entry's labelled box (pink, dashed) and the suggestion (green, solid)."""

    def __init__(self) -> None:
        self.entry: MistakeEntry | None = None

    def paint(self, painter: QPainter, image_to_widget: QTransform) -> None:
        entry = self.entry
        if entry is None:
            return
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            _font(painter, 9.0, bold=True)
            if entry.box is not None:
                rect = _rect(image_to_widget, entry.box).adjusted(-3, -3, 3, 3)
                painter.setPen(_pen(QColor(255, 255, 255), 5.0))
                painter.drawRect(rect)
                painter.setPen(_pen(LABELLED_COLOR, 3.0, Qt.PenStyle.DashLine))
                painter.drawRect(rect)
                _label(painter, rect.topLeft(), _tr("labelled: %s") % entry.label, LABELLED_COLOR)
            if entry.suggested_box is not None:
                rect = _rect(image_to_widget, entry.suggested_box)
                painter.setPen(_pen(QColor(0, 0, 0, 170), 5.0))
                painter.drawRect(rect)
                painter.setPen(_pen(SUGGESTED_COLOR, 3.0))
                painter.drawRect(rect)
                _label(
                    painter,
                    QPointF(rect.left(), rect.bottom()),
                    _tr("suggested: %s") % entry.suggested,
                    SUGGESTED_COLOR,
                    below=True,
                )
        finally:
            painter.restore()


class MistakesFeatures(QObject):
    """The mistakes dock, its canvas layer and its actions in ``window``.

    Args:
        window: the labelling window.
        client: the model worker client (its loaded model finds the mistakes).
        actions: the model actions by name; ``find_mistakes``, ``open_mistakes`` and ``toggle_mistakes_dock``
            are connected here.
    """

    def __init__(self, window: MainWindow, client: ModelClient, actions: dict[str, QAction]) -> None:
        super().__init__(window)
        self._window = window
        self.client = client
        self.dock = MistakesDock(window)
        # Under the image, where a table has its width; hidden until asked for (F6, Find, Open list), or where
        # the user left it last time. The side column keeps the bottom-right corner: the list sits under the
        # image only, so its height and the column's stand side by side instead of adding up (together they
        # asked 805 px of a 768-px screen, and the window grew past its bottom edge).
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self._placed = window.in_saved_state(self.dock) and window.restoreDockWidget(self.dock)
        if not self._placed:
            self.dock.hide()
        self.layer = MistakeLayer()
        window.canvas.add_overlay(self.layer)
        self.paths: dict[str, str] = {}
        """Image id -> image path in the opened folder, for the list shown."""
        self.root: str | None = None
        self.save_dir: str | None = None
        self.busy = False
        actions["find_mistakes"].triggered.connect(self.find)
        actions["open_mistakes"].triggered.connect(lambda: self.open_file())
        # F6, as F8 / F9: the press decides from what is on screen; the mark follows every show and hide.
        self.toggle = DockToggle(self.dock, actions["toggle_mistakes_dock"], lambda _dock: self._size_once())
        self.dock.find_clicked.connect(self.find)
        self.dock.open_clicked.connect(lambda: self.open_file())
        self.dock.entry_chosen.connect(self.show_entry)
        self.dock.apply_requested.connect(self.apply)
        self.dock.mark_requested.connect(self.toggle_right)
        client.mistakes_ready.connect(self.on_found)
        client.mistakes_failed.connect(self.on_failed)

    def show_dock(self) -> None:
        """Show the dock (the first time low, so the image keeps most of the height)."""
        self.toggle.open()

    def _size_once(self) -> None:
        if not self._placed:
            self._placed = True
            self._window.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)

    # -- getting a list -------------------------------------------------------------------------------------
    def find(self) -> None:
        """Ask the worker's loaded model for the likely mistakes of the opened folder."""
        window = self._window
        self.show_dock()
        if not window.root:
            self.dock.set_detail(_n("Open a folder of labelled images first."))
            return
        if not self.client.model_path:
            self.dock.set_detail(_n("Load a model first (Ctrl+Alt+O); the list comes from its predictions."))
            return
        if self.busy:
            return
        self.busy = True
        self.dock.find_button.setEnabled(False)
        self.client.find_mistakes(window.root, window.save_dir)
        self.dock.set_detail(
            _n("Looking for likely mistakes in {0} with {1}..."),
            Path(window.root).name,
            Path(self.client.model_path).name,
        )

    def on_found(self, result: dict) -> None:
        self._done()
        try:
            report = parse_mistakes(result.get("report"), _tr("the model worker's answer"))
        except MistakeFileError as exc:
            self.dock.set_detail("{0}", str(exc))
            return
        summary = (
            _n("{0} likely mistakes in {1} images the model did not train on.")
            if result.get("split") == "val"
            else _n(
                "{0} likely mistakes in {1} images (no val split here: the model may have trained on some)."
            )
        )
        self.show_report(report.entries, summary, len(report.entries), report.n_images)

    def on_failed(self, message: str) -> None:
        self._done()
        self.dock.set_detail(_n("Could not find mistakes: {0}"), message)

    def _done(self) -> None:
        self.busy = False
        self.dock.find_button.setEnabled(True)

    def open_file(self, path: str | None = None) -> bool:
        """Show the entries of a mistakes file (asked for in a dialog when not given); False when unreadable."""
        window = self._window
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                window,
                _tr("Open a list of likely mistakes"),
                window.root or "",
                _tr("Mistakes list (*.json)"),
            )
            if not path:
                return False
        self.show_dock()
        try:
            report = read_mistakes(path)
        except MistakeFileError as exc:
            self.dock.set_detail(_n("Cannot open the list: {0}"), str(exc))
            return False
        self.show_report(
            report.entries, _n("{0} likely mistakes from {1}."), len(report.entries), Path(path).name
        )
        return True

    def show_report(self, entries: list[MistakeEntry], summary: str, *args: object) -> None:
        """List ``entries``; those marked right since the list was made are left out, those whose image is not
        in the opened folder are shown as such."""
        window = self._window
        self.root, self.save_dir = window.root, window.save_dir
        self.paths = image_paths_by_id(self.root, self.save_dir) if self.root else {}
        marked: set = set()
        if self.root:
            try:
                marked = {m.key() for m in read_ok_marks(marks_root(self.root, self.save_dir))}
            except MistakeFileError as exc:
                self.dock.set_detail(_n("The marks file cannot be read: {0}"), str(exc))
        entries = [e for e in entries if e.key() not in marked]
        states = ["" if e.image in self.paths else "missing" for e in entries]
        self.dock.set_detail("")
        self.dock.set_entries(entries, states, summary, *args)
        self.dock.tree.setFocus()

    # -- walking --------------------------------------------------------------------------------------------
    def show_entry(self, i: int) -> None:
        """Show entry ``i``'s image with its labelled box and the suggestion drawn."""
        entries = self.dock.entries
        self.layer.entry = None
        if not 0 <= i < len(entries):
            self._window.canvas.update()
            return
        entry = entries[i]
        path = self.paths.get(entry.image)
        if path is None:
            self.dock.set_detail(_n("{0} is not in the opened folder."), entry.image)
            self._window.canvas.update()
            return
        focus = self.dock.tree.hasFocus()
        if path != self._window.current_path:
            self._window.open_path(path)
        if self._window.current_path == path:
            self.layer.entry = entry
        self._describe(entry)
        self._window.canvas.update()
        if focus:
            self.dock.tree.setFocus()  # keep Enter / K / the arrows on the list while walking

    def _describe(self, entry: MistakeEntry) -> None:
        if entry.kind == "swapped":
            self.dock.set_detail(
                _n("Labelled {0}, the model sees {1} here (suspicion {2:.2f})."),
                entry.label,
                entry.suggested,
                entry.score,
            )
        elif entry.kind == "overlooked":
            self.dock.set_detail(
                _n("The model sees a {0} with no box around it (suspicion {1:.2f})."),
                entry.suggested,
                entry.score,
            )
        else:
            self.dock.set_detail(
                _n("The {0} box seems off; the green box is where the model sees it (suspicion {1:.2f})."),
                entry.label,
                entry.score,
            )

    # -- fixing ---------------------------------------------------------------------------------------------
    def apply(self, i: int) -> bool:
        """Take entry ``i``'s suggestion as an undoable command on its image, then go to the next open entry."""
        entries = self.dock.entries
        if not 0 <= i < len(entries) or self.dock.states[i] in ("fixed", "missing"):
            return False
        entry = entries[i]
        if self.paths.get(entry.image) != self._window.current_path:
            self.show_entry(i)
        document = self._window.document_model
        if document is None or self._window.current_path != self.paths.get(entry.image):
            return False
        command = suggestion_command(document, entry, lambda state: self._entry_state(i, entry, state))
        if command is None:
            self.dock.set_detail(
                _n("The labelled box is no longer there: it was changed since the list was made.")
            )
            return False
        if not self._window.push(command):
            return False
        self._go_on(i)
        return True

    def _entry_state(self, i: int, entry: MistakeEntry, state: str) -> None:
        """An undo or redo of entry ``i``'s fix: its row follows while that list is still the one shown."""
        if i < len(self.dock.entries) and self.dock.entries[i] is entry:
            self.dock.set_state(i, state)

    def toggle_right(self, i: int) -> bool:
        """Mark entry ``i``'s label right (remembered beside the dataset), or take the mark back when it has one."""
        entries = self.dock.entries
        if not 0 <= i < len(entries) or not self.root or self.dock.states[i] in ("fixed", "missing"):
            return False
        root = marks_root(self.root, self.save_dir)
        try:
            if self.dock.states[i] == "right":
                unmark_ok(root, entries[i])
                self.dock.set_state(i, "")
                self.dock.set_detail(_n("The mark is taken back: the entry is open again."))
                return True
            mark_ok(root, entries[i])
        except (MistakeFileError, OSError) as exc:
            self.dock.set_detail(_n("Could not save the mark: {0}"), str(exc))
            return False
        self.dock.set_state(i, "right")
        self._go_on(i)
        return True

    def _go_on(self, i: int) -> None:
        following = self.dock.next_open(i)
        if following >= 0:
            self.dock.select(following)
        else:
            self.layer.entry = None
            self._window.canvas.update()
            self.dock.set_detail(_n("Every entry of the list is done."))

    def on_image_shown(self, path: str) -> None:
        """Another image came up (navigation outside the list): draw its entry only when it is the current one."""
        i = self.dock.current_index()
        entries = self.dock.entries
        current = entries[i] if 0 <= i < len(entries) else None
        self.layer.entry = current if current is not None and self.paths.get(current.image) == path else None
        if (
            self._window.root
            and self.root
            and os.path.abspath(self._window.root) != os.path.abspath(self.root)
        ):
            self.layer.entry = None

    def retranslate(self) -> None:
        self.dock.retranslate()
