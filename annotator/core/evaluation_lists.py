"""Which evaluated images a list shows, and in what order, from an evaluation's per-image counts (no Qt).

The window's file list uses these after an evaluation (`annotator.ui.model.evaluation_features`): show only the
images with misses (or false alarms, wrong classes, or the cases of one confusion cell), sorted by the most misses
first, and so on. Images are named by their evaluation image ids.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from annotator.core.evaluation import EvaluationViews, ImageCounts

IMAGE_FILTERS = ("all", "evaluated", "misses", "false_alarms", "wrong_classes", "cell")
"""``all`` images of the folder; the ``evaluated`` ones; those with at least one miss / false alarm / wrong class;
those holding the cases of the chosen confusion ``cell``."""
IMAGE_SORTS = ("folder", "misses", "false_alarms", "wrong_classes", "mean_iou")
"""Folder order; the most misses / false alarms / wrong classes first; the lowest mean IoU of matches first."""


def _check(what: str, mode: str, allowed: tuple[str, ...]) -> None:
    if mode not in allowed:
        raise ValueError(f"{what} must be one of {allowed}, got {mode!r}")


def images_shown(
    views: EvaluationViews, mode: str, cell_images: Iterable[str] | None = None
) -> list[str] | None:
    """The image ids a list keeps in ``mode`` (one of `IMAGE_FILTERS`); None: every image (``all``).

    Raises:
        ValueError: an unknown mode.
    """
    _check("image filter", mode, IMAGE_FILTERS)
    if mode == "all":
        return None
    if mode == "cell":
        return list(dict.fromkeys(cell_images or ()))
    if mode == "evaluated":
        return [c.image_id for c in views.images]
    return [c.image_id for c in views.images if getattr(c, mode) > 0]


def _sort_value(counts: ImageCounts, mode: str) -> float:
    if mode == "mean_iou":  # images without a match (nan) after those with one
        return counts.mean_iou if math.isfinite(counts.mean_iou) else 2.0
    return -float(getattr(counts, mode))


def sort_keys(views: EvaluationViews, mode: str) -> dict[str, float] | None:
    """Image id -> sort key (lower first) for ``mode`` (one of `IMAGE_SORTS`); None: folder order.

    Raises:
        ValueError: an unknown mode.
    """
    _check("image sort", mode, IMAGE_SORTS)
    if mode == "folder":
        return None
    return {c.image_id: _sort_value(c, mode) for c in views.images}
