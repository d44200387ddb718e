"""Pseudo segmentation masks from boxes with GrabCut (OpenCV), for images that have boxes but no drawn mask.

A pseudo-mask is a guess, not a label: it lives in its own cache folder beside the dataset,
``DATASET/.flower-annotator/pseudo_masks/<image id>.<key>.png``, never in ``SegmentationClass/`` (where the
user's masks are), so it is never mistaken for one. ``<key>`` is a hash of the boxes, the class list, the image
file's size and modification time and the algorithm version: editing the boxes or the image makes a new
mask; the stale one is removed when the new one is written.

Masks are ``(H, W)`` uint8 in the image's pixels (displayed frame, EXIF applied), with the values of
`annotator.core.masks`: 0 background, ``k + 1`` for ``class_names[k]``, 255 void (a box whose class is not in
``class_names``). Boxes are xyxy in continuous image pixels (`annotator.core.annotation`).

Method: for each box (largest first, so smaller boxes drawn later win where boxes overlap), GrabCut runs on a
crop around the box, started with ``GC_INIT_WITH_RECT`` from the box, on an image scaled so that the crop's
longer side is at most ``work_size`` pixels (GrabCut's cost grows with pixels). Pixels GrabCut calls
foreground or probably foreground inside the box get the box's class. When GrabCut cannot run or finds almost
nothing (a box filling the whole image leaves it no background to learn from, a tiny box), the ellipse inscribed
in the box is used instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from annotator.core import imaging, masks
from annotator.core.annotation import ImageAnnotation

CACHE_DIR = Path(".flower-annotator") / "pseudo_masks"
ALGORITHM_VERSION = 1
MIN_FOREGROUND = 0.05  # below this share of the box, GrabCut is taken to have failed


def grabcut_mask(
    image: np.ndarray,
    boxes: np.ndarray,
    labels: Sequence[int],
    *,
    iterations: int = 3,
    work_size: int = 160,
    margin: float = 0.25,
    seed: int = 0,
) -> np.ndarray:
    """A class mask for one image from its boxes.

    Args:
        image: (H, W, 3) uint8 RGB.
        boxes: (N, 4) xyxy in continuous image pixels.
        labels: (N,) the value to paint for each box (``k + 1``, or 255 for void).
        iterations: GrabCut iterations per box.
        work_size: the longest side, in pixels, of the crop GrabCut runs on.
        margin: how much context around each box the crop keeps, as a fraction of the box size.
        seed: OpenCV's random seed (GrabCut's GMM start), for reproducible masks.

    Returns:
        (H, W) uint8 mask, 0 where no box claims a pixel.
    """
    image = np.ascontiguousarray(image, np.uint8)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be (H, W, 3) uint8 RGB, got shape {image.shape}")
    h, w = image.shape[:2]
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    if len(labels) != len(boxes):
        raise ValueError(f"{len(boxes)} boxes but {len(labels)} labels")
    out = np.zeros((h, w), np.uint8)
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    cv2.setRNGSeed(seed)
    for i in np.argsort(-areas, kind="stable"):
        x0, y0 = int(np.floor(max(boxes[i, 0], 0))), int(np.floor(max(boxes[i, 1], 0)))
        x1, y1 = int(np.ceil(min(boxes[i, 2], w))), int(np.ceil(min(boxes[i, 3], h)))
        if x1 - x0 < 1 or y1 - y0 < 1:
            continue
        fg = _box_foreground(bgr, (x0, y0, x1, y1), iterations, work_size, margin)
        region = out[y0:y1, x0:x1]
        region[fg] = labels[i]
    return out


def _ellipse(bw: int, bh: int) -> np.ndarray:
    """The ellipse inscribed in a (bh, bw) box, sampled at pixel centres."""
    y, x = np.mgrid[0:bh, 0:bw]
    return ((x + 0.5 - bw / 2) / (bw / 2)) ** 2 + ((y + 0.5 - bh / 2) / (bh / 2)) ** 2 <= 1.0


def _box_foreground(bgr, box, iterations, work_size, margin) -> np.ndarray:
    """(bh, bw) bool foreground inside the box."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    h, w = bgr.shape[:2]
    mx, my = int(np.ceil(bw * margin)), int(np.ceil(bh * margin))
    cx0, cy0, cx1, cy1 = max(x0 - mx, 0), max(y0 - my, 0), min(x1 + mx, w), min(y1 + my, h)
    crop = bgr[cy0:cy1, cx0:cx1]
    scale = min(1.0, work_size / max(crop.shape[:2]))
    small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else crop
    sh, sw = small.shape[:2]
    rx0, ry0 = int(round((x0 - cx0) * scale)), int(round((y0 - cy0) * scale))
    rx1, ry1 = int(round((x1 - cx0) * scale)), int(round((y1 - cy0) * scale))
    has_background = rx0 > 0 or ry0 > 0 or rx1 < sw or ry1 < sh
    if rx1 - rx0 >= 4 and ry1 - ry0 >= 4 and has_background:
        gc = np.zeros((sh, sw), np.uint8)
        bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        try:
            cv2.grabCut(
                small, gc, (rx0, ry0, rx1 - rx0, ry1 - ry0), bgd, fgd, iterations, cv2.GC_INIT_WITH_RECT
            )
            fg_small = ((gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)).astype(np.uint8)
            fg_crop = cv2.resize(fg_small, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_NEAREST)
            fg = fg_crop[y0 - cy0 : y1 - cy0, x0 - cx0 : x1 - cx0].astype(bool)
            if fg.mean() >= MIN_FOREGROUND:
                return fg
        except cv2.error:
            pass
    return _ellipse(bw, bh)


def cache_key(image_path: Path, annotation: ImageAnnotation, class_names: Sequence[str]) -> str:
    """12 hex digits identifying the inputs of a pseudo-mask (boxes, classes, image file, algorithm)."""
    st = image_path.stat()
    payload = {
        "v": ALGORITHM_VERSION,
        "image": [st.st_size, st.st_mtime_ns],
        "boxes": [[o.name, *(round(float(v), 3) for v in o.xyxy())] for o in annotation.objects],
        "classes": list(class_names),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]


def cache_folder(dataset_root: str | os.PathLike[str]) -> Path:
    """``DATASET/.flower-annotator/pseudo_masks``: where pseudo-masks of that dataset are cached."""
    return Path(dataset_root) / CACHE_DIR


def _relative_stem(dataset_root: Path, image_path: Path) -> Path:
    try:
        return image_path.relative_to(dataset_root).with_suffix("")
    except ValueError:
        return Path(image_path.stem)


def pseudo_mask_path(
    dataset_root: str | os.PathLike[str], image_path: str | os.PathLike[str], key: str
) -> Path:
    """The cache file of the pseudo-mask of ``image_path`` for inputs ``key``."""
    root = Path(dataset_root)
    rel = _relative_stem(root, Path(image_path))
    return cache_folder(root) / rel.parent / f"{rel.name}.{key}.png"


def load_or_make_pseudo_mask(
    dataset_root: str | os.PathLike[str],
    image_path: str | os.PathLike[str],
    annotation: ImageAnnotation,
    class_names: Sequence[str],
    *,
    image: np.ndarray | None = None,
) -> np.ndarray | None:
    """The pseudo-mask of one image, from the cache when its inputs have not changed, else made and cached.

    Args:
        dataset_root: the dataset folder (the cache goes under it).
        image_path: the image file.
        annotation: its boxes (continuous image pixels, xyxy).
        class_names: ``class_names[k]`` is painted ``k + 1``; a box of another class is painted void (255).
        image: the image as loaded by `annotator.core.imaging.load_image`, when the caller has it already.

    Returns:
        (H, W) uint8 mask in the image's pixels, or None when the annotation has no boxes.
    """
    if not annotation.objects:
        return None
    root, path = Path(dataset_root), Path(image_path)
    key = cache_key(path, annotation, class_names)
    target = pseudo_mask_path(root, path, key)
    if target.is_file():
        try:
            return masks.read_mask_png(target)
        except masks.MaskError:
            pass  # a damaged cache file is simply made again
    pixels = image if image is not None else imaging.load_image(path)
    boxes = np.array([o.xyxy() for o in annotation.objects], np.float64)
    names = list(class_names)
    labels = [names.index(o.name) + 1 if o.name in names else masks.VOID for o in annotation.objects]
    mask = grabcut_mask(pixels, boxes, labels)
    target.parent.mkdir(parents=True, exist_ok=True)
    masks.write_mask_png(target, mask)
    stem = target.name.rsplit(".", 2)[0]
    for stale in target.parent.glob("*.png"):
        parts = stale.name.rsplit(".", 2)
        if stale != target and len(parts) == 3 and parts[0] == stem and len(parts[1]) == len(key):
            stale.unlink(missing_ok=True)
    return mask
