"""``flower-annotator mistakes DATA [--save-dir DIR] [--folds K] [--minutes M] [--model MODEL] --out FILE.json``.

Likely label mistakes, most suspicious first, scored by `models.mistakes.rank_mistakes` (cleanlab's
object-detection sub-scores) on out-of-sample predictions:

- without ``--model`` (K-fold, `models.out_of_sample.kfold_predictions`): every labelled image is predicted by a
  model trained, with the training flags below (those of ``train``), on the other folds, within a time budget
  (``--minutes``) shared by the folds; a fold that fails is reported and the others go on (exit 1);
- with ``--model``: that model predicts the images it was not trained on (the ``val`` list its training wrote
  in ``DATA/ImageSets/Main/val.txt``; ``--split all`` for every labelled image).

The file is described in `annotator.core.mistakes`; entries marked "label is right"
(``DATA/.flower_annotator/mistakes_ok.json``, also with ``--save-dir``) are left out and counted in
``skipped_ok``.
"""

from __future__ import annotations

import argparse
import os
import sys

from annotator.core.cli_args import int_range
from models.cli import _args
from models.cli.train import add_training_settings, training_config

DEFAULT_FOLDS = 4
DEFAULT_MINUTES = 20.0
KFOLD_HEADS = "loc,grid"
"""The finder's default heads: the grid head finds every object of an image (the loc head only one per image)."""
KFOLD_VAL_FRACTION = 0.1
folds_count = int_range(2, 100)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", help="a VOC folder: images with their .xml beside them (or in --save-dir)")
    parser.add_argument(
        "--out", required=True, help="the JSON file to write (never one inside DATA's images)"
    )
    _args.add_save_dir(parser, "the split and the marks stay in DATA")
    parser.add_argument(
        "--model",
        default=None,
        help="a .keras model trained on DATA: its predictions on its val split (default: train K fold models)",
    )
    parser.add_argument(
        "--split",
        default="val",
        choices=("val", "all"),
        help="with --model: val, the images it did not train on; all, every labelled image",
    )
    parser.add_argument(
        "--folds",
        type=folds_count,
        default=None,
        help=f"without --model: K models, each trained on the other folds (default {DEFAULT_FOLDS})",
    )
    parser.add_argument(
        "--minutes",
        type=_args.minutes,
        default=None,
        help=f"without --model: wall-clock budget shared by the folds, prediction included (default "
        f"{DEFAULT_MINUTES:g})",
    )
    parser.add_argument("--quiet", action="store_true", help="no training progress, only the fold lines")
    group = parser.add_argument_group("training settings of the fold models (as for train)")
    add_training_settings(
        group,
        {
            "heads": (
                KFOLD_HEADS,
                f"comma-separated: loc, grid, seg (default {KFOLD_HEADS}: the grid finds every object)",
            ),
            "val_fraction": (
                KFOLD_VAL_FRACTION,
                f"share of the other folds kept to choose each model's best epoch (default {KFOLD_VAL_FRACTION})",
            ),
        },
    )


def _refusal(args: argparse.Namespace) -> str | None:
    if args.model and (args.folds is not None or args.minutes is not None):
        return "error: --model uses that model's predictions; --folds and --minutes train new ones: give one or the other"
    if not os.path.isdir(args.data):
        return f"error: dataset folder not found: {args.data}"
    if args.save_dir and not os.path.isdir(args.save_dir):
        return f"error: save folder not found: {args.save_dir}"
    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        return f"error: --out {args.out}: the folder {out_dir} does not exist"
    return None


def run(args: argparse.Namespace) -> int:
    refusal = _refusal(args)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from annotator.core.mistakes import MistakeFileError, marks_root, read_ok_marks, write_mistakes

    try:
        read_ok_marks(
            marks_root(args.data, args.save_dir)
        )  # a broken marks file stops us before any training
        if args.model:
            report, failed, extra_line = _with_model(args)
        else:
            report, failed, extra_line = _with_folds(args)
    except KeyboardInterrupt:
        print("interrupted: nothing written", file=sys.stderr)
        return 130
    except (
        FileNotFoundError,
        MistakeFileError,
        ValueError,
    ) as exc:  # ModelFileError, WeightsError, TrainError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        write_mistakes(report, args.out)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc}", file=sys.stderr)
        return 2
    kinds = ", ".join(
        f"{kind} {sum(e.kind == kind for e in report.entries)}"
        for kind in ("swapped", "overlooked", "badly_located")
    )
    print(
        f"{len(report.entries)} likely mistakes in {report.n_images} images ({kinds}); "
        f"{report.skipped_ok} marked right skipped; {extra_line} -> {args.out}"
    )
    return 1 if failed else 0


def _with_model(args: argparse.Namespace):
    from models.mistakes import mistakes_with_model

    report, result = mistakes_with_model(
        args.model, args.data, split=args.split, save_dir=args.save_dir, batch_size=args.batch_size
    )
    return report, False, f"{result['n_problems']} problems"


def _with_folds(args: argparse.Namespace):
    from annotator.core.mistakes import marks_root
    from models.mistakes import mistake_report
    from models.out_of_sample import kfold_predictions
    from models.training.progress import ConsoleProgress

    folds = args.folds or DEFAULT_FOLDS
    minutes = args.minutes or DEFAULT_MINUTES
    config = training_config(args, out_path="fold.keras")

    def say(line: str) -> None:
        print(line, flush=True)

    found = kfold_predictions(
        config,
        folds=folds,
        minutes=minutes,
        batch_size=args.batch_size,
        say=say,
        progress=None if args.quiet else ConsoleProgress(),
    )
    failed = [f for f in found.folds if f.failed]
    for problem in found.problems:
        print(f"problem: {problem}", file=sys.stderr)
    for fold in failed:
        print(f"error: fold {fold.index}/{folds}: {fold.error}", file=sys.stderr)
    report = mistake_report(
        found.images,
        found.class_names,
        marks_root=marks_root(args.data, args.save_dir),
        source=f"{folds}-fold: each image predicted by a model trained on the other folds ({minutes:g} min budget)",
        extra={
            "folds": [
                {
                    "fold": f.index,
                    "n_held_out": f.n_held_out,
                    "n_train": f.n_train,
                    "n_val": f.n_val,
                    "n_predicted": f.n_predicted,
                    "stopped": f.stopped,
                    "epochs": f.epochs,
                    "seconds": round(f.elapsed_s, 1),
                    "figures": {k: round(v, 4) for k, v in f.figures.items()},
                    "error": f.error,
                }
                for f in found.folds
            ]
        },
    )
    done = len(found.folds) - len(failed)
    line = f"{done} of {folds} folds predicted {len(found.images)} of {found.n_labelled} labelled images"
    if failed:
        line += f" ({len(failed)} failed: " + ", ".join(str(f.index) for f in failed) + ")"
    return report, bool(failed), line
