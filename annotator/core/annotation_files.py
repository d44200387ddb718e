"""Files behind the window: scanning a folder, reading an image's annotation, saving, backups and the trash.

No widgets here. Boxes stay in continuous image pixels, xyxy, displayed frame; the format modules convert.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from annotator.core import dataset, voc
from annotator.core.annotation import ImageAnnotation

TRASH_DIR = ".trash"
"""Folder inside the dataset where deleted images and their annotations are moved (never removed)."""


@dataclass
class FolderEntry:
    """One image of an opened folder: its path, the VOC file it is saved to, and its status."""

    image_path: str
    annotation_path: str
    status: dataset.ImageStatus


def scan_folder(folder: str, save_dir: str | None = None) -> list[FolderEntry]:
    """The images of ``folder`` in natural order with their annotation paths and statuses (reads no pixels).

    Raises:
        ValueError: (`annotator.core.dataset.DatasetError`) ``folder`` is not a folder.
    """
    return [
        FolderEntry(e.image_file, e.annotation_file, e.status)
        for e in dataset.scan(folder, save_dir=save_dir)
    ]


def annotation_path_for(image_path: str, root: str, save_dir: str | None) -> str:
    """Where the VOC file of ``image_path`` lives: beside the image, or in ``save_dir`` mirroring subfolders."""
    return str(dataset.annotation_path_for(image_path, root, save_dir))


def read_annotation(image_path: str, annotation_path: str) -> tuple[ImageAnnotation, str]:
    """The image's annotation and the error text (``""`` when fine).

    Without a VOC file, boxes saved as YOLO (``NAME.txt`` + ``classes.txt``) or CreateML (``NAME.json``)
    beside it are read instead. A missing file gives a new empty annotation. A file that cannot be parsed gives an empty annotation plus
    the `VocError` message: the caller must treat the document as read-only until the user chooses to
    overwrite (see `backup_file`).
    """
    image = Path(image_path)
    if os.path.exists(annotation_path):
        try:
            return voc.read(annotation_path), ""
        except (voc.VocError, OSError, UnicodeError) as exc:
            fresh = ImageAnnotation(filename=image.name, folder=image.parent.name, path=str(image))
            return fresh, str(exc) or f"cannot read {annotation_path}"
    fresh = ImageAnnotation(filename=image.name, folder=image.parent.name, path=str(image))
    base = Path(annotation_path)
    if base.with_suffix(".txt").is_file() or base.with_suffix(".json").is_file():
        from annotator.core.formats import (
            sidecars as other_formats,  # imported only when needed: it pulls in yaml
        )

        try:
            from annotator.core.imaging import image_size

            width, height = image_size(image_path)
            other = other_formats.read_other(image_path, annotation_path, width, height)
        except (ValueError, OSError) as exc:  # FormatError, ImageError
            return fresh, str(exc)
        if other is not None:
            return other, ""
    return fresh, ""


def backup_file(path: str) -> str:
    """Copy ``path`` to a free ``NAME.bak`` / ``NAME.bak2`` ... beside it; returns the backup's path."""
    candidate = f"{path}.bak"
    counter = 1
    while os.path.exists(candidate):
        counter += 1
        candidate = f"{path}.bak{counter}"
    shutil.copy2(path, candidate)
    return candidate


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    counter = 1
    while target.exists():
        target = folder / f"{stem} ({counter}){suffix}"
        counter += 1
    return target


def move_to_trash(root: str, image_path: str, annotation_path: str) -> list[str]:
    """Move an image and its annotation (when present) into ``ROOT/.trash/``; returns the new paths.
    Never deletes anything; a name already in the trash gets a numbered suffix."""
    trash = Path(root) / TRASH_DIR
    trash.mkdir(parents=True, exist_ok=True)
    moved = []
    for path in (image_path, annotation_path):
        if path and os.path.exists(path):
            target = _free_name(trash, os.path.basename(path))
            shutil.move(path, target)
            moved.append(str(target))
    return moved


def save_annotation(
    annotation: ImageAnnotation, annotation_path: str, fmt: str, root: str, classes: list[str]
) -> str:
    """Write ``annotation`` in ``fmt`` (``voc`` | ``yolo`` | ``createml``); returns the path written.

    VOC goes to ``annotation_path``. YOLO writes ``NAME.txt`` beside it and keeps the folder's
    ``classes.txt`` order (new classes are appended, existing order never rewritten). CreateML writes
    ``NAME.json`` (a one-image CreateML list) beside it.
    """
    if fmt == "voc":
        voc.write(annotation, annotation_path)
        return annotation_path
    from annotator.core.formats import sidecars as other_formats

    if fmt == "yolo":
        return other_formats.save_yolo(annotation, annotation_path, classes)
    if fmt == "createml":
        return other_formats.save_createml(annotation, annotation_path)
    raise ValueError(f"unknown save format {fmt!r}; expected voc, yolo or createml")
