"""Backbones with stride-8, 16 and 32 feature taps: Xception, ResNet-34 and MobileNetV2.

Every backbone is a `keras.Model` named ``"backbone"`` whose input is ``(image_size, image_size, 3)`` float32
RGB pixels in 0..255 (preprocessing is a `Rescaling` layer inside, never a `Lambda`, so the model file loads
with ``safe_mode=True``) and whose outputs are the list ``[stride8, stride16, stride32]``, produced by
`Identity` layers named ``tap_stride8``, ``tap_stride16`` and ``tap_stride32``.

Their names and widths are written once, in `annotator.core.model_facts` (the window reads them without
TensorFlow); `BACKBONES` here maps each name to its builder.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import layers

from annotator.core.model_facts import WIDTHS
from models.backbones.resnet34 import resnet34
from models.backbones.weights import resolve_weights

STRIDES: tuple[int, ...] = (8, 16, 32)
MIN_IMAGE_SIZE = {"xception": 71, "resnet34": 32, "mobilenetv2": 32}
# Where fine-tuning starts unfreezing: the first layer of the last block(s) of each backbone.
FINE_TUNE_FROM = {
    "xception": "block13_sepconv1_act",
    "resnet34": "stage4_unit1",
    "mobilenetv2": "block_13_expand",
}


def tap_name(stride: int) -> str:
    """The name of the layer that outputs the feature map of ``stride``."""
    return f"tap_stride{stride}"


def _rescale_to_unit(x: keras.KerasTensor) -> keras.KerasTensor:
    return layers.Rescaling(1.0 / 127.5, offset=-1.0, name="preprocess")(x)


def _xception(image: keras.KerasTensor, image_size: int, width: float = 1.0) -> dict[int, keras.KerasTensor]:
    x = _rescale_to_unit(image)
    base = keras.applications.Xception(include_top=False, weights=None, input_tensor=x)
    adds = [layer for layer in base.layers if isinstance(layer, layers.Add)]
    # Add layers in order: block2, block3 (stride 8), block4, block5..12 (block12 = stride 16), block13.
    return {8: adds[1].output, 16: adds[10].output, 32: base.get_layer("block14_sepconv2_act").output}


def _mobilenetv2(
    image: keras.KerasTensor, image_size: int, width: float = 1.0
) -> dict[int, keras.KerasTensor]:
    x = _rescale_to_unit(image)
    base = keras.applications.MobileNetV2(include_top=False, weights=None, input_tensor=x, alpha=width)
    return {
        8: base.get_layer("block_5_add").output,
        16: base.get_layer("block_12_add").output,
        32: base.get_layer("out_relu").output,
    }


def _resnet34(image: keras.KerasTensor, image_size: int, width: float = 1.0) -> dict[int, keras.KerasTensor]:
    _, taps = resnet34(_rescale_to_unit(image))
    return taps


BACKBONES: dict[str, Callable[..., dict[int, keras.KerasTensor]]] = {
    "xception": _xception,
    "resnet34": _resnet34,
    "mobilenetv2": _mobilenetv2,
}


def register_backbone(
    name: str,
    build: Callable[[keras.KerasTensor, int], dict[int, keras.KerasTensor]],
    *,
    min_image_size: int = 32,
    fine_tune_from: str | None = None,
) -> None:
    """Add a backbone: ``build(image 0..255 KerasTensor, image_size) -> {8: t, 16: t, 32: t}`` (it is called
    with a ``width`` keyword only when a width other than 1.0 is asked for, which `check_backbone_args` refuses
    for a backbone without `WIDTHS`).

    ``fine_tune_from`` names the first layer unfrozen by fine-tuning (None: all layers).
    """
    BACKBONES[name] = build
    MIN_IMAGE_SIZE[name] = min_image_size
    if fine_tune_from is not None:
        FINE_TUNE_FROM[name] = fine_tune_from


def check_backbone_args(name: str, image_size: int, width: float = 1.0) -> None:
    """Raise `ValueError` quoting the value when ``name``, ``image_size`` or ``width`` cannot be built."""
    if name not in BACKBONES:
        raise ValueError(f"unknown backbone {name!r}; choose one of {', '.join(BACKBONES)}")
    widths = WIDTHS.get(name, (1.0,))
    if not isinstance(width, (int, float)) or float(width) not in widths:
        raise ValueError(
            f"width must be one of {', '.join(str(w) for w in widths)} for {name}, got {width!r}"
            + ("" if name in WIDTHS else f" (only {', '.join(WIDTHS)} comes in several widths)")
        )
    if not isinstance(image_size, int) or image_size % 32 or image_size < MIN_IMAGE_SIZE[name]:
        raise ValueError(
            f"image_size must be a multiple of 32 and at least {MIN_IMAGE_SIZE[name]} for {name}, "
            f"got {image_size!r}"
        )


def build_backbone(
    name: str = "xception", *, weights: str | None = None, image_size: int = 224, width: float = 1.0
) -> keras.Model:
    """Build a backbone whose outputs are the stride-8, 16 and 32 feature maps.

    Args:
        name: ``xception``, ``resnet34`` or ``mobilenetv2``.
        weights: ``None``/``"none"`` for random weights, ``"imagenet"`` (Keras' cache or a download) or a
            weights file (Keras ``.h5`` of the application without top, or a ``.weights.h5`` of this backbone).
        image_size: the square input side in pixels, a multiple of 32.
        width: the width multiplier (MobileNetV2's ``alpha``, one of `WIDTHS`); 1.0 for every other backbone.

    Returns:
        A model named ``"backbone"``: input float32 RGB 0..255 of shape (image_size, image_size, 3), outputs
        ``[stride8, stride16, stride32]``.

    Raises:
        ValueError: unknown name or bad size; `models.backbones.weights.WeightsError` when weights are unavailable.
    """
    check_backbone_args(name, image_size, width)
    weights_path = resolve_weights(weights, name, image_size, width)
    image = keras.Input((image_size, image_size, 3), name="backbone_image")
    taps = BACKBONES[name](image, image_size, **({} if width == 1.0 else {"width": float(width)}))
    legacy_h5 = weights_path is not None and not str(weights_path).endswith(".weights.h5")
    if legacy_h5:  # Keras applications' files: loaded in layer order into the bare network
        keras.Model(image, taps[32]).load_weights(str(weights_path))
    outputs = [layers.Identity(name=tap_name(s))(taps[s]) for s in STRIDES]
    model = keras.Model(image, outputs, name="backbone")
    if weights_path is not None and not legacy_h5:
        model.load_weights(str(weights_path))
    return model


def set_fine_tune(backbone: keras.Model, *, trainable: bool, from_layer: str | None = None) -> int:
    """Freeze the backbone, or unfreeze its layers from ``from_layer`` on, keeping every BatchNormalization frozen.

    Keras 3: ``training=False`` does not freeze BN once the base is trainable, so each BN layer (also those
    nested inside `ResidualUnit`s) gets ``trainable=False`` here.

    Args:
        backbone: the model from `build_backbone`.
        trainable: False freezes everything; True unfreezes ``from_layer`` and every layer after it (all
            layers when ``from_layer`` is None or unknown).
        from_layer: a layer name of the backbone, e.g. ``FINE_TUNE_FROM[name]``.

    Returns:
        The number of weight tensors left trainable.
    """
    if not trainable:
        backbone.trainable = False
        return 0
    backbone.trainable = True
    names = [layer.name for layer in backbone.layers]
    start = names.index(from_layer) if from_layer in names else 0
    for i, layer in enumerate(backbone.layers):
        layer.trainable = i >= start
    for layer in backbone._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
    return len(backbone.trainable_weights)
