"""The Training dock's dataset counts: images, labelled, verified, boxes per class and the split, kept live.

A folder is counted once on a background thread (`annotator.core.dataset_counts.summarize_dataset` reads every
annotation); after that `DatasetCountsLabel.image_changed` counts one image again whenever the window saves it (or
another program changes it, or it goes to the trash), and `refresh_split` re-reads the split files once a run has
written them, so the label says where they are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from annotator.core.dataset_counts import DatasetSummary, summarize_dataset
from annotator.ui.translations import tr as _tr


class DatasetCountsLabel(QLabel):
    """A label with the counts of one dataset folder.

    Args:
        verified_only: says whether the run would use the verified images only (the dock's radio buttons).

    Signals:
        changed(): the counts (or the counting state) changed; what training may start with may have changed.

    Attributes:
        summary: the counts (empty while none are known). counting: a folder count is running.
    """

    changed = Signal()
    _ready = Signal(int, object)

    def __init__(self, verified_only: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._verified_only = verified_only
        self.summary = DatasetSummary()
        self.counting = False
        self._token = 0
        self._changed_while_counting: set[str] = set()
        # What the label says, as a function, so a language switch can say it again.
        self._text: Callable[[], str] = lambda: _tr("No folder open.")
        self._ready.connect(self._show_summary)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(self._text())

    def _say(self, text: Callable[[], str]) -> None:
        self._text = text
        self.setText(text())

    def count(self, data_dir: str | None, save_dir: str | None) -> None:
        """Count ``data_dir`` (with its annotations in ``save_dir``) on a background thread; None: no folder."""
        self._token += 1
        self._changed_while_counting.clear()
        self.counting = False
        self.summary = DatasetSummary()
        if not data_dir:
            self._say(lambda: _tr("No folder open."))
            self.changed.emit()
            return
        self._say(lambda: _tr("Counting labels in {0}...").format(data_dir))
        self.counting = True
        self.changed.emit()
        token = self._token

        def count() -> None:
            try:
                result: DatasetSummary | str = summarize_dataset(data_dir, save_dir=save_dir)
            except (OSError, ValueError) as exc:
                result = _tr("Cannot read {0}: {1}").format(data_dir, exc)
            self._ready.emit(token, result)

        threading.Thread(target=count, name="dataset-summary", daemon=True).start()

    def _show_summary(self, token: int, result: object) -> None:
        if token != self._token:
            return  # a newer folder replaced this count
        self.counting = False
        if isinstance(result, str):
            self._say(lambda: str(result))
            self.changed.emit()
            return
        assert isinstance(result, DatasetSummary)
        self.summary = result
        for path in self._changed_while_counting:  # saved while the count ran: it may have read the old file
            result.update_image(path)
        self._changed_while_counting.clear()
        self.show_counts()

    def show_counts(self) -> None:
        """Say the counts again (e.g. "verified only" was chosen)."""
        if self.counting:
            return
        summary = self.summary
        self._say(lambda: "<br>".join(summary.describe(self._verified_only(), _tr)))
        self.changed.emit()

    def image_changed(self, image_path: str) -> None:
        """The annotation of ``image_path`` changed on disk: count that image again."""
        if self.counting:
            self._changed_while_counting.add(str(image_path))
        elif self.summary.update_image(image_path):
            self.show_counts()

    def refresh_split(self) -> None:
        """Read the split files again (a run has written them) and say where they are."""
        if not self.counting and self.summary.root is not None:
            self.summary.refresh_split()
            self.show_counts()
