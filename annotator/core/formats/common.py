"""What every format shares: collecting a labelled VOC folder, the train/val split, class lists, placing
images, and writing imported boxes back as VOC XML.

Boxes here are `BoxObject`s in continuous xyxy image pixels (see `annotator.core.annotation`); each format
module converts to its own convention (normalized cxcywh for YOLO, xywh pixels for COCO, centre xywh pixels
for CreateML).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import shutil
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.atomic import atomic_write_text, atomic_writer, note_written
from annotator.core.dataset import DatasetError, annotation_path_for, scan, train_val_split
from annotator.core.imaging import IMAGE_EXTENSIONS, ImageError
from annotator.core.imaging import image_size as _image_size
from annotator.core.natsort import natural_key

__all__ = [
    "Collected",
    "FormatError",
    "ImageIndex",
    "ImportRecord",
    "ImportResult",
    "LabelledImage",
    "check_out_dir",
    "collect",
    "image_size",
    "natural_key",
    "ordered_classes",
    "place_image",
    "read_class_file",
    "remove_stale",
    "split_ids",
    "write_imported",
]


class FormatError(ValueError):
    """A YOLO/COCO/CreateML file (or an export request) is broken; the message names the file and the field."""


def image_size(path: Path) -> tuple[int, int]:
    """``(width, height)`` of the displayed frame (EXIF applied), read from the header only.

    Raises:
        FormatError: the file is missing or not a readable image.
    """
    try:
        return _image_size(path)
    except (ImageError, OSError) as exc:
        raise FormatError(f"cannot read the image size: {exc}") from None


@dataclass
class LabelledImage:
    """One image with its annotation, as found in the exported folder.

    Attributes:
        image_path: the image file.
        annotation: its boxes (continuous xyxy pixels); ``width``/``height`` filled from the image when the
            XML did not say.
        xml_path: the VOC file it came from.
        image_id: the image's path below the data folder, ``/``-separated, without suffix (``"flower_00001"``,
            ``"garden/img2"``): the id of ``ImageSets/Main/*.txt`` and the label file name in exports.
    """

    image_path: Path
    annotation: ImageAnnotation
    xml_path: Path
    image_id: str = ""

    def __post_init__(self) -> None:
        if not self.image_id:
            self.image_id = self.image_path.stem

    @property
    def rel_path(self) -> str:
        """The image's path below the data folder, ``/``-separated, with its suffix (``"garden/img2.jpg"``)."""
        parent = self.image_id.rpartition("/")[0]
        return f"{parent}/{self.image_path.name}" if parent else self.image_path.name


@dataclass
class Collected:
    """The result of `collect`: usable images, and everything that was left out, with the reason."""

    items: list[LabelledImage] = field(default_factory=list)
    unlabelled: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def collect(data_dir: Path, *, recursive: bool = False) -> Collected:
    """Read every labelled image of a folder (and its sub-folders when ``recursive``).

    Pairing is `annotator.core.dataset.scan`'s: LabelImg's layout (``IMG.jpg`` with ``IMG.xml`` beside it) or
    the VOC devkit's (``JPEGImages/IMG.jpg`` with ``Annotations/IMG.xml``). An image counts as labelled when
    its XML exists, even with no boxes (a negative example); images without XML are listed as unlabelled.
    Broken XML, unreadable images and images sharing one XML (``a.jpg`` + ``a.png``) are reported in
    ``problems``; nothing is dropped silently.

    Raises:
        FormatError: ``data_dir`` is not a readable folder.
    """
    try:
        dataset = scan(data_dir, recursive=recursive)
    except DatasetError as exc:
        raise FormatError(str(exc)) from None
    result = Collected()
    clashing: set[Path] = set()
    for xml, images in dataset.shared_annotations.items():
        clashing.update(images)
        names = ", ".join(p.name for p in images)
        result.problems.append(f"{xml}: shared by {names}; their labels would collide (rename one)")
    for entry in dataset.entries:
        image, xml = entry.image_path, entry.annotation_path
        if image in clashing:
            continue
        if not xml.is_file():
            result.unlabelled.append(image)
            continue
        try:
            ann = voc.read(xml)
            if ann.width <= 0 or ann.height <= 0:
                ann.width, ann.height = image_size(image)
        except FormatError as exc:
            result.problems.append(f"{image}: {exc}")
            continue
        except (voc.VocError, OSError) as exc:
            result.problems.append(str(exc))
            continue
        result.items.append(LabelledImage(image, ann, xml, entry.image_id))
    return result


def split_ids(
    image_ids: list[str], val_fraction: float = 0.2, seed: int = 0, data_dir: Path | None = None
) -> tuple[list[str], list[str]]:
    """Split image ids into ``(train, val)``, both in the input order, exactly as training would.

    The split is `annotator.core.dataset.train_val_split`'s, so an export matches the split the app uses for
    training: ``data_dir/ImageSets/Main/train.txt`` and ``val.txt`` are honoured when they exist, new ids are
    dealt out with ``seed``. It is computed on a copy of those files: exporting never writes into
    ``data_dir``. Ids containing white space (which VOC's lists cannot hold) fall back to a plain seeded draw of
    ``round(n * val_fraction)`` ids (at least one when the fraction is > 0 and there are two or more images).

    Raises:
        FormatError: ``val_fraction`` is outside ``[0, 1)``.
    """
    if not (0.0 <= val_fraction < 1.0) or math.isnan(val_fraction):
        raise FormatError(f"--val-fraction must be in [0, 1), got {val_fraction}")
    order = {image_id: i for i, image_id in enumerate(image_ids)}
    if all(i and not any(ch.isspace() for ch in i) for i in image_ids):
        with tempfile.TemporaryDirectory(prefix="flower-split-") as tmp:
            if data_dir is not None:
                main = Path(data_dir) / "ImageSets" / "Main"
                for name in ("train.txt", "val.txt"):
                    if (main / name).is_file():
                        (Path(tmp) / "ImageSets" / "Main").mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(main / name, Path(tmp) / "ImageSets" / "Main" / name)
            try:
                train, val = train_val_split(tmp, image_ids, val_fraction, seed)
            except DatasetError as exc:
                raise FormatError(str(exc)) from None
        return sorted(train, key=order.__getitem__), sorted(val, key=order.__getitem__)
    n_val = round(len(image_ids) * val_fraction)
    if val_fraction > 0 and n_val == 0 and len(image_ids) >= 2:
        n_val = 1
    chosen = set(random.Random(seed).sample(image_ids, n_val))
    return [i for i in image_ids if i not in chosen], [i for i in image_ids if i in chosen]


def ordered_classes(base: Iterable[str], labels: Iterable[str]) -> list[str]:
    """``base`` in its own order (never reordered), then labels not in it, naturally sorted."""
    names = list(dict.fromkeys(n for n in base if n))
    known = set(names)
    names += sorted({n for n in labels if n not in known}, key=natural_key)
    return names


MAX_CLASS_FILE_BYTES = 1024 * 1024


def read_class_file(path: Path) -> list[str]:
    """One class a line (blank lines ignored, surrounding spaces stripped), as in LabelImg's classes.txt.

    Raises:
        FormatError: the file is not a regular file, over 1 MB, or not UTF-8 text.
        OSError: the file cannot be read.
    """
    path = Path(path)
    if not stat.S_ISREG(os.stat(path).st_mode):  # before opening: opening a FIFO would block
        raise FormatError(f"{path}: not a regular file")
    with open(path, "rb") as f:
        info = os.fstat(f.fileno())
        if info.st_size > MAX_CLASS_FILE_BYTES:
            raise FormatError(f"{path}: {info.st_size:,} bytes, over the {MAX_CLASS_FILE_BYTES:,}-byte limit")
        data = f.read(MAX_CLASS_FILE_BYTES + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def place_image(src: Path, dst: Path) -> None:
    """Put a real copy of the image ``src`` at ``dst``: a hard link when possible (no extra disk), else a copy.

    A symlinked ``src`` is resolved first, so ``dst`` holds the image's bytes, never a (dangling) link. A copy
    goes to a temp file beside ``dst`` that is renamed into place only when complete (`atomic_writer`), so a
    full disk or a kill leaves no truncated image; the error names ``dst``, the file being written. An existing
    ``dst`` (from an earlier export) is unlinked or replaced by the rename, never written through: it may be a
    hard link of a source image.

    Raises:
        FormatError: ``src`` is not a readable file, or ``dst`` cannot be written (the message names the file).
    """
    src, dst = Path(src), Path(dst)
    real = Path(os.path.realpath(src))
    if not real.is_file():
        link = f" (a link to {real})" if real != src.absolute() else ""
        raise FormatError(f"{src}: image not found{link}")
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.is_symlink():
            dst.unlink()
        elif dst.exists():
            if os.path.samefile(real, dst):
                note_written(dst)
                return
            dst.unlink()
    except OSError as exc:
        raise FormatError(f"{dst}: cannot write the image: {exc.strerror or exc}") from None
    try:
        os.link(real, dst)
        note_written(dst)
        return
    except OSError:
        pass  # another file system, or links not allowed: copy
    try:
        source = open(real, "rb")  # noqa: SIM115 - closed below; opened first so its error names the source
    except OSError as exc:
        raise FormatError(f"{src}: cannot read the image: {exc.strerror or exc}") from None
    try:
        with source, atomic_writer(dst) as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        shutil.copystat(real, dst)
    except OSError as exc:
        raise FormatError(f"{dst}: cannot write the image copy: {exc.strerror or exc}") from None


def remove_stale(paths: Iterable[Path]) -> None:
    """Delete files left by an earlier export in the other split (an image must never be in train and val)."""
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


MANIFEST = ".flower-export.json"


def read_manifest(out_dir: Path) -> set[str]:
    """The files (``/``-separated, relative to ``out_dir``) an earlier export recorded in `MANIFEST`.

    A missing or unreadable manifest gives an empty set (nothing will be removed)."""
    from annotator.core.formats import bounded

    path = Path(out_dir) / MANIFEST
    if not path.is_file():
        return set()
    try:
        data = bounded.load_json(path, 64 * 1024 * 1024)
    except FormatError:
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def finish_manifest(out_dir: Path, old: set[str], written: set[str]) -> list[str]:
    """Remove the files an earlier export wrote that this one did not write again, then record this one's.

    Only paths listed in the old manifest are candidates, and only when they stay inside ``out_dir`` (no
    ``..``, no link leading out) and are files or links: a file the user put into ``out_dir`` is never
    touched. Returns the removed paths (relative).
    """
    out = Path(os.path.realpath(out_dir))
    now = set()
    for path in written:
        p = Path(path)
        if p.is_relative_to(Path(os.path.abspath(out_dir))):
            now.add(p.relative_to(Path(os.path.abspath(out_dir))).as_posix())
        elif Path(os.path.realpath(p)).is_relative_to(out):
            now.add(Path(os.path.realpath(p)).relative_to(out).as_posix())
    removed = []
    for rel in sorted(old - now):
        candidate = Path(out_dir) / rel
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts or rel == MANIFEST:
            continue
        if not Path(os.path.realpath(candidate.parent)).is_relative_to(out):
            continue
        if candidate.is_symlink() or candidate.is_file():
            candidate.unlink()
            removed.append(rel)
    text = json.dumps({"written_by": "flower-annotator export", "files": sorted(now)}, ensure_ascii=False)
    atomic_write_text(Path(out_dir) / MANIFEST, text + "\n")
    return removed


def check_out_dir(data_dir: Path, out_dir: Path, *, recursive: bool = False) -> None:
    """Refuse an export whose output folder overlaps the data folder (``recursive`` is accepted, unused).

    An export writes, replaces and removes files below ``--out`` (an image that moved from one split to the
    other is removed from the first), so ``--out`` may be neither the data folder, nor inside it, nor above it
    (``DATA = OUT/train`` is the layout a COCO export itself produces), symlinks resolved. That way exporting
    never moves, unlinks or rewrites a file under the data folder.

    Raises:
        FormatError: the folders overlap (the message says how).
    """
    del recursive
    data, out = Path(os.path.realpath(data_dir)), Path(os.path.realpath(out_dir))
    if out == data:
        raise FormatError(f"--out {out_dir} is the data folder itself; choose a folder outside {data_dir}")
    if out.is_relative_to(data):
        raise FormatError(
            f"--out {out_dir} lies inside the data folder {data_dir}; choose a folder outside it"
        )
    if data.is_relative_to(out):
        raise FormatError(
            f"--out {out_dir} contains the data folder {data_dir} (an export replaces and removes files "
            "below --out); choose a folder that does not hold the data"
        )
    for dirpath, dirs, files in os.walk(out):  # links inside an earlier export that lead into the data
        for name in dirs + files:
            path = os.path.join(dirpath, name)
            if os.path.islink(path) and Path(os.path.realpath(path)).is_relative_to(data):
                raise FormatError(
                    f"--out {out_dir} holds {path}, a link into the data folder {data_dir} (an export "
                    "replaces and removes files below --out); remove the link or choose another folder"
                )


# ---------------------------------------------------------------------------------------------- import


@dataclass
class ImportRecord:
    """Boxes for one image read from a YOLO/COCO/CreateML file, before they become a VOC file.

    Attributes:
        image_name: the image as the source names it (a relative path or a bare file name).
        boxes: continuous xyxy pixels of the image's displayed frame.
        source: where the record came from (file and position), for messages.
        width, height: the size the source states, ``None`` when it states none (read from the image).
        normalized: ``boxes`` are xyxy fractions of the image size (YOLO), scaled once the size is known.
    """

    image_name: str
    boxes: list[BoxObject]
    source: str
    width: int | None = None
    height: int | None = None
    normalized: bool = False


@dataclass
class ImportResult:
    """What an import did: VOC files written (``without_image``: those whose image was not found, sizes
    taken from the COCO file), files skipped because they exist, and problems."""

    written: list[Path] = field(default_factory=list)
    without_image: list[Path] = field(default_factory=list)
    skipped_existing: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class ImageIndex:
    """Finds an image under ``--images`` by relative path, then by file name, then by name stem."""

    def __init__(self, images_dir: Path) -> None:
        self.root = Path(images_dir)
        self.by_name: dict[str, list[Path]] = {}
        self.by_stem: dict[str, list[Path]] = {}
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                if os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS:
                    p = Path(dirpath) / name
                    self.by_name.setdefault(name, []).append(p)
                    self.by_stem.setdefault(p.stem, []).append(p)

    def find(self, image_name: str, *, by_stem: bool = False) -> Path:
        """The image file for a name from an annotation file.

        Args:
            image_name: a path relative to the images folder or a bare file name; with ``by_stem`` a
                ``/``-separated path *without* suffix (YOLO's ``train/IMG`` for ``labels/train/IMG.txt``).
            by_stem: match the name stem with any image suffix; when several images share the stem, the one
                whose relative path ends with ``image_name`` wins (``images/train/IMG.jpg`` for ``train/IMG``).

        Raises:
            FormatError: no such image, or several images fit and the name does not say which.
        """
        name = image_name.replace("\\", "/")
        if by_stem:
            found = self.by_stem.get(name.rsplit("/", 1)[-1], [])
            if len(found) > 1:
                narrowed = [
                    p
                    for p in found
                    if _rel_stem(p, self.root) == name or _rel_stem(p, self.root).endswith("/" + name)
                ]
                found = narrowed or found
        else:
            direct = self.root / name
            if direct.is_file() and direct.resolve().is_relative_to(self.root.resolve()):
                return direct
            found = self.by_name.get(name.rsplit("/", 1)[-1], [])
        if len(found) == 1:
            return found[0]
        if not found:
            raise FormatError(f"no image {image_name!r} under {self.root}")
        names = ", ".join(str(p.relative_to(self.root)) for p in found[:4])
        raise FormatError(f"{len(found)} images fit {image_name!r} under {self.root} ({names}); rename them")


def _rel_stem(path: Path, root: Path) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


def write_imported(
    records: Iterable[ImportRecord],
    index: ImageIndex,
    out_dir: Path,
    *,
    overwrite: bool = False,
    by_stem: bool = False,
) -> ImportResult:
    """Write one VOC XML per record into ``out_dir``.

    The file goes where the app looks for it when ``index.root`` is opened with ``out_dir`` as save folder
    (`annotator.core.dataset.annotation_path_for`): ``out_dir/<sub/folders>/<image stem>.xml``, sub-folders
    mirrored from below ``index.root``; with ``out_dir`` = ``index.root`` that is beside each image (LabelImg's
    layout). A COCO record whose image is missing goes to ``out_dir/<stem>.xml``. An existing XML is kept (listed in ``skipped_existing``) unless ``overwrite``. A record whose image
    cannot be found or measured, whose name collides with another record's, or that has a box lying outside
    its image is listed in ``problems`` and not written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ImportResult()
    claimed: dict[Path, str] = {}
    for rec in records:
        try:
            image = index.find(rec.image_name, by_stem=by_stem)
        except FormatError as exc:
            if rec.width is None or rec.height is None:
                result.problems.append(f"{rec.source}: {exc}")
                continue
            image = None  # COCO states the size: write the labels even without the image at hand
        name = image.name if image is not None else PurePosixPath(rec.image_name.replace("\\", "/")).name
        if image is not None:
            target = annotation_path_for(image, index.root, out_dir)
        else:  # only the bare name of a missing image: a hostile "../x.jpg" cannot steer the write
            target = out_dir / f"{PurePosixPath(name).stem}.xml"
        if target in claimed:
            result.problems.append(f"{rec.source}: {target} is already taken by {claimed[target]}")
            continue
        claimed[target] = rec.source
        try:
            if rec.width is not None and rec.height is not None:
                width, height = int(rec.width), int(rec.height)
            else:
                width, height = image_size(image)
            if rec.normalized:
                rec = dataclasses.replace(rec, boxes=_scaled(rec.boxes, width, height), normalized=False)
            _check_inside(rec, width, height)
        except FormatError as exc:
            result.problems.append(str(exc))
            continue
        if target.exists() and not overwrite:
            result.skipped_existing.append(target)
            continue
        ann = ImageAnnotation(
            filename=name,
            folder=image.parent.name if image is not None else "",
            path=str(image.resolve()) if image is not None else "",
            width=width,
            height=height,
            objects=rec.boxes,
        )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            voc.write(ann, target)
        except voc.VocError as exc:
            result.problems.append(f"{rec.source}: {exc}")
            continue
        except OSError as exc:  # a folder in the way, no permission, a full disk: this file, then go on
            result.problems.append(f"{target}: cannot write: {exc.strerror or exc}")
            continue
        result.written.append(target)
        if image is None:
            result.without_image.append(target)
    return result


def _scaled(boxes: list[BoxObject], width: int, height: int) -> list[BoxObject]:
    return [
        dataclasses.replace(
            b, xmin=b.xmin * width, ymin=b.ymin * height, xmax=b.xmax * width, ymax=b.ymax * height
        )
        for b in boxes
    ]


def _check_inside(rec: ImportRecord, width: int, height: int) -> None:
    for i, box in enumerate(rec.boxes):
        if box.xmax <= 0 or box.ymax <= 0 or box.xmin >= width or box.ymin >= height:
            raise FormatError(
                f"{rec.source}: box #{i + 1} ({box.name}, xyxy {box.xmin:g},{box.ymin:g},{box.xmax:g},"
                f"{box.ymax:g}) lies outside the {width}x{height} image"
            )
