"""Figures for the grid / seg heads, each next to its baseline measured in the same run.

1. Forward-pass cost: the backbone alone vs the full model with all four heads (cls, box, grid, mask): wall
   time and FLOPs (TensorFlow's graph profiler; load-independent, as the CPU is shared),
   same input size, same batch, interleaved rounds, the fastest round of each (load only adds time).
2. Anchors: average IoU of every box to its best anchor, k-means (1 - IoU) anchors vs the same number of evenly
   spaced square anchors spanning the boxes' size range, on generated flower boxes (1-4 flowers per image).
3. GrabCut pseudo-masks vs the true masks of generated images (mIoU over flower pixels), baseline: filled boxes.

Run: ``.venv/bin/python benchmarks/bench_heads.py [--sizes 224] [--backbones mobilenetv2,resnet34]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402


def _median_ms(fn, reps: int) -> float:
    fn()
    fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _flops(model, size: int) -> int:
    """Floating-point operations of one forward pass of one image (TensorFlow's graph profiler)."""
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    from tensorflow.python.profiler.model_analyzer import profile
    from tensorflow.python.profiler.option_builder import ProfileOptionBuilder

    fn = tf.function(lambda v: model(v, training=False))
    frozen = convert_variables_to_constants_v2(fn.get_concrete_function(tf.TensorSpec([1, size, size, 3])))
    opts = ProfileOptionBuilder(ProfileOptionBuilder.float_operation()).with_empty_output().build()
    return int(profile(frozen.graph, options=opts).total_float_ops)


def bench_forward(backbone: str, size: int, batch: int, reps: int) -> None:
    import tensorflow as tf

    from models.backbones import build_backbone
    from models.builder import build_model

    classes = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    bb = build_backbone(backbone, image_size=size)
    full = build_model(classes, backbone=backbone, image_size=size, heads="loc,grid,seg")
    x = tf.constant(np.random.default_rng(0).uniform(0, 255, (batch, size, size, 3)).astype(np.float32))
    f_bb = tf.function(lambda v: bb(v, training=False))
    f_full = tf.function(lambda v: full(v, training=False))
    # Interleave the two, many short rounds, and keep each one's fastest: other processes only ever add time.
    t_bb, t_full = [], []
    for _ in range(reps):
        t_bb.append(_median_ms(lambda: [t.numpy() for t in f_bb(x)], 3))
        t_full.append(_median_ms(lambda: {k: v.numpy() for k, v in f_full(x).items()}, 3))
    a, b = min(t_bb), min(t_full)
    # Rounds measured back to back see the same load: the median of their ratios is the steadier figure.
    ratio = statistics.median(f / g for f, g in zip(t_full, t_bb, strict=True))
    extra = full.count_params() - bb.count_params()
    fa, fb = _flops(bb, size), _flops(full, size)
    print(
        f"forward {backbone:12s} {size}px batch {batch}: backbone alone {a:8.1f} ms | all four heads {b:8.1f} ms"
        f" (fastest rounds) | +{(ratio - 1) * 100:5.1f}% time (median of paired rounds);"
        f" FLOPs/image {fa / 1e9:.3f} G vs {fb / 1e9:.3f} G (+{(fb / fa - 1) * 100:.1f}%); +{extra:,} parameters"
    )


def _flower_boxes(n_images: int, seed: int) -> np.ndarray:
    from annotator.core import sample_data, voc

    with tempfile.TemporaryDirectory() as tmp:
        sample_data.generate(tmp, n_images, seed=seed, max_flowers=4, image_size=(320, 240))
        wh = []
        for xml in sorted(Path(tmp).glob("*.xml")):
            ann = voc.read(xml)
            wh += [(o.width / ann.width, o.height / ann.height) for o in ann.objects]
    return np.array(wh)


def bench_anchors(n_images: int) -> None:
    from models.heads.grid.anchors import fit_anchors, mean_best_iou, square_anchors

    wh = _flower_boxes(n_images, seed=7)
    side = np.sqrt(wh.prod(axis=1))
    print(f"anchors on {len(wh)} generated flower boxes ({n_images} images, 1-4 flowers each):")
    for k in (3, 5, 9):
        t = time.perf_counter()
        fit = fit_anchors(wh, k, seed=0)
        dt = (time.perf_counter() - t) * 1000
        base = mean_best_iou(wh, square_anchors(k, low=float(side.min()), high=float(side.max())))
        print(f"  k={k}: k-means avg IoU {fit.mean_iou:.3f} ({dt:.0f} ms) | evenly spaced squares {base:.3f}")


def bench_pseudo_masks(n_images: int) -> None:
    from annotator.core import masks, sample_data, voc
    from annotator.core.imaging import load_image
    from annotator.core.pseudo_masks import grabcut_mask

    with tempfile.TemporaryDirectory() as tmp:
        sample_data.generate(tmp, n_images, seed=11, max_flowers=3, image_size=(320, 240))
        inter_g = union_g = inter_b = union_b = 0
        t = time.perf_counter()
        for xml in sorted(Path(tmp).glob("*.xml")):
            ann = voc.read(xml)
            image = load_image(xml.with_suffix(".jpg"))
            truth = masks.read_mask_png(Path(tmp) / "SegmentationClass" / (xml.stem + ".png")) > 0
            truth &= masks.read_mask_png(Path(tmp) / "SegmentationClass" / (xml.stem + ".png")) != 255
            boxes = np.array([o.xyxy() for o in ann.objects])
            guess = grabcut_mask(image, boxes, [1] * len(boxes)) > 0
            filled = np.zeros_like(truth)
            for x0, y0, x1, y1 in boxes.round().astype(int):
                filled[y0:y1, x0:x1] = True
            inter_g += (guess & truth).sum()
            union_g += (guess | truth).sum()
            inter_b += (filled & truth).sum()
            union_b += (filled | truth).sum()
        dt = (time.perf_counter() - t) / n_images * 1000
    print(
        f"pseudo-masks on {n_images} generated images: GrabCut flower IoU {inter_g / union_g:.3f} "
        f"({dt:.0f} ms/image incl. loading) | filled boxes {inter_b / union_b:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backbones", default="mobilenetv2,resnet34")
    parser.add_argument("--sizes", default="224")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--anchor-images", type=int, default=300)
    parser.add_argument("--mask-images", type=int, default=30)
    args = parser.parse_args()
    bench_anchors(args.anchor_images)
    bench_pseudo_masks(args.mask_images)
    for backbone in args.backbones.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            bench_forward(backbone, size, args.batch, args.reps)


if __name__ == "__main__":
    main()
