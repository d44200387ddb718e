"""Undo commands: the only code that changes a `DocumentModel`.

Each command keeps what it needs to undo itself. Boxes are `BoxObject`s; geometry tuples are xyxy in continuous
image pixels of the displayed frame. Push commands onto the image's `QUndoStack`; ``push`` runs ``redo``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand

from annotator.core.annotation import BoxObject
from annotator.ui.document import DocumentModel
from annotator.ui.translations import tr as _tr

XYXY = tuple[float, float, float, float]

_NUDGE_ID = 1001


class AddBoxCommand(QUndoCommand):
    """Add one box (a drawn box, a duplicate, or an accepted prediction).

    Args:
        document_model: the document to change.
        box: the box to add (copied; continuous image pixels, xyxy).
        index: where to insert it; ``None`` appends.
    """

    def __init__(self, document_model: DocumentModel, box: BoxObject, index: int | None = None) -> None:
        super().__init__(_tr("Add box '%s'") % box.name)
        self.document_model = document_model
        self.box = box.copy()
        self.index = len(document_model) if index is None else index

    def redo(self) -> None:
        self.document_model.insert_box(self.index, self.box.copy())

    def undo(self) -> None:
        self.document_model.remove_box(self.index)


class AddBoxesCommand(QUndoCommand):
    """Append several boxes as one undo step (copy previous image's boxes, accept all predictions)."""

    def __init__(self, document_model: DocumentModel, boxes: Sequence[BoxObject], text: str = "") -> None:
        super().__init__(text or _tr("Add %d boxes") % len(boxes))
        self.document_model = document_model
        self.boxes = [b.copy() for b in boxes]
        self.start = len(document_model)

    def redo(self) -> None:
        self.document_model.insert_boxes(self.start, [b.copy() for b in self.boxes])

    def undo(self) -> None:
        self.document_model.remove_boxes(self.start, len(self.boxes))


class DeleteBoxCommand(QUndoCommand):
    """Delete boxes by index (any order); undo puts each back where it was."""

    def __init__(self, document_model: DocumentModel, indices: int | Sequence[int]) -> None:
        idx = [indices] if isinstance(indices, int) else list(indices)
        super().__init__(_tr("Delete %d box(es)") % len(idx))
        self.document_model = document_model
        self.indices = sorted(set(idx))
        self.removed: list[tuple[int, BoxObject]] = []

    def redo(self) -> None:
        self.removed = []
        for index in reversed(self.indices):
            self.removed.append((index, self.document_model.remove_box(index)))

    def undo(self) -> None:
        for index, box in reversed(self.removed):
            self.document_model.insert_box(index, box)


class SetBoxGeometryCommand(QUndoCommand):
    """Move or resize one box to new xyxy edges (continuous image pixels).

    Args:
        document_model: the document to change.
        index: the box's index.
        new_xyxy: the edges after the change.
        old_xyxy: the edges before; read from the document when omitted.
        nudge: true for arrow-key nudges: consecutive nudges of one box merge into one undo step.
    """

    def __init__(
        self,
        document_model: DocumentModel,
        index: int,
        new_xyxy: XYXY,
        old_xyxy: XYXY | None = None,
        *,
        nudge: bool = False,
    ) -> None:
        super().__init__(_tr("Move box") if nudge else _tr("Move/resize box"))
        self.document_model = document_model
        self.index = index
        self.old = tuple(old_xyxy) if old_xyxy is not None else document_model.box(index).xyxy()
        self.new = tuple(new_xyxy)
        self.nudge = nudge

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _NUDGE_ID if self.nudge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetBoxGeometryCommand) or not other.nudge or other.index != self.index:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.document_model.set_geometry(self.index, self.new)

    def undo(self) -> None:
        self.document_model.set_geometry(self.index, self.old)


class RelabelCommand(QUndoCommand):
    """Change a box's class name and difficult flag."""

    def __init__(self, document_model: DocumentModel, index: int, name: str, difficult: bool) -> None:
        super().__init__(_tr("Relabel box as '%s'") % name)
        self.document_model = document_model
        self.index = index
        box = document_model.box(index)
        self.old = (box.name, box.difficult)
        self.new = (name, difficult)

    def redo(self) -> None:
        self.document_model.set_label(self.index, *self.new)

    def undo(self) -> None:
        self.document_model.set_label(self.index, *self.old)


class SetVerifiedCommand(QUndoCommand):
    """Mark the image verified or not (LabelImg's ``verified="yes"``)."""

    def __init__(self, document_model: DocumentModel, verified: bool) -> None:
        super().__init__(_tr("Mark verified") if verified else _tr("Unmark verified"))
        self.document_model = document_model
        self.old = document_model.annotation.verified
        self.new = verified

    def redo(self) -> None:
        self.document_model.set_verified(self.new)

    def undo(self) -> None:
        self.document_model.set_verified(self.old)
