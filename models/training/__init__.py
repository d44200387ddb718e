"""Training: a VOC folder in, the best `.keras` model out, with progress events and cancel.

Phases (the classic fine-tuning recipe):
- pretrained backbone (``weights`` not None): ``features`` (the frozen backbone's taps computed once for the
  train and val images, plus their mirror images) -> ``heads`` (the heads sub-model trained on the cached
  features: seconds per epoch) -> ``fine_tune`` (the top of the backbone unfrozen at a tenth of the learning
  rate, every BatchNormalization kept frozen, augmented images through tf.data);
- from scratch (``weights`` None): one ``full`` phase, everything trainable, augmented images.
The best model by validation loss (training loss without a validation split) is written atomically after
each improving epoch; early stopping, a NaN guard, a time budget and cancel (within one batch) all keep it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from annotator.core.model_facts import default_input_size, default_width, from_scratch
from annotator.core.worker_messages import LR_SCHEDULES, ProgressEvent, TrainRequest
from models import backbones, data
from models.builder import build_model, get_head, head_contexts, parse_heads
from models.modelfile import ModelInfo, save_model
from models.training.callbacks import BestKeeper, StopTraining
from models.training.phases import PhaseRunner
from models.training.strategy import is_chief, make_strategy


class TrainError(ValueError):
    """Training cannot start (no usable images, bad settings); the message says what to fix."""


@dataclass
class TrainConfig:
    """Settings of one training run (the CLI flags of ``flower-annotator train``).

    Attributes:
        data_dir: the image folder. out_path: the model file to write (``.keras``).
        save_dir: the folder the annotations were saved to (``--save-dir`` of the window and the CLI: sub-folders
            mirrored), None for XML beside the images or a VOC root. recursive: also images in sub-folders.
        verified_only: train on the images marked verified only (the split files are then only read, never
            rewritten, so the dataset's split for all images is kept).
        backbone: ``xception`` | ``resnet34`` | ``mobilenetv2``. weights: ``"imagenet"``, None (from scratch)
            or a weights file. image_size: square input side (multiple of 32); None picks
            `annotator.core.model_facts.default_input_size`. width: the backbone's width multiplier
            (MobileNetV2's ``alpha``, one of `annotator.core.model_facts.WIDTHS`); None picks
            `annotator.core.model_facts.default_width`.
        epochs: epochs of the ``fine_tune`` / ``full`` phase; None picks `default_epochs` (20 fine-tuning a
            pretrained backbone, 60 from scratch). head_epochs: epochs of the ``heads`` phase.
        batch_size, heads, seed: as named; the seed fixes the split, the initial weights, shuffling and
            augmentation. strategy: ``default`` | ``mirrored`` | ``multi-worker``.
        learning_rate: Adam's (peak) rate for the heads / full phase; fine-tuning uses ``fine_tune_lr_factor`` x
            it. None: 1e-3 with pretrained weights, 2e-3 from scratch (after a warm-up, under a cosine decay).
        val_fraction: share of images kept for validation (the split file is reused once written).
        patience: early stopping patience in epochs (per phase); None: 5 with pretrained weights, 10 from
            scratch (the validation loss wanders more while the rate is still high).
        box_loss: ``giou`` (GIoU + L1) or ``mse`` (classic, loss weights 0.8/0.2).
        lr_schedule: ``auto`` (cosine from scratch, plateau otherwise), ``cosine`` or ``plateau``; see
            `models.training.phases.lr_schedule`.
        augment: augment training images in the fine_tune/full phases. mirror_features: also cache the
            mirrored images' features for the heads phase.
        class_names: the classes (None: those present in the images this run reads, train and validation
            split, in natural order: `models.data.discover_classes`; saved in the model file).
            head_options: per-head options.
        fine_tune_from: backbone layer where unfreezing starts (None: `backbones.FINE_TUNE_FROM`).
        max_minutes: wall-clock budget for the whole run, None for none.
        fixed_split: ``(train ids, val ids)`` chosen by the caller (the K-fold mistake finder trains each fold
            on the other folds): no split file is read or written, and images in neither list are not loaded.
            None: the dataset's split (``ImageSets/Main``, written on first use).
    """

    data_dir: str
    out_path: str
    save_dir: str | None = None
    recursive: bool = False
    verified_only: bool = False
    backbone: str = "xception"
    weights: str | None = "imagenet"
    image_size: int | None = None
    width: float | None = None
    epochs: int | None = None
    head_epochs: int = 20
    batch_size: int = 16
    heads: tuple[str, ...] = ("loc",)
    seed: int = 0
    strategy: str = "default"
    learning_rate: float | None = None
    fine_tune_lr_factor: float = 0.1
    val_fraction: float = 0.2
    patience: int | None = None
    box_loss: str = "giou"
    lr_schedule: str = "auto"
    augment: bool = True
    mirror_features: bool = True
    class_names: list[str] | None = None
    head_options: dict[str, dict] = field(default_factory=dict)
    fine_tune_from: str | None = None
    max_minutes: float | None = None
    fixed_split: tuple[list[str], list[str]] | None = None


@dataclass
class TrainResult:
    """What a run produced.

    Attributes:
        model_path: the best model file, or None when no epoch finished before a stop.
        metrics: the best epoch's figures (``val_box_iou``, ``val_cls_accuracy``, ...).
        history: per phase, the list of epoch logs.
        stopped: ``finished``, ``early stop`` (set when every phase stopped early), ``cancelled``, ``nan`` or
            ``time budget``.
        problems: data problems, as text.
        class_names: the model's classes.
        elapsed_s: wall-clock seconds.
        n_train, n_val: the images trained and validated on (after skipping unusable ones).
    """

    model_path: str | None
    metrics: dict[str, float]
    history: dict[str, list[dict]]
    stopped: str
    problems: list[str]
    class_names: list[str]
    elapsed_s: float
    n_train: int = 0
    n_val: int = 0


def _emit_to(progress: Callable[[ProgressEvent], None] | None) -> Callable[[ProgressEvent], None]:
    return progress if progress is not None else (lambda event: None)


def default_epochs(weights: str | None) -> int:
    """20 epochs to fine-tune a pretrained backbone; 60 from scratch (about 14 minutes for 1,000 images at
    128 px on a 2-core CPU, the length the cosine schedule was tuned for)."""
    return 60 if from_scratch(weights) else 20


def resolve_defaults(config: TrainConfig) -> TrainConfig:
    """``config`` with every None setting replaced by its default for pretrained or from-scratch training
    (input size, epochs, learning rate, patience)."""
    scratch = from_scratch(config.weights)
    chosen = {
        "image_size": default_input_size(config.backbone, config.weights),
        "width": default_width(config.backbone, config.weights),
        "epochs": default_epochs(config.weights),
        "learning_rate": 2e-3 if scratch else 1e-3,
        "patience": 10 if scratch else 5,
    }
    return dataclasses.replace(config, **{k: v for k, v in chosen.items() if getattr(config, k) is None})


def _phases(weights: str | None) -> list[str]:
    return ["full"] if from_scratch(weights) else ["heads", "fine_tune"]


def train(
    config: TrainConfig,
    progress: Callable[[ProgressEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> TrainResult:
    """Train a model on ``config.data_dir`` and write the best one to ``config.out_path``.

    Raises:
        TrainError: no labelled images, or settings that cannot work (the message names the fix).
        models.backbones.weights.WeightsError: ``--weights imagenet`` offline without the cached file.
    """
    t0 = time.monotonic()
    config = resolve_defaults(config)
    emit = _emit_to(progress)
    deadline = t0 + config.max_minutes * 60 if config.max_minutes else None
    out_path = Path(config.out_path)
    if out_path.suffix != ".keras":
        raise TrainError(f"the model file must end with .keras, got {str(out_path)!r}")
    if config.lr_schedule not in LR_SCHEDULES:
        raise TrainError(
            f"unknown learning-rate schedule {config.lr_schedule!r}; choose one of {', '.join(LR_SCHEDULES)}"
        )
    heads = parse_heads(config.heads)
    try:
        backbones.check_backbone_args(config.backbone, config.image_size, config.width)
    except ValueError as exc:
        raise TrainError(str(exc)) from exc
    keras.utils.set_random_seed(config.seed)

    train_set, val_set, problems = _load(config, heads, emit, cancel)
    if cancel is not None and cancel.is_set():
        emit(
            ProgressEvent("done", "loading", message="cancelled while reading the dataset; no model written")
        )
        return TrainResult(
            None,
            {},
            {},
            "cancelled",
            [str(p) for p in problems],
            train_set.class_names,
            time.monotonic() - t0,
            len(train_set),
            len(val_set),
        )
    class_names = train_set.class_names
    options = {h: dict(config.head_options.get(h, {})) for h in heads}
    options.setdefault("loc", {}).setdefault("box_loss", config.box_loss)
    ctxs = head_contexts(
        class_names, heads, backbone=config.backbone, image_size=config.image_size, head_options=options
    )
    fitted: dict[str, dict] = {}
    for h in heads:
        prepare = get_head(h).prepare
        if prepare is not None:
            fitted[h] = dict(prepare(train_set, ctxs[h]) or {})
            options[h].update(fitted[h])
    ctxs = head_contexts(
        class_names, heads, backbone=config.backbone, image_size=config.image_size, head_options=options
    )

    strategy = make_strategy(config.strategy)
    with strategy.scope():
        model = build_model(
            class_names,
            backbone=config.backbone,
            weights=config.weights,
            image_size=config.image_size,
            heads=heads,
            head_options=options,
            width=config.width,
        )
    if from_scratch(config.weights):
        # From scratch the moving statistics must follow quickly, or validation lags far behind training.
        for layer in model._flatten_layers(include_self=False, recursive=True):
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.momentum = min(layer.momentum, 0.9)

    info = ModelInfo(
        class_names=list(class_names),
        image_size=config.image_size,
        backbone=config.backbone,
        width=float(config.width),
        heads=list(heads),
        head_options={h: _jsonable(v) for h, v in options.items()},
        anchors=_jsonable(options.get("grid", {}).get("anchors")),
        train={**_settings_record(config), "n_train": len(train_set), "n_val": len(val_set)},
    )
    monitor = "val_loss" if len(val_set) else "loss"
    metrics_box: dict[str, float] = {}

    chief = is_chief(strategy)

    def save(logs: dict) -> None:
        info.metrics = dict(logs)
        metrics_box.clear()
        metrics_box.update(logs)
        if chief:  # in a multi-worker cluster only the chief writes the model file
            save_model(model, out_path, info)

    keeper = BestKeeper(model, monitor, save)
    stopped = "finished"
    run = PhaseRunner(config, model, heads, ctxs, strategy, emit, cancel, deadline, keeper, monitor)
    history = run.history
    for phase in _phases(config.weights):
        try:
            if phase == "heads":
                run.heads_phase(train_set, val_set)
            else:
                run.image_phase(phase, train_set, val_set)
        except StopTraining as stop:
            stopped = stop.reason
            emit(ProgressEvent("log", phase, message=f"training stopped: {stop.reason}"))
            break
        finally:
            keeper.restore()
    model_path = str(out_path) if keeper.saved and chief else None
    if stopped == "finished" and run.early_stops == len(history) and history:
        stopped = "early stop"
    elapsed = time.monotonic() - t0
    emit(
        ProgressEvent(
            "done",
            message=f"{stopped}; best {monitor} {keeper.best:.4f}; model {model_path}",
            metrics=dict(metrics_box),
        )
    )
    return TrainResult(
        model_path,
        dict(metrics_box),
        history,
        stopped,
        [str(p) for p in problems],
        list(class_names),
        elapsed,
        len(train_set),
        len(val_set),
    )


def _load(config: TrainConfig, heads, emit, cancel) -> tuple[data.SampleSet, data.SampleSet, list]:
    emit(ProgressEvent("phase", "loading", message=f"reading {config.data_dir}"))
    root = Path(config.data_dir)
    if not root.is_dir():
        raise TrainError(f"dataset folder not found: {root}")
    listing = data.labelled_images(
        root, config.save_dir, recursive=config.recursive, verified_only=config.verified_only
    )
    where = f"{root}" + (f" with annotations in {config.save_dir}" if config.save_dir else "")
    if not listing and config.verified_only:
        raise TrainError(
            f"no verified image in {where}: mark images verified (Space) or train on all labelled"
        )
    if not listing:
        raise TrainError(
            f"no labelled images in {where} (an image needs its VOC .xml beside it, or in the folder given "
            "with --save-dir)"
        )
    emit(
        ProgressEvent(
            "log",
            "loading",
            message=f"found {len(listing)} labelled images in {where}"
            + (" (verified only)" if config.verified_only else ""),
        )
    )
    ids = [i for i, _, _ in listing]
    if config.fixed_split is not None:
        listed = set(ids)
        train_ids = [i for i in config.fixed_split[0] if i in listed]
        val_ids = [i for i in config.fixed_split[1] if i in listed]
    else:
        try:
            train_ids, val_ids = data.split_ids(
                root, ids, val_fraction=config.val_fraction, seed=config.seed, write=not config.verified_only
            )
        except (
            OSError
        ) as exc:  # a read-only dataset (a shared folder, a DVD): train without remembering the split
            train_ids, val_ids = data.split_ids(
                root, ids, val_fraction=config.val_fraction, seed=config.seed, write=False
            )
            emit(
                ProgressEvent(
                    "log",
                    "loading",
                    message=f"cannot write the split files into {root / 'ImageSets' / 'Main'} "
                    f"({exc.strerror or exc}); this run's split (seed {config.seed}) is not remembered",
                )
            )

    def tick(done: int, total: int) -> None:
        emit(ProgressEvent("batch", "loading", batch=done, batches=total))

    mask_source = next((spec.mask_source for spec in map(get_head, heads) if spec.mask_source), None)
    everything = data.load_samples(
        root,
        config.class_names,
        image_size=config.image_size,
        ids=list(train_ids) + list(val_ids),
        save_dir=config.save_dir,
        recursive=config.recursive,
        mask_source=mask_source(root) if mask_source else None,
        progress=tick,
        cancel=cancel,
    )
    for problem in everything.problems:
        emit(ProgressEvent("log", "loading", message=str(problem)))
    if cancel is not None and cancel.is_set():
        return everything, everything.subset([]), everything.problems
    index = {image_id: i for i, image_id in enumerate(everything.ids)}
    train_set = everything.subset([index[i] for i in train_ids if i in index])
    val_set = everything.subset([index[i] for i in val_ids if i in index])
    if len(train_set) == 0:
        raise TrainError(
            f"no usable training images in {root}: " + "; ".join(map(str, everything.problems[:5]))
        )
    if not everything.class_names:
        raise TrainError(f"no classes found in {root}")
    emit(
        ProgressEvent(
            "log",
            "loading",
            message=f"{len(train_set)} train / {len(val_set)} val images, "
            f"{len(everything.class_names)} class{'es' if len(everything.class_names) != 1 else ''} "
            f"{', '.join(everything.class_names)}, "
            f"{len(everything.problems)} problems",
        )
    )
    trained = {int(c) for classes in train_set.classes for c in classes}
    val_only = [name for k, name in enumerate(everything.class_names) if k not in trained]
    if val_only:
        emit(
            ProgressEvent(
                "log",
                "loading",
                message=f"no training image has {', '.join(val_only)} (only validation images do): the model "
                "keeps a class for each but cannot learn it until a training image is labelled with it",
            )
        )
    return train_set, val_set, everything.problems


def _settings_record(config: TrainConfig) -> dict:
    """The settings as the model file records them: a caller's fixed split as its two sizes, not every id."""
    record = _jsonable(dataclasses.asdict(config))
    if config.fixed_split is not None:
        record["fixed_split"] = {"n_train": len(config.fixed_split[0]), "n_val": len(config.fixed_split[1])}
    return record


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


NOT_IN_REQUESTS = ("verified_only", "fixed_split")
"""`TrainConfig` fields a `TrainRequest` does not carry as such: ``verified_only`` is its ``images``;
``fixed_split`` belongs to the K-fold mistake finder (`models.out_of_sample`), which the window never asks for."""


def config_from_request(request: TrainRequest) -> TrainConfig:
    """The `TrainConfig` of a window's `annotator.core.worker_messages.TrainRequest` (already checked field by
    field when it was built or decoded): every setting carried over, ``images`` as ``verified_only``."""
    values = {
        f.name: getattr(request, f.name)
        for f in dataclasses.fields(TrainConfig)
        if f.name not in NOT_IN_REQUESTS
    }
    values["heads"] = tuple(request.heads)
    values["class_names"] = None if request.class_names is None else list(request.class_names)
    values["head_options"] = {h: dict(o) for h, o in request.head_options.items()}
    return TrainConfig(**values, verified_only=request.verified_only)


__all__: Sequence[str] = ["TrainConfig", "TrainResult", "TrainError", "train", "config_from_request"]
