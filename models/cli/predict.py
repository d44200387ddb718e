"""``flower-annotator predict MODEL PATH... --out DIR``: write predictions as VOC XML with ``<score>`` per box.

Per image ``IMG``: ``DIR/IMG.xml`` (the boxes of every head: the ``loc`` box and the ``grid`` detections, in
image pixels); with a ``seg`` head also ``DIR/SegmentationClass/IMG.png`` (the class mask, VOC palette, image
size); with ``--fcn`` also ``DIR/IMG_fcn.png`` (the fully convolutional class-score map of the ``loc`` head).
The files open in the labelling window like any annotation, so predictions can be reviewed and accepted.
Existing files in DIR are never overwritten unless ``--overwrite`` is given: an image any of whose files
already exists is skipped whole, so no image is left with a mix of old and new files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.core.geometry import DEFAULT_NMS_IOU, DEFAULT_SCORE_THRESHOLD
from models.cli import _args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a .keras model file written by `flower-annotator train`")
    parser.add_argument("paths", nargs="+", help="images, or folders of images")
    parser.add_argument("--out", required=True, help="folder for the XML files (created if needed)")
    parser.add_argument(
        "--save-dir",
        metavar="DIR",
        help="folder holding the images' annotations (as in the window: sub-folders mirrored); "
        "when an image has one, its IoU with the prediction is printed (default: XML beside the image)",
    )
    parser.add_argument("--score-threshold", type=_args.unit, default=DEFAULT_SCORE_THRESHOLD)
    parser.add_argument("--nms-iou", type=_args.unit, default=DEFAULT_NMS_IOU)
    parser.add_argument("--overwrite", action="store_true", help="replace files already in --out")
    parser.add_argument(
        "--no-refine",
        action="store_true",
        help="one pass only: no second look at a crop around the loc head's box (half the time)",
    )
    parser.add_argument(
        "--fcn",
        action="store_true",
        help="also draw each image's fully convolutional class-score map to DIR/IMG_fcn.png (needs the loc head)",
    )


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


def _ground_truth_path(image: Path, save_dir: str | None) -> Path:
    """Where ``image``'s annotation is: beside it, or in ``save_dir`` (`annotator.core.dataset`'s rule)."""
    from annotator.core import dataset

    return dataset.annotation_path_for(image, image.parent, save_dir)


def _ground_truth_iou(image: Path, pred, save_dir: str | None) -> tuple[str, float | None]:
    """`` (IoU vs ground truth: ...)`` for an image whose annotation exists (beside it or in ``save_dir``), and
    the IoU (None without labelled boxes).

    Each labelled box is matched with its best-overlapping predicted box (xyxy image pixels); the text gives
    the mean of those IoUs over the labelled boxes (a missed box counts 0), or ``""`` without an annotation.
    """
    import numpy as np

    from annotator.core import voc
    from annotator.core.geometry import iou_matrix

    path = _ground_truth_path(image, save_dir)
    if not path.is_file():
        return "", None
    try:
        truth = voc.read(path)
    except (voc.VocError, OSError) as exc:
        return f" (ground truth unreadable: {exc})", None
    gt = np.array([o.xyxy() for o in truth.objects], np.float64).reshape(-1, 4)
    if len(gt) == 0:
        return " (ground truth: no boxes)", None
    found = np.asarray(pred.boxes, np.float64).reshape(-1, 4)
    best = iou_matrix(gt, found).max(axis=1) if len(found) else np.zeros(len(gt))
    mean = float(best.mean())
    return f" (IoU vs ground truth: {mean:.3f} over {len(gt)} box{'es' if len(gt) != 1 else ''})", mean


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from annotator.core import voc
    from annotator.core.imaging import ImageError
    from models.heads.loc.fcn import render_fcn_map
    from models.heads.seg.head import write_prediction_mask
    from models.modelfile import ModelFileError
    from models.predict import Predictor, prediction_to_annotation

    images, missing = _images(args.paths)
    for m in missing:
        print(f"error: not found: {m}", file=sys.stderr)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot create the --out folder {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        predictor = Predictor(args.model, refine=not getattr(args, "no_refine", False))
    except ModelFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    heads = list(predictor.info.heads)
    fcn = bool(getattr(args, "fcn", False))
    if fcn and "loc" not in heads:
        print(
            f"error: --fcn needs a model with the loc head; {args.model} has {', '.join(heads)}",
            file=sys.stderr,
        )
        return 2
    labelled = sum(_ground_truth_path(image, args.save_dir).is_file() for image in images)
    where = f"in {args.save_dir}" if args.save_dir else "beside the images"
    print(f"found {len(images)} images, {labelled} with an annotation {where}", file=sys.stderr)
    failures = len(missing)
    ious: list[float] = []
    written = 0
    for image in images:
        target = out / (image.stem + ".xml")
        mask_target = out / "SegmentationClass" / (image.stem + ".png") if "seg" in heads else None
        fcn_target = out / (image.stem + "_fcn.png") if fcn else None
        existing = [t for t in (target, mask_target, fcn_target) if t is not None and t.exists()]
        if existing and not args.overwrite:
            names = ", ".join(str(t) for t in existing)
            print(
                f"skipped {image}: {names} exist{'s' if len(existing) == 1 else ''} (use --overwrite)",
                file=sys.stderr,
            )
            failures += 1
            continue
        try:
            pred = predictor.predict(image, score_threshold=args.score_threshold, nms_iou=args.nms_iou)
        except (ImageError, ValueError, OSError) as exc:  # unreadable, too small to resize, ...
            print(f"error: {image}: {exc}", file=sys.stderr)
            failures += 1
            continue
        try:
            voc.write(prediction_to_annotation(pred, image.resolve()), target)
        except (
            OSError,
            ValueError,
        ) as exc:  # an unwritable --out, a full disk: the next image may still work
            print(f"error: cannot write {target}: {exc}", file=sys.stderr)
            failures += 1
            continue
        boxes = ", ".join(
            f"{pred.class_names[int(c)]} {s:.2f}" for c, s in zip(pred.classes, pred.scores, strict=True)
        )
        written += 1
        truth, iou = _ground_truth_iou(image, pred, args.save_dir)
        if iou is not None:
            ious.append(iou)
        print(
            f"{image} -> {target}: {boxes or 'nothing above the threshold'} ({pred.latency_ms:.0f} ms){truth}"
        )
        if mask_target is not None and pred.mask is not None:
            try:
                mask_target.parent.mkdir(exist_ok=True)
                write_prediction_mask(pred, mask_target)
            except (OSError, ValueError) as exc:
                print(f"error: cannot write {mask_target}: {exc}", file=sys.stderr)
                failures += 1
                continue
            print(f"{image} -> {mask_target}: class mask {pred.mask.shape[1]}x{pred.mask.shape[0]}")
        if fcn_target is not None:
            try:
                shown = render_fcn_map(args.model, image, fcn_target, scale=2)
            except (ImageError, ValueError, OSError) as exc:
                print(f"error: FCN map of {image}: {exc}", file=sys.stderr)
                failures += 1
                continue
            rows, cols = shown["map_shape"]
            print(
                f"{image} -> {fcn_target}: FCN map {rows}x{cols} windows, best {shown['best_class']} "
                f"{shown['best_score']:.2f} at window {tuple(int(v) for v in shown['best_window'])}"
            )
    summary = f"predicted {written} of {len(images)} images into {out}"
    if ious:
        summary += f"; mean IoU vs ground truth {sum(ious) / len(ious):.3f} over {len(ious)} labelled images"
    print(summary, file=sys.stderr)
    return 0 if failures == 0 else 1
