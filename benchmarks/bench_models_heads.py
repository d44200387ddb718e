"""Head phase: cached backbone features vs the classic `model.fit` on a frozen backbone, same images.

Both train the same loc head on the same images; the classic way runs the frozen backbone forward on every
image in every epoch, the cached way runs it once and trains the heads sub-model on the stored features.
Prints seconds per epoch after the first (the first includes tracing) and the ratio.

    .venv/bin/python benchmarks/bench_models_heads.py [--backbone xception] [--images 160] [--size 224]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from models.backbones import set_fine_tune  # noqa: E402
from models.builder import build_model, compile_args, head_contexts  # noqa: E402
from models.data import load_samples  # noqa: E402
from models.training import pipeline  # noqa: E402


class EpochTimes(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._t = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._t)


def dataset(args) -> Path:
    from annotator.core.sample_data import generate

    root = Path(args.data or tempfile.mkdtemp(prefix="bench_heads_"))
    if not any(root.glob("*.xml")):
        generate(root, args.images, seed=3, max_flowers=1)
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backbone", default="xception")
    parser.add_argument("--images", type=int, default=160)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--data", default=None, help="a VOC folder (default: generated)")
    args = parser.parse_args()
    samples = load_samples(dataset(args), image_size=args.size)
    samples = samples.subset(range(min(args.images, len(samples))))
    heads = ("loc",)
    ctxs = head_contexts(samples.class_names, heads, backbone=args.backbone, image_size=args.size)
    keras.utils.set_random_seed(0)
    model = build_model(samples.class_names, backbone=args.backbone, image_size=args.size)
    backbone = model.get_layer("backbone")
    set_fine_tune(backbone, trainable=False)
    y, w = pipeline.compute_targets(samples, heads, ctxs)
    images = samples.images.astype(np.float32)

    # Classic: the whole model (frozen backbone) fitted on the images, every epoch.
    model.compile(optimizer=keras.optimizers.Adam(1e-3), **compile_args(heads, ctxs))
    classic = EpochTimes()
    ds = tf.data.Dataset.from_tensor_slices((images, y, w)).batch(args.batch_size).prefetch(2)
    model.fit(ds, epochs=args.epochs, verbose=0, callbacks=[classic], shuffle=False)

    # Cached: the backbone once, then the heads sub-model on the stored features.
    t0 = time.perf_counter()
    forward = tf.function(lambda x: backbone(x, training=False)[2], reduce_retracing=True)
    feats = np.concatenate(
        [np.asarray(forward(tf.constant(images[i : i + 32]))) for i in range(0, len(images), 32)]
    ).astype(np.float16)
    feature_s = time.perf_counter() - t0
    heads_net = model.get_layer("heads")
    heads_net.compile(optimizer=keras.optimizers.Adam(1e-3), **compile_args(heads, ctxs))
    cached = EpochTimes()
    ds = tf.data.Dataset.from_tensor_slices((feats, y, w)).batch(args.batch_size).prefetch(2)
    heads_net.fit(ds, epochs=args.epochs, verbose=0, callbacks=[cached], shuffle=False)

    c, h = np.median(classic.times[1:]), np.median(cached.times[1:])
    print(f"backbone {args.backbone}, {len(samples)} images at {args.size} px, batch {args.batch_size}")
    print(f"{'':34}{'s/epoch (after the 1st)':>26}")
    print(f"{'classic model.fit, frozen backbone':34}{c:>26.3f}")
    print(f"{'heads on cached features':34}{h:>26.3f}   (features once: {feature_s:.1f} s)")
    print(f"speed-up per epoch: {c / h:.0f}x  (target >= 20x)")
    print(f"break-even after {feature_s / max(c - h, 1e-9):.1f} epochs of the classic way")


if __name__ == "__main__":
    main()
