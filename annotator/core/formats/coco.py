"""COCO "instances" JSON: images (with width/height), categories (ids from 1), and box annotations.

Boxes: ``bbox = [x, y, width, height]`` in continuous pixels from the image's top-left corner, the same
continuous frame as `BoxObject` (so ``x = xmin``, ``width = xmax - xmin``; no 1-based shift). VOC's flags travel
in each annotation's ``attributes`` (``difficult``, ``truncated``, ``pose``, as CVAT does) and a prediction's
confidence in ``score``; COCO readers ignore keys they do not know.

Dataset export layout (like ``train2017/`` + ``annotations/instances_train2017.json``)::

    OUT/annotations/instances_train.json   OUT/train/*.jpg
    OUT/annotations/instances_val.json     OUT/val/*.jpg
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.annotation import BoxObject
from annotator.core.atomic import atomic_write_text
from annotator.core.formats import bounded
from annotator.core.formats.common import (
    FormatError,
    ImportRecord,
    LabelledImage,
    ordered_classes,
    place_image,
    remove_stale,
)

MAX_JSON_BYTES = 2 * 1024**3


def to_coco(items: list[LabelledImage], class_names: list[str]) -> dict[str, Any]:
    """A COCO instances dict for ``items``; category ``k + 1`` is ``class_names[k]``.

    Raises:
        FormatError: a label is missing from ``class_names``.
    """
    cat_ids = {name: i + 1 for i, name in enumerate(class_names)}
    images, annotations = [], []
    for image_id, item in enumerate(items, start=1):
        ann = item.annotation
        images.append(
            {
                "id": image_id,
                "file_name": item.rel_path,
                "width": int(ann.width),
                "height": int(ann.height),
            }
        )
        for i, box in enumerate(ann.objects):
            if box.name not in cat_ids:
                raise FormatError(
                    f"{item.xml_path}: box #{i + 1}: label {box.name!r} is not in the class list"
                )
            w, h = box.xmax - box.xmin, box.ymax - box.ymin
            record: dict[str, Any] = {
                "id": len(annotations) + 1,
                "image_id": image_id,
                "category_id": cat_ids[box.name],
                "bbox": [_num(box.xmin), _num(box.ymin), _num(w), _num(h)],
                "area": _num(w * h),
                "iscrowd": 0,
                "attributes": {
                    "difficult": bool(box.difficult),
                    "truncated": bool(box.truncated),
                    "pose": box.pose,
                },
            }
            if box.score is not None:
                record["score"] = float(box.score)
            annotations.append(record)
    categories = [{"id": i + 1, "name": name, "supercategory": "none"} for i, name in enumerate(class_names)]
    return {
        "info": {"description": "exported by flower-annotator"},
        "licenses": [],
        "images": images,
        "annotations": annotations,
        "categories": categories,
    }


def _num(value: float) -> float | int:
    """Integers stay integers in the JSON (``10`` not ``10.0``); other values are kept to 1e-6 px."""
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


def export_dataset(
    items: list[LabelledImage],
    out_dir: Path,
    train_ids: list[str],
    val_ids: list[str],
    base_classes: Iterable[str] = (),
) -> list[str]:
    """Write the layout in the module docstring; one category list (same ids) for both parts."""
    out_dir = Path(out_dir)
    names = ordered_classes(base_classes, (o.name for item in items for o in item.annotation.objects))
    by_id = {item.image_id: item for item in items}
    (out_dir / "annotations").mkdir(parents=True, exist_ok=True)
    for part, ids in (("train", train_ids), ("val", val_ids)):
        part_items = [by_id[i] for i in ids if i in by_id]
        (out_dir / part).mkdir(parents=True, exist_ok=True)
        other = "val" if part == "train" else "train"
        for item in part_items:
            place_image(item.image_path, out_dir / part / item.rel_path)
            remove_stale([out_dir / other / item.rel_path])
        text = json.dumps(to_coco(part_items, names), ensure_ascii=False, indent=1)
        atomic_write_text(out_dir / "annotations" / f"instances_{part}.json", text + "\n")
    return names


def load_json(path: Path) -> Any:
    """Parse a JSON file (UTF-8, BOM allowed) with `bounded.load_json`'s limits.

    Raises:
        FormatError: unreadable, not a regular file, not JSON, over 2 GB, NaN/Infinity, over-long numbers or
            nesting over `bounded.MAX_JSON_DEPTH`.
    """
    return bounded.load_json(path, MAX_JSON_BYTES)


def read_records(path: Path) -> tuple[list[ImportRecord], list[str]]:
    """One record per image of a COCO instances file (images without annotations give empty records).

    ``iscrowd`` boxes are imported with ``difficult=True`` (VOC's "ignore in evaluation").

    Returns:
        ``(records, problems)``; a broken annotation makes its image a problem (the image is not imported, so
        no box is lost silently); other images are still imported.

    Raises:
        FormatError: the file is not a COCO instances dict (no ``images``/``annotations``/``categories``).
    """
    path = Path(path)
    data = load_json(path)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ("images", "categories")):
        raise FormatError(f"{path}: not a COCO instances file (needs 'images' and 'categories' lists)")
    categories: dict[Any, str] = {}
    for i, cat in enumerate(data["categories"]):
        if not isinstance(cat, dict) or "id" not in cat or not str(cat.get("name", "")).strip():
            raise FormatError(f"{path}: categories[{i}] needs an 'id' and a 'name'")
        categories[cat["id"]] = str(cat["name"]).strip()
    images: dict[Any, dict] = {}
    problems: list[str] = []
    for i, img in enumerate(data["images"]):
        where = f"{path}: images[{i}]"
        if not isinstance(img, dict) or "id" not in img or not img.get("file_name"):
            raise FormatError(f"{where} needs an 'id' and a 'file_name'")
        images[img["id"]] = img
    boxes: dict[Any, list[BoxObject]] = {img_id: [] for img_id in images}
    bad_images: dict[Any, str] = {}
    for i, ann in enumerate(data.get("annotations") or []):
        where = f"{path}: annotations[{i}]"
        image_id = ann.get("image_id") if isinstance(ann, dict) else None
        if image_id not in images:
            problems.append(f"{where}: image_id {image_id!r} is not in 'images'")
            continue
        try:
            boxes[image_id].append(_box(ann, categories, where))
        except FormatError as exc:
            bad_images.setdefault(image_id, str(exc))
    records = []
    for img_id, img in images.items():
        if img_id in bad_images:
            problems.append(f"{bad_images[img_id]} (image {img['file_name']!r} not imported)")
            continue
        width, height = img.get("width"), img.get("height")
        sized = all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in (width, height)
        )
        records.append(
            ImportRecord(
                image_name=str(img["file_name"]),
                boxes=boxes[img_id],
                source=f"{path}: image id {img_id}",
                width=int(width) if sized else None,
                height=int(height) if sized else None,
            )
        )
    return records, problems


def _box(ann: dict, categories: dict[Any, str], where: str) -> BoxObject:
    if ann.get("category_id") not in categories:
        raise FormatError(f"{where}: category_id {ann.get('category_id')!r} is not in 'categories'")
    bbox = ann.get("bbox")
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise FormatError(f"{where}: 'bbox' must be [x, y, width, height], got {bbox!r}")
    try:
        x, y, w, h = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise FormatError(f"{where}: 'bbox' {bbox!r} holds a non-number") from None
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        raise FormatError(f"{where}: 'bbox' {bbox!r} holds a non-finite number")
    if w <= 0 or h <= 0:
        raise FormatError(f"{where}: 'bbox' {bbox!r} has no area")
    attrs = ann.get("attributes") if isinstance(ann.get("attributes"), dict) else {}
    score = ann.get("score")
    return BoxObject(
        name=categories[ann["category_id"]],
        xmin=x,
        ymin=y,
        xmax=x + w,
        ymax=y + h,
        difficult=bool(attrs.get("difficult", False)) or bool(ann.get("iscrowd", 0)),
        truncated=bool(attrs.get("truncated", False)),
        pose=str(attrs.get("pose", "Unspecified")),
        score=float(score) if isinstance(score, (int, float)) and math.isfinite(score) else None,
    )
