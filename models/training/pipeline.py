"""The tf.data pipeline: in-memory samples -> augmentation (boxes and mask follow) -> head targets -> batches.

Per-sample dicts (see docs/dev/models-interface.md): ``image`` (S, S, 3) float32 0..255, ``boxes`` (N, 4)
float32 **normalized xyxy**, ``classes`` (N,) int32, ``mask`` (S, S) uint8, ``has_mask``, ``has_boxes`` bools.
Batches are ``(image, y_true dict, sample_weight dict)`` as `keras.Model.fit` takes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from models.builder import HeadContext, get_head
from models.data import SampleSet

AUTOTUNE = tf.data.AUTOTUNE


@dataclass(frozen=True)
class AugmentConfig:
    """Augmentation strengths. ``zoom``: crop side in [1 - zoom, 1 + zoom] of the image (above 1 pads with
    grey); ``shift``: how far the crop centre may move, as a fraction of the side; ``brightness``: added
    offset as a fraction of 255; ``contrast``: factor in [1 - contrast, 1 + contrast]; ``mask``: transform
    the mask too (`make_dataset` turns it off when no head outputs ``mask``: a third less work per image)."""

    flip: bool = True
    mask: bool = True
    zoom: float = 0.15
    shift: float = 0.1
    brightness: float = 0.1
    contrast: float = 0.2


def sample_dataset(samples: SampleSet) -> tf.data.Dataset:
    """One element per image: the per-sample dict (boxes unpadded)."""
    return _padded_dataset(samples).map(_unpad, num_parallel_calls=AUTOTUNE, deterministic=True)


def _padded_dataset(samples: SampleSet) -> tf.data.Dataset:
    boxes, classes, counts = samples.padded()
    s = samples.image_size
    return tf.data.Dataset.from_tensor_slices(
        {
            "image": samples.images.reshape(-1, s, s, 3),
            "boxes": boxes,
            "classes": classes,
            "count": counts,
            "mask": samples.masks.reshape(-1, s, s),
            "has_mask": samples.has_mask.astype(bool),
        }
    )


def _unpad(d: dict) -> dict:
    n = d["count"]
    return {
        "image": tf.cast(d["image"], tf.float32),
        "boxes": d["boxes"][:n],
        "classes": d["classes"][:n],
        "mask": d["mask"],
        "has_mask": d["has_mask"],
        "has_boxes": n > 0,
    }


def flip_sample(sample: dict, *, mask: bool = True) -> dict:
    """Mirror left-right: the image, the mask (unless ``mask`` is False) and every box (normalized xyxy)."""
    b = sample["boxes"]
    out = dict(sample)
    out["image"] = tf.reverse(sample["image"], axis=[1])
    if mask:
        out["mask"] = tf.reverse(sample["mask"], axis=[1])
    out["boxes"] = tf.stack([1.0 - b[:, 2], b[:, 1], 1.0 - b[:, 0], b[:, 3]], axis=1)
    return out


def _window_start(lo_box, hi_box, side, shift):
    """Start of a crop window of ``side`` that contains [lo_box, hi_box] and stays near the centre."""
    centre = (1.0 - side) / 2.0
    lo = tf.maximum(hi_box - side, centre - shift)
    hi = tf.minimum(lo_box, centre + shift)
    fallback = tf.clip_by_value(centre, hi_box - side, lo_box)
    return lo, hi, fallback


def augment(sample: dict, seed: tf.Tensor, config: AugmentConfig = AugmentConfig()) -> dict:
    """Randomly flip, zoom/shift (never cutting a box) and change brightness/contrast of one sample.

    Args:
        sample: the per-sample dict (normalized xyxy boxes).
        seed: int64 tensor of shape (2,), the stateless seed for this sample (differs per epoch).
        config: strengths.
    """
    seed = tf.cast(seed, tf.int64)
    u = tf.random.stateless_uniform([6], seed=seed)
    out = dict(sample)
    if config.flip:
        out = tf.cond(u[0] < 0.5, lambda: flip_sample(out, mask=config.mask), lambda: dict(out))
    image, mask, boxes = out["image"], out["mask"], out["boxes"]
    size = tf.shape(image)[:2]
    if config.zoom > 0 or config.shift > 0:
        has = tf.shape(boxes)[0] > 0
        union = tf.cond(
            has,
            lambda: tf.concat([tf.reduce_min(boxes[:, :2], 0), tf.reduce_max(boxes[:, 2:], 0)], 0),
            lambda: tf.constant([0.5, 0.5, 0.5, 0.5], tf.float32),
        )
        side = 1.0 - config.zoom + 2.0 * config.zoom * u[1]
        side = tf.maximum(side, tf.maximum(union[2] - union[0], union[3] - union[1]))
        starts = []
        for axis, r in ((0, u[2]), (1, u[3])):
            lo, hi, fallback = _window_start(union[axis], union[axis + 2], side, config.shift)
            starts.append(tf.where(lo <= hi, lo + r * (hi - lo), fallback))
        x0, y0 = starts
        crop = tf.stack([[y0, x0, y0 + side, x0 + side]])
        image = tf.image.crop_and_resize(image[None], crop, [0], size, extrapolation_value=127.5)[0]
        if config.mask:
            m = tf.image.crop_and_resize(
                tf.cast(mask[None, :, :, None], tf.float32), crop, [0], size, method="nearest"
            )[0, :, :, 0]
            mask = tf.cast(m, tf.uint8)
        boxes = tf.clip_by_value((boxes - tf.stack([x0, y0, x0, y0])) / side, 0.0, 1.0)
    if config.brightness > 0 or config.contrast > 0:
        factor = 1.0 - config.contrast + 2.0 * config.contrast * u[4]
        offset = (2.0 * u[5] - 1.0) * config.brightness * 255.0
        mean = tf.reduce_mean(image)
        image = tf.clip_by_value((image - mean) * factor + mean + offset, 0.0, 255.0)
    out.update(image=image, mask=mask, boxes=tf.reshape(boxes, (-1, 4)))
    return out


def targets_fn(heads: Sequence[str], ctxs: dict[str, HeadContext]):
    """``sample -> (image, y_true dict, sample_weight dict)`` merging every head's targets."""
    specs = [get_head(h) for h in heads]

    def fn(sample: dict):
        y, w = {}, {}
        for spec in specs:
            yh, wh = spec.targets(sample, ctxs[spec.name])
            y.update(yh)
            w.update({k: tf.cast(v, tf.float32) for k, v in wh.items()})
        return sample["image"], y, w

    return fn


def pad_for_replicas(ds: tf.data.Dataset, count: int, replicas: int) -> tf.data.Dataset:
    """Append zero-weight copies of the first ``(x, y, w)`` element so ``count`` becomes a multiple of
    ``replicas``: Keras 3 under `tf.distribute` fails on a last batch that does not split evenly."""
    pad = (-count) % max(1, replicas)
    if pad == 0 or count == 0:
        return ds
    zero = ds.take(1).map(lambda x, y, w: (x, y, tf.nest.map_structure(tf.zeros_like, w))).repeat(pad)
    return ds.concatenate(zero)


def replica_batch_size(batch_size: int, replicas: int) -> int:
    """``batch_size`` rounded up to a multiple of ``replicas``."""
    r = max(1, replicas)
    return -(-batch_size // r) * r


def make_dataset(
    samples: SampleSet,
    heads: Sequence[str],
    ctxs: dict[str, HeadContext],
    *,
    batch_size: int,
    training: bool,
    seed: int = 0,
    augment_config: AugmentConfig | None = AugmentConfig(),
    replicas: int = 1,
) -> tf.data.Dataset:
    """Batches of ``(image float32 (B, S, S, 3) 0..255, y_true dict, sample_weight dict)``.

    Training: reshuffled each epoch and augmented (``augment_config`` None turns augmentation off), both
    reproducible from ``seed``. Validation: fixed order, no augmentation. With ``replicas`` > 1 every batch
    splits evenly (batch size rounded up, the last batch padded with zero-weight samples).
    """
    # One fused map per element (unpad -> augment -> targets): on a 2-core CPU every extra tf.data map is
    # per-image overhead taken from the training step.
    ds = _padded_dataset(samples)
    targets = targets_fn(heads, ctxs)
    if training:
        ds = ds.shuffle(max(1, len(samples)), seed=seed, reshuffle_each_iteration=True)
    if training and augment_config is not None:
        if not any("mask" in get_head(h).outputs for h in heads):
            augment_config = dataclasses.replace(augment_config, mask=False)
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda d, r: targets(augment(_unpad(d), r, augment_config)),
            num_parallel_calls=AUTOTUNE,
            deterministic=True,
        )
    else:
        ds = ds.map(lambda d: targets(_unpad(d)), num_parallel_calls=AUTOTUNE, deterministic=True)
    ds = pad_for_replicas(ds, len(samples), replicas)
    return ds.batch(replica_batch_size(batch_size, replicas)).prefetch(AUTOTUNE)


def compute_targets(
    samples: SampleSet, heads: Sequence[str], ctxs: dict[str, HeadContext], *, flipped: bool = False
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every sample's targets and weights as numpy arrays (no augmentation; mirrored when ``flipped``)."""
    ds = sample_dataset(samples)
    if flipped:
        ds = ds.map(flip_sample)
    ds = ds.map(targets_fn(heads, ctxs)).batch(256)
    ys: dict[str, list] = {}
    ws: dict[str, list] = {}
    for _, y, w in ds:
        for k, v in y.items():
            ys.setdefault(k, []).append(v.numpy())
        for k, v in w.items():
            ws.setdefault(k, []).append(v.numpy())
    return {k: np.concatenate(v) for k, v in ys.items()}, {k: np.concatenate(v) for k, v in ws.items()}


def image_batches(samples: SampleSet, batch_size: int, *, flipped: bool = False):
    """Yield float32 (B, S, S, 3) batches of the images in order (mirrored when ``flipped``)."""
    for start in range(0, len(samples), batch_size):
        batch = samples.images[start : start + batch_size].astype(np.float32)
        yield batch[:, :, ::-1] if flipped else batch
