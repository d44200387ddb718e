"""The Qt-free half of reviewing predictions: review marks on the overlay scene, and per-image review figures
that rank images "hardest first".

The undo commands that use `ReviewMark` and the texts shown for `ReviewTracker` live in
`annotator.ui.model.review`. Image ids are the image paths the predictions carry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.overlay_scene import OverlayScene


class ReviewMark:
    """Adds/removes keys (`OverlayScene.prediction_key`) of the scene's ``reviewed`` set, if the scene still
    shows the same image; calls ``on_change`` after each change."""

    def __init__(self, scene: OverlayScene, image_id: str, keys: list[tuple], on_change: Callable[[], None]):
        self.scene, self.image_id, self.keys, self.on_change = scene, image_id, keys, on_change

    def _same_image(self) -> bool:
        return self.scene.prediction is not None and self.scene.prediction.image_id == self.image_id

    def set(self, reviewed: bool) -> None:
        if self._same_image():
            if reviewed:
                self.scene.reviewed.update(self.keys)
            else:
                self.scene.reviewed.difference_update(self.keys)
        self.on_change()


@dataclass
class ImageReview:
    """What the model said about one image, for the file list status and "next hardest" navigation.

    Attributes:
        confidence: the best score among the shown predictions (0 when the model found nothing).
        mean_iou: mean IoU of the ground truth with the predictions; NaN when the image has no boxes.
        pending: predictions not yet accepted or rejected.
    """

    confidence: float
    mean_iou: float
    pending: int


class ReviewTracker:
    """Per-image review figures, updated each time a prediction is shown or reviewed."""

    def __init__(self) -> None:
        self.images: dict[str, ImageReview] = {}

    def update(self, scene: OverlayScene) -> ImageReview | None:
        if scene.prediction is None:
            return None
        det = scene.detections()
        review = ImageReview(
            confidence=float(det.scores.max()) if len(det) else 0.0,
            mean_iou=scene.iou_summary().mean_iou,
            pending=len(scene.pending()),
        )
        self.images[scene.prediction.image_id] = review
        return review

    def pending(self, image_id: str) -> int:
        """Predictions of ``image_id`` not yet accepted or rejected (0 for an image the model has not seen)."""
        review = self.images.get(image_id)
        return 0 if review is None else review.pending

    def next_hardest(self, order: list[str], current: str | None, by: str) -> str | None:
        """The image after ``current`` in "hardest first" order among images the model has seen.

        Args:
            order: the file list's paths (ties keep this order).
            current: the shown image (skipped; the walk continues after it in the hardest-first order).
            by: ``"confidence"`` (lowest best score first) or ``"iou"`` (lowest mean IoU first; images without
                ground truth are skipped).
        """
        if by not in ("confidence", "iou"):
            raise ValueError(f"by must be 'confidence' or 'iou', got {by!r}")
        rank = {p: i for i, p in enumerate(order)}
        seen = [p for p in order if p in self.images]
        if by == "iou":
            seen = [p for p in seen if not math.isnan(self.images[p].mean_iou)]
            key = [(self.images[p].mean_iou, rank[p], p) for p in seen]
        else:
            key = [(self.images[p].confidence, rank[p], p) for p in seen]
        ranked = [p for *_, p in sorted(key)]
        if not ranked:
            return None
        if current in ranked:
            i = ranked.index(current)
            return ranked[i + 1] if i + 1 < len(ranked) else None
        return ranked[0]
