"""Hardest-first ranking of the images the model has seen (Qt-free: no display, no Qt import)."""

from __future__ import annotations

import math

import pytest

from annotator.core.prediction_review import ImageReview, ReviewTracker


def test_hardest_first_order_by_confidence_and_by_iou():
    t = ReviewTracker()
    t.images = {
        "a": ImageReview(0.9, 0.8, 1),
        "b": ImageReview(0.2, math.nan, 1),
        "c": ImageReview(0.5, 0.1, 0),
        "d": ImageReview(0.2, 0.5, 2),
    }
    order = ["a", "b", "c", "d", "e"]
    assert t.next_hardest(order, "e", "confidence") == "b"  # not ranked yet: start at the hardest
    assert t.next_hardest(order, "b", "confidence") == "d"  # ties keep the file order
    assert t.next_hardest(order, "a", "confidence") is None  # the easiest is last
    assert t.next_hardest(order, None, "iou") == "c"  # images without ground truth are skipped
    assert t.next_hardest(order, "c", "iou") == "d"
    with pytest.raises(ValueError, match="confidence"):
        t.next_hardest(order, None, "size")
