"""Argument types of the model commands (train, evaluate, predict, classify).

A bad value is one line naming the option and the value, exit 2, before any TensorFlow import. The number
types are `annotator.core.cli_args` (plain argparse, shared with the annotator commands); the ones here know models.
"""

from __future__ import annotations

import argparse

from annotator.core.cli_args import float_range, int_range
from annotator.core.worker_messages import HEAD_NAMES

unit = float_range(0.0, 1.0)
"""A threshold or IoU: 0..1."""
batch_size = int_range(1, 4096)
epochs = int_range(1, 100_000)
head_epochs = int_range(0, 100_000)
patience = int_range(0, 100_000)
seed = int_range(0, 2**32 - 1)
image_size = int_range(32, 4096)
top = int_range(1, 1000)
width = float_range(0.0, 4.0, lo_open=True)
learning_rate = float_range(0.0, 10.0, lo_open=True)
val_fraction = float_range(0.0, 1.0, hi_open=True)
minutes = float_range(0.0, 525_600.0, lo_open=True)
"""Wall-clock minutes: more than 0, at most a year."""


def heads(text: str) -> str:
    """A comma-separated list of head names (``loc,grid``)."""
    names = [h.strip() for h in text.split(",") if h.strip()]
    unknown = [h for h in names if h not in HEAD_NAMES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"expected heads from {', '.join(HEAD_NAMES)}, got {text!r}")
    return ",".join(names)


def add_save_dir(parser: argparse.ArgumentParser, also: str = "") -> None:
    """``--save-dir DIR``: where the annotations are, as the window's ``--save-dir`` (``also``: more help)."""
    parser.add_argument(
        "--save-dir",
        metavar="DIR",
        default=None,
        help="the annotations' save folder (LabelImg's Change Save Dir; sub-folders mirrored), as in the window"
        + (f"; {also}" if also else ""),
    )
