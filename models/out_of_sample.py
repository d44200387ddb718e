"""Out-of-sample predictions for every labelled image by K-fold training (the mistake finder's input).

The labelled images are dealt into K folds (a seeded shuffle, sizes differing by at most one). For each fold a
model is trained from the user's training settings on the other K-1 folds (a share of them held out for the
best-epoch choice, the rest trained on) and predicts the fold's images, so every image is predicted by a model
that never saw its labels. A wall-clock budget is shared between the folds: each fold gets the time left divided
by the folds left, less what predicting its images is expected to take. The dataset's own split files are
neither read nor written (`models.training.TrainConfig.fixed_split`); fold models live in a temporary folder.

A fold that fails (no epoch finished in its budget, unreadable data, an error in TensorFlow) is reported in its
`FoldResult` and the other folds go on; its images simply have no predictions.
"""

from __future__ import annotations

import dataclasses
import math
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.evaluation import ImageResult
from annotator.core.natsort import natural_key
from annotator.core.worker_messages import ProgressEvent
from models import data
from models.backbones.weights import WeightsError
from models.training import TrainConfig, TrainError, train

MIN_FOLDS = 2
PREDICT_RESERVE = 0.08
"""Share of a fold's time kept for predicting its images before anything was measured."""
FOLD_FIGURES = ("accuracy", "mean_iou", "map50")
"""The held-out figures `evaluate` gives that a fold line shows (those its heads compute)."""


@dataclass
class FoldResult:
    """What became of one fold.

    Attributes:
        index: 1-based fold number. n_held_out: its images. n_train, n_val: images the fold's model trained on
            and chose its best epoch with (both from the other folds). n_predicted: held-out images predicted.
        stopped: how training ended (``finished``, ``early stop``, ``time budget``, ``cancelled``), or
            ``failed``. epochs: epochs trained. budget_s: the training time it was given (None: no budget).
        elapsed_s: training plus prediction time. figures: the model's figures on its held-out images
            (``accuracy``, ``mean_iou``, ``map50`` where its heads compute them). error: why it failed, or None.
    """

    index: int
    n_held_out: int
    n_train: int = 0
    n_val: int = 0
    n_predicted: int = 0
    stopped: str = ""
    epochs: int = 0
    budget_s: float | None = None
    elapsed_s: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass
class OutOfSample:
    """Every predicted image with its ground truth (xyxy image pixels) and the story of each fold."""

    images: list[ImageResult]
    class_names: list[str]
    folds: list[FoldResult]
    n_labelled: int
    problems: list[str] = field(default_factory=list)


def fold_ids(ids: Sequence[str], folds: int, seed: int = 0) -> list[list[str]]:
    """Deal ``ids`` into ``folds`` groups: natural order, a ``random.Random(seed)`` shuffle, then round robin,
    so the same ids and seed give the same folds whatever order the ids came in. Each group is naturally sorted.

    Raises:
        ValueError: fewer than two folds, or fewer ids than folds.
    """
    unique = sorted(dict.fromkeys(ids), key=natural_key)
    if folds < MIN_FOLDS:
        raise ValueError(f"folds must be at least {MIN_FOLDS}, got {folds!r}")
    if len(unique) < folds:
        raise ValueError(f"{folds} folds need at least {folds} labelled images, found {len(unique)}")
    random.Random(seed).shuffle(unique)
    groups = [unique[k::folds] for k in range(folds)]
    return [sorted(g, key=natural_key) for g in groups]


def _train_val(rest: list[str], val_fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """The other folds' images split into training and best-epoch choice (at least one image left to train)."""
    shuffled = list(rest)
    random.Random(seed + 1).shuffle(shuffled)
    n_val = min(len(shuffled) - 1, round(len(shuffled) * val_fraction)) if val_fraction > 0 else 0
    val = sorted(shuffled[:n_val], key=natural_key)
    return sorted(shuffled[n_val:], key=natural_key), val


def dataset_class_names(config: TrainConfig, listing) -> tuple[list[str], list[str]]:
    """The classes every fold model is built with (the whole dataset's, so indices agree across folds) and the
    annotations that could not be read."""
    if config.class_names:
        return list(config.class_names), []
    annotations, problems = [], []
    for _, image_path, annotation_path in listing:
        try:
            annotations.append(data.read_labels(image_path, annotation_path))
        except (ValueError, OSError) as exc:
            problems.append(f"{annotation_path}: {exc}")
    return data.discover_classes(annotations), problems


def kfold_predictions(
    config: TrainConfig,
    *,
    folds: int = 4,
    minutes: float | None = None,
    batch_size: int = 16,
    say: Callable[[str], None] = lambda line: None,
    progress: Callable[[ProgressEvent], None] | None = None,
    cancel: threading.Event | None = None,
    work_dir: str | Path | None = None,
) -> OutOfSample:
    """Predict every labelled image of ``config.data_dir`` with a model trained on the other folds.

    Args:
        config: the training settings of every fold model (``out_path``, ``max_minutes`` and ``fixed_split``
            are set per fold; ``val_fraction`` is the share of the other folds kept for the best-epoch choice).
        folds: K, at least 2.
        minutes: wall-clock budget for all folds together (training and prediction), None for none.
        batch_size: images per forward pass when predicting.
        say: receives one line per fold start and end (what the CLI prints).
        progress: training progress events of the fold being trained.
        cancel: stops the fold being trained within a batch and skips the rest.
        work_dir: where fold models are written (a temporary folder, removed afterwards, when None).

    Returns:
        An `OutOfSample`: per predicted image the labelled boxes and every detection scoring at least
        `models.evaluate.STORE_SCORE_THRESHOLD` (xyxy image pixels), the class names, and one `FoldResult` per fold.

    Raises:
        ValueError: no labelled images, fewer images than folds, or no classes.
        models.training.TrainError, models.backbones.weights.WeightsError: the first fold cannot train with
            these settings (the others could not either).
    """
    from models.evaluate import evaluate_detailed

    root = Path(config.data_dir)
    if not root.is_dir():
        raise ValueError(f"dataset folder not found: {root}")
    listing = data.labelled_images(root, config.save_dir, recursive=config.recursive)
    if not listing:
        where = f"{root}" + (f" with annotations in {config.save_dir}" if config.save_dir else "")
        raise ValueError(f"no labelled images in {where}")
    groups = fold_ids([i for i, _, _ in listing], folds, config.seed)
    class_names, problems = dataset_class_names(config, listing)
    if not class_names:
        raise ValueError(f"no labelled boxes in {root}: nothing to check")
    t0 = time.monotonic()
    deadline = t0 + minutes * 60.0 if minutes else None
    predict_s: float | None = None
    results: list[FoldResult] = []
    images: list[ImageResult] = []
    with tempfile.TemporaryDirectory(prefix="flower-folds-", dir=work_dir) as tmp:
        for k, held in enumerate(groups):
            fold = FoldResult(index=k + 1, n_held_out=len(held))
            results.append(fold)
            if cancel is not None and cancel.is_set():
                fold.stopped, fold.error = "failed", "cancelled before it started"
                continue
            rest = [i for j, g in enumerate(groups) if j != k for i in g]
            train_ids, val_ids = _train_val(rest, config.val_fraction, config.seed + k)
            fold.n_train, fold.n_val = len(train_ids), len(val_ids)
            if deadline is not None:
                share = (deadline - time.monotonic()) / (len(groups) - k)
                reserve = predict_s * len(held) if predict_s is not None else PREDICT_RESERVE * share
                fold.budget_s = share - reserve
            budget = "" if fold.budget_s is None else f"; {max(fold.budget_s, 0) / 60:.1f} min to train"
            say(
                f"fold {k + 1}/{len(groups)}: training on {len(train_ids)} images (+{len(val_ids)} to choose "
                f"the best epoch), predicting {len(held)}{budget}"
            )
            started = time.monotonic()
            try:
                if fold.budget_s is not None and fold.budget_s <= 1.0:
                    raise RuntimeError("no time left in the budget (give more --minutes or fewer --folds)")
                fold_config = dataclasses.replace(
                    config,
                    out_path=str(Path(tmp) / f"fold{k + 1}.keras"),
                    fixed_split=(train_ids, val_ids),
                    class_names=class_names,
                    max_minutes=None if fold.budget_s is None else fold.budget_s / 60.0,
                )
                trained = train(fold_config, progress=progress, cancel=cancel)
                fold.stopped = trained.stopped
                fold.epochs = sum(len(h) for h in trained.history.values())
                if not trained.model_path:
                    raise RuntimeError(
                        "cancelled before the first epoch ended"
                        if trained.stopped == "cancelled"
                        else f"no epoch finished ({trained.stopped}); give it more --minutes or fewer --folds"
                    )
                predicting = time.monotonic()
                figures, found = evaluate_detailed(
                    trained.model_path,
                    root,
                    ids=held,
                    batch_size=batch_size,
                    save_dir=config.save_dir,
                    keep_empty=True,
                )
                predict_s = (time.monotonic() - predicting) / max(1, len(held))
                images.extend(found.images)
                fold.n_predicted = len(found.images)
                fold.figures = {
                    key: float(figures[key])
                    for key in FOLD_FIGURES
                    if isinstance(figures.get(key), (int, float)) and math.isfinite(figures[key])
                }
            except (TrainError, WeightsError):
                if k == 0:  # settings or data every fold shares: the same for the folds left, so stop now
                    raise
                fold.stopped = "failed"
                fold.error = _one_line(sys.exc_info()[1])
            except Exception as exc:  # noqa: BLE001 - a failed fold is reported; the other folds go on
                fold.stopped = "failed"
                fold.error = _one_line(exc)
            finally:
                fold.elapsed_s = time.monotonic() - started
                _release_graph_memory()
            say(fold_line(fold, len(groups)))
    return OutOfSample(images, class_names, results, len(listing), problems)


def fold_line(fold: FoldResult, folds: int) -> str:
    """One line on how a fold ended: ``fold 2/4: time budget after 14 epochs in 3.9 min; 50 images predicted
    (accuracy 0.86, mAP@0.5 0.61)`` or ``fold 3/4 FAILED: ...; its 50 images have no predictions``."""
    if fold.failed:
        return (
            f"fold {fold.index}/{folds} FAILED after {fold.elapsed_s / 60:.1f} min: {fold.error}; "
            f"its {fold.n_held_out} images have no predictions"
        )
    names = {"accuracy": "accuracy", "mean_iou": "mean IoU", "map50": "mAP@0.5"}
    shown = ", ".join(f"{names[k]} {v:.2f}" for k, v in fold.figures.items())
    return (
        f"fold {fold.index}/{folds}: {fold.stopped} after {fold.epochs} epochs in {fold.elapsed_s / 60:.1f} min; "
        f"{fold.n_predicted} held-out images predicted" + (f" ({shown})" if shown else "")
    )


def _one_line(exc: BaseException | None) -> str:
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _release_graph_memory() -> None:
    """Drop the finished fold's Keras graph state, so K folds cost the memory of one."""
    import keras

    keras.backend.clear_session()
