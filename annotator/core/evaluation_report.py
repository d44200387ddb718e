"""Write an `EvaluationViews` as a report folder: report.html (self-contained), PNG figures and CSV tables.

Files: ``report.html`` (no network: every figure inline as a base64 PNG), ``confusion.png``, ``pr_curves.png``,
``iou_histogram.png``, ``per_class.csv`` (class, n_gt, n_det, ap50, precision, recall, mean_iou) and
``images.csv`` (image, matches, misses, false_alarms, wrong_classes, mean_iou). Figures are drawn with OpenCV.
Each file is written through a temporary file and ``os.replace``; nothing else in the folder is touched.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import math
import os
from pathlib import Path

import cv2
import numpy as np

from annotator.core.atomic import atomic_write_bytes
from annotator.core.evaluation import EvaluationViews

FONT = cv2.FONT_HERSHEY_SIMPLEX
COLORS = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
]  # RGB


def _bgr(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    return rgb[2], rgb[1], rgb[0]


def _png(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image)
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image
        raise ValueError("could not encode the figure as PNG")
    return buf.tobytes()


def _text(img, s, org, scale=0.45, color=(0, 0, 0), thick=1) -> None:
    cv2.putText(img, s, (int(org[0]), int(org[1])), FONT, scale, color, thick, cv2.LINE_AA)


def draw_confusion(views: EvaluationViews, cell: int = 56) -> np.ndarray:
    """The confusion matrix as a BGR image: rows labelled, columns predicted, counts in the cells."""
    labels = views.confusion_labels
    n = len(labels)
    left, top = 130, 150
    img = np.full((top + n * cell + 20, left + n * cell + 20, 3), 255, np.uint8)
    m = views.confusion
    peak = max(int(m.max()), 1)
    for r in range(n):
        for c in range(n):
            v = int(m[r, c])
            shade = int(255 - 200 * v / peak)
            x0, y0 = left + c * cell, top + r * cell
            color = (255, shade, shade) if r == c else (shade, shade, 255)
            cv2.rectangle(img, (x0, y0), (x0 + cell, y0 + cell), color, -1)
            cv2.rectangle(img, (x0, y0), (x0 + cell, y0 + cell), (180, 180, 180), 1)
            _text(
                img, str(v), (x0 + 8, y0 + cell // 2 + 5), 0.5, (0, 0, 0) if shade > 120 else (255, 255, 255)
            )
    for k, name in enumerate(labels):
        _text(img, name[:14], (6, top + k * cell + cell // 2 + 5))
        # column labels written upwards
        patch = np.full((cell, top - 30, 3), 255, np.uint8)
        _text(patch, name[:14], (4, cell // 2 + 5))
        rotated = cv2.rotate(patch, cv2.ROTATE_90_COUNTERCLOCKWISE)
        img[20 : 20 + rotated.shape[0], left + k * cell : left + k * cell + rotated.shape[1]] = rotated
    _text(img, "labelled (rows) / predicted (columns)", (6, 14), 0.45)
    return img


def _axes(width: int, height: int, title: str, xlabel: str, ylabel: str):
    img = np.full((height, width, 3), 255, np.uint8)
    x0, y0, x1, y1 = 60, 30, width - 20, height - 50
    cv2.rectangle(img, (x0, y0), (x1, y1), (0, 0, 0), 1)
    for t in np.linspace(0, 1, 6):
        x = int(x0 + t * (x1 - x0))
        y = int(y1 - t * (y1 - y0))
        cv2.line(img, (x, y1), (x, y1 + 4), (0, 0, 0), 1)
        cv2.line(img, (x0 - 4, y), (x0, y), (0, 0, 0), 1)
        _text(img, f"{t:.1f}", (x - 10, y1 + 18), 0.4)
        _text(img, f"{t:.1f}", (x0 - 34, y + 4), 0.4)
    _text(img, title, (x0, 20), 0.5)
    _text(img, xlabel, ((x0 + x1) // 2 - 20, height - 12), 0.45)
    _text(img, ylabel, (4, y0 - 8), 0.4)
    return img, (x0, y0, x1, y1)


PR_LEGEND_WIDTH = 190
"""Pixels right of the precision-recall plot for its legend (a class name of 16 characters and its AP)."""


def draw_pr_curves(views: EvaluationViews, width: int = 560, height: int = 440) -> np.ndarray:
    """Precision-recall curve of each class (monotone precision), the operating point at the score threshold;
    the legend (class, AP) stands right of the plot, never over a curve (the image is `PR_LEGEND_WIDTH` wider)."""
    plot, (x0, y0, x1, y1) = _axes(
        width, height, f"precision-recall at IoU {views.iou_threshold:.2f}", "recall", "precision"
    )
    img = np.concatenate([plot, np.full((height, PR_LEGEND_WIDTH, 3), 255, np.uint8)], axis=1)
    for k, (name, curve) in enumerate(views.pr_curves.items()):
        color = _bgr(COLORS[k % len(COLORS)])
        if len(curve.recall):
            prec = np.maximum.accumulate(curve.precision[::-1])[::-1]
            r = np.concatenate([[0.0], curve.recall])
            p = np.concatenate([[prec[0]], prec])
            pts = np.stack([x0 + r * (x1 - x0), y1 - p * (y1 - y0)], 1).round().astype(np.int32)
            cv2.polylines(img, [pts.reshape(-1, 1, 2)], False, color, 2, cv2.LINE_AA)
            above = curve.scores >= views.score_threshold
            if above.any():
                i = int(np.flatnonzero(above)[-1])
                cv2.circle(
                    img,
                    (int(x0 + curve.recall[i] * (x1 - x0)), int(y1 - curve.precision[i] * (y1 - y0))),
                    5,
                    color,
                    -1,
                )
        ap = views.per_class[k].ap
        y = y0 + 14 + 20 * k
        cv2.line(img, (width + 4, y - 4), (width + 22, y - 4), color, 2, cv2.LINE_AA)
        _text(
            img,
            f"{name[:16]} AP {ap:.3f}" if np.isfinite(ap) else f"{name[:16]} (no boxes)",
            (width + 28, y),
            0.42,
            color,
        )
    return img


def draw_iou_histogram(views: EvaluationViews, width: int = 640, height: int = 300) -> np.ndarray:
    """Histogram of the IoU of matched boxes (bins of 0.05)."""
    img, (x0, y0, x1, y1) = _axes(width, height, "IoU of matched boxes", "IoU", "share")
    hist = views.iou_histogram.astype(np.float64)
    total = max(hist.sum(), 1.0)
    bins = views.iou_bins
    for k, v in enumerate(hist):
        xa = int(x0 + bins[k] * (x1 - x0))
        xb = int(x0 + bins[k + 1] * (x1 - x0))
        ya = int(y1 - (v / total) * (y1 - y0))
        cv2.rectangle(img, (xa + 1, ya), (xb - 1, y1), _bgr(COLORS[0]), -1)
    _text(img, f"{int(hist.sum())} matches", (x1 - 120, y0 + 20), 0.45)
    return img


SUMMARY_LABELS = {
    "mean_iou": "mean IoU of the box head (its box against each image's largest labelled box)",
    "iou50_rate": "images whose box-head box has IoU >= 0.5",
    "accuracy": "class accuracy of the box head (the largest labelled box's class)",
    "map50_95": "mAP at IoU 0.50:0.95",
    "map75": "mAP at IoU 0.75",
    "n_images_with_boxes": "images with labelled boxes",
    "n_problems": "images left out (unreadable image or annotation)",
    "model_classes_not_in_data": "model classes not labelled in the data",
    "data_classes_not_in_model": "labelled classes the model does not know",
    "refine": "second look (the box head's refined box)",
}
"""Plain words for `evaluate`'s summary keys at the top of the report (another key is shown as it is)."""
SUMMARY_SAME_AS = {"n_images": "images", "map50": "map"}
"""Summary keys that repeat a line the report writes itself: left out when they say the same."""


def _plain(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if math.isfinite(value) else "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def summary_lines(views: EvaluationViews, summary: dict | None = None) -> list[tuple[str, str]]:
    """The report's opening lines, in plain words with three decimals: the images, the mAP at the chosen
    thresholds, then ``summary`` (`evaluate`'s figures); a summary figure equal to a line above is left out."""
    own = {"images": len(views.images), "map": views.map}
    lines = [
        ("images evaluated", _plain(own["images"])),
        (
            f"mAP at IoU {views.iou_threshold:.2f} (the mean of the per-class AP below)",
            _plain(float(views.map)),
        ),
        ("score threshold", _plain(float(views.score_threshold))),
        ("IoU threshold", _plain(float(views.iou_threshold))),
    ]
    for key, value in (summary or {}).items():
        same = SUMMARY_SAME_AS.get(key)
        if same is not None and _plain(value) == _plain(own[same]):
            continue
        lines.append((SUMMARY_LABELS.get(key, key), _plain(value)))
    return lines


def per_class_rows(views: EvaluationViews) -> list[list]:
    rows: list[list] = [["class", "n_gt", "n_det", "ap50", "precision", "recall", "mean_iou"]]
    for c in views.per_class:
        rows.append(
            [c.name, c.n_gt, c.n_det, _fmt(c.ap), _fmt(c.precision), _fmt(c.recall), _fmt(c.mean_iou)]
        )
    return rows


def image_rows(views: EvaluationViews) -> list[list]:
    rows: list[list] = [["image", "matches", "misses", "false_alarms", "wrong_classes", "mean_iou"]]
    for c in views.images:
        rows.append([c.image_id, c.matches, c.misses, c.false_alarms, c.wrong_classes, _fmt(c.mean_iou)])
    return rows


def _fmt(v: float) -> str:
    return f"{v:.4f}" if np.isfinite(v) else ""


def _csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _table(rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(str(v))}</th>" for v in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(
    views: EvaluationViews,
    out_dir: str | os.PathLike,
    *,
    title: str = "Evaluation",
    summary: dict | None = None,
) -> list[Path]:
    """Write the report files into ``out_dir`` (created if missing); returns the paths written.

    Args:
        views: the figures at the chosen thresholds.
        out_dir: the report folder.
        title: the page title (e.g. the model and the data folder).
        summary: extra ``key: value`` lines shown at the top (e.g. ``map50``, ``n_images``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = {
        "confusion.png": _png(draw_confusion(views)),
        "pr_curves.png": _png(draw_pr_curves(views)),
        "iou_histogram.png": _png(draw_iou_histogram(views)),
    }
    tables = {"per_class.csv": per_class_rows(views), "images.csv": image_rows(views)}

    def inline(name: str) -> str:
        data = base64.b64encode(figures[name]).decode("ascii")
        return f'<img alt="{name}" src="data:image/png;base64,{data}">'

    facts = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in summary_lines(views, summary)
    )
    worst = sorted(views.images, key=lambda c: -(c.misses + c.false_alarms + c.wrong_classes))[:50]
    worst_rows = image_rows(views)[:1] + [
        r for r in image_rows(views)[1:] if r[0] in {w.image_id for w in worst}
    ]
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:20px;max-width:1300px}}table{{border-collapse:collapse;margin:8px 0}}
td,th{{border:1px solid #bbb;padding:3px 8px;text-align:right}}td:first-child{{text-align:left}}
.row{{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}}</style></head><body>
<h1>{html.escape(title)}</h1><ul>{facts}</ul>
<h2>Per class</h2>{_table(per_class_rows(views))}
<div class="row"><div><h2>Confusion matrix</h2>{inline("confusion.png")}</div>
<div><h2>Precision-recall</h2>{inline("pr_curves.png")}</div></div>
<h2>IoU of matched boxes</h2>{inline("iou_histogram.png")}
<h2>Images with the most misses, false alarms and wrong classes</h2>{_table(worst_rows)}
<p>Every image: images.csv beside this page.</p></body></html>
"""
    written = []
    for name, data in [
        *figures.items(),
        *((n, _csv(r)) for n, r in tables.items()),
        ("report.html", page.encode("utf-8")),
    ]:
        atomic_write_bytes(out / name, data)
        written.append(out / name)
    return written
