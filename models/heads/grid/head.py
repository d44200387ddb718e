"""The grid detector head (``grid``): YOLOv2/v3-style boxes from the backbone's stride-32 map.

The head is fully convolutional (1x1 reduce, 3x3, 1x1 to ``B * (5 + C)`` logits per cell), so it works at any
input size that is a multiple of 32. Layout, encoding and decoding: `models.heads.grid.codec`; the loss:
`models.heads.grid.loss`. Anchors are fitted by k-means on the training boxes (`models.heads.grid.anchors`) in ``prepare`` and
stored in the model file (``ModelInfo.head_options["grid"]["anchors"]``, normalized ``(w, h)``).

Head options (``TrainConfig.head_options["grid"]``): ``num_anchors`` (5), ``anchors`` (fixed anchors instead
of k-means), ``width`` (64 channels), ``ignore_iou`` (0.5), ``eval_score_threshold`` (0.01).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from models.builder import HeadContext, HeadSpec, register_head
from models.detection_metrics import ImageDetections, mean_average_precision
from models.heads.grid.anchors import fit_anchors
from models.heads.grid.codec import channels_per_anchor, detect
from models.heads.grid.loss import GridLoss, encode_targets_tf

DEFAULT_ANCHORS = [[0.1, 0.1], [0.2, 0.2], [0.35, 0.35], [0.5, 0.5], [0.75, 0.75]]
OBJECTNESS_PRIOR = 0.01


@keras.saving.register_keras_serializable(package="flower_annotator")
class GridBiasInit(keras.initializers.Initializer):
    """Zero biases except the objectness logits, which start at ``log(p / (1 - p))`` for a prior ``p``.

    Starting near "no object" keeps the many background anchors from swamping the first steps.
    """

    def __init__(self, num_anchors: int, num_classes: int, prior: float = OBJECTNESS_PRIOR):
        self.num_anchors = int(num_anchors)
        self.num_classes = int(num_classes)
        self.prior = float(prior)

    def __call__(self, shape, dtype=None):
        depth = channels_per_anchor(self.num_classes)
        bias = np.zeros((self.num_anchors, depth), np.float32)
        bias[:, 4] = np.log(self.prior / (1 - self.prior))
        return keras.ops.convert_to_tensor(bias.reshape(shape), dtype=dtype or "float32")

    def get_config(self) -> dict:
        return {"num_anchors": self.num_anchors, "num_classes": self.num_classes, "prior": self.prior}


def anchors_of(ctx: HeadContext) -> np.ndarray:
    """The head's anchors (B, 2) from its options (k-means result or given), else a fixed default set."""
    return np.asarray(ctx.options.get("anchors", DEFAULT_ANCHORS), np.float32).reshape(-1, 2)


def build_grid(taps: dict[int, keras.KerasTensor], ctx: HeadContext) -> dict[str, keras.KerasTensor]:
    """``grid`` logits (batch, S, S, B * (5 + C)) from the stride-32 tap."""
    n_anchors = len(anchors_of(ctx))
    width = int(ctx.options.get("width", 64))
    x = layers.Conv2D(width, 1, activation="relu", name="grid_reduce")(taps[32])
    x = layers.Conv2D(width, 3, padding="same", activation="relu", name="grid_conv")(x)
    x = layers.Conv2D(
        n_anchors * channels_per_anchor(ctx.num_classes),
        1,
        bias_initializer=GridBiasInit(n_anchors, ctx.num_classes),
        name="grid_out",
    )(x)
    return {"grid": layers.Activation("linear", dtype="float32", name="grid")(x)}


def grid_targets(sample: dict[str, tf.Tensor], ctx: HeadContext) -> tuple[dict, dict]:
    """The encoded grid target; weight 0 for an image without boxes (it trains nothing but the mask)."""
    rows = cols = ctx.image_size // 32
    target = encode_targets_tf(
        tf.reshape(tf.cast(sample["boxes"], tf.float32), (-1, 4)),
        tf.reshape(tf.cast(sample["classes"], tf.int32), (-1,)),
        anchors_of(ctx),
        (rows, cols),
        ctx.num_classes,
    )
    return {"grid": target}, {"grid": tf.cast(sample["has_boxes"], tf.float32)}


def _all_box_sizes(samples) -> np.ndarray:
    sizes = []
    for i in range(len(samples)):
        boxes = np.asarray(samples.sample(i).boxes, np.float64).reshape(-1, 4)
        sizes.append(np.stack([boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]], 1))
    wh = np.concatenate(sizes) if sizes else np.zeros((0, 2))
    return wh[(wh > 0).all(axis=1)]


def prepare_grid(samples, ctx: HeadContext) -> dict:
    """k-means anchors on the training boxes (normalized to the input); given ``anchors`` are kept as they are."""
    if "anchors" in ctx.options:
        return {"anchors": anchors_of(ctx).tolist()}
    wh = _all_box_sizes(samples)
    if len(wh) == 0:
        return {"anchors": DEFAULT_ANCHORS, "anchor_mean_iou": None}
    fit = fit_anchors(wh, int(ctx.options.get("num_anchors", 5)), seed=int(ctx.options.get("seed", 0)))
    return {"anchors": fit.anchors.round(6).tolist(), "anchor_mean_iou": round(fit.mean_iou, 4)}


def decode_grid(outputs: dict[str, np.ndarray], prediction, ctx: HeadContext, options) -> None:
    """Fill boxes/scores/classes (after NMS), raw_* (before NMS), objectness and anchors; image pixels."""
    anchors = anchors_of(ctx)
    dets, decoded = detect(
        np.asarray(outputs["grid"]),
        anchors,
        ctx.num_classes,
        score_threshold=options.score_threshold,
        nms_iou=options.nms_iou,
    )
    scale = np.array([prediction.width, prediction.height] * 2, np.float32)
    above = decoded.scores >= options.score_threshold
    prediction.boxes = (dets.boxes * scale).astype(np.float32)
    prediction.scores = dets.scores.astype(np.float32)
    prediction.classes = dets.classes.astype(np.int32)
    prediction.raw_boxes = (decoded.boxes[above] * scale).astype(np.float32)
    prediction.raw_scores = decoded.scores[above].astype(np.float32)
    prediction.raw_classes = decoded.classes[above].astype(np.int32)
    rows, cols = decoded.grid_shape
    prediction.objectness = decoded.objectness.reshape(rows, cols, len(anchors))
    prediction.anchors = anchors.copy()


def evaluate_grid(pairs: list, ctx: HeadContext) -> dict[str, float]:
    """``map50`` and ``map50_95`` (COCO style) over the images, boxes normalized to the resized input."""
    anchors = anchors_of(ctx)
    threshold = float(ctx.options.get("eval_score_threshold", 0.01))
    images = []
    for outputs, sample in pairs:
        dets, _ = detect(np.asarray(outputs["grid"]), anchors, ctx.num_classes, score_threshold=threshold)
        difficult = getattr(sample, "difficult", None)
        images.append(
            ImageDetections(
                np.asarray(sample.boxes, np.float64).reshape(-1, 4),
                np.asarray(sample.classes).reshape(-1),
                dets.boxes,
                dets.scores,
                dets.classes,
                None if difficult is None else np.asarray(difficult, bool).reshape(-1),
            )
        )
    res = mean_average_precision(images, ctx.num_classes)
    return {"map50": res["map50"], "map50_95": res["map50_95"], "map75": res["map75"]}


register_head(
    HeadSpec(
        name="grid",
        outputs=("grid",),
        strides=(32,),
        build=build_grid,
        targets=grid_targets,
        losses=lambda ctx: {
            "grid": GridLoss(
                anchors_of(ctx), ctx.num_classes, ignore_iou=float(ctx.options.get("ignore_iou", 0.5))
            )
        },
        metrics=lambda ctx: {},
        loss_weights={"grid": 1.0},
        prepare=prepare_grid,
        decode=decode_grid,
        evaluate=evaluate_grid,
    )
)
