"""The loc head's second look: windows around the first box, crops cut at the source's resolution, boxes mapped back."""

from __future__ import annotations

import numpy as np
import pytest

from models.heads.loc.refine import FACTOR, MIN_SIDE, crop_window, map_back, refine_windows, second_look


def test_windows_are_twice_the_box_at_least_the_minimum_and_stay_inside():
    boxes = np.array(
        [
            [0.5, 0.5, 0.2, 0.1],  # side 2 x 0.2 = 0.4, centred
            [0.5, 0.5, 0.05, 0.05],  # tiny: the minimum side
            [0.02, 0.97, 0.1, 0.05],  # in a corner: pushed inside
            [0.5, 0.5, 0.8, 0.6],  # large: the whole image
        ]
    )
    w = refine_windows(boxes)
    np.testing.assert_allclose(w[0], [0.3, 0.3, FACTOR * 0.2])
    np.testing.assert_allclose(w[1], [0.5 - MIN_SIDE / 2, 0.5 - MIN_SIDE / 2, MIN_SIDE])
    np.testing.assert_allclose(w[2], [0.0, 1.0 - MIN_SIDE, MIN_SIDE])
    np.testing.assert_allclose(w[3], [0.0, 0.0, 1.0])
    assert (w[:, :2] >= 0).all() and (w[:, :2] + w[:, 2:3] <= 1 + 1e-12).all()


def _scene(width, height, rect, colour=(250, 40, 40)):
    """A grey image with one filled rectangle (x0, y0, x1, y1 in pixels)."""
    img = np.full((height, width, 3), 90, np.uint8)
    x0, y0, x1, y1 = rect
    img[y0:y1, x0:x1] = colour
    return img


def _find(images):
    """A detector that reads pixels: the box (normalized cxcywh) of the red pixels, class 0 if red else 1."""
    boxes, cls = [], []
    for img in images:
        ys, xs = np.nonzero(img[..., 0] > 170)
        h, w = img.shape[:2]
        x0, x1, y0, y1 = xs.min() / w, (xs.max() + 1) / w, ys.min() / h, (ys.max() + 1) / h
        boxes.append([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0])
        cls.append([0.9, 0.1])
    return {"box": np.array(boxes, np.float32), "cls": np.array(cls, np.float32)}


def test_a_crop_and_its_box_map_back_to_the_same_pixels():
    source = _scene(640, 480, (300, 200, 332, 224))  # a 32 x 24 px flower in a 640 x 480 photo
    truth = np.array([316 / 640, 212 / 480, 32 / 640, 24 / 480])
    window = refine_windows(truth[None])[0]
    crop, rect = crop_window(source, window, 96)
    assert crop.shape == (96, 96, 3) and crop.dtype == np.uint8
    found = _find(crop[None])["box"]
    # the window is the minimum side, 0.3 of the photo: the flower is 32 of its 192 px, not 32 of 640
    np.testing.assert_allclose(found[0, 2], 32 / 192, atol=1 / 96)
    np.testing.assert_allclose(map_back(found, rect[None])[0], truth, atol=1.5 / 480)


def test_second_look_refines_a_rough_first_box_from_the_full_resolution_source():
    rect = (120, 90, 136, 102)  # 16 x 12 px in a 320 x 240 photo
    source = _scene(320, 240, rect)
    size = 64
    import cv2

    small = cv2.resize(source, (size, size), interpolation=cv2.INTER_AREA)
    first = _find(small[None])
    first["box"] = first["box"] + np.array([[0.02, -0.015, 0.03, 0.02]], np.float32)  # a rough first pass
    first["grid"] = np.ones((1, 2, 2, 3), np.float32)  # other heads' outputs are kept as they are
    out = second_look(first, [source], size, _find)
    truth = np.array([[128 / 320, 96 / 240, 16 / 320, 12 / 240]])
    assert np.abs(out["box"] - truth).max() < 1.5 / 240
    assert np.abs(first["box"] - truth).max() > 0.015
    np.testing.assert_allclose(out["cls"], [[0.9, 0.1]])
    assert out["grid"] is first["grid"]


@pytest.mark.parametrize("side", [0.4, 1.0])
def test_crop_rect_covers_whole_pixels_inside_the_image(side):
    source = _scene(101, 77, (10, 10, 20, 20))
    crop, rect = crop_window(source, np.array([1.0 - side, 0.0, side]), 32)
    assert crop.shape == (32, 32, 3)
    x0, y0, w, h = rect
    assert 0 <= x0 and 0 <= y0 and x0 + w <= 1 + 1e-12 and y0 + h <= 1 + 1e-12
    for value, pixels in ((x0, 101), (w, 101), (y0, 77), (h, 77)):
        assert np.isclose(value * pixels, round(value * pixels))  # whole pixels of the source
    if side == 1.0:
        np.testing.assert_allclose(rect, [0, 0, 1, 1])
