"""The label dialog offers the labels the open folder already uses first (most used first, counted through the
scan with the save folder and kept up to date while labelling), then the predefined classes, then history; the
row Enter would take is highlighted as the user types. Real key events in the real dialog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QWidget
from ui_helpers import drag, settle, when_modal

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from tests.ui.conftest import write_jpeg

# shared/ lies beside the checkout (CI's clean clone too); a git worktree elsewhere falls back to /work/shared.
RACCOON = next(
    (
        p / "datasets" / "raccoon"
        for p in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
        if (p / "datasets" / "raccoon" / "annotations").is_dir()
    ),
    Path("/nonexistent"),
)
FLOWERS = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]


def _answer(qtbot, typed: str | None = None):
    """Answer the next label dialog: note its rows and highlighted row, type ``typed`` (None: keep the text it
    starts with), note the highlight again, press Enter. Returns the notes."""
    notes: dict = {}

    def answer(dialog: QWidget) -> None:
        rows = dialog.findChild(QListWidget, "label_list")
        edit = dialog.findChild(QWidget, "label_edit")
        notes["labels"] = [dialog.label_of(rows.item(i)) for i in range(rows.count())]
        notes["texts"] = [rows.item(i).text() for i in range(rows.count())]
        notes["start_text"] = edit.text()
        notes["start_highlight"] = dialog.highlighted_label()
        if typed is not None:
            qtbot.keyClicks(edit, typed)  # the start text is selected: typing replaces it
            notes["visible"] = [
                dialog.label_of(rows.item(i)) for i in range(rows.count()) if not rows.item(i).isHidden()
            ]
            notes["highlight"] = dialog.highlighted_label()
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    when_modal(answer)
    return notes


def _draw(qtbot, window, start, end, typed: str | None = None) -> dict:
    window.activateWindow()  # shortcuts go to the active window only
    qtbot.waitUntil(window.isActiveWindow)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_W)
    assert window.canvas.drawing
    notes = _answer(qtbot, typed)
    drag(qtbot, window.canvas, start, end)
    qtbot.waitUntil(lambda: not window.canvas.drawing and "labels" in notes)
    settle(qtbot, window)
    return notes


def test_labels_used_in_the_save_folder_come_first_and_follow_new_labels(qtbot, window, settings, tmp_path):
    images, annotations = tmp_path / "images", tmp_path / "annotations"
    images.mkdir()
    for i in range(3):
        write_jpeg(images / f"img_{i:02d}.jpg", seed=i)
    ann = ImageAnnotation(filename="img_00.jpg", width=200, height=150)
    ann.objects = [BoxObject("cat", 10 + i, 10, 60 + i, 60) for i in range(3)]
    annotations.mkdir()
    voc.write(ann, annotations / "img_00.xml")
    ann.objects = [BoxObject("dog", 10, 10, 60, 60)]
    voc.write(ann, annotations / "img_01.xml")
    settings.add_label_to_history("roses")  # from another folder: not what this folder uses
    window.set_save_dir(str(annotations))  # Ctrl+R's folder, before opening (as --save-dir)
    window.actions.autosave.setChecked(False)
    assert window.open_path(images / "img_02.jpg")

    first = _draw(qtbot, window, (20, 20), (80, 80), typed="do")
    assert first["labels"] == ["cat", "dog", *FLOWERS]  # the folder's labels, most used first
    assert first["texts"][:2] == ["cat  (3)", "dog  (1)"]
    assert (first["start_text"], first["start_highlight"]) == ("cat", "cat")  # its most used label
    assert first["visible"] == ["dog"] and first["highlight"] == "dog"
    assert [b.name for b in window.document.objects] == ["dog"]

    # Unsaved boxes count at once: two more dogs (Enter on the label the dialog starts with, "dog" now)
    for k in range(2):
        notes = _draw(qtbot, window, (30 + 10 * k, 30), (90 + 10 * k, 90))
        assert notes["start_text"] == "dog" and notes["start_highlight"] == "dog"
    assert notes["texts"][:2] == ["cat  (3)", "dog  (3)"]  # a tie: natural order
    assert [b.name for b in window.document.objects] == ["dog", "dog", "dog"]
    last = _draw(qtbot, window, (40, 40), (100, 100), typed="c")
    assert last["labels"][:2] == ["dog", "cat"] and last["texts"][0] == "dog  (4)"
    # "c" starts only "cat" among the labels: it is highlighted and Enter takes it
    assert last["highlight"] == "cat" and window.document.objects[-1].name == "cat"
    assert not (annotations / "img_02.xml").exists()  # all of it unsaved


def test_typed_text_takes_the_first_label_it_begins_and_a_new_text_none(qtbot, window, settings, tmp_path):
    images, annotations = tmp_path / "images", tmp_path / "annotations"
    images.mkdir()
    write_jpeg(images / "one.jpg")
    annotations.mkdir()
    ann = ImageAnnotation(filename="other.jpg", width=200, height=150)
    ann.objects = [BoxObject("dandelion", 10, 10, 60, 60)]
    write_jpeg(images / "other.jpg")
    voc.write(ann, annotations / "other.xml")
    window.set_save_dir(str(annotations))  # Ctrl+R's folder, before opening (as --save-dir)
    window.actions.autosave.setChecked(False)
    assert window.open_path(images / "one.jpg")
    notes = _draw(qtbot, window, (20, 20), (80, 80), typed="da")  # dandelion (used here) before daisy
    assert notes["labels"] == ["dandelion", "daisy", "roses", "sunflowers", "tulips"]
    assert notes["visible"] == ["dandelion", "daisy"] and notes["highlight"] == "dandelion"
    assert window.document.objects[-1].name == "dandelion"
    notes = _draw(qtbot, window, (30, 30), (90, 90), typed="lip")  # only inside "tulips": not begun
    assert notes["visible"] == ["tulips"] and notes["highlight"] == ""
    assert window.document.objects[-1].name == "lip"  # Enter takes the text as typed (a new label)


@pytest.mark.skipif(not (RACCOON / "annotations").is_dir(), reason="shared raccoon dataset not present")
def test_the_raccoon_folder_offers_raccoon_first(qtbot, window, settings, tmp_path):
    annotations = tmp_path / "annotations"  # a copy: this test may save, the shared dataset must not change
    shutil.copytree(RACCOON / "annotations", annotations)
    n_boxes = sum(len(voc.read(x).objects) for x in annotations.glob("*.xml"))
    window.set_save_dir(str(annotations))  # Ctrl+R's folder, before opening (as --save-dir)
    assert window.open_path(RACCOON / "images")
    assert window.current_path.endswith("raccoon-1.jpg")
    notes = _draw(qtbot, window, (20, 20), (120, 120), typed="rac")
    assert notes["labels"] == ["raccoon", *FLOWERS]
    assert notes["texts"][0] == f"raccoon  ({n_boxes})"
    assert notes["start_text"] == "raccoon" and notes["start_highlight"] == "raccoon"
    assert notes["visible"] == ["raccoon"] and notes["highlight"] == "raccoon"
    assert [b.name for b in window.document.objects][-1] == "raccoon"
