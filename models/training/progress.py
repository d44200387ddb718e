"""The progress interface shared by the CLI (a text bar with ETA) and the GUI's model worker.

`models.training.train` calls ``progress(event)`` with an `annotator.core.worker_messages.ProgressEvent`; the
worker sends it across the pipe with its own encoder (``event.to_message()``), the window decodes it with
``ProgressEvent.from_message``. No TensorFlow import here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from annotator.core.worker_messages import ProgressEvent

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
