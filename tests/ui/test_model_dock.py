"""Training from the dock with a real worker process and a tiny model: curves, cancel, close during training.

Tiny settings (mobilenetv2, 32 px, weights none, 12 generated images) keep each run to tens of seconds on 2 cores.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core import sample_data
from annotator.ui.model.features import install_model_features
from tests.ui.model_helpers import TRAINED
from tests.ui.ui_helpers import click_button


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "flowers"
    sample_data.generate(folder, count=12, seed=1, max_flowers=2, image_size=(96, 72))
    return folder


@pytest.fixture
def features(window):
    f = install_model_features(window)
    yield f
    f.client.shutdown()


def _tiny(dock, epochs: int, heads=("loc",)) -> None:
    dock.backbone.setCurrentText("mobilenetv2")
    dock.weights.setCurrentIndex(dock.weights.findData("none"))
    dock.image_size.setValue(32)
    dock.epochs.setValue(epochs)
    dock.batch_size.setValue(8)
    for name, box in dock.head_boxes.items():
        box.setChecked(name in heads)


def test_input_size_follows_the_backbone_and_weights_until_the_user_sets_it(qtbot, features, tmp_path):
    dock = features.training_dock
    dock.set_dataset(str(tmp_path))
    dock.backbone.setCurrentText("mobilenetv2")
    dock.weights.setCurrentIndex(dock.weights.findData("none"))
    assert dock.image_size.value() == 192  # from scratch MobileNetV2 trains at half width, 192 px
    dock.weights.setFocus()
    qtbot.keyClick(dock.weights, Qt.Key.Key_Down)  # -> ImageNet
    assert dock.weights.currentData() == "imagenet" and dock.image_size.value() == 224
    qtbot.keyClick(dock.weights, Qt.Key.Key_Up)
    dock.backbone.setCurrentText("xception")
    assert dock.image_size.value() == 128
    dock.image_size.setValue(96)  # the user's own choice is what training gets
    assert dock.train_request(Path("m.keras")).image_size == 96


def test_train_from_the_dock_curves_update_then_cancel_keeps_the_best_model(
    qtbot, window, features, data_dir
):
    window.open_path(data_dir)
    f = features
    dock = f.training_dock
    qtbot.waitUntil(lambda: "labelled" in dock.dataset_label.text())  # counted on a background thread
    assert "12 images, 12 labelled" in dock.dataset_label.text()
    assert "Split: 10 train / 2 validation" in dock.dataset_label.text()
    _tiny(dock, epochs=50, heads=("loc", "grid", "seg"))
    epochs = []
    f.client.progress.connect(lambda e: epochs.append(e) if e.kind == "epoch" else None)
    qtbot.mouseClick(dock.start_button, Qt.MouseButton.LeftButton)
    assert f.client.is_training and dock.cancel_button.isEnabled() and not dock.start_button.isEnabled()
    qtbot.waitUntil(lambda: len(dock.curve_data("loss")) == 1, timeout=150000)
    first_loss = dock.curve_data("loss")
    qtbot.waitUntil(lambda: len(dock.curve_data("loss")) == 2, timeout=60000)  # the curve grows live
    t0 = time.monotonic()
    with qtbot.waitSignal(f.client.training_finished, timeout=60000) as finished:
        qtbot.mouseClick(dock.cancel_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - t0 < 20  # within a batch (plus leaving fit), far from 50 epochs
    assert finished.args[0].status == "cancelled"
    assert 2 <= len(epochs) <= 3
    loss = dock.curve_data("loss")
    assert [x for x, _ in loss] == [float(i + 1) for i in range(len(epochs))] and loss[0] == first_loss[0]
    assert [v for _, v in loss] == pytest.approx([e.losses["loss"] for e in epochs])
    assert len(dock.curve_data("val_box_iou")) == len(epochs)  # a validation metric curve
    assert "cancelled" in dock.progress_bar.format()
    assert not f.client.is_training and dock.start_button.isEnabled()
    # the best model so far is saved beside the dataset with its record, and listed
    record = json.loads((dock.run_dir / "run.json").read_text())
    assert record["status"] == "cancelled" and len(record["history"]) == len(epochs)
    assert (dock.run_dir / "model.keras").is_file()
    assert dock.runs_table.rowCount() == 1 and dock.runs_table.item(0, 2).text() == "cancelled"
    dock.runs_table.selectRow(0)
    with qtbot.waitSignal(f.client.model_loaded, timeout=60000) as loaded:
        qtbot.mouseClick(dock.load_button, Qt.MouseButton.LeftButton)
    assert loaded.args[1]["class_names"] and "Model:" in f.model_panel.model_label.text()
    TRAINED.update(data=data_dir, model=dock.run_dir / "model.keras")  # reused by test_model_predictions


def test_close_during_training_asks_cancels_and_leaves_no_process(qtbot, window, features, data_dir):
    window.open_path(data_dir)
    f = features
    _tiny(f.training_dock, epochs=200)
    qtbot.waitUntil(lambda: "labelled" in f.training_dock.dataset_label.text())
    phases = []
    f.client.progress.connect(lambda e: phases.append(e.phase))
    assert f.training_dock.start()
    qtbot.waitUntil(lambda: "full" in phases, timeout=90000)  # the model is built and fitting
    pid = f.client.worker_pid
    assert pid is not None
    seen = click_button("No")
    window.close()
    assert seen and window.isVisible() and f.client.is_training  # "No" keeps it running
    seen = click_button("Yes")
    t0 = time.monotonic()
    window.close()
    took = time.monotonic() - t0
    assert seen and not window.isVisible()
    assert took < 3.0, took
    assert _pid_gone(pid)
