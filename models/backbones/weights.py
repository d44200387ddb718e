"""Where pretrained weights come from: Keras' own cache, a download when online, or a file the user names.

Keras' ``weights="imagenet"`` re-downloads (and deletes) a cached file whose hash does not match; a user's
cached weights must never be deleted, so this module resolves the file itself and the builders load it
with ``load_weights``. No TensorFlow import at module level.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from annotator.core.model_facts import imagenet_file_name, keras_cache_dir

_KERAS_APPS = "https://storage.googleapis.com/tensorflow/keras-applications/"
# Keras' download folder and a description, per backbone of `model_facts.IMAGENET_FILES`.
_BACKBONE_SOURCES = {
    "xception": ("xception/", "Xception ImageNet weights (no top)"),
    "mobilenetv2": ("mobilenet_v2/", "MobileNetV2 ImageNet weights (no top)"),
}


class WeightsError(ValueError):
    """Pretrained weights are not available (offline and not cached, or a bad ``--weights`` value)."""


@dataclass(frozen=True)
class WeightsFile:
    """A pretrained file as Keras names and caches it."""

    file_name: str
    url: str
    what: str


def imagenet_file(backbone: str, image_size: int = 224, width: float = 1.0) -> WeightsFile:
    """The ImageNet weights file Keras uses for ``backbone`` (without the top classifier unless ResNet-50);
    the backbones' file names come from `annotator.core.model_facts.imagenet_file_name`.

    Raises:
        WeightsError: no ImageNet weights exist for this backbone (``resnet34``).
    """
    name = imagenet_file_name(backbone, image_size, width)
    if name is not None:
        folder, what = _BACKBONE_SOURCES[backbone]
        return WeightsFile(name, _KERAS_APPS + folder + name, what)
    if backbone == "resnet50":
        name = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
        return WeightsFile(name, _KERAS_APPS + "resnet/" + name, "ResNet-50 ImageNet weights")
    if backbone == "imagenet_class_index":
        name = "imagenet_class_index.json"
        return WeightsFile(
            name,
            "https://storage.googleapis.com/download.tensorflow.org/data/" + name,
            "the ImageNet class index",
        )
    raise WeightsError(
        f"no ImageNet weights are published for backbone {backbone!r}; "
        "train it with --weights none or give a weights file with --weights FILE"
    )


def resolve_weights(
    weights: str | os.PathLike | None, backbone: str, image_size: int = 224, width: float = 1.0
) -> Path | None:
    """Turn a ``--weights`` value into a file to load, or None to start from random weights.

    Args:
        weights: ``None``/``"none"`` (random init), ``"imagenet"`` (Keras' cache, downloaded when missing and
            online) or a path to a weights file.
        backbone: the backbone name (``xception``, ``mobilenetv2``, ``resnet34``, ``resnet50``).
        image_size: the input side in pixels (MobileNetV2's file depends on it).
        width: MobileNetV2's width multiplier (its file depends on it too).

    Raises:
        WeightsError: the file named does not exist, or ImageNet weights are neither cached nor downloadable;
            the message names the file and the folder to put it in.
    """
    if weights is None or str(weights).lower() == "none":
        return None
    if str(weights).lower() != "imagenet":
        path = Path(weights).expanduser()
        if not path.is_file():
            raise WeightsError(f"weights file not found: {path}")
        return path
    return fetch(imagenet_file(backbone, image_size, width))


def fetch(spec: WeightsFile) -> Path:
    """The cached copy of ``spec``; downloads it only when it is not cached (a cached file is never touched)."""
    cache = keras_cache_dir()
    path = cache / spec.file_name
    if path.is_file():
        return path
    try:
        from keras.utils import get_file

        got = get_file(spec.file_name, spec.url, cache_subdir=cache.name, cache_dir=str(cache.parent))
    except Exception as exc:  # offline, proxy, permission: all end in the same advice
        raise WeightsError(
            f"{spec.what} are not available offline: put the file {spec.file_name} in the folder {cache} "
            f"(download it from {spec.url}), or use --weights none to train from scratch, or --weights FILE. "
            f"({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc
    return Path(got)
