"""Keras callbacks of the training loop: progress events, cancel, NaN guard, time budget, best-model saving."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import keras

from models.progress import ProgressEvent, split_logs


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
