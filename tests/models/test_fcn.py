"""The fully convolutional trick: converted heads give the Dense model's outputs at the original size."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from models.builder import build_model  # noqa: E402
from models.heads.loc.fcn import dense_stack_to_conv, fcn_from_loc_model, window_boxes_to_pixels  # noqa: E402


def test_classic_flatten_dense_head_on_a_7x7_map():
    keras.utils.set_random_seed(1)
    inp = keras.Input((7, 7, 8))
    x = keras.layers.Flatten()(inp)
    d1 = keras.layers.Dense(16, activation="relu")
    d2 = keras.layers.Dense(3, activation="softmax")
    dense_model = keras.Model(inp, d2(d1(x)))
    fcn = dense_stack_to_conv((7, 7, 8), [d1, d2])
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(4, 7, 7, 8)).astype(np.float32)
    out = np.asarray(fcn(maps))
    assert out.shape == (4, 1, 1, 3)
    np.testing.assert_allclose(out[:, 0, 0], np.asarray(dense_model(maps)), atol=1e-5)
    # On a 10x9 map it slides: a 4x3 map whose every cell is the Dense model on that 7x7 crop.
    big = rng.normal(size=(1, 10, 9, 8)).astype(np.float32)
    slid = np.asarray(fcn(big))[0]
    assert slid.shape == (4, 3, 3)
    for r, c in [(0, 0), (3, 2), (1, 1)]:
        crop = big[:, r : r + 7, c : c + 7]
        np.testing.assert_allclose(slid[r, c], np.asarray(dense_model(crop))[0], atol=1e-5)


@pytest.mark.parametrize("width", [1.0, 0.5])
def test_loc_head_as_it_is_equals_the_model_at_the_original_size_and_slides_on_larger_images(width):
    keras.utils.set_random_seed(2)
    model = build_model(
        ["rose", "tulip", "daisy"], backbone="mobilenetv2", image_size=64, heads="loc", width=width
    )
    images = np.random.default_rng(1).uniform(0, 255, size=(2, 64, 64, 3)).astype(np.float32)
    ref = model(images, training=False)
    fcn = fcn_from_loc_model(model, image_size=64, backbone_name="mobilenetv2", fcn_size=64, width=width)
    out = fcn(images, training=False)
    assert out["cls"].shape == (2, 1, 1, 3) and out["box"].shape == (2, 1, 1, 4)
    np.testing.assert_allclose(np.asarray(out["cls"])[:, 0, 0], np.asarray(ref["cls"]), atol=1e-5)
    np.testing.assert_allclose(np.asarray(out["box"])[:, 0, 0], np.asarray(ref["box"]), atol=1e-5)
    big = fcn_from_loc_model(model, image_size=64, backbone_name="mobilenetv2", fcn_size=160, width=width)
    out = big(np.zeros((1, 160, 160, 3), np.float32), training=False)
    assert out["cls"].shape == (1, 4, 4, 3) and out["evidence"].shape == (1, 5, 5, 3)
    np.testing.assert_allclose(np.asarray(out["cls"]).sum(-1), 1.0, atol=1e-5)


def test_window_boxes_to_pixels_offsets_each_window_by_the_stride():
    box_map = np.tile(np.array([0.5, 0.5, 0.25, 0.5]), (2, 2, 1))
    px = window_boxes_to_pixels(box_map, 64)
    np.testing.assert_allclose(px[0, 0], [24, 16, 40, 48])
    np.testing.assert_allclose(px[1, 1], [24 + 32, 16 + 32, 40 + 32, 48 + 32])
