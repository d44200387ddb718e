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

RUNS_DIR = Path(".flower-annotator") / "runs"
BACKBONES = ("mobilenetv2", "resnet34", "xception")


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


def default_input_size(backbone: str, weights: str | None) -> int:
    """The input side training picks when none is given (`models.training.default_image_size`, kept in step by
    a test; this module must not import TensorFlow): 224 px with pretrained weights (``weights`` other than
    None/``"none"``); from scratch 192 px for mobilenetv2 (trained at half width) and 128 px for the others."""
    if weights is not None and str(weights).lower() != "none":
        return 224
    return 192 if backbone == "mobilenetv2" else 128


WIDTHS: dict[str, tuple[float, ...]] = {"mobilenetv2": (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)}
"""Width multipliers (MobileNetV2's ``alpha``) a backbone can be built at (`models.backbones.WIDTHS`, kept in
step by a test); a backbone not listed has one width, 1.0."""


def default_width(backbone: str, weights: str | None) -> float:
    """The width training picks when none is given (`models.training.default_width`, kept in step by a test):
    MobileNetV2 from scratch at half width (0.5), everything else and pretrained weights at 1.0."""
    scratch = weights is None or str(weights).lower() == "none"
    return 0.5 if backbone == "mobilenetv2" and scratch else 1.0


def imagenet_file_name(backbone: str, image_size: int, width: float = 1.0) -> str | None:
    """The file Keras caches ImageNet weights of ``backbone`` in (without the top classifier), for this input
    side and width (`models.backbones.weights.imagenet_file`, kept in step by a test); None when no ImageNet
    weights are published for it (resnet34). MobileNetV2's files exist for 96, 128, 160, 192 and 224 px; any
    other side loads the 224 px file (its convolutions fit any size)."""
    if backbone == "xception":
        return "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
    if backbone == "mobilenetv2":
        rows = image_size if image_size in (96, 128, 160, 192, 224) else 224
        return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(width)}_{rows}_no_top.h5"
    return None


def keras_cache_dir() -> Path:
    """Where Keras keeps downloaded model files (`models.backbones.weights.keras_cache_dir`)."""
    home = os.environ.get("KERAS_HOME")
    if home:
        return Path(home).expanduser() / "models"
    base = Path("~").expanduser()
    if not os.access(base, os.W_OK):
        base = Path("/tmp")
    return base / ".keras" / "models"


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
