"""What an annotation file looked like when it was read, so a save never overwrites an edit made elsewhere.

A `DiskState` holds one `Fingerprint` (modification time in ns, size, inode and the SHA-256 of the bytes)
for each file an image's boxes can live in: the VOC file and its YOLO (``NAME.txt``) and Create ML
(``NAME.json``) sidecars, present or not. Before every save the window asks `DiskState.changes`; a file whose
bytes differ from what was read (or that appeared or vanished) is a conflict and nothing is written until the
user chooses. The content hash decides, not the times: a ``touch`` or a rewrite of the same bytes is no change,
and two writes inside one timestamp tick with equal sizes are still caught. Hashing a VOC file of a few KB
costs microseconds (see ``benchmarks/bench_save_conflict.py``), so every check hashes.

`stat_signature` is the cheap part (no read) the folder watcher uses to find which images to look at.

Left open: the few microseconds between the check and the atomic rename of the save itself.
No Qt here.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.core.annotation import BoxObject, ImageAnnotation


@dataclass(frozen=True)
class Fingerprint:
    """One file as seen at one moment; ``exists=False`` (everything else empty) for a missing file."""

    path: str
    exists: bool
    mtime_ns: int = 0
    size: int = 0
    inode: int = 0
    sha256: str = ""

    def same_content(self, other: Fingerprint) -> bool:
        return self.exists == other.exists and self.sha256 == other.sha256


def fingerprint(path: str | os.PathLike[str]) -> Fingerprint:
    """Stat and hash ``path`` (read whole: annotation files are small; VOC refuses over 10 MB anyway)."""
    source = os.fspath(path)
    try:
        with open(source, "rb") as f:
            st = os.fstat(f.fileno())
            digest = hashlib.sha256(f.read()).hexdigest()
    except FileNotFoundError:
        return Fingerprint(source, False)
    except OSError as exc:  # a folder, no permission: it exists, its content cannot be compared
        try:
            st = os.stat(source)
        except OSError:
            return Fingerprint(source, False)
        digest = f"unreadable:{type(exc).__name__}:{st.st_mtime_ns}:{st.st_size}"
    return Fingerprint(source, True, st.st_mtime_ns, st.st_size, st.st_ino, digest)


def annotation_files(annotation_path: str | os.PathLike[str]) -> tuple[str, str, str]:
    """The files one image's boxes can be saved in: VOC, YOLO ``.txt`` and Create ML ``.json``."""
    # String operations with pathlib's rule for the suffix (``Path.with_suffix``; a name starting or ending in
    # its only dot has none): the folder watcher calls this for every image of a folder.
    base = os.fspath(annotation_path)
    name_start = len(base) - len(os.path.basename(base))
    dot = base.rfind(".")
    stem = base[:dot] if name_start < dot < len(base) - 1 else base
    return base, stem + ".txt", stem + ".json"


NO_FILES: tuple[None, None, None] = (None, None, None)
"""The `stat_signature` of an image none of whose annotation files exists."""


def _stat3(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def stat_signature(annotation_path: str | os.PathLike[str]) -> tuple:
    """(mtime_ns, size, inode) of each of `annotation_files` (``None`` where missing): no read, no hash."""
    return tuple(_stat3(path) for path in annotation_files(annotation_path))


def stat_signatures(annotation_paths: Iterable[str]) -> dict[str, tuple]:
    """`stat_signature` of many annotation paths, equal to calling it on each, but with one directory listing
    per folder and a stat only for the files that exist (a folder of 10,000 unlabelled images costs one
    listing instead of 30,000 failed stats). A folder that cannot be listed falls back to stat each file."""
    by_folder: dict[str, list[str]] = {}
    for path in annotation_paths:
        by_folder.setdefault(os.path.dirname(path), []).append(path)
    out: dict[str, tuple] = {}
    for folder, paths in by_folder.items():
        try:
            with os.scandir(folder or os.curdir) as listing:
                present = {entry.name for entry in listing}
        except FileNotFoundError:  # e.g. a save folder not created yet: nothing in it exists
            present = set()
        except OSError:  # listable no more, or never (execute-only): ask file by file
            out.update((path, stat_signature(path)) for path in paths)
            continue
        for path in paths:
            name = os.path.basename(path)
            dot = name.rfind(".")
            stem = name[:dot] if 0 < dot < len(name) - 1 else name  # annotation_files' rule, on the name
            if name in present or stem + ".txt" in present or stem + ".json" in present:
                out[path] = stat_signature(path)
            else:  # the common case of an unlabelled image: no stat at all
                out[path] = NO_FILES
    return out


@dataclass
class DiskState:
    """The fingerprints of an image's annotation files as last read or written by this program."""

    prints: dict[str, Fingerprint] = field(default_factory=dict)

    @classmethod
    def capture(cls, annotation_path: str | os.PathLike[str]) -> DiskState:
        """Fingerprint the files now. Take it *before* reading: a change during the read then shows up as a
        conflict at the next save (the safe side) instead of being missed."""
        return cls({p: fingerprint(p) for p in annotation_files(annotation_path)})

    def changes(self) -> list[tuple[Fingerprint, Fingerprint]]:
        """``(as read, now)`` for every file whose content differs from what was read (empty: safe to write)."""
        out = []
        for path, then in self.prints.items():
            now = fingerprint(path)
            if not then.same_content(now):
                out.append((then, now))
        return out


# ---------------------------------------------------------------------------------------------- what changed


def _key(box: BoxObject) -> tuple:
    return (box.name, round(box.xmin), round(box.ymin), round(box.xmax), round(box.ymax))


@dataclass
class BoxDifference:
    """How the boxes on disk differ from the ones in memory (whole-pixel comparison).

    Attributes:
        only_disk: boxes in the disk version with no equal box here (added elsewhere, or removed here).
        only_mine: boxes here with no equal box on disk.
        moved: ``(disk, mine)`` pairs of one label that overlap but differ in position or size.
        verified: ``(disk, mine)`` when the verified flag differs, else ``None``.
    """

    disk_count: int
    mine_count: int
    only_disk: list[BoxObject]
    only_mine: list[BoxObject]
    moved: list[tuple[BoxObject, BoxObject]]
    verified: tuple[bool, bool] | None

    @property
    def same(self) -> bool:
        return not (self.only_disk or self.only_mine or self.moved or self.verified)


def box_difference(disk: ImageAnnotation, mine: ImageAnnotation) -> BoxDifference:
    """Compare two versions of one image's boxes: equal boxes cancel out (as multisets), then a leftover
    disk box and a leftover box here with the same label that overlap are paired as moved/resized."""
    # Here, not at the top: the window imports this module at start, and NumPy (through geometry) costs
    # ~0.1 s there; a save conflict is rare.
    from annotator.core.geometry import iou_matrix, xyxy_array

    rest_mine = list(mine.objects)
    only_disk: list[BoxObject] = []
    for box in disk.objects:
        match = next((i for i, m in enumerate(rest_mine) if _key(m) == _key(box)), None)
        if match is None:
            only_disk.append(box)
        else:
            rest_mine.pop(match)
    moved: list[tuple[BoxObject, BoxObject]] = []
    for box in list(only_disk):
        ious = iou_matrix([box.xyxy()], xyxy_array(rest_mine))[0]
        best, best_iou = None, 0.0
        for i, m in enumerate(rest_mine):
            if m.name == box.name and ious[i] > best_iou:
                best, best_iou = i, float(ious[i])
        if best is not None:
            moved.append((box, rest_mine.pop(best)))
            only_disk.remove(box)
    verified = (disk.verified, mine.verified) if disk.verified != mine.verified else None
    return BoxDifference(len(disk.objects), len(mine.objects), only_disk, rest_mine, moved, verified)


def backup_other_version(path: str | os.PathLike[str], now: float | None = None) -> str:
    """Copy ``path`` (the version another program wrote) to ``NAME.other-YYYYmmdd-HHMMSS.bak`` beside it
    (``-2``, ``-3`` ... when that name is taken: an earlier backup is never overwritten); returns the copy.

    The name ends in ``.bak`` so tools that glob ``*.xml`` / ``*.txt`` / ``*.json`` never take it for an
    annotation. The copy is made with exclusive create (``"xb"``), so two windows cannot pick the same name.
    """
    source = os.fspath(path)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    with open(source, "rb") as f:
        data = f.read()
    counter = 1
    while True:
        candidate = f"{source}.other-{stamp}{'' if counter == 1 else f'-{counter}'}.bak"
        try:
            with open(candidate, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except FileExistsError:
            counter += 1
            continue
        return candidate
