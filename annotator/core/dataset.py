"""Scan a folder of images, pair each with its annotation file and say how far labelling has got.

Nothing here decodes an image: a scan lists folders with ``os.scandir`` and reads at most the first few KB of
each existing annotation file, so 20,000 images scan in about 0.15 s (``benchmarks/bench_scan.py``).

Where an image's annotation lives (`annotation_path_for`), first rule that applies:

1. a save folder was given: ``save_dir/<sub/folders>/<stem>.xml``, where ``<sub/folders>`` is the image's folder
   relative to the scanned root, so ``a/img.jpg`` and ``b/img.jpg`` never share a file;
2. Pascal VOC layout: the image lies under a folder named ``JPEGImages`` whose sibling ``Annotations`` exists (or
   that sits strictly inside the scanned root, i.e. the dataset root was opened):
   ``<voc root>/Annotations/<sub/folders>/<stem>.xml``; scanning the VOC root lists ``JPEGImages`` itself;
3. otherwise beside the image: ``<stem>.xml`` in the image's folder (LabelImg's default).

Status (`ImageStatus`): VERIFIED when the root tag says ``verified="yes"`` (LabelImg's flag; also true/1),
LABELLED when the file has at least one ``<object>``, else UNLABELLED (no file, or a file without boxes).
The check reads raw bytes and does not validate the XML: `annotator.core.voc.read` does that when the image is
opened.

Skipped while scanning: hidden files (macOS leaves ``._IMG_0001.jpg`` metadata files on shared drives), hidden
folders (``.trash`` included), ``trash``, and the VOC side folders
``Annotations``, ``ImageSets``, ``SegmentationClass``, ``SegmentationObject``.

Order: natural and case-insensitive (``img2`` before ``img10``), folder by folder.
"""

from __future__ import annotations

import enum
import os
import random
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.atomic import atomic_write_bytes
from annotator.core.image_files import IMAGE_EXTENSIONS
from annotator.core.natsort import natural_key

__all__ = [
    "ANNOTATION_SUFFIX",
    "SKIPPED_DIR_NAMES",
    "TRASH_DIR_NAME",
    "Dataset",
    "DatasetError",
    "ImageEntry",
    "ImageStatus",
    "annotation_path_for",
    "read_status",
    "scan",
    "train_val_split",
]

ANNOTATION_SUFFIX = ".xml"
TRASH_DIR_NAME = ".trash"
"""The folder inside a dataset where deleted images (and their annotations) are moved; never scanned."""
VOC_IMAGES_DIR = "JPEGImages"
VOC_ANNOTATIONS_DIR = "Annotations"
SKIPPED_DIR_NAMES = frozenset(
    {TRASH_DIR_NAME, "trash", "Trash", "Annotations", "ImageSets", "SegmentationClass", "SegmentationObject"}
)
_HEAD_BYTES = 4096
_FILES_FIRST = ""
_ROOT_TAG = re.compile(rb"<annotation\b([^>]*)>", re.IGNORECASE)
_VERIFIED = re.compile(rb"""verified\s*=\s*["']\s*(?:yes|true|1)\s*["']""", re.IGNORECASE)
_OBJECT = re.compile(rb"<object[\s>/]")


class DatasetError(ValueError):
    """A folder cannot be scanned, or a split file cannot be used; the message names the path."""


class ImageStatus(enum.Enum):
    """How far an image's labelling has got."""

    UNLABELLED = "unlabelled"
    LABELLED = "labelled"
    VERIFIED = "verified"


class ImageEntry:
    """One image of a dataset.

    Attributes:
        image_path: the image file (a `Path`; ``image_file`` is the same as a ``str``).
        annotation_path: where its VOC XML is or will be written (see the module docstring);
            ``annotation_file`` as a ``str``.
        status: as last read from disk (`Dataset.refresh_status` re-reads it).
        image_id: the image's path relative to the dataset's image root, without suffix, ``/``-separated
            (``"flower_00001"``, ``"garden/img2"``): the id written to ``ImageSets/Main/*.txt``.

    Paths are kept as strings and turned into `Path` objects on first use: building 40,000 `Path` objects
    would triple the time of a 20,000-image scan.
    """

    __slots__ = ("image_file", "annotation_file", "status", "image_id", "_image_path", "_annotation_path")

    def __init__(
        self,
        image_path: str | os.PathLike[str],
        annotation_path: str | os.PathLike[str],
        status: ImageStatus = ImageStatus.UNLABELLED,
        image_id: str = "",
    ) -> None:
        self.image_file: str = os.fspath(image_path)
        self.annotation_file: str = os.fspath(annotation_path)
        self.status = status
        self.image_id = image_id
        self._image_path: Path | None = None
        self._annotation_path: Path | None = None

    @property
    def image_path(self) -> Path:
        if self._image_path is None:
            self._image_path = Path(self.image_file)
        return self._image_path

    @property
    def annotation_path(self) -> Path:
        if self._annotation_path is None:
            self._annotation_path = Path(self.annotation_file)
        return self._annotation_path

    def __repr__(self) -> str:
        return (
            f"ImageEntry(image_path={self.image_file!r}, annotation_path={self.annotation_file!r}, "
            f"status={self.status}, image_id={self.image_id!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ImageEntry):
            return NotImplemented
        return (self.image_file, self.annotation_file, self.status, self.image_id) == (
            other.image_file,
            other.annotation_file,
            other.status,
            other.image_id,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable (status changes)


def read_status(annotation_path: str | os.PathLike[str]) -> ImageStatus:
    """The status an annotation file gives its image, from its first few KB (no XML parsing).

    A missing or unreadable file is UNLABELLED. Files whose first ``<object>`` comes after the first 4 KB are
    read further, in 64 KB steps, until one is found.
    """
    try:
        # O_NONBLOCK: a FIFO named NAME.xml must not hang the scan (regular files ignore the flag)
        fd = os.open(annotation_path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return ImageStatus.UNLABELLED
    try:
        head = os.read(fd, _HEAD_BYTES)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return _utf16_status(head, fd)
        root = _ROOT_TAG.search(head)
        if root and _VERIFIED.search(root.group(1)):
            return ImageStatus.VERIFIED
        if _OBJECT.search(head):
            return ImageStatus.LABELLED
        if len(head) < _HEAD_BYTES:
            return ImageStatus.UNLABELLED
        tail = head[-16:]
        while chunk := os.read(fd, 65536):
            if _OBJECT.search(tail + chunk):
                return ImageStatus.LABELLED
            tail = chunk[-16:]
        return ImageStatus.UNLABELLED
    except OSError:
        return ImageStatus.UNLABELLED
    finally:
        os.close(fd)


def _utf16_status(head: bytes, fd: int) -> ImageStatus:
    """`read_status` for the rare UTF-16 file (some Windows tools): decode it whole (VOC files are small)."""
    chunks = [head]
    while len(chunks) < 256 and (chunk := os.read(fd, 65536)):  # at most 16 MB
        chunks.append(chunk)
    text = b"".join(chunks).decode("utf-16", errors="replace").encode("utf-8")
    root = _ROOT_TAG.search(text)
    if root and _VERIFIED.search(root.group(1)):
        return ImageStatus.VERIFIED
    return ImageStatus.LABELLED if _OBJECT.search(text) else ImageStatus.UNLABELLED


def _voc_annotations_dir(image_dir: Path, root: Path) -> tuple[Path, Path] | None:
    """``(Annotations folder, JPEGImages folder)`` when ``image_dir`` is inside a VOC layout, else None."""
    for ancestor in (image_dir, *image_dir.parents):
        if ancestor.name == VOC_IMAGES_DIR:
            annotations = ancestor.parent / VOC_ANNOTATIONS_DIR
            inside_root = ancestor != root and root in ancestor.parents
            if inside_root or annotations.is_dir():
                return annotations, ancestor
        if ancestor == root or ancestor == ancestor.parent:
            break
    return None


def _relative_dir(image_dir: Path, root: Path) -> Path:
    try:
        return image_dir.relative_to(root)
    except ValueError:
        return Path()


def annotation_path_for(
    image_path: str | os.PathLike[str],
    root: str | os.PathLike[str],
    save_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Where the annotation of ``image_path`` lives, for a dataset scanned at ``root`` (module docstring rules).

    Args:
        image_path: the image file (need not exist).
        root: the folder that was opened; sub-folders below it are mirrored into ``save_dir``. An image
            outside ``root`` is treated as if it were directly in it.
        save_dir: the save folder, or None for the VOC layout / beside the image.
    """
    image = Path(image_path)
    root_path = Path(root)
    stem = image.stem + ANNOTATION_SUFFIX
    if save_dir is not None:
        return Path(save_dir) / _relative_dir(image.parent, root_path) / stem
    voc = _voc_annotations_dir(image.parent, root_path)
    if voc is not None:
        annotations, images = voc
        return annotations / _relative_dir(image.parent, images) / stem
    return image.with_name(stem)


@dataclass
class Dataset:
    """The images of a folder with their annotation paths and statuses, in natural order.

    Attributes:
        root: the folder that was scanned.
        image_root: where `ImageEntry.image_id` is relative to (``root``, or ``root/JPEGImages`` for a VOC root).
        entries: the images.
        save_dir: the save folder the annotations were paired with, if any.
        recursive: whether sub-folders were scanned.
        layout: ``"save_dir"``, ``"voc"`` or ``"beside"``: which rule paired the annotations.
        shared_annotations: annotation path -> the images that would share it (``a.jpg`` and ``a.png`` in one
            folder both map to ``a.xml``); empty in a healthy dataset. The UI should warn before saving.
    """

    root: Path
    image_root: Path
    entries: list[ImageEntry]
    save_dir: Path | None = None
    recursive: bool = False
    layout: str = "beside"
    shared_annotations: dict[Path, list[Path]] = field(default_factory=dict)
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[ImageEntry]:
        return iter(self.entries)

    def __getitem__(self, index: int) -> ImageEntry:
        return self.entries[index]

    @property
    def image_paths(self) -> list[Path]:
        return [e.image_path for e in self.entries]

    @property
    def counts(self) -> dict[ImageStatus, int]:
        """Number of images per status (every status present, 0 when none)."""
        c = Counter(e.status for e in self.entries)
        return {s: c.get(s, 0) for s in ImageStatus}

    @property
    def labelled_count(self) -> int:
        """Images with at least one box or marked verified (the "312 / 500 labelled" figure)."""
        return sum(1 for e in self.entries if e.status is not ImageStatus.UNLABELLED)

    @staticmethod
    def _key(path: str | os.PathLike[str]) -> str:
        return os.path.normcase(os.path.abspath(os.fspath(path)))

    def index_of(self, image_path: str | os.PathLike[str]) -> int | None:
        """Index of an image (any spelling of its path: relative, absolute, ``..``), or None if not listed."""
        if self._index is None:
            self._index = {self._key(e.image_path): i for i, e in enumerate(self.entries)}
        return self._index.get(self._key(image_path))

    def next_unlabelled(self, from_index: int = -1, *, wrap: bool = True) -> int | None:
        """The first UNLABELLED image after ``from_index`` (wrapping round to the start), or None if none."""
        n = len(self.entries)
        if n == 0:
            return None
        start = from_index + 1
        order: Iterable[int] = range(start, n)
        if wrap:
            order = (*range(max(start, 0), n), *range(0, min(max(start, 0), n)))
        for i in order:
            if self.entries[i].status is ImageStatus.UNLABELLED:
                return i
        return None

    def refresh_status(self, index: int) -> ImageStatus:
        """Re-read one image's status from its annotation file (after a save, a verify, a delete)."""
        entry = self.entries[index]
        entry.status = read_status(entry.annotation_path)
        return entry.status

    def annotation_path_for(self, image_path: str | os.PathLike[str]) -> Path:
        """`annotation_path_for` with this dataset's root and save folder (for an image not yet listed)."""
        return annotation_path_for(image_path, self.root, self.save_dir)


def _list_xml(folder: str, cache: dict[str, frozenset[str]]) -> frozenset[str]:
    names = cache.get(folder)
    if names is None:
        try:
            with os.scandir(folder) as it:
                names = frozenset(e.name for e in it if e.name.endswith(ANNOTATION_SUFFIX) and e.is_file())
        except OSError:
            names = frozenset()
        cache[folder] = names
    return names


def scan(
    folder: str | os.PathLike[str],
    *,
    recursive: bool = False,
    save_dir: str | os.PathLike[str] | None = None,
) -> Dataset:
    """List the images of ``folder`` with their annotation paths and statuses, decoding nothing.

    Args:
        folder: the folder to open. A VOC dataset root (with ``JPEGImages/``) lists ``JPEGImages``.
        recursive: also list images in sub-folders (symlinked folders are not followed; see the module
            docstring for the folders that are skipped).
        save_dir: pair annotations with this folder instead (sub-folders mirrored).

    Raises:
        DatasetError: ``folder`` does not exist or is not a folder.
    """
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError(f"{root}: not a folder" if root.exists() else f"{root}: folder not found")
    save_path = Path(save_dir) if save_dir is not None else None
    image_root = root
    if (root / VOC_IMAGES_DIR).is_dir():
        image_root = root / VOC_IMAGES_DIR
    voc = None if save_path is not None else _voc_annotations_dir(image_root, root)
    if save_path is not None:
        layout, ann_root = "save_dir", save_path
    elif voc is not None:
        layout, ann_root = "voc", voc[0]
    else:
        layout, ann_root = "beside", None
    # A save folder mirrors sub-folders relative to the opened root, even when images come from its JPEGImages.
    mirror = image_root.relative_to(root).parts if layout == "save_dir" else ()
    skip_real = {os.path.realpath(save_path)} if save_path is not None else set()

    found: list[tuple[tuple, ImageEntry]] = []
    xml_cache: dict[str, frozenset[str]] = {}
    stack: list[tuple[str, tuple[str, ...]]] = [(os.fspath(image_root), ())]
    while stack:
        dir_path, rel = stack.pop()
        images: list[str] = []
        xml_here: set[str] = set()
        try:
            with os.scandir(dir_path) as it:
                for e in it:
                    name = e.name
                    try:
                        if e.is_file():
                            dot = name.rfind(".")
                            ext = name[dot:].lower() if dot > 0 else ""
                            if ext in IMAGE_EXTENSIONS and name[0] != ".":  # macOS "._x.jpg" are not images
                                images.append(name)
                            elif ext == ANNOTATION_SUFFIX:
                                xml_here.add(name)
                        elif (
                            recursive
                            and e.is_dir(follow_symlinks=False)
                            and not name.startswith(".")
                            and name not in SKIPPED_DIR_NAMES
                            and (not skip_real or os.path.realpath(e.path) not in skip_real)
                        ):
                            stack.append((e.path, (*rel, name)))
                    except OSError:
                        continue
        except OSError as exc:
            if not rel:
                raise DatasetError(f"{dir_path}: cannot list the folder ({exc.strerror or exc})") from exc
            continue
        if ann_root is None:
            ann_dir, xml_names = dir_path, xml_here
        else:
            ann_dir = os.path.join(ann_root, *mirror, *rel)
            xml_names = _list_xml(ann_dir, xml_cache)
        rel_keys = tuple(natural_key(p) for p in rel)
        prefix = "/".join(rel) + "/" if rel else ""
        sep_dir = os.path.join(dir_path, "")
        sep_ann = os.path.join(ann_dir, "")
        unlabelled = ImageStatus.UNLABELLED
        for name in images:
            stem = name[: name.rfind(".")]
            xml_name = stem + ANNOTATION_SUFFIX
            ann_path = sep_ann + xml_name
            status = read_status(ann_path) if xml_name in xml_names else unlabelled
            # Recursive keys: (folder keys..., _FILES_FIRST, name key), so a folder's own images come before
            # those of its sub-folders, and sub-folders follow each other in natural order.
            key = (*rel_keys, _FILES_FIRST, natural_key(name)) if recursive else natural_key(name)
            found.append((key, ImageEntry(sep_dir + name, ann_path, status, prefix + stem)))

    found.sort(key=lambda item: item[0])
    entries = [e for _, e in found]
    by_annotation: dict[str, list[str]] = {}
    for e in entries:
        by_annotation.setdefault(e.annotation_file, []).append(e.image_file)
    shared = {Path(a): [Path(i) for i in imgs] for a, imgs in by_annotation.items() if len(imgs) > 1}
    return Dataset(root, image_root, entries, save_path, recursive, layout, shared)


# ---------------------------------------------------------------- train / validation split


MAX_SPLIT_FILE_BYTES = 64 * 1024 * 1024


def _read_ids(path: Path) -> list[str]:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # before opening: opening a FIFO would block
            raise DatasetError(f"{path}: cannot read the split file (not a regular file)")
        if info.st_size > MAX_SPLIT_FILE_BYTES:
            raise DatasetError(
                f"{path}: {info.st_size:,} bytes, over the {MAX_SPLIT_FILE_BYTES:,}-byte limit"
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read the split file ({exc})") from exc
    # VOC's per-class files hold "id  1"; the Main lists hold the id alone. Keep the first field either way.
    return [line.split()[0] for line in text.splitlines() if line.strip()]


def _write_ids(path: Path, ids: list[str]) -> None:
    data = "".join(f"{i}\n" for i in ids).encode("utf-8")
    try:
        if path.read_bytes() == data:
            return  # unchanged: keep the file's time stamp
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)


def train_val_split(
    root: str | os.PathLike[str],
    image_ids: Iterable[str],
    val_fraction: float = 0.2,
    seed: int = 0,
    *,
    write: bool = True,
) -> tuple[list[str], list[str]]:
    """Split image ids into training and validation, remembered in ``root/ImageSets/Main/{train,val}.txt``.

    The first call shuffles the ids (sorted naturally first, so the input order does not matter) with
    ``random.Random(seed)`` and puts ``round(n * val_fraction)`` of them in validation (at least one, and at
    least one left for training, when ``0 < val_fraction < 1`` and ``n >= 2``). Later calls keep every id where
    the files put it, drop ids that are no longer given, and deal new ids out deterministically (ordered by a
    seeded shuffle) to validation until it holds its share again, the rest to training. An id listed in both
    files stays in training. The files are rewritten atomically, and only when their content changes.

    Args:
        root: the dataset folder (``ImageSets/Main`` is created inside it).
        image_ids: `ImageEntry.image_id` values; duplicates are ignored.
        val_fraction: share of validation images, ``0 <= val_fraction <= 1``.
        seed: the shuffle seed for a new split and for dealing out new ids.
        write: False to compute the split (still honouring existing lists) without writing anything, e.g.
            for an export that must not touch the source dataset.

    Returns:
        ``(train_ids, val_ids)``, each in natural order.

    Raises:
        ValueError: ``val_fraction`` is outside [0, 1], or an id contains white space (VOC's lists cannot hold it).
        DatasetError: an existing split file cannot be read.
    """
    if not 0.0 <= val_fraction <= 1.0:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction!r}")
    ids = list(dict.fromkeys(image_ids))
    for i in ids:
        if not i or any(ch.isspace() for ch in i):
            raise ValueError(
                f"image id {i!r} is empty or contains white space; VOC split files cannot hold it"
            )
    main = Path(root) / "ImageSets" / "Main"
    train_file, val_file = main / "train.txt", main / "val.txt"
    wanted = set(ids)
    old_train = [i for i in dict.fromkeys(_read_ids(train_file)) if i in wanted]
    in_train = set(old_train)
    old_val = [i for i in dict.fromkeys(_read_ids(val_file)) if i in wanted and i not in in_train]
    assigned = in_train | set(old_val)
    new = sorted((i for i in ids if i not in assigned), key=natural_key)
    random.Random(seed).shuffle(new)

    n = len(ids)
    target = round(n * val_fraction)
    if 0.0 < val_fraction < 1.0 and n >= 2:
        target = min(max(target, 1), n - 1)
    take = min(len(new), max(0, target - len(old_val)))
    val = old_val + new[:take]
    train = old_train + new[take:]
    train.sort(key=natural_key)
    val.sort(key=natural_key)
    if write:
        _write_ids(train_file, train)
        _write_ids(val_file, val)
    return train, val
