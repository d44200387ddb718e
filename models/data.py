"""Read a VOC folder for training and evaluation through `annotator.core` (the GUI's loader and EXIF frame).

Images are decoded once, stretched to ``image_size x image_size`` and kept in memory as uint8 (the cache the
tf.data pipeline of `models.training.pipeline` starts from: N * S * S * 3 bytes, 150 MB for 1,000 images at 224).
Boxes become **normalized xyxy** in [0, 1] of the image (the same numbers before and after the stretch).
Problems (unreadable image or XML, images without boxes, unknown classes, degenerate boxes) are collected as
`DataProblem`s and reported; they never stop the run, and no box is dropped without a problem saying so.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from annotator.core import imaging, masks
from annotator.core.annotation import ImageAnnotation
from annotator.core.natsort import natural_sorted
from annotator.core.resources import predefined_classes

MASK_DIR = "SegmentationClass"

# mask_source(image_path, annotation, (width, height)) -> (mask (H, W) uint8 in the predefined class order
# of the mask file, or None; whether it is a real user mask).
MaskSource = Callable[[Path, ImageAnnotation, tuple[int, int]], "tuple[np.ndarray | None, bool]"]


@dataclass(frozen=True)
class DataProblem:
    """Something wrong with one file; the run goes on."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Sample:
    """One image ready for a model.

    Attributes:
        image_id: the image's id in the dataset (its path relative to the folder, without extension).
        image_path: the image file.
        image: (S, S, 3) uint8 RGB, stretched to the model's input size.
        boxes: (N, 4) float32 normalized xyxy in [0, 1]; N may be 0.
        classes: (N,) int32 indices into the class names.
        mask: (S, S) uint8 (0 background, k+1 class k of the model's classes, 255 void); zeros without a mask.
        has_mask: the mask is real (or a pseudo-mask a head provided).
        width, height: the original image size in pixels (displayed frame).
    """

    image_id: str
    image_path: str
    image: np.ndarray
    boxes: np.ndarray
    classes: np.ndarray
    mask: np.ndarray
    has_mask: bool
    width: int
    height: int


@dataclass
class SampleSet:
    """Many samples, stored as stacked arrays (boxes padded to the largest count)."""

    class_names: list[str]
    image_size: int
    ids: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    images: np.ndarray = field(default_factory=lambda: np.zeros((0, 1, 1, 3), np.uint8))
    boxes: list[np.ndarray] = field(default_factory=list)
    classes: list[np.ndarray] = field(default_factory=list)
    masks: np.ndarray = field(default_factory=lambda: np.zeros((0, 1, 1), np.uint8))
    has_mask: np.ndarray = field(default_factory=lambda: np.zeros((0,), bool))
    sizes: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int32))
    problems: list[DataProblem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def sample(self, i: int) -> Sample:
        return Sample(
            self.ids[i],
            self.paths[i],
            self.images[i],
            self.boxes[i],
            self.classes[i],
            self.masks[i],
            bool(self.has_mask[i]),
            int(self.sizes[i][0]),
            int(self.sizes[i][1]),
        )

    def subset(self, indices: Sequence[int]) -> SampleSet:
        idx = list(indices)
        return SampleSet(
            self.class_names,
            self.image_size,
            [self.ids[i] for i in idx],
            [self.paths[i] for i in idx],
            self.images[idx],
            [self.boxes[i] for i in idx],
            [self.classes[i] for i in idx],
            self.masks[idx],
            self.has_mask[idx],
            self.sizes[idx],
            list(self.problems),
        )

    def padded(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(boxes (N, M, 4), classes (N, M), counts (N,))`` padded with zeros to M = max(1, most boxes)."""
        m = max([1] + [len(b) for b in self.boxes])
        boxes = np.zeros((len(self), m, 4), np.float32)
        classes = np.zeros((len(self), m), np.int32)
        counts = np.zeros((len(self),), np.int32)
        for i, (b, c) in enumerate(zip(self.boxes, self.classes, strict=True)):
            boxes[i, : len(b)] = b
            classes[i, : len(c)] = c
            counts[i] = len(b)
        return boxes, classes, counts


def labelled_images(
    folder: str | os.PathLike,
    save_dir: str | os.PathLike | None = None,
    *,
    recursive: bool = False,
    verified_only: bool = False,
) -> list[tuple[str, Path, Path]]:
    """``(image_id, image_path, annotation_path)`` for every labelled image of ``folder``, sorted by id.

    Pairing is `annotator.core.dataset.scan`'s, the window's: XML beside the image, a VOC root with
    ``JPEGImages/`` and ``Annotations/``, or ``save_dir`` (sub-folders mirrored), so the labels a user saved
    with ``--save-dir`` are the labels trained on. ``annotation_path`` is the VOC file's path; an image whose
    boxes were saved as YOLO (``NAME.txt``) or Create ML (``NAME.json``) there instead counts as labelled too
    (`read_labels` reads either). Ids are `ImageEntry.image_id` (the ids of ``ImageSets/Main/*.txt``).
    ``verified_only``: only the images whose annotation is marked verified. ``recursive``: sub-folders too.
    """
    from annotator.core import dataset

    found = []
    scanned = dataset.scan(Path(folder), recursive=recursive, save_dir=save_dir)
    for entry in scanned.entries:
        if verified_only and entry.status is not dataset.ImageStatus.VERIFIED:
            continue
        xml = entry.annotation_path
        if xml.is_file() or xml.with_suffix(".txt").is_file() or xml.with_suffix(".json").is_file():
            found.append((entry.image_id, entry.image_path, xml))
    return sorted(found)


def read_labels(image_path: str | os.PathLike, annotation_path: str | os.PathLike) -> ImageAnnotation:
    """The image's boxes as the window reads them (VOC, else a YOLO / Create ML sidecar).

    Raises:
        ValueError: the file cannot be read (the message names it).
    """
    from annotator.core.annotation_files import read_annotation

    annotation, error = read_annotation(os.fspath(image_path), os.fspath(annotation_path))
    if error:
        raise ValueError(error)
    return annotation


def dataset_classes(
    folder: str | os.PathLike,
    ids: Sequence[str] | None = None,
    *,
    save_dir: str | os.PathLike | None = None,
) -> list[str]:
    """The class names used in the labelled images of ``folder`` (only ``ids`` when given), most used first.

    Unreadable annotations are left out here; `load_samples` reports them.
    """
    from collections import Counter

    listing = labelled_images(folder, save_dir)
    if ids is not None:
        wanted = set(ids)
        listing = [item for item in listing if item[0] in wanted]
    counts: Counter[str] = Counter()
    for _, image_path, annotation_path in listing:
        try:
            counts.update(o.name for o in read_labels(image_path, annotation_path).objects)
        except (ValueError, OSError):
            continue
    return [name for name, _ in counts.most_common()]


def split_ids(
    folder: str | os.PathLike,
    ids: Sequence[str],
    *,
    val_fraction: float = 0.2,
    seed: int = 0,
    write: bool = True,
):
    """The deterministic train/val split kept in ``ImageSets/Main/{train,val}.txt`` (written once, reused).

    ``write=False`` honours the existing lists without rewriting them (a subset such as the verified images
    must not drop the other images from the dataset's split)."""
    from annotator.core import dataset

    train, val = dataset.train_val_split(
        Path(folder), list(ids), val_fraction=val_fraction, seed=seed, write=write
    )
    return list(train), list(val)


def discover_classes(annotations: Sequence[ImageAnnotation]) -> list[str]:
    """The classes present in ``annotations``, in natural order (case-insensitive, ``class2`` before
    ``class10``; `annotator.core.natsort`).

    The order depends only on the set of names, never on which images come first, the split or the predefined
    classes: training the same labels again gives the same class indices. (The five sample flower classes
    come out in ``predefined_classes.txt`` order, which is already natural.)
    """
    return natural_sorted({o.name for a in annotations for o in a.objects})


def default_mask_source(root: Path) -> MaskSource:
    """Masks from ``ROOT/SegmentationClass/<image_id>.png`` (VOC palette, predefined class order); the id is the
    image's path relative to ``ROOT/JPEGImages`` (VOC root) or ``ROOT``, without suffix."""

    def source(image_path: Path, annotation: ImageAnnotation, size: tuple[int, int]):
        candidates = []
        for base in (root / "JPEGImages", root):
            try:
                candidates.append(image_path.relative_to(base).with_suffix(".png"))
            except ValueError:
                continue
        candidates.append(Path(image_path.stem + ".png"))
        for rel in candidates:
            path = root / MASK_DIR / rel
            if path.is_file():
                return masks.read_mask_png(path, expected_size=size), True
        return None, False

    return source


def _mask_lut(class_names: Sequence[str]) -> np.ndarray:
    """Map mask-file indices (predefined order) to model indices (k+1 of ``class_names``); unknown -> void."""
    lut = np.full(256, masks.VOID, np.uint8)
    lut[0] = 0
    for k, name in enumerate(predefined_classes()):
        if name in class_names:
            lut[k + 1] = class_names.index(name) + 1
    return lut


def load_samples(
    folder: str | os.PathLike,
    class_names: Sequence[str] | None = None,
    *,
    image_size: int,
    ids: Sequence[str] | None = None,
    save_dir: str | os.PathLike | None = None,
    recursive: bool = False,
    mask_source: MaskSource | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    keep_empty: bool = False,
) -> SampleSet:
    """Load the labelled images of a VOC folder into memory, resized for the model.

    Args:
        folder: the dataset folder (images with their XML beside them, LabelImg layout, or a VOC root).
        class_names: the model's classes; None: the classes found in these images (`discover_classes`).
        image_size: the square side images are stretched to.
        ids: only these image ids (from `labelled_images` / the split), in this order.
        save_dir: the folder the annotations were saved to (the window's ``--save-dir``), None for beside the
            images / a VOC root. recursive: also images in sub-folders.
        mask_source: where masks come from; default `default_mask_source`.
        progress: called ``(done, total)`` after each image.
        cancel: stops early when set (the samples read so far are returned).
        save_dir: the annotations' save folder (LabelImg's "Change Save Dir"; sub-folders mirrored), as in
            the window's ``--save-dir``; None: beside the images / the VOC layout.
        recursive: also the images in sub-folders (the window's ``--recursive``).
        keep_empty: also keep an image whose annotation has no box and that has no mask (training skips it:
            nothing to learn; a model looking for overlooked objects must still see it).

    Returns:
        A `SampleSet`; ``problems`` lists what was skipped or ignored and why.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {root}")
    listing = labelled_images(root, save_dir=save_dir, recursive=recursive)
    if ids is not None:
        by_id = {i: (p, x) for i, p, x in listing}
        listing = [(i, *by_id[i]) for i in ids if i in by_id]
    problems: list[DataProblem] = []
    parsed: list[tuple[str, Path, ImageAnnotation]] = []
    for image_id, image_path, xml_path in listing:
        try:
            parsed.append((image_id, image_path, read_labels(image_path, xml_path)))
        except (ValueError, OSError) as exc:
            problems.append(DataProblem(str(xml_path), f"annotation skipped: {exc}"))
    names = list(class_names) if class_names is not None else discover_classes([a for _, _, a in parsed])
    get_mask = mask_source or default_mask_source(root)
    lut = _mask_lut(names)
    out = SampleSet(names, image_size, problems=problems)
    images, mask_list, has_mask, sizes = [], [], [], []
    for n, (image_id, image_path, ann) in enumerate(parsed):
        if cancel is not None and cancel.is_set():
            break
        loaded = _load_one(image_path, ann, names, image_size, get_mask, lut, problems, keep_empty)
        if progress is not None:
            progress(n + 1, len(parsed))
        if loaded is None:
            continue
        image, boxes, classes, mask, real, size = loaded
        out.ids.append(image_id)
        out.paths.append(str(image_path))
        out.boxes.append(boxes)
        out.classes.append(classes)
        images.append(image)
        mask_list.append(mask)
        has_mask.append(real)
        sizes.append(size)
    s = image_size
    out.images = np.stack(images) if images else np.zeros((0, s, s, 3), np.uint8)
    out.masks = np.stack(mask_list) if mask_list else np.zeros((0, s, s), np.uint8)
    out.has_mask = np.array(has_mask, bool)
    out.sizes = np.array(sizes, np.int32).reshape(-1, 2)
    return out


def load_image_for_model(path: str | os.PathLike, image_size: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Decode ``path`` with the project's loader and stretch it to (image_size, image_size, 3) uint8.

    Returns:
        ``(pixels, (width, height))`` with the full displayed-frame size of the original image.
    """
    pixels, _, size = load_image_and_source(path, image_size)
    return pixels, size


def load_image_and_source(
    path: str | os.PathLike, image_size: int
) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """`load_image_for_model`, plus the decoded image it was stretched from (``source``: (H, W, 3) uint8, the
    displayed frame, reduced by 2, 4 or 8 only where it stays at least twice the input side): what
    `models.heads.loc.refine` cuts its second-look windows from.

    Returns:
        ``(pixels, source, (width, height))``.
    """
    width, height = imaging.image_size(path)
    reduce = 1
    for r in (8, 4, 2):
        if min(width, height) // r >= 2 * image_size:
            reduce = r
            break
    pixels = imaging.load_image(path, reduce=reduce)
    resized = cv2.resize(pixels, (image_size, image_size), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(resized, np.uint8), pixels, (int(width), int(height))


def _load_one(image_path, ann, names, image_size, get_mask, lut, problems, keep_empty=False):
    try:
        image, (width, height) = load_image_for_model(image_path, image_size)
    except (imaging.ImageError, OSError) as exc:
        problems.append(DataProblem(str(image_path), f"image skipped: {exc}"))
        return None
    if ann.width and ann.height and (ann.width, ann.height) != (width, height):
        problems.append(
            DataProblem(
                str(image_path),
                f"annotation says {ann.width}x{ann.height} but the image is {width}x{height}; "
                "boxes are taken in the image's displayed frame",
            )
        )
    boxes, classes = [], []
    for k, obj in enumerate(ann.objects, start=1):
        if obj.name not in names:
            problems.append(DataProblem(str(image_path), f"box {k}: unknown class {obj.name!r}, not trained"))
            continue
        b = np.clip(np.array(obj.xyxy(), np.float64) / [width, height, width, height], 0.0, 1.0)
        if b[2] - b[0] <= 0 or b[3] - b[1] <= 0:
            problems.append(DataProblem(str(image_path), f"box {k}: empty inside the image, not trained"))
            continue
        boxes.append(b)
        classes.append(names.index(obj.name))
    mask = np.zeros((image_size, image_size), np.uint8)
    real = False
    try:
        raw, real = get_mask(Path(image_path), ann, (width, height))
        if raw is not None:
            mask = lut[cv2.resize(raw, (image_size, image_size), interpolation=cv2.INTER_NEAREST)]
            real = True
        else:
            real = False
    except (masks.MaskError, OSError, ValueError) as exc:
        problems.append(DataProblem(str(image_path), f"mask ignored: {exc}"))
    if not boxes and not real and not keep_empty:
        problems.append(DataProblem(str(image_path), "no boxes and no mask: nothing to learn, skipped"))
        return None
    if not boxes:
        problems.append(DataProblem(str(image_path), "no boxes: trains only the mask"))
    return (
        image,
        np.array(boxes, np.float32).reshape(-1, 4),
        np.array(classes, np.int32),
        mask,
        real,
        (width, height),
    )
