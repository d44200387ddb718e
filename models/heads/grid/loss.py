"""The grid detector in TensorFlow: its loss, a batched decoder, and target encoding inside tf.data.

Tensor layouts are those of `models.heads.grid.codec` with a leading batch axis: raw outputs and targets are both
``(batch, S_r, S_c, B * (5 + C))``. Boxes are normalized to the input.

Loss per image (YOLOv3 style), summed over cells and anchors:

- owned anchors: ``(sigmoid(txy) - true offset)^2 + (twh - log(true wh / anchor))^2``, weighted by
  ``2 - w * h`` so small boxes count more; objectness BCE towards 1; softmax cross-entropy of the class;
- other anchors: objectness BCE towards 0, **except** where the decoded box overlaps any ground-truth box of the
  image with IoU above ``ignore_iou`` (a good box the anchor does not own is not punished as background).

The loss returns one value per image, so Keras' ``sample_weight`` masks images without box labels.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from models.heads.grid.codec import channels_per_anchor, encode_targets


def _split(t: tf.Tensor, n_anchors: int, num_classes: int) -> tf.Tensor:
    shape = tf.shape(t)
    return tf.reshape(t, [shape[0], shape[1], shape[2], n_anchors, channels_per_anchor(num_classes)])


def _cell_offsets(rows: tf.Tensor, cols: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    col = tf.cast(tf.reshape(tf.range(cols), [1, 1, -1, 1]), tf.float32)
    row = tf.cast(tf.reshape(tf.range(rows), [1, -1, 1, 1]), tf.float32)
    return col, row


def decode_tf(y_pred: tf.Tensor, anchors: np.ndarray, num_classes: int) -> dict[str, tf.Tensor]:
    """Batched decode of raw outputs.

    Returns:
        dict with ``boxes`` (batch, S_r, S_c, B, 4) xyxy normalized, ``objectness`` (batch, S_r, S_c, B),
        ``class_probs`` (batch, S_r, S_c, B, C).
    """
    anchors_t = tf.constant(np.asarray(anchors, np.float32).reshape(1, 1, 1, -1, 2))
    p = _split(tf.cast(y_pred, tf.float32), anchors_t.shape[3], num_classes)
    rows, cols = tf.shape(p)[1], tf.shape(p)[2]
    col, row = _cell_offsets(rows, cols)
    cx = (col + tf.sigmoid(p[..., 0])) / tf.cast(cols, tf.float32)
    cy = (row + tf.sigmoid(p[..., 1])) / tf.cast(rows, tf.float32)
    wh = anchors_t * tf.exp(tf.clip_by_value(p[..., 2:4], -20.0, 10.0))
    boxes = tf.stack([cx - wh[..., 0] / 2, cy - wh[..., 1] / 2, cx + wh[..., 0] / 2, cy + wh[..., 1] / 2], -1)
    return {
        "boxes": boxes,
        "objectness": tf.sigmoid(p[..., 4]),
        "class_probs": tf.nn.softmax(p[..., 5:], axis=-1),
    }


def iou_matrix_tf(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """(batch, N, 4) x (batch, M, 4) xyxy -> (batch, N, M): `annotator.core.geometry.iou_matrix` per image, in
    the loss's graph (tested equal to it in tests/models/test_geometry_twins.py)."""
    a = a[:, :, None, :]
    b = b[:, None, :, :]
    iw = tf.maximum(tf.minimum(a[..., 2], b[..., 2]) - tf.maximum(a[..., 0], b[..., 0]), 0.0)
    ih = tf.maximum(tf.minimum(a[..., 3], b[..., 3]) - tf.maximum(a[..., 1], b[..., 1]), 0.0)
    inter = iw * ih
    area_a = tf.maximum(a[..., 2] - a[..., 0], 0.0) * tf.maximum(a[..., 3] - a[..., 1], 0.0)
    area_b = tf.maximum(b[..., 2] - b[..., 0], 0.0) * tf.maximum(b[..., 3] - b[..., 1], 0.0)
    return tf.math.divide_no_nan(inter, area_a + area_b - inter)


def grid_loss(
    y_true: tf.Tensor,
    y_pred: tf.Tensor,
    anchors: np.ndarray,
    num_classes: int,
    *,
    ignore_iou: float = 0.5,
    coord_weight: float = 1.0,
    noobj_weight: float = 1.0,
) -> tf.Tensor:
    """Per-image grid loss, shape (batch,). See the module docstring for the terms."""
    anchors_np = np.asarray(anchors, np.float32).reshape(-1, 2)
    n_anchors = len(anchors_np)
    anchors_t = tf.constant(anchors_np.reshape(1, 1, 1, n_anchors, 2))
    p = _split(tf.cast(y_pred, tf.float32), n_anchors, num_classes)
    t = _split(tf.cast(y_true, tf.float32), n_anchors, num_classes)
    rows, cols = tf.shape(p)[1], tf.shape(p)[2]
    col, row = _cell_offsets(rows, cols)
    size = tf.stack([tf.cast(cols, tf.float32), tf.cast(rows, tf.float32)])
    owned = t[..., 4]

    # Coordinates, owned anchors only.
    grid_xy = tf.stack([col + 0.0 * row, row + 0.0 * col], axis=-1)  # (1, S_r, S_c, 1, 2)
    true_off = t[..., 0:2] * size - grid_xy
    true_off = tf.clip_by_value(true_off, 0.0, 1.0)
    safe_wh = tf.where(owned[..., None] > 0, t[..., 2:4], anchors_t + 0 * t[..., 2:4])
    true_twh = tf.math.log(tf.maximum(safe_wh, 1e-9) / anchors_t)
    scale = 2.0 - t[..., 2] * t[..., 3]
    xy_err = tf.reduce_sum(tf.square(tf.sigmoid(p[..., 0:2]) - true_off), -1)
    wh_err = tf.reduce_sum(tf.square(tf.clip_by_value(p[..., 2:4], -20.0, 10.0) - true_twh), -1)
    coord = owned * scale * (xy_err + wh_err)

    # Objectness, with the ignore rule for good unowned predictions.
    decoded = decode_tf(y_pred, anchors_np, num_classes)
    batch = tf.shape(p)[0]
    pred_boxes = tf.reshape(decoded["boxes"], [batch, -1, 4])
    tc = t[..., 0:4]
    gt_boxes = tf.concat([tc[..., :2] - tc[..., 2:] / 2, tc[..., :2] + tc[..., 2:] / 2], -1)
    gt_boxes = tf.reshape(gt_boxes, [batch, -1, 4])
    gt_valid = tf.reshape(owned, [batch, 1, -1])
    best_iou = tf.reduce_max(iou_matrix_tf(pred_boxes, gt_boxes) * gt_valid, axis=-1)
    best_iou = tf.reshape(best_iou, tf.shape(owned))
    noobj_mask = (1.0 - owned) * tf.cast(best_iou <= ignore_iou, tf.float32)
    obj_bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=owned, logits=p[..., 4])
    obj = owned * obj_bce + noobj_weight * noobj_mask * obj_bce

    cls = owned * tf.nn.softmax_cross_entropy_with_logits(labels=t[..., 5:], logits=p[..., 5:])
    total = coord_weight * coord + obj + cls
    return tf.reduce_sum(total, axis=[1, 2, 3])


@keras.saving.register_keras_serializable(package="flower_annotator")
class GridLoss(keras.losses.Loss):
    """`grid_loss` as a Keras loss (per-image values; Keras applies ``sample_weight`` and the batch mean)."""

    def __init__(
        self,
        anchors,
        num_classes: int,
        ignore_iou: float = 0.5,
        coord_weight: float = 1.0,
        noobj_weight: float = 1.0,
        name: str = "grid_loss",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.anchors = np.asarray(anchors, np.float32).reshape(-1, 2)
        self.num_classes = int(num_classes)
        self.ignore_iou = float(ignore_iou)
        self.coord_weight = float(coord_weight)
        self.noobj_weight = float(noobj_weight)

    def call(self, y_true, y_pred):
        return grid_loss(
            y_true,
            y_pred,
            self.anchors,
            self.num_classes,
            ignore_iou=self.ignore_iou,
            coord_weight=self.coord_weight,
            noobj_weight=self.noobj_weight,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            anchors=self.anchors.tolist(),
            num_classes=self.num_classes,
            ignore_iou=self.ignore_iou,
            coord_weight=self.coord_weight,
            noobj_weight=self.noobj_weight,
        )
        return config


def encode_targets_tf(
    boxes: tf.Tensor,
    classes: tf.Tensor,
    anchors: np.ndarray,
    grid_shape: tuple[int, int],
    num_classes: int,
) -> tf.Tensor:
    """`models.heads.grid.codec.encode_targets` for one image inside a tf.data map (through ``tf.numpy_function``).

    Args:
        boxes: (N, 4) float xyxy normalized to the input; padding rows have zero size or class -1.
        classes: (N,) int class indices, -1 for padding.
        anchors, grid_shape, num_classes: as `encode_targets`.

    Returns:
        float32 ``(S_r, S_c, B * (5 + C))`` with a static shape.
    """
    anchors_np = np.asarray(anchors, np.float32).reshape(-1, 2)
    rows, cols = grid_shape

    def _encode(b, c):
        return encode_targets(b, c, anchors_np, (rows, cols), num_classes)

    out = tf.numpy_function(_encode, [boxes, classes], tf.float32, stateful=False)
    out.set_shape([rows, cols, len(anchors_np) * channels_per_anchor(num_classes)])
    return out
