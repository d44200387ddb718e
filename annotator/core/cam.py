"""The "why this class" heat map as plain numpy: the request the window and ``render`` send, the map in image
pixels, and what a user reads off it.

The worker computes a Grad-CAM map of the ``loc`` head's class decision (`models.heads.loc.gradcam`): one value per
cell of the backbone's stride-32 tap, each at the centre of the cell's receptive field in the model's stretched
input frame. `cells_to_image` turns it into a heat map over the image (`Prediction.cam`), which the overlay code
draws (`annotator.core.overlay_scene`, `annotator.ui.model.overlays`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from annotator.core.geometry import DEFAULT_NMS_IOU, PREDICT_SCORE_FLOOR
from annotator.core.worker_messages import MessageError

CAM_MAX_SIDE = 1024
"""A heat map is carried at the image's size up to this longer side, else scaled down to it (same aspect): a 12 MP
photo's map would be 48 MB on the pipe for what 36 cells say."""

CAM_KIND = "cam"
"""The worker request kind of `CamRequest`."""


@dataclass(frozen=True)
class CamRequest:
    """Ask the worker for an image's prediction with the heat map of one class: the ``cam`` request, sent as
    ``WorkerProcess.send(CAM_KIND, request=cam.to_message())`` (like `annotator.core.worker_messages.TrainRequest`:
    one encoder, one decoder, fields checked on construction).

    The worker answers like a ``predict`` request (a ``prediction`` event, then ``done``), the `Prediction` carrying
    ``cam`` and ``cam_class`` besides every other field.

    Attributes:
        model: the ``.keras`` model file.
        image: the image file (also the answer's ``image_id``).
        class_index: the class to explain, an index into the model's class names; None: the class the model
            predicts for the image (a class the model does not have is the worker's error to report).
        score_threshold, nms_iou: as for ``predict``.

    Raises:
        ValueError: on construction, naming the field and quoting the value.
    """

    model: str
    image: str
    class_index: int | None = None
    score_threshold: float = PREDICT_SCORE_FLOOR
    nms_iou: float = DEFAULT_NMS_IOU

    def __post_init__(self) -> None:
        for name in ("model", "image"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"CamRequest.{name} must be a path, got {value!r:.200}")
        index = self.class_index
        if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
            raise ValueError(f"CamRequest.class_index must be a class index or None, got {index!r:.200}")
        for name in ("score_threshold", "nms_iou"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValueError(f"CamRequest.{name} must be a number in [0, 1], got {value!r:.200}")
            object.__setattr__(self, name, float(value))

    def to_message(self) -> dict[str, Any]:
        """The encoder: a JSON object for the ``cam`` request's ``request`` field."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_message(cls, data: Any) -> CamRequest:
        """The decoder of `to_message`.

        Raises:
            MessageError: not an object, an unknown or missing field, or a value of the wrong kind.
        """
        if not isinstance(data, dict):
            raise MessageError(
                f"a cam request must be a JSON object, got {type(data).__name__} {data!r:.100}"
            )
        unknown = sorted(repr(k)[:60] for k in data if k not in {f.name for f in fields(cls)})
        if unknown:
            raise MessageError(f"a cam request with unknown field(s) {', '.join(unknown[:5])}")
        try:
            return cls(**data)
        except (TypeError, ValueError) as exc:
            raise MessageError(f"invalid cam request: {exc}") from None


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
