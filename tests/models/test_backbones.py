"""Every backbone and the loc head build with weights=None on small inputs, with the documented taps."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from models.backbones import build_backbone, set_fine_tune, tap_name
from models.backbones.resnet34 import ResidualUnit
from models.builder import build_model


@pytest.mark.parametrize(("name", "size"), [("mobilenetv2", 64), ("resnet34", 64), ("xception", 96)])
def test_model_outputs_have_documented_shapes(name, size):
    model = build_model(["daisy", "roses", "tulips"], backbone=name, weights=None, image_size=size)
    x = np.random.default_rng(0).uniform(0, 255, (2, size, size, 3)).astype(np.float32)
    out = model(x, training=False)
    assert set(out) == {"cls", "box"}
    cls, box = np.asarray(out["cls"]), np.asarray(out["box"])
    assert cls.shape == (2, 3) and box.shape == (2, 4)
    np.testing.assert_allclose(cls.sum(axis=1), 1.0, rtol=1e-5)
    assert (box > 0).all() and (box < 1).all()  # sigmoid: every box is a valid normalized cxcywh
    backbone = model.get_layer("backbone")
    for stride, tap in zip((8, 16, 32), backbone.outputs, strict=True):
        assert backbone.get_layer(tap_name(stride)) is not None
        assert abs(tap.shape[1] - size / stride) <= 1, (stride, tap.shape)


def test_bad_arguments_are_refused_with_the_value():
    with pytest.raises(ValueError, match="'vgg'"):
        build_backbone("vgg")
    with pytest.raises(ValueError, match="100"):
        build_backbone("resnet34", image_size=100)
    with pytest.raises(ValueError, match="64"):
        build_backbone("xception", image_size=64)
    with pytest.raises(ValueError, match="head"):
        build_model(["a"], backbone="resnet34", image_size=64, heads=("nope",))


def test_mobilenetv2_comes_in_widths_and_the_others_refuse_one():
    full = build_backbone("mobilenetv2", image_size=64)
    half = build_backbone("mobilenetv2", image_size=64, width=0.5)
    assert half.count_params() < 0.6 * full.count_params()
    # the stride-32 tap keeps 1280 channels at every width below 1 (Keras' MobileNetV2), the earlier ones shrink
    assert half.outputs[0].shape[-1] < full.outputs[0].shape[-1]
    with pytest.raises(ValueError, match=r"width must be one of 0.35, 0.5.*got 0.6"):
        build_backbone("mobilenetv2", image_size=64, width=0.6)
    with pytest.raises(ValueError, match=r"xception, got 0.5 \(only mobilenetv2"):
        build_model(["a"], backbone="xception", image_size=96, width=0.5)


def test_residual_unit_serializes_and_skip_path_only_when_strided():
    unit = ResidualUnit(16, strides=2, name="u")
    x = np.ones((1, 8, 8, 4), np.float32)
    assert tuple(unit(x).shape) == (1, 4, 4, 16)
    clone = ResidualUnit.from_config(unit.get_config())
    assert clone.filters == 16 and clone.strides == 2 and len(clone.skip_layers) == 2
    assert ResidualUnit(16, strides=1).skip_layers == []
    with pytest.raises(ValueError, match="3"):
        ResidualUnit(8, strides=3)


def test_fine_tune_unfreezes_the_top_and_keeps_every_batchnorm_frozen():
    backbone = build_backbone("resnet34", image_size=64)
    assert set_fine_tune(backbone, trainable=False) == 0
    assert not backbone.trainable_weights
    set_fine_tune(backbone, trainable=True, from_layer="stage4_unit1")
    trainable = {w.path for w in backbone.trainable_weights}
    assert trainable and all("stage4" in p for p in trainable)
    bns = [
        layer
        for layer in backbone._flatten_layers(include_self=False, recursive=True)
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert bns and not any(bn.trainable for bn in bns)


def test_weights_file_loads_into_the_same_backbone(tmp_path):
    first = build_backbone("resnet34", image_size=32)
    path = tmp_path / "r34.weights.h5"
    first.save_weights(str(path))
    second = build_backbone("resnet34", weights=str(path), image_size=32)
    x = np.random.default_rng(1).uniform(0, 255, (1, 32, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(first(x)[2]), np.asarray(second(x)[2]), atol=1e-5)
