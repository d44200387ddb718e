"""The Training panel's counts are live: they follow a box drawn and saved, a verification, a file changed by
another program and an image moved to the trash, with real keys and mouse in the window, in a save-folder layout
(images/ + annotations/, LabelImg's Change Save Dir). Start saves the shown image's edits first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from ui_helpers import click_button, drag, settle, type_label

from annotator.core import sample_data, voc
from annotator.ui.model.features import install_model_features


@pytest.fixture
def layout(tmp_path) -> tuple[Path, Path]:
    """Five photos in ``images/``, four of them labelled in ``annotations/``, the fifth unlabelled."""
    flat = tmp_path / "flat"
    sample_data.generate(flat, count=5, seed=11, max_flowers=1, image_size=(240, 180))
    images, annotations = tmp_path / "images", tmp_path / "annotations"
    images.mkdir()
    annotations.mkdir()
    for n, image in enumerate(sorted(flat.glob("*.jpg"))):
        shutil.copy(image, images / image.name)
        if n < 4:
            shutil.copy(image.with_suffix(".xml"), annotations / f"{image.stem}.xml")
    return images, annotations


@pytest.fixture
def dock(qtbot, window, layout):
    images, annotations = layout
    window.set_save_dir(str(annotations))
    window.open_path(images)
    features = install_model_features(window)
    window.resize(1366, 768)
    window.place_side_docks(features.side_docks)  # as at a first start
    dock = features.training_dock
    assert dock.isHidden()  # the panel waits until first asked for
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F9)  # the first press opens it
    qtbot.waitExposed(dock)
    assert dock.isVisible() and features.actions["toggle_training_dock"].isChecked()
    yield dock
    features.client.shutdown()


def _click_radio(qtbot, radio) -> None:
    """Click the radio button's indicator (a radio button takes clicks on its indicator and text only)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))


def _text(dock) -> str:
    return dock.dataset_label.text()


def _boxes_of(annotations: Path, name: str) -> int:
    return sum(o.name == name for xml in annotations.glob("*.xml") for o in voc.read(xml).objects)


def test_counts_follow_a_drawn_box_a_verification_and_the_verified_only_choice(qtbot, window, dock, layout):
    images, annotations = layout
    qtbot.waitUntil(lambda: "5 images, 4 labelled, 0 verified" in _text(dock))
    tulips = _boxes_of(annotations, "tulips")
    assert f"the first run writes it to {images / 'ImageSets' / 'Main'}" in _text(dock)
    assert "Split: 3 train / 1 validation" in _text(dock)

    window.open_path(images / "flower_00004.jpg")  # the unlabelled one
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    type_label(qtbot, "tulips")
    drag(qtbot, window.canvas, (30, 30), (150, 120))
    qtbot.waitUntil(lambda: not window.canvas.drawing)
    settle(qtbot, window)
    # autosave writes annotations/flower_00004.xml within a second; the panel follows without a rescan
    qtbot.waitUntil(lambda: "5 images, 5 labelled, 0 verified" in _text(dock), timeout=5000)
    assert (annotations / "flower_00004.xml").is_file() and not (images / "flower_00004.xml").exists()
    assert f"tulips {tulips + 1}" in _text(dock) and "Split: 4 train / 1 validation" in _text(dock)

    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)  # verify
    qtbot.waitUntil(lambda: "5 images, 5 labelled, 1 verified" in _text(dock), timeout=5000)

    _click_radio(qtbot, dock.use_verified)  # train on the verified images only
    assert dock.use_verified.isChecked()
    assert "Boxes per class: tulips 1" in _text(dock)  # only the verified image's boxes
    assert "Only 1 verified image(s): verify at least 3" in _text(dock) and not dock.start_button.isEnabled()
    _click_radio(qtbot, dock.use_all)
    assert "Only 1 verified" not in _text(dock) and f"tulips {tulips + 1}" in _text(dock)


def test_counts_follow_another_program_and_the_trash(qtbot, window, dock, layout):
    images, annotations = layout
    qtbot.waitUntil(lambda: "5 images, 4 labelled, 0 verified" in _text(dock))
    xml = annotations / "flower_00001.xml"
    annotation = voc.read(xml)  # another program (LabelImg, a script) marks it verified with a new class
    annotation.verified = True
    annotation.objects[0].name = "lotus"
    voc.write(annotation, xml)
    qtbot.waitUntil(lambda: "5 images, 4 labelled, 1 verified" in _text(dock), timeout=5000)
    assert "lotus 1" in _text(dock)

    window.open_path(images / "flower_00001.jpg")
    seen = click_button("Yes")
    window.actions.delete_image.trigger()  # to the dataset's trash folder, after a question
    assert seen
    qtbot.waitUntil(lambda: "4 images, 3 labelled, 0 verified" in _text(dock), timeout=5000)
    assert "lotus" not in _text(dock)


def test_start_saves_the_shown_images_edits_first(qtbot, window, dock, layout):
    images, annotations = layout
    qtbot.waitUntil(lambda: "5 images, 4 labelled" in _text(dock))
    window.actions.autosave.setChecked(False)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)  # flower_00000 verified, not saved yet
    assert window.is_dirty() and "0 verified" in _text(dock)
    dock.backbone.setCurrentText("mobilenetv2")
    dock.weights.setCurrentIndex(dock.weights.findData("none"))
    dock.image_size.setValue(32)
    dock.epochs.setValue(1)
    qtbot.mouseClick(dock.start_button, Qt.MouseButton.LeftButton)
    assert not window.is_dirty() and voc.read(annotations / "flower_00000.xml").verified
    assert "5 images, 4 labelled, 1 verified" in _text(dock)
    assert dock.client.is_training
    with qtbot.waitSignal(dock.client.training_finished, timeout=20000):
        dock.cancel()


def _inside(widget, dock) -> bool:
    """``widget`` is shown, and all of it lies inside the dock's visible area."""
    top_left = widget.mapTo(dock, widget.rect().topLeft())
    bottom_right = widget.mapTo(dock, widget.rect().bottomRight())
    return widget.isVisible() and dock.rect().contains(top_left) and dock.rect().contains(bottom_right)


def test_the_line_above_start_says_what_a_run_would_use_whatever_is_scrolled_or_shown(qtbot, window, dock):
    summary = dock.start_summary
    qtbot.waitUntil(lambda: "5 images, 4 labelled, 0 verified" in _text(dock))
    counts = dock.summary.class_counts(False)
    boxes, classes = sum(counts.values()), len(counts)
    assert boxes > 1 and classes > 1  # plural words below
    assert f"4 labelled images, {boxes} boxes, {classes} classes" in summary.text()
    assert not dock.settings_page.isAncestorOf(summary)  # not in the scrolled settings: always in view
    assert (
        summary.y() < dock.start_button.mapTo(summary.parentWidget(), dock.start_button.rect().topLeft()).y()
    )
    bar = dock.settings_page.verticalScrollBar()
    for value in (bar.minimum(), bar.maximum()):
        bar.setValue(value)
        assert _inside(summary, dock) and _inside(dock.start_button, dock)
    dock.tabs.setCurrentIndex(2)  # the log
    assert _inside(summary, dock)
    dock.tabs.setCurrentWidget(dock.curves)  # the plots take the whole height
    assert summary.isHidden()
    dock.tabs.setCurrentIndex(0)
    assert _inside(summary, dock)

    _click_radio(qtbot, dock.use_verified)  # nothing verified: the line says why Start is off
    assert "0 verified images, 0 boxes, 0 classes" in summary.text()
    assert "<b>Only 0 verified image(s): verify at least 3" in summary.text()
    assert not dock.start_button.isEnabled()
    _click_radio(qtbot, dock.use_all)
    assert "<b>" not in summary.text() and dock.start_button.isEnabled()

    window.actions.language_ko.trigger()  # the line follows a language switch
    try:
        assert f"레이블된 이미지 4개, 상자 {boxes}개, 클래스 {classes}개" in summary.text()
    finally:
        window.actions.language_en.trigger()


def test_verified_only_with_no_validation_image_is_said_before_and_when_the_run_starts(
    qtbot, window, dock, layout
):
    """Three verified images that the existing split files all put in training: the panel says the run would
    have no validation before Start, the run's log says it again, and the run trains on the three (validated on
    none) rather than failing."""
    images, annotations = layout
    main = images / "ImageSets" / "Main"
    main.mkdir(parents=True)
    (main / "train.txt").write_text("flower_00000\nflower_00001\nflower_00002\n")
    (main / "val.txt").write_text("flower_00003\n")
    for stem in ("flower_00000", "flower_00001", "flower_00002"):
        annotation = voc.read(annotations / f"{stem}.xml")
        annotation.verified = True
        voc.write(annotation, annotations / f"{stem}.xml")
    dock.set_dataset(str(images), str(annotations))
    qtbot.waitUntil(lambda: "5 images, 4 labelled, 3 verified" in _text(dock))
    assert "Split: 3 train / 1 validation" in _text(dock) and "No validation" not in _text(dock)
    assert "<b>" not in dock.start_summary.text()

    _click_radio(qtbot, dock.use_verified)
    assert "Split: 3 train / 0 validation, from the split files" in _text(dock)
    warning = f"No validation image: the split files in {main} put all 3 verified images in training"
    assert warning in _text(dock) and "verify some images listed in val.txt" in _text(dock)
    assert "3 verified images" in dock.start_summary.text()
    assert "<b>No validation image: the run would train without one.</b>" in dock.start_summary.text()
    assert warning in dock.start_summary.toolTip()
    assert (
        dock.start_button.isEnabled()
    )  # a careful user is told, not stopped: three images may be all there is

    dock.backbone.setCurrentText("mobilenetv2")
    dock.weights.setCurrentIndex(dock.weights.findData("none"))
    dock.image_size.setValue(32)
    dock.epochs.setValue(1)
    with qtbot.waitSignal(dock.client.training_finished, timeout=120000) as finished:
        qtbot.mouseClick(dock.start_button, Qt.MouseButton.LeftButton)
        assert warning in dock.log.toPlainText()  # in the run's log from the start
    outcome = finished.args[0]
    assert (outcome.n_train, outcome.n_val) == (3, 0), outcome
    assert "Trained on 3 images, validated on 0." in dock.log.toPlainText()
    assert (main / "val.txt").read_text() == "flower_00003\n"  # the split files are the user's: untouched
