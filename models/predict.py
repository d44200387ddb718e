"""Run a trained model on images: `Predictor` turns an image file into a `Prediction` (image pixels, xyxy).

The image goes through the project's loader (`annotator.core.imaging`, EXIF frame), is stretched to the model's
input size, runs through the model, and every head's ``decode`` fills its part of the `Prediction`. A model with
the ``loc`` head takes a second look (`models.heads.loc.refine`: a crop around its first box) unless ``refine=False``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from annotator.core.cam import cells_to_image
from annotator.core.geometry import DEFAULT_NMS_IOU, DEFAULT_SCORE_THRESHOLD
from annotator.core.prediction import Prediction
from models.builder import get_head, head_contexts
from models.data import load_image_and_source
from models.heads.loc.refine import second_look
from models.modelfile import ModelInfo, load_model


@dataclass(frozen=True)
class PredictOptions:
    """Thresholds of decoding: detections below ``score_threshold`` are dropped; NMS merges at ``nms_iou``."""

    score_threshold: float = DEFAULT_SCORE_THRESHOLD
    nms_iou: float = DEFAULT_NMS_IOU


class Predictor:
    """A loaded model ready to predict (load once, predict many).

    Args:
        model_path: a ``.keras`` file written by `models.training` (loaded with ``safe_mode=True``).
        refine: give the ``loc`` head a second look at a crop around its first box (`models.heads.loc.refine`); False
            keeps the single pass (half the time).
    """

    def __init__(self, model_path: str | os.PathLike, *, refine: bool = True) -> None:
        import tensorflow as tf

        self.model_path = str(model_path)
        self.model, self.info = load_model(model_path)
        self.ctxs = head_contexts(
            self.info.class_names,
            self.info.heads,
            backbone=self.info.backbone,
            image_size=self.info.image_size,
            head_options=self.info.head_options,
        )
        self._forward = tf.function(lambda x: self.model(x, training=False), reduce_retracing=True)
        self.refine = bool(refine) and "loc" in self.info.heads
        self._gradcam = None

    @property
    def class_names(self) -> list[str]:
        return list(self.info.class_names)

    def outputs(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """Raw model outputs for a batch of (B, S, S, 3) images (uint8 or float32 RGB 0..255)."""
        out = self._forward(np.asarray(images, np.float32))
        return {k: np.asarray(v) for k, v in out.items()}

    def refined_outputs(self, images: np.ndarray, sources) -> dict[str, np.ndarray]:
        """`outputs`, with the ``loc`` head's second look when ``refine`` is on.

        Args:
            images: (B, S, S, 3) the stretched images.
            sources: the B decoded images (H, W, 3) uint8 they were stretched from (the crops are cut there).
        """
        first = self.outputs(images)
        if not self.refine:
            return first
        return second_look(first, list(sources), self.info.image_size, self.outputs)

    def decode(
        self, outputs: dict[str, np.ndarray], image_id: str, width: int, height: int, options: PredictOptions
    ) -> Prediction:
        """One image's outputs (no batch axis) -> `Prediction` in image pixels of a (width x height) image."""
        prediction = Prediction(
            image_id=image_id, width=int(width), height=int(height), class_names=self.class_names
        )
        for head in self.info.heads:
            spec = get_head(head)
            if spec.decode is not None:
                spec.decode(
                    {k: outputs[k] for k in spec.outputs if k in outputs},
                    prediction,
                    self.ctxs[head],
                    options,
                )
        return prediction

    def predict_array(
        self,
        pixels: np.ndarray,
        image_id: str = "",
        *,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
        nms_iou: float = DEFAULT_NMS_IOU,
    ) -> Prediction:
        """Predict on decoded pixels ((H, W, 3) uint8 RGB, displayed frame); boxes in those pixels."""
        import cv2

        t0 = time.perf_counter()
        height, width = pixels.shape[:2]
        size = self.info.image_size
        pixels = np.asarray(pixels, np.uint8)
        resized = cv2.resize(pixels, (size, size), interpolation=cv2.INTER_AREA)
        out = self.refined_outputs(resized[None], [pixels])
        prediction = self.decode(
            {k: v[0] for k, v in out.items()},
            image_id,
            width,
            height,
            PredictOptions(score_threshold, nms_iou),
        )
        prediction.latency_ms = (time.perf_counter() - t0) * 1000.0
        return prediction

    def predict(
        self,
        image_path: str | os.PathLike,
        *,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
        nms_iou: float = DEFAULT_NMS_IOU,
    ) -> Prediction:
        """Predict on an image file (any format the project's loader reads).

        Returns:
            A `Prediction` whose ``image_id`` is ``str(image_path)``; boxes xyxy in image pixels of the displayed
            frame; ``latency_ms`` covers decoding, the forward pass(es) and post-processing.

        Raises:
            annotator.core.imaging.ImageError: the image cannot be read.
        """
        t0 = time.perf_counter()
        prediction, _ = self._predict_file(image_path, PredictOptions(score_threshold, nms_iou))
        prediction.latency_ms = (time.perf_counter() - t0) * 1000.0
        return prediction

    def _predict_file(
        self, image_path: str | os.PathLike, options: PredictOptions
    ) -> tuple[Prediction, np.ndarray]:
        """The `Prediction` of an image file and the stretched (S, S, 3) input the model saw."""
        pixels, source, (width, height) = load_image_and_source(image_path, self.info.image_size)
        out = self.refined_outputs(pixels[None], [source])
        prediction = self.decode({k: v[0] for k, v in out.items()}, str(image_path), width, height, options)
        return prediction, pixels

    def predict_with_cam(
        self,
        image_path: str | os.PathLike,
        *,
        class_index: int | None = None,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
        nms_iou: float = DEFAULT_NMS_IOU,
    ) -> Prediction:
        """`predict`, plus the "why this class" heat map (``cam``, ``cam_class``) of the loc head's decision.

        Args:
            class_index: the class to explain (index into the model's class names); None: the predicted one (the
                largest ``loc_probs``).

        Raises:
            models.heads.loc.gradcam.CamError: the model has no loc head, or one class only.
            ValueError: ``class_index`` is not one of the model's classes.
            annotator.core.imaging.ImageError: the image cannot be read.
        """
        t0 = time.perf_counter()
        prediction, pixels = self._predict_file(image_path, PredictOptions(score_threshold, nms_iou))
        self.add_cam(prediction, pixels, class_index)
        prediction.latency_ms = (time.perf_counter() - t0) * 1000.0
        return prediction

    def add_cam(self, prediction: Prediction, pixels: np.ndarray, class_index: int | None = None) -> None:
        """Fill ``prediction.cam`` / ``cam_class`` from the stretched input ``pixels`` ((S, S, 3) RGB 0..255).

        Raises:
            models.heads.loc.gradcam.CamError, ValueError: as `predict_with_cam`.
        """
        from models.heads.loc.gradcam import GradCam

        if self._gradcam is None:
            self._gradcam = GradCam(self.model)
        names = self.class_names
        if class_index is None:
            class_index = int(np.argmax(prediction.loc_probs))
        if isinstance(class_index, bool) or not 0 <= int(class_index) < len(names):
            raise ValueError(
                f"class index {class_index!r} is out of range: the model's classes are 0..{len(names) - 1} "
                f"({', '.join(names)})"
            )
        cells = self._gradcam(pixels, int(class_index))
        prediction.cam = cells_to_image(
            cells.cells,
            cells.centres_y,
            cells.centres_x,
            cells.input_size,
            prediction.width,
            prediction.height,
        )
        prediction.cam_class = int(class_index)


def prediction_to_annotation(prediction: Prediction, image_path: str | os.PathLike):
    """A VOC `ImageAnnotation` of the detections, each box with its ``score`` (written as ``<score>``)."""
    from annotator.core.annotation import BoxObject, ImageAnnotation

    path = Path(image_path)
    ann = ImageAnnotation(
        filename=path.name,
        folder=path.parent.name,
        path=str(path),
        width=prediction.width,
        height=prediction.height,
    )
    for box, score, cls in zip(prediction.boxes, prediction.scores, prediction.classes, strict=True):
        x0, y0, x1, y1 = (float(v) for v in box)
        ann.objects.append(
            BoxObject(prediction.class_names[int(cls)], x0, y0, x1, y1, score=round(float(score), 4))
        )
    return ann


__all__ = ["Predictor", "PredictOptions", "ModelInfo", "prediction_to_annotation"]
