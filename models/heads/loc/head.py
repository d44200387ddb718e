"""The localization head (``loc``): one class and one box per image, the image's largest labelled box.

Outputs: ``cls`` (softmax over the classes) and ``box`` (centre x, centre y, width, height normalized to the
input side, through a sigmoid so every prediction is a valid box). The box branch keeps the stride-32 map's
layout (1x1 conv, flatten, dense) because global pooling would throw away where the flower is.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from annotator.core.geometry import box_area, cxcywh_to_xyxy
from models.builder import HeadContext, HeadSpec, register_head
from models.heads.loc.losses import LOSS_WEIGHTS, loc_losses
from models.metrics import loc_metrics, localization_summary


def build_loc(taps: dict[int, keras.KerasTensor], ctx: HeadContext) -> dict[str, keras.KerasTensor]:
    """``cls`` (N, C) softmax and ``box`` (N, 4) normalized cxcywh from the stride-32 tap."""
    hidden = int(ctx.options.get("hidden", 256))
    # No dropout by default: it sat in front of the box regression and cost precision (15 min from scratch:
    # test mean IoU 0.743 without it, 0.702 with 0.2, same data and budget; accuracy 0.900 vs 0.895).
    dropout = float(ctx.options.get("dropout", 0.0))
    x = taps[32]
    pooled = layers.GlobalAveragePooling2D(name="loc_gap")(x)
    z = layers.Conv2D(int(ctx.options.get("reduce", 64)), 1, activation="relu", name="loc_reduce")(x)
    z = layers.Flatten(name="loc_flatten")(z)
    z = layers.Dense(hidden, activation="relu", name="loc_dense")(z)
    z = layers.Dropout(dropout, name="loc_dropout")(z)
    c = layers.Concatenate(name="loc_concat")([pooled, z])
    cls = layers.Dense(ctx.num_classes, activation="softmax", name="cls")(c)
    box = layers.Dense(4, activation="sigmoid", name="box")(z)
    return {"cls": cls, "box": box}


def loc_targets(sample: dict[str, tf.Tensor], ctx: HeadContext) -> tuple[dict, dict]:
    """The largest box (normalized xyxy -> cxcywh) and its class; weight 0 for an image without boxes."""
    boxes = tf.reshape(tf.cast(sample["boxes"], tf.float32), (-1, 4))
    classes = tf.reshape(tf.cast(sample["classes"], tf.int32), (-1,))
    # A dummy entry with area -1 keeps argmax defined when there is no box (its weight is then 0).
    boxes = tf.concat([boxes, tf.constant([[0.25, 0.25, 0.75, 0.75]], tf.float32)], 0)
    classes = tf.concat([classes, tf.zeros((1,), tf.int32)], 0)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    areas = tf.concat([areas[:-1], [-1.0]], 0)
    i = tf.argmax(areas, output_type=tf.int32)
    b = boxes[i]
    # the graph's twin of `annotator.core.geometry.xyxy_to_cxcywh` (tests/models/test_geometry_twins.py)
    cxcywh = tf.stack([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]])
    w = tf.cast(sample["has_boxes"], tf.float32)
    return {"cls": classes[i], "box": cxcywh}, {"cls": w, "box": w}


def loc_loss_weights(ctx: HeadContext) -> dict[str, float]:
    return dict(LOSS_WEIGHTS[ctx.options.get("box_loss", "giou")])


def decode_loc(outputs: dict[str, np.ndarray], prediction, ctx: HeadContext, options) -> None:
    """Fill ``loc_box`` (xyxy image pixels), ``loc_probs`` and, as the single detection, ``boxes``."""
    probs = np.asarray(outputs["cls"], np.float32).reshape(-1)
    box = cxcywh_to_xyxy(np.asarray(outputs["box"], np.float32).reshape(4))
    scale = np.array([prediction.width, prediction.height, prediction.width, prediction.height], np.float64)
    xyxy = np.clip(box, 0.0, 1.0) * scale
    prediction.loc_box = xyxy.astype(np.float32)
    prediction.loc_probs = probs
    k = int(probs.argmax())
    if probs[k] >= options.score_threshold:
        prediction.boxes = xyxy.reshape(1, 4).astype(np.float32)
        prediction.scores = np.array([probs[k]], np.float32)
        prediction.classes = np.array([k], np.int32)


def evaluate_loc(pairs: list, ctx: HeadContext) -> dict[str, float]:
    """``mean_iou``, ``iou50_rate``, ``accuracy`` over the images that have boxes (largest box each)."""
    t_box, p_box, t_cls, p_cls = [], [], [], []
    for outputs, sample in pairs:
        if len(sample.boxes) == 0:
            continue
        i = int(np.argmax(box_area(sample.boxes)))
        t_box.append(sample.boxes[i])
        t_cls.append(int(sample.classes[i]))
        # clipped to the image as `decode_loc` does: the figures describe the boxes `predict` writes
        p_box.append(np.clip(cxcywh_to_xyxy(np.asarray(outputs["box"]).reshape(4)), 0.0, 1.0))
        p_cls.append(int(np.argmax(outputs["cls"])))
    summary = localization_summary(
        np.array(t_box).reshape(-1, 4), np.array(p_box).reshape(-1, 4), t_cls, p_cls
    )
    summary["n_images_with_boxes"] = summary.pop("n_images")
    return summary


register_head(
    HeadSpec(
        name="loc",
        outputs=("cls", "box"),
        strides=(32,),
        build=build_loc,
        targets=loc_targets,
        losses=lambda ctx: loc_losses(ctx.options.get("box_loss", "giou")),
        metrics=lambda ctx: loc_metrics(),
        loss_weights=loc_loss_weights,
        decode=decode_loc,
        evaluate=evaluate_loc,
    )
)
