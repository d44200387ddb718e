"""Turning the canvas's intents and the Edit menu into undo commands (part of `MainWindow`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMainWindow

from annotator.core import box_edit as geo
from annotator.core.annotation import BoxObject
from annotator.ui.label_dialog import LabelDialog
from annotator.ui.translations import tr as _tr
from annotator.ui.undo import (
    AddBoxCommand,
    AddBoxesCommand,
    DeleteBoxCommand,
    RelabelCommand,
    SetBoxGeometryCommand,
    SetVerifiedCommand,
)

if TYPE_CHECKING:
    from annotator.core.annotation_files import FolderEntry
    from annotator.core.folder_labels import FolderLabels
    from annotator.ui.actions import WindowActions
    from annotator.ui.canvas.box_painter import ClassColors
    from annotator.ui.canvas.widget import Canvas
    from annotator.ui.document import DocumentModel
    from annotator.ui.file_list import FileListPanel
    from annotator.ui.settings import Settings


class EditingMixin(QMainWindow):
    """Box editing for `MainWindow`: every change is a command pushed on the shown image's undo stack.

    A `QMainWindow` that uses the window state `MainWindow` sets up (declared here, for type checkers).
    """

    # Set by MainWindow.__init__ (annotations only: no class attribute shadows the instance's).
    settings: Settings
    actions: WindowActions  # the window's named actions (shadows QWidget.actions() on MainWindow)
    classes: list[str]
    class_colors: ClassColors
    canvas: Canvas
    file_panel: FileListPanel
    current_path: str | None
    root: str | None
    document_model: DocumentModel | None
    undo_stack: QUndoStack | None
    _documents: dict[str, DocumentModel]
    _entries: dict[str, FolderEntry]
    _folder_labels: FolderLabels | None
    # From NavigationMixin.
    _annotation_path: Callable[[str], str]

    def push(self, command: QUndoCommand) -> bool:
        """Push ``command`` on the shown image's stack unless the document is read-only; True when pushed."""
        doc = self.document_model
        if doc is None or self.undo_stack is None:
            return False
        if doc.read_only:
            self.statusBar().showMessage(
                _tr("This annotation is read-only: it could not be read (see the banner)."), 5000
            )
            return False
        self.undo_stack.push(command)
        return True

    def known_classes(self) -> list[str]:
        """Predefined classes, then the label history, then labels used on this image."""
        names = list(self.classes) + self.settings.label_history
        if self.document_model is not None:
            names += self.document_model.annotation.class_names()
        return list(dict.fromkeys(names))

    def folder_label_counts(self) -> dict[str, int]:
        """Labels used in the open folder -> boxes, most used first: its annotation files as the scan paired
        them (read once, on first use), with every document open here counted as it is now, saved or not."""
        if self.root is None:
            return {}
        if self._folder_labels is None:
            from annotator.core.folder_labels import FolderLabels  # reads VOC files: not needed to start

            self._folder_labels = FolderLabels(
                (e.image_path, e.annotation_path, e.status) for e in self._entries.values()
            )
        self._folder_labels.sync(
            {
                path: [box.name for box in doc.annotation.objects]
                for path, doc in self._documents.items()
                if not doc.read_only
            }
        )
        return self._folder_labels.counts()

    def label_choices(self) -> tuple[list[str], dict[str, int]]:
        """What the label dialog offers, in order, and the folder's counts: the labels used in the open folder
        (most used first), then the predefined classes (``--classes`` / ``predefined_classes.txt``), then the
        label history, then the labels of the shown image."""
        counts = self.folder_label_counts()
        return list(dict.fromkeys([*counts, *self.known_classes()])), counts

    def default_label(self) -> str:
        """The label a new box's dialog starts with: the last one given, when this folder uses it (or nothing
        is used here yet), else the folder's most used label."""
        last = self.settings.label_history[0] if self.settings.label_history else ""
        counts = self.folder_label_counts()
        if not counts or last in counts:
            return last
        return next(iter(counts))

    def ask_label(self, current: str = "", difficult: bool = False) -> tuple[str, bool] | None:
        choices, counts = self.label_choices()
        dialog = LabelDialog(choices, self.class_colors, self, counts=counts)
        try:
            return dialog.ask(current, difficult)
        finally:
            dialog.deleteLater()
            # Give the keyboard back to the canvas (some platforms leave the closed dialog "active").
            self.activateWindow()
            self.canvas.setFocus()

    # Canvas intents ----------------------------------------------------------------------------------------
    def _on_box_drawn(self, xyxy: tuple) -> None:
        single = self.settings.single_class if self.actions.single_class.isChecked() else ""
        if single:
            answer: tuple[str, bool] | None = (single, False)
        else:
            answer = self.ask_label(self.default_label())
        if answer is None or self.document_model is None:
            return
        name, difficult = answer
        self.settings.add_label_to_history(name)
        box = BoxObject(name, *xyxy, difficult=difficult)
        if self.push(AddBoxCommand(self.document_model, box)):
            self.canvas.set_selected(len(self.document_model) - 1)

    def _on_box_edited(self, index: int, old: tuple, new: tuple) -> None:
        if self.document_model is not None:
            self.push(SetBoxGeometryCommand(self.document_model, index, new, old))

    def _on_nudge(self, index: int, new: tuple) -> None:
        if self.document_model is not None:
            self.push(SetBoxGeometryCommand(self.document_model, index, new, nudge=True))

    def edit_label(self, index: int | None = None) -> None:
        doc = self.document_model
        index = self.canvas.selected if index is None else index
        if doc is None or index is None or doc.read_only:
            return
        box = doc.box(index)
        answer = self.ask_label(box.name, box.difficult)
        if answer is not None and answer != (box.name, box.difficult):
            self.settings.add_label_to_history(answer[0])
            self.push(RelabelCommand(doc, index, *answer))

    def delete_box(self) -> None:
        if self.document_model is not None and self.canvas.selected is not None:
            index = self.canvas.selected
            if self.push(DeleteBoxCommand(self.document_model, index)):
                remaining = len(self.document_model)
                self.canvas.set_selected(min(index, remaining - 1) if remaining else None)

    def duplicate_box(self) -> None:
        doc = self.document_model
        if doc is None or self.canvas.selected is None:
            return
        box = doc.box(self.canvas.selected).copy()
        w, h = self.canvas.image_size()
        box.xmin, box.ymin, box.xmax, box.ymax = geo.moved(box.xyxy(), 10, 10, w, h)
        if self.push(AddBoxCommand(doc, box)):
            self.canvas.set_selected(len(doc) - 1)

    def copy_previous_boxes(self) -> None:
        """Add the previous image's boxes (in list order) to this one, clipped to this image, as one step."""
        doc = self.document_model
        paths = self.file_panel.model.paths()
        if doc is None or self.current_path not in paths:
            return
        row = paths.index(self.current_path)
        if row == 0:
            self.statusBar().showMessage(_tr("There is no previous image."), 4000)
            return
        previous = paths[row - 1]
        source = self._documents.get(previous)
        if source is not None:
            boxes = [b.copy() for b in source.boxes]
        else:
            from annotator.core.annotation_files import read_annotation

            annotation, error = read_annotation(previous, self._annotation_path(previous))
            if error:
                self.statusBar().showMessage(error, 8000)
                return
            boxes = annotation.objects
        w, h = self.canvas.image_size()
        clipped = []
        for box in boxes:
            xmin, ymin = geo.clamp(box.xmin, 0, w), geo.clamp(box.ymin, 0, h)
            xmax, ymax = geo.clamp(box.xmax, 0, w), geo.clamp(box.ymax, 0, h)
            if xmax - xmin >= geo.MIN_BOX_SIDE and ymax - ymin >= geo.MIN_BOX_SIDE:
                copy = box.copy()
                copy.xmin, copy.ymin, copy.xmax, copy.ymax = xmin, ymin, xmax, ymax
                copy.score = None
                clipped.append(copy)
        if not clipped:
            self.statusBar().showMessage(_tr("The previous image has no boxes to copy."), 4000)
            return
        self.push(AddBoxesCommand(doc, clipped, _tr("Copy %d boxes from the previous image") % len(clipped)))

    def toggle_verified(self) -> None:
        doc = self.document_model
        if doc is not None and self.canvas.has_image():
            self.push(SetVerifiedCommand(doc, not doc.annotation.verified))
