"""YOLO labels: one ``.txt`` per image, ``classes.txt`` for the names, ``data.yaml`` for Ultralytics.

A label line is ``class_index cx cy w h``: the box centre and size divided by the image width/height
(normalized cxcywh in ``[0, 1]``, six decimals), ``class_index`` 0-based into ``classes.txt``. An existing
``classes.txt`` keeps its order; classes it lacks are appended, so label files written before stay valid.

Dataset export layout (what Ultralytics expects)::

    OUT/data.yaml  OUT/classes.txt
    OUT/images/train/*.jpg   OUT/labels/train/*.txt
    OUT/images/val/*.jpg     OUT/labels/val/*.txt
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Iterable
from pathlib import Path

import yaml

from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.atomic import atomic_write_text, is_temp_name, note_written
from annotator.core.formats import bounded
from annotator.core.formats.bounded import brief
from annotator.core.formats.common import (
    FormatError,
    ImportRecord,
    LabelledImage,
    natural_key,
    ordered_classes,
    place_image,
    read_class_file,
    remove_stale,
)

CLASSES_FILE = "classes.txt"


def to_lines(annotation: ImageAnnotation, class_names: list[str], *, source: str = "<annotation>") -> str:
    """YOLO label text for one image (``""`` when it has no boxes).

    Boxes (continuous xyxy pixels) are clipped to the image before normalizing.

    Raises:
        FormatError: the image size is unknown, a label is not in ``class_names``, or a box lies wholly outside
            the image.
    """
    w, h = annotation.width, annotation.height
    if w <= 0 or h <= 0:
        raise FormatError(f"{source}: image size unknown, cannot normalize YOLO boxes")
    index = {name: i for i, name in enumerate(class_names)}
    lines = []
    for i, box in enumerate(annotation.objects):
        if box.name not in index:
            raise FormatError(f"{source}: box #{i + 1}: label {box.name!r} is not in the class list")
        x1, y1 = min(max(box.xmin, 0.0), w), min(max(box.ymin, 0.0), h)
        x2, y2 = min(max(box.xmax, 0.0), w), min(max(box.ymax, 0.0), h)
        if x2 <= x1 or y2 <= y1:
            raise FormatError(f"{source}: box #{i + 1} ({box.name}) lies outside the {w}x{h} image")
        cx, cy, bw, bh = (x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h
        lines.append(f"{index[box.name]} {cx:.6f} {cy:.6f} {bw:.6f} {bh:.6f}\n")
    return "".join(lines)


def from_lines(text: str, class_names: list[str], width: int, height: int, *, source: str) -> list[BoxObject]:
    """Boxes (continuous xyxy pixels of a ``width`` x ``height`` image) from YOLO label text.

    Blank lines are skipped; a sixth number on a line is taken as a prediction score.

    Raises:
        FormatError: naming the file, the line and the field, for a line that is not 5 or 6 numbers, a class
            index outside ``classes.txt``, a value that is not finite or outside ``[0, 1]`` (Ultralytics refuses
            those too), or a box of zero or negative size.
    """
    boxes = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        where = f"{source}:{line_no}"
        if len(parts) not in (5, 6):
            raise FormatError(
                f"{where}: expected 'class cx cy w h' (5 columns, or 6 with a score), got {len(parts)} "
                f"columns: {brief(line.strip())}"
            )
        try:
            cls = int(parts[0]) if len(parts[0]) <= 20 else None
        except ValueError:
            cls = None
        if cls is None:
            raise FormatError(f"{where}: class index {brief(parts[0])} is not a whole number")
        if not 0 <= cls < len(class_names):
            raise FormatError(
                f"{where}: class index {cls} is outside {CLASSES_FILE} (0..{len(class_names) - 1})"
            )
        values = []
        for field, token in zip(("cx", "cy", "w", "h", "score"), parts[1:], strict=False):
            try:
                value = float(token) if len(token) <= 100 else None
            except ValueError:
                value = None
            if value is None:
                raise FormatError(f"{where}: {field} {brief(token)} is not a number")
            if not math.isfinite(value):
                raise FormatError(f"{where}: {field} {brief(token)} is not a finite number")
            if not 0.0 <= value <= 1.0:  # Ultralytics' own check: normalized values lie in [0, 1]
                raise FormatError(f"{where}: {field} {value:g} is outside 0..1 (YOLO values are normalized)")
            values.append(value)
        cx, cy, bw, bh = values[:4]
        if bw <= 0 or bh <= 0:
            raise FormatError(f"{where}: box of width {bw} and height {bh} is empty")
        boxes.append(
            BoxObject(
                name=class_names[cls],
                xmin=(cx - bw / 2) * width,
                ymin=(cy - bh / 2) * height,
                xmax=(cx + bw / 2) * width,
                ymax=(cy + bh / 2) * height,
                score=values[4] if len(values) == 5 else None,
            )
        )
    return boxes


def check_class_name(name: str, source: str = "<annotation>") -> None:
    """Refuse a label that ``classes.txt`` cannot hold as one line: a line break inside it (or any separator
    ``str.splitlines`` splits on) or spaces around it would shift or rename every later class on reading back.

    Raises:
        FormatError: naming the label.
    """
    if name.splitlines() != [name] or name != name.strip():
        raise FormatError(
            f"{source}: label {name!r} holds a line break or surrounding space, which {CLASSES_FILE} cannot "
            "store (one class a line); rename it"
        )


def merge_class_file(path: Path, labels: Iterable[str], base: Iterable[str] = ()) -> list[str]:
    """The class list for ``path``: its existing order untouched, then new labels appended; written back only
    when something was added (atomically).

    ``base`` gives the order to start from when ``path`` does not exist yet (e.g. the predefined classes).

    Raises:
        FormatError: a label cannot be stored as one line (`check_class_name`); nothing is written then.
    """
    path = Path(path)
    existing = read_class_file(path) if path.is_file() else []
    names = ordered_classes(existing or list(base), labels)
    for name in names:
        check_class_name(name, str(path))
    if names != existing:
        atomic_write_text(path, "".join(f"{n}\n" for n in names))
    else:
        note_written(path)  # kept as it is, but still part of what this export produced
    return names


def export_dataset(
    items: list[LabelledImage],
    out_dir: Path,
    train_ids: list[str],
    val_ids: list[str],
    base_classes: Iterable[str] = (),
) -> list[str]:
    """Write the Ultralytics layout (see the module docstring) and return the class list used."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = [o.name for item in items for o in item.annotation.objects]
    names = merge_class_file(out_dir / CLASSES_FILE, labels, base_classes)
    subset = {i: "train" for i in train_ids} | {i: "val" for i in val_ids}
    for item in items:
        part = subset.get(item.image_id)
        if part is None:
            continue
        text = to_lines(item.annotation, names, source=str(item.xml_path))
        label_path = out_dir / "labels" / part / f"{item.image_id}.txt"
        label_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(label_path, text)
        place_image(item.image_path, out_dir / "images" / part / item.rel_path)
        other = "val" if part == "train" else "train"
        remove_stale(
            [out_dir / "labels" / other / f"{item.image_id}.txt", out_dir / "images" / other / item.rel_path]
        )
    for part in ("train", "val"):
        (out_dir / "images" / part).mkdir(parents=True, exist_ok=True)
        (out_dir / "labels" / part).mkdir(parents=True, exist_ok=True)
    data_yaml = {
        "path": str(out_dir.resolve()),
        "train": "images/train",
        "val": "images/val",
        "nc": len(names),
        "names": dict(enumerate(names)),
    }
    atomic_write_text(out_dir / "data.yaml", yaml.safe_dump(data_yaml, allow_unicode=True, sort_keys=False))
    return names


def find_class_names(src: Path) -> list[str]:
    """Class names for a YOLO folder: ``classes.txt`` or ``data.yaml`` in ``src`` or one of its parents.

    When one folder holds both, they must list the same names in the same order.

    Raises:
        FormatError: neither file is found, one is unreadable, names repeat, or the two files disagree.
    """
    src = Path(src)
    for folder in (src, *src.resolve().parents[:2]):
        txt, yml = folder / CLASSES_FILE, folder / "data.yaml"
        if txt.is_file():
            names = read_class_file(txt)
            _check_names(names, str(txt))
            if yml.is_file() and _names_from_yaml(yml) != names:
                raise FormatError(
                    f"{txt} and {yml} list different classes ({len(names)} vs {len(_names_from_yaml(yml))}"
                    " names, or another order); make them agree or pass --classes FILE"
                )
            return names
        if yml.is_file():
            return _names_from_yaml(yml)
    raise FormatError(f"{src}: no {CLASSES_FILE} or data.yaml found (pass --classes FILE)")


def _names_from_yaml(path: Path) -> list[str]:
    """The ``names`` of an Ultralytics ``data.yaml`` (a list, or a dict of indices 0..n-1), checked whole.

    Raises:
        FormatError: unreadable YAML (aliases refused, see `bounded.loads_yaml`), ``names`` missing or not
            plain names (a list or mapping where a name belongs), duplicate names, or ``nc`` disagreeing.
    """
    data = bounded.load_yaml(path)
    names = data.get("names") if isinstance(data, dict) else None
    if isinstance(names, dict) and names:
        try:
            keys = sorted(int(k) for k in names if not isinstance(k, bool))
        except (TypeError, ValueError):
            raise FormatError(f"{path}: 'names' keys must be class indices") from None
        if len(keys) != len(names) or keys != list(range(len(keys))):
            raise FormatError(f"{path}: 'names' indices must be 0..{len(names) - 1}")
        values = [names[k] if k in names else names[str(k)] for k in keys]
    elif isinstance(names, list) and names:
        values = names
    else:
        raise FormatError(f"{path}: no 'names' list")
    bad = [i for i, v in enumerate(values) if isinstance(v, bool) or not isinstance(v, (str, int, float))]
    if bad:
        raise FormatError(
            f"{path}: names[{bad[0]}] is {bounded.brief(values[bad[0]])}, not a class name"
            + (f" ({len(bad)} such entries)" if len(bad) > 1 else "")
        )
    result = [str(v).strip() for v in values]
    _check_names(result, str(path))
    nc = data.get("nc")
    if nc is not None and (isinstance(nc, bool) or nc != len(result)):
        raise FormatError(f"{path}: nc is {bounded.brief(nc)} but 'names' lists {len(result)} classes")
    return result


def _check_names(names: list[str], source: str) -> None:
    """Refuse empty or repeated class names: two indices with one name would merge two classes."""
    empty = [i for i, n in enumerate(names) if not n]
    if empty:
        raise FormatError(f"{source}: class {empty[0]} has an empty name")
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise FormatError(f"{source}: classes {seen[name]} and {i} are both named {name!r}")
        seen[name] = i


def read_records(src: Path, class_names: list[str] | None = None) -> tuple[list[ImportRecord], list[str]]:
    """Records (boxes without image size yet) for every ``*.txt`` label file under ``src``.

    Returns:
        ``(records, problems)``; a broken label file becomes a problem, the others are still imported.
        The records' boxes are normalized xyxy (``normalized=True``), scaled to pixels by
        `common.write_imported` once the image size is known.
    """
    src = Path(src)
    names = class_names if class_names is not None else find_class_names(src)
    records, problems = [], []
    files = []
    for dirpath, dirs, file_names in os.walk(src):  # symlinked folders are not followed (no loops)
        dirs.sort()
        for name in file_names + [d for d in dirs if d.endswith(".txt")]:
            if name.endswith(".txt") and name != CLASSES_FILE and not is_temp_name(name):
                files.append(Path(dirpath) / name)
    files.sort(key=lambda p: natural_key(str(p)))
    for path in files:
        try:
            text = read_label_file(path)
            boxes = from_lines(text, names, 1, 1, source=str(path))
        except FormatError as exc:
            problems.append(str(exc))
            continue
        # "train/IMG" for labels/train/IMG.txt: finds images/train/IMG.* even when val/ has an IMG too
        rel = path.relative_to(src).with_suffix("").as_posix()
        records.append(ImportRecord(image_name=rel, boxes=boxes, source=str(path), normalized=True))
    return records, problems


MAX_LABEL_BYTES = 10 * 1024 * 1024


def read_label_file(path: Path) -> str:
    """A label file's text; a folder, FIFO or device named ``*.txt`` is skipped (never opened: no hang).

    Raises:
        FormatError: not a regular file, over 10 MB, unreadable, or not UTF-8.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO or device)"
            raise FormatError(f"{path}: skipped, {kind}")
        if info.st_size > MAX_LABEL_BYTES:
            raise FormatError(f"{path}: {info.st_size:,} bytes, over the {MAX_LABEL_BYTES:,}-byte limit")
        with open(path, "rb") as f:
            data = f.read(MAX_LABEL_BYTES + 1)
    except OSError as exc:
        raise FormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text") from None
