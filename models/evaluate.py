"""Score a model file on a VOC folder: one dict of figures, the same every head adds to.

Keys: ``n_images`` (images evaluated), ``mean_iou`` / ``iou50_rate`` / ``accuracy`` (loc head: its box against
each image's largest labelled box, and its class), plus whatever other heads add (``map50``, ``map50_95``,
``mask_miou``), ``n_problems`` (files skipped or boxes ignored, see `models.data`) and ``refine`` (whether the
loc head took its second look, `models.heads.loc.refine`, as `flower-annotator predict` does by default).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from models.builder import get_head
from models.data import load_image_and_source, load_samples
from models.predict import Predictor

SPLITS = ("all", "train", "val")


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
) -> dict:
    """Evaluate ``model_path`` on the labelled images of ``data_dir``.

    Args:
        model_path: a model file written by training.
        data_dir: a VOC folder (labels beside the images).
        split: ``all`` images, or the ``train`` / ``val`` list written by training.
        batch_size: images per forward pass.
        predictor: an already loaded model (skips loading ``model_path``; its own ``refine`` applies).
        refine: the loc head's second look (`models.heads.loc.refine`) when the model is loaded here.

    Returns:
        A JSON-ready dict (see the module docstring).
    """
    predictor = predictor or Predictor(model_path, refine=refine)
    info = predictor.info
    samples = load_samples(
        data_dir, info.class_names, image_size=info.image_size, ids=split_file_ids(data_dir, split)
    )
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
    stacked = {k: np.concatenate(v) for k, v in outputs.items()}
    pairs = [({k: v[i] for k, v in stacked.items()}, samples.sample(i)) for i in range(len(samples))]
    result: dict = {"n_images": len(samples)}
    for head in info.heads:
        spec = get_head(head)
        if spec.evaluate is not None:
            result.update(spec.evaluate(pairs, predictor.ctxs[head]))
    result["n_problems"] = len(samples.problems)
    result["refine"] = predictor.refine
    return result
