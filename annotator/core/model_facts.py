"""Facts about the models that both the window and `models` need, in one place that imports no TensorFlow.

The training dock offers these choices and shows these defaults; `models.backbones` builds exactly these
backbones and widths, `models.training` picks these defaults, `models.backbones.weights` loads these files.
Importing this module costs nothing (standard library only), so the window can read it at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

BACKBONES: tuple[str, ...] = ("mobilenetv2", "resnet34", "xception")
"""The backbones a model can be built on, in the order the training dock offers them."""

WIDTHS: dict[str, tuple[float, ...]] = {"mobilenetv2": (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)}
"""Width multipliers (MobileNetV2's ``alpha``) a backbone can be built at: the values Keras publishes ImageNet
weights for. A backbone not listed has one width, 1.0."""

PRETRAINED_INPUT_SIZE = 224
"""The input side pretrained weights were trained at, and the default whenever training starts from them."""

SCRATCH_INPUT_SIZES: dict[str, int] = {"mobilenetv2": 192}
"""Default input side from scratch for a backbone listed here; the others train at `SCRATCH_INPUT_SIZE`."""
SCRATCH_INPUT_SIZE = 128

IMAGENET_FILES: dict[str, str] = {
    "xception": "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "mobilenetv2": "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{width}_{rows}_no_top.h5",
}
"""The file Keras caches each backbone's ImageNet weights in (without the top classifier); ``{width}`` and
``{rows}`` are filled by `imagenet_file_name`. A backbone not listed (resnet34) has no published weights."""

MOBILENETV2_IMAGENET_SIZES: tuple[int, ...] = (96, 128, 160, 192, 224)
"""The input sides Keras publishes MobileNetV2 ImageNet weights for; any other side loads the 224 px file."""


def from_scratch(weights: str | os.PathLike[str] | None) -> bool:
    """True when ``weights`` (a ``--weights`` value) means random initial weights: None or ``"none"``."""
    return weights is None or str(weights).lower() == "none"


def default_input_size(backbone: str, weights: str | os.PathLike[str] | None) -> int:
    """The input side training picks when none is given: 224 px with pretrained weights (``weights`` other
    than None/``"none"``); from scratch 192 px for mobilenetv2 (trained at half width, which pays for the larger
    side at the same time per epoch on a CPU) and 128 px for the others (3x faster per epoch than 224 px)."""
    if not from_scratch(weights):
        return PRETRAINED_INPUT_SIZE
    return SCRATCH_INPUT_SIZES.get(backbone, SCRATCH_INPUT_SIZE)


def default_width(backbone: str, weights: str | os.PathLike[str] | None) -> float:
    """The width training picks when none is given: MobileNetV2 from scratch at half width (0.5; 15 minutes,
    1,000 images at 192 px: test mean IoU 0.765 vs 0.743 at full width and 128 px), everything else and
    pretrained weights at 1.0."""
    return 0.5 if backbone == "mobilenetv2" and from_scratch(weights) else 1.0


def imagenet_file_name(
    backbone: str, image_size: int = PRETRAINED_INPUT_SIZE, width: float = 1.0
) -> str | None:
    """The file Keras caches ImageNet weights of ``backbone`` in (without the top classifier), for this input
    side and width; None when no ImageNet weights are published for it (resnet34). MobileNetV2's files exist for
    the sides in `MOBILENETV2_IMAGENET_SIZES`; any other side loads the 224 px file (its convolutions fit any
    size)."""
    template = IMAGENET_FILES.get(backbone)
    if template is None:
        return None
    rows = image_size if image_size in MOBILENETV2_IMAGENET_SIZES else PRETRAINED_INPUT_SIZE
    return template.format(width=float(width), rows=rows)


def keras_cache_dir() -> Path:
    """Where Keras keeps downloaded model files: ``$KERAS_HOME/models``, else ``~/.keras/models`` (``/tmp``
    when the home folder is not writable, as Keras does)."""
    home = os.environ.get("KERAS_HOME")
    if home:
        return Path(home).expanduser() / "models"
    base = Path("~").expanduser()
    if not os.access(base, os.W_OK):
        base = Path("/tmp")
    return base / ".keras" / "models"
