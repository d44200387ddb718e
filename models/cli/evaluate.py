"""``flower-annotator evaluate MODEL DATA [--json]``: score a model on a VOC folder."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a .keras model file written by `flower-annotator train`")
    parser.add_argument("data", help="a VOC folder: images with their .xml beside them")
    parser.add_argument("--split", default="all", choices=("all", "train", "val"), help="which images")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-refine",
        action="store_true",
        help="score the loc head's first pass only (no second look at a crop around its box)",
    )


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from models.evaluate import evaluate
    from models.modelfile import ModelFileError

    try:
        result = evaluate(
            args.model, args.data, split=args.split, batch_size=args.batch_size, refine=not args.no_refine
        )
    except (ModelFileError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value:.4f}" if isinstance(value, float) else f"{key:>20}: {value}")
    return 0
