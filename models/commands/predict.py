"""``flower-annotator predict MODEL PATH... --out DIR``: write predictions as VOC XML with ``<score>`` per box.

The files open in the labelling window like any annotation, so predictions can be reviewed and accepted.
Existing files in DIR are never overwritten unless ``--overwrite`` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a .keras model file written by `flower-annotator train`")
    parser.add_argument("paths", nargs="+", help="images, or folders of images")
    parser.add_argument("--out", required=True, help="folder for the XML files (created if needed)")
    parser.add_argument("--score-threshold", type=float, default=0.3)
    parser.add_argument("--nms-iou", type=float, default=0.45)
    parser.add_argument("--overwrite", action="store_true", help="replace XML files already in --out")


def _images(paths: list[str]) -> tuple[list[Path], list[str]]:
    from annotator.core.imaging import is_image_file

    found, missing = [], []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.iterdir() if f.is_file() and is_image_file(f))
        elif p.is_file():
            found.append(p)
        else:
            missing.append(str(p))
    return found, missing


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from annotator.core import voc
    from annotator.core.imaging import ImageError
    from models.modelfile import ModelFileError
    from models.predict import Predictor, prediction_to_annotation

    images, missing = _images(args.paths)
    for m in missing:
        print(f"error: not found: {m}", file=sys.stderr)
    try:
        predictor = Predictor(args.model)
    except ModelFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures = len(missing)
    for image in images:
        target = out / (image.stem + ".xml")
        if target.exists() and not args.overwrite:
            print(f"skipped {image}: {target} exists (use --overwrite)", file=sys.stderr)
            failures += 1
            continue
        try:
            pred = predictor.predict(image, score_threshold=args.score_threshold, nms_iou=args.nms_iou)
        except ImageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failures += 1
            continue
        voc.write(prediction_to_annotation(pred, image.resolve()), target)
        boxes = ", ".join(
            f"{pred.class_names[int(c)]} {s:.2f}" for c, s in zip(pred.classes, pred.scores, strict=True)
        )
        print(f"{image} -> {target}: {boxes or 'nothing above the threshold'} ({pred.latency_ms:.0f} ms)")
    return 0 if failures == 0 else 1
