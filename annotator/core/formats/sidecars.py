"""Saving (and reading back) one image's boxes as YOLO or CreateML, for the window's "Save as" formats.

The per-image files sit where the VOC file would (beside the image, or in the save folder):
``NAME.txt`` + ``classes.txt`` (YOLO: normalized cxcywh, class index into classes.txt, whose existing order is
never rewritten) or ``NAME.json`` (CreateML: a one-image list, centre x/y + width/height in pixels).
Conversions are `annotator.core.formats`'; boxes here are continuous xyxy image pixels.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.atomic import atomic_write_text
from annotator.core.formats import createml, yolo
from annotator.core.formats.common import FormatError, LabelledImage


def yolo_path(annotation_path: str) -> Path:
    return Path(annotation_path).with_suffix(".txt")


def createml_path(annotation_path: str) -> Path:
    return Path(annotation_path).with_suffix(".json")


def save_yolo(annotation: ImageAnnotation, annotation_path: str, classes: list[str]) -> str:
    """Write ``NAME.txt`` and merge the labels into the folder's ``classes.txt``; returns the txt path."""
    target = yolo_path(annotation_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    names = yolo.merge_class_file(
        target.parent / yolo.CLASSES_FILE, [o.name for o in annotation.objects], base=classes
    )
    atomic_write_text(target, yolo.to_lines(annotation, names, source=str(target)))
    return str(target)


def save_createml(annotation: ImageAnnotation, annotation_path: str) -> str:
    """Write ``NAME.json`` (CreateML list with this one image); returns its path."""
    target = createml_path(annotation_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    image = Path(annotation.path or annotation.filename)
    item = LabelledImage(image, annotation, Path(annotation_path))
    data = createml.to_createml([item])
    atomic_write_text(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return str(target)


def read_other(image_path: str, annotation_path: str, width: int, height: int) -> ImageAnnotation | None:
    """Boxes saved in YOLO or CreateML for an image without a VOC file; ``None`` when neither exists.

    Raises:
        FormatError: the file exists but cannot be read (the caller opens the image read-only).
    """
    image = Path(image_path)
    txt, js = yolo_path(annotation_path), createml_path(annotation_path)
    boxes: list[BoxObject] | None = None
    if txt.is_file() and (txt.parent / yolo.CLASSES_FILE).is_file():
        names = yolo.read_class_file(txt.parent / yolo.CLASSES_FILE)
        if width <= 0 or height <= 0:
            raise FormatError(f"{txt}: the image size is unknown")
        boxes = yolo.from_lines(yolo.read_label_file(txt), names, width, height, source=str(txt))
        for box in boxes:  # six-decimal normalized numbers: undo the float noise of the round trip
            box.xmin, box.ymin, box.xmax, box.ymax = (round(v, 3) for v in box.xyxy())
    elif js.is_file():
        records, _ = createml.read_records(js)  # checked whole, bounded (see createml / bounded)
        found = [r for r in records if Path(r.image_name.replace("\\", "/")).name == image.name]
        if not found:
            raise FormatError(f"{js}: has no entry for {image.name!r}")
        boxes = found[0].boxes
    if boxes is None:
        return None
    return ImageAnnotation(
        filename=image.name,
        folder=image.parent.name,
        path=str(image),
        width=width,
        height=height,
        objects=boxes,
    )
