"""Opening folders, showing images, saving, autosave and the trash (part of `MainWindow`)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from annotator.core.annotation import ImageAnnotation
from annotator.core.dataset import ImageStatus
from annotator.core.disk_state import DiskState, backup_other_version
from annotator.ui import save_conflict
from annotator.ui.document import DocumentModel
from annotator.ui.translations import tr as _tr

SAVED, FAILED, CANCELLED, RELOADED, CONFLICT = "saved", "failed", "cancelled", "reloaded", "conflict"


def _status_of(annotation: ImageAnnotation) -> ImageStatus:
    if annotation.verified:
        return ImageStatus.VERIFIED
    return ImageStatus.LABELLED if annotation.objects else ImageStatus.UNLABELLED


def _persistence():
    # Imported on first use: it pulls in OpenCV (through the dataset scanner), which the window does not need
    # to appear.
    from annotator.core import annotation_files as persistence

    return persistence


class NavigationMixin:
    """Folder/image navigation and saving for `MainWindow`."""

    # Opening -----------------------------------------------------------------------------------------------
    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Open a folder (shows the image last seen there, else the first) or an image (opens its folder and
        shows it). Returns once the image is shown; False when nothing could be opened."""
        path = os.path.abspath(os.fspath(path))
        if os.path.isdir(path):
            return self.open_folder(path)
        if os.path.isfile(path):
            if path in self._entries:  # already in the open folder: keep the session's documents and undo
                return self.show_image(path)
            return self.open_folder(os.path.dirname(path), show=path)
        self.statusBar().showMessage(_tr("No such file or folder: %s") % path, 8000)
        return False

    def open_folder(self, folder: str, show: str | None = None) -> bool:
        if not self.leave_current_image():
            return False
        folder = os.path.abspath(folder)
        try:
            entries = _persistence().scan_folder(folder, self.save_dir)
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(_tr("Cannot open %s: %s") % (folder, exc), 8000)
            return False
        self.root = folder
        self._entries = {e.image_path: e for e in entries}
        self._folder_labels = None
        self._documents.clear()
        for stack in list(self._stacks.values()):
            self.undo_group.removeStack(stack)
            stack.deleteLater()
        self._stacks.clear()
        self.cache.clear()
        self.current_path = None
        self.file_panel.model.set_images([e.image_path for e in entries], [e.status for e in entries])
        self.settings.add_recent_folder(folder)
        self.folder_watch.stop()  # the old folder's; the new one starts once the first image is painted
        if not entries:
            self._show_nothing(_tr("No images in %s") % folder)
            self.folder_watch.watch_after_paint()
            return False
        target = show if show in self._entries else self.settings.last_image(folder)
        if target not in self._entries:
            target = entries[0].image_path
        shown = self.show_image(target)
        self.folder_watch.watch_after_paint()
        return shown

    def _annotation_path(self, image_path: str) -> str:
        entry = self._entries.get(image_path)
        if entry is not None:
            return entry.annotation_path
        return _persistence().annotation_path_for(
            image_path, self.root or os.path.dirname(image_path), self.save_dir
        )

    def _document_for(self, path: str) -> tuple[DocumentModel, QUndoStack]:
        doc = self._documents.get(path)
        if doc is None:
            annotation_path = self._annotation_path(path)
            disk = DiskState.capture(annotation_path)  # before reading: a change during the read is seen
            annotation, error = _persistence().read_annotation(path, annotation_path)
            doc = DocumentModel(annotation, path, annotation_path, self)
            doc.disk = disk
            doc.read_only = bool(error)
            doc.load_error = error
            self._documents[path] = doc
            stack = QUndoStack(self.undo_group)
            stack.cleanChanged.connect(lambda clean, p=path: self._on_clean_changed(p, clean))
            stack.indexChanged.connect(lambda _i, p=path: self._on_stack_changed(p))
            self._stacks[path] = stack
        return doc, self._stacks[path]

    # Showing -----------------------------------------------------------------------------------------------
    def show_image(self, path: str) -> bool:
        """Show ``path`` (an image of the open folder); returns once it is painted."""
        if self._navigating:
            return False
        if path == self.current_path:
            return True
        if not self.leave_current_image():
            return False
        self._navigating = True
        try:
            loaded = self.cache.get_for_display(path)
            doc, stack = self._document_for(path)
            self.current_path = path
            self.document_model = doc
            self.undo_stack = stack
            self.undo_group.setActiveStack(stack)
            if loaded.ok:
                doc.annotation.width, doc.annotation.height = loaded.size
                doc.annotation.depth = doc.annotation.depth or 3
                self.canvas.set_image(loaded.image, loaded.preview, size=loaded.size)
                self.file_panel.model.set_error(path, doc.load_error)
                if loaded.partial:  # a quick preview is on screen: swap the full image in when decoded
                    self.full_image_timer.start()
            else:
                self.canvas.set_image(None, message=_tr("Cannot show this image.\n%s") % loaded.error)
                self.file_panel.model.set_error(path, loaded.error)
            self.canvas.set_document(doc)
            self.box_list.set_document(doc)
            self._update_banner()
            self.file_panel.select_path(path)
            if self.root:
                self.settings.set_last_image(self.root, path)
            self._update_title()
            self._update_status_size()
            self._prefetch_neighbours(path)
            self.canvas.repaint()
        finally:
            self._navigating = False
        self.image_shown.emit(path)
        return True

    def _swap_in_full_image(self) -> None:
        path = self.current_path
        if path is None or self.canvas.image is not None:
            self.full_image_timer.stop()
            return
        if not self.cache.is_ready(path):
            return
        self.full_image_timer.stop()
        loaded = self.cache.get(path)
        if loaded.image is not None:
            self.canvas.set_image(loaded.image, loaded.preview, keep_view=True)
        else:
            self.canvas.set_image(None, message=_tr("Cannot show this image.\n%s") % loaded.error)
            self.file_panel.model.set_error(path, loaded.error)

    def _show_nothing(self, message: str) -> None:
        self.current_path = None
        self.document_model = None
        self.undo_stack = None
        self.undo_group.setActiveStack(None)
        self.canvas.set_document(None)
        self.canvas.set_image(None, message=message)
        self.box_list.set_document(None)
        self._update_banner()
        self._update_title()

    def _prefetch_neighbours(self, path: str) -> None:
        paths = self.file_panel.model.paths()
        row = self.file_panel.model.row_of(path)
        step = self._last_step
        # The way the user is going first (one image ahead decodes alone, at full speed), then the other way.
        order = (row + step, row + 2 * step, row - step)
        self.cache.prefetch([paths[i] for i in order if 0 <= i < len(paths)])

    def _step(self, step: int) -> bool:
        paths = self.file_panel.model.paths()
        if not paths:
            return False
        row = self.file_panel.model.row_of(self.current_path) if self.current_path else -1
        target = row + step
        self._last_step = 1 if step > 0 else -1
        if not 0 <= target < len(paths):
            self.statusBar().showMessage(
                _tr("This is the last image.") if step > 0 else _tr("This is the first image."), 3000
            )
            return False
        return self.show_image(paths[target])

    def next_image(self) -> bool:
        """Show the next image of the list (D); returns once it is shown."""
        return self._step(1)

    def prev_image(self) -> bool:
        """Show the previous image of the list (A); returns once it is shown."""
        return self._step(-1)

    def next_unlabelled(self) -> bool:
        model = self.file_panel.model
        paths = model.paths()
        start = model.row_of(self.current_path) + 1 if self.current_path else 0
        for path in paths[start:] + paths[:start]:
            if model.status(path) is ImageStatus.UNLABELLED and path != self.current_path:
                return self.show_image(path)
        self.statusBar().showMessage(_tr("Every image is labelled."), 4000)
        return False

    # Saving ------------------------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the shown image's annotation in the chosen format (atomic). False when read-only, failed, or
        not written because the file changed on disk and the user did not choose "keep mine"."""
        return self._save(interactive=True) == SAVED

    def _save(self, interactive: bool) -> str:
        """Save, checking first that the files on disk are the ones read (`DiskState`). Returns SAVED, FAILED,
        CANCELLED, RELOADED or CONFLICT. A conflict asks the user when ``interactive`` (Save, navigation,
        closing); an autosave (``interactive=False``) writes nothing, pauses autosave for this image and says
        so in the banner."""
        doc, stack = self.document_model, self.undo_stack
        if doc is None or stack is None:
            return FAILED
        if doc.read_only:
            self.statusBar().showMessage(
                _tr("Not saved: the annotation file could not be read (see the banner)."), 8000
            )
            return FAILED
        if not self.canvas.has_image() and self.current_path == doc.image_path:
            return FAILED
        backups: list[str] = []
        changes = doc.disk.changes() if doc.disk is not None else []
        if changes:
            if not interactive:
                doc.save_conflict = True
                self.autosave_timer.stop()
                self._update_banner()
                self.statusBar().showMessage(
                    _tr("Not saved: %s was changed by another program. Autosave is paused for this image.")
                    % Path(doc.annotation_path).name,
                    10000,
                )
                return CONFLICT
            choice = self._ask_conflict(doc, changes)
            if choice == save_conflict.RELOAD:
                self.reload_from_disk(doc.image_path)
                return RELOADED
            if choice != save_conflict.KEEP_MINE:
                self.statusBar().showMessage(_tr("Not saved."), 5000)
                return CANCELLED
            try:
                backups = [backup_other_version(now.path) for _then, now in changes if now.exists]
            except OSError as exc:
                QMessageBox.warning(
                    self, _tr("Save failed"), _tr("Could not save %s:\n%s") % (doc.annotation_path, exc)
                )
                return FAILED
        fmt = self.settings.save_format
        try:
            written = _persistence().save_annotation(
                doc.annotation, doc.annotation_path, fmt, self.root or "", self.known_classes()
            )
        except (OSError, ValueError) as exc:
            QMessageBox.warning(
                self, _tr("Save failed"), _tr("Could not save %s:\n%s") % (doc.annotation_path, exc)
            )
            return FAILED
        doc.disk = DiskState.capture(doc.annotation_path)  # our own write is the version read now
        doc.save_conflict = False
        self._remember_disk(doc.image_path)
        stack.setClean()
        self.file_panel.model.set_status(doc.image_path, _status_of(doc.annotation))
        self.annotation_changed.emit(doc.image_path)
        if backups:
            self.statusBar().showMessage(
                _tr("Saved %s; the other version was kept as %s") % (written, ", ".join(backups)), 10000
            )
        else:
            self.statusBar().showMessage(_tr("Saved %s") % written, 3000)
        self._update_banner()
        self._update_title()
        return SAVED

    def _ask_conflict(self, doc: DocumentModel, changes) -> str:
        disk, error = _persistence().read_annotation(doc.image_path, doc.annotation_path)
        box = save_conflict.conflict_box(self, doc.image_path, changes, disk, error, doc.annotation)
        box.exec()
        choice = save_conflict.choice_of(box)
        box.deleteLater()
        return choice

    def reload_from_disk(self, path: str) -> None:
        """Drop this window's version of ``path`` (edits and undo history) and read the file again."""
        self._forget(path)
        if path == self.current_path:
            self.current_path = None
            self.show_image(path)
            doc = self.document_model
        else:
            doc, _stack = self._document_for(path)
        if doc is not None:
            self.file_panel.model.set_status(path, _status_of(doc.annotation))
            self.file_panel.model.set_error(path, doc.load_error)
        self._remember_disk(path)
        self._update_banner()
        self.annotation_changed.emit(path)

    def _remember_disk(self, path: str) -> None:
        """The files of ``path`` on disk are now known to this window (the folder watcher ignores them)."""
        self.folder_watch.remember(path)

    # Changes made by other programs (see `annotator.ui.folder_watch`) -------------------------------------
    def can_take_disk_changes(self) -> bool:
        """False while a reload would pull the image from under the user: a box being drawn, a dialog open."""
        from PySide6.QtWidgets import QApplication

        return not self.canvas.drawing and QApplication.activeModalWidget() is None and not self._navigating

    def disk_changed(self, path: str) -> None:
        """The annotation files of ``path`` changed on disk (created, removed, rewritten by another program).

        Not open here: the file-list status is read again. Open and unedited here: it is reloaded (the canvas
        and box list show the new boxes). Open with edits here: nothing is reloaded or written; the document
        is marked as in conflict (banner, autosave paused) and the next save asks."""
        entry = self._entries.get(path)
        if entry is None:
            return
        doc = self._documents.get(path)
        if doc is None:
            annotation, error = _persistence().read_annotation(path, entry.annotation_path)
            if self._folder_labels is not None:
                self._folder_labels.reread(path)
            self.file_panel.model.set_status(path, _status_of(annotation))
            self.file_panel.model.set_error(path, error)
            self.annotation_changed.emit(path)
            return
        if doc.disk is not None and not doc.disk.changes():
            return  # our own save, or the same bytes written again
        stack = self._stacks.get(path)
        if stack is not None and not stack.isClean():
            on_disk, error = _persistence().read_annotation(path, entry.annotation_path)
            self.file_panel.model.set_status(path, _status_of(on_disk))  # the list says what is on disk
            doc.save_conflict = True
            if path == self.current_path:
                self.autosave_timer.stop()
                self._update_banner()
            self.statusBar().showMessage(
                _tr("%s was changed by another program; your edits here are not saved yet.")
                % Path(entry.annotation_path).name,
                10000,
            )
            return
        self.reload_from_disk(path)
        self.statusBar().showMessage(
            _tr("Reloaded %s: it was changed by another program.") % Path(entry.annotation_path).name, 5000
        )

    def is_dirty(self) -> bool:
        return self.undo_stack is not None and not self.undo_stack.isClean()

    def _on_stack_changed(self, path: str) -> None:
        if path == self.current_path and self.actions.autosave.isChecked():
            self.autosave_timer.start()

    def _on_clean_changed(self, path: str, clean: bool) -> None:
        if path == self.current_path:
            self._update_title()

    def _autosave(self) -> None:
        doc = self.document_model
        if (
            self.actions.autosave.isChecked()
            and self.is_dirty()
            and doc is not None
            and not doc.save_conflict
        ):
            self._save(interactive=False)

    def leave_current_image(self) -> bool:
        """Called before the shown image changes or the window closes: autosave, or ask Save/Discard/Cancel.
        Returns False when the user cancels."""
        self.autosave_timer.stop()
        if not self.is_dirty() or self.document_model is None or self.document_model.read_only:
            return True
        if self.actions.autosave.isChecked():
            outcome = self._save(interactive=True)  # the user is leaving: a conflict is asked about now
            if outcome in (SAVED, RELOADED):
                return True
            if outcome == CANCELLED:
                return False
        return self._ask_unsaved()

    def _ask_unsaved(self) -> bool:
        name = Path(self.current_path or "").name
        answer = QMessageBox.question(
            self,
            _tr("Unsaved changes"),
            _tr("Save the changes to %s?") % name,
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self._save(interactive=True) in (SAVED, RELOADED)
        if answer == QMessageBox.StandardButton.Discard:
            self._forget(self.current_path)
            return True
        return False

    def _forget(self, path: str | None) -> None:
        """Drop the in-memory document and undo history of ``path`` (it reloads from disk when shown)."""
        if path is None:
            return
        self._documents.pop(path, None)
        stack = self._stacks.pop(path, None)
        if stack is not None:
            if self.undo_group.activeStack() is stack:
                self.undo_group.setActiveStack(None)
            self.undo_group.removeStack(stack)
            stack.deleteLater()
        if path == self.current_path:
            self.document_model = None
            self.undo_stack = None
            self.canvas.set_document(None)
            self.box_list.set_document(None)

    # Bad annotation files ----------------------------------------------------------------------------------
    def overwrite_broken_annotation(self) -> str:
        """The user chose to replace the unreadable annotation file: keep it as a backup, then allow edits.
        Returns the backup's path."""
        doc = self.document_model
        if doc is None or not doc.read_only:
            return ""
        backup = (
            _persistence().backup_file(doc.annotation_path) if os.path.exists(doc.annotation_path) else ""
        )
        doc.read_only = False
        doc.load_error = ""
        self.file_panel.model.set_error(doc.image_path, "")
        self._update_banner()
        self.statusBar().showMessage(_tr("The old file was kept as %s") % backup, 8000)
        return backup

    # Trash -------------------------------------------------------------------------------------------------
    def delete_current_image(self, confirm: bool = True) -> bool:
        """Move the shown image and its annotation to the dataset's trash folder after confirmation."""
        path = self.current_path
        if path is None or self.root is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                _tr("Delete image"),
                _tr("Move %s and its annotation to the trash folder %s?")
                % (Path(path).name, os.path.join(self.root, _persistence().TRASH_DIR)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        paths = self.file_panel.model.paths()
        row = paths.index(path)
        annotation_path = self._annotation_path(path)
        self.autosave_timer.stop()
        self._forget(path)
        self.current_path = None
        try:
            _persistence().move_to_trash(self.root, path, annotation_path)
        except OSError as exc:
            QMessageBox.warning(self, _tr("Delete image"), str(exc))
            return False
        self.cache.forget(path)
        self.file_panel.model.remove_path(path)
        self._entries.pop(path, None)
        if self._folder_labels is not None:
            self._folder_labels.reread(path)  # moved away: its labels no longer count
        self.annotation_changed.emit(path)
        remaining = self.file_panel.model.paths()
        if remaining:
            self.show_image(remaining[min(row, len(remaining) - 1)])
        else:
            self._show_nothing(_tr("No images left in %s") % self.root)
        return True
