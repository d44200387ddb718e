"""Training runs on disk and what the dock needs to know about a dataset, without Qt or TensorFlow.

Each run lives in ``DATA/.flower-annotator/runs/<YYYYmmdd-HHMMSS>-<backbone>/`` with ``model.keras`` and
``run.json`` (written by the worker: settings, per-epoch history, final metrics, status).

Sentences for the user are English templates marked with `_n`; functions that return them take ``tr``, the
caller's translate function (the dock passes Qt's), so this module stays free of Qt.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core import dataset, voc
from annotator.core.model_facts import imagenet_file_name, keras_cache_dir

RUNS_DIR = Path(".flower-annotator") / "runs"
MIN_TRAIN_IMAGES = 4
"""Fewer labelled images than this cannot make a train and a validation split worth training on."""


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
_TOO_FEW = {
    False: _n("Only {0} labelled image(s): label at least {1} (some go to validation) before training."),
    True: _n("Only {0} verified image(s): verify at least {1} (some go to validation) before training."),
}
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


@dataclass
class DatasetSummary:
    """Counts the dock shows before training.

    Attributes:
        images: image files found.
        labelled: images whose annotation has at least one box.
        verified: labelled images the user marked verified.
        class_counts: boxes per class over the images that would be used.
        problems: annotation files that could not be read (file: message).
        split: ``(train, val)`` image counts from ``ImageSets/Main`` when written, else the expected 80/20.
        split_written: the split files exist (they are reused by every run).
    """

    images: int = 0
    labelled: int = 0
    verified: int = 0
    class_counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    split: tuple[int, int] = (0, 0)
    split_written: bool = False

    def usable(self, verified_only: bool) -> int:
        return self.verified if verified_only else self.labelled

    def too_few_message(self, verified_only: bool, tr: Translate = _n) -> str:
        """A sentence for the user (translated by ``tr``) when there are too few images to train on, else ``""``."""
        n = self.usable(verified_only)
        if n >= MIN_TRAIN_IMAGES:
            return ""
        return tr(_TOO_FEW[bool(verified_only)]).format(n, MIN_TRAIN_IMAGES)

    def describe(self, verified_only: bool, tr: Translate = _n) -> list[str]:
        """The dock's lines about this dataset (translated by ``tr``); the last one, in ``<b>``, when too few."""
        counts = ", ".join(f"{name} {n}" for name, n in sorted(self.class_counts.items())) or tr(_n("none"))
        split = "ImageSets/Main" if self.split_written else tr(_n("to be written at the first run"))
        lines = [
            tr(_n("{0} images, {1} labelled, {2} verified")).format(
                self.images, self.labelled, self.verified
            ),
            tr(_n("Boxes per class: {0}")).format(counts),
            tr(_n("Split: {0} train / {1} validation ({2})")).format(self.split[0], self.split[1], split),
        ]
        if self.problems:
            lines.append(tr(_n("{0} annotation file(s) unreadable, skipped")).format(len(self.problems)))
        too_few = self.too_few_message(verified_only, tr)
        if too_few:
            lines.append(f"<b>{too_few}</b>")
        return lines


def summarize_dataset(
    data_dir: str | os.PathLike[str], *, verified_only: bool = False, save_dir: str | None = None
) -> DatasetSummary:
    """Scan a VOC folder (`annotator.core.dataset.scan`: XML beside the images, a VOC devkit root, or
    ``save_dir``) and count what training would use. Reads XML only, never decodes images.

    Raises:
        OSError / ValueError: the folder cannot be listed (`dataset.DatasetError`).
    """
    root = Path(data_dir)
    summary = DatasetSummary()
    used_ids = []
    for entry in dataset.scan(root, save_dir=save_dir).entries:
        summary.images += 1
        xml = Path(entry.annotation_path)
        if not xml.is_file():
            continue
        try:
            annotation = voc.read(xml)
        except (voc.VocError, OSError) as exc:
            summary.problems.append(f"{xml.name}: {exc}")
            continue
        if not annotation.objects:
            continue
        summary.labelled += 1
        summary.verified += int(annotation.verified)
        if verified_only and not annotation.verified:
            continue
        used_ids.append(entry.image_id)
        summary.class_counts.update(o.name for o in annotation.objects)
    main = root / "ImageSets" / "Main"
    train_txt, val_txt = main / "train.txt", main / "val.txt"
    if train_txt.is_file() and val_txt.is_file():
        ids = set(used_ids)
        train = [s for s in train_txt.read_text(encoding="utf-8").split() if s in ids]
        val = [s for s in val_txt.read_text(encoding="utf-8").split() if s in ids]
        summary.split = (len(train), len(val))
        summary.split_written = True
    else:
        n_val = max(1, round(len(used_ids) * 0.2)) if len(used_ids) >= 2 else 0
        summary.split = (len(used_ids) - n_val, n_val)
    return summary


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
