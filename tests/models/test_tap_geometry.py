"""Receptive-field centres of a tap's cells (`models.backbones.tap_geometry`): the arithmetic against the centre of
mass of a linear network's input gradient, and on the real backbones."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from models.backbones import build_backbone, register_backbone
from models.backbones.tap_geometry import TapGeometryError, tap_centres


def _mixed(image, image_size):
    """Every kind of layer the arithmetic follows: asymmetric zero padding, valid and same convolutions of odd and
    even kernels, a dilated one, a pooling, an Add of two branches; linear (no activation) for the gradient check."""
    x = layers.ZeroPadding2D(((2, 0), (1, 1)), name="mixed_pad")(image)
    x = layers.Conv2D(2, 3, padding="valid", name="mixed_valid")(x)  # size back to even: 256 + 2 - 2
    x = layers.Conv2D(2, 3, strides=2, padding="same", name="mixed_same3")(x)
    x = layers.AveragePooling2D(3, strides=2, padding="same", name="mixed_pool")(x)
    branch = layers.Conv2D(2, 3, dilation_rate=2, padding="same", name="mixed_dilated")(x)
    x = layers.Add(name="mixed_add")([branch, x])
    t8 = layers.Conv2D(2, 2, strides=2, name="mixed_patch")(x)
    t16 = layers.Conv2D(2, 5, strides=2, padding="same", name="mixed_same5")(t8)
    t32 = layers.Conv2D(2, 3, strides=2, padding="same", name="mixed_out")(t16)
    return {8: t8, 16: t16, 32: t32}


@pytest.fixture(scope="module")
def mixed():
    register_backbone("mixed_geometry", _mixed)
    backbone = build_backbone("mixed_geometry", image_size=256)
    for w in backbone.weights:  # all-positive kernels: the gradient is the receptive field's weighting
        if w.path.endswith("kernel"):
            w.assign(np.full(w.shape, 0.1, np.float32))
        else:
            w.assign(np.zeros(w.shape, np.float32))
    return backbone


def test_centres_match_the_centre_of_mass_of_each_cells_input_gradient(mixed):
    x = tf.constant(np.ones((1, 256, 256, 3), np.float32))
    for tap, stride in enumerate((8, 16, 32)):
        centres_y, centres_x = tap_centres(mixed, stride)
        rows, cols = mixed.outputs[tap].shape[1:3]
        assert (len(centres_y), len(centres_x)) == (rows, cols)
        r, c = rows // 2, cols // 2 - 1  # an inner cell: its field lies inside the image, unclipped
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = mixed(x)[tap][0, r, c]
            total = tf.reduce_sum(out)
        grad = tape.gradient(total, x).numpy()[0].sum(-1)
        positions = np.arange(256) + 0.5  # pixel i spans [i, i + 1)
        assert (grad.sum(1) * positions).sum() / grad.sum() == pytest.approx(centres_y[r], abs=1e-3)
        assert (grad.sum(0) * positions).sum() / grad.sum() == pytest.approx(centres_x[c], abs=1e-3)
        # 2 rows padded above, 1 column on each side: rows sit 1 px above columns; both axes are followed
        assert centres_y[0] - centres_x[0] == pytest.approx(-1.0)
        assert np.allclose(np.diff(centres_x), stride)


@pytest.mark.parametrize(("name", "size", "offset"), [("mobilenetv2", 64, 15.5), ("resnet34", 64, 15.5)])
def test_real_backbones_sit_half_a_cell_off_their_blocks(name, size, offset):
    """Keras' "same" padding of an even input pads after, not before: five stride-2 layers move a stride-32 cell
    15.5 px right and down from the middle of its 32-px block."""
    backbone = build_backbone(name, image_size=size)
    centres_y, centres_x = tap_centres(backbone, 32)
    assert np.allclose(centres_x - (np.arange(size // 32) + 0.5) * 32, offset)
    assert np.allclose(centres_y, centres_x)


def test_a_layer_the_arithmetic_does_not_know_is_named():
    def resized(image, image_size):
        x = layers.Conv2D(2, 3, strides=8, padding="same", name="rs_in")(image)
        small = layers.Resizing(image_size // 16, image_size // 16, name="rs_resize")(x)
        t32 = layers.Conv2D(2, 1, strides=2, name="rs_out")(small)
        return {8: x, 16: small, 32: t32}

    register_backbone("resized_geometry", resized)
    with pytest.raises(TapGeometryError, match="rs_resize"):
        tap_centres(build_backbone("resized_geometry", image_size=64), 32)
