"""The question asked when an annotation file changed on disk since it was read here (see
`annotator.core.disk_state`): what changed, then Reload / Keep mine (the other version backed up) / Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.disk_state import BoxDifference, Fingerprint, box_difference
from annotator.ui.translations import tr as _tr

RELOAD, KEEP_MINE, CANCEL = "reload", "keep", "cancel"
_MAX_NAMES = 8


def _names(boxes: list[BoxObject]) -> str:
    names = [b.name for b in boxes]
    shown = ", ".join(names[:_MAX_NAMES])
    return shown + (", ..." if len(names) > _MAX_NAMES else "")


def describe_difference(diff: BoxDifference) -> str:
    """The lines the dialog shows: box counts, then the labels only on disk, only here, moved or resized."""
    lines = [_tr("On disk: %d boxes. Here: %d boxes.") % (diff.disk_count, diff.mine_count)]
    if diff.only_disk:
        lines.append(_tr("Only on disk (%d): %s") % (len(diff.only_disk), _names(diff.only_disk)))
    if diff.only_mine:
        lines.append(_tr("Only here (%d): %s") % (len(diff.only_mine), _names(diff.only_mine)))
    if diff.moved:
        lines.append(_tr("Moved or resized (%d): %s") % (len(diff.moved), _names([m for _, m in diff.moved])))
    if diff.verified is not None:
        yes, no = _tr("verified"), _tr("not verified")
        lines.append(
            _tr("On disk the image is %s, here it is %s.")
            % (yes if diff.verified[0] else no, yes if diff.verified[1] else no)
        )
    if diff.same:
        lines.append(_tr("The boxes are the same; other parts of the file differ."))
    return "\n".join(lines)


def conflict_box(
    parent: QWidget | None,
    image_path: str,
    changes: list[tuple[Fingerprint, Fingerprint]],
    disk: ImageAnnotation,
    disk_error: str,
    mine: ImageAnnotation,
) -> QMessageBox:
    """The dialog, built but not shown (the caller runs ``exec()`` and reads `choice_of`)."""
    box = QMessageBox(parent)
    box.setObjectName("save_conflict_dialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("Changed on disk"))
    box.setText(
        _tr(
            "The annotation of %s was changed by another program since it was opened here. Nothing was saved."
        )
        % Path(image_path).name
    )
    if disk_error:
        details = _tr("The version on disk cannot be read: %s") % disk_error
    else:
        details = describe_difference(box_difference(disk, mine))
    files = ", ".join(
        Path(then.path).name + ("" if now.exists else " " + _tr("(removed)")) for then, now in changes
    )
    box.setInformativeText(details + "\n" + _tr("Changed file: %s") % files)
    reload_button = box.addButton(
        _tr("Reload from disk (drop my changes)"), QMessageBox.ButtonRole.DestructiveRole
    )
    reload_button.setObjectName("conflict_reload")
    keep_button = box.addButton(
        _tr("Keep mine (back up the other version)"), QMessageBox.ButtonRole.AcceptRole
    )
    keep_button.setObjectName("conflict_keep")
    cancel_button = box.addButton(_tr("Cancel (save nothing)"), QMessageBox.ButtonRole.RejectRole)
    cancel_button.setObjectName("conflict_cancel")
    box.setDefaultButton(cancel_button)
    box.setEscapeButton(cancel_button)
    return box


def choice_of(box: QMessageBox) -> str:
    clicked = box.clickedButton()
    name = clicked.objectName() if clicked is not None else ""
    return {"conflict_reload": RELOAD, "conflict_keep": KEEP_MINE}.get(name, CANCEL)
