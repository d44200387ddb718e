"""k-means anchors on box sizes (1 - IoU distance): known clusters, determinism, few boxes, the baseline."""

from __future__ import annotations

import numpy as np
import pytest

from models.heads.grid.anchors import (
    boxes_to_wh,
    fit_anchors,
    kmeans_anchors,
    mean_best_iou,
    square_anchors,
    wh_iou,
)

CENTRES = np.array([[0.08, 0.10], [0.30, 0.15], [0.15, 0.45], [0.60, 0.60]])


def _clustered(n_per: int = 60, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([c * rng.uniform(0.93, 1.07, size=(n_per, 2)) for c in CENTRES])


def test_wh_iou_of_centred_boxes():
    iou = wh_iou([[2, 2], [1, 4]], [[2, 2], [4, 1]])
    assert iou[0, 0] == pytest.approx(1.0)
    # 1x4 vs 4x1 share a 1x1 square: 1 / (4 + 4 - 1)
    assert iou[1, 1] == pytest.approx(1 / 7)
    assert iou[0, 1] == pytest.approx(2 / (4 + 4 - 2))


def test_kmeans_finds_known_clusters():
    wh = _clustered()
    anchors = kmeans_anchors(wh, 4, seed=0)
    assert anchors.shape == (4, 2)
    expected = CENTRES[np.argsort(CENTRES.prod(axis=1))]
    np.testing.assert_allclose(anchors, expected, rtol=0.05)
    assert mean_best_iou(wh, anchors) > 0.9


def test_kmeans_is_deterministic_with_a_seed_and_sorted_by_area():
    wh = np.random.default_rng(3).uniform(0.05, 0.9, size=(200, 2))
    a = kmeans_anchors(wh, 5, seed=7)
    b = kmeans_anchors(wh, 5, seed=7)
    np.testing.assert_array_equal(a, b)
    areas = a.prod(axis=1)
    assert np.all(np.diff(areas) >= 0)


def test_fewer_distinct_boxes_than_anchors_gives_fewer_anchors_no_duplicates():
    wh = np.array([[0.2, 0.3], [0.2, 0.3], [0.5, 0.5]])
    anchors = kmeans_anchors(wh, 5)
    assert anchors.shape == (2, 2)
    assert mean_best_iou(wh, anchors) == pytest.approx(1.0)
    single = kmeans_anchors([[0.4, 0.2]], 5)
    np.testing.assert_allclose(single, [[0.4, 0.2]])


def test_kmeans_beats_square_baseline_on_elongated_boxes():
    wh = _clustered()
    k = 4
    km = fit_anchors(wh, k, seed=0)
    side = np.sqrt(wh.prod(axis=1))
    base = square_anchors(k, low=side.min(), high=side.max())
    assert km.mean_iou > mean_best_iou(wh, base) + 0.05
    assert km.n_boxes == len(wh)


def test_square_anchors_are_evenly_spaced_squares():
    a = square_anchors(3, low=0.2, high=0.6)
    np.testing.assert_allclose(a, [[0.2, 0.2], [0.4, 0.4], [0.6, 0.6]], rtol=1e-6)
    with pytest.raises(ValueError, match="k must be"):
        square_anchors(0)


@pytest.mark.parametrize("bad", [np.zeros((0, 2)), [[0.2, 0.0]], [[np.nan, 0.3]], [[0.1, 0.2, 0.3]]])
def test_bad_input_raises_a_clear_error(bad):
    with pytest.raises(ValueError, match="box|boxes|shape"):
        kmeans_anchors(bad, 3)


def test_boxes_to_wh_normalizes_pixel_boxes():
    wh = boxes_to_wh([[10, 20, 60, 120]], width=200, height=400)
    np.testing.assert_allclose(wh, [[0.25, 0.25]])
