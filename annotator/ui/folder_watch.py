"""Watching the open folder, so an annotation changed by another program (LabelImg, a text editor, a second
window) shows up here: reloaded when this window has no edits of its own for it, flagged as a conflict when it
has (the save then asks, see `annotator.ui.save_conflict`), and its file-list status updated.

A `QFileSystemWatcher` watches the folders the annotation files live in (creations, removals and the renames
of atomic saves) and the annotation files themselves, up to `MAX_WATCHED_FILES` (in-place writes, which a
folder watch does not report). A replaced file drops out of the watch, so every sync adds the files again.
Events are debounced (`DEBOUNCE_MS`): a burst (a tool saving 200 files) is one sync. A sync takes the
signature of the three possible annotation files of every image (`annotator.core.disk_state.stat_signatures`:
one listing per folder and a stat for each file that exists, no reads) and looks closer only at images whose
signature changed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer

from annotator.core.disk_state import NO_FILES, annotation_files, stat_signature, stat_signatures

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

DEBOUNCE_MS = 250
MAX_WATCHED_FILES = 1000


class FolderWatch(QObject):
    """The window's watch on its folder; `MainWindow.disk_changed` decides what a change means."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._poke)
        self.watcher.fileChanged.connect(self._poke)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.sync)
        self.start_timer = QTimer(self)  # `watch_after_paint`: a zero timer runs after the painted image
        self.start_timer.setSingleShot(True)
        self.start_timer.setInterval(0)
        self.start_timer.timeout.connect(self._start_after_paint)
        self._known: dict[str, tuple] = {}
        self.syncs = 0

    def watch(self) -> None:
        """(Re)start watching the window's open folder and take every image's signature as known."""
        self.stop()
        entries = self.window._entries
        folders = {os.path.dirname(e.annotation_path) for e in entries.values()}
        if self.window.root:
            folders.add(self.window.root)
        folders = sorted(f for f in folders if os.path.isdir(f))
        if folders:
            self.watcher.addPaths(folders)
        self._known = self._signatures()
        self._watch_files()

    def watch_after_paint(self) -> None:
        """`watch`, from the next turn of the event loop: a newly opened folder's first image is painted
        before its signatures are taken (for 10,000 images a listing per folder and 10,000 names looked up, a
        few tens of milliseconds the user would otherwise wait for). The window's loaded documents (the image
        on screen) are then compared with the files they were read from, so a change made in between is
        still reloaded or flagged."""
        self.stop()
        self.start_timer.start()

    def _start_after_paint(self) -> None:
        self.watch()
        for path in list(self.window._documents):
            self.window.disk_changed(path)  # returns at once when the files hold what was read

    def stop(self) -> None:
        self.start_timer.stop()
        self.timer.stop()
        paths = self.watcher.files() + self.watcher.directories()
        if paths:
            self.watcher.removePaths(paths)
        self._known = {}

    def remember(self, image_path: str) -> None:
        """This window wrote (or read) ``image_path``'s files: their current state is not news."""
        entry = self.window._entries.get(image_path)
        if entry is not None:
            self._known[image_path] = stat_signature(entry.annotation_path)

    def _signatures(self) -> dict[str, tuple]:
        """Image path -> `stat_signature` of its annotation files, for every image of the open folder."""
        entries = self.window._entries
        by_annotation = stat_signatures([e.annotation_path for e in entries.values()])
        return {path: by_annotation[e.annotation_path] for path, e in entries.items()}

    def _poke(self, _path: str = "") -> None:
        self.timer.start()  # restarted by every event of a burst

    def _watch_files(self) -> None:
        window = self.window
        ordered = list(window._entries)
        if window.current_path in window._entries:
            ordered.remove(window.current_path)
            ordered.insert(0, window.current_path)
        wanted: list[str] = []
        for path in ordered:
            signature = self._known.get(path, NO_FILES)
            if signature == NO_FILES:
                continue
            for file, seen in zip(
                annotation_files(window._entries[path].annotation_path), signature, strict=True
            ):
                if seen is not None and os.path.isfile(file):  # only files the last listing found
                    wanted.append(file)
            if len(wanted) >= MAX_WATCHED_FILES:
                break
        watched = set(self.watcher.files())
        missing = [f for f in wanted[:MAX_WATCHED_FILES] if f not in watched]
        if missing:
            self.watcher.addPaths(missing)

    def sync(self) -> None:
        """Compare every image's signature with the known one; hand the changed ones to the window."""
        window = self.window
        if not window.can_take_disk_changes():
            self.timer.start()  # the user is mid-gesture or in a dialog: look again shortly
            return
        self.syncs += 1
        changed = []
        for path, signature in self._signatures().items():
            if signature != self._known.get(path):
                self._known[path] = signature
                changed.append(path)
        for path in changed:
            window.disk_changed(path)
        self._watch_files()
