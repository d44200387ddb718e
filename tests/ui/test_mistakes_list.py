"""The "Likely label mistakes" list in the window, driven with real keys: open a list, walk it (the image and the
two boxes come up), Enter takes a suggestion (relabel, add, move) as an undoable command, Ctrl+Z undoes it, K marks
a label right (remembered beside the dataset, so the reopened list leaves it out); and the list found by a real
worker with a tiny trained model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from annotator.core import sample_data, voc
from annotator.core.mistakes import MistakeEntry, MistakeReport, ok_marks_path, read_ok_marks, write_mistakes
from annotator.ui.model.features import install_model_features
from annotator.ui.model.mistakes_dock import NO_LIST_TEXT
from tests.ui.model_helpers import tiny_model
from tests.ui.ui_helpers import canvas_pixels


@pytest.fixture
def features(window):
    f = install_model_features(window)
    yield f
    f.client.shutdown()


@pytest.fixture
def flowers(tmp_path: Path) -> Path:
    folder = tmp_path / "flowers"
    sample_data.generate(folder, count=5, seed=4, max_flowers=2, image_size=(160, 120))
    return folder


def _crafted_list(folder: Path, out: Path) -> list[MistakeEntry]:
    first = [voc.read(folder / f"flower_{i:05d}.xml").objects[0] for i in range(4)]
    other = {
        n: next(c for c in ("daisy", "tulips") if c != n)
        for n in ("daisy", "dandelion", "roses", "sunflowers", "tulips")
    }
    b2 = first[2].xyxy()
    entries = [
        MistakeEntry(
            "flower_00000",
            "swapped",
            first[0].name,
            first[0].xyxy(),
            other[first[0].name],
            first[0].xyxy(),
            0.95,
        ),
        MistakeEntry("flower_00001", "overlooked", None, None, "daisy", (12.0, 10.0, 52.0, 44.0), 0.9),
        MistakeEntry(
            "flower_00002",
            "badly_located",
            first[2].name,
            b2,
            first[2].name,
            (b2[0] + 6, b2[1] + 4, b2[2] + 6, b2[3] + 4),
            0.8,
        ),
        MistakeEntry(
            "flower_00003",
            "swapped",
            first[3].name,
            first[3].xyxy(),
            other[first[3].name],
            first[3].xyxy(),
            0.7,
        ),
        MistakeEntry("flower_09999", "overlooked", None, None, "roses", (1.0, 1.0, 9.0, 9.0), 0.6),
    ]
    write_mistakes(MistakeReport(entries, 5, 8, ["daisy", "dandelion", "roses", "sunflowers", "tulips"]), out)
    return entries


def test_walk_apply_undo_and_mark_right_with_keys(qtbot, window, features, flowers, tmp_path):
    entries = _crafted_list(flowers, tmp_path / "mistakes.json")
    window.open_path(flowers)
    m = features.mistakes
    dock = features.mistakes_dock
    without_entry = None
    assert m.open_file(str(tmp_path / "mistakes.json"))
    tree = dock.tree
    assert tree.topLevelItemCount() == 5
    assert dock.states[4] == "missing"  # an image the folder does not hold: listed, never applied
    # the first entry is current: its image is shown with the labelled box and the suggestion drawn
    assert window.current_path.endswith("flower_00000.jpg")
    assert m.layer.entry == entries[0]
    with_entry = canvas_pixels(window)
    m.layer.entry = None
    without_entry = canvas_pixels(window)
    m.layer.entry = entries[0]
    assert not np.array_equal(with_entry, without_entry)
    assert "Labelled" in dock.detail_label.text()

    tree.setFocus()
    doc0 = window.document_model
    qtbot.keyClick(tree, Qt.Key.Key_Return)  # swapped: relabel
    assert doc0.box(0).name == entries[0].suggested
    assert dock.states[0] == "fixed"
    assert window.current_path.endswith("flower_00001.jpg")  # on to the next open entry
    assert tree.hasFocus()

    doc1 = window.document_model
    n1 = len(doc1)
    qtbot.keyClick(tree, Qt.Key.Key_Return)  # overlooked: the box is added
    assert len(doc1) == n1 + 1
    added = doc1.box(n1)
    assert (added.name, added.xyxy()) == ("daisy", (12.0, 10.0, 52.0, 44.0))
    assert window.current_path.endswith("flower_00002.jpg")

    doc2 = window.document_model
    qtbot.keyClick(tree, Qt.Key.Key_Enter)  # badly located: the box moves
    assert doc2.box(0).xyxy() == entries[2].suggested_box
    assert window.current_path.endswith("flower_00003.jpg")

    # back to the first entry with the arrow keys; Ctrl+Z there undoes the relabel and reopens the entry
    for _ in range(3):
        qtbot.keyClick(tree, Qt.Key.Key_Up)
    assert window.current_path.endswith("flower_00000.jpg")
    qtbot.keyClick(tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc0.box(0).name == entries[0].label
    assert dock.states[0] == ""
    qtbot.keyClick(tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, delay=0)
    assert doc0.box(0).name == entries[0].label  # nothing more to undo on this image
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(doc1) == n1 and dock.states[1] == ""  # the added box is gone again

    # K: the label is right; remembered beside the dataset, and left out when the list is opened again
    for _ in range(2):
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert dock.current_index() == 3
    qtbot.keyClick(tree, Qt.Key.Key_K)
    assert dock.states[3] == "right"
    assert ok_marks_path(flowers).is_file()
    assert [e.image for e in read_ok_marks(flowers)] == ["flower_00003"]
    assert voc.read(flowers / "flower_00003.xml").objects[0].name == entries[3].label  # the labels untouched
    assert m.open_file(str(tmp_path / "mistakes.json"))
    assert [e.image for e in dock.entries] == ["flower_00000", "flower_00001", "flower_00002", "flower_09999"]


def test_k_again_takes_the_mark_back_and_a_changed_box_is_not_touched(
    qtbot, window, features, flowers, tmp_path
):
    entries = _crafted_list(flowers, tmp_path / "mistakes.json")
    window.open_path(flowers)
    m, dock = features.mistakes, features.mistakes_dock
    assert m.open_file(str(tmp_path / "mistakes.json"))
    tree = dock.tree
    tree.setFocus()
    dock.select(3)
    qtbot.keyClick(tree, Qt.Key.Key_K)
    assert read_ok_marks(flowers) and dock.current_index() == 0
    dock.select(3)
    qtbot.keyClick(tree, Qt.Key.Key_K)
    assert read_ok_marks(flowers) == [] and dock.states[3] == ""
    # the user moved the labelled box by hand: the entry's suggestion no longer applies, nothing is changed
    dock.select(0)
    doc = window.document_model
    x0, y0, x1, y1 = doc.box(0).xyxy()
    doc.set_geometry(0, (x0 + 30, y0, x1 + 30, y1))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert doc.box(0).name == entries[0].label and dock.states[0] == ""
    assert "no longer there" in dock.detail_label.text()


def test_a_broken_list_is_a_message_not_a_crash(qtbot, window, features, flowers, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "flower-annotator-mistakes", "entries": [{"kind": "wrong"}]}', encoding="utf-8"
    )
    window.open_path(flowers)
    assert not features.mistakes.open_file(str(bad))
    assert "Cannot open the list" in features.mistakes_dock.detail_label.text()
    assert features.mistakes_dock.tree.topLevelItemCount() == 0


def test_find_with_the_loaded_model_in_the_worker(qtbot, window, features, tmp_path_factory):
    data, model = tiny_model(tmp_path_factory.mktemp("mistakes"))
    window.open_path(data)
    f = features
    f.actions["find_mistakes"].trigger()
    assert "Load a model first" in f.mistakes_dock.detail_label.text()
    with qtbot.waitSignal(f.client.model_loaded, timeout=240000):
        f.prediction.load_model(str(model))
    with qtbot.waitSignal(f.client.mistakes_ready, timeout=240000) as got:
        f.actions["find_mistakes"].trigger()
        assert not f.mistakes_dock.find_button.isEnabled()  # one run at a time
    val = (data / "ImageSets" / "Main" / "val.txt").read_text(encoding="utf-8").split()
    report = got.args[0]["report"]
    assert got.args[0]["split"] == "val" and report["n_images"] == len(val)
    assert f.mistakes_dock.find_button.isEnabled()
    assert f.mistakes_dock.tree.topLevelItemCount() == len(report["entries"])
    assert f"in {len(val)} images the model did not train on" in f.mistakes_dock.summary_label.text()


def test_f6_opens_and_closes_the_list(qtbot, window, features, flowers):
    window.open_path(flowers)
    dock = features.mistakes_dock
    assert dock.isHidden() and not features.actions["toggle_mistakes_dock"].isChecked()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    qtbot.waitUntil(dock.isVisible)
    assert features.actions["toggle_mistakes_dock"].isChecked()
    assert NO_LIST_TEXT.split(":")[0] in dock.summary_label.text()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: not dock.isVisible())
    assert not features.actions["toggle_mistakes_dock"].isChecked()
