"""Full fine-tune throughput: the tf.data pipeline (augmentation, targets, prefetch) vs a bare `model.fit`
on in-memory numpy arrays, same model, same images, same batch size. Images per second after the first
epoch; the pipeline should cost nothing (>= 0.95x).

    .venv/bin/python benchmarks/bench_models_pipeline.py [--backbone mobilenetv2] [--images 256] [--size 128]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backbone", default="mobilenetv2")
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    from annotator.core.sample_data import generate

    root = Path(args.data or tempfile.mkdtemp(prefix="bench_pipe_"))
    if not any(root.glob("*.xml")):
        generate(root, args.images, seed=4, max_flowers=1)
    samples = load_samples(root, image_size=args.size)
    samples = samples.subset(range(min(args.images, len(samples))))
    heads = ("loc",)
    ctxs = head_contexts(samples.class_names, heads, backbone=args.backbone, image_size=args.size)
    y, w = pipeline.compute_targets(samples, heads, ctxs)
    results = {}
    names = ("in-memory arrays", "tf.data pipeline", "tf.data, no augmentation", "in-memory arrays (again)")
    for name in names:
        keras.utils.set_random_seed(0)
        model = build_model(samples.class_names, backbone=args.backbone, image_size=args.size)
        model.compile(optimizer=keras.optimizers.Adam(1e-4), **compile_args(heads, ctxs))
        timer = EpochTimes()
        if name.startswith("in-memory"):
            model.fit(
                samples.images.astype(np.float32),
                y,
                sample_weight=w,
                batch_size=args.batch_size,
                epochs=args.epochs,
                verbose=0,
                callbacks=[timer],
                shuffle=True,
            )
        else:
            ds = pipeline.make_dataset(
                samples, heads, ctxs, batch_size=args.batch_size, training=True, seed=0
            )
            model.fit(ds, epochs=args.epochs, verbose=0, callbacks=[timer], shuffle=False)
        results[name] = len(samples) / float(np.median(timer.times[1:]))
    base = (results["in-memory arrays"] + results["in-memory arrays (again)"]) / 2
    print(
        f"backbone {args.backbone} (all layers trainable), {len(samples)} images at {args.size} px, "
        f"batch {args.batch_size}"
    )
    for name, ips in results.items():
        print(f"{name:28}{ips:8.1f} images/s")
    print(
        f"pipeline / bare fit: {results['tf.data pipeline'] / base:.3f}x with augmentation (flip, zoom/shift, "
        f"brightness/contrast), {results['tf.data, no augmentation'] / base:.3f}x without  (target >= 0.95x)"
    )


if __name__ == "__main__":
    main()
