"""The typed messages of a training run across the worker pipe: `TrainRequest` in, `ProgressEvent`s and one
`TrainOutcome` back. Plain Python, no Qt, no TensorFlow.

The window's Training dock builds a `TrainRequest`, the client sends ``request.to_message()``, and the worker
(`models.worker`) rebuilds the very same object with `TrainRequest.from_message` before turning it into
`models.training.TrainConfig`. Training reports `ProgressEvent`s; the worker sends ``event.to_message()`` and
the client hands the dock ``ProgressEvent.from_message(...)``. The run's end comes back as a `TrainOutcome`.
One encoder (``to_message``) and one decoder (``from_message``) per type, used by both sides.

Every type checks its fields on construction and raises `ValueError` quoting the value it got. A decoder
raises only `MessageError` (a `ProtocolError`), for any input: unknown fields, missing ones, wrong kinds.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.model_facts import BACKBONES, WIDTHS
from annotator.core.worker_protocol import ProtocolError

HEAD_NAMES = ("loc", "grid", "seg")
"""The heads a model can have: ``loc`` (one box + class), ``grid`` (YOLO-style boxes), ``seg`` (a mask)."""
IMAGE_CHOICES = ("all", "verified")
"""`TrainRequest.images`: every labelled image, or only those marked verified."""
STRATEGIES = ("default", "mirrored", "multi-worker")
BOX_LOSSES = ("giou", "mse")
LR_SCHEDULES = ("auto", "cosine", "plateau")
PROGRESS_KINDS = ("phase", "epoch", "batch", "log", "done")
RUN_STATUSES = ("finished", "early stop", "cancelled", "nan", "time budget", "failed")
"""How a run can end (`TrainOutcome.status`)."""
MAX_HEAD_OPTIONS_BYTES = 64 * 1024
MAX_TEXT = 100_000
"""The longest string field a message may hold (a path, a phase name, a log line)."""


class MessageError(ProtocolError):
    """A message on the worker pipe is not a valid `TrainRequest`, `ProgressEvent` or `TrainOutcome`."""


# ---------------------------------------------------------------- field checks (ValueError quoting the value)


def _where(owner: str, name: str) -> str:
    return f"{owner}.{name}"


def _is_int(value: Any) -> bool:
    """Python and numpy whole numbers, not booleans."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    """Python and numpy real numbers (numpy's float32 is no Python float), not booleans."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _text(owner: str, name: str, value: Any, *, empty: bool = False) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or (not empty and not value) or len(value) > MAX_TEXT:
        what = "a string" if empty else "a non-empty string"
        raise ValueError(f"{_where(owner, name)} must be {what}, got {value!r:.200}")
    return value


def _whole(owner: str, name: str, value: Any, lo: int, hi: int) -> int:
    if not _is_int(value) or not lo <= value <= hi:
        raise ValueError(
            f"{_where(owner, name)} must be a whole number from {lo} to {hi}, got {value!r:.200}"
        )
    return int(value)


def _real(owner: str, name: str, value: Any, lo: float, hi: float, *, lo_open: bool, hi_open: bool) -> float:
    ok = _is_number(value) and math.isfinite(value)
    if ok:
        ok = (lo < value if lo_open else lo <= value) and (value < hi if hi_open else value <= hi)
    if not ok:
        left, right = "(" if lo_open else "[", ")" if hi_open else "]"
        raise ValueError(
            f"{_where(owner, name)} must be a number in {left}{lo:g}, {hi:g}{right}, got {value!r:.200}"
        )
    return float(value)


def _choice(owner: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{_where(owner, name)} must be one of {', '.join(choices)}, got {value!r:.200}")
    return value


def _flag(owner: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{_where(owner, name)} must be true or false, got {value!r:.200}")
    return value


def _names(owner: str, name: str, value: Any, *, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"{_where(owner, name)} must be a non-empty list of names, got {value!r:.200}")
    for item in value:
        if not isinstance(item, str) or not item or len(item) > MAX_TEXT:
            raise ValueError(f"{_where(owner, name)} holds {item!r:.100}, which is not a name")
        if allowed is not None and item not in allowed:
            raise ValueError(
                f"{_where(owner, name)} holds {item!r:.100}; the choices are {', '.join(allowed)}"
            )
    if len(set(value)) != len(value):
        raise ValueError(f"{_where(owner, name)} names something twice: {list(value)!r:.200}")
    return tuple(value)


def _figures(owner: str, name: str, value: Any) -> dict[str, float]:
    """``{name: number}``; NaN and infinities are kept (a diverged loss is a figure worth showing)."""
    if not isinstance(value, dict):
        raise ValueError(f"{_where(owner, name)} must be a mapping of names to numbers, got {value!r:.200}")
    out = {}
    for key, number in value.items():
        if not isinstance(key, str) or not _is_number(number):
            raise ValueError(
                f"{_where(owner, name)} holds {key!r:.100}: {number!r:.100}, not a name and a number"
            )
        out[key] = float(number)
    return out


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)  # the dataclasses are frozen: normalize once, in __post_init__


# ---------------------------------------------------------------- TrainRequest


@dataclass(frozen=True)
class TrainRequest:
    """One training run the window asks the worker for: what to train on and every setting.

    Paths are strings (the worker reads the files itself). ``None`` in ``image_size``, ``width``, ``epochs``,
    ``learning_rate`` and ``patience`` means the default for pretrained or from-scratch training
    (`models.training.resolve_defaults`). The fields are those of `models.training.TrainConfig` (kept in step by a
    test), with ``images`` in place of its ``verified_only``.

    Attributes:
        data_dir: the image folder. out_path: the model file to write (ends with ``.keras``; ``run.json`` goes
            beside it). save_dir: the folder the annotations were saved to (the window's ``--save-dir``,
            sub-folders mirrored), None for beside the images. recursive: also the images in sub-folders.
        images: ``"all"`` (every labelled image) or ``"verified"`` (only those marked verified).
        backbone, weights (None: from scratch, ``"imagenet"`` or a weights file), image_size (a multiple of 32),
        width (the backbone's width multiplier), epochs, head_epochs, batch_size, heads (from `HEAD_NAMES`),
        seed, strategy, learning_rate, fine_tune_lr_factor, val_fraction, patience, box_loss, lr_schedule,
        augment, mirror_features, class_names (None: the classes found in the data), head_options (per head),
        fine_tune_from, max_minutes: as in `models.training.TrainConfig`.

    Raises:
        ValueError: on construction, naming the field and quoting the value, for anything training cannot use.
    """

    data_dir: str
    out_path: str
    save_dir: str | None = None
    recursive: bool = False
    images: str = "all"
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
    class_names: tuple[str, ...] | None = None
    head_options: dict[str, dict] = field(default_factory=dict)
    fine_tune_from: str | None = None
    max_minutes: float | None = None

    def __post_init__(self) -> None:
        o = "TrainRequest"
        _set(self, "data_dir", _text(o, "data_dir", self.data_dir))
        out = _text(o, "out_path", self.out_path)
        if not out.endswith(".keras"):
            raise ValueError(f"{o}.out_path must name a .keras file, got {out!r}")
        _set(self, "out_path", out)
        if self.save_dir is not None:
            _set(self, "save_dir", _text(o, "save_dir", self.save_dir))
        _flag(o, "recursive", self.recursive)
        _choice(o, "images", self.images, IMAGE_CHOICES)
        _choice(o, "backbone", self.backbone, BACKBONES)
        if self.weights is not None:
            _set(self, "weights", _text(o, "weights", self.weights))
        if self.image_size is not None:
            size = _whole(o, "image_size", self.image_size, 32, 4096)
            if size % 32:
                raise ValueError(f"{o}.image_size must be a multiple of 32, got {size!r}")
        if self.width is not None:
            widths = WIDTHS.get(self.backbone, (1.0,))
            if not _is_number(self.width) or float(self.width) not in widths:
                raise ValueError(
                    f"{o}.width must be one of {', '.join(f'{w:g}' for w in widths)} for {self.backbone}, "
                    f"got {self.width!r:.100}"
                )
            _set(self, "width", float(self.width))
        if self.image_size is not None:
            _set(self, "image_size", int(self.image_size))
        if self.epochs is not None:
            _set(self, "epochs", _whole(o, "epochs", self.epochs, 1, 100_000))
        _set(self, "head_epochs", _whole(o, "head_epochs", self.head_epochs, 0, 100_000))
        _set(self, "batch_size", _whole(o, "batch_size", self.batch_size, 1, 4096))
        _set(self, "heads", _names(o, "heads", self.heads, allowed=HEAD_NAMES))
        _set(self, "seed", _whole(o, "seed", self.seed, 0, 2**32 - 1))
        _choice(o, "strategy", self.strategy, STRATEGIES)
        if self.learning_rate is not None:
            _set(
                self,
                "learning_rate",
                _real(o, "learning_rate", self.learning_rate, 0, 10, lo_open=True, hi_open=False),
            )
        _set(
            self,
            "fine_tune_lr_factor",
            _real(o, "fine_tune_lr_factor", self.fine_tune_lr_factor, 0, 10, lo_open=True, hi_open=False),
        )
        _set(
            self,
            "val_fraction",
            _real(o, "val_fraction", self.val_fraction, 0, 1, lo_open=False, hi_open=True),
        )
        if self.patience is not None:
            _set(self, "patience", _whole(o, "patience", self.patience, 0, 100_000))
        _choice(o, "box_loss", self.box_loss, BOX_LOSSES)
        _choice(o, "lr_schedule", self.lr_schedule, LR_SCHEDULES)
        _flag(o, "augment", self.augment)
        _flag(o, "mirror_features", self.mirror_features)
        if self.class_names is not None:
            _set(self, "class_names", _names(o, "class_names", self.class_names))
        _set(self, "head_options", _head_options(self.head_options))
        if self.fine_tune_from is not None:
            _text(o, "fine_tune_from", self.fine_tune_from)
        if self.max_minutes is not None:
            _set(
                self,
                "max_minutes",
                _real(o, "max_minutes", self.max_minutes, 0, 525_600, lo_open=True, hi_open=False),
            )

    @property
    def verified_only(self) -> bool:
        """Train on the images marked verified only (``images == "verified"``)."""
        return self.images == "verified"

    def to_message(self) -> dict[str, Any]:
        """The encoder: a JSON object for the ``train`` request's ``request`` field (tuples as lists)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["heads"] = list(self.heads)
        data["class_names"] = None if self.class_names is None else list(self.class_names)
        data["head_options"] = json.loads(json.dumps(self.head_options))
        return data

    @classmethod
    def from_message(cls, data: Any) -> TrainRequest:
        """The decoder: the `TrainRequest` that `to_message` encoded.

        Raises:
            MessageError: ``data`` is not an object, names an unknown field, lacks ``data_dir``/``out_path``, or a
                field's value is not one training can use (the message names the field and quotes the value).
        """
        return _decode(cls, data, "train request")


def _head_options(value: Any) -> dict[str, dict]:
    if not isinstance(value, dict):
        raise ValueError(
            f"TrainRequest.head_options must be a mapping of head names to options, got {value!r:.200}"
        )
    for head, options in value.items():
        if head not in HEAD_NAMES or not isinstance(options, dict):
            raise ValueError(
                f"TrainRequest.head_options holds {head!r:.100}: {options!r:.100}; expected a head of "
                f"{', '.join(HEAD_NAMES)} and a mapping of its options"
            )
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"TrainRequest.head_options must be plain JSON values: {exc}") from None
    if len(text) > MAX_HEAD_OPTIONS_BYTES:
        raise ValueError(
            f"TrainRequest.head_options is {len(text)} bytes as JSON; the limit is {MAX_HEAD_OPTIONS_BYTES}"
        )
    return json.loads(text)  # a private copy: the frozen request never shares a dict with its caller


# ---------------------------------------------------------------- ProgressEvent


@dataclass(frozen=True)
class ProgressEvent:
    """One thing that happened during training: what the worker sends and the Training dock shows.

    Attributes:
        kind: ``phase`` (a phase starts: ``starting``, ``loading``, ``features``, ``heads``, ``fine_tune``,
            ``full``), ``epoch`` (an epoch ended: ``losses``/``metrics`` hold its figures, validation included),
            ``batch`` (a batch ended: running losses), ``log`` (a message, e.g. a skipped image) or ``done``
            (training ended; ``message`` says how: finished, early stop, cancelled, NaN, time budget).
        phase: the current phase name.
        epoch, epochs: 1-based epoch and the planned epoch count of this phase (0 when not applicable).
        batch, batches: 1-based batch within the epoch and batches per epoch.
        losses: e.g. ``{"loss": 0.8, "cls_loss": 0.3, "box_loss": 0.5}``.
        metrics: e.g. ``{"cls_accuracy": 0.9, "box_iou": 0.7, "val_box_iou": 0.68}``.
        eta_s: seconds left in this phase, estimated from the mean batch time; None when unknown.
        message: human-readable text.

    Raises:
        ValueError: on construction, naming the field and quoting the value.
    """

    kind: str
    phase: str = ""
    epoch: int = 0
    epochs: int = 0
    batch: int = 0
    batches: int = 0
    losses: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    eta_s: float | None = None
    message: str = ""

    def __post_init__(self) -> None:
        o = "ProgressEvent"
        _choice(o, "kind", self.kind, PROGRESS_KINDS)
        _text(o, "phase", self.phase, empty=True)
        for name in ("epoch", "epochs", "batch", "batches"):
            _set(self, name, _whole(o, name, getattr(self, name), 0, 2**31))
        _set(self, "losses", _figures(o, "losses", self.losses))
        _set(self, "metrics", _figures(o, "metrics", self.metrics))
        if self.eta_s is not None:
            _set(self, "eta_s", _real(o, "eta_s", self.eta_s, 0, 1e9, lo_open=False, hi_open=False))
        _text(o, "message", self.message, empty=True)

    def to_message(self) -> dict[str, Any]:
        """The encoder: a JSON object for the ``progress`` event's ``event`` field."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)} | {
            "losses": dict(self.losses),
            "metrics": dict(self.metrics),
        }

    @classmethod
    def from_message(cls, data: Any) -> ProgressEvent:
        """The decoder: the `ProgressEvent` that `to_message` encoded.

        Raises:
            MessageError: not an object, an unknown or missing field, or a value of the wrong kind.
        """
        return _decode(cls, data, "progress event")


# ---------------------------------------------------------------- TrainOutcome


@dataclass(frozen=True)
class TrainOutcome:
    """How a training run ended, as the worker's ``done`` answers a ``train`` request.

    Attributes:
        status: one of `RUN_STATUSES` (``finished``, ``early stop``, ``cancelled``, ``nan``, ``time budget``).
        model_path: the best model file, or None when no epoch finished before a stop.
        metrics: the best epoch's figures (``val_box_iou``, ...).
        n_train, n_val: the images trained and validated on.
        class_names: the model's classes. problems: data problems, as text. elapsed_s: wall-clock seconds.
        message: a sentence when the run stopped before it could train (e.g. cancelled while reading images).
    """

    status: str
    model_path: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    n_train: int = 0
    n_val: int = 0
    class_names: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    message: str = ""

    def __post_init__(self) -> None:
        o = "TrainOutcome"
        _choice(o, "status", self.status, RUN_STATUSES)
        if self.model_path is not None:
            _text(o, "model_path", self.model_path)
        _set(self, "metrics", _figures(o, "metrics", self.metrics))
        _set(self, "n_train", _whole(o, "n_train", self.n_train, 0, 2**31))
        _set(self, "n_val", _whole(o, "n_val", self.n_val, 0, 2**31))
        for name in ("class_names", "problems"):
            value = getattr(self, name)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{o}.{name} must be a list of strings, got {value!r:.200}")
            _set(self, name, tuple(value))
        _set(self, "elapsed_s", _real(o, "elapsed_s", self.elapsed_s, 0, 1e9, lo_open=False, hi_open=False))
        _text(o, "message", self.message, empty=True)

    def to_message(self) -> dict[str, Any]:
        """The encoder: a JSON object for the ``done`` event's ``result`` field."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data.update(
            metrics=dict(self.metrics), class_names=list(self.class_names), problems=list(self.problems)
        )
        return data

    @classmethod
    def from_message(cls, data: Any) -> TrainOutcome:
        """The decoder of `to_message`.

        Raises:
            MessageError: not an object, an unknown or missing field, or a value of the wrong kind.
        """
        return _decode(cls, data, "training result")


def _decode(cls: type, data: Any, what: str) -> Any:
    """``cls(**data)`` for a JSON object of ``cls``'s fields, every failure a `MessageError` naming it."""
    if not isinstance(data, dict):
        raise MessageError(f"a {what} must be a JSON object, got {type(data).__name__} {data!r:.100}")
    fields_ = dataclasses.fields(cls)
    unknown = sorted(repr(k)[:60] for k in data if k not in {f.name for f in fields_})
    if unknown:
        raise MessageError(f"a {what} with unknown field(s) {', '.join(unknown[:5])}")
    required = [
        f.name
        for f in fields_
        if f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
        and f.name not in data
    ]
    if required:
        raise MessageError(f"a {what} without {', '.join(required)}")
    try:
        return cls(**data)
    except (TypeError, ValueError, RecursionError) as exc:
        raise MessageError(f"invalid {what}: {exc}") from None
