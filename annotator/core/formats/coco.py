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
from annotator.core.formats.bounded import brief
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
        FormatError: a label is missing from ``class_names``, or an image's size is unknown.
    """
    cat_ids = {name: i + 1 for i, name in enumerate(class_names)}
    images, annotations = [], []
    for image_id, item in enumerate(items, start=1):
        ann = item.annotation
        if ann.width <= 0 or ann.height <= 0:  # our reader (and COCO's) refuse an image without a size
            raise FormatError(f"{item.xml_path}: image size unknown, COCO needs width and height")
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


MAX_SIDE = 100_000  # pixels; a stated width or height above this is a broken file, not a photo
MAX_COORDINATE = 1e7


def read_records(path: Path) -> tuple[list[ImportRecord], list[str]]:
    """One record per image of a COCO instances file (images without annotations give empty records).

    The whole file is checked before any record is returned: duplicate image, category or annotation ids,
    an ``image_id``/``category_id`` that names no entry, two images with one ``file_name``, two categories
    with one name (their boxes would merge), wrong types (a list or object where a number belongs), booleans
    as ids, non-finite, negative or absurd sizes and coordinates, and boxes outside the size the file states.
    ``iscrowd`` boxes are imported with ``difficult=True`` (VOC's "ignore in evaluation").

    Returns:
        ``(records, [])``: a consistent file imports whole (problems finding the images are the caller's).

    Raises:
        FormatError: the file is not a COCO instances dict, or any entry is inconsistent; the message names the
            first entries (``images[3]``, ``annotations[17]``) and counts the rest. Nothing is imported then.
    """
    path = Path(path)
    data = load_json(path)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ("images", "categories")):
        raise FormatError(f"{path}: not a COCO instances file (needs 'images' and 'categories' lists)")
    annotations = data.get("annotations", [])
    if not isinstance(annotations, list):
        raise FormatError(f"{path}: 'annotations' must be a list, got {brief(annotations)}")
    issues: list[str] = []
    categories = _categories(data["categories"], issues)
    images = _images(data["images"], issues)
    boxes: dict[Any, list[BoxObject]] = {img_id: [] for img_id in images}
    seen_ann: dict[Any, int] = {}
    for i, ann in enumerate(annotations):
        where = f"annotations[{i}]"
        if not isinstance(ann, dict):
            issues.append(f"{where}: not an object ({brief(ann)})")
            continue
        if "id" in ann:
            ann_id = ann["id"]
            if not _is_id(ann_id):
                issues.append(f"{where}: id {brief(ann_id)} is not a whole number or a string")
            elif ann_id in seen_ann:
                issues.append(f"{where}: id {brief(ann_id)} repeats annotations[{seen_ann[ann_id]}]")
            else:
                seen_ann[ann_id] = i
        image_id = ann.get("image_id")
        if not _is_id(image_id) or image_id not in images:
            issues.append(f"{where}: image_id {brief(image_id)} is not in 'images'")
            continue
        try:
            box = _box(ann, categories, where, images[image_id])
        except FormatError as exc:
            issues.append(str(exc))
            continue
        boxes[image_id].append(box)
    if issues:
        raise FormatError(inconsistent(path, issues))
    records = []
    for img_id, img in images.items():
        records.append(
            ImportRecord(
                image_name=img["file_name"],
                boxes=boxes[img_id],
                source=f"{path}: image id {img_id}",
                width=img.get("width"),
                height=img.get("height"),
            )
        )
    return records, []


def inconsistent(path: Path, issues: list[str], shown: int = 5) -> str:
    """The one message for a file refused whole: its first ``shown`` problems, then how many more."""
    lines = [
        f"{path}: {len(issues)} inconsistent entr{'y' if len(issues) == 1 else 'ies'}, nothing imported:"
    ]
    lines += [f"  {issue}" for issue in issues[:shown]]
    if len(issues) > shown:
        lines.append(f"  ... and {len(issues) - shown} more")
    return "\n".join(lines)


def _is_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value != ""
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _id_and_text(entry: Any, key: str, where: str, issues: list[str]) -> tuple[Any, str] | None:
    """``(entry["id"], entry[key])`` of a COCO list entry, or None (the problem added to ``issues``) when it is
    not an object, its id is neither a whole number nor a string, or ``key`` is not a non-empty string."""
    if not isinstance(entry, dict):
        issues.append(f"{where}: not an object ({brief(entry)})")
        return None
    entry_id, text = entry.get("id"), entry.get(key)
    if not _is_id(entry_id):
        issues.append(f"{where}: id {brief(entry_id)} is not a whole number or a string")
        return None
    if not isinstance(text, str) or not text.strip():
        issues.append(f"{where}: {key} {brief(text)} is not a non-empty string")
        return None
    return entry_id, text


def _categories(entries: list, issues: list[str]) -> dict[Any, str]:
    categories: dict[Any, str] = {}
    first_of: dict[Any, int] = {}
    by_name: dict[str, int] = {}
    for i, cat in enumerate(entries):
        where = f"categories[{i}]"
        named = _id_and_text(cat, "name", where, issues)
        if named is None:
            continue
        cat_id, name = named[0], named[1].strip()
        if cat_id in first_of:
            issues.append(
                f"{where}: id {brief(cat_id)} repeats categories[{first_of[cat_id]}] "
                f"({categories[cat_id]!r} vs {name!r})"
            )
            continue
        if name in by_name:
            issues.append(
                f"{where}: name {name!r} repeats categories[{by_name[name]}] (their boxes would merge)"
            )
        first_of[cat_id], by_name[name] = i, i
        categories[cat_id] = name
    return categories


def _images(entries: list, issues: list[str]) -> dict[Any, dict]:
    images: dict[Any, dict] = {}
    first_of: dict[Any, int] = {}
    by_file: dict[str, int] = {}
    for i, img in enumerate(entries):
        where = f"images[{i}]"
        named = _id_and_text(img, "file_name", where, issues)
        if named is None:
            continue
        img_id, file_name = named
        if img_id in first_of:
            issues.append(f"{where}: id {brief(img_id)} repeats images[{first_of[img_id]}]")
            continue
        if file_name in by_file:
            issues.append(f"{where}: file_name {file_name!r} repeats images[{by_file[file_name]}]")
            continue
        size: dict[str, int] = {}
        for key in ("width", "height"):
            value = img.get(key)
            if value is None:
                continue
            if not _is_number(value) or value != int(value) or not 0 < value <= MAX_SIDE:
                issues.append(
                    f"{where}: {key} {brief(value)} is not a whole number of pixels in 1..{MAX_SIDE:,}"
                )
                break
            size[key] = int(value)
        else:
            first_of[img_id], by_file[file_name] = i, i
            images[img_id] = {"file_name": file_name, **(size if len(size) == 2 else {})}
    return images


def _box(ann: dict, categories: dict[Any, str], where: str, image: dict) -> BoxObject:
    cat_id = ann.get("category_id")
    if not _is_id(cat_id) or cat_id not in categories:
        raise FormatError(f"{where}: category_id {brief(cat_id)} is not in 'categories'")
    bbox = ann.get("bbox")
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise FormatError(f"{where}: 'bbox' must be [x, y, width, height], got {brief(bbox)}")
    if not all(_is_number(v) for v in bbox):
        raise FormatError(f"{where}: 'bbox' {brief(bbox)} holds something other than a finite number")
    x, y, w, h = (float(v) for v in bbox)
    if max(abs(x), abs(y), w, h) > MAX_COORDINATE:
        raise FormatError(f"{where}: 'bbox' {brief(bbox)} is out of range")
    if w <= 0 or h <= 0:
        raise FormatError(f"{where}: 'bbox' {brief(bbox)} has no area")
    width, height = image.get("width"), image.get("height")
    if width is not None and (x + w <= 0 or y + h <= 0 or x >= width or y >= height):
        raise FormatError(f"{where}: 'bbox' {brief(bbox)} lies outside the {width}x{height} image")
    attrs = ann.get("attributes", {})
    if not isinstance(attrs, dict):
        raise FormatError(f"{where}: 'attributes' must be an object, got {brief(attrs)}")
    flags = {}
    for key, value in (("difficult", attrs.get("difficult", False)), ("truncated", attrs.get("truncated", False)),
                       ("iscrowd", ann.get("iscrowd", 0))):  # fmt: skip
        if isinstance(value, (list, dict, str)) or value not in (0, 1):  # true/false and 0/1 (true == 1)
            raise FormatError(f"{where}: {key} {brief(value)} is not 0/1/true/false")
        flags[key] = bool(value)
    pose = attrs.get("pose", "Unspecified")
    if not isinstance(pose, str):
        raise FormatError(f"{where}: pose {brief(pose)} is not a string")
    score = ann.get("score")
    if score is not None and not (_is_number(score) and 0 <= score <= 1):
        raise FormatError(f"{where}: score {brief(score)} is not a number in 0..1")
    return BoxObject(
        name=categories[cat_id],
        xmin=x,
        ymin=y,
        xmax=x + w,
        ymax=y + h,
        difficult=flags["difficult"] or flags["iscrowd"],
        truncated=flags["truncated"],
        pose=pose,
        score=float(score) if score is not None else None,
    )
