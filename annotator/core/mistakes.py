"""Likely label mistakes: the JSON file ``flower-annotator mistakes`` writes, and the "label is right" marks.

The file (a CONTRACT the window reads through `read_mistakes`)::

    {"format": "flower-annotator-mistakes", "version": 1,
     "n_images": 120, "n_boxes": 180, "class_names": ["daisy", ...],
     "method": "cleanlab.object_detection (swap / overlooked / badloc sub-scores)",
     "source": "model FILE on its val split" | "K-fold ...",
     "entries": [{"image": "img_0001", "kind": "swapped", "label": "rose", "box": [x0, y0, x1, y1],
                  "suggested": "tulip", "suggested_box": [x0, y0, x1, y1], "score": 0.93}, ...]}

``entries`` are ranked most suspicious first. ``kind`` is ``swapped`` (the labelled box has another class),
``overlooked`` (an object without a label: ``label`` and ``box`` are null) or ``badly_located`` (the box is off).
Boxes are xyxy in image pixels of the displayed frame. ``score`` is the suspicion, ``1 - `` cleanlab's sub-score,
in ``[0, 1]``: higher is more likely a mistake.

"Label is right" marks live beside the dataset in ``DATA/.flower_annotator/mistakes_ok.json`` (the image folder,
where the split files are too, also when the annotations are in a save folder); a rerun skips entries that match a mark (same image, kind,
label and box within half a pixel).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from annotator.core.atomic import atomic_write_text

FORMAT = "flower-annotator-mistakes"
VERSION = 1
KINDS = ("swapped", "overlooked", "badly_located")
OK_MARKS_FILE = Path(".flower_annotator") / "mistakes_ok.json"
MAX_FILE_BYTES = 64 * 1024 * 1024


class MistakeFileError(ValueError):
    """A mistakes file or a marks file that cannot be read; the message names the file and the field."""


@dataclass(frozen=True)
class MistakeEntry:
    """One likely mistake (see the module docstring for the fields; boxes xyxy image pixels)."""

    image: str
    kind: str
    label: str | None
    box: tuple[float, float, float, float] | None
    suggested: str
    suggested_box: tuple[float, float, float, float] | None
    score: float

    def key(self) -> tuple:
        """What a "label is right" mark remembers: image, kind, label and the box rounded to half pixels."""
        box = None if self.box is None else tuple(round(v * 2) / 2 for v in self.box)
        sbox = None
        if self.box is None and self.suggested_box is not None:  # an overlooked object: where it was found
            sbox = tuple(round(v * 2) / 2 for v in self.suggested_box)
        return (self.image, self.kind, self.label, box, sbox)


@dataclass
class MistakeReport:
    """A whole mistakes file."""

    entries: list[MistakeEntry]
    n_images: int
    n_boxes: int
    class_names: list[str]
    method: str = "cleanlab.object_detection"
    source: str = ""
    skipped_ok: int = 0
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "version": VERSION,
            "n_images": self.n_images,
            "n_boxes": self.n_boxes,
            "class_names": list(self.class_names),
            "method": self.method,
            "source": self.source,
            "skipped_ok": self.skipped_ok,
            **self.extra,
            "entries": [
                asdict(e) | {"box": _list(e.box), "suggested_box": _list(e.suggested_box)}
                for e in self.entries
            ],
        }


def _list(box) -> list[float] | None:
    return None if box is None else [float(v) for v in box]


def _box(value, where: str) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 4 or not all(isinstance(v, (int, float)) for v in value):
        raise MistakeFileError(f"{where}: expected [xmin, ymin, xmax, ymax] or null, got {value!r}"[:300])
    return tuple(float(v) for v in value)  # type: ignore[return-value]


def _entry(raw, where: str) -> MistakeEntry:
    if not isinstance(raw, dict):
        raise MistakeFileError(f"{where}: expected an object")
    image, kind, label, suggested, score = (
        raw.get(k) for k in ("image", "kind", "label", "suggested", "score")
    )
    if not isinstance(image, str):
        raise MistakeFileError(f"{where}.image: expected a string")
    if kind not in KINDS:
        raise MistakeFileError(f"{where}.kind: expected one of {KINDS}, got {kind!r}"[:300])
    if label is not None and not isinstance(label, str):
        raise MistakeFileError(f"{where}.label: expected a string or null")
    if not isinstance(suggested, str):
        raise MistakeFileError(f"{where}.suggested: expected a string")
    if not isinstance(score, (int, float)) or isinstance(score, bool):
        raise MistakeFileError(f"{where}.score: expected a number")
    return MistakeEntry(
        image,
        kind,
        label,
        _box(raw.get("box"), f"{where}.box"),
        suggested,
        _box(raw.get("suggested_box"), f"{where}.suggested_box"),
        float(score),
    )


def _load_json(path: Path):
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise MistakeFileError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
        return json.loads(path.read_text(encoding="utf-8"))
    except MistakeFileError:
        raise
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MistakeFileError(f"{path}: {exc}") from None


def write_mistakes(report: MistakeReport, path: str | os.PathLike) -> None:
    """Write the report atomically (temp file + ``os.replace``)."""
    atomic_write_text(path, json.dumps(report.to_json(), indent=1) + "\n")


def read_mistakes(path: str | os.PathLike) -> MistakeReport:
    """Read and check a whole mistakes file.

    Raises:
        MistakeFileError: unreadable, not JSON, another format, or any entry with a wrong field.
    """
    p = Path(path)
    return parse_mistakes(_load_json(p), str(p))


def parse_mistakes(raw, where: str) -> MistakeReport:
    """Check a decoded mistakes file (or the worker's answer) whole; ``where`` names it in messages.

    Raises:
        MistakeFileError: another format, or any entry with a wrong field.
    """
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise MistakeFileError(f"{where}: not a {FORMAT} file")
    entries = raw.get("entries")
    if not isinstance(entries, list):
        raise MistakeFileError(f"{where}: entries: expected a list")
    parsed = [_entry(e, f"{where}: entries[{i}]") for i, e in enumerate(entries)]
    names = raw.get("class_names", [])
    for key in ("n_images", "n_boxes"):
        if not isinstance(raw.get(key), int):
            raise MistakeFileError(f"{where}: {key}: expected an integer")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise MistakeFileError(f"{where}: class_names: expected a list of strings")
    return MistakeReport(
        parsed,
        raw["n_images"],
        raw["n_boxes"],
        names,
        str(raw.get("method", "")),
        str(raw.get("source", "")),
        int(raw.get("skipped_ok", 0)) if isinstance(raw.get("skipped_ok", 0), int) else 0,
    )


def marks_root(data_dir: str | os.PathLike, save_dir: str | os.PathLike | None = None) -> Path:
    """The folder whose ``.flower_annotator`` holds the marks: DATA, beside its split files (``save_dir``, the
    annotations' save folder, does not move them: the command and the window agree whichever they are given)."""
    del save_dir
    return Path(data_dir)


def ok_marks_path(root: str | os.PathLike) -> Path:
    """Where the "label is right" marks of a dataset live (``root``: `marks_root`)."""
    return Path(root) / OK_MARKS_FILE


def read_ok_marks(root: str | os.PathLike) -> list[MistakeEntry]:
    """The entries marked "label is right" (none when the file does not exist).

    Raises:
        MistakeFileError: the marks file exists but cannot be read.
    """
    path = ok_marks_path(root)
    if not path.exists():
        return []
    raw = _load_json(path)
    marks = raw.get("marks") if isinstance(raw, dict) else None
    if not isinstance(marks, list):
        raise MistakeFileError(f"{path}: marks: expected a list")
    return [_entry(m, f"{path}: marks[{i}]") for i, m in enumerate(marks)]


def mark_ok(root: str | os.PathLike, entry: MistakeEntry) -> None:
    """Remember that ``entry``'s label is right (written atomically; a mark already there is not repeated)."""
    marks = read_ok_marks(root)
    if entry.key() in {m.key() for m in marks}:
        return
    marks.append(entry)
    _write_marks(root, marks)


def _write_marks(root: str | os.PathLike, marks: list[MistakeEntry]) -> None:
    path = ok_marks_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "marks": [asdict(m) | {"box": _list(m.box), "suggested_box": _list(m.suggested_box)} for m in marks]
    }
    atomic_write_text(path, json.dumps(body, indent=1) + "\n")


def unmark_ok(root: str | os.PathLike, entry: MistakeEntry) -> bool:
    """Forget a "label is right" mark (the file is rewritten atomically); False when there was none."""
    marks = read_ok_marks(root)
    kept = [m for m in marks if m.key() != entry.key()]
    if len(kept) == len(marks):
        return False
    _write_marks(root, kept)
    return True


def without_ok(entries: list[MistakeEntry], marks: list[MistakeEntry]) -> tuple[list[MistakeEntry], int]:
    """``entries`` less those a mark matches, and how many were left out."""
    keys = {m.key() for m in marks}
    kept = [e for e in entries if e.key() not in keys]
    return kept, len(entries) - len(kept)


def image_paths_by_id(root: str | os.PathLike, save_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """``image id -> image path`` of the images of a folder as `annotator.core.dataset.scan` pairs them (the ids
    a mistakes file names; the window shows one folder, so sub-folders are not listed)."""
    from annotator.core import dataset

    return {e.image_id: str(e.image_path) for e in dataset.scan(Path(root), save_dir=save_dir).entries}


def labelled_box_index(boxes, entry: MistakeEntry, min_iou: float = 0.9) -> int | None:
    """Index of the box ``entry`` is about among ``boxes`` (`BoxObject`s: same class, its box overlapping the
    entry's at IoU >= ``min_iou``, the closest first), or None when it is no longer there."""
    if entry.box is None:
        return None
    from annotator.core.geometry import iou_matrix

    same = [i for i, b in enumerate(boxes) if b.name == entry.label]
    if not same:
        return None
    ious = iou_matrix([entry.box], [boxes[i].xyxy() for i in same])[0]
    best = int(ious.argmax())
    return same[best] if ious[best] >= min_iou else None
