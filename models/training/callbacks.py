"""Keras callbacks of the training loop: progress events, cancel, NaN guard, time budget, best-model saving."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import keras

from annotator.core.worker_messages import ProgressEvent
from models.training.progress import split_logs


class StopTraining(Exception):
    """Raised from a batch callback to leave `fit` at once (no validation pass after a cancel).

    Attributes:
        reason: ``cancelled``, ``nan`` or ``time budget``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProgressAndGuards(keras.callbacks.Callback):
    """Emits batch/epoch events and stops within one batch on cancel, a non-finite loss or the time budget.

    Args:
        emit: receives `ProgressEvent`s.
        phase: the phase name put in every event.
        epochs, batches: planned epochs and batches per epoch (for the bar and the ETA).
        cancel: checked after every batch.
        deadline: `time.monotonic()` value after which training stops, or None.
    """

    def __init__(
        self,
        emit: Callable[[ProgressEvent], None],
        phase: str,
        epochs: int,
        batches: int,
        cancel: threading.Event | None = None,
        deadline: float | None = None,
    ) -> None:
        super().__init__()
        self.emit = emit
        self.phase = phase
        self.epochs = epochs
        self.batches = max(1, batches)
        self.cancel = cancel
        self.deadline = deadline
        self._epoch = 0
        self._t0 = time.monotonic()
        self._done_batches = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        self._done_batches += 1
        losses, metrics = split_logs(logs)
        loss = losses.get("loss")
        if loss is not None and not math.isfinite(loss):
            raise StopTraining("nan")
        per_batch = (time.monotonic() - self._t0) / self._done_batches
        left = self.epochs * self.batches - self._done_batches
        self.emit(
            ProgressEvent(
                "batch",
                self.phase,
                self._epoch,
                self.epochs,
                batch + 1,
                self.batches,
                losses,
                metrics,
                eta_s=max(0.0, left * per_batch),
            )
        )
        if self.cancel is not None and self.cancel.is_set():
            raise StopTraining("cancelled")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise StopTraining("time budget")

    def on_epoch_end(self, epoch, logs=None):
        losses, metrics = split_logs(logs)
        left = self.epochs * self.batches - self._done_batches
        per_batch = (time.monotonic() - self._t0) / max(1, self._done_batches)
        self.emit(
            ProgressEvent(
                "epoch",
                self.phase,
                epoch + 1,
                self.epochs,
                self.batches,
                self.batches,
                losses,
                metrics,
                eta_s=max(0.0, left * per_batch),
            )
        )


class BestKeeper(keras.callbacks.Callback):
    """Keeps the best weights of ``target`` (in memory) and saves it through ``save`` when ``monitor`` improves.

    The value to beat is shared across phases through the ``best`` attribute, so a fine-tune epoch only
    replaces the head phase's model if it is better. Non-finite values never count as better.
    """

    def __init__(
        self, target: keras.Model, monitor: str, save: Callable[[dict], None], best: float = math.inf
    ):
        super().__init__()
        self.target = target
        self.monitor = monitor
        self.save = save
        self.best = best
        self.best_logs: dict[str, float] = {}
        self.best_weights: list | None = None
        self.saved = 0

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or not math.isfinite(float(value)) or float(value) >= self.best:
            return
        self.best = float(value)
        self.best_logs = dict(split_logs(logs)[0], **split_logs(logs)[1])
        self.best_weights = self.target.get_weights()
        self.save(self.best_logs)
        self.saved += 1

    def restore(self) -> bool:
        """Put the best weights back into ``target``; False when there were none."""
        if self.best_weights is None:
            return False
        self.target.set_weights(self.best_weights)
        return True


class CosineSchedule(keras.callbacks.Callback):
    """Sets the learning rate before every batch: a linear warm-up, then a cosine decay to ``floor`` x the base.

    Progress is the larger of the share of planned steps done and, with a time budget, the share of the
    budget used, so a run cut short by ``--max-minutes`` still ends at the low rate instead of being stopped
    mid-decay. (With a budget the rate therefore depends on the machine's speed; without one it depends only
    on the step count and a seeded run stays reproducible.)

    Args:
        base_lr: the peak rate. total_steps: planned batches of the phase. warmup_steps: batches of warm-up.
        deadline: `time.monotonic()` value when the budget ends, or None. floor: the final rate / ``base_lr``.
    """

    def __init__(
        self,
        base_lr: float,
        total_steps: int,
        warmup_steps: int = 0,
        deadline: float | None = None,
        floor: float = 0.01,
    ) -> None:
        super().__init__()
        self.base_lr = float(base_lr)
        self.total_steps = max(1, int(total_steps))
        self.warmup_steps = max(0, int(warmup_steps))
        self.deadline = deadline
        self.floor = float(floor)
        self.step = 0
        self._t0 = time.monotonic()
        self.last_lr = self.base_lr

    def rate(self, step: int, now: float | None = None) -> float:
        """The learning rate for batch ``step`` (0-based) at monotonic time ``now``."""
        if step < self.warmup_steps:
            return self.base_lr * (step + 1) / (self.warmup_steps + 1)
        progress = (step - self.warmup_steps) / max(1, self.total_steps - self.warmup_steps)
        if self.deadline is not None and now is not None and self.deadline > self._t0:
            progress = max(progress, (now - self._t0) / (self.deadline - self._t0))
        progress = min(1.0, progress)
        scale = self.floor + (1.0 - self.floor) * 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.base_lr * scale

    def on_train_begin(self, logs=None):
        self._t0 = time.monotonic()
        self.step = 0

    def on_train_batch_begin(self, batch, logs=None):
        self.last_lr = self.rate(self.step, time.monotonic())
        self.model.optimizer.learning_rate.assign(self.last_lr)
        self.step += 1

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.last_lr
