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
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from models import backbones, data, pipeline
from models.builder import build_model, compile_args, get_head, head_contexts, head_strides, parse_heads
from models.callbacks import BestKeeper, ProgressAndGuards, StopTraining
from models.modelfile import ModelInfo, save_model
from models.progress import ProgressEvent
from models.strategy import is_chief, make_strategy


class TrainError(ValueError):
    """Training cannot start (no usable images, bad settings); the message says what to fix."""


@dataclass
class TrainConfig:
    """Settings of one training run (the CLI flags of ``flower-annotator train``).

    Attributes:
        data_dir: the VOC folder. out_path: the model file to write (``.keras``).
        backbone: ``xception`` | ``resnet34`` | ``mobilenetv2``. weights: ``"imagenet"``, None (from scratch)
            or a weights file. image_size: square input side (multiple of 32); None picks
            `default_image_size` (224 with pretrained weights, 128 from scratch: 3x faster per epoch on a CPU).
        epochs: epochs of the ``fine_tune`` / ``full`` phase. head_epochs: epochs of the ``heads`` phase.
        batch_size, heads, seed: as named; the seed fixes the split, the initial weights, shuffling and
            augmentation. strategy: ``default`` | ``mirrored`` | ``multi-worker``.
        learning_rate: Adam's rate for the heads / full phase; fine-tuning uses ``fine_tune_lr_factor`` x it.
        val_fraction: share of images kept for validation (the split file is reused once written).
        patience: early stopping patience in epochs (per phase).
        box_loss: ``giou`` (GIoU + L1) or ``mse`` (classic, loss weights 0.8/0.2).
        augment: augment training images in the fine_tune/full phases. mirror_features: also cache the
            mirrored images' features for the heads phase.
        class_names: the classes (None: those found in the data). head_options: per-head options.
        fine_tune_from: backbone layer where unfreezing starts (None: `backbones.FINE_TUNE_FROM`).
        max_minutes: wall-clock budget for the whole run, None for none.
    """

    data_dir: str
    out_path: str
    backbone: str = "xception"
    weights: str | None = "imagenet"
    image_size: int | None = None
    epochs: int = 20
    head_epochs: int = 20
    batch_size: int = 16
    heads: tuple[str, ...] = ("loc",)
    seed: int = 0
    strategy: str = "default"
    learning_rate: float = 1e-3
    fine_tune_lr_factor: float = 0.1
    val_fraction: float = 0.2
    patience: int = 5
    box_loss: str = "giou"
    augment: bool = True
    mirror_features: bool = True
    class_names: list[str] | None = None
    head_options: dict[str, dict] = field(default_factory=dict)
    fine_tune_from: str | None = None
    max_minutes: float | None = None


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
    """

    model_path: str | None
    metrics: dict[str, float]
    history: dict[str, list[dict]]
    stopped: str
    problems: list[str]
    class_names: list[str]
    elapsed_s: float


def _emit_to(progress: Callable[[ProgressEvent], None] | None) -> Callable[[ProgressEvent], None]:
    return progress if progress is not None else (lambda event: None)


def default_image_size(weights: str | None) -> int:
    """224 px with pretrained weights (what they were trained at), 128 px from scratch (fast on a CPU)."""
    return 128 if weights is None or str(weights).lower() == "none" else 224


def _phases(weights: str | None) -> list[str]:
    return ["full"] if weights is None or str(weights).lower() == "none" else ["heads", "fine_tune"]


def train(
    config: TrainConfig,
    progress: Callable[[ProgressEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> TrainResult:
    """Train a model on ``config.data_dir`` and write the best one to ``config.out_path``.

    Raises:
        TrainError: no labelled images, or settings that cannot work (the message names the fix).
        models.weights.WeightsError: ``--weights imagenet`` offline without the cached file.
    """
    t0 = time.monotonic()
    if config.image_size is None:
        config = dataclasses.replace(config, image_size=default_image_size(config.weights))
    emit = _emit_to(progress)
    deadline = t0 + config.max_minutes * 60 if config.max_minutes else None
    out_path = Path(config.out_path)
    if out_path.suffix != ".keras":
        raise TrainError(f"the model file must end with .keras, got {str(out_path)!r}")
    heads = parse_heads(config.heads)
    backbones.check_backbone_args(config.backbone, config.image_size)
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
        )
    if config.weights is None or str(config.weights).lower() == "none":
        # From scratch the moving statistics must follow quickly, or validation lags far behind training.
        for layer in model._flatten_layers(include_self=False, recursive=True):
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.momentum = min(layer.momentum, 0.9)

    info = ModelInfo(
        class_names=list(class_names),
        image_size=config.image_size,
        backbone=config.backbone,
        heads=list(heads),
        head_options={h: _jsonable(v) for h, v in options.items()},
        anchors=_jsonable(options.get("grid", {}).get("anchors")),
        train={**_jsonable(dataclasses.asdict(config)), "n_train": len(train_set), "n_val": len(val_set)},
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
    run = _Run(config, model, heads, ctxs, strategy, emit, cancel, deadline, keeper, monitor)
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
    )


def _load(config: TrainConfig, heads, emit, cancel) -> tuple[data.SampleSet, data.SampleSet, list]:
    emit(ProgressEvent("phase", "loading", message=f"reading {config.data_dir}"))
    root = Path(config.data_dir)
    if not root.is_dir():
        raise TrainError(f"dataset folder not found: {root}")
    listing = data.labelled_images(root)
    if not listing:
        raise TrainError(f"no labelled images in {root} (an image needs its VOC .xml beside it)")
    ids = [i for i, _, _ in listing]
    train_ids, val_ids = data.split_ids(root, ids, val_fraction=config.val_fraction, seed=config.seed)

    def tick(done: int, total: int) -> None:
        emit(ProgressEvent("batch", "loading", batch=done, batches=total))

    mask_source = next((spec.mask_source for spec in map(get_head, heads) if spec.mask_source), None)
    everything = data.load_samples(
        root,
        config.class_names,
        image_size=config.image_size,
        ids=list(train_ids) + list(val_ids),
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
            f"classes {', '.join(everything.class_names)}, {len(everything.problems)} problems",
        )
    )
    return train_set, val_set, everything.problems


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


class _Run:
    """The phases of one training run, sharing the model, the callbacks' state and the settings."""

    def __init__(self, config, model, heads, ctxs, strategy, emit, cancel, deadline, keeper, monitor):
        self.config = config
        self.model = model
        self.heads = heads
        self.ctxs = ctxs
        self.strategy = strategy
        self.emit = emit
        self.cancel = cancel
        self.deadline = deadline
        self.keeper = keeper
        self.monitor = monitor
        self.early_stops = 0
        self.history: dict[str, list[dict]] = {}
        self.backbone = model.get_layer("backbone")
        self.strides = head_strides(model)

    def _callbacks(self, phase: str, epochs: int, batches: int, target: keras.Model) -> list:
        early = keras.callbacks.EarlyStopping(monitor=self.monitor, patience=self.config.patience)
        self._early = early
        self.keeper.target = self.model
        plateau = keras.callbacks.ReduceLROnPlateau(
            monitor=self.monitor,
            factor=0.5,
            patience=max(1, self.config.patience // 2),
            min_lr=1e-6,
            verbose=0,
        )
        logs = self.history.setdefault(phase, [])
        record = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, values: logs.append({k: float(v) for k, v in (values or {}).items()})
        )
        return [
            record,
            ProgressAndGuards(self.emit, phase, epochs, batches, self.cancel, self.deadline),
            self.keeper,
            early,
            plateau,
        ]

    def _compile(self, target: keras.Model, lr: float) -> None:
        with self.strategy.scope():
            target.compile(optimizer=keras.optimizers.Adam(lr), **compile_args(self.heads, self.ctxs))

    def _fit(self, target, phase, epochs, train_ds, val_ds, batches) -> list[dict]:
        self.emit(
            ProgressEvent(
                "phase",
                phase,
                epochs=epochs,
                message=f"{epochs} epochs of {batches} batches, {self.model.count_params():,} "
                f"parameters, {sum(int(np.prod(w.shape)) for w in target.trainable_weights):,} trainable",
            )
        )
        target.fit(
            train_ds,
            validation_data=val_ds,
            epochs=epochs,
            verbose=0,
            shuffle=False,
            callbacks=self._callbacks(phase, epochs, batches, target),
        )
        if self._early.stopped_epoch > 0:
            self.early_stops += 1
        return self.history[phase]

    def heads_phase(self, train_set: data.SampleSet, val_set: data.SampleSet) -> list[dict]:
        backbones.set_fine_tune(self.backbone, trainable=False)
        x_train, y_train, w_train = self._cached(train_set, mirror=self.config.mirror_features)
        heads_net = self.model.get_layer("heads")
        self._compile(heads_net, self.config.learning_rate)
        replicas = self.strategy.num_replicas_in_sync
        bs = pipeline.replica_batch_size(self.config.batch_size, replicas)
        n_train = len(next(iter(w_train.values())))
        train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train, w_train))
        train_ds = pipeline.pad_for_replicas(train_ds, n_train, replicas)
        train_ds = train_ds.shuffle(n_train, seed=self.config.seed).batch(bs).prefetch(2)
        val_ds = None
        if len(val_set):
            x_val, y_val, w_val = self._cached(val_set, mirror=False)
            val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val, w_val))
            val_ds = pipeline.pad_for_replicas(val_ds, len(val_set), replicas).batch(bs)
        batches = math.ceil(n_train / bs)
        return self._fit(heads_net, "heads", self.config.head_epochs, train_ds, val_ds, batches)

    def _cached(self, samples: data.SampleSet, *, mirror: bool):
        """Backbone taps (float16) of every image (and its mirror image), with the matching targets."""
        self.emit(
            ProgressEvent(
                "phase",
                "features",
                message=f"computing backbone features of {len(samples)} "
                f"images{' and their mirror images' if mirror else ''}",
            )
        )
        copies = [False, True] if mirror else [False]
        feats: list[list[np.ndarray]] = [[] for _ in self.strides]
        bs = max(8, self.config.batch_size)
        total = math.ceil(len(samples) / bs) * len(copies)
        done = 0
        t0 = time.monotonic()
        for flipped in copies:
            for batch in pipeline.image_batches(samples, bs, flipped=flipped):
                outs = self.backbone(batch, training=False)
                for j, s in enumerate(self.strides):
                    feats[j].append(np.asarray(outs[backbones.STRIDES.index(s)]).astype(np.float16))
                done += 1
                eta = (time.monotonic() - t0) / done * (total - done)
                self.emit(ProgressEvent("batch", "features", batch=done, batches=total, eta_s=eta))
                if self.cancel is not None and self.cancel.is_set():
                    raise StopTraining("cancelled")
        x = tuple(np.concatenate(f) for f in feats)
        ys, ws = [], []
        for flipped in copies:
            y, w = pipeline.compute_targets(samples, self.heads, self.ctxs, flipped=flipped)
            ys.append(y)
            ws.append(w)
        y = {k: np.concatenate([d[k] for d in ys]) for k in ys[0]}
        w = {k: np.concatenate([d[k] for d in ws]) for k in ws[0]}
        return (x if len(x) > 1 else x[0]), y, w

    def image_phase(self, phase: str, train_set: data.SampleSet, val_set: data.SampleSet) -> list[dict]:
        if phase == "fine_tune":
            start = self.config.fine_tune_from or backbones.FINE_TUNE_FROM.get(self.config.backbone)
            backbones.set_fine_tune(self.backbone, trainable=True, from_layer=start)
            lr = self.config.learning_rate * self.config.fine_tune_lr_factor
            epochs = self.config.epochs
        else:
            self.backbone.trainable = True
            lr = self.config.learning_rate
            epochs = self.config.epochs
        self._compile(self.model, lr)
        bs = self.config.batch_size
        augment = pipeline.AugmentConfig() if self.config.augment else None
        replicas = self.strategy.num_replicas_in_sync
        train_ds = pipeline.make_dataset(
            train_set,
            self.heads,
            self.ctxs,
            batch_size=bs,
            training=True,
            seed=self.config.seed,
            augment_config=augment,
            replicas=replicas,
        )
        val_ds = None
        if len(val_set):
            val_ds = pipeline.make_dataset(
                val_set, self.heads, self.ctxs, batch_size=bs, training=False, replicas=replicas
            )
        batches = math.ceil(len(train_set) / pipeline.replica_batch_size(bs, replicas))
        return self._fit(self.model, phase, epochs, train_ds, val_ds, batches)


def config_from_dict(values: dict) -> TrainConfig:
    """A `TrainConfig` from a dict (unknown keys are an error that names them)."""
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise TrainError(f"unknown training settings: {', '.join(unknown)}")
    return TrainConfig(**values)


def default_out_path(data_dir: str | os.PathLike, backbone: str) -> str:
    return str(Path(data_dir) / f"model_{backbone}.keras")


__all__: Sequence[str] = ["TrainConfig", "TrainResult", "TrainError", "train", "config_from_dict"]
