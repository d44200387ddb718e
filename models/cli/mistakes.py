"""``flower-annotator mistakes DATA --model MODEL --out FILE.json [--save-dir DIR]``: likely label mistakes, most
suspicious first.

The model predicts the images it was not trained on (the ``val`` list its training wrote in
``DATA/ImageSets/Main/val.txt``), and `models.mistakes.rank_mistakes` scores them with cleanlab's
object-detection sub-scores. The file is described in `annotator.core.mistakes`; entries marked "label is right"
(``DATA/.flower_annotator/mistakes_ok.json``) are left out and counted in ``skipped_ok``. ``--save-dir``: the
annotations are in that folder (as the window's ``--save-dir``); the split and the marks stay in DATA.
"""

from __future__ import annotations

import argparse
import os
import sys

from models.cli import _args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", help="a VOC folder: images with their .xml beside them (or in --save-dir)")
    _args.add_save_dir(parser, "the split and the marks stay in DATA")
    parser.add_argument(
        "--model", required=True, help="a .keras model trained on DATA (its val split is used)"
    )
    parser.add_argument(
        "--out", required=True, help="the JSON file to write (never one inside DATA's images)"
    )
    parser.add_argument(
        "--split", default="val", choices=("val", "all"), help="val: images the model did not train on"
    )
    parser.add_argument("--batch-size", type=_args.batch_size, default=16)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from annotator.core.mistakes import (
        MistakeFileError,
        MistakeReport,
        read_ok_marks,
        without_ok,
        write_mistakes,
    )
    from models.evaluate import evaluate_detailed
    from models.mistakes import rank_mistakes
    from models.modelfile import ModelFileError

    try:
        marks = read_ok_marks(args.data)
        result, data = evaluate_detailed(
            args.model, args.data, split=args.split, batch_size=args.batch_size, save_dir=args.save_dir
        )
    except (ModelFileError, FileNotFoundError, MistakeFileError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    entries, skipped = without_ok(rank_mistakes(data.images, data.class_names), marks)
    report = MistakeReport(
        entries,
        n_images=len(data.images),
        n_boxes=int(data.n_gt.sum()),
        class_names=data.class_names,
        method="cleanlab.object_detection.rank (swap, overlooked, badloc box scores)",
        source=f"model {os.path.basename(args.model)} on its {args.split} split",
        skipped_ok=skipped,
    )
    try:
        write_mistakes(report, args.out)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc}", file=sys.stderr)
        return 2
    kinds = {k: sum(e.kind == k for e in entries) for k in ("swapped", "overlooked", "badly_located")}
    print(
        f"{len(entries)} likely mistakes in {len(data.images)} images ({kinds}); {skipped} marked right skipped;"
        f" {result['n_problems']} problems -> {args.out}"
    )
    return 0
