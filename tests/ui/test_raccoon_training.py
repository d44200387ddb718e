"""The real raccoon dataset (200 LabelImg photos in ``images/`` + ``annotations/``) trained from the window with a
real worker process and a tiny model: the panel counts 200 labelled images, the run's ``run.json`` records 200
(train + validation); after three images are verified with Space, "verified only" trains on those three.

Reads ``/work/shared/datasets/raccoon`` (skipped when absent) and copies it into ``tmp_path`` (the window saves
there); nothing of it enters the repository.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.core import voc
from annotator.ui.model.features import install_model_features
from annotator.ui.model.panel import show_dock

RACCOON = Path("/work/shared/datasets/raccoon")

pytestmark = pytest.mark.skipif(
    not (RACCOON / "images").is_dir() or not (RACCOON / "annotations").is_dir(),
    reason="the raccoon dataset is not on this machine",
)


@pytest.fixture
def raccoon(tmp_path) -> tuple[Path, Path]:
    """A copy of the dataset in which no image is verified yet (the original marks 199 of 200)."""
    images, annotations = tmp_path / "raccoon" / "images", tmp_path / "raccoon" / "annotations"
    shutil.copytree(RACCOON / "images", images)
    annotations.mkdir()
    for xml in (RACCOON / "annotations").glob("*.xml"):
        text = re.sub(
            r'(<annotation[^>]*?)\s+verified="yes"', r"\1", xml.read_text(encoding="utf-8"), count=1
        )
        (annotations / xml.name).write_text(text, encoding="utf-8")
    return images, annotations


def _train(qtbot, dock) -> dict:
    """Click Start, wait for the run to end, return its run.json."""
    assert dock.start_button.isEnabled(), dock.problem()
    with qtbot.waitSignal(dock.client.training_finished, timeout=300_000) as finished:
        qtbot.mouseClick(dock.start_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].status in ("finished", "early stop"), finished.args[0]
    return json.loads((dock.run_dir / "run.json").read_text(encoding="utf-8"))


def test_the_window_trains_on_all_200_raccoons_then_on_the_three_verified(qtbot, window, raccoon):
    images, annotations = raccoon
    window.set_save_dir(str(annotations))  # --save-dir annotations
    window.open_path(images)
    features = install_model_features(window)
    dock = features.training_dock
    window.resize(1366, 768)
    show_dock(dock, True)
    qtbot.waitExposed(dock)
    qtbot.waitUntil(
        lambda: "200 images, 200 labelled, 0 verified" in dock.dataset_label.text(), timeout=30000
    )
    boxes = sum(len(voc.read(xml).objects) for xml in annotations.glob("*.xml"))
    assert boxes > 200 and f"Boxes per class: raccoon {boxes}" in dock.dataset_label.text()
    split_dir = images / "ImageSets" / "Main"
    assert (
        f"Split: 160 train / 40 validation; the first run writes it to {split_dir}"
        in dock.dataset_label.text()
    )

    dock.backbone.setCurrentText("mobilenetv2")  # tiny: seconds of training, not minutes
    dock.weights.setCurrentIndex(dock.weights.findData("none"))
    dock.image_size.setValue(32)
    dock.epochs.setValue(1)
    dock.batch_size.setValue(32)
    record = _train(qtbot, dock)
    assert record["config"]["save_dir"] == str(annotations) and record["config"]["images"] == "all"
    assert record["result"]["n_train"] + record["result"]["n_val"] == 200
    assert (record["result"]["n_train"], record["result"]["n_val"]) == (160, 40)
    assert record["result"]["class_names"] == ["raccoon"]
    assert (split_dir / "train.txt").is_file()
    assert (
        f"Split: 160 train / 40 validation, from the split files in {split_dir}" in dock.dataset_label.text()
    )
    assert "Trained on 160 images, validated on 40." in dock.log.toPlainText()

    # verify the first three photos as a user does: Space, then D to the next one (autosave keeps them)
    shown = []
    for _ in range(3):
        window.canvas.setFocus()
        shown.append(Path(window.current_path).stem)
        qtbot.keyClick(window.canvas, Qt.Key.Key_Space)
        qtbot.keyClick(window.canvas, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: "200 labelled, 3 verified" in dock.dataset_label.text(), timeout=10000)
    for stem in shown:
        assert 'verified="yes"' in (annotations / f"{stem}.xml").read_text(encoding="utf-8")
    radio = dock.use_verified
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))
    assert radio.isChecked() and "Split: 3 train / 0 validation" in dock.dataset_label.text()
    record = _train(qtbot, dock)
    assert record["config"]["images"] == "verified"
    assert record["result"]["n_train"] + record["result"]["n_val"] == 3
