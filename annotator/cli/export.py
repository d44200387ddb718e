"""`flower-annotator export DATA --format voc|yolo|coco|createml --out DIR`: a labelled folder to a dataset.

DATA is a folder of images with VOC XML beside them (LabelImg's layout) or a VOC devkit folder
(``JPEGImages/`` + ``Annotations/``). Broken XML stops the export (every problem is listed) unless
``--skip-broken``; images without XML are counted and left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.core import voc
from annotator.core.atomic import recording_writes
from annotator.core.cli_args import float_range, int_range
from annotator.core.formats import coco, createml, voc_layout, yolo
from annotator.core.formats.common import (
    Collected,
    FormatError,
    check_out_dir,
    collect,
    finish_manifest,
    read_class_file,
    read_manifest,
    split_ids,
)

FORMATS = ("voc", "yolo", "coco", "createml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data", metavar="DATA", help="folder of images with VOC XML (LabelImg or VOC devkit layout)"
    )
    parser.add_argument(
        "--save-dir",
        metavar="DIR",
        help="folder the annotations were saved to (as in the window: sub-folders mirrored); default: beside the images",
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="dataset format to write")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder (created when missing)")
    parser.add_argument(
        "--val-fraction",
        type=float_range(0, 1, hi_open=True),
        default=0.2,
        help="share of images for validation (default 0.2); DATA/ImageSets/Main/train.txt+val.txt win if present",
    )
    parser.add_argument(
        "--seed", type=int_range(0), default=0, help="random seed of the train/val split (default 0)"
    )
    parser.add_argument(
        "--classes",
        metavar="FILE",
        help="class order to start from, one a line (default: DATA/classes.txt when present; "
        "for yolo an existing OUT/classes.txt always wins); labels not listed are appended",
    )
    parser.add_argument(
        "--recursive",
        action="store_true",
        help="also export images in sub-folders (kept as sub-folders in DIR)",
    )
    parser.add_argument(
        "--skip-broken", action="store_true", help="export the readable files, list the broken ones"
    )


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (FormatError, voc.VocError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
    return 2


def _precheck(found: Collected, fmt: str) -> None:
    """Convert every item once before anything is written; those that cannot be exported move to problems.

    (A YOLO box wholly outside its image, a VOC file that could not be stored faithfully.) The whole set is
    checked, so the report lists every such file and an export without ``--skip-broken`` writes nothing.
    """
    labels = sorted({o.name for item in found.items for o in item.annotation.objects})
    kept = []
    for item in found.items:
        try:
            if fmt == "yolo":
                for box in item.annotation.objects:
                    yolo.check_class_name(box.name, str(item.xml_path))
                yolo.to_lines(item.annotation, labels, source=str(item.xml_path))
            elif fmt == "voc":
                voc.dumps(item.annotation, source=str(item.xml_path))
        except (FormatError, voc.VocError) as exc:
            found.problems.append(str(exc))
            continue
        kept.append(item)
    found.items = kept


def _run(args: argparse.Namespace) -> int:
    data, out = Path(args.data), Path(args.out)
    if not data.is_dir():
        raise FormatError(f"{data}: not a folder")
    check_out_dir(data, out, recursive=args.recursive)
    if args.save_dir:
        check_out_dir(Path(args.save_dir), out, recursive=args.recursive)
    found = collect(data, recursive=args.recursive, save_dir=args.save_dir)
    _precheck(found, args.format)
    for problem in found.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if found.problems and not args.skip_broken:
        print(
            f"error: {len(found.problems)} file(s) cannot be exported; fix them or pass --skip-broken",
            file=sys.stderr,
        )
        return 2
    if not found.items:
        raise FormatError(f"{data}: no labelled images (images without XML: {len(found.unlabelled)})")
    where = f"{data}" + (f" with annotations in {args.save_dir}" if args.save_dir else "")
    print(f"found {len(found.items)} labelled images in {where}", file=sys.stderr)
    if args.classes:
        base = read_class_file(Path(args.classes))
    elif (data / "classes.txt").is_file():
        base = read_class_file(data / "classes.txt")
    else:
        base = []
    ids = [item.image_id for item in found.items]
    train, val = split_ids(ids, args.val_fraction, args.seed, data)
    out.mkdir(parents=True, exist_ok=True)
    earlier = read_manifest(out)
    with recording_writes() as written:
        classes = _export(args, found, data, out, train, val, base)
    removed = finish_manifest(out, earlier, written)
    boxes = sum(len(item.annotation.objects) for item in found.items)
    print(
        f"exported {len(found.items)} images ({len(train)} train, {len(val)} val), {boxes} boxes as {args.format} to {out}"
    )
    if removed:
        print(f"removed {len(removed)} file(s) an earlier export wrote for images no longer exported")
    if classes:
        first = 1 if args.format == "coco" else 0  # COCO category ids start at 1, YOLO class indices at 0
        print("classes: " + ", ".join(f"{i}={name}" for i, name in enumerate(classes, start=first)))
    if found.unlabelled:
        print(f"left out {len(found.unlabelled)} image(s) without XML")
    if found.problems:
        print(f"left out {len(found.problems)} broken file(s) (listed above)")
    return 0


def _export(args, found, data, out, train, val, base) -> list[str]:
    classes: list[str] = []
    if args.format == "yolo":
        classes = yolo.export_dataset(found.items, out, train, val, base)
    elif args.format == "coco":
        classes = coco.export_dataset(found.items, out, train, val, base)
    elif args.format == "createml":
        createml.export_dataset(found.items, out, train, val)
    else:
        masks = voc_layout.export_dataset(found.items, data, out, train, val)
        print(f"copied {masks} segmentation mask(s)")
    return classes
