"""The Pascal VOC devkit folder layout, for tools that expect ``VOC2007``-style datasets::

    OUT/Annotations/IMG.xml              (re-written by `annotator.core.voc`, so rounded and clamped)
    OUT/JPEGImages/IMG.jpg               (the images as they are: a PNG stays a PNG)
    OUT/ImageSets/Main/train.txt, val.txt, trainval.txt     (image ids, one a line)
    OUT/SegmentationClass/IMG.png        (VOC palette masks, copied when DATA/SegmentationClass has them)
    OUT/ImageSets/Segmentation/train.txt, val.txt, trainval.txt   (only the ids that have a mask)

Boxes keep the VOC convention of the source files (1-based inclusive pixels on disk).
"""

from __future__ import annotations

from pathlib import Path

from annotator.core import voc
from annotator.core.atomic import atomic_write_text
from annotator.core.formats.common import FormatError, LabelledImage, place_image

MASK_DIR = "SegmentationClass"


def _write_ids(path: Path, ids: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, "".join(f"{i}\n" for i in ids))


def export_dataset(
    items: list[LabelledImage], data_dir: Path, out_dir: Path, train_ids: list[str], val_ids: list[str]
) -> int:
    """Write the layout in the module docstring; returns the number of masks copied.

    Each XML's ``folder`` becomes ``OUT``'s name and ``path`` the exported image, so the files point at the
    copy; boxes, flags and unknown elements are kept.

    Raises:
        FormatError: an image name contains white space (before anything is written).
    """
    out_dir = Path(out_dir)
    spaced = [item.image_path.name for item in items if any(ch.isspace() for ch in item.image_id)]
    if spaced:
        raise FormatError(
            f"{len(spaced)} image name(s) contain white space, which VOC's ImageSets lists cannot hold "
            f"(e.g. {spaced[0]!r}); rename them or export another format"
        )
    by_id = {item.image_id: item for item in items}
    wanted = [i for i in train_ids + val_ids if i in by_id]
    masks_copied = 0
    with_mask: set[str] = set()
    for image_id in wanted:
        item = by_id[image_id]
        image_dst = out_dir / "JPEGImages" / item.rel_path
        place_image(item.image_path, image_dst)
        ann = item.annotation.copy()
        ann.folder = image_dst.parent.name if "/" in item.image_id else out_dir.name
        ann.filename = item.image_path.name
        ann.path = str(image_dst.resolve())
        xml_dst = out_dir / "Annotations" / f"{image_id}.xml"
        xml_dst.parent.mkdir(parents=True, exist_ok=True)
        voc.write(ann, xml_dst)
        mask = _find_mask(Path(data_dir), item)
        if mask is not None:
            place_image(mask, out_dir / MASK_DIR / f"{image_id}.png")
            masks_copied += 1
            with_mask.add(image_id)
    train = [i for i in train_ids if i in by_id]
    val = [i for i in val_ids if i in by_id]
    main = out_dir / "ImageSets" / "Main"
    _write_ids(main / "train.txt", train)
    _write_ids(main / "val.txt", val)
    _write_ids(main / "trainval.txt", train + val)
    if with_mask:
        seg = out_dir / "ImageSets" / "Segmentation"
        _write_ids(seg / "train.txt", [i for i in train if i in with_mask])
        _write_ids(seg / "val.txt", [i for i in val if i in with_mask])
        _write_ids(seg / "trainval.txt", [i for i in train + val if i in with_mask])
    return masks_copied


def _find_mask(data_dir: Path, item: LabelledImage) -> Path | None:
    for candidate in (
        data_dir / MASK_DIR / f"{item.image_id}.png",
        item.image_path.parent / MASK_DIR / f"{item.image_path.stem}.png",
    ):
        if candidate.is_file():
            return candidate
    return None
