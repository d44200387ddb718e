"""The progress interface shared by the CLI (a text bar with ETA) and the GUI's model worker.

`models.training.train` calls ``progress(event)`` with a `ProgressEvent`; events are plain data (floats and
strings), so the worker can send them across a process boundary unchanged (`ProgressEvent.to_dict`).
No TensorFlow import here.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

KINDS = ("phase", "epoch", "batch", "log", "done")


@dataclass
class ProgressEvent:
    """One thing that happened during training.

    Attributes:
        kind: ``phase`` (a phase starts: ``loading``, ``features``, ``heads``, ``fine_tune``, ``full``),
            ``epoch`` (an epoch ended: ``losses``/``metrics`` hold its figures, validation included), ``batch``
            (a batch ended: running losses), ``log`` (a message, e.g. a skipped image) or ``done`` (training
            ended; ``message`` says how: finished, early stop, cancelled, NaN, time budget).
        phase: the current phase name.
        epoch, epochs: 1-based epoch and the planned epoch count of this phase (0 when not applicable).
        batch, batches: 1-based batch within the epoch and batches per epoch.
        losses: e.g. ``{"loss": 0.8, "cls_loss": 0.3, "box_loss": 0.5}``.
        metrics: e.g. ``{"cls_accuracy": 0.9, "box_iou": 0.7, "val_box_iou": 0.68}``.
        eta_s: seconds left in this phase, estimated from the mean batch time; None when unknown.
        message: human-readable text.
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
        if self.kind not in KINDS:
            raise ValueError(f"ProgressEvent kind must be one of {KINDS}, got {self.kind!r}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ProgressEvent:
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data})


ProgressCallback = Callable[[ProgressEvent], None]


def split_logs(logs: dict | None) -> tuple[dict[str, float], dict[str, float]]:
    """Keras logs -> ``(losses, metrics)``: names ending in ``loss`` are losses, the rest metrics."""
    losses, metrics = {}, {}
    for k, v in (logs or {}).items():
        try:
            value = float(v)
        except (TypeError, ValueError):
            continue
        (losses if k.endswith("loss") else metrics)[k] = value
    return losses, metrics


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class ConsoleProgress:
    """Prints events as a one-line progress bar with ETA (batches) and one line per epoch, phase and log."""

    def __init__(self, stream: TextIO | None = None, width: int = 24, min_interval_s: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.min_interval_s = min_interval_s
        self._last = 0.0
        self._bar_open = False

    def _end_bar(self) -> None:
        if self._bar_open:
            self.stream.write("\n")
            self._bar_open = False

    def __call__(self, event: ProgressEvent) -> None:
        if event.kind == "batch":
            now = time.monotonic()
            if now - self._last < self.min_interval_s and event.batch < event.batches:
                return
            self._last = now
            done = event.batch / max(1, event.batches)
            filled = int(done * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            loss = event.losses.get("loss")
            loss_text = f" loss {loss:.4f}" if loss is not None else ""
            epoch = f" epoch {event.epoch}/{event.epochs}" if event.epochs else ""
            self.stream.write(
                f"\r{event.phase}{epoch} [{bar}] {event.batch}/{event.batches}{loss_text} "
                f"ETA {format_eta(event.eta_s)}  "
            )
            self._bar_open = True
        else:
            self._end_bar()
            if event.kind == "epoch":
                figures = {**event.losses, **event.metrics}
                text = "  ".join(f"{k} {v:.4f}" for k, v in figures.items())
                self.stream.write(f"{event.phase} epoch {event.epoch}/{event.epochs}: {text}\n")
            elif event.kind == "phase":
                self.stream.write(f"== {event.phase}: {event.message}\n")
            else:
                self.stream.write(f"{event.message}\n")
        self.stream.flush()
