"""Quality from scratch on this CPU: train on 1,000 generated single-flower images, evaluate on 200 others.

Training uses the default settings of `flower-annotator train --weights none` (MobileNetV2 at half width and
192 px, the other backbones at 128 px; 60 epochs, Adam with a 2e-3 peak rate under a warm-up + cosine schedule
that also ends with the time budget, GIoU + L1 box loss, augmentation, early stopping with patience 10) on a
10% validation split of the 1,000 images, and a wall-clock budget (``--minutes``, 15 by default;
`--max-minutes` of the CLI) per row. The 200 test images come from another seed and are never seen in training.
Targets for mobilenetv2: mean IoU >= 0.75 and class accuracy >= 0.90.

Each model is scored twice on the test images: as `flower-annotator evaluate` and `predict` use it (the loc
head's second look at a crop around its first box, `models.heads.loc.refine`) and with the first pass only
(``--no-refine``), the baseline of the same run.

Each entry of ``--backbones`` is a backbone name (its defaults) or ``NAME:WIDTH@SIZE`` for other settings; the
default list puts the previous MobileNetV2 defaults (full width, 128 px) beside the current ones as the
baseline of the same run, then Xception:

    nice -n 10 .venv/bin/python benchmarks/bench_models_quality.py [--minutes 15] \
        [--backbones mobilenetv2,mobilenetv2:1.0@128,xception]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--backbones", default="mobilenetv2,mobilenetv2:1.0@128,xception")
    parser.add_argument("--work", default="/tmp/flower_quality")
    parser.add_argument("--train-images", type=int, default=1000)
    parser.add_argument("--test-images", type=int, default=200)
    args = parser.parse_args()

    from annotator.core.sample_data import generate
    from annotator.core.worker_messages import ProgressEvent
    from benchmarks.backbone_entries import parse_entries
    from models.evaluate import evaluate
    from models.modelfile import read_info
    from models.training import TrainConfig, train

    work = Path(args.work)
    train_dir, test_dir = work / "train", work / "test"
    if not (train_dir / f"flower_{args.train_images - 1:05d}.xml").exists():
        generate(train_dir, args.train_images, seed=0, max_flowers=1)
    if not (test_dir / f"flower_{args.test_images - 1:05d}.xml").exists():
        generate(test_dir, args.test_images, seed=1, max_flowers=1)

    def progress(event: ProgressEvent) -> None:
        if event.kind == "epoch":
            m = {**event.losses, **event.metrics}
            print(
                f"  {event.phase} epoch {event.epoch}: loss {m.get('loss', 0):.3f} val_box_iou "
                f"{m.get('val_box_iou', 0):.3f} val_cls_accuracy {m.get('val_cls_accuracy', 0):.3f}",
                flush=True,
            )
        elif event.kind in ("phase", "done"):
            print(f"  [{event.kind}] {event.phase} {event.message}", flush=True)

    rows = []
    for entry in parse_entries(args.backbones):
        print(f"== {entry.label}", flush=True)
        out = work / f"{entry.stem}_scratch.keras"
        config = TrainConfig(
            str(train_dir),
            str(out),
            backbone=entry.name,
            weights=None,
            val_fraction=0.1,
            max_minutes=args.minutes,
            width=entry.width,
            image_size=entry.size,
        )
        result = train(config, progress=progress)
        info = read_info(result.model_path) if result.model_path else None
        t0 = time.perf_counter()
        figures = evaluate(result.model_path, test_dir) if result.model_path else {}
        first = evaluate(result.model_path, test_dir, refine=False) if result.model_path else {}
        epochs = sum(len(v) for v in result.history.values())
        rows.append(
            {
                "backbone": entry.label,
                "width": info.width if info else None,
                "image_size": info.image_size if info else None,
                "train_minutes": round(result.elapsed_s / 60, 1),
                "epochs": epochs,
                "stopped": result.stopped,
                "eval_s": round(time.perf_counter() - t0, 1),
                **figures,
                **{f"first_pass_{k}": first.get(k, 0) for k in ("mean_iou", "iou50_rate", "accuracy")},
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    print()
    print(
        f"From scratch (--weights none, default settings), {args.train_images} train / {args.test_images} test images, "
        f"budget {args.minutes:g} min per backbone, {os.cpu_count()} CPUs"
    )
    print(
        f"{'backbone':22}{'width':>6}{'px':>5}{'minutes':>9}{'epochs':>8}  {'scored':12}{'test mean IoU':>15}"
        f"{'IoU>=0.5':>10}{'accuracy':>10}"
    )
    for r in rows:
        for label, prefix in (("first pass", "first_pass_"), ("second look", "")):
            print(
                f"{r['backbone']:22}{r['width'] or 0:>6}{r['image_size'] or 0:>5}{r['train_minutes']:>9}"
                f"{r['epochs']:>8}  {label:12}{r.get(prefix + 'mean_iou', 0):>15.3f}"
                f"{r.get(prefix + 'iou50_rate', 0):>10.3f}{r.get(prefix + 'accuracy', 0):>10.3f}"
            )
    print("targets (mobilenetv2): mean IoU >= 0.75, accuracy >= 0.90")
    (work / "results.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
