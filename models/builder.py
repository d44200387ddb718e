"""Build a model: one backbone, any registered heads, named dict outputs (``cls``, ``box``, ``grid``, ``mask``).

The full model is ``image -> backbone (nested model "backbone") -> heads (nested model "heads") -> dict``.
The input is float32 RGB pixels 0..255, resized (stretched) to ``image_size x image_size``.
Heads plug in through `HeadSpec` and `register_head` (see docs/dev/models-interface.md); a head module named
in `HEAD_MODULES` is imported the first time `get_head` asks for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras

from models.backbones import STRIDES, build_backbone, check_backbone_args

HEAD_MODULES: dict[str, str] = {
    "loc": "models.heads.loc.head",
    "grid": "models.heads.grid.head",
    "seg": "models.heads.seg.head",
}
HEAD_ORDER: tuple[str, ...] = ("loc", "grid", "seg")


@dataclass(frozen=True)
class HeadContext:
    """What a head needs to know to build, target, decode and evaluate.

    Attributes:
        class_names: the flower classes, model order (no background entry).
        image_size: the square input side in pixels.
        backbone: the backbone name.
        options: this head's options (``TrainConfig.head_options[name]`` merged with what ``prepare`` returned,
            e.g. ``{"anchors": [[w, h], ...]}`` with w, h normalized to the input side).
    """

    class_names: tuple[str, ...]
    image_size: int
    backbone: str
    options: dict = field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class HeadSpec:
    """A head: how it is built, what it learns, how it is scored and read back.

    Attributes:
        name: the ``--heads`` value (``loc``, ``grid``, ``seg``).
        outputs: the model outputs it creates (``("cls", "box")`` for loc).
        strides: the backbone taps it reads (subset of (8, 16, 32)).
        build: ``(taps {stride: KerasTensor}, ctx) -> {output_name: KerasTensor}``.
        targets: ``(sample dict of tensors, ctx) -> (y_true dict, sample_weight dict)`` per output, one
            unbatched sample, TF ops (see the sample dict in docs/dev/models-interface.md).
        losses: ``ctx -> {output_name: loss}``; losses return one value per sample.
        metrics: ``ctx -> {output_name: [metrics]}``.
        loss_weights: ``{output_name: weight}``, or ``ctx -> {output_name: weight}``.
        prepare: optional ``(SampleSet of the train split, ctx) -> dict`` of options fitted to the data
            (anchors); the dict is stored in `ModelInfo.head_options` and merged into ``ctx.options``.
        decode: optional ``(outputs of one image {name: np.ndarray}, prediction, ctx, options) -> None`` that
            fills the `Prediction` fields (image pixels, xyxy) in place.
        evaluate: optional ``(pairs [(outputs of one image, Sample)], ctx) -> {metric: float}``.
        mask_source: optional ``dataset root -> models.data.MaskSource``: where training reads masks from
            when this head is trained (e.g. user masks, else GrabCut pseudo-masks); the first head that has one
            wins; without any, `models.data.default_mask_source`.
    """

    name: str
    outputs: tuple[str, ...]
    strides: tuple[int, ...]
    build: Callable[[dict[int, Any], HeadContext], dict[str, Any]]
    targets: Callable[[dict[str, Any], HeadContext], tuple[dict[str, Any], dict[str, Any]]]
    losses: Callable[[HeadContext], dict[str, Any]]
    metrics: Callable[[HeadContext], dict[str, list]]
    loss_weights: dict[str, float] | Callable[[HeadContext], dict[str, float]]
    prepare: Callable[[Any, HeadContext], dict] | None = None
    decode: Callable[[dict[str, Any], Any, HeadContext, Any], None] | None = None
    evaluate: Callable[[list, HeadContext], dict[str, float]] | None = None
    mask_source: Callable[[Any], Any] | None = None


HEADS: dict[str, HeadSpec] = {}


def register_head(spec: HeadSpec) -> None:
    """Make ``spec`` available to `build_model`, training, predict and evaluate under ``spec.name``."""
    bad = [s for s in spec.strides if s not in STRIDES]
    if bad:
        raise ValueError(f"head {spec.name!r} asks for strides {bad!r}; available: {STRIDES}")
    HEADS[spec.name] = spec


def get_head(name: str) -> HeadSpec:
    """The registered head ``name``, importing its module from `HEAD_MODULES` on first use.

    Raises:
        ValueError: unknown head, or its module is not available yet.
    """
    if name not in HEADS and name in HEAD_MODULES:
        try:
            importlib.import_module(HEAD_MODULES[name])
        except ModuleNotFoundError as exc:
            raise ValueError(f"head {name!r} is not available in this build ({exc})") from exc
    if name not in HEADS:
        raise ValueError(f"unknown head {name!r}; choose from {', '.join(HEAD_MODULES)}")
    return HEADS[name]


def parse_heads(heads: str | Sequence[str]) -> tuple[str, ...]:
    """``"loc,grid"`` or ``["grid", "loc"]`` -> ``("loc", "grid")`` (canonical order, no duplicates)."""
    names = [h.strip() for h in (heads.split(",") if isinstance(heads, str) else heads) if h.strip()]
    if not names:
        raise ValueError(f"at least one head is needed, got {heads!r}")
    for name in names:
        get_head(name)
    order = {h: i for i, h in enumerate(HEAD_ORDER)}
    return tuple(sorted(dict.fromkeys(names), key=lambda h: order.get(h, len(order))))


def head_contexts(
    class_names: Sequence[str],
    heads: Sequence[str],
    *,
    backbone: str,
    image_size: int,
    head_options: dict[str, dict] | None = None,
) -> dict[str, HeadContext]:
    """One `HeadContext` per head name."""
    head_options = head_options or {}
    return {
        h: HeadContext(tuple(class_names), int(image_size), backbone, dict(head_options.get(h, {})))
        for h in heads
    }


def build_model(
    class_names: Sequence[str],
    *,
    backbone: str = "xception",
    weights: str | None = None,
    image_size: int = 224,
    heads: str | Sequence[str] = ("loc",),
    head_options: dict[str, dict] | None = None,
    width: float = 1.0,
) -> keras.Model:
    """Build the full model.

    Args:
        class_names: the classes, in the order of the ``cls`` output (no background).
        backbone: ``xception`` (default), ``resnet34`` or ``mobilenetv2``.
        weights: ``None``, ``"imagenet"`` or a weights file, for the backbone only.
        image_size: the square input side, a multiple of 32.
        heads: which heads: ``loc`` (outputs ``cls`` softmax and ``box`` normalized cxcywh through a sigmoid),
            ``grid``, ``seg``.
        head_options: per head options (e.g. ``{"grid": {"anchors": ...}}``).
        width: the backbone's width multiplier (MobileNetV2's ``alpha``; 1.0 for the others).

    Returns:
        A model whose input ``image`` is float32 RGB 0..255 of shape (image_size, image_size, 3) and whose
        output is a dict keyed by output name. Sub-models: ``get_layer("backbone")``, ``get_layer("heads")``.
    """
    class_names = list(class_names)
    if not class_names or len(set(class_names)) != len(class_names):
        raise ValueError(f"class_names must be a non-empty list of distinct names, got {class_names!r}")
    check_backbone_args(backbone, image_size, width)
    names = parse_heads(heads)
    ctxs = head_contexts(
        class_names, names, backbone=backbone, image_size=image_size, head_options=head_options
    )
    bb = build_backbone(backbone, weights=weights, image_size=image_size, width=width)
    strides = sorted({s for h in names for s in get_head(h).strides})
    tap_shapes = dict(zip(STRIDES, (t.shape[1:] for t in bb.outputs), strict=True))
    tap_inputs = {s: keras.Input(tap_shapes[s], name=f"tap_in_stride{s}") for s in strides}
    outputs: dict[str, Any] = {}
    for h in names:
        made = get_head(h).build(dict(tap_inputs), ctxs[h])
        clash = set(made) & set(outputs)
        if clash:
            raise ValueError(f"head {h!r} creates outputs {sorted(clash)} that another head already made")
        outputs.update(made)
    heads_net = keras.Model([tap_inputs[s] for s in strides], outputs, name="heads")
    image = keras.Input((image_size, image_size, 3), name="image")
    features = bb(image)
    out = heads_net([features[STRIDES.index(s)] for s in strides])
    return keras.Model(image, out, name=f"flower_{backbone}")


def head_strides(model: keras.Model) -> list[int]:
    """The strides the ``heads`` sub-model reads, in its input order."""
    return [int(t.name.rsplit("stride", 1)[1].split(":")[0]) for t in model.get_layer("heads").inputs]


def compile_args(heads: Sequence[str], ctxs: dict[str, HeadContext]) -> dict[str, dict]:
    """``loss``, ``loss_weights`` and ``metrics`` dicts for `keras.Model.compile`, merged over the heads."""
    loss: dict[str, Any] = {}
    weights: dict[str, float] = {}
    metrics: dict[str, list] = {}
    for h in heads:
        spec = get_head(h)
        loss.update(spec.losses(ctxs[h]))
        lw = spec.loss_weights(ctxs[h]) if callable(spec.loss_weights) else spec.loss_weights
        weights.update({k: float(v) for k, v in lw.items()})
        metrics.update(spec.metrics(ctxs[h]))
    return {"loss": loss, "loss_weights": weights, "metrics": metrics}
