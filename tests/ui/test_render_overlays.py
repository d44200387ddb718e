"""The overlay painters on a QImage and the `render` command (no model: a crafted Prediction / boxes only)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from annotator.cli import main as cli_main
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.masks import VOC_PALETTE
from annotator.core.overlay_scene import OverlayScene
from annotator.core.prediction import Prediction
from annotator.ui.model.overlays import render_image

W, H = 160, 120


def _pixel(img: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = img.pixelColor(x, y)
    return c.red(), c.green(), c.blue()


def _changed(a: QImage, b: QImage, box: tuple[int, int, int, int]) -> int:
    """How many pixels differ between two renders inside box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    return sum(_pixel(a, x, y) != _pixel(b, x, y) for x in range(x0, x1) for y in range(y0, y1))


@pytest.fixture
def scene(qapp) -> OverlayScene:
    mask = np.zeros((H, W), np.uint8)
    mask[20:60, 10:70] = 1
    mask[70:110, 90:150] = 3
    objectness = np.zeros((4, 4, 2), np.float32)
    objectness[1, 1, 0] = 0.95
    objectness[2, 3, 1] = 0.8
    s = OverlayScene()
    s.prediction = Prediction(
        image_id="x.jpg",
        width=W,
        height=H,
        class_names=["daisy", "dandelion", "roses"],
        boxes=np.array([[10, 20, 70, 60], [90, 70, 150, 110]], np.float32),
        scores=np.array([0.95, 0.8], np.float32),
        classes=np.array([0, 2], np.int32),
        raw_boxes=np.array([[10, 20, 70, 60], [12, 22, 72, 62], [90, 70, 150, 110]], np.float32),
        raw_scores=np.array([0.95, 0.6, 0.8], np.float32),
        raw_classes=np.array([0, 0, 2], np.int32),
        objectness=objectness,
        anchors=np.array([[0.3, 0.3], [0.5, 0.4]], np.float32),
        mask=mask,
    )
    s.annotation = ImageAnnotation(
        width=W,
        height=H,
        objects=[BoxObject("daisy", 12, 22, 70, 60), BoxObject("tulips", 100, 5, 150, 40)],
    )
    return s


@pytest.fixture
def gray() -> np.ndarray:
    return np.full((H, W, 3), 128, np.uint8)


def test_nms_and_thresholds_change_what_is_shown(scene):
    assert len(scene.detections()) == 2  # the 0.6 duplicate is suppressed
    scene.settings.before_nms = True
    assert len(scene.detections()) == 3
    scene.settings.score_threshold = 0.9
    assert len(scene.detections()) == 1


def test_iou_summary_counts_matches_misses_and_false_alarms(scene):
    summary = scene.iou_summary()
    (g, d, iou), *_ = summary.pairs
    assert (g, d) == (0, 0) and iou == pytest.approx((58 * 38) / (60 * 40))
    assert summary.misses == [1]  # the tulips box nothing predicted
    assert summary.false_alarms == [1]  # the roses prediction matches no ground truth
    assert summary.mean_iou == pytest.approx(iou / 2)


def test_each_overlay_paints_where_it_should_and_nowhere_else(scene, gray):
    base = render_image(gray, scene, [])
    mask = render_image(gray, scene, ["mask"])
    r, g, b = _pixel(mask, 40, 40)
    # class 1 blended at 0.5 over gray 128
    assert (r, g, b) == pytest.approx(tuple(0.5 * c + 64 for c in VOC_PALETTE[1]), abs=2)
    assert _pixel(mask, 80, 65) == _pixel(base, 80, 65)  # background stays untouched
    scene.settings.mask_opacity = 1.0
    assert _pixel(render_image(gray, scene, ["mask"]), 40, 40) == tuple(int(c) for c in VOC_PALETTE[1])

    preds = render_image(gray, scene, ["predictions"])
    assert _changed(base, preds, (9, 19, 72, 21)) > 20  # top edge of the daisy box
    assert _changed(base, preds, (30, 30, 50, 50)) == 0  # inside the box: nothing drawn

    grid = render_image(gray, scene, ["grid"])
    assert _changed(base, grid, (39, 100, 41, 101)) > 0  # a vertical grid line at x = 40
    iou = render_image(gray, scene, ["iou"])
    assert _changed(base, iou, (98, 3, 152, 7)) > 20  # the missed tulips box is outlined


def test_unknown_overlay_and_missing_model_are_clear_errors(scene, gray):
    with pytest.raises(ValueError, match="unknown overlay"):
        render_image(gray, scene, ["heatmap"])
    scene.prediction = None
    with pytest.raises(ValueError, match="need a model"):
        render_image(gray, scene, ["iou"])
    assert render_image(gray, scene, ["boxes"]).width() == W


def test_render_command_draws_boxes_from_the_xml_beside_the_image(tmp_path, capsys):
    from annotator.core import sample_data

    paths = sample_data.generate(tmp_path / "data", count=1, seed=3, image_size=(128, 96))
    image = next(p for p in paths if p.suffix == ".jpg")
    out = tmp_path / "out.png"
    assert cli_main(["render", str(image), "--out", str(out), "--scale", "2"]) == 0
    picture = QImage(str(out))
    assert (picture.width(), picture.height()) == (256, 192)
    assert "overlays: boxes" in capsys.readouterr().out
    # refuses to overwrite, refuses overlays that need a model, names a bad overlay
    assert cli_main(["render", str(image), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert cli_main(["render", str(image), "--overlay", "iou", "--out", str(tmp_path / "b.png")]) == 2
    assert "need --model" in capsys.readouterr().err
    assert cli_main(["render", str(image), "--overlay", "boxes,heat", "--out", str(tmp_path / "c.png")]) == 2
    assert "heat" in capsys.readouterr().err
    assert cli_main(["render", str(tmp_path / "none.jpg"), "--out", str(tmp_path / "d.png")]) == 2
    assert "cannot read image" in capsys.readouterr().err
