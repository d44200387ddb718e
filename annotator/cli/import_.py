"""`flower-annotator import SRC --format yolo|coco|createml --images DIR --out DIR`: labels back into VOC XML.

One ``IMG.xml`` per image is written into ``--out`` (LabelImg's layout when ``--out`` is the image folder). An
existing XML is never replaced without ``--overwrite``; skipped files and entries that could not be imported
are listed. Exit status: 0 all imported (or skipped as existing), 1 some entries had problems, 2 nothing could
be done (bad arguments, unreadable SRC).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.core.formats import coco, createml, yolo
from annotator.core.formats.common import FormatError, ImageIndex, read_class_file, write_imported

FORMATS = ("yolo", "coco", "createml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "src",
        metavar="SRC",
        help="yolo: folder of .txt labels (searched recursively); coco/createml: the JSON file",
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="format of SRC")
    parser.add_argument(
        "--images", required=True, metavar="DIR", help="folder holding the images (searched recursively)"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the VOC XML files")
    parser.add_argument("--overwrite", action="store_true", help="replace XML files that already exist")
    parser.add_argument(
        "--classes",
        metavar="FILE",
        help="yolo: class names, one a line (default: classes.txt or data.yaml near SRC)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except FormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    src, images, out = Path(args.src), Path(args.images), Path(args.out)
    if not images.is_dir():
        raise FormatError(f"--images {images}: not a folder")
    if args.format == "yolo":
        if not src.is_dir():
            raise FormatError(f"{src}: yolo import needs the folder of .txt label files")
        names = read_class_file(Path(args.classes)) if args.classes else None
        records, problems = yolo.read_records(src, names)
    else:
        if not src.is_file():
            raise FormatError(f"{src}: not a file")
        reader = coco.read_records if args.format == "coco" else createml.read_records
        records, problems = reader(src)
    result = write_imported(
        records, ImageIndex(images), out, overwrite=args.overwrite, by_stem=args.format == "yolo"
    )
    problems += result.problems
    print(f"wrote {len(result.written)} VOC file(s) to {out}")
    if result.without_image:
        print(
            f"{len(result.without_image)} of them without their image (not under {images}; size from {src.name}):"
        )
        for path in result.without_image:
            print(f"  {path}")
    if result.skipped_existing:
        print(f"skipped {len(result.skipped_existing)} existing file(s) (pass --overwrite to replace them):")
        for path in result.skipped_existing:
            print(f"  {path}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} entr(y/ies) not imported (listed above)", file=sys.stderr)
        return 1
    return 0
