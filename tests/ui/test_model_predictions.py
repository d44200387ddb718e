"""Predictions in the window with a real worker and a tiny trained model: drawn, accepted/rejected with undo,
stale results dropped, every overlay toggled, recovery after a killed worker, hardest-first navigation."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from annotator.ui.model.features import install_model_features
from tests.ui.model_helpers import tiny_model
from tests.ui.ui_helpers import canvas_pixels


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    """(data folder, model): generated images and a tiny mobilenetv2 32 px model with all three heads."""
    return tiny_model(tmp_path_factory.mktemp("pred"))


@pytest.fixture
def features(window):
    f = install_model_features(window)
    yield f
    f.client.shutdown()


def _load(qtbot, window, f, model: Path):
    with qtbot.waitSignal(f.client.prediction_ready, timeout=240000) as got:
        f.prediction.load_model(str(model))
    return got.args[0]


def test_predictions_are_drawn_then_accepted_and_rejected_with_undo(qtbot, window, features, trained):
    data, model = trained
    f = features
    window.open_path(data)
    f.model_panel.score_slider.setValue(0)  # show every prediction of the barely trained model
    before = canvas_pixels(window)
    prediction = _load(qtbot, window, f, model)
    assert prediction.image_id == window.current_path
    assert prediction.mask is not None and prediction.mask.shape == (72, 96)
    assert prediction.objectness is not None and prediction.loc_box is not None
    assert "predictions" in f.scene.visible  # loading a model turns the prediction overlay on
    qtbot.waitUntil(lambda: not np.array_equal(canvas_pixels(window), before), timeout=5000)
    shown = len(f.scene.pending())
    assert shown >= 1 and f.model_panel.predictions.count() == shown
    status = window.file_panel.model.extra_status(window.current_path)
    assert status == f"{shown} unreviewed prediction(s)"

    n_boxes = len(window.document.objects)
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(
        window.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    assert len(window.document.objects) == n_boxes + 1  # the best prediction became a label
    accepted = window.document.objects[-1]
    det = f.scene.detections()
    best = int(np.argmax(det.scores))
    assert accepted.name == f.scene.class_name(int(det.classes[best]))
    assert accepted.xyxy() == pytest.approx(tuple(det.boxes[best]))
    assert len(f.scene.pending()) == shown - 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.objects) == n_boxes and len(f.scene.pending()) == shown

    f.actions["reject_prediction"].trigger()
    assert len(f.scene.pending()) == shown - 1 and len(window.document.objects) == n_boxes
    window.undo_stack.undo()
    assert len(f.scene.pending()) == shown

    f.actions["accept_all_predictions"].trigger()
    assert len(window.document.objects) == n_boxes + shown and not f.scene.pending()
    assert window.file_panel.model.extra_status(window.current_path) == ""
    window.undo_stack.undo()  # one undo step for "accept all"
    assert len(window.document.objects) == n_boxes


def test_every_overlay_toggles_and_changes_the_canvas(qtbot, window, features, trained):
    data, model = trained
    f = features
    window.open_path(data)
    f.model_panel.score_slider.setValue(0)
    _load(qtbot, window, f, model)
    f.actions["overlay_predictions"].setChecked(False)
    plain = canvas_pixels(window)
    for name in ("overlay_predictions", "overlay_iou", "overlay_grid", "overlay_mask"):
        f.actions[name].trigger()
        drawn = canvas_pixels(window)
        assert not np.array_equal(drawn, plain), name
        f.actions[name].trigger()
        assert np.array_equal(canvas_pixels(window), plain), name
    f.actions["overlay_grid"].setChecked(True)
    n_after = len(f.scene.detections())
    after_nms = canvas_pixels(window)
    f.actions["grid_before_nms"].trigger()
    assert f.scene.settings.before_nms and len(f.scene.detections()) >= n_after
    if len(f.scene.detections()) > n_after:
        assert not np.array_equal(canvas_pixels(window), after_nms)


def test_stale_results_are_dropped_on_fast_navigation(qtbot, window, features, trained):
    data, model = trained
    f = features
    window.open_path(data)
    _load(qtbot, window, f, model)
    arrivals = []
    f.client.prediction_ready.connect(lambda p: arrivals.append((p.image_id, window.current_path)))
    for _ in range(4):
        assert window.next_image()
    target = window.current_path
    qtbot.waitUntil(
        lambda: f.scene.prediction is not None and f.scene.prediction.image_id == target, timeout=60000
    )
    qtbot.wait(300)
    assert all(image == shown for image, shown in arrivals)  # nothing for an image no longer shown
    # each of the 4 requests was drawn (only while its image was shown), skipped by the worker, or dropped
    assert len(arrivals) + f.client.skipped + f.client.stale_dropped == 4
    assert arrivals[-1][0] == target


def test_killed_worker_recovers_on_the_next_image_and_hardest_first_navigation(
    qtbot, window, features, trained
):
    data, model = trained
    f = features
    window.open_path(data)
    _load(qtbot, window, f, model)
    first = window.current_path
    with qtbot.waitSignal(f.client.worker_crashed, timeout=10000):
        os.kill(f.client.worker_pid, signal.SIGKILL)
    assert "SIGKILL" in f.model_panel.status_label.text()
    with qtbot.waitSignal(f.client.prediction_ready, timeout=240000) as got:
        window.next_image()
    assert got.args[0].image_id == window.current_path != first
    with qtbot.waitSignal(f.client.prediction_ready, timeout=60000):
        window.next_image()
    seen = dict(f.tracker.images)
    assert len(seen) == 3
    order = window.file_panel.model.paths()
    ranked = sorted(seen, key=lambda p: (seen[p].confidence, order.index(p)))
    with qtbot.waitSignal(f.client.prediction_ready, timeout=60000):
        window.open_path(ranked[0])
    qtbot.keyClick(
        window.canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    assert window.current_path == ranked[1]  # the next hardest by confidence


def test_predict_all_images_ranks_the_whole_folder_for_lowest_iou(qtbot, window, features, trained):
    data, model = trained
    f = features
    window.open_path(data)
    _load(qtbot, window, f, model)
    paths = window.file_panel.model.paths()
    scanned = []
    f.client.prediction_scanned.connect(lambda p: scanned.append(p.image_id))
    with qtbot.waitSignal(f.client.scan_finished, timeout=240000):
        f.actions["predict_folder"].trigger()
    assert sorted(scanned) == sorted(paths) and set(f.tracker.images) == set(paths)
    assert "images predicted" in f.model_panel.status_label.text()
    # every image got its status in the file list, computed against its ground truth read from disk
    pending = {p: f.tracker.images[p].pending for p in paths}
    for p in paths:
        expected = f"{pending[p]} unreviewed prediction(s)" if pending[p] else ""
        assert window.file_panel.model.extra_status(p) == expected
    assert all(not np.isnan(f.tracker.images[p].mean_iou) for p in paths)  # every generated image has boxes
    ranked = sorted(paths, key=lambda p: (f.tracker.images[p].mean_iou, paths.index(p)))
    window.open_path(ranked[0])
    qtbot.keyClick(
        window.canvas, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    assert window.current_path == ranked[1]


def test_render_command_with_a_model_draws_every_overlay(trained, tmp_path, capsys):
    from PySide6.QtGui import QImage

    from annotator.cli import main as cli_main

    data, model = trained
    image = sorted(data.glob("*.jpg"))[0]
    out = tmp_path / "all.png"
    plain = tmp_path / "plain.png"
    assert cli_main(["render", str(image), "--out", str(plain)]) == 0
    args = ["render", str(image), "--model", str(model), "--overlay", "boxes,predictions,iou,grid,mask"]
    assert cli_main([*args, "--score-threshold", "0", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "overlays: boxes,predictions,iou,grid,mask" in text and "mean IoU" in text
    a, b = QImage(str(plain)), QImage(str(out))
    assert (a.width(), a.height()) == (b.width(), b.height()) == (96, 72)
    assert a != b  # the overlays drew something
    assert cli_main([*args, "--out", str(tmp_path / "x.png"), "--cell", "nine"]) == 2
    assert "ROW,COL" in capsys.readouterr().err


def test_model_stays_loaded_when_the_worker_dies_right_after_its_first_prediction(
    qtbot, window, features, trained
):
    data, model = trained
    f = features
    window.open_path(data)
    killed: list[int] = []

    def kill_then_move_on(_prediction) -> None:
        # The worker answers the shown image before it acknowledges the load request, so a crash right after the
        # first prediction finds "load_model" still pending; the model must stay loaded all the same.
        if killed:
            return
        killed.append(f.client.worker_pid)
        os.kill(killed[0], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while f.client.worker_running() and time.monotonic() < deadline:
            time.sleep(0.01)
        window.next_image()  # finds the worker dead before its reader noticed, reports it, starts a fresh one

    f.client.prediction_ready.connect(kill_then_move_on)
    with qtbot.waitSignal(f.client.prediction_ready, timeout=90000):
        f.prediction.load_model(str(model))
    f.client.prediction_ready.disconnect(kill_then_move_on)
    assert f.client.crash_count == 1
    assert f.client.model_path == str(model)
    with qtbot.waitSignal(f.client.prediction_ready, timeout=240000) as got:
        pass
    assert got.args[0].image_id == window.current_path
