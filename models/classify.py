"""The pretrained ImageNet classifier (ResNet-50), like Keras' ``decode_predictions(top=3)``.

The weights and class index are resolved by `models.backbones.weights` (never Keras' ``weights="imagenet"``, which
deletes a cached file whose hash differs when it retries the download).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from models.backbones.weights import WeightsError, fetch, imagenet_file, resolve_weights


class ImagenetClassifier:
    """ResNet-50 with ImageNet weights.

    Args:
        weights: ``"imagenet"`` (Keras' cache or a download) or a ResNet-50 ``.h5`` file with the top.
        class_index: ``imagenet_class_index.json`` path, or None for Keras' cache.

    Raises:
        WeightsError: a file is missing (the message names the file and the folder to put it in), or the file
            is not ResNet-50 ImageNet weights.
    """

    def __init__(self, weights: str | os.PathLike = "imagenet", class_index: str | os.PathLike | None = None):
        import keras

        path = resolve_weights(weights, "resnet50")
        if path is None:
            raise WeightsError("classify needs pretrained weights: --weights imagenet or --weights FILE")
        index_path = Path(class_index) if class_index else fetch(imagenet_file("imagenet_class_index"))
        try:
            raw = json.loads(Path(index_path).read_text(encoding="utf-8"))
            self.classes = [tuple(raw[str(i)]) for i in range(len(raw))]
        except (OSError, ValueError, KeyError) as exc:
            raise WeightsError(f"{index_path}: not an ImageNet class index ({exc})") from exc
        self.model = keras.applications.ResNet50(weights=None)
        try:
            self.model.load_weights(str(path))
        except Exception as exc:  # a truncated or foreign file: say which, keep the file
            raise WeightsError(
                f"{path}: cannot load ResNet-50 ImageNet weights from this file ({type(exc).__name__}: "
                f"{str(exc)[:200]}); the file was left in place"
            ) from exc

    def classify(self, image_path: str | os.PathLike, top: int = 3) -> list[tuple[str, str, float]]:
        """``[(wordnet_id, label, probability), ...]`` best first, for one image file."""
        from keras.applications.resnet50 import preprocess_input

        from models.data import load_image_for_model

        pixels, _ = load_image_for_model(image_path, 224)
        probs = np.asarray(self.model(preprocess_input(pixels[None].astype(np.float32)), training=False))[0]
        best = np.argsort(probs)[::-1][:top]
        return [(self.classes[i][0], self.classes[i][1], float(probs[i])) for i in best]
