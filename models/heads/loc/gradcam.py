"""Grad-CAM of the ``loc`` head's class decision: where in the image the evidence for a class lies.

Grad-CAM (Selvaraju et al., 2017) weighs each channel of a feature map by the mean gradient of a class score with
respect to it, sums the weighted channels and keeps the positive part: the cells whose features raise that class's
score. Here the feature map is the backbone's ``tap_stride32`` (the only tap the ``loc`` head reads, so the map
shows exactly what the head's decision rests on) and the class score is the ``cls`` layer's logit before the
softmax (the paper's choice: the softmax would mix in the evidence against every other class).

The map has one value per cell of the stride-32 tap (6 x 6 at 192 px), each placed at the centre of that cell's
receptive field (`models.backbones.tap_geometry`: half a cell right of and below the middle of its 32-pixel block).
It explains the full-image pass; `models.heads.loc.refine`'s second look at a crop is not part of it.
`annotator.core.cam.cells_to_image` turns it into a heat map in image pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from models.backbones import STRIDES
from models.backbones.tap_geometry import tap_centres
from models.builder import head_strides

CONCAT_LAYER = "loc_concat"
CLASS_LAYER = "cls"
TAP_STRIDE = 32


class CamError(ValueError):
    """The model has no class decision Grad-CAM can explain: no ``loc`` head (box + class), or a single class (its
    softmax is always 1, so training never taught the class layer anything)."""


@dataclass(frozen=True)
class CamCells:
    """A Grad-CAM map on the tap's cells.

    Attributes:
        cells: (rows, cols) float32 in 0..1; the maximum is 1 unless nothing raises the class's score (then all 0).
        centres_y, centres_x: (rows,) and (cols,) receptive-field centres of the cells, in input pixels of the
            stretched ``input_size`` frame.
        input_size: the model's input side.
        class_index: the class explained.
        probs: (C,) the full-image pass's softmax.
    """

    cells: np.ndarray
    centres_y: np.ndarray
    centres_x: np.ndarray
    input_size: int
    class_index: int
    probs: np.ndarray


class GradCam:
    """Grad-CAM maps of one loaded model's ``loc`` head (build once, call per image).

    Args:
        model: a full model from `models.builder.build_model` / `models.modelfile.load_model` (nested ``backbone``
            and ``heads`` models).

    Raises:
        CamError: the model has no ``loc`` head, or only one class.
    """

    def __init__(self, model: keras.Model) -> None:
        heads = model.get_layer("heads")
        names = {layer.name for layer in heads.layers}
        if CONCAT_LAYER not in names or CLASS_LAYER not in names:
            raise CamError(
                "this model has no box + class (loc) head, so there is no class decision to explain"
            )
        self.backbone = model.get_layer("backbone")
        strides = head_strides(model)
        self._tap = STRIDES.index(TAP_STRIDE)
        # The loc branch up to the concatenation the class layer reads, fed by the stride-32 tap alone.
        self._features = keras.Model(
            heads.inputs[strides.index(TAP_STRIDE)], heads.get_layer(CONCAT_LAYER).output
        )
        cls = heads.get_layer(CLASS_LAYER)
        self._kernel, self._bias = cls.kernel, cls.bias
        self.num_classes = int(cls.units)
        if self.num_classes < 2:
            raise CamError(
                "this model knows one class, so its class decision weighs nothing against anything: "
                "a heat map needs a model of two or more classes"
            )
        self.input_size = int(model.inputs[0].shape[1])
        self.centres_y, self.centres_x = tap_centres(self.backbone, TAP_STRIDE)
        self._run = tf.function(self._maps, reduce_retracing=True)

    def _maps(self, images: tf.Tensor, class_index: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        with tf.GradientTape() as tape:
            taps = self.backbone(images, training=False)
            tap = taps[self._tap]
            tape.watch(tap)
            logits = tf.matmul(self._features(tap, training=False), self._kernel) + self._bias
            score = tf.gather(logits, class_index, axis=1) - tf.reduce_mean(logits, axis=1)
        grads = tape.gradient(score, tap)  # (1, rows, cols, channels)
        weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(weights * tap, axis=-1))[0]
        return cam, tf.nn.softmax(logits)[0]

    def __call__(self, image: np.ndarray, class_index: int) -> CamCells:
        """The Grad-CAM map of ``class_index`` on one image.

        Args:
            image: (S, S, 3) RGB 0..255 (uint8 or float32), stretched to the model's input size.
            class_index: index into the model's class names.

        Raises:
            ValueError: ``class_index`` is not a class of the model.
        """
        if isinstance(class_index, bool) or not 0 <= int(class_index) < self.num_classes:
            raise ValueError(
                f"class index {class_index!r} is out of range: the model has {self.num_classes} classes"
            )
        x = np.asarray(image, np.float32)[None]
        cam, probs = self._run(tf.constant(x), tf.constant(int(class_index), tf.int32))
        cam = np.nan_to_num(np.asarray(cam, np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        peak = float(cam.max()) if cam.size else 0.0
        return CamCells(
            cells=cam / peak if peak > 0 else np.zeros_like(cam),
            centres_y=self.centres_y,
            centres_x=self.centres_x,
            input_size=self.input_size,
            class_index=int(class_index),
            probs=np.asarray(probs, np.float32),
        )
