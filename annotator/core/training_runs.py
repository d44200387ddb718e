"""Training runs on disk and what the dock needs to know about a dataset, without Qt or TensorFlow.

Each run lives in ``DATA/.flower-annotator/runs/<YYYYmmdd-HHMMSS>-<backbone>/`` with ``model.keras`` and
``run.json`` (written by the worker: settings, per-epoch history, final metrics, status).

Sentences for the user are English templates marked with `_n`; functions that return them take ``tr``, the
caller's translate function (the dock passes Qt's), so this module stays free of Qt. The dataset counts are
`annotator.core.dataset_counts`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model_facts import imagenet_file_name, keras_cache_dir

RUNS_DIR = Path(".flower-annotator") / "runs"


def _n(text: str) -> str:
    """Marks ``text`` for translation where it is declared; the caller's ``tr`` translates it where it is shown."""
    return text


Translate = Callable[[str], str]
RUN_STATUSES = (
    _n("finished"),
    _n("early stop"),
    _n("cancelled"),
    _n("failed"),
    _n("no record"),
    _n("unfinished"),
)
"""Statuses a run can show (``run.json``'s ``status``, or the two the dock infers), for translation."""
_WEIGHTS_AVAILABLE = _n("ImageNet weights available ({0})")
_WEIGHTS_MISSING = _n("ImageNet weights not on this machine: put {0} in {1} (or train with weights: none)")
_NO_WEIGHTS = _n("no ImageNet weights exist for {0}")


def runs_dir(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / RUNS_DIR


def new_run_dir(data_dir: str | os.PathLike[str], backbone: str) -> Path:
    """A fresh, not yet existing run folder (created) named by time and backbone."""
    base = runs_dir(data_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = base / (f"{stamp}-{backbone}" + (f"-{n}" if n else ""))
        if not path.exists():
            path.mkdir(parents=True)
            return path
    raise OSError(f"cannot create a run folder under {base}")


@dataclass
class RunRecord:
    """One past run: its folder, model path, and the worker's ``run.json`` (empty when unreadable)."""

    folder: Path
    model_path: Path
    record: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        if not self.record:
            return "no record" if self.model_path.is_file() else "unfinished"
        return str(self.record.get("status", "?"))

    @property
    def config(self) -> dict:
        return dict(self.record.get("config") or {})

    def metrics(self) -> dict[str, float]:
        result = self.record.get("result") or {}
        metrics = result.get("metrics") if isinstance(result, dict) else None
        if isinstance(metrics, dict):
            return {str(k): v for k, v in metrics.items() if isinstance(v, (int, float))}
        history = self.record.get("history") or []
        return dict(history[-1].get("metrics") or {}) if history else {}


def list_runs(data_dir: str | os.PathLike[str]) -> list[RunRecord]:
    """Past runs of a dataset, newest first. A folder with an unreadable ``run.json`` is still listed."""
    base = runs_dir(data_dir)
    if not base.is_dir():
        return []
    runs = []
    for folder in sorted((p for p in base.iterdir() if p.is_dir()), reverse=True):
        record: dict = {}
        try:
            record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: a run.json nested thousands deep
            pass
        runs.append(RunRecord(folder, folder / "model.keras", record if isinstance(record, dict) else {}))
    return runs


def imagenet_weights_status(
    backbone: str, image_size: int, tr: Translate = _n, width: float = 1.0
) -> tuple[bool, str]:
    """Whether Keras' cache holds this backbone's ImageNet weights for this input side and width, checked by
    file path (no TensorFlow).

    Returns:
        ``(available, text)``: ``text`` (translated by ``tr``) names the file and where it is or should be put.
    """
    name = imagenet_file_name(backbone, image_size, width)
    if name is None:
        return False, tr(_NO_WEIGHTS).format(backbone)
    cache = keras_cache_dir()
    path = cache / name
    if path.is_file():
        return True, tr(_WEIGHTS_AVAILABLE).format(path)
    return False, tr(_WEIGHTS_MISSING).format(name, cache)
