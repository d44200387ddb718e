"""Draw the README pictures of the heads (docs/readme/heads_*.png) from a trained model: grid detections, mask, FCN class map.

Run: ``.venv/bin/python benchmarks/heads_pictures.py MODEL.keras IMAGE OUT_DIR``. Writes ``heads_grid.png``
(cells, anchors' objectness, final boxes), ``heads_mask.png`` (the predicted mask over the image) and
``heads_fcn.png`` (the loc head slid over the image at twice its input size).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from annotator.core.geometry import DEFAULT_SCORE_THRESHOLD  # noqa: E402


def _write(path: Path, rgb: np.ndarray) -> None:
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("image")
    parser.add_argument("out_dir")
    parser.add_argument("--score-threshold", type=float, default=DEFAULT_SCORE_THRESHOLD)
    args = parser.parse_args()

    from annotator.core.imaging import load_image
    from annotator.core.masks import VOC_PALETTE
    from models.heads.loc.fcn import render_fcn_map
    from models.predict import Predictor

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    image = load_image(args.image)
    h, w = image.shape[:2]
    pred = Predictor(args.model).predict(args.image, score_threshold=args.score_threshold)

    grid = image.copy()
    if pred.objectness is not None:
        rows, cols = pred.objectness.shape[:2]
        heat = cv2.resize(
            pred.objectness.max(axis=-1).astype(np.float32), (w, h), interpolation=cv2.INTER_NEAREST
        )
        grid = (grid * (1 - 0.5 * heat[..., None]) + np.array([255, 255, 0]) * 0.5 * heat[..., None]).astype(
            np.uint8
        )
        for r in range(1, rows):
            cv2.line(grid, (0, r * h // rows), (w, r * h // rows), (255, 255, 255), 1)
        for c in range(1, cols):
            cv2.line(grid, (c * w // cols, 0), (c * w // cols, h), (255, 255, 255), 1)
    for box, score, k in zip(pred.boxes, pred.scores, pred.classes, strict=True):
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        cv2.rectangle(grid, (x0, y0), (x1, y1), (255, 40, 40), 2)
        cv2.putText(
            grid,
            f"{pred.class_names[k]} {score:.2f}",
            (x0, max(10, y0 - 3)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.4,
            (255, 255, 255),
            1,
        )
    _write(out / "heads_grid.png", grid)

    if pred.mask is not None:
        colours = VOC_PALETTE[pred.mask].astype(np.float32)
        alpha = (pred.mask > 0)[..., None] * 0.55
        _write(out / "heads_mask.png", (image * (1 - alpha) + colours * alpha).astype(np.uint8))
    print(render_fcn_map(args.model, args.image, out / "heads_fcn.png", scale=2))


if __name__ == "__main__":
    main()
