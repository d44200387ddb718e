"""The evaluation report's own drawing and words (`annotator.core.evaluation_report`): the precision-recall
legend stands beside the plot, never over a curve, and the opening lines are plain words with three decimals,
without repeating a figure."""

from __future__ import annotations

import numpy as np

from annotator.core.evaluation import EvaluationData, ImageResult
from annotator.core.evaluation_report import COLORS, PR_LEGEND_WIDTH, _bgr, draw_pr_curves, summary_lines

NAMES = ["daisy", "dandelion", "roses"]


def _views():
    """Daisies and dandelions found (near the labelled box); roses labelled but never detected."""
    rng = np.random.default_rng(3)
    images = []
    for i in range(30):
        cls = i % 3
        gt = np.array([[10.0, 10.0, 60.0, 60.0]])
        det = gt + rng.normal(0, 3, (1, 4))
        found = cls != 2
        images.append(
            ImageResult(
                f"im{i}",
                gt,
                np.array([cls]),
                det if found else np.zeros((0, 4)),
                np.array([rng.uniform(0.2, 1.0)]) if found else np.zeros(0),
                np.array([cls]) if found else np.zeros(0, np.int64),
            )
        )
    return EvaluationData(images, NAMES).views(0.3, 0.5)


def _has_colour(img: np.ndarray, bgr) -> bool:
    return bool((np.abs(img.astype(int) - np.array(bgr)).sum(axis=2) < 40).any())


def test_pr_legend_beside_the_plot_never_over_it():
    views = _views()
    img = draw_pr_curves(views, width=640, height=440)
    assert img.shape[1] == 640 + PR_LEGEND_WIDTH
    plot, legend = img[:, :640], img[:, 640:]
    for k in range(3):
        assert _has_colour(legend, _bgr(COLORS[k]))  # each class named in the legend, in its colour
    # roses have no detection, so no curve: their colour inside the plot would be the legend drawn over it
    assert not _has_colour(plot, _bgr(COLORS[2]))
    assert _has_colour(plot, _bgr(COLORS[0])) and _has_colour(plot, _bgr(COLORS[1]))  # the two curves


def test_summary_lines_plain_rounded_and_without_repeats():
    views = _views()
    lines = dict(
        summary_lines(
            views,
            {
                "n_images": 30,  # the same as "images evaluated": left out
                "map50": float(views.map),  # the same mAP: left out
                "mean_iou": 0.612345,
                "refine": True,
                "model_classes_not_in_data": [],
                "data_classes_not_in_model": ["tulips", "rose"],
                "custom": 0.5,
            },
        )
    )
    assert lines["images evaluated"] == "30"
    assert not any("n_images" in k or k == "map50" for k in lines)
    assert lines["mean IoU of the box head (its box against each image's largest labelled box)"] == "0.612"
    assert lines["second look (the box head's refined box)"] == "yes"
    assert lines["model classes not labelled in the data"] == "none"
    assert lines["labelled classes the model does not know"] == "tulips, rose"
    assert lines["custom"] == "0.500"
    assert lines["score threshold"] == "0.300"
    # a summary mAP that differs from the report's own (another NMS) is kept, not hidden
    differing = dict(summary_lines(views, {"map50": float(views.map) / 2}))
    assert "map50" in differing
