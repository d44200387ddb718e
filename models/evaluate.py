"""Score a model file on a VOC folder: one dict of figures, the same every head adds to.

Keys: ``n_images`` (images evaluated), ``mean_iou`` / ``iou50_rate`` / ``accuracy`` (loc head: its box against
each image's largest labelled box, and its class), plus whatever other heads add (``map50``, ``map50_95``,
``mask_miou``), ``n_problems`` (files skipped or boxes ignored, see `models.data`) and ``refine`` (whether the
loc head took its second look, `models.heads.loc.refine`, as `flower-annotator predict` does by default).

`evaluate_detailed` also returns the stored predictions as an `annotator.core.evaluation.EvaluationData`
(image pixels, every detection scoring at least ``STORE_SCORE_THRESHOLD``), from which per-class AP, the
confusion matrix and the per-image counts are computed at any threshold without running the model again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from annotator.core.evaluation import EvaluationData, ImageResult
from annotator.core.geometry import DEFAULT_NMS_IOU
from models.builder import get_head
from models.data import dataset_classes, load_image_and_source, load_samples
from models.predict import PredictOptions, Predictor

SPLITS = ("all", "train", "val")


class EvaluationCancelled(Exception):
    """`evaluate_detailed` was cancelled (its ``cancel`` event was set)."""


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise EvaluationCancelled("evaluation cancelled")


# detections kept for the threshold views: low enough that any threshold a user picks can be applied later
STORE_SCORE_THRESHOLD = 0.01


def split_file_ids(data_dir: str | os.PathLike, split: str) -> list[str] | None:
    """Ids listed in ``ImageSets/Main/<split>.txt`` (None for ``all``); never writes the split."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if split == "all":
        return None
    path = Path(data_dir) / "ImageSets" / "Main" / f"{split}.txt"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist: train a model on this folder first, or use --split all"
        )
    return path.read_text(encoding="utf-8").split()


def evaluate(
    model_path: str | os.PathLike,
    data_dir: str | os.PathLike,
    *,
    split: str = "all",
    batch_size: int = 16,
    predictor: Predictor | None = None,
    refine: bool = True,
    save_dir: str | os.PathLike | None = None,
) -> dict:
    """`evaluate_detailed`'s figures only."""
    return evaluate_detailed(
        model_path,
        data_dir,
        split=split,
        batch_size=batch_size,
        predictor=predictor,
        refine=refine,
        save_dir=save_dir,
    )[0]


def evaluate_detailed(
    model_path: str | os.PathLike,
    data_dir: str | os.PathLike,
    *,
    split: str = "all",
    batch_size: int = 16,
    predictor: Predictor | None = None,
    refine: bool = True,
    nms_iou: float = DEFAULT_NMS_IOU,
    save_dir: str | os.PathLike | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    cancel: threading.Event | None = None,
    ids: Sequence[str] | None = None,
    keep_empty: bool = False,
) -> tuple[dict, EvaluationData]:
    """Evaluate ``model_path`` on the labelled images of ``data_dir``.

    Args:
        model_path: a model file written by training.
        data_dir: a VOC folder (labels beside the images).
        split: ``all`` images, or the ``train`` / ``val`` list written by training.
        batch_size: images per forward pass.
        predictor: an already loaded model (skips loading ``model_path``; its own ``refine`` applies).
        refine: the loc head's second look (`models.heads.loc.refine`) when the model is loaded here.
        save_dir: the annotations' save folder (the window's ``--save-dir``); None: beside the images.
        progress: called ``(step, done, total)`` with step ``"loading"`` after each image read and
            ``"predicting"`` after each batch.
        cancel: checked after reading and after every batch; when set, `EvaluationCancelled` is raised.
        ids: exactly these images (e.g. one held-out fold); overrides ``split``.
        keep_empty: also the images whose annotation has no box and no mask (`models.data.load_samples`).

    Returns:
        A JSON-ready dict (see the module docstring) and the stored predictions with their ground truth
        (`EvaluationData`, boxes xyxy in image pixels of each image's displayed frame).
    """
    predictor = predictor or Predictor(model_path, refine=refine)
    info = predictor.info
    ids = list(ids) if ids is not None else split_file_ids(data_dir, split)
    present = dataset_classes(data_dir, ids, save_dir=save_dir)
    if present and not set(present) & set(info.class_names):
        shown = ", ".join(present[:8]) + (f" and {len(present) - 8} more" if len(present) > 8 else "")
        raise ValueError(
            f"the model knows {', '.join(info.class_names)}, and none of them is labelled in {data_dir} "
            f"(its classes: {shown}); evaluate it on data labelled with the model's classes"
        )
    samples = load_samples(
        data_dir,
        info.class_names,
        image_size=info.image_size,
        ids=ids,
        save_dir=save_dir,
        progress=(lambda done, total: progress("loading", done, total)) if progress else None,
        cancel=cancel,
        keep_empty=keep_empty,
    )
    _check_cancel(cancel)
    if len(samples) == 0:
        reasons = "; ".join(map(str, samples.problems[:3])) or "no labelled images"
        raise ValueError(f"nothing to evaluate in {data_dir}: {reasons}")
    outputs: dict[str, list[np.ndarray]] = {}
    for start in range(0, len(samples), batch_size):
        batch = samples.images[start : start + batch_size]
        if predictor.refine:  # the crops are cut from the decoded images, as `Predictor.predict` does
            paths = samples.paths[start : start + batch_size]
            out = predictor.refined_outputs(
                batch, [load_image_and_source(p, info.image_size)[1] for p in paths]
            )
        else:
            out = predictor.outputs(batch)
        for k, v in out.items():
            outputs.setdefault(k, []).append(v)
        _check_cancel(cancel)
        if progress is not None:
            progress("predicting", min(start + batch_size, len(samples)), len(samples))
    stacked = {k: np.concatenate(v) for k, v in outputs.items()}
    pairs = [({k: v[i] for k, v in stacked.items()}, samples.sample(i)) for i in range(len(samples))]
    result: dict = {"n_images": len(samples)}
    for head in info.heads:
        spec = get_head(head)
        if spec.evaluate is not None:
            result.update(spec.evaluate(pairs, predictor.ctxs[head]))
    result["n_problems"] = len(samples.problems)
    result["model_classes_not_in_data"] = [c for c in info.class_names if c not in present]
    result["data_classes_not_in_model"] = [c for c in present if c not in info.class_names]
    result["refine"] = predictor.refine
    options = PredictOptions(STORE_SCORE_THRESHOLD, nms_iou)
    stored = []
    for outputs_i, sample in pairs:
        pred = predictor.decode(outputs_i, sample.image_id, sample.width, sample.height, options)
        scale = np.array([sample.width, sample.height, sample.width, sample.height], np.float64)
        stored.append(
            ImageResult(
                sample.image_id,
                np.asarray(sample.boxes, np.float64).reshape(-1, 4) * scale,
                np.asarray(sample.classes).reshape(-1),
                pred.boxes,
                pred.scores,
                pred.classes,
                image_path=str(sample.image_path),
            )
        )
    return result, EvaluationData(stored, info.class_names)
