"""Fixtures for model tests: a tiny synthetic VOC dataset (see synthetic_voc.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.models.synthetic_voc import make_dataset


@pytest.fixture(scope="session")
def tiny_voc(tmp_path_factory) -> Path:
    """24 labelled images of 80x64 pixels, 3 classes, with masks. Session-scoped: treat as read-only."""
    root = tmp_path_factory.mktemp("tiny_voc")
    make_dataset(root, 24, seed=1)
    return root


def _tiny_backbone(image, image_size):
    """Three strided convolutions: the training machinery's tests need a backbone, not a big one."""
    from keras import layers

    x = layers.Rescaling(1 / 127.5, offset=-1, name="preprocess")(image)
    taps = {}
    for i, (stride, filters) in enumerate(((8, 8), (16, 16), (32, 32))):
        x = layers.Conv2D(
            filters, 3, strides=8 if i == 0 else 2, padding="same", activation="relu", name=f"tiny_conv{i}"
        )(x)
        x = layers.BatchNormalization(name=f"tiny_bn{i}")(x)
        taps[stride] = x
    return taps


@pytest.fixture(scope="session", autouse=True)
def tiny_backbone() -> str:
    """Registers the ``tiny_test`` backbone (fine-tuning unfreezes from ``tiny_conv2``)."""
    from models.backbones import register_backbone

    register_backbone("tiny_test", _tiny_backbone, fine_tune_from="tiny_conv2")
    return "tiny_test"


def scratch_config(data, out, **kw):
    """Small from-scratch settings: ResNet-34 at 32 px, 5 epochs, no augmentation (fast and stable)."""
    from models.training import TrainConfig

    base = dict(
        backbone="resnet34",
        weights=None,
        image_size=32,
        epochs=5,
        batch_size=8,
        augment=False,
        patience=20,
        learning_rate=2e-3,
        seed=0,
    )
    base.update(kw)
    return TrainConfig(str(data), str(out), **base)


@pytest.fixture(scope="session")
def scratch_run(tiny_voc, tmp_path_factory):
    """One real from-scratch training run on `tiny_voc`: ``(TrainResult, events, model path)``."""
    from models.training import train

    out = tmp_path_factory.mktemp("scratch") / "model.keras"
    events = []
    result = train(scratch_config(tiny_voc, out), progress=events.append)
    return result, events, out
