"""``flower-annotator evaluate MODEL DATA [--json] [--report DIR]``: score a model on a VOC folder.

``--json`` prints one object: the heads' figures plus ``per_class`` (name -> ap50, precision, recall, n_gt,
n_det, mean_iou) and ``confusion`` (``labels``: the classes then ``background``; ``matrix``: rows labelled,
columns predicted), at ``--score-threshold`` / ``--iou-threshold`` (see `annotator.core.evaluation`).
``--report DIR`` writes report.html (self-contained), confusion.png, pr_curves.png, iou_histogram.png,
per_class.csv and images.csv there (`annotator.core.evaluation_report`).
"""

from __future__ import annotations

import argparse
import json
import sys

from annotator.core.geometry import DEFAULT_MATCH_IOU, DEFAULT_SCORE_THRESHOLD
from models.cli import _args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a .keras model file written by `flower-annotator train`")
    parser.add_argument("data", help="a VOC folder: images with their .xml beside them")
    _args.add_save_dir(parser)
    parser.add_argument("--split", default="all", choices=("all", "train", "val"), help="which images")
    parser.add_argument("--batch-size", type=_args.batch_size, default=16)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-refine",
        action="store_true",
        help="score the loc head's first pass only (no second look at a crop around its box)",
    )
    parser.add_argument("--report", metavar="DIR", help="write report.html, PNG figures and CSV tables here")
    parser.add_argument(
        "--score-threshold",
        type=_args.unit,
        default=DEFAULT_SCORE_THRESHOLD,
        help="detections counted in precision/recall (0..1)",
    )
    parser.add_argument(
        "--iou-threshold", type=_args.unit, default=DEFAULT_MATCH_IOU, help="IoU of a match (0..1)"
    )


def _say_what_was_found(args: argparse.Namespace, n_evaluated: int) -> None:
    """One line on stderr: how many labelled images DATA has (where their annotations are), how many were scored."""
    from models.data import labelled_images

    found = len(labelled_images(args.data, args.save_dir))
    where = f"{args.data}" + (f" with annotations in {args.save_dir}" if args.save_dir else "")
    split = "" if args.split == "all" else f" of the {args.split} split"
    print(f"found {found} labelled images in {where}; evaluated {n_evaluated}{split}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from annotator.core.evaluation_report import write_report
    from models.evaluate import evaluate_detailed
    from models.modelfile import ModelFileError

    try:
        result, data = evaluate_detailed(
            args.model,
            args.data,
            split=args.split,
            batch_size=args.batch_size,
            refine=not args.no_refine,
            save_dir=args.save_dir,
        )
    except (ModelFileError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _say_what_was_found(args, result["n_images"])
    for key, what in (
        ("model_classes_not_in_data", "the model's classes not labelled in the data (no figures for them)"),
        (
            "data_classes_not_in_model",
            "classes labelled in the data that the model does not know (not scored)",
        ),
    ):
        if result.get(key):
            print(f"note: {what}: {', '.join(result[key])}", file=sys.stderr)
    views = data.views(args.score_threshold, args.iou_threshold)
    if args.report:
        try:
            write_report(
                views,
                args.report,
                title=f"{os.path.basename(args.model)} on {args.data}",
                summary={k: v for k, v in result.items() if not isinstance(v, dict)},
            )
        except OSError as exc:
            print(f"error: cannot write the report to {args.report}: {exc}", file=sys.stderr)
            return 2
    figures = views.to_json()
    if args.json:
        result.update(figures)
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value:.4f}" if isinstance(value, float) else f"{key:>20}: {value}")
        print(f"{'class':>20}  {'n_gt':>5} {'ap50':>7} {'prec':>7} {'recall':>7}")
        for c in views.per_class:
            print(f"{c.name:>20}  {c.n_gt:>5} {c.ap:7.4f} {c.precision:7.4f} {c.recall:7.4f}")
    if args.report:
        print(f"report: {os.path.join(args.report, 'report.html')}", file=sys.stderr)
    return 0
