"""The fully convolutional trick: a classifier's Dense layers turned into equivalent convolutions.

A Dense layer that reads a flattened ``h x w x C`` map is the same linear map as an ``h x w`` "valid"
convolution with ``units`` filters (the Dense kernel reshaped to ``(h, w, C, units)``, Flatten's row-major
order), and every later Dense is a 1x1 convolution. Given a larger image, the converted network slides the
original classifier over it with a stride of 32 pixels (the backbone's stride) and outputs a *map* of class
scores and boxes, one per ``image_size``-pixel window, in one forward pass.

Global average pooling followed by a Dense layer is linear too: ``Dense(GAP(x)) = mean over the window of
Conv1x1(x)`` (the Dense kernel as a 1x1 convolution, then an average pool with the window's size and stride 1).
The per-cell ``Conv1x1(x)`` map before the pooling is the class evidence of each 32-pixel cell (a class
activation map).

`fcn_from_loc_model` converts the ``loc`` head of `models.heads.loc.head` as it is (GAP branch + 1x1 reduce, Flatten,
Dense branch, concatenated into ``cls``; ``box`` from the Dense branch). `dense_stack_to_conv` is the classic
Flatten -> Dense -> Dense case. `render_fcn_map` draws the class-score map of an image to a PNG.

Box outputs of the map are normalized cxcywh **relative to each window** (the ``image_size`` crop at the
window's position), as the loc head learned them; `window_boxes_to_pixels` turns them into image pixels.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from annotator.core.geometry import cxcywh_to_xyxy

STRIDE = 32


def dense_as_conv(dense: layers.Dense, window: tuple[int, int], in_channels: int, name: str) -> layers.Conv2D:
    """A built `Conv2D` computing what ``dense`` computes on a flattened ``window x in_channels`` map.

    Args:
        dense: a built Dense layer whose input size is ``window[0] * window[1] * in_channels``.
        window: ``(h, w)`` of the map the Dense read after a Flatten; ``(1, 1)`` gives a 1x1 convolution.
        in_channels: channels of that map.
        name: the new layer's name.

    Returns:
        A ``valid`` Conv2D with ``dense.units`` filters, the Dense's activation, and its weights set.
    """
    kernel, *bias = dense.get_weights()
    h, w = window
    if kernel.shape[0] != h * w * in_channels:
        raise ValueError(
            f"Dense {dense.name!r} reads {kernel.shape[0]} inputs, not {h}x{w}x{in_channels} = {h * w * in_channels}"
        )
    conv = layers.Conv2D(
        dense.units, (h, w), padding="valid", activation=dense.activation, use_bias=bool(bias), name=name
    )
    conv.build((None, None, None, in_channels))
    conv.set_weights([kernel.reshape(h, w, in_channels, dense.units), *bias])
    return conv


def dense_stack_to_conv(
    feature_shape: tuple[int, int, int], dense_layers: Sequence[layers.Dense], name: str = "fcn"
) -> keras.Model:
    """The classic case: ``Flatten -> Dense -> Dense ...`` on an ``h x w x C`` map, as a fully convolutional model.

    Args:
        feature_shape: ``(h, w, C)`` of the map the first Dense read (flattened).
        dense_layers: the Dense layers in order (Dropout and other identities at inference are skipped).
        name: the model's name.

    Returns:
        A model from a ``(None, None, C)`` map to a ``(H - h + 1, W - w + 1, units)`` map; at the original size
        the map is 1x1 and equals the Dense stack's output.
    """
    h, w, c = feature_shape
    x = inp = keras.Input((None, None, c))
    channels, window = c, (h, w)
    for i, dense in enumerate(dense_layers):
        x = dense_as_conv(dense, window, channels, f"{name}_conv{i}")(x)
        channels, window = dense.units, (1, 1)
    return keras.Model(inp, x, name=name)


def _split_dense(dense: layers.Dense, sizes: Sequence[int], name: str) -> list[layers.Conv2D]:
    """1x1 convolutions of the row blocks of ``dense``'s kernel (the first one keeps the bias), linear."""
    kernel, *bias = dense.get_weights()
    convs, start = [], 0
    for j, n in enumerate(sizes):
        conv = layers.Conv2D(dense.units, 1, use_bias=j == 0 and bool(bias), name=f"{name}_part{j}")
        conv.build((None, None, None, n))
        conv.set_weights([kernel[start : start + n].reshape(1, 1, n, dense.units), *(bias if j == 0 else [])])
        convs.append(conv)
        start += n
    if start != kernel.shape[0]:
        raise ValueError(f"Dense {dense.name!r} reads {kernel.shape[0]} inputs, parts add up to {start}")
    return convs


def fcn_from_loc_model(
    model: keras.Model, *, image_size: int, backbone_name: str, fcn_size: int, width: float = 1.0
) -> keras.Model:
    """The ``loc`` head of a `models.builder` model, slid over a ``fcn_size`` input.

    Args:
        model: a model with the ``loc`` head (outputs ``cls`` and ``box``).
        image_size: the input side the model was built for.
        backbone_name: its backbone (to rebuild the backbone at the new size; the weights are copied).
        fcn_size: the new input side, a multiple of 32 and >= ``image_size``.
        width: the backbone's width multiplier (`models.modelfile.ModelInfo.width`).

    Returns:
        A model from (fcn_size, fcn_size, 3) RGB 0..255 to a dict: ``cls`` (n, n, C) softmax per window,
        ``box`` (n, n, 4) normalized cxcywh per window, ``evidence`` (m, m, C) per-cell class logits of the
        pooled branch (m = fcn_size / 32, n = m - image_size / 32 + 1).
    """
    from models.backbones import STRIDES, build_backbone

    if fcn_size % STRIDE or fcn_size < image_size:
        raise ValueError(f"fcn_size must be a multiple of 32 and >= {image_size}, got {fcn_size!r}")
    heads = model.get_layer("heads")
    old_bb = model.get_layer("backbone")
    bb = build_backbone(backbone_name, weights=None, image_size=fcn_size, width=width)
    bb.set_weights(old_bb.get_weights())
    reduce_ = heads.get_layer("loc_reduce")
    dense = heads.get_layer("loc_dense")
    cls_dense, box_dense = heads.get_layer("cls"), heads.get_layer("box")
    tap_shape = heads.get_layer("loc_gap").input.shape  # (None, S, S, Cb)
    s, cb = int(tap_shape[1]), int(tap_shape[3])
    hidden = dense.units

    image = keras.Input((fcn_size, fcn_size, 3), name="image")
    x = bb(image)[STRIDES.index(32)]
    z = layers.Conv2D(reduce_.filters, 1, activation=reduce_.activation, name="fcn_reduce")
    z.build((None, None, None, cb))
    z.set_weights(reduce_.get_weights())
    z_map = dense_as_conv(dense, (s, s), reduce_.filters, "fcn_dense")(z(x))
    pooled_part, z_part = _split_dense(cls_dense, [cb, hidden], "fcn_cls")
    evidence = pooled_part(x)  # Dense-on-GAP as a 1x1 conv: per-cell class logits
    pooled = layers.AveragePooling2D(s, strides=1, padding="valid", name="fcn_window_mean")(evidence)
    logits = layers.Add(name="fcn_cls_logits")([pooled, z_part(z_map)])
    cls = layers.Activation(cls_dense.activation, name="cls")(logits)
    box = dense_as_conv(box_dense, (1, 1), hidden, "box")(z_map)
    return keras.Model(image, {"cls": cls, "box": box, "evidence": evidence}, name="fcn_loc")


def window_boxes_to_pixels(box_map: np.ndarray, image_size: int, scale: float = 1.0) -> np.ndarray:
    """Window-relative normalized cxcywh boxes (n, n, 4) -> xyxy pixels of the FCN input (times ``scale``)."""
    n_rows, n_cols = box_map.shape[:2]
    rows, cols = np.mgrid[0:n_rows, 0:n_cols]
    cx = cols * STRIDE + box_map[..., 0] * image_size
    cy = rows * STRIDE + box_map[..., 1] * image_size
    w, h = box_map[..., 2] * image_size, box_map[..., 3] * image_size
    return cxcywh_to_xyxy(np.stack([cx, cy, w, h], -1)) * scale


CLASS_COLOURS = np.array(
    [[255, 255, 255], [230, 60, 60], [250, 210, 40], [60, 170, 250], [240, 120, 220], [120, 230, 110]],
    np.uint8,
)


def render_fcn_map(
    model_path: str | os.PathLike,
    image_path: str | os.PathLike,
    out_png: str | os.PathLike,
    *,
    scale: int = 2,
) -> dict:
    """Slide the model's ``loc`` head over an image ``scale`` times the model's input size and draw the map.

    The image is stretched to ``scale * image_size`` pixels (the model's own preprocessing); each window's
    best class is painted as a translucent square around the window's centre (opacity = its probability),
    with the best window's box drawn and a legend. The PNG is written atomically.

    Returns:
        ``{"map_shape": (n, n), "classes": [...], "best_window": (row, col), "best_class": name,
        "best_score": float}``.
    """
    import cv2

    from annotator.core.atomic import atomic_write_bytes
    from models.data import load_image_for_model
    from models.modelfile import load_model

    model, info = load_model(model_path)
    if "loc" not in info.heads:
        raise ValueError(f"{model_path}: the FCN map needs the loc head; this model has {info.heads}")
    size = int(info.image_size) * int(scale)
    fcn = fcn_from_loc_model(
        model, image_size=info.image_size, backbone_name=info.backbone, fcn_size=size, width=info.width
    )
    pixels, _ = load_image_for_model(image_path, size)
    out = fcn(pixels[None].astype(np.float32), training=False)
    probs = np.asarray(out["cls"])[0]
    boxes = window_boxes_to_pixels(np.asarray(out["box"])[0], info.image_size)
    n = probs.shape[0]
    canvas = pixels.astype(np.float32)
    overlay = np.zeros_like(canvas)
    alpha = np.zeros(canvas.shape[:2], np.float32)
    half = info.image_size // 2
    for r in range(n):
        for c in range(n):
            k = int(probs[r, c].argmax())
            cy, cx = r * STRIDE + half, c * STRIDE + half
            sl = (slice(cy - STRIDE // 2, cy + STRIDE // 2), slice(cx - STRIDE // 2, cx + STRIDE // 2))
            overlay[sl] = CLASS_COLOURS[1 + k % (len(CLASS_COLOURS) - 1)]
            alpha[sl] = 0.6 * float(probs[r, c, k])
    canvas = canvas * (1 - alpha[..., None]) + overlay * alpha[..., None]
    canvas = canvas.astype(np.uint8)
    best = np.unravel_index(int(probs.max(axis=-1).argmax()), (n, n))
    k_best = int(probs[best].argmax())
    x0, y0, x1, y1 = (int(round(v)) for v in boxes[best])
    cv2.rectangle(canvas, (x0, y0), (x1, y1), (255, 255, 255), 2)
    for k, name in enumerate(info.class_names):
        colour = tuple(int(v) for v in CLASS_COLOURS[1 + k % (len(CLASS_COLOURS) - 1)])
        cv2.rectangle(canvas, (4, 4 + 14 * k), (14, 14 + 14 * k), colour, -1)
        cv2.putText(canvas, name, (18, 14 + 14 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1)
    ok, png = cv2.imencode(".png", cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError(f"could not encode the FCN map of {image_path} as PNG")
    atomic_write_bytes(out_png, png.tobytes())
    return {
        "map_shape": (n, n),
        "classes": list(info.class_names),
        "best_window": (int(best[0]), int(best[1])),
        "best_class": info.class_names[k_best],
        "best_score": float(probs[best][k_best]),
    }
