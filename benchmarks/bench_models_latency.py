"""Prediction latency per image on this machine for each backbone (loc head): `Predictor.predict` on a JPEG
(decode + resize + forward passes + decoding, with the loc head's second look as `predict` does by default), median
of N images after a warm-up, next to the same with one pass (``--no-refine``) and the bare forward pass of the
same model on an already-resized array.

    .venv/bin/python benchmarks/bench_models_latency.py [--size 224] [--images 20] \
        [--backbones mobilenetv2,mobilenetv2:0.5@192,resnet34,xception]

An entry ``NAME:WIDTH@SIZE`` sets the width multiplier and input size of that row (``mobilenetv2:0.5@192`` is
what `flower-annotator train --backbone mobilenetv2 --weights none` builds); a plain name uses ``--size``.
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

import numpy as np  # noqa: E402

from benchmarks.backbone_entries import parse_entries  # noqa: E402
from models.builder import build_model  # noqa: E402
from models.modelfile import ModelInfo, save_model  # noqa: E402
from models.predict import Predictor  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--backbones", default="mobilenetv2,mobilenetv2:0.5@192,resnet34,xception")
    args = parser.parse_args()
    from annotator.core.sample_data import generate

    work = Path(tempfile.mkdtemp(prefix="bench_latency_"))
    images = [p for p in generate(work / "data", args.images, seed=5, max_flowers=1) if p.suffix == ".jpg"]
    classes = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    print(f"{args.images} JPEGs of 320x240, model input {args.size} px, batch 1, {os.cpu_count()} CPUs")
    print(
        f"{'backbone':22}{'params':>12}{'predict(file) ms':>18}{'1 pass ms':>11}{'forward only ms':>17}"
        f"{'file size MB':>14}"
    )
    for entry in parse_entries(args.backbones):
        name, width, size = entry.name, entry.width or 1.0, entry.size or args.size
        model = build_model(classes, backbone=name, image_size=size, width=width)
        info = ModelInfo(classes, size, name, ["loc"], width=width)
        path = save_model(model, work / f"{entry.stem}.keras", info)
        predictor = Predictor(path)
        for p in images[:3]:
            predictor.predict(p)
        latencies = [predictor.predict(p).latency_ms for p in images]
        predictor.refine = False
        single = [predictor.predict(p).latency_ms for p in images]
        x = np.zeros((1, size, size, 3), np.uint8)
        forward = []
        for _ in range(len(images)):
            t0 = time.perf_counter()
            predictor.outputs(x)
            forward.append((time.perf_counter() - t0) * 1000)
        print(
            f"{entry.label:22}{model.count_params():>12,}{np.median(latencies):>18.1f}{np.median(single):>11.1f}"
            f"{np.median(forward):>17.1f}"
            f"{path.stat().st_size / 1e6:>14.1f}"
        )


if __name__ == "__main__":
    main()
