"""Quality on a real dataset: the loc head trained from scratch on the raccoon photos, against the best constant box.

The raccoon set (``../shared/datasets/raccoon``: 200 photos in ``images/``, their LabelImg XML in
``annotations/``) is read in place. A seeded fifth of the photos (40) is held out; training sees the other 160
(of which the trainer keeps ``--val-fraction`` to choose the best epoch). Both figures are the mean IoU that
`flower-annotator evaluate` reports (the loc head's box against each photo's largest labelled box) on the same 40
held-out photos:

- **model**: `models.training.train` with ``--weights none`` and the settings given, under a wall-clock budget
  (``--minutes``, 10), scored with the second look (what ``predict`` and the window use) and without it;
- **baseline**: the constant box (one box, the same for every photo) with the highest mean IoU on the 160
  training photos, found by a grid over every box with corners on a 0.05 grid and a local search down to
  0.001, then scored on the 40. The mean training box is printed beside it.

The photos are linked (not copied) into ``--work``/train and /test, so training writes its split files there and
nothing is written into the dataset. Run it alone on the machine (the budget is wall-clock time):

    flock /tmp/cpu-heavy.lock .venv/bin/python benchmarks/bench_raccoon_quality.py [--minutes 10] \\
        [--backbone mobilenetv2 --width 0.5 --image-size 160 --epochs 400 --patience 0]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RACCOON = next(
    (
        p / "datasets" / "raccoon"
        for p in (Path(__file__).resolve().parents[2] / "shared", Path("/work/shared"))
        if (p / "datasets" / "raccoon" / "annotations").is_dir()
    ),
    Path("/work/shared/datasets/raccoon"),
)


def held_out_split(ids: list[str], seed: int, fraction: float = 0.2) -> tuple[list[str], list[str]]:
    """``(train, test)``: a seeded ``fraction`` of ``ids`` held out, both in the given order."""
    chosen = list(ids)
    random.Random(seed).shuffle(chosen)
    test = set(chosen[: round(len(ids) * fraction)])
    return [i for i in ids if i not in test], [i for i in ids if i in test]


def link_folder(folder: Path, photos: list[Path]) -> Path:
    """A fresh ``folder`` of symbolic links to ``photos`` (read in place; the split files land here)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for photo in photos:
        (folder / photo.name).symlink_to(photo)
    return folder


def largest_boxes(folder: Path, annotations: Path) -> np.ndarray:
    """(N, 4) normalized xyxy: each photo's largest labelled box, as `evaluate` takes it (same loader)."""
    from models.data import load_samples

    samples = load_samples(folder, image_size=32, save_dir=annotations)
    chosen = []
    for boxes in samples.boxes:
        areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        chosen.append(boxes[int(np.argmax(areas))])
    return np.asarray(chosen, np.float64).reshape(-1, 4)


def mean_iou(box, targets: np.ndarray) -> float:
    from annotator.core.geometry import iou_matrix

    return float(iou_matrix(np.asarray(box, np.float64).reshape(1, 4), targets).mean())


def best_constant_box(targets: np.ndarray, grid: float = 0.05) -> np.ndarray:
    """The normalized xyxy box with the highest mean IoU against ``targets``: every box with corners on a
    ``grid`` lattice, then a coordinate search with steps from 0.02 down to 0.001."""
    from annotator.core.geometry import iou_matrix

    ticks = np.round(np.arange(0.0, 1.0 + 1e-9, grid), 6)
    pairs = np.array([(a, b) for a in ticks for b in ticks if b > a])
    xs, ys = np.repeat(pairs, len(pairs), axis=0), np.tile(pairs, (len(pairs), 1))
    candidates = np.stack([xs[:, 0], ys[:, 0], xs[:, 1], ys[:, 1]], axis=1)
    scores = np.concatenate(
        [iou_matrix(candidates[i : i + 4096], targets).mean(axis=1) for i in range(0, len(candidates), 4096)]
    )
    best = candidates[int(np.argmax(scores))].copy()
    best_score = float(scores.max())
    for step in (0.02, 0.01, 0.005, 0.002, 0.001):
        improved = True
        while improved:
            improved = False
            for k in range(4):
                for sign in (-1.0, 1.0):
                    trial = best.copy()
                    trial[k] = np.clip(trial[k] + sign * step, 0.0, 1.0)
                    if trial[2] <= trial[0] or trial[3] <= trial[1]:
                        continue
                    score = mean_iou(trial, targets)
                    if score > best_score + 1e-12:
                        best, best_score, improved = trial, score, True
    return best


def paired_with_constant(model_path: Path, folder: Path, annotations: Path, constant: np.ndarray) -> dict:
    """Per held-out photo, the model's first-pass IoU minus the constant box's (largest box each, as `evaluate`):
    the mean difference, its standard error, and on how many photos each is ahead by more than 0.05."""
    from annotator.core.geometry import cxcywh_to_xyxy
    from models.data import load_samples
    from models.predict import Predictor

    predictor = Predictor(model_path, refine=False)
    samples = load_samples(
        folder, predictor.info.class_names, image_size=predictor.info.image_size, save_dir=annotations
    )
    boxes = np.clip(cxcywh_to_xyxy(np.asarray(predictor.outputs(samples.images)["box"])), 0.0, 1.0)
    targets = largest_boxes(folder, annotations)
    model = np.array([_iou_rows(b, t[None])[0] for b, t in zip(boxes, targets, strict=True)])
    diff = model - _iou_rows(constant, targets)
    return {
        "paired_mean_diff": float(diff.mean()),
        "paired_se": float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0,
        "model_ahead": int((diff > 0.05).sum()),
        "constant_ahead": int((diff < -0.05).sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(RACCOON), help="the raccoon folder (images/ + annotations/)")
    parser.add_argument("--work", default="/tmp/raccoon_quality")
    parser.add_argument("--minutes", type=float, default=10.0, help="wall-clock training budget")
    parser.add_argument("--seed", type=int, default=0, help="seed of the held-out fifth and of training")
    parser.add_argument("--backbone", default="mobilenetv2")
    parser.add_argument("--width", type=float, default=None)
    parser.add_argument("--image-size", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--patience", type=int, default=None, help="0: no early stopping")
    parser.add_argument("--val-fraction", type=float, default=0.2)
    parser.add_argument("--box-loss", default="giou", choices=("giou", "mse"))
    parser.add_argument("--no-augment", action="store_true")
    parser.add_argument("--label", default="", help="a name for this row in the results file")
    args = parser.parse_args()

    data = Path(args.data)
    if not (data / "annotations").is_dir():
        sys.exit(f"the raccoon dataset is not at {data}")
    from annotator.core import dataset
    from annotator.core.worker_messages import ProgressEvent
    from models.evaluate import evaluate
    from models.modelfile import read_info
    from models.training import TrainConfig, train

    annotations = data / "annotations"
    scanned = dataset.scan(data / "images", save_dir=annotations)
    labelled = [e for e in scanned if e.status is not dataset.ImageStatus.UNLABELLED]
    by_id = {e.image_id: e.image_path for e in labelled}
    train_ids, test_ids = held_out_split(list(by_id), args.seed)
    work = Path(args.work)
    train_dir = link_folder(work / "train", [by_id[i] for i in train_ids])
    test_dir = link_folder(work / "test", [by_id[i] for i in test_ids])
    load_before = os.getloadavg()
    print(
        f"raccoon: {len(labelled)} labelled photos, {len(train_ids)} for training, {len(test_ids)} held out; "
        f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, {os.cpu_count()} CPUs",
        flush=True,
    )

    t0 = time.perf_counter()
    train_targets = largest_boxes(train_dir, annotations)
    test_targets = largest_boxes(test_dir, annotations)
    constant = best_constant_box(train_targets)
    mean_box = train_targets.mean(axis=0)
    baseline = {
        "best_constant_box": [round(float(v), 4) for v in constant],
        "constant_train_iou": mean_iou(constant, train_targets),
        "constant_test_iou": mean_iou(constant, test_targets),
        "mean_box_test_iou": mean_iou(mean_box, test_targets),
        "search_s": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(baseline), flush=True)

    def progress(event: ProgressEvent) -> None:
        if event.kind == "epoch":
            m = {**event.losses, **event.metrics}
            print(
                f"  epoch {event.epoch}: loss {m.get('loss', 0):.3f} box_iou {m.get('box_iou', 0):.3f} "
                f"val_loss {m.get('val_loss', 0):.3f} val_box_iou {m.get('val_box_iou', 0):.3f}",
                flush=True,
            )
        elif event.kind in ("phase", "done"):
            print(f"  [{event.kind}] {event.phase} {event.message}", flush=True)

    model_path = work / "raccoon_scratch.keras"
    config = TrainConfig(
        str(train_dir),
        str(model_path),
        save_dir=str(annotations),
        backbone=args.backbone,
        weights=None,
        image_size=args.image_size,
        width=args.width,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        patience=(100_000 if args.patience == 0 else args.patience),
        val_fraction=args.val_fraction,
        box_loss=args.box_loss,
        augment=not args.no_augment,
        seed=args.seed,
        max_minutes=args.minutes,
    )
    if model_path.exists():
        model_path.unlink()
    result = train(config, progress=progress)
    if result.model_path is None:
        sys.exit(f"no model was written ({result.stopped})")
    info = read_info(result.model_path)
    second = evaluate(result.model_path, test_dir, save_dir=annotations)
    first = evaluate(result.model_path, test_dir, save_dir=annotations, refine=False)
    paired = paired_with_constant(Path(result.model_path), test_dir, annotations, constant)
    load_after = os.getloadavg()
    row = {
        "label": args.label,
        "backbone": info.backbone,
        "width": info.width,
        "image_size": info.image_size,
        "train_minutes": round(result.elapsed_s / 60, 2),
        "epochs": sum(len(v) for v in result.history.values()),
        "stopped": result.stopped,
        "n_train": result.n_train,
        "n_val": result.n_val,
        "settings": {k: v for k, v in vars(args).items() if k not in ("data", "work", "label")},
        "test_mean_iou": second["mean_iou"],
        "test_iou50_rate": second["iou50_rate"],
        "first_pass_test_mean_iou": first["mean_iou"],
        "first_pass_test_iou50_rate": first["iou50_rate"],
        **baseline,
        **paired,
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after],
    }
    print(json.dumps(row), flush=True)
    with open(work / "results.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    print()
    print(
        f"raccoon, loc head from scratch ({info.backbone} width {info.width:g}, {info.image_size} px, "
        f"{row['epochs']} epochs in {row['train_minutes']} min, {result.stopped}); {len(test_ids)} held-out photos"
    )
    print(f"{'':34}{'test mean IoU':>14}{'IoU>=0.5':>10}")
    print(f"{'model, with the second look':34}{second['mean_iou']:>14.3f}{second['iou50_rate']:>10.3f}")
    print(f"{'model, first pass only':34}{first['mean_iou']:>14.3f}{first['iou50_rate']:>10.3f}")
    c = constant
    print(
        f"{'best constant box (baseline)':34}{baseline['constant_test_iou']:>14.3f}"
        f"{float(np.mean(_iou_rows(c, test_targets) >= 0.5)):>10.3f}"
        f"   box {c[0]:.3f} {c[1]:.3f} {c[2]:.3f} {c[3]:.3f} (train IoU {baseline['constant_train_iou']:.3f})"
    )
    print(f"{'mean training box':34}{baseline['mean_box_test_iou']:>14.3f}")
    print(
        f"model (first pass) - constant box, per photo: {paired['paired_mean_diff']:+.3f} "
        f"(standard error {paired['paired_se']:.3f}); ahead by > 0.05 on {paired['model_ahead']} photos, "
        f"behind on {paired['constant_ahead']}"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"(1-minute; {os.cpu_count()} CPUs)"
    )


def _iou_rows(box, targets: np.ndarray) -> np.ndarray:
    from annotator.core.geometry import iou_matrix

    return iou_matrix(np.asarray(box, np.float64).reshape(1, 4), targets)[0]


if __name__ == "__main__":
    main()
