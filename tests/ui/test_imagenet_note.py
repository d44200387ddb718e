"""The Training dock's ImageNet note: shown only while ImageNet weights are chosen, naming the file Keras keeps
for the chosen backbone, input size and width, and whether this machine has it (Keras' cache in a tmp
``KERAS_HOME``, never the user's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.ui.model.features import install_model_features


@pytest.fixture
def dock(window, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    f = install_model_features(window)
    f.training_dock.set_dataset(str(tmp_path))  # a request names its data folder
    yield f.training_dock
    f.client.shutdown()


def _choose(dock, weights: str, backbone: str = "mobilenetv2") -> None:
    dock.backbone.setCurrentText(backbone)
    dock.weights.setCurrentIndex(dock.weights.findData(weights))


def test_the_note_is_hidden_unless_imagenet_is_chosen(qtbot, window, dock):
    dock.show()
    _choose(dock, "none")
    assert not dock.weights_status.isVisible()
    dock.weights.setFocus()
    qtbot.keyClick(dock.weights, Qt.Key.Key_Down)  # -> ImageNet, as a user picks it
    assert dock.weights.currentData() == "imagenet" and dock.weights_status.isVisible()
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5" in dock.weights_status.text()
    _choose(dock, "file")
    assert not dock.weights_status.isVisible()


def test_the_note_names_the_file_for_the_size_and_width(qtbot, window, dock, tmp_path):
    dock.show()
    _choose(dock, "imagenet")
    assert dock.width_choice.isVisible() and dock.chosen_width() == 1.0  # pretrained: full width
    dock.image_size.setValue(160)
    assert "kernels_1.0_160_no_top.h5" in dock.weights_status.text()
    dock.width_choice.setCurrentIndex(dock.width_choice.findData(0.35))
    assert "kernels_0.35_160_no_top.h5" in dock.weights_status.text()
    assert str(tmp_path / "keras" / "models") in dock.weights_status.text()  # where to put it
    assert dock.weights.currentText() == "ImageNet (missing)"
    assert dock.train_request(Path("m.keras")).width == 0.35
    dock.image_size.setValue(256)  # no file of its own: Keras' 224 px file is the one used
    assert "kernels_0.35_224_no_top.h5" in dock.weights_status.text()
    _choose(dock, "imagenet", "xception")
    assert not dock.width_choice.isVisible() and dock.train_request(Path("m.keras")).width is None
    assert "xception_weights_tf_dim_ordering_tf_kernels_notop.h5" in dock.weights_status.text()


def test_a_cached_file_is_reported_available(qtbot, window, dock, tmp_path):
    dock.show()
    cache = tmp_path / "keras" / "models"
    cache.mkdir(parents=True)
    (cache / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128_no_top.h5").write_bytes(b"x")
    _choose(dock, "imagenet")
    dock.image_size.setValue(128)
    assert dock.weights.currentText() == "ImageNet (missing)"  # 1.0 wide is not there
    dock.width_choice.setCurrentIndex(dock.width_choice.findData(0.5))
    assert dock.weights.currentText() == "ImageNet (available)"
    assert dock.weights_status.text() == (
        f"ImageNet weights available ({cache / 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128_no_top.h5'})"
    )


def test_from_scratch_mobilenet_starts_at_half_width_and_resnet34_has_no_imagenet(qtbot, window, dock):
    dock.show()
    _choose(dock, "none")
    assert dock.chosen_width() == 0.5 and dock.train_request(Path("m.keras")).width == 0.5
    _choose(dock, "imagenet", "resnet34")
    assert not dock.width_choice.isVisible()
    assert dock.weights_status.text() == "no ImageNet weights exist for resnet34"
    assert dock.problem().startswith("No ImageNet weights exist for resnet34")
    assert not dock.start_button.isEnabled()


def test_the_note_is_translated(qtbot, window, dock):
    _choose(dock, "imagenet")
    window.actions.language_ko.trigger()
    try:
        assert (
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5" in dock.weights_status.text()
        )
        assert "ImageNet weights" not in dock.weights_status.text()
    finally:
        window.actions.language_en.trigger()
