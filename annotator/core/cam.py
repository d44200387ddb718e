"""The "why this class" heat map as plain numpy: the request the window and ``render`` send, the map in image
pixels, and what a user reads off it.

The worker computes a Grad-CAM map of the ``loc`` head's class decision (`models.heads.loc.gradcam`): one value per
cell of the backbone's stride-32 tap, each at the centre of the cell's receptive field in the model's stretched
input frame. `cells_to_image` turns it into a heat map over the image (`Prediction.cam`), which the overlay code
draws (`annotator.core.overlay_scene`, `annotator.ui.model.overlays`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

CAM_MAX_SIDE = 1024
"""A heat map is carried at the image's size up to this longer side, else scaled down to it (same aspect): a 12 MP
photo's map would be 48 MB on the pipe for what 36 cells say."""

CAM_KIND = "cam"
"""The worker request kind of `CamRequest`."""


@dataclass(frozen=True)
class CamRequest:
    """Ask the worker for an image's prediction with the heat map of one class (request kind ``"cam"``).

    The worker answers like a ``predict`` request (a ``prediction`` event, then ``done``), the `Prediction` carrying
    ``cam`` and ``cam_class`` besides every other field.

    Attributes:
        model: the ``.keras`` model file.
        image: the image file (also the answer's ``image_id``).
        class_index: the class to explain, an index into the model's class names; None: the class the model
            predicts for the image.
        score_threshold, nms_iou: as for ``predict``.
    """

    model: str
    image: str
    class_index: int | None = None
    score_threshold: float = 0.05
    nms_iou: float = 0.45

    def to_fields(self) -> dict[str, Any]:
        """The request's header fields (``WorkerProcess.send(CAM_KIND, **fields)``)."""
        return {
            "model": self.model,
            "image": self.image,
            "class_index": self.class_index,
            "score_threshold": self.score_threshold,
            "nms_iou": self.nms_iou,
        }

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> CamRequest:
        """The inverse of `to_fields`; other keys (``id``, ``kind``) are ignored.

        Raises:
            ValueError: a field is missing or of the wrong kind; the message names it and quotes the value.
        """
        for name in ("model", "image"):
            if not isinstance(fields.get(name), str) or not fields.get(name):
                raise ValueError(f"cam request: {name!r} must be a path, got {fields.get(name)!r}")
        index = fields.get("class_index")
        if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
            raise ValueError(f"cam request: 'class_index' must be a class index or null, got {index!r}")
        numbers = {}
        for name, default in (("score_threshold", 0.05), ("nms_iou", 0.45)):
            value = fields.get(name, default)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValueError(f"cam request: {name!r} must be a number in 0..1, got {value!r}")
            numbers[name] = float(value)
        return cls(str(fields["model"]), str(fields["image"]), index, **numbers)


def cam_size(width: int, height: int, max_side: int = CAM_MAX_SIDE) -> tuple[int, int]:
    """(width, height) a heat map of a ``width`` x ``height`` image is carried at (see `CAM_MAX_SIDE`)."""
    longer = max(int(width), int(height), 1)
    scale = min(1.0, max_side / longer)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _interpolation_matrix(positions: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(len(positions), len(centres)) weights of linear interpolation between cell centres, constant past the
    first and last centre."""
    eye = np.eye(len(centres))
    if len(centres) == 1:
        return np.ones((len(positions), 1))
    return np.stack([np.interp(positions, centres, eye[i]) for i in range(len(centres))], axis=1)


def cells_to_image(
    cells: np.ndarray,
    centres_y: np.ndarray,
    centres_x: np.ndarray,
    input_size: int,
    width: int,
    height: int,
    max_side: int = CAM_MAX_SIDE,
) -> np.ndarray:
    """A map on the tap's cells -> a heat map over the image, linear between the cells' centres.

    Args:
        cells: (rows, cols) values.
        centres_y, centres_x: the cells' receptive-field centres in input pixels of the stretched
            ``input_size`` x ``input_size`` frame the model saw.
        input_size: the model's input side.
        width, height: the image's size (the stretched frame covers all of it).
        max_side: see `cam_size`.

    Returns:
        (h, w) float32, (h, w) = `cam_size` reversed; pixel ``(j, i)`` covers image pixels
        ``[i * width / w, (i + 1) * width / w)`` and likewise in y.
    """
    cells = np.asarray(cells, np.float64)
    w, h = cam_size(width, height, max_side)
    xs = (np.arange(w) + 0.5) * (input_size / w)
    ys = (np.arange(h) + 0.5) * (input_size / h)
    wy = _interpolation_matrix(ys, np.asarray(centres_y, np.float64))
    wx = _interpolation_matrix(xs, np.asarray(centres_x, np.float64))
    return (wy @ cells @ wx.T).astype(np.float32)


def heat_inside(cam: np.ndarray, box: np.ndarray | tuple[float, ...], width: int, height: int) -> float:
    """The share of a heat map's mass inside a box (0..1; NaN for a map with no heat).

    Args:
        cam: (h, w) heat map over the whole image (any resolution, e.g. `Prediction.cam`).
        box: xyxy in image pixels of a ``width`` x ``height`` image; pixels of the map are counted by how much of
            them the box covers.
    """
    cam = np.clip(np.nan_to_num(np.asarray(cam, np.float64)), 0.0, None)
    total = float(cam.sum())
    if total <= 0:
        return float("nan")
    h, w = cam.shape
    x0, y0, x1, y1 = (float(v) for v in box)
    cover_x = _coverage(x0 * w / width, x1 * w / width, w)
    cover_y = _coverage(y0 * h / height, y1 * h / height, h)
    return float(cover_y @ cam @ cover_x) / total


def _coverage(lo: float, hi: float, n: int) -> np.ndarray:
    """How much of each of ``n`` unit cells ``[i, i + 1)`` the interval ``[lo, hi]`` covers."""
    edges = np.arange(n, dtype=np.float64)
    return np.clip(np.minimum(edges + 1, hi) - np.maximum(edges, lo), 0.0, 1.0)
