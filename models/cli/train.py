"""``flower-annotator train DATA --out MODEL.keras``: train a model on a VOC folder (progress bar, Ctrl+C keeps the best)."""

from __future__ import annotations

import argparse
import json
import sys

from annotator.core.model_facts import BACKBONES, WIDTHS
from annotator.core.worker_messages import BOX_LOSSES, LR_SCHEDULES, STRATEGIES
from models.cli import _args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", help="a VOC folder: images with their .xml beside them (or in --save-dir)")
    parser.add_argument(
        "--out", required=True, help="the model file to write (.keras); the best epoch is kept"
    )
    add_training_settings(parser)
    parser.add_argument("--strategy", default="default", choices=STRATEGIES)
    _args.add_save_dir(parser, "the split files stay in DATA/ImageSets/Main")
    parser.add_argument(
        "--verified-only", action="store_true", help="train on the images marked verified only"
    )
    parser.add_argument(
        "--max-minutes", type=_args.minutes, default=None, help="stop after this wall-clock time"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the model file --out names if it exists (without it, an existing file is refused)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object at the end")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def add_training_settings(parser, overrides: dict[str, tuple[object, str]] | None = None) -> None:
    """The model and training flags `train` and `mistakes --folds` share (the same names and types).

    Args:
        parser: an `argparse.ArgumentParser` or an argument group of one.
        overrides: flag destination (``heads``) -> (default, help) for a command whose defaults differ.
    """
    parser.add_argument("--backbone", default="xception", help=f"one of {', '.join(BACKBONES)}")
    parser.add_argument(
        "--weights",
        default="imagenet",
        help="imagenet (Keras' cache or a download), none (train from scratch) or a weights FILE",
    )
    parser.add_argument(
        "--image-size",
        type=_args.image_size,
        default=None,
        help="square input side, a multiple of 32 (default: 224 with pretrained weights; from scratch 192 for "
        "mobilenetv2, 128 for the others)",
    )
    parser.add_argument(
        "--width",
        type=_args.width,
        default=None,
        help=f"mobilenetv2's width multiplier (alpha): {', '.join(map(str, WIDTHS['mobilenetv2']))} (default: "
        "0.5 from scratch, 1.0 with pretrained weights); the other backbones have one width, 1.0",
    )
    parser.add_argument(
        "--epochs",
        type=_args.epochs,
        default=None,
        help="epochs of the fine-tune (or from-scratch) phase (default: 20 with pretrained weights, 60 from scratch)",
    )
    parser.add_argument(
        "--head-epochs",
        type=_args.head_epochs,
        default=20,
        help="epochs of the heads phase (cached features)",
    )
    parser.add_argument("--batch-size", type=_args.batch_size, default=16)
    parser.add_argument("--heads", type=_args.heads, default="loc", help="comma-separated: loc, grid, seg")
    parser.add_argument("--seed", type=_args.seed, default=0)
    parser.add_argument(
        "--lr",
        type=_args.learning_rate,
        default=None,
        help="(peak) learning rate: default 1e-3 with pretrained weights (fine-tuning uses a tenth), 2e-3 from scratch",
    )
    parser.add_argument(
        "--patience",
        type=_args.patience,
        default=None,
        help="stop after this many epochs without a better validation loss (default 5 with pretrained weights, "
        "10 from scratch; 0 stops at the first epoch that is not better; --epochs or more: no early stopping)",
    )
    parser.add_argument("--box-loss", default="giou", choices=BOX_LOSSES)
    parser.add_argument(
        "--lr-schedule",
        default="auto",
        choices=LR_SCHEDULES,
        help="cosine: warm-up then a cosine decay over the epochs (or --max-minutes); plateau: halve the rate "
        "when the validation loss stalls; auto: cosine from scratch, plateau with pretrained weights",
    )
    parser.add_argument("--recursive", action="store_true", help="also the images in sub-folders of DATA")
    parser.add_argument("--val-fraction", type=_args.val_fraction, default=0.2)
    parser.add_argument("--no-augment", action="store_true", help="train on the images as they are")
    for action in parser._group_actions if hasattr(parser, "_group_actions") else parser._actions:
        if overrides and action.dest in overrides:
            action.default, action.help = overrides[action.dest]


def training_config(args: argparse.Namespace, *, out_path: str, **more):
    """A `models.training.TrainConfig` from the flags of `add_training_settings` (plus DATA and --save-dir);
    ``more``: further `TrainConfig` fields."""
    from models.training import TrainConfig

    weights = None if str(args.weights).lower() == "none" else args.weights
    return TrainConfig(
        data_dir=args.data,
        out_path=out_path,
        save_dir=args.save_dir,
        recursive=args.recursive,
        backbone=args.backbone,
        weights=weights,
        image_size=args.image_size,
        width=args.width,
        epochs=args.epochs,
        head_epochs=args.head_epochs,
        batch_size=args.batch_size,
        heads=tuple(h.strip() for h in args.heads.split(",") if h.strip()),
        seed=args.seed,
        learning_rate=args.lr,
        patience=args.patience,
        box_loss=args.box_loss,
        lr_schedule=args.lr_schedule,
        val_fraction=args.val_fraction,
        augment=not args.no_augment,
        **more,
    )


def _refuse_existing_out(args: argparse.Namespace) -> str | None:
    """The one-line refusal when --out names an existing file and --overwrite is not given, else None."""
    import os

    if os.path.lexists(args.out) and not getattr(args, "overwrite", False):
        return f"error: {args.out} exists; pass --overwrite to replace it, or choose another --out"
    return None


def run(args: argparse.Namespace) -> int:
    import os
    import threading

    refusal = _refuse_existing_out(args)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from models.backbones.weights import WeightsError
    from models.training import TrainError, train
    from models.training.progress import ConsoleProgress

    config = training_config(
        args,
        out_path=args.out,
        verified_only=args.verified_only,
        strategy=args.strategy,
        max_minutes=args.max_minutes,
    )
    cancel = threading.Event()
    progress = None if args.quiet else ConsoleProgress()
    try:
        result = train(config, progress=progress, cancel=cancel)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (TrainError, WeightsError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = {
        "model": result.model_path,
        "stopped": result.stopped,
        "elapsed_s": round(result.elapsed_s, 1),
        "classes": result.class_names,
        "problems": len(result.problems),
        "n_train": result.n_train,
        "n_val": result.n_val,
        **{k: round(v, 4) for k, v in result.metrics.items()},
    }
    if args.json:
        print(json.dumps(summary))
    else:
        figures = ", ".join(f"{k} {v:.3f}" for k, v in result.metrics.items() if k.startswith("val_"))
        print(
            f"{result.stopped}: model {result.model_path} ({figures}) in {result.elapsed_s:.0f} s; "
            f"{result.n_train} training + {result.n_val} validation images, "
            f"{len(result.class_names)} class{'es' if len(result.class_names) != 1 else ''}"
        )
    return 0 if result.model_path else 1
