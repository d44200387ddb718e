"""Apple Create ML object-detection JSON: a list of ``{"image": NAME, "annotations": [...]}``.

Each annotation is ``{"label": NAME, "coordinates": {"x": cx, "y": cy, "width": w, "height": h}}``: the box
centre and size in pixels of the image (continuous frame, so ``cx = (xmin + xmax) / 2``). The format has no
image size and no VOC flags; import reads the size from the image.

Dataset export layout::

    OUT/train/annotations.json  OUT/train/*.jpg
    OUT/val/annotations.json    OUT/val/*.jpg
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from annotator.core.annotation import BoxObject
from annotator.core.atomic import atomic_write_text
from annotator.core.formats.bounded import brief
from annotator.core.formats.coco import inconsistent, load_json
from annotator.core.formats.common import FormatError, ImportRecord, LabelledImage, place_image, remove_stale

ANNOTATIONS_FILE = "annotations.json"


def to_createml(items: list[LabelledImage]) -> list[dict[str, Any]]:
    """The Create ML list for ``items`` (boxes from continuous xyxy pixels to centre xywh pixels)."""
    out = []
    for item in items:
        anns = []
        for box in item.annotation.objects:
            anns.append(
                {
                    "label": box.name,
                    "coordinates": {
                        "x": _num((box.xmin + box.xmax) / 2),
                        "y": _num((box.ymin + box.ymax) / 2),
                        "width": _num(box.xmax - box.xmin),
                        "height": _num(box.ymax - box.ymin),
                    },
                }
            )
        out.append({"image": item.rel_path, "annotations": anns})
    return out


def _num(value: float) -> float | int:
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


def export_dataset(
    items: list[LabelledImage], out_dir: Path, train_ids: list[str], val_ids: list[str]
) -> None:
    """Write the layout in the module docstring."""
    out_dir = Path(out_dir)
    by_id = {item.image_id: item for item in items}
    for part, ids in (("train", train_ids), ("val", val_ids)):
        part_items = [by_id[i] for i in ids if i in by_id]
        (out_dir / part).mkdir(parents=True, exist_ok=True)
        other = "val" if part == "train" else "train"
        for item in part_items:
            place_image(item.image_path, out_dir / part / item.rel_path)
            remove_stale([out_dir / other / item.rel_path])
        text = json.dumps(to_createml(part_items), ensure_ascii=False, indent=1)
        atomic_write_text(out_dir / part / ANNOTATIONS_FILE, text + "\n")


def read_records(path: Path) -> tuple[list[ImportRecord], list[str]]:
    """One record per image entry of a Create ML file (sizes left to the image).

    The whole file is checked first: entries without an ``image`` string, an image listed twice, labels that are
    not strings, coordinates that are not finite numbers (or absurdly large), empty boxes.

    Returns:
        ``(records, [])``: a consistent file imports whole.

    Raises:
        FormatError: the file is not a JSON list, or any entry is broken (the first few named, the rest counted);
            nothing is imported then.
    """
    path = Path(path)
    data = load_json(path)
    if not isinstance(data, list):
        raise FormatError(f"{path}: a Create ML file is a JSON list of {{'image', 'annotations'}} entries")
    records, issues = [], []
    first_of: dict[str, int] = {}
    for i, entry in enumerate(data):
        where = f"[{i}]"
        try:
            if not isinstance(entry, dict) or not isinstance(entry.get("image"), str) or not entry["image"]:
                raise FormatError(f"{where}: needs an 'image' file name")
            if entry["image"] in first_of:
                raise FormatError(f"{where}: image {entry['image']!r} repeats [{first_of[entry['image']]}]")
            first_of[entry["image"]] = i
            anns = entry.get("annotations", [])
            if not isinstance(anns, list):
                raise FormatError(f"{where}: 'annotations' must be a list, got {brief(anns)}")
            boxes, broken = [], []
            for j, a in enumerate(anns):
                try:
                    boxes.append(_box(a, f"{where}.annotations[{j}]"))
                except FormatError as exc:
                    broken.append(str(exc))
            if broken:
                issues.extend(broken)
                continue
        except FormatError as exc:
            issues.append(str(exc))
            continue
        records.append(ImportRecord(image_name=entry["image"], boxes=boxes, source=f"{path}: {where}"))
    if issues:
        raise FormatError(inconsistent(path, issues))
    return records, []


MAX_COORDINATE = 1e7


def _box(ann: Any, where: str) -> BoxObject:
    if not isinstance(ann, dict) or not isinstance(ann.get("label"), str) or not ann["label"].strip():
        label = ann.get("label") if isinstance(ann, dict) else ann
        raise FormatError(f"{where}: needs a 'label' string, got {brief(label)}")
    coords = ann.get("coordinates")
    if not isinstance(coords, dict):
        raise FormatError(f"{where}: needs 'coordinates' {{x, y, width, height}}, got {brief(coords)}")
    values = {}
    for key in ("x", "y", "width", "height"):
        value = coords.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise FormatError(f"{where}: coordinates.{key} {brief(value)} is not a finite number")
        if abs(value) > MAX_COORDINATE:
            raise FormatError(f"{where}: coordinates.{key} {brief(value)} is out of range")
        values[key] = float(value)
    if values["width"] <= 0 or values["height"] <= 0:
        raise FormatError(f"{where}: box of width {values['width']} and height {values['height']} is empty")
    cx, cy, w, h = values["x"], values["y"], values["width"], values["height"]
    return BoxObject(ann["label"].strip(), cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
