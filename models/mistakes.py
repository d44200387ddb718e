"""Rank likely label mistakes from out-of-sample predictions with cleanlab's object-detection sub-scores.

`rank_mistakes` takes, per image, the labelled boxes and the predictions of a model that did not train on that
image (image pixels, xyxy) and scores every labelled box with ``compute_swap_box_scores`` (swapped class) and
``compute_badloc_box_scores`` (badly located), and every predicted box with ``compute_overlooked_box_scores``
(an object nobody labelled), from ``cleanlab.object_detection.rank`` (cleanlab 2.9, the ObjectLab method).
A sub-score is a quality in [0, 1] (low: likely a mistake); an entry's ``score`` is ``1 - quality``.
Pure numpy (no TensorFlow): it lives in `models` next to the prediction code that feeds it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from annotator.core.evaluation import ImageResult
from annotator.core.geometry import iou_matrix
from annotator.core.mistakes import MistakeEntry, MistakeReport, read_ok_marks, without_ok

METHOD = "cleanlab.object_detection.rank (swap, overlooked, badloc box scores)"
MAX_QUALITY = 0.5  # sub-scores above this are not listed
# cleanlab counts a prediction as "confident" above this (its default 0.95 suits large COCO models; a small model
# trained on a few hundred images rarely says 0.95, so swapped and overlooked boxes would never be seen)
HIGH_PROBABILITY = 0.5


def _cleanlab_inputs(images: Sequence[ImageResult], n_classes: int):
    labels, predictions = [], []
    for img in images:
        labels.append(
            {
                "bboxes": np.asarray(img.gt_boxes, np.float32).reshape(-1, 4),
                "labels": np.asarray(img.gt_classes, np.int64).reshape(-1),
            }
        )
        per_class = []
        boxes = np.asarray(img.det_boxes, np.float32).reshape(-1, 4)
        scores = np.asarray(img.det_scores, np.float32).reshape(-1)
        classes = np.asarray(img.det_classes).reshape(-1)
        for c in range(n_classes):
            sel = classes == c
            per_class.append(np.concatenate([boxes[sel], scores[sel, None]], 1).astype(np.float32))
        arr = np.empty(n_classes, dtype=object)
        arr[:] = per_class
        predictions.append(arr)
    return labels, predictions


def _box(b) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in b)  # type: ignore[return-value]


def rank_mistakes(
    images: Sequence[ImageResult],
    class_names: Sequence[str],
    *,
    max_quality: float = MAX_QUALITY,
    high_probability: float = HIGH_PROBABILITY,
) -> list[MistakeEntry]:
    """Likely mistakes, most suspicious first.

    Args:
        images: per image the labelled boxes and the out-of-sample detections (xyxy image pixels, scores,
            classes; keep low-score detections: cleanlab weighs them).
        class_names: names of the class indices.
        max_quality: entries whose cleanlab sub-score is at most this are listed.
        high_probability: cleanlab's ``high_probability_threshold`` for the swap and overlooked scores.
    """
    os.environ.setdefault("TQDM_DISABLE", "1")
    from cleanlab.object_detection.rank import (
        compute_badloc_box_scores,
        compute_overlooked_box_scores,
        compute_swap_box_scores,
    )

    n_cls = len(class_names)
    labels, predictions = _cleanlab_inputs(images, n_cls)
    hp = float(high_probability)
    swap = compute_swap_box_scores(labels=labels, predictions=predictions, high_probability_threshold=hp)
    badloc = compute_badloc_box_scores(labels=labels, predictions=predictions)
    overlooked = compute_overlooked_box_scores(
        labels=labels, predictions=predictions, high_probability_threshold=hp
    )
    entries: list[MistakeEntry] = []
    for k, img in enumerate(images):
        gt = np.asarray(img.gt_boxes, np.float64).reshape(-1, 4)
        gc = np.asarray(img.gt_classes).reshape(-1)
        det = np.asarray(img.det_boxes, np.float64).reshape(-1, 4)
        dc = np.asarray(img.det_classes).reshape(-1)
        ds = np.asarray(img.det_scores, np.float64).reshape(-1)
        iou = iou_matrix(gt, det)
        for g in range(len(gt)):
            label = class_names[int(gc[g])]
            s = float(np.nan_to_num(swap[k][g], nan=1.0))
            if s <= max_quality:
                other = np.flatnonzero(dc != gc[g])
                best = other[np.argmax(iou[g, other] * ds[other])] if len(other) else None
                entries.append(
                    MistakeEntry(
                        img.image_id,
                        "swapped",
                        label,
                        _box(gt[g]),
                        class_names[int(dc[best])] if best is not None else label,
                        _box(det[best]) if best is not None else None,
                        1.0 - s,
                    )
                )
            b = float(np.nan_to_num(badloc[k][g], nan=1.0))
            if b <= max_quality:
                same = np.flatnonzero(dc == gc[g])
                best = same[np.argmax(iou[g, same] * ds[same])] if len(same) else None
                entries.append(
                    MistakeEntry(
                        img.image_id,
                        "badly_located",
                        label,
                        _box(gt[g]),
                        label,
                        _box(det[best]) if best is not None else None,
                        1.0 - b,
                    )
                )
        # cleanlab's overlooked scores follow its per-class prediction order: class 0's boxes first, ...
        order = (
            np.concatenate([np.flatnonzero(dc == c) for c in range(n_cls)]) if len(dc) else np.zeros(0, int)
        )
        for j, d in enumerate(order.tolist()):
            o = float(np.nan_to_num(overlooked[k][j], nan=1.0))
            if o <= max_quality:
                entries.append(
                    MistakeEntry(
                        img.image_id, "overlooked", None, None, class_names[int(dc[d])], _box(det[d]), 1.0 - o
                    )
                )
    entries.sort(key=lambda e: -e.score)
    return entries


def mistake_report(
    images: Sequence[ImageResult],
    class_names: Sequence[str],
    *,
    marks_root: str | os.PathLike,
    source: str,
    extra: dict | None = None,
) -> MistakeReport:
    """`rank_mistakes` of ``images`` less the entries marked "label is right" under ``marks_root``.

    Raises:
        annotator.core.mistakes.MistakeFileError: the marks file exists but cannot be read.
    """
    marks = read_ok_marks(marks_root)
    entries, skipped = without_ok(rank_mistakes(images, class_names), marks)
    return MistakeReport(
        entries,
        n_images=len(images),
        n_boxes=int(sum(len(np.asarray(img.gt_classes).reshape(-1)) for img in images)),
        class_names=list(class_names),
        method=METHOD,
        source=source,
        skipped_ok=skipped,
        extra=dict(extra or {}),
    )


def mistakes_with_model(
    model_path: str | os.PathLike,
    data_dir: str | os.PathLike,
    *,
    split: str = "val",
    save_dir: str | os.PathLike | None = None,
    batch_size: int = 16,
    predictor=None,
) -> tuple[MistakeReport, dict]:
    """Likely mistakes among the images of ``split`` (``val``: those ``model_path`` did not train on), from that
    model's predictions; also `models.evaluate.evaluate_detailed`'s figures.

    Raises:
        FileNotFoundError: no split file for ``val``; models.modelfile.ModelFileError: an unreadable model;
        ValueError: nothing to evaluate; annotator.core.mistakes.MistakeFileError: an unreadable marks file.
    """
    from annotator.core.mistakes import marks_root
    from models.evaluate import evaluate_detailed

    result, data = evaluate_detailed(
        model_path,
        data_dir,
        split=split,
        batch_size=batch_size,
        save_dir=save_dir,
        predictor=predictor,
        keep_empty=True,
    )
    report = mistake_report(
        data.images,
        data.class_names,
        marks_root=marks_root(data_dir, save_dir),
        source=f"model {os.path.basename(str(model_path))} on its {split} split"
        if split == "val"
        else f"model {os.path.basename(str(model_path))} on all labelled images (some it may have trained on)",
    )
    return report, result
