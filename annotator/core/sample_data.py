"""Synthetic flower photos with exact labels, so the app, the training and the tests have data offline.

Each image shows 1 to ``max_flowers`` flowers of the five classes of ``resources/predefined_classes.txt``
(daisy, dandelion, roses, sunflowers, tulips), drawn procedurally (see `annotator.core.flowers`) over varied
backgrounds, with occlusion, truncation at the frame edge, lighting and JPEG compression.

Layout written into ``out_dir`` (LabelImg layout, XML beside the image)::

    flower_00000.jpg                       the photo
    flower_00000.xml                       Pascal VOC boxes (annotator.core.voc.write)
    SegmentationClass/flower_00000.png     VOC palette mask: 0 background, k+1 the k-th class

Boxes are exact: the tight xyxy box of each flower's visible pixels in the mask, in continuous image pixels
(see `annotator.core.annotation`; the VOC file holds ``xmin + 1 .. xmax``). A flower whose drawn head reaches
past the image edge is marked ``truncated``. The same ``seed`` gives the same bytes, and image ``i`` does not
depend on ``count`` (a longer run extends a shorter one).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.atomic import atomic_write_text
from annotator.core.flowers.scene import Scene, render_scene
from annotator.core.masks import encode_mask_png
from annotator.core.resources import predefined_classes

MASK_DIR = "SegmentationClass"
DATABASE = "Flower Annotator synthetic flowers"
GENERATOR_VERSION = 1
MARKER_NAME = ".sample-complete.json"
ENV_SAMPLE_DIR = "FLOWER_ANNOTATOR_SAMPLE_DIR"
MIN_SIDE = 32
MAX_SIDE = 8192
MAX_PIXELS = 4096 * 4096


def image_stem(index: int) -> str:
    """The file stem of image ``index``: ``flower_00000``."""
    return f"flower_{index:05d}"


def output_paths(out_dir: str | os.PathLike[str], index: int) -> tuple[Path, Path, Path]:
    """(image, xml, mask) paths that `generate` writes for image ``index``."""
    out = Path(out_dir)
    stem = image_stem(index)
    return out / f"{stem}.jpg", out / f"{stem}.xml", out / MASK_DIR / f"{stem}.png"


def existing_outputs(out_dir: str | os.PathLike[str], count: int) -> list[Path]:
    """The files among those `generate(out_dir, count, ...)` would write that already exist."""
    return [p for i in range(count) for p in output_paths(out_dir, i) if p.exists()]


def check_arguments(count: int, seed: int, max_flowers: int, image_size: tuple[int, int] | None) -> None:
    """Raise `ValueError` quoting the value when an argument of `generate` is out of range."""
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
        raise ValueError(f"count must be a whole number >= 0, got {count!r}")
    if count > 99_999:
        raise ValueError(f"count must be at most 99999 (five-digit file names), got {count!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if (
        isinstance(max_flowers, bool)
        or not isinstance(max_flowers, (int, np.integer))
        or not 1 <= max_flowers <= 8
    ):
        raise ValueError(f"max_flowers must be a whole number from 1 to 8, got {max_flowers!r}")
    if image_size is not None:
        try:
            w, h = (int(v) for v in image_size)
        except (TypeError, ValueError):
            raise ValueError(f"image_size must be (width, height) or None, got {image_size!r}") from None
        if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE) or w * h > MAX_PIXELS:
            raise ValueError(
                f"image_size sides must be {MIN_SIDE} to {MAX_SIDE} pixels and at most {MAX_PIXELS:,} pixels "
                f"in all, got {image_size!r}"
            )


_VARIED_SIZES = ((320, 240), (240, 320), (288, 288), (400, 300), (360, 240), (256, 320))


@contextlib.contextmanager
def _single_threaded_opencv() -> Iterator[None]:
    """OpenCV's parallel loops are not bit-reproducible in every build: run them on one thread, then restore."""
    before = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(before)


def _image_classes(seed: int, index: int, max_flowers: int, rng: np.random.Generator) -> list[str]:
    """Classes of one image: the first cycles through a shuffled class order (every class in any 5 images in a
    row that start at a multiple of 5), the others repeat it half of the time (bunches) or are random."""
    classes = predefined_classes()
    order = np.random.default_rng([seed, 0x5EED, index // len(classes)]).permutation(len(classes))
    first = classes[int(order[index % len(classes)])]
    names = [first]
    for _ in range(int(rng.integers(1, max_flowers + 1)) - 1):
        names.append(first if rng.random() < 0.5 else classes[int(rng.integers(len(classes)))])
    return names


def render_sample(
    seed: int, index: int, max_flowers: int = 3, image_size: tuple[int, int] | None = (320, 240)
) -> tuple[Scene, int]:
    """Render image ``index`` of the sample set ``seed`` in memory.

    Returns:
        (scene, jpeg_quality). ``scene.image`` is (H, W, 3) uint8 RGB; ``scene.objects`` hold xyxy boxes in
        continuous image pixels; ``scene.class_mask(predefined_classes())`` is the VOC class mask.
    """
    rng = np.random.default_rng([seed, index])
    if image_size is None:
        width, height = _VARIED_SIZES[int(rng.integers(len(_VARIED_SIZES)))]
    else:
        width, height = (int(v) for v in image_size)
    names = _image_classes(seed, index, max_flowers, rng)
    scene = render_scene(rng, width, height, names)
    return scene, int(rng.integers(60, 96))


def _replace_write(path: Path, data: bytes) -> None:
    """Write through a temp file and ``os.replace``: a killed run never leaves a torn image or mask.

    Unlike `annotator.core.atomic.atomic_write_bytes` there is no fsync: these files can be generated again,
    and syncing each of thousands of files would triple the generation time.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _annotation(scene: Scene, image_path: Path) -> ImageAnnotation:
    height, width = scene.image.shape[:2]
    objects = [
        BoxObject(o.name, o.box[0], o.box[1], o.box[2], o.box[3], truncated=o.truncated)
        for o in scene.objects
    ]
    return ImageAnnotation(
        filename=image_path.name,
        folder=image_path.parent.name,
        path=str(image_path.resolve()),
        width=width,
        height=height,
        depth=3,
        objects=objects,
        segmented=True,
        database=DATABASE,
    )


def generate(
    out_dir: str | os.PathLike[str],
    count: int,
    seed: int = 0,
    max_flowers: int = 3,
    image_size: tuple[int, int] | None = (320, 240),
    *,
    overwrite: bool = False,
) -> list[Path]:
    """Write ``count`` synthetic flower photos with VOC XML and palette masks into ``out_dir``.

    Args:
        out_dir: destination folder, created if missing.
        count: number of images (0..99999).
        seed: the same seed gives identical files; image ``i`` is the same whatever ``count`` is.
        max_flowers: each image holds 1 to ``max_flowers`` flowers (uniformly; 1 gives one flower per image).
        image_size: ``(width, height)`` of every image, or ``None`` for a mix of landscape, portrait and square
            sizes around 320x240.
        overwrite: replace files of an earlier run; by default existing outputs raise `FileExistsError`.

    Returns:
        The image paths, in index order. Boxes are xyxy continuous image pixels in the XML (1-based there).

    Raises:
        ValueError: an argument out of range (the message quotes it).
        FileExistsError: an output file exists and ``overwrite`` is false (nothing is written then).
        OSError: the folder cannot be created or written.
    """
    check_arguments(count, seed, max_flowers, image_size)
    out = Path(out_dir)
    if not overwrite:
        clash = existing_outputs(out, count)
        if clash:
            more = f" and {len(clash) - 1} more" if len(clash) > 1 else ""
            raise FileExistsError(
                f"{clash[0]}{more} already exist; refusing to overwrite (pass overwrite=True)"
            )
    (out / MASK_DIR).mkdir(parents=True, exist_ok=True)
    classes = predefined_classes()
    paths: list[Path] = []
    with _single_threaded_opencv():
        for index in range(count):
            scene, quality = render_sample(int(seed), index, int(max_flowers), image_size)
            image_path, xml_path, mask_path = output_paths(out, index)
            ok, jpeg = cv2.imencode(
                ".jpg", cv2.cvtColor(scene.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
            )
            if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
                raise OSError(f"{image_path}: JPEG encoding failed")
            _replace_write(image_path, jpeg.tobytes())
            _replace_write(mask_path, encode_mask_png(scene.class_mask(classes)))
            voc.write(_annotation(scene, image_path), xml_path)
            paths.append(image_path)
    return paths


def default_sample_dir() -> Path:
    """Where the built-in sample dataset lives.

    ``$FLOWER_ANNOTATOR_SAMPLE_DIR`` when set, else ``$XDG_DATA_HOME/flower-annotator/sample``, else
    ``~/.local/share/flower-annotator/sample``.
    """
    env = os.environ.get(ENV_SAMPLE_DIR)
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME")
    base = Path(data_home).expanduser() if data_home else Path.home() / ".local" / "share"
    return base / "flower-annotator" / "sample"


def ensure_sample_dataset(count: int = 40, seed: int = 0) -> Path:
    """The sample dataset folder, generated on first use.

    A marker file is written only once every image is complete, so a folder left half-written (a killed
    process) is generated again. A complete folder is never touched again, so labels the user edited there stay.

    Returns:
        `default_sample_dir()`.

    Raises:
        OSError: the folder cannot be created or written.
    """
    folder = default_sample_dir()
    marker = folder / MARKER_NAME
    if marker.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    generate(folder, count, seed, max_flowers=3, overwrite=True)
    info = {"generator_version": GENERATOR_VERSION, "count": count, "seed": seed}
    atomic_write_text(marker, json.dumps(info, sort_keys=True) + "\n")
    return folder
