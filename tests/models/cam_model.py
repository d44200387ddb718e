"""One small model for the "why this class" tests (models, ``render``, the window), trained once per test session.

Its backbone is made of 2 x 2 convolutions of stride 2 (plus 1 x 1 mixing), so each cell of its stride-32 tap sees
its own 32-pixel block and nothing else: where such a model's class evidence lies is a fact of the image, and a
heat map that is right must find it on the flower. (A deep backbone's cells see most of the image, and a model
trained for under a minute spreads its evidence over the background as well: that tests the model, not the map.)
"""

from __future__ import annotations

import time
from pathlib import Path

from annotator.core import sample_data, voc

BACKBONE = "cam_patch"
IMAGE_SIZE = 128
PHOTO_SIZE = (160, 120)
MIN_AREA = 0.1
"""Flowers under this share of the photo are left unlabelled for training: a 128-px model learns little from them."""

TRAINED: dict[str, Path | float] = {}


def patch_backbone(image, image_size):
    """Five 2 x 2 / stride-2 stages (16 ... 96 channels): receptive field = one cell of each tap."""
    from keras import layers

    x = layers.Rescaling(1 / 127.5, offset=-1, name="preprocess")(image)
    taps = {}
    for i, filters in enumerate((16, 32, 48, 64, 96)):
        x = layers.Conv2D(filters, 2, strides=2, use_bias=False, name=f"patch_conv{i}")(x)
        x = layers.BatchNormalization(name=f"patch_bn{i}")(x)
        x = layers.ReLU(name=f"patch_relu{i}")(x)
        if i >= 2:
            x = layers.Conv2D(filters, 1, use_bias=False, name=f"patch_mix{i}")(x)
            x = layers.BatchNormalization(name=f"patch_mix_bn{i}")(x)
            x = layers.ReLU(name=f"patch_mix_relu{i}")(x)
        if 2 ** (i + 1) in (8, 16, 32):
            taps[2 ** (i + 1)] = x
    return taps


def register() -> str:
    from models.backbones import register_backbone

    register_backbone(BACKBONE, patch_backbone)
    return BACKBONE


def box_share(obj, width: int, height: int) -> float:
    x0, y0, x1, y1 = obj.xyxy()
    return (x1 - x0) * (y1 - y0) / (width * height)


def cam_model(root: Path) -> tuple[Path, Path]:
    """(training folder, model file): 600 generated single-flower photos (the 246 of a flower of a tenth of the
    photo or more labelled), 25 epochs from scratch: about 45 s on a busy 2-core machine."""
    if "model" in TRAINED and Path(TRAINED["model"]).is_file():
        return Path(TRAINED["data"]), Path(TRAINED["model"])
    from models.training import TrainConfig, train

    register()
    started = time.monotonic()
    data = root / "cam_flowers"
    sample_data.generate(data, count=600, seed=5, max_flowers=1, image_size=PHOTO_SIZE)
    for xml in sorted(data.glob("*.xml")):  # our own generated copy: small flowers become unlabelled photos
        if box_share(voc.read(xml).objects[0], *PHOTO_SIZE) < MIN_AREA:
            xml.unlink()
    model = root / "cam_run" / "model.keras"
    model.parent.mkdir()
    config = TrainConfig(
        str(data),
        str(model),
        backbone=BACKBONE,
        weights=None,
        image_size=IMAGE_SIZE,
        epochs=25,
        batch_size=32,
        patience=50,
        learning_rate=3e-3,
        seed=0,
        head_options={
            "loc": {"hidden": 64}
        },  # a narrower dense branch: 0.61 of the heat on the flower, not 0.53
    )
    train(config)
    TRAINED.update(data=data, model=model, seconds=time.monotonic() - started)
    return data, model


def fresh_photos(root: Path, count: int = 60, seed: int = 99) -> Path:
    """Fresh generated single-flower photos (another seed than training), labelled."""
    folder = root / f"cam_test_{seed}"
    if not folder.is_dir():
        sample_data.generate(folder, count=count, seed=seed, max_flowers=1, image_size=PHOTO_SIZE)
    return folder
