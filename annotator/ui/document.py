"""The document model: a thin Qt adapter around one image's `ImageAnnotation`.

Only undo commands (`annotator.ui.undo`) call the mutating methods, so every change is undoable and the
undo stack's clean state is the file's saved state. Boxes are `BoxObject`s in continuous image pixels, xyxy, in
the displayed (EXIF-applied) frame (see `annotator.core.annotation`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.disk_state import DiskState


class DocumentModel(QObject):
    """One image's annotation plus what the window needs to know about it.

    Attributes:
        annotation: the `ImageAnnotation` being edited (never replaced, only changed in place).
        image_path: the image this document belongs to.
        annotation_path: where the VOC file is read from and saved to.
        read_only: true while the annotation file on disk could not be parsed and the user has not chosen to
            overwrite it; commands refuse to change a read-only document.
        load_error: the parse error of the annotation file, or ``""``.
        disk: the `DiskState` of the annotation files as read or last saved here (``None``: not checked).
        save_conflict: an autosave found the file changed elsewhere; autosave is paused until the user chooses.
    """

    changed = Signal()
    """Emitted after any change of the boxes or the verified flag."""

    def __init__(
        self,
        annotation: ImageAnnotation,
        image_path: str | Path = "",
        annotation_path: str | Path = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.annotation = annotation
        self.image_path = str(image_path)
        self.annotation_path = str(annotation_path)
        self.read_only = False
        self.load_error = ""
        self.disk: DiskState | None = None
        self.save_conflict = False

    # Read access -----------------------------------------------------------------------------------------
    @property
    def boxes(self) -> list[BoxObject]:
        """The boxes in file order (do not mutate: use commands)."""
        return self.annotation.objects

    def __len__(self) -> int:
        return len(self.annotation.objects)

    def box(self, index: int) -> BoxObject:
        return self.annotation.objects[index]

    # Mutations (called by commands only) -----------------------------------------------------------------
    def insert_box(self, index: int, box: BoxObject) -> None:
        """Insert ``box`` at ``index`` (``len(self)`` appends)."""
        self.annotation.objects.insert(index, box)
        self.changed.emit()

    def insert_boxes(self, index: int, boxes: list[BoxObject]) -> None:
        """Insert several boxes at ``index`` with one change signal."""
        self.annotation.objects[index:index] = boxes
        self.changed.emit()

    def remove_boxes(self, index: int, count: int) -> list[BoxObject]:
        """Remove ``count`` boxes from ``index`` with one change signal; returns them."""
        removed = self.annotation.objects[index : index + count]
        del self.annotation.objects[index : index + count]
        self.changed.emit()
        return removed

    def remove_box(self, index: int) -> BoxObject:
        box = self.annotation.objects.pop(index)
        self.changed.emit()
        return box

    def set_geometry(self, index: int, xyxy: tuple[float, float, float, float]) -> None:
        """Set box ``index`` to ``xyxy`` (continuous image pixels)."""
        box = self.annotation.objects[index]
        box.xmin, box.ymin, box.xmax, box.ymax = (float(v) for v in xyxy)
        self.changed.emit()

    def set_label(self, index: int, name: str, difficult: bool) -> None:
        box = self.annotation.objects[index]
        box.name = name
        box.difficult = difficult
        self.changed.emit()

    def set_verified(self, verified: bool) -> None:
        self.annotation.verified = verified
        self.changed.emit()
