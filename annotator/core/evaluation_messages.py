"""What the window and the model worker say to each other about evaluating a folder: plain Python + numpy.

The window sends an `EvaluateRequest` (``WorkerProcess.send("evaluate", **request.to_message())``); the worker
rebuilds it with `EvaluateRequest.from_message`, predicts every labelled image once (progress events on the way,
cancellable), and answers one ``evaluation`` frame made by `evaluation_to_message`: per image its path, its
ground truth and every stored detection (xyxy image pixels of the displayed frame, scores of at least 0.01),
plus the headline figures of `models.evaluate`. The window decodes it with `evaluation_from_message` and computes
every view itself (`annotator.core.evaluation`), so a threshold change never asks the model again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.evaluation import EvaluationData, ImageResult
from annotator.core.geometry import DEFAULT_NMS_IOU
from annotator.core.worker_protocol import ProtocolError

EVALUATION_SPLITS = ("all", "val")
"""``all``: every labelled image; ``val``: the validation list training wrote (``ImageSets/Main/val.txt``)."""


@dataclass(frozen=True)
class EvaluateRequest:
    """Evaluate ``model`` on the labelled images of ``data_dir``.

    Attributes:
        model: the model file (``.keras``) the window has loaded.
        data_dir: the open folder.
        save_dir: the window's annotation folder (``--save-dir``), None: beside the images.
        split: one of `EVALUATION_SPLITS`.
        nms_iou: the grid head's non-max suppression IoU (the Model panel's knob).

    Raises:
        ValueError: a field of the wrong kind or out of range; the message quotes the value.
    """

    model: str
    data_dir: str
    save_dir: str | None = None
    split: str = "all"
    nms_iou: float = DEFAULT_NMS_IOU

    def __post_init__(self) -> None:
        for name in ("model", "data_dir"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"EvaluateRequest.{name} must be a non-empty path, got {value!r}")
        if self.save_dir is not None and (not isinstance(self.save_dir, str) or not self.save_dir):
            raise ValueError(f"EvaluateRequest.save_dir must be a path or None, got {self.save_dir!r}")
        if self.split not in EVALUATION_SPLITS:
            raise ValueError(f"EvaluateRequest.split must be one of {EVALUATION_SPLITS}, got {self.split!r}")
        nms = self.nms_iou
        if isinstance(nms, bool) or not isinstance(nms, (int, float)) or not 0.0 <= float(nms) <= 1.0:
            raise ValueError(f"EvaluateRequest.nms_iou must be a number between 0 and 1, got {nms!r}")

    def to_message(self) -> dict[str, Any]:
        """The request's fields for `WorkerProcess.send` (``kind="evaluate"``)."""
        return {
            "model": self.model,
            "data_dir": self.data_dir,
            "save_dir": self.save_dir,
            "split": self.split,
            "nms_iou": float(self.nms_iou),
        }

    @classmethod
    def from_message(cls, fields: dict[str, Any]) -> EvaluateRequest:
        """The request a header carries (``id`` / ``kind`` ignored).

        Raises:
            ValueError: a missing field or a bad value (named).
        """
        missing = [name for name in ("model", "data_dir") if name not in fields]
        if missing:
            raise ValueError(f"evaluate request without {', '.join(missing)}")
        return cls(
            model=fields["model"],
            data_dir=fields["data_dir"],
            save_dir=fields.get("save_dir"),
            split=fields.get("split", "all"),
            nms_iou=fields.get("nms_iou", DEFAULT_NMS_IOU),
        )


@dataclass
class EvaluationResult:
    """The worker's answer: the stored predictions and what was measured with them.

    Attributes:
        data: ground truth and detections of every evaluated image (``ImageResult.image_path`` set).
        figures: `models.evaluate`'s headline figures (``n_images``, ``mean_iou``, ``accuracy``, ``map50``,
            ``n_problems`` (files skipped or boxes ignored) ...; numbers, or lists of class names).
        split: the split evaluated.
    """

    data: EvaluationData
    figures: dict[str, Any] = field(default_factory=dict)
    split: str = "all"

    @property
    def image_paths(self) -> list[str]:
        return [img.image_path or "" for img in self.data.images]


_ARRAYS = ("gt_boxes", "gt_classes", "gt_counts", "det_boxes", "det_scores", "det_classes", "det_counts")


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def evaluation_to_message(result: EvaluationResult) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays of an ``evaluation`` frame (one frame for the whole folder)."""
    images = result.data.images

    def cat(key: str, width: int, dtype) -> np.ndarray:
        parts = [np.asarray(getattr(i, key), dtype).reshape(-1, width) for i in images]
        flat = np.concatenate(parts) if parts else np.zeros((0, width), dtype)
        return flat if width > 1 else flat.reshape(-1)

    arrays = {
        "gt_boxes": cat("gt_boxes", 4, np.float64),
        "gt_classes": cat("gt_classes", 1, np.int64),
        "gt_counts": np.asarray([len(i.gt_classes) for i in images], np.int64),
        "det_boxes": cat("det_boxes", 4, np.float64),
        "det_scores": cat("det_scores", 1, np.float64),
        "det_classes": cat("det_classes", 1, np.int64),
        "det_counts": np.asarray([len(i.det_scores) for i in images], np.int64),
    }
    header = {
        "image_ids": [str(i.image_id) for i in images],
        "image_paths": [str(i.image_path or "") for i in images],
        "class_names": [str(n) for n in result.data.class_names],
        "figures": {str(k): _plain(v) for k, v in result.figures.items()},
        "split": result.split,
    }
    return header, arrays


def _split(array: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    return np.split(array, np.cumsum(counts)[:-1]) if len(counts) else []


def evaluation_from_message(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> EvaluationResult:
    """The inverse of `evaluation_to_message`.

    Raises:
        ProtocolError: fields missing, of the wrong kind, or arrays whose lengths disagree.
    """
    ids, paths, names = header.get("image_ids"), header.get("image_paths"), header.get("class_names")
    for key, value in (("image_ids", ids), ("image_paths", paths), ("class_names", names)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProtocolError(f"evaluation frame: {key!r} is not a list of strings")
    missing = [k for k in _ARRAYS if k not in arrays]
    if missing:
        raise ProtocolError(f"evaluation frame without arrays {missing}")
    gt_counts, det_counts = arrays["gt_counts"].reshape(-1), arrays["det_counts"].reshape(-1)
    n = len(ids)
    if len(paths) != n or len(gt_counts) != n or len(det_counts) != n:
        raise ProtocolError("evaluation frame: image ids, paths and counts differ in length")
    if (gt_counts < 0).any() or (det_counts < 0).any():
        raise ProtocolError("evaluation frame: negative box counts")
    n_gt, n_det = int(gt_counts.sum()), int(det_counts.sum())
    shapes = {
        "gt_boxes": (n_gt, 4),
        "gt_classes": (n_gt,),
        "det_boxes": (n_det, 4),
        "det_scores": (n_det,),
        "det_classes": (n_det,),
    }
    for key, shape in shapes.items():
        if arrays[key].shape != shape:
            raise ProtocolError(f"evaluation frame: {key} has shape {arrays[key].shape}, expected {shape}")
    parts = {key: _split(arrays[key], gt_counts if key.startswith("gt") else det_counts) for key in shapes}
    images = [
        ImageResult(
            ids[k],
            parts["gt_boxes"][k],
            parts["gt_classes"][k].astype(np.int64),
            parts["det_boxes"][k],
            parts["det_scores"][k].astype(np.float64),
            parts["det_classes"][k].astype(np.int64),
            image_path=paths[k],
        )
        for k in range(n)
    ]
    try:
        data = EvaluationData(images, names)
    except ValueError as exc:
        raise ProtocolError(f"evaluation frame: {exc}") from exc
    figures = header.get("figures") or {}
    split = header.get("split", "all")
    if not isinstance(figures, dict) or split not in EVALUATION_SPLITS:
        raise ProtocolError("evaluation frame: figures or split of the wrong kind")
    return EvaluationResult(data, dict(figures), str(split))
